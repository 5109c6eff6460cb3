# enroll messages (es).
