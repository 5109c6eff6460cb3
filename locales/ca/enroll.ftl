# enroll messages (ca).
