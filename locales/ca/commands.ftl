# commands messages (ca).
