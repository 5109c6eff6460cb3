# enroll messages (ca-valencia).
