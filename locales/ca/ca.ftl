# sello-ca: el que llegeix l'operador (sortida de les ordres, errors, registre del servidor), en
# el seu idioma. El que va per HTTP als clients EST/OCSP/CRL continua en anglès.

## Després de «sello-ca: » quan una ordre falla.
ca-error = error: { $error }
ca-error-rejected = sol·licitud rebutjada: { $reason }
ca-error-store = base de dades de la CA: { $error }
ca-error-certificate = construcció del certificat: { $error }
ca-error-internal = error intern: { $error }

## sello-ca init
ca-init-failed = no s'ha pogut crear la CA
ca-created = s'ha creat la CA a { $path }
ca-trust-anchor = àncora de confiança per als clients: { $path }
ca-dir-not-empty = { $path } no és buit; no se sobreescriurà una CA existent

## sello-ca serve ($url és l'URL sencer: els scripts el llegeixen de la línia).
ca-est-listening = EST escoltant a { $url }
ca-crl-listening = CRL escoltant a { $url }
ca-cannot-listen = no es pot escoltar a { $address }: { $error }
ca-no-pkcs8-key = { $path }: no conté cap clau PKCS#8
ca-no-pem-certificate = { $path }: no conté cap certificat PEM
ca-client-verifier = no es pot preparar la comprovació TLS de certificats de client: { $error }
ca-listener = el sòcol d'escolta no té adreça: { $error }

## sello-ca enroll-code ($date és l'últim dia del codi; $expires, el mateix instant en hora Unix).
ca-registered = s'ha registrat { $nif } ({ $name }); codi vàlid fins a: { $date } (hora Unix { $expires }), una vegada per a 'auth' i una altra per a 'sign'

## sello-ca revoke
ca-unknown-reason = motiu desconegut '{ $reason }'; ha de ser un d'aquests: { $reasons }
ca-crl-failed = no s'ha pogut regenerar la CRL
ca-revoked = s'ha revocat { $serial } ({ $name }), motiu { $reason }; s'ha regenerat la CRL
ca-no-such-certificate = no hi ha cap certificat amb el número de sèrie { $serial }
ca-already-revoked = el certificat { $serial } ja està revocat (la revocació és irreversible)

## sello-ca list: títols de les columnes i valors.
ca-list-serial = NÚM. SÈRIE
ca-list-use = ÚS
ca-list-origin = ORIGEN
ca-list-status = ESTAT
ca-list-subject = CN DEL TITULAR
ca-status-valid = vàlid
ca-status-expired = caducat
ca-status-revoked = revocat
ca-origin-in-person = presencial
ca-origin-remote-renewal = renovació remota

## Errors de config.toml ($key és el nom del paràmetre).
ca-config-range = { $key } ha d'estar entre { $min } i { $max }
ca-config-at-most = { $key } ha de ser com a màxim { $max }
ca-config-positive = { $key } ha de ser positiu
ca-config-bad-oid = l'OID de política '{ $oid }' no és un OID vàlid en notació de punts
ca-config-http-url = { $key } '{ $url }' ha de ser un URL http:// ({ $rfc })
ca-config-ascii-url = { $key } '{ $url }' ha de ser un URL http(s) en ASCII
ca-config-notice-too-long = { $key } ha de tenir com a màxim { $max } caràcters (RFC 5280)

## Línies del registre del servidor (després de «sello-ca: »).
ca-log-accept-failed = no s'ha pogut acceptar una connexió a { $address }: { $error }
ca-log-request-failed = una petició ha fallat: { $error }
ca-log-crl-failed = no s'ha pogut regenerar la CRL: { $error }
ca-log-crl-failed-after-renewal = no s'ha pogut regenerar la CRL després d'una renovació: { $error }
ca-log-issued-in-person = s'ha emès el certificat { $purpose } { $serial } per a { $nif } (presencial)
ca-log-issued-renewal = s'ha emès el certificat { $purpose } { $serial } per renovació remota de { $old }
ca-log-ocsp-failed = la resposta OCSP ha fallat: { $error }
