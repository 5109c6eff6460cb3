# commands messages (en).
