# El módulo PKCS#11 (libsello.so): el diálogo de pinentry y las etiquetas que inventa.

pkcs11-pinentry-title = Sello
pkcs11-pinentry-prompt = PIN:
## $purpose es uno de los mensajes pkcs11-purpose-*.
pkcs11-pinentry-description = Introduzca el PIN de { $label } (tarjeta { $serial }) { $purpose }.
## $tries es «le quedan 2 intentos» (tries-left), pkcs11-last-try o nada.
pkcs11-pinentry-wrong = PIN incorrecto; { $tries }
pkcs11-last-try = le queda 1 intento antes de que se bloquee el PIN
pkcs11-purpose-login = para usar sus claves
pkcs11-purpose-signature = para una firma con su clave de firma de documentos (firma digital, ranura 9C)
pkcs11-purpose-key = para un uso de su clave de la ranura { $slot }
## Etiqueta del token cuando la tarjeta no tiene certificado de autenticación (32 bytes como máximo).
pkcs11-token-label = Tarjeta PIV { $serial }
