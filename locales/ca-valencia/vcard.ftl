# sello-vcard messages (ca-valencia).
