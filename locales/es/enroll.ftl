# enroll messages (es).

## La respuesta de la CA a una solicitud (EnrollError); $reason y $message son el texto de la
## CA o de la red, tal como llegaron.
enroll-ca-unreachable = no se puede contactar con la CA: { $reason }
enroll-ca-rejected = la CA ha rechazado la solicitud: { $reason }
enroll-ca-pending = la solicitud espera la aprobación de la CA
enroll-ca-pending-retry = la solicitud espera la aprobación de la CA (vuelva a intentarlo dentro de { $secs } s)
enroll-ca-error = la CA ha informado de un error (HTTP { $status }): { $message }
enroll-ca-protocol = no se entiende la respuesta de la CA: { $reason }

## El cliente EST (EstError). $addr es host:puerto; $after una duración ("30s").
enroll-est-config = configuración del cliente EST: { $reason }
enroll-est-connect = no se puede conectar con la CA en { $addr }: { $error }
enroll-est-timeout = la CA en { $addr } no ha respondido en { $after } ({ $during })
enroll-est-tls = ha fallado el TLS con la CA en { $addr }: { $reason }
enroll-est-protocol = la CA en { $addr } ha respondido algo ininteligible: { $reason }
enroll-est-proxy = el proxy HTTP no ha abierto un túnel hacia la CA en { $addr }: { $reason }
enroll-est-unauthorized = la CA ha rechazado las credenciales (401): { $message }
enroll-est-rejected = la CA ha rechazado la solicitud ({ $status }): { $message }
enroll-est-server = la CA ha fallado ({ $status }): { $message }
enroll-est-still-pending = { $polls ->
    [one] la solicitud sigue esperando la aprobación tras { $polls } consulta; vuelva a intentarlo más tarde
   *[other] la solicitud sigue esperando la aprobación tras { $polls } consultas; vuelva a intentarlo más tarde
}
enroll-est-io = error de E/S con la CA en { $addr }: { $error }
enroll-est-phase-connecting = al conectar
enroll-est-phase-deadline = plazo total de la solicitud
enroll-est-phase-sending = al enviar la solicitud
enroll-est-phase-reading = al leer la respuesta
enroll-est-phase-waiting = esperando la respuesta
enroll-est-phase-talking = en la comunicación con la CA
enroll-est-closed-while = conexión cerrada { $during }
enroll-est-client-cert-refused = la CA ha cerrado la conexión justo después del saludo TLS ({ $error }): no ha aceptado el certificado de cliente TLS
enroll-est-tls-not-tls = { $error } (el servidor no habla TLS o ha respondido algo ininteligible)
enroll-est-tls-untrusted = { $error } (el certificado del servidor no es de confianza para el ancla de confianza configurada)
enroll-est-code-refused = se ha rechazado el código de solicitud o la identidad: { $message }

## La comprobación del certificado que devuelve la CA (CertCheckError).
enroll-cert-empty = la CA no ha devuelto ningún certificado
enroll-cert-malformed = el certificado { $index } de la cadena devuelta no es un X.509 válido
enroll-cert-key-mismatch = la clave pública del certificado no es la clave generada en la tarjeta
enroll-cert-subject-mismatch = el titular del certificado no es el solicitado (se ha recibido «{ $got }»)
enroll-cert-email-mismatch = el certificado no lleva la dirección de correo electrónico solicitada
enroll-cert-validity = la validez del certificado no es aceptable: { $why }
enroll-cert-leaf-is-ca = el certificado devuelto es un certificado de CA
enroll-cert-purpose = el certificado no corresponde al uso de la ranura: { $why }
enroll-cert-untrusted = el certificado no encadena con la CA configurada: { $why }
enroll-cert-not-yet-valid = todavía no es válido
enroll-cert-expired = ya ha caducado
enroll-cert-too-long = es válido durante más de 10 años
enroll-cert-no-anchor = no hay ningún ancla de confianza configurada
enroll-cert-anchor-vanished = no se puede leer el ancla de confianza
enroll-cert-anchor-not-valid = el certificado de la CA ha caducado o todavía no es válido
enroll-cert-no-issuer = ningún certificado de la cadena ni de las anclas de confianza ha firmado «{ $subject }»
enroll-cert-bad-intermediate = el intermedio «{ $subject }» no es un certificado de CA válido
enroll-cert-chain-too-long = la cadena es demasiado larga
enroll-cert-unreadable-key-usage = no se puede leer la extensión de uso de clave: { $error }
enroll-cert-unreadable-eku = no se puede leer la extensión de uso extendido de clave: { $error }
## $required y $present son listas de nombres de RFC 5280 u OID.
enroll-cert-no-key-usage = no tiene extensión de uso de clave; se exige { $required }
enroll-cert-key-usage-missing = se exige el uso de clave { $required } y el certificado tiene { $present }
enroll-cert-eku-missing = se exige el uso extendido de clave { $required } y el certificado tiene { $present }
enroll-cert-policy-missing = se exige la política de certificación { $required } y el certificado tiene { $present }
enroll-cert-none = ninguno
enroll-cert-validity-too-long = { $days ->
    [one] es válido durante { $days } día y el perfil permite como máximo { $max }
   *[other] es válido durante { $days } días y el perfil permite como máximo { $max }
}
enroll-cert-validity-too-short = { $days ->
    [one] es válido durante { $days } día y el perfil exige al menos { $min }
   *[other] es válido durante { $days } días y el perfil exige al menos { $min }
}

## Solicitudes de certificado (CsrError) y firmas.
enroll-csr-card = la tarjeta no ha podido firmar la solicitud
enroll-csr-unsupported-key = las claves { $algorithm } no pueden firmar una solicitud de certificado
enroll-csr-build = no se puede construir la solicitud de certificado: { $reason }
enroll-csr-malformed = no es una solicitud de certificado PKCS#10 válida
enroll-csr-signature = la firma de la solicitud de certificado no es válida
enroll-csr-key-mismatch = la solicitud de certificado lleva una clave pública distinta de la de la tarjeta
enroll-signature-invalid = la firma no se verifica
enroll-signature-unsupported = algoritmo de firma no admitido: { $algorithm }
enroll-signature-key-mismatch = el algoritmo de firma { $algorithm } no corresponde a una clave { $key }

## Claves generadas por la tarjeta (KeyFault); $other indica dónde está la misma clave.
enroll-key-repeated = ha generado la misma clave pública que { $other }
enroll-key-small-factor = el módulo RSA es divisible por { $factor }
enroll-key-roca = el módulo RSA tiene la huella de ROCA (CVE-2017-15361)
enroll-key-slot-on-card = la ranura { $slot } de la tarjeta
enroll-key-in-activation-journal = la ranura { $slot } en el diario de esta activación

## Diarios de activación (JournalError) y la CA local de formación (LocalCaError).
enroll-journal-io = diario de activación { $path }: { $error }
enroll-journal-invalid = el diario de activación { $path } no es válido: { $message }
enroll-journal-no-state-dir = no hay directorio de estado: defina SELLO_STATE_DIR
enroll-journal-wrong-version = versión { $version } para la tarjeta { $card } (se esperaba la versión { $expected } para la tarjeta { $serial })
enroll-local-io = { $path }: { $error }
enroll-local-format = { $path }: no es una clave PKCS#8 P-256 ni un certificado X.509 en PEM
enroll-local-build = no se puede crear el certificado de la CA: { $reason }

## Por qué se ha detenido una activación (ActivationError) o una renovación.
## La operación de tarjeta que ha fallado (antes de «: » y el error de la tarjeta).
enroll-op-identify = identificar la tarjeta
enroll-op-read-existing-certificate = leer el certificado existente
enroll-op-key-metadata = metadatos de la clave
enroll-op-management-key = clave de administración
enroll-op-set-management-key = establecer la clave de administración
enroll-op-protected-management-key = clave de administración protegida por el PIN
enroll-op-pin-status = estado del PIN
enroll-op-pin = PIN
enroll-op-factory-pin = PIN (de fábrica)
enroll-op-set-pin-retries = establecer los intentos del PIN
enroll-op-set-pin = establecer el PIN
enroll-op-puk-status = estado del PUK
enroll-op-set-puk = establecer el PUK
enroll-op-key-generation = generación de la clave
enroll-op-read-certificate = leer el certificado
enroll-op-write-certificate = grabar el certificado
enroll-op-read-back-certificate = volver a leer el certificado
enroll-op-certificate-key = la clave del certificado
enroll-op-auth-certificate = el certificado 9A
enroll-op-authentication-key = la clave de autenticación
enroll-op-delete-old-key = borrar la clave antigua
enroll-op-move-new-key = mover la clave nueva
enroll-journal-mismatch = el diario { $path } registra una activación de esta tarjeta para { $what }; termine o descarte antes esa activación (aparte el archivo)
enroll-journal-other-profile = el perfil { $profile }
enroll-journal-other-holder = otra identidad de titular
enroll-management-key-not-profile-nor-factory = la tarjeta ha rechazado la clave de administración (ni la del perfil ni la de fábrica): secreto del operador incorrecto, o una tarjeta personalizada en otro lugar
enroll-management-key-not-factory-nor-protected = la tarjeta ha rechazado la clave de administración (ni la de fábrica ni una protegida por el PIN): una tarjeta personalizada en otro lugar
enroll-csr-failed = solicitud de certificado para la ranura { $slot }: { $error }
enroll-enroll-failed = solicitud a la CA para la ranura { $slot }: { $error }
enroll-certificate-refused = se ha rechazado el certificado para la ranura { $slot } y no se ha grabado nada en la tarjeta: { $error }
enroll-faulty-key-generator = ranura { $slot }: el generador de claves de esta tarjeta es defectuoso: { $fault }; no emita certificados para esta tarjeta
enroll-profile-no-key-in-slot = el perfil { $profile } no crea ninguna clave en la ranura { $slot }
enroll-profile-algorithm-not-allowed = el perfil { $profile } no permite { $algorithm } en la ranura { $slot }
enroll-no-serial = la tarjeta no indica ningún número de serie: no se puede activar con claves propias de cada tarjeta y un diario
enroll-existing-unreadable-subject = un titular ilegible
enroll-existing-certificate = un certificado para { $subject }
enroll-existing-key-of = una clave { $algorithm }
enroll-existing-key = una clave
## Une «un certificado para ...» y «una clave» (con los espacios).
enroll-existing-and = {" "}y{" "}
enroll-existing-slot = ranura { $slot }: { $what }
enroll-existing-refused = la tarjeta ya contiene lo que otra herramienta puso en ella ({ $list }); no se ha cambiado nada. Vuelva a ejecutar con --replace-existing para sustituirlo
enroll-needs-master-secret = este perfil deriva la clave de administración: se necesita el secreto maestro del operador
enroll-needs-explicit-key = este perfil necesita que el operador facilite la clave de administración de la tarjeta
enroll-internal-pin-protected = error interno: las claves protegidas por el PIN se tratan aparte
enroll-factory-key-refused = el perfil rechaza la clave de administración de fábrica
enroll-management-key-algorithm-refused = esta tarjeta no admite una clave de administración { $algorithm } (una YubiKey 4 o una tarjeta PIV sencilla se queda en 3DES); no se ha cambiado nada: actívela con un perfil cuyo management_key.algorithm sea "3DES"
enroll-invalid-pin = eso no es un PIN válido
enroll-pin-retries-fixed = { $tries ->
    [one] esta tarjeta tiene { $tries } intento de PIN y no puede cambiarlo; el perfil { $profile } pide { $wanted } (con pin.retries_required = false acepta estas tarjetas)
   *[other] esta tarjeta tiene { $tries } intentos de PIN y no puede cambiarlo; el perfil { $profile } pide { $wanted } (con pin.retries_required = false acepta estas tarjetas)
}
enroll-journal-key-unreadable = la clave pública del diario para la ranura { $slot } es ilegible
enroll-key-gone = la ranura { $slot } ya no contiene la clave cuyo certificado grabó esta activación; la tarjeta se ha modificado en otro lugar
enroll-no-journal-record = no hay ningún registro en el diario para { $slot }
enroll-no-request-recorded = no hay ninguna solicitud registrada para { $slot }
enroll-no-certificate-recorded = no hay ningún certificado registrado para { $slot }
enroll-read-back-differs = el certificado leído de la ranura { $slot } difiere del grabado
enroll-detail-written = { $bytes ->
    [one] grabado ({ $bytes } byte) y releído idéntico
   *[other] grabado ({ $bytes } bytes) y releído idéntico
}

## Por qué se desconoce el estado de revocación (tras «desconocido (»).
enroll-revocation-cert-unparsable = el certificado no se puede analizar
enroll-revocation-issuer-unknown = su emisor no está entre los certificados de CA de confianza
enroll-revocation-no-crl = no hay CRL
enroll-revocation-crl-unparsable = la CRL no se puede analizar
enroll-revocation-ca-unparsable = el certificado de la CA no se puede analizar
enroll-revocation-crl-wrong-issuer = la CRL no es del emisor del certificado
enroll-revocation-crl-future = la CRL tiene una fecha futura
enroll-revocation-crl-outdated = la CRL está desactualizada (la siguiente actualización vencía el { $date })
enroll-revocation-crl-signature = la firma de la CRL no se verifica: { $error }
enroll-revocation-ocsp-unparsable = la respuesta OCSP no se puede analizar: { $error }
enroll-revocation-ocsp-status = el servidor OCSP ha respondido { $status }
enroll-revocation-ocsp-empty = la respuesta OCSP está vacía
enroll-revocation-ocsp-not-basic = la respuesta OCSP no es una respuesta básica
enroll-revocation-ocsp-not-signed = la respuesta OCSP no está firmada por la CA del certificado
enroll-revocation-ocsp-other-certificate = la respuesta OCSP trata de otro certificado
enroll-revocation-ocsp-future = la respuesta OCSP tiene una fecha futura
enroll-revocation-ocsp-outdated = la respuesta OCSP está desactualizada
enroll-revocation-unreachable = no se puede acceder a { $url }: { $error }

## La configuración del cliente EST (tras «configuración del cliente EST: »).
enroll-est-file-error = { $path }: { $error }
enroll-est-no-pem = { $path }: no se ha encontrado ningún CERTIFICATE PEM
enroll-est-fingerprint-not-hex = la huella no está en hexadecimal
enroll-est-fingerprint-length = una huella SHA-256 tiene 32 bytes
enroll-est-anchor-rejected = se ha rechazado el ancla de confianza: { $error }
enroll-est-bad-proxy = proxy { $proxy }: { $why }
enroll-est-proxy-http-only = solo se admiten proxies http:// (HTTP CONNECT)
enroll-est-bad-url = URL de servidor incorrecta '{ $url }'
enroll-est-url-not-https = la URL del servidor debe empezar por https://
enroll-est-url-has-path = la URL del servidor debe ser https://host[:puerto] sin ruta
enroll-est-bad-port = puerto incorrecto '{ $port }'
enroll-est-url-bracket = falta el ']' de cierre en la URL del servidor
enroll-est-url-after-bracket = caracteres sobrantes tras ']' en la URL del servidor
enroll-est-url-no-host = la URL del servidor no tiene host
enroll-est-basic-user-colon = el nombre de usuario de HTTP Basic no puede contener ':' (RFC 7617 §2)
enroll-est-needs-client-key = simpleenroll sin autenticación HTTP necesita una clave de cliente TLS
enroll-est-bad-label = una etiqueta de CA solo tiene letras, dígitos, '-' y '_' (RFC 7030 §3.2.2)
enroll-est-no-code = no se ha facilitado ningún código de solicitud

## La clave de una tarjeta como clave de cliente TLS de una solicitud EST.
enroll-client-key-card-unusable = la tarjeta no se puede usar (una operación anterior ha fallado gravemente)
enroll-client-key-malformed-signature = la tarjeta ha devuelto una firma ECDSA mal formada
enroll-client-key-signature-invalid = la firma de la tarjeta no se verifica con la clave del certificado
