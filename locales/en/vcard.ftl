# sello-vcard messages (en).
