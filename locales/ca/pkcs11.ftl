# El mòdul PKCS#11 (libsello.so): el diàleg de pinentry i les etiquetes que s'inventa.

pkcs11-pinentry-title = Sello
pkcs11-pinentry-prompt = PIN:
## $purpose és un dels missatges pkcs11-purpose-*.
pkcs11-pinentry-description = Introduïu el PIN de { $label } (targeta { $serial }) { $purpose }.
## $tries és «queden 2 intents» (tries-left), pkcs11-last-try o res.
pkcs11-pinentry-wrong = PIN incorrecte; { $tries }
pkcs11-last-try = queda 1 intent abans que es bloquegi el PIN
pkcs11-purpose-login = per a fer servir les seves claus
pkcs11-purpose-signature = per a una signatura amb la clau de signatura de documents (signatura digital, ranura 9C)
pkcs11-purpose-key = per a un ús de la clau de la ranura { $slot }
## Etiqueta del testimoni quan la targeta no té certificat d'autenticació (32 bytes com a màxim).
pkcs11-token-label = Targeta PIV { $serial }
