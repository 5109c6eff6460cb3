# help messages (ca).
