# daemon messages (ca-valencia).
