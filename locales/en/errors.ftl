# errors messages (en).
