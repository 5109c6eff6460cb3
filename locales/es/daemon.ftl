# daemon messages (es).
