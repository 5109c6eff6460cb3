# sello-ca: lo que lee el operador (salida de las órdenes, errores, registro del servidor), en su
# idioma. Lo que va por HTTP a los clientes EST/OCSP/CRL sigue en inglés.

## Tras «sello-ca: » cuando una orden falla.
ca-error = error: { $error }
ca-error-rejected = solicitud rechazada: { $reason }
ca-error-store = base de datos de la CA: { $error }
ca-error-certificate = construcción del certificado: { $error }
ca-error-internal = error interno: { $error }

## sello-ca init
ca-init-failed = no se ha podido crear la CA
ca-created = CA creada en { $path }
ca-trust-anchor = ancla de confianza para los clientes: { $path }
ca-dir-not-empty = { $path } no está vacío; no se sobrescribirá una CA existente

## sello-ca serve ($url es la URL entera: los scripts la leen de la línea).
ca-est-listening = EST escuchando en { $url }
ca-crl-listening = CRL escuchando en { $url }
ca-cannot-listen = no se puede escuchar en { $address }: { $error }
ca-no-pkcs8-key = { $path }: no contiene ninguna clave PKCS#8
ca-no-pem-certificate = { $path }: no contiene ningún certificado PEM
ca-client-verifier = no se puede preparar la comprobación TLS de certificados de cliente: { $error }
ca-listener = el socket de escucha no tiene dirección: { $error }

## sello-ca enroll-code ($date es el último día del código; $expires, el mismo instante en hora Unix).
ca-registered = { $nif } ({ $name }) registrado; el código es válido hasta el { $date } (hora Unix { $expires }), una vez para 'auth' y otra para 'sign'

## sello-ca revoke
ca-unknown-reason = motivo desconocido '{ $reason }'; debe ser uno de estos: { $reasons }
ca-crl-failed = no se ha podido regenerar la CRL
ca-revoked = { $serial } ({ $name }) revocado, motivo { $reason }; CRL regenerada
ca-no-such-certificate = no hay ningún certificado con el número de serie { $serial }
ca-already-revoked = el certificado { $serial } ya está revocado (la revocación es irreversible)

## sello-ca list: títulos de las columnas y valores.
ca-list-serial = NÚM. SERIE
ca-list-use = USO
ca-list-origin = ORIGEN
ca-list-status = ESTADO
ca-list-subject = CN DEL TITULAR
ca-status-valid = válido
ca-status-expired = caducado
ca-status-revoked = revocado
ca-origin-in-person = presencial
ca-origin-remote-renewal = renovación remota

## Errores de config.toml ($key es el nombre del parámetro).
ca-config-range = { $key } debe estar entre { $min } y { $max }
ca-config-at-most = { $key } debe ser como máximo { $max }
ca-config-positive = { $key } debe ser positivo
ca-config-bad-oid = el OID de política '{ $oid }' no es un OID válido en notación de puntos
ca-config-http-url = { $key } '{ $url }' debe ser una URL http:// ({ $rfc })
ca-config-ascii-url = { $key } '{ $url }' debe ser una URL http(s) en ASCII
ca-config-notice-too-long = { $key } debe tener como máximo { $max } caracteres (RFC 5280)

## Líneas del registro del servidor (tras «sello-ca: »).
ca-log-accept-failed = no se ha podido aceptar una conexión en { $address }: { $error }
ca-log-request-failed = una petición ha fallado: { $error }
ca-log-crl-failed = no se ha podido regenerar la CRL: { $error }
ca-log-crl-failed-after-renewal = no se ha podido regenerar la CRL tras una renovación: { $error }
ca-log-issued-in-person = emitido el certificado { $purpose } { $serial } para { $nif } (presencial)
ca-log-issued-renewal = emitido el certificado { $purpose } { $serial } por renovación remota de { $old }
ca-log-ocsp-failed = la respuesta OCSP ha fallado: { $error }
