# commands messages (es).
