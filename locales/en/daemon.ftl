# daemon messages (en).
