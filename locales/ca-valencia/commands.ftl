# commands messages (ca-valencia).
