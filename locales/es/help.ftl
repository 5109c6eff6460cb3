# help messages (es).
