# Ayuda de la línea de órdenes de sello, sellod, sello-ca y sello-vcard (src/i18n/help.rs).
# help-<ruta de la orden>: descripción de una orden; help-<ruta>-<argumento>: ayuda de un argumento;
# help-<ruta>-<argumento>-<valor>: un valor descrito. help-clap-*: las palabras propias de clap.

## Las palabras propias de clap.
help-clap-usage = Uso:
help-clap-commands = Órdenes:
help-clap-arguments = Argumentos:
help-clap-options = Opciones:
help-clap-help-flag = Muestra la ayuda
help-clap-help-flag-more = Muestra la ayuda (más detalle con «--help»)
help-clap-help-flag-summary = Muestra la ayuda (un resumen con «-h»)
help-clap-version-flag = Muestra la versión
help-clap-help-command = Muestra este mensaje o la ayuda de las órdenes indicadas
help-clap-help-command-arg = Muestra la ayuda de las órdenes indicadas
## Notas tras la ayuda de un argumento.
help-clap-env = [variable de entorno: { $name }]
help-clap-default = [valor predeterminado: { $value }]
help-clap-possible-values = [valores posibles: { $values }]
help-clap-possible-values-heading = Valores posibles:
## Errores de uso (código de salida 2). $arg es una opción tal como se escribe (`--reader <READER>`).
help-clap-error = error:
help-clap-error-unknown-argument = no se esperaba el argumento «{ $arg }»
help-clap-error-unknown-subcommand = no existe la orden «{ $command }»
help-clap-error-value-missing = «{ $arg }» necesita un valor y no se ha indicado ninguno
help-clap-error-invalid-value = el valor «{ $value }» no es válido para «{ $arg }»
help-clap-error-missing-arguments = faltan estos argumentos obligatorios:
help-clap-error-missing-subcommand = «{ $command }» necesita una orden y no se ha indicado ninguna
help-clap-error-subcommands = [órdenes: { $values }]
help-clap-error-repeated = el argumento «{ $arg }» no se puede indicar más de una vez
help-clap-error-conflict = el argumento «{ $arg }» no se puede usar junto con «{ $other }»
help-clap-error-conflict-list = el argumento «{ $arg }» no se puede usar junto con:
help-clap-error-conflict-any = el argumento «{ $arg }» no se puede usar junto con alguno de los otros argumentos indicados
help-clap-error-subcommand-conflict = la orden «{ $command }» no se puede usar junto con «{ $other }»
help-clap-error-subcommand-conflict-list = la orden «{ $command }» no se puede usar junto con:
help-clap-tip = consejo:
## $names: nombres entre comillas, separados por comas; $count: cuántos son.
help-clap-tip-similar-command = { $count ->
    [one] existe una orden parecida: { $names }
   *[other] existen órdenes parecidas: { $names }
}
help-clap-tip-similar-argument = { $count ->
    [one] existe un argumento parecido: { $names }
   *[other] existen argumentos parecidos: { $names }
}
help-clap-tip-similar-value = { $count ->
    [one] existe un valor parecido: { $names }
   *[other] existen valores parecidos: { $names }
}
help-clap-error-more = Para más información, pruebe «{ $flag }».

## Los códigos de salida de sello (sello --help, página de manual).
help-exit-heading = Código de salida:
help-exit-ok = correcto
help-exit-error = error (ninguno de los códigos más concretos de abajo)
help-exit-usage = error de uso: línea de órdenes incorrecta
help-exit-no-card = no hay lector de tarjetas, no hay tarjeta en el lector o se ha retirado la tarjeta
help-exit-wrong-pin = PIN o PUK incorrecto (quedan intentos)
help-exit-pin-blocked = PIN o PUK bloqueado
help-exit-ca-refused = la autoridad de certificación ha rechazado la solicitud

## Textos compartidos.
-help-reader = Lector que se usará (un nombre o una parte única de él); por defecto, el único lector con tarjeta
-help-profile = Perfil de tarjeta (por defecto, el único perfil que corresponde a la tarjeta)
-help-est = Servidor EST de la CA (RFC 7030), p. ej. https://127.0.0.1:8443
-help-est-trust = Ancla(s) de confianza (PEM) para el certificado TLS del servidor EST
-help-est-pin = O bien: la huella SHA-256 (hex) del certificado TLS del servidor EST
-help-direct = Habla con la tarjeta directamente por PC/SC aunque sellod esté en marcha
-help-ca-dir = Directorio de la CA

## sello
help-sello = Tarjetas inteligentes para certificados de ciudadano: estado de la tarjeta, PIN, activación y renovación
help-sello-verbose = Muestra cada APDU en la salida de errores (con los bytes de PIN, PUK y claves ocultos)
help-sello-json = Salida JSON, para programas
help-sello-lang = Idioma de los mensajes: es, ca, ca-valencia o en (por defecto, según LC_ALL, LC_MESSAGES y LANG; inglés si ninguna está disponible). Las claves y los códigos de `--json` no cambian nunca
help-sello-readers = Lista los lectores de tarjetas e indica si cada uno tiene tarjeta
help-sello-status = Muestra la tarjeta: tipo, número de serie, versión, ranuras de clave y certificados, intentos de PIN y PUK
help-sello-status-reader = { -help-reader }
help-sello-pin = Cambia, desbloquea o consulta el PIN
help-sello-pin-status = Muestra los intentos que les quedan al PIN y al PUK (no gasta ningún intento)
help-sello-pin-status-reader = { -help-reader }
help-sello-pin-change = Cambia el PIN (pide el PIN actual y después el nuevo dos veces)
help-sello-pin-change-reader = { -help-reader }
help-sello-pin-change-pin-stdin = Lee el PIN y el PUK de la entrada estándar, uno por línea, en el orden en que se pedirían
help-sello-pin-unblock = Desbloquea un PIN bloqueado con el PUK y fija un PIN nuevo
help-sello-pin-unblock-reader = { -help-reader }
help-sello-pin-unblock-pin-stdin = Lee el PIN y el PUK de la entrada estándar, uno por línea, en el orden en que se pedirían
help-sello-profile = Lista y muestra los perfiles de tarjeta
help-sello-profile-list = Lista los perfiles de tarjeta (los incorporados y los del directorio de perfiles del usuario)
help-sello-profile-show = Muestra un perfil completo
help-sello-profile-show-name = Nombre del perfil (véase `sello profile list`)
help-sello-activate = Activa una tarjeta para su titular: claves en la tarjeta, certificados de la CA (se puede reanudar)
help-sello-activate-reader = { -help-reader }
help-sello-activate-profile = { -help-profile }
help-sello-activate-nif = NIF o NIE del titular
help-sello-activate-given-name = Nombre del titular
help-sello-activate-surnames = Apellidos del titular
help-sello-activate-email = Dirección de correo electrónico del titular (subjectAltName)
help-sello-activate-algorithm = Algoritmo de todas las claves (el perfil debe permitirlo), p. ej. P-256
help-sello-activate-replace-existing = Sobrescribe las claves y los certificados que otra herramienta haya puesto en las ranuras del perfil (sin esta opción, la activación se niega y muestra lo que sustituiría)
help-sello-activate-slot-algorithms = Algoritmo de la clave de una ranura, p. ej. `9C=P-256` (se puede repetir)
help-sello-activate-ca-cert = Certificado(s) de la CA (PEM) con los que deben encadenar los certificados emitidos
help-sello-activate-local-ca = Obtiene los certificados de una CA local de formación en este directorio (ca.pem + ca.key, P-256) en lugar de por EST
help-sello-activate-est = { -help-est }
help-sello-activate-est-trust = { -help-est-trust }
help-sello-activate-est-pin = { -help-est-pin }
help-sello-activate-proxy = Proxy HTTP para el servidor EST (`http://[usuario:contraseña@]host:puerto`, CONNECT) o `none`; por defecto, HTTPS_PROXY / ALL_PROXY con NO_PROXY del entorno
help-sello-activate-operator-reader = Lector con la tarjeta del propio operador, cuya clave de autenticación (9A) y certificado autentican la solicitud por TLS (perfiles con `client_certificate = "operator-card"`)
help-sello-activate-mgmt-secret-file = Fichero con el secreto de la clave de administración del operador (derived: secreto maestro; explicit: la clave en hex)
help-sello-activate-mgmt-secret-stdin = Lee el secreto de la clave de administración del operador de la primera línea de la entrada estándar
help-sello-activate-pin-stdin = Lee el PIN, el PUK y el código de solicitud de la entrada estándar, uno por línea, en el orden en que se piden
help-sello-activate-show-journal = Muestra el diario de activación de esta tarjeta y termina
help-sello-activate-via-daemon = Ejecuta la activación como un trabajo del servicio sellod (por defecto cuando responde el servicio del usuario y PCSCLITE_CSOCK_NAME no está definida)
help-sello-activate-direct = { -help-direct }
help-sello-activate-reuse = Reutiliza una tarjeta activada antes cuyos certificados han caducado o se han revocado todos (se comprueba antes, por OCSP o con la CRL de la CA): se archiva el diario anterior y las claves y los certificados nuevos sustituyen a los antiguos. Se conservan el PIN y el PUK del titular; si ambos están bloqueados, antes se devuelve la tarjeta a su estado de fábrica
help-sello-renew = Renueva los certificados de la tarjeta antes de que caduquen (EST, claves nuevas en la tarjeta)
help-sello-renew-reader = { -help-reader }
help-sello-renew-profile = { -help-profile }
help-sello-renew-slot = Certificado que se renovará: 9A, 9C (una ranura del perfil) o all (todos)
help-sello-renew-est = { -help-est }
help-sello-renew-est-trust = { -help-est-trust }
help-sello-renew-est-pin = { -help-est-pin }
help-sello-renew-proxy = Proxy HTTP para el servidor EST (`http://host:puerto`, CONNECT) o `none`; por defecto, HTTPS_PROXY / ALL_PROXY con NO_PROXY del entorno
help-sello-renew-ca-cert = Certificado(s) de la CA (PEM) con los que deben encadenar los certificados nuevos (por defecto, /cacerts de EST)
help-sello-renew-mgmt-secret-file = Fichero con el secreto de la clave de administración del operador (en un punto de registro). Sin él, el titular renueva solo con el PIN cuando la tarjeta guarda una clave de administración protegida por el PIN
help-sello-renew-mgmt-secret-stdin = Lee el secreto de la clave de administración de la primera línea de la entrada estándar
help-sello-renew-pin-stdin = Lee el PIN de la entrada estándar (después del secreto de la clave de administración, si también se lee)
help-sello-renew-force = Renueva aunque el certificado todavía no esté en el periodo de renovación (operador)
help-sello-renew-window-days = Periodo de renovación: se puede renovar en los últimos DAYS días de validez
help-sello-renew-via-daemon = Ejecuta la renovación como un trabajo del servicio sellod (por defecto cuando responde el servicio del usuario y PCSCLITE_CSOCK_NAME no está definida)
help-sello-renew-direct = { -help-direct }
help-sello-cert = Muestra o exporta los certificados de la tarjeta
help-sello-cert-show = Muestra el certificado de una ranura, o de todas las que tengan uno
help-sello-cert-show-reader = { -help-reader }
help-sello-cert-show-slot = Ranura de clave (9A, 9C, 9D, 9E); por defecto, todas
help-sello-cert-export = Escribe el certificado de una ranura en PEM o DER (en un fichero, o en PEM por la salida estándar)
help-sello-cert-export-reader = { -help-reader }
help-sello-cert-export-slot = Ranura de clave (9A, 9C, 9D, 9E)
help-sello-cert-export-format = Formato de salida
help-sello-cert-export-out = Fichero de salida (por defecto, la salida estándar, solo en PEM)
help-sello-browser = Registra el módulo PKCS#11 en Chromium/Chrome, Firefox y p11-kit
help-sello-browser-install = Registra el módulo de Sello en Chromium/Chrome y en todos los perfiles de Firefox (y en p11-kit)
help-sello-browser-install-module = Módulo PKCS#11 que se registrará (por defecto, el libsello.so instalado)
help-sello-browser-status = Muestra dónde está registrado el módulo
help-sello-browser-uninstall = Elimina todos los registros que hizo `install`
help-sello-doctor = Comprueba que está todo lo necesario para usar la tarjeta e indica qué hay que arreglar
help-sello-doctor-reader = Lector que se comprobará (un nombre o una parte única de él); por defecto, el que tiene tarjeta
help-sello-doctor-ca = Un certificado de CA de confianza (PEM o DER), además de los del directorio de CA
help-sello-doctor-ca-dir = Directorio de certificados de CA de confianza
help-sello-watch = Muestra los eventos del servicio sellod: tarjetas introducidas y retiradas, trabajos, avisos de caducidad
help-sello-watch-socket = Socket del servicio (por defecto, $SELLO_SOCKET, $XDG_RUNTIME_DIR/sello/sellod.sock o /run/sello/sellod.sock)
help-sello-mgmt-secret = Secretos maestros del operador (claves de administración de los perfiles `derived`)
help-sello-mgmt-secret-generate = Escribe un secreto maestro de operador nuevo (32 bytes aleatorios, en hex) en un fichero nuevo, con permisos 0600
help-sello-mgmt-secret-generate-out = Fichero que se creará (nunca se sobrescribe un fichero existente)

## sellod
help-sellod = Servicio de Sello: vigila los lectores, ejecuta trabajos con las tarjetas y atiende la API local
help-sellod-socket = Ruta del socket (por defecto, $SELLO_SOCKET; si no, $XDG_RUNTIME_DIR/sello/sellod.sock; si no, /run/sello/sellod.sock). No se tiene en cuenta con la activación por socket de systemd
help-sellod-group = Modo de sistema: los miembros de este grupo pueden usar el servicio (socket 0660 root:GROUP)
help-sellod-idle-timeout = Segundos que una conexión puede estar en silencio antes de que el servicio la cierre, salvo que esté suscrita a eventos o tenga un trabajo en curso
help-sellod-request-timeout = Segundos que tiene un cliente para terminar una línea de petición ya empezada, o para recoger una respuesta del socket, antes de que el servicio cierre la conexión

## sello-ca
help-sello-ca = CA local de pruebas de Sello: emite certificados de persona física por EST. NO APTA PARA PRODUCCIÓN
help-sello-ca-init = Crea en DIR una CA raíz, una CA emisora, el certificado TLS del servidor EST y config.toml
help-sello-ca-init-dir = Directorio de la CA (se crea; debe estar vacío)
help-sello-ca-init-listen = Dirección de escucha de EST que se escribe en config.toml
help-sello-ca-init-crl-listen = Dirección de escucha de la CRL (HTTP sin cifrar) que se escribe en config.toml
help-sello-ca-init-crl-url = URL del punto de distribución de la CRL que se pone en los certificados (por defecto, http://CRL_LISTEN/crl)
help-sello-ca-init-issuing-key = Tipo de clave de la CA emisora
help-sello-ca-init-issuing-key-ecdsa-p384 = ECDSA P-384, firmas ecdsa-with-SHA384
help-sello-ca-init-issuing-key-rsa-3072 = RSA de 3072 bits, firmas sha256WithRSAEncryption (PKCS#1 v1.5), para las partes que confían y esperan una jerarquía RSA como las de la FNMT y el DNIe
help-sello-ca-serve = Sirve EST por HTTPS y la CRL por HTTP
help-sello-ca-serve-dir = { -help-ca-dir }
help-sello-ca-serve-listen = Sustituye la dirección de escucha de EST (el puerto 0 elige un puerto libre; se muestra la dirección usada)
help-sello-ca-serve-crl-listen = Sustituye la dirección de escucha de la CRL
help-sello-ca-enroll-code = Registra una identidad y muestra su código de solicitud de un solo uso
help-sello-ca-enroll-code-dir = { -help-ca-dir }
help-sello-ca-enroll-code-nif = NIF o NIE (se comprueba la letra de control)
help-sello-ca-enroll-code-given-name = Nombre
help-sello-ca-enroll-code-surnames = Apellidos
help-sello-ca-enroll-code-email = Dirección de correo electrónico (SAN rfc822Name)
help-sello-ca-enroll-code-valid-days = Días de validez del código (por defecto, el de config.toml: 15). Con 0 el código nace caducado, para pruebas
help-sello-ca-revoke = Revoca un certificado (no se puede deshacer) y regenera la CRL
help-sello-ca-revoke-dir = { -help-ca-dir }
help-sello-ca-revoke-serial = Número de serie, en hex
help-sello-ca-revoke-reason = Motivo según RFC 5280: unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn
help-sello-ca-list = Lista los certificados emitidos
help-sello-ca-list-dir = { -help-ca-dir }
help-sello-ca-list-json = Salida JSON

## sello-vcard
help-sello-vcard = Una tarjeta PIV virtual para pcscd (vpcd de vsmartcard)
help-sello-vcard-after = Solo para pruebas y formación: el fichero de estado guarda el PIN, el PUK, la clave de administración y las claves privadas de la tarjeta sin cifrar (en hex, en JSON). Manténgalo lejos de secretos reales.
help-sello-vcard-vpcd = Dirección de vpcd (host:puerto) a la que conectarse
help-sello-vcard-state = Fichero de estado (se crea con los valores de fábrica si no existe); sin él, la tarjeta lo olvida todo al salir. Guarda el PIN, el PUK, la clave de administración y las claves privadas SIN CIFRAR (solo para pruebas)
help-sello-vcard-serial = Número de serie de una tarjeta recién creada
help-sello-vcard-atr = ATR (hex) con el que responder en lugar del predeterminado (o del que guarda el fichero de estado)
help-sello-vcard-ready-file = Fichero que se crea cuando pcscd ha leído el ATR (lo usa el banco de pruebas)
help-sello-vcard-fault = Falla a propósito, para probar las comprobaciones del equipo: `repeat-key` responde a la generación de claves con una clave que ya tiene otra ranura
help-sello-vcard-fault-repeat-key = GENERATE ASYMMETRIC KEY PAIR responde con una clave que ya tiene otra ranura (del mismo algoritmo), como una tarjeta cuyo generador de claves se repite
help-sello-vcard-compat = Se comporta como otra tarjeta PIV del mercado (docs/architecture.md, «Compatibility modes»)
-help-compat-yubikey-5-7 = Una YubiKey 5 con firmware 5.7 (todas las órdenes que implementa este applet)
-help-compat-yubikey-5-4 = Una YubiKey 5 con firmware 5.4: sin MOVE KEY, sin Ed25519/X25519
-help-compat-yubikey-4 = Una YubiKey 4: sin metadatos, sin MOVE KEY, clave de administración solo 3DES
-help-compat-piv-plain = Una tarjeta SP 800-73-4 sin más: ninguna orden propia del fabricante
-help-compat-applet-partial-metadata = Un applet PIV de JavaCard con metadatos parciales, sin MOVE KEY ni SET PIN RETRIES (5 intentos), solo las ranuras retiradas 82–8C, rechaza los objetos desconocidos
help-sello-vcard-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox = Arranca un pcscd privado con tarjetas virtuales de fábrica y ejecuta COMMAND con él
help-sello-vcard-sandbox-cards = Número de tarjetas (1 o 2)
help-sello-vcard-sandbox-states = Arranca la tarjeta i a partir de una copia de este fichero de estado (repítalo para la segunda tarjeta)
help-sello-vcard-sandbox-compat = Se comporta como otra tarjeta PIV del mercado
help-sello-vcard-sandbox-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-sandbox-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-sandbox-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-sandbox-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-sandbox-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox-command = La orden y sus argumentos
