# help messages (en).
