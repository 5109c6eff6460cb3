# help messages (ca-valencia).
