# errors messages (ca).
