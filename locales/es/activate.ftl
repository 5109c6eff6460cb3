# sello activate: pasos del progreso y resumen.

activate-step-identify = Identificar la tarjeta y el perfil
activate-step-management-key = Autenticarse con la clave de administración
activate-step-pin = PIN del titular
activate-step-puk = PUK
activate-step-generate-key = Generar la clave { $slot } en la tarjeta
activate-step-csr = Solicitud de certificado para { $slot } (firmada en la tarjeta)
activate-step-enroll = Solicitar { $slot } a la CA y comprobar el certificado
activate-step-write-certificate = Grabar el certificado { $slot } y volver a leerlo
step-done = hecho
step-already-done = ya hecho
activate-complete = Tarjeta { $serial } activada con el perfil { $profile }.
activate-complete-certificate = certificado { $serial } para { $subject }
journal-path = Diario: { $path }
activate-step-contents-record = Registro del contenido de la tarjeta (para que el navegador arranque rápido)

## Detalles de los pasos («[hecho] <paso>: <detalle>»).
activate-detail-identify = tarjeta { $serial }, perfil { $profile }
activate-detail-identify-resuming = tarjeta { $serial }, perfil { $profile }, se reanuda
activate-detail-record-written-earlier = grabado antes
activate-detail-record-written = grabado
activate-detail-record-not-kept = esta tarjeta no guarda el registro de Sello: al arrancar, el navegador leerá los certificados
activate-detail-record-not-written = no grabado ({ $error }): al arrancar, el navegador leerá los certificados
## $mode es el management_key.mode del perfil (derived, explicit, factory); $copy es
## activate-detail-holder-copy / activate-detail-no-holder-copy, o nada.
activate-detail-management-key = clave { $mode } ({ $algorithm }){ $copy }
activate-detail-factory-key-replaced = clave de fábrica sustituida por la clave { $mode } ({ $algorithm }){ $copy }
activate-detail-holder-copy = , con una copia protegida por el PIN para el titular
activate-detail-no-holder-copy = , sin copia para el titular: esta tarjeta rechaza los objetos que la guardan, así que las renovaciones del titular exigen acudir a un punto de registro
activate-detail-random-key = clave de fábrica sustituida por una clave aleatoria ({ $algorithm }), guardada en la tarjeta tras el PIN
activate-detail-protected-key-opened = clave protegida por el PIN en la tarjeta, abierta con el PIN
activate-detail-pin-already-set = el PIN del titular ya estaba establecido; verificado
activate-detail-pin-set = { $tries ->
    [one] PIN del titular establecido (la tarjeta permite { $tries } intento)
   *[other] PIN del titular establecido (la tarjeta permite { $tries } intentos)
}
activate-detail-pin-set-card-count = { $tries ->
    [one] PIN del titular establecido (la tarjeta permite { $tries } intento, no los { $wanted } del perfil: la tarjeta no puede cambiarlo)
   *[other] PIN del titular establecido (la tarjeta permite { $tries } intentos, no los { $wanted } del perfil: la tarjeta no puede cambiarlo)
}
activate-detail-pin-set-unknown-count = PIN del titular establecido (la tarjeta no indica cuántos intentos permite)
activate-detail-puk-already-set = el PUK ya estaba establecido
activate-detail-puk-changed-before = el PUK ya se había cambiado antes de que esta activación lo registrara
activate-detail-puk-generated = PUK generado, establecido y mostrado una sola vez
activate-detail-puk-set = PUK establecido
activate-detail-key-earlier = clave { $algorithm } generada antes, la misma clave en la tarjeta
## $pin_use es uno de los activate-pin-use-*; $replaced es
## activate-detail-replaced o nada.
activate-detail-key-generated = clave { $algorithm } generada en la tarjeta ({ $pin_use }){ $replaced }
## $pin_use: cuándo pide el PIN la clave.
activate-pin-use-never = sin PIN
activate-pin-use-once = PIN una vez por sesión
activate-pin-use-always = PIN en cada uso
activate-detail-replaced = ; sustituye a { $what }
activate-detail-csr-earlier = solicitud construida antes
activate-detail-csr = firmada en la tarjeta y comprobada en el equipo: { $subject }
activate-detail-certificate-earlier = certificado recibido antes, comprobado de nuevo
activate-detail-certificate = certificado { $serial } de { $issuer } comprobado: cadena, clave, titular, uso, validez
activate-detail-certificate-on-card = el certificado ya está en la tarjeta, idéntico
activate-detail-certificate-on-card-interrupted = el certificado ya está en la tarjeta, idéntico (grabado antes de una interrupción)

## Diálogo: lo que se pide (la pregunta es «<qué>: »), la regla del PIN, el PUK mostrado una vez.
## Un secreto nuevo se pide dos veces en el terminal; $what es uno de los activate-what-* anteriores.
## La regla del PIN del perfil, mostrada antes de que el titular escriba un PIN nuevo.
activate-choose-pin-digits = El titular elige un PIN: de { $min } a { $max } dígitos.
activate-choose-pin-alphanumeric = El titular elige un PIN: de { $min } a { $max } letras o dígitos.
activate-choose-pin-printable = El titular elige un PIN: de { $min } a { $max } caracteres imprimibles.
activate-puk-shown-once = anótelo para el titular: solo se muestra esta vez
activate-pending = La CA ha dejado la solicitud en espera; se volverá a preguntar dentro de { $secs } s ({ $attempt }/{ $max }).
## $message es el texto de la propia CA.
activate-pending-message = La CA ha dejado la solicitud en espera ({ $message }); se volverá a preguntar dentro de { $secs } s ({ $attempt }/{ $max }).

## sello activate: errores (tras «sello: »).
activate-not-piv = no se puede usar la tarjeta de «{ $reader }» (¿no tiene aplicación PIV?)
activate-unknown-algorithm-hint = algoritmo desconocido «{ $algorithm }» (RSA-2048, P-256, ...)
activate-unknown-algorithm = algoritmo desconocido «{ $algorithm }»
activate-slot-algorithm-syntax = --slot-algorithm espera RANURA=ALG y ha recibido «{ $given }»
activate-not-a-slot = «{ $slot }» no es una ranura (9A, 9C, ...)
activate-needs-mgmt-secret = el perfil { $profile } necesita el secreto de la clave de administración del operador: --mgmt-secret-file ARCHIVO (o SELLO_MGMT_SECRET_FILE) o --mgmt-secret-stdin
activate-stopped = se ha detenido la activación de la tarjeta { $serial } (diario: { $journal })
activate-stopped-resume = se ha detenido la activación de la tarjeta { $serial }; vuelva a ejecutar la misma orden para continuar (diario: { $journal })
activate-stopped-refused = se ha detenido la activación de la tarjeta { $serial }; se ha rechazado el certificado de la CA y no se ha grabado nada (diario: { $journal })
activate-daemon-no-operator-card = sellod no tiene la tarjeta del operador: ejecute con --direct y --operator-reader
activate-daemon-no-slot-algorithm = --slot-algorithm no se admite a través de sellod; use --direct
activate-cannot-read-ca-cert = no se puede leer el certificado de la CA { $path }
activate-no-pem-certificate = { $path }: no contiene ningún certificado PEM
activate-no-ca = no hay ninguna CA configurada: indique --est URL (con --est-trust o --est-pin), o --local-ca DIR para una CA de formación
activate-no-est-client = esta compilación de sello no tiene cliente EST (característica "est-client")
activate-est-trust-missing = ¿cómo se reconoce el servidor EST? indique --est-trust PEM o --est-pin SHA256
activate-cannot-fetch-cacerts = no se pueden obtener los certificados de la CA (EST /cacerts)
activate-local-ca-not-opened = la CA local no está abierta
activate-operator-same-reader = la tarjeta del operador debe estar en un lector distinto del del titular («{ $reader }»)
activate-operator-cannot-connect = no se puede conectar con la tarjeta del operador en «{ $reader }»
activate-operator-not-piv = no se puede usar la tarjeta del operador en «{ $reader }» (¿no tiene aplicación PIV?)
activate-operator-cannot-read-cert = no se puede leer el certificado del operador (ranura 9A)
activate-operator-no-cert = la tarjeta del operador en «{ $reader }» no tiene certificado en la ranura 9A
activate-operator-cert-unparsable = el certificado del operador (ranura 9A) no se puede analizar
activate-operator-unsupported-key = el certificado del operador tiene una clave no admitida
activate-operator-pin-invalid = el PIN del operador no es un PIN válido
activate-operator-key-tls = la clave de la tarjeta del operador no puede autenticar el TLS
activate-operator-reader-unused = el perfil { $profile } no autentica la solicitud con la tarjeta del operador (su client_certificate de [enrollment] es "none"): quite --operator-reader
activate-operator-reader-needed = el perfil { $profile } autentica la solicitud con la tarjeta del operador: indique --operator-reader NOMBRE

## sello activate --reuse
activate-reuse-no-serial = la tarjeta no indica ningún número de serie
activate-reuse-unparsable = el certificado de la ranura { $slot } no se puede analizar
activate-reuse-expired-on = caducado el { $date }
activate-reuse-not-revoked = no está revocado
activate-reuse-revocation-status = su estado de revocación es { $status }
## $serial es el de la tarjeta, $certificate el del certificado; $status uno de los dos anteriores.
activate-reuse-still-valid = la tarjeta { $serial } no se puede reutilizar: su certificado { $slot } (número de serie { $certificate }) es válido hasta el { $date } y { $status }; revóquelo antes en la CA
activate-reuse-pin-status = no se puede leer el estado del PIN
activate-reuse-reset-refused = el PIN y el PUK están bloqueados y la tarjeta ha rechazado volver al estado de fábrica: no se puede reutilizar
activate-reuse-pin-blocked = el PIN del titular está bloqueado: el titular debe desbloquearlo antes con el PUK (`sello pin unblock`) y después vuelva a ejecutar --reuse
activate-reuse-cannot-archive = no se puede archivar { $path }
activate-reuse-title = Reutilización de la tarjeta { $serial }:
## $state es activate-reuse-expired-on o una línea de revocación.
activate-reuse-replaced = certificado { $serial }: { $state }; una clave y un certificado nuevos lo sustituyen
activate-reuse-journal-kept = el diario de la activación anterior se conserva como { $path }
activate-reuse-renewal-journal-kept = el diario de la renovación anterior se conserva como { $path }
activate-reuse-was-reset = el PIN y el PUK estaban bloqueados: la tarjeta ha vuelto al estado de fábrica (se han borrado las claves, los certificados, el PIN, el PUK y la clave de administración); el titular elige un PIN nuevo y recibe un PUK nuevo
activate-reuse-pin-kept = el PIN y el PUK del titular se mantienen: el titular escribe el PIN actual

## sello activate --show-journal (el código alinea las etiquetas).
activate-journal-no-serial = la tarjeta no indica ningún número de serie, así que no tiene diario
activate-journal-none = no hay diario de activación para la tarjeta { $serial } (se ha buscado { $path })
activate-journal-label-file = Diario:
activate-journal-label-card = Tarjeta:
activate-journal-label-holder = Titular:
activate-journal-label-state = Estado:
activate-journal-card = { $serial }  perfil { $profile }
activate-journal-complete = completa
activate-journal-in-progress = en curso (vuelva a ejecutar `sello activate` para continuar)
