# sello-vcard messages (ca).
