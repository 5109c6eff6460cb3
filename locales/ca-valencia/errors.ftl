# errors messages (ca-valencia).
