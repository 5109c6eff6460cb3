# errors messages (es).
