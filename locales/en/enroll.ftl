# enroll messages (en).
