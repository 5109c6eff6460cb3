# El mòdul PKCS#11 en valencià: només el que és diferent del català central (locales/ca).

pkcs11-last-try = queda 1 intent abans que es bloquege el PIN
pkcs11-purpose-login = per a utilitzar les seues claus
