# sello-vcard messages (es).
