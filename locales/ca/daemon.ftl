# daemon messages (ca).
