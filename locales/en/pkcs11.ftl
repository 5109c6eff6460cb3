# The PKCS#11 module (libsello.so): the pinentry dialog and the labels it makes up.

pkcs11-pinentry-title = Sello
pkcs11-pinentry-prompt = PIN:
## $purpose is one of the pkcs11-purpose-* messages.
pkcs11-pinentry-description = Enter the PIN of { $label } (card { $serial }) { $purpose }.
## $tries is "2 tries left" (tries-left), pkcs11-last-try or empty.
pkcs11-pinentry-wrong = Wrong PIN. { $tries }
pkcs11-last-try = 1 try left before the PIN is blocked
pkcs11-purpose-login = to use its keys
pkcs11-purpose-signature = for one signature with its document-signing key (Digital Signature, slot 9C)
pkcs11-purpose-key = for one use of its key in slot { $slot }
## Token label when the card has no authentication certificate (at most 32 bytes).
pkcs11-token-label = PIV Card { $serial }
