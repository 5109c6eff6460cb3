# Mensajes de error de las capas de la biblioteca por debajo de la activación y de la CLI:
# transporte, APDU, tarjeta, PIN, perfiles, configuración del navegador, pinentry. Suelen ir
# tras «sello: » o «Error: ».

## Errores de transporte (PC/SC).
err-transport-no-service = pcscd no está en marcha (no hay servicio PC/SC)
err-transport-no-readers = no se ha encontrado ningún lector de tarjetas
err-transport-reader-not-found = no se encuentra el lector «{ $reader }»
err-transport-reader-unavailable = el lector ya no está disponible
err-transport-no-card = no hay ninguna tarjeta en el lector
err-transport-card-removed = se ha retirado la tarjeta durante la operación
err-transport-card-reset = otra aplicación ha reiniciado la tarjeta; vuelva a identificarse
err-transport-sharing-violation = otra aplicación está usando la tarjeta en exclusiva
err-transport-unresponsive = la tarjeta no responde
err-transport-timeout = se ha agotado el tiempo de espera del lector
## $why es uno de los mensajes err-protocol-*.
err-transport-protocol = error de protocolo de la tarjeta: { $why }
err-transport-malformed = respuesta de la tarjeta mal formada
## $call es uno de los mensajes err-pcsc-*; $message es el texto (en inglés) de la biblioteca PC/SC.
err-transport-pcsc = error de PC/SC al { $call }: { $message }
err-protocol-empty-chain = cadena de órdenes vacía
err-protocol-endless-more-data = la tarjeta no deja de anunciar más datos (61xx)
err-protocol-response-too-long = respuesta de la tarjeta demasiado larga
err-pcsc-establish = conectar con pcscd
err-pcsc-list-readers = listar los lectores
err-pcsc-reader-status = leer el estado de los lectores
err-pcsc-connect = conectar con la tarjeta
err-pcsc-card-status = leer el estado de la tarjeta
err-pcsc-transmit = enviar una orden a la tarjeta
err-pcsc-reconnect = volver a conectar con la tarjeta
err-pcsc-begin-transaction = iniciar una transacción con la tarjeta
err-pcsc-cancel-wait = cancelar una espera
err-pcsc-wait-for-change = esperar un cambio en los lectores

## Datos de la tarjeta mal formados (capa APDU).
err-apdu-response-too-short = { $got ->
    [one] respuesta de la tarjeta demasiado corta ({ $got } byte; se esperaban al menos 2)
   *[other] respuesta de la tarjeta demasiado corta ({ $got } bytes; se esperaban al menos 2)
}
err-apdu-truncated = { $needed ->
    [one] datos truncados: faltaba { $needed } byte y hay { $available }
   *[other] datos truncados: faltaban { $needed } bytes y hay { $available }
}
## $why es uno de los mensajes err-tlv-*.
err-apdu-bad-tlv = BER-TLV mal formado: { $why }
err-apdu-field-length = { $expected ->
    [one] un campo de { $got } bytes donde se esperaba { $expected } byte
   *[other] un campo de { $got } bytes donde se esperaban { $expected } bytes
}
err-apdu-missing-tag = falta la etiqueta { $tag } en los datos de la tarjeta
err-apdu-data-too-long = los datos de la orden ({ $got } bytes) no caben en la codificación de la APDU
err-tlv-long-tag = etiqueta de más de tres bytes
err-tlv-indefinite-length = longitud indefinida
err-tlv-long-length = longitud de más de tres bytes
err-tlv-unknown-format = formato desconocido
err-tlv-unknown-value = un valor que el campo no admite
err-tlv-too-many-entries = demasiadas entradas
err-tlv-repeated-entry = la misma entrada dos veces
err-tlv-bad-compression = datos comprimidos que no se pueden descomprimir

## Significado de una palabra de estado; el código va después entre paréntesis: «longitud incorrecta (6700)».
err-sw-success = correcto
err-sw-bytes-remaining = hay más datos disponibles
err-sw-wrong-le = longitud esperada incorrecta
err-sw-verify-fail = verificación fallida
err-sw-memory-failure = fallo de memoria
err-sw-wrong-length = longitud incorrecta
err-sw-no-secure-messaging = mensajería segura no admitida
err-sw-last-of-chain-expected = se esperaba la última orden de la cadena
err-sw-no-chaining = encadenamiento de órdenes no admitido
err-sw-security-status = condiciones de seguridad no satisfechas
err-sw-authentication-blocked = método de autenticación bloqueado
err-sw-reference-not-usable = datos de referencia no utilizables
err-sw-conditions-not-satisfied = condiciones de uso no satisfechas
err-sw-command-not-allowed = orden no permitida
err-sw-incorrect-data = datos incorrectos
err-sw-function-not-supported = función no admitida
err-sw-not-found = no encontrado
err-sw-not-enough-memory = memoria insuficiente
err-sw-incorrect-p1p2 = P1/P2 incorrectos
err-sw-reference-not-found = datos referenciados no encontrados
err-sw-ins-not-supported = instrucción no admitida
err-sw-cla-not-supported = clase no admitida
err-sw-no-precise-diagnosis = sin diagnóstico preciso
err-sw-other = estado desconocido

## Reglas del PIN, del PUK y de la clave de gestión ($what es «PIN» o «PUK»).
err-pin-length = el { $what } debe tener entre { $min } y { $max } caracteres; tiene { $got }
err-pin-length-exact = el { $what } debe tener { $len } caracteres; tiene { $got }
err-pin-charset = el { $what } solo puede contener caracteres ASCII imprimibles
err-pin-key-length = la clave de gestión { $algorithm } debe tener { $expected } bytes; tiene { $got }
err-pin-unknown-algorithm = algoritmo de clave de gestión desconocido (se admiten 3DES, AES-128, AES-192 y AES-256)
err-pin-key-hex = la clave de gestión debe indicarse en hexadecimal
err-tlv-too-large = más datos de los que caben en el objeto

## Errores de la tarjeta (los del PIN y el PUK son card-* en cli.ftl).
err-card-transport = ha fallado la comunicación con la tarjeta: { $error }
err-card-management-key-auth-failed = ha fallado la autenticación con la clave de gestión (clave o algoritmo incorrectos)
err-card-security-status = la tarjeta lo ha rechazado: antes hay que autenticarse (PIN o clave de gestión)
err-card-unsupported-card = tarjeta no compatible: no tiene aplicación PIV
## $operation es uno de los mensajes err-op-*.
err-card-not-supported = la tarjeta no admite { $operation }
## $status es una palabra de estado: su significado y su código, «longitud incorrecta (6700)».
err-card-refused = la tarjeta ha rechazado { $operation }: { $status }
## $what es uno de los mensajes err-data-*.
err-card-malformed = la tarjeta ha enviado { $what } con un formato incorrecto
## $why es uno de los mensajes err-invalid-*.
err-card-invalid-input = petición no válida: { $why }
err-card-pin = PIN, PUK o clave no válidos
err-card-auth-failed = la tarjeta no ha demostrado que tenga la clave de gestión
err-card-certificate-key-mismatch = la clave pública del certificado no coincide con la clave de la ranura { $slot }
err-card-bad-certificate = no es un certificado X.509 válido
## $why es uno de los mensajes err-reset-*.
err-card-reset-refused = no se restablece la tarjeta: { $why }
## $step es uno de los mensajes err-crypto-*.
err-card-crypto = ha fallado la criptografía en el equipo: { $step }
## $what es uno de los mensajes err-name-*; $expected enumera los nombres admitidos.
err-unknown-name = «{ $given }» no es un nombre válido de { $what } (se admiten: { $expected })

## Operaciones de la tarjeta, como complemento de «la tarjeta ha rechazado...» y «la tarjeta no admite...».
err-op-select = la selección de la aplicación PIV (SELECT)
err-op-get-data = la lectura de un objeto de datos (GET DATA)
err-op-put-data = la escritura de un objeto de datos (PUT DATA)
err-op-verify = la comprobación del PIN (VERIFY)
err-op-pin-status = la consulta del estado del PIN (VERIFY)
err-op-logout = el cierre de la sesión (VERIFY)
err-op-change-reference = el cambio del PIN o del PUK (CHANGE REFERENCE DATA)
err-op-reset-retry-counter = el desbloqueo del PIN (RESET RETRY COUNTER)
err-op-generate-key = la generación de una clave (GENERATE ASYMMETRIC KEY PAIR)
err-op-sign = la firma (GENERAL AUTHENTICATE)
err-op-decrypt = el descifrado (GENERAL AUTHENTICATE)
err-op-key-agreement = el acuerdo de claves (GENERAL AUTHENTICATE)
err-op-management-key-auth = la autenticación con la clave de gestión (GENERAL AUTHENTICATE)
err-op-set-management-key = el cambio de la clave de gestión (SET MANAGEMENT KEY)
err-op-set-retries = el cambio del número de intentos del PIN y del PUK (SET PIN RETRIES)
err-op-reset = el restablecimiento de la aplicación PIV (RESET)
err-op-attest = la atestación de una clave (ATTEST)
err-op-attest-imported = la atestación de una clave (ATTEST; solo se pueden atestar las claves generadas en la tarjeta)
err-op-import-key = la importación de una clave (IMPORT KEY)
err-op-move-key = el traslado de una clave (MOVE KEY)
err-op-get-version = la consulta de su versión (GET VERSION)
err-op-get-serial = la consulta de su número de serie (GET SERIAL)
err-op-get-metadata = la consulta de los metadatos de una clave (GET METADATA)
err-op-key-metadata = los metadatos de claves (YubiKey 5.3 o posterior)
err-op-change-puk = el cambio del PUK
err-op-generate-this-key = este algoritmo o esta política en esta ranura
err-op-management-key-algorithm = este algoritmo de clave de gestión
err-op-import-this-key = la importación de este algoritmo en esta ranura
err-op-contents-record = el registro de contenido de Sello (objeto 5F5E10)

## Datos de la tarjeta, como en «la tarjeta ha enviado ... con un formato incorrecto».
## $operation es uno de los mensajes err-op-*.
err-data-response = la respuesta a { $operation }
err-data-application-template = la plantilla de propiedades de la aplicación
err-data-chuid = el CHUID
err-data-ccc = el CCC
err-data-discovery = el objeto de descubrimiento
err-data-contents-record = el registro de contenido
err-data-certificate-container = el contenedor de un certificado
err-data-compressed-certificate = un certificado comprimido
err-data-data-object = un objeto de datos
err-data-public-key = una clave pública
err-data-admin-data = el objeto ADMIN DATA
err-data-printed = la clave de gestión protegida por el PIN (PRINTED)

## Lo que no está en la tarjeta (frases completas).
err-missing-piv-application = la tarjeta no tiene la aplicación PIV
err-missing-key = no hay ninguna clave en esta ranura
err-missing-protected-management-key = la tarjeta no guarda ninguna clave de gestión protegida por el PIN

## Por qué no se restablece la tarjeta.
err-reset-pin-not-blocked = el PIN no está bloqueado (bloquee antes el PIN y el PUK)
err-reset-puk-unknown = no se puede confirmar que el PUK de esta tarjeta esté bloqueado
err-reset-puk-not-blocked = el PUK no está bloqueado (bloquéelo antes)

## Criptografía en el equipo que ha fallado.
err-crypto-compression = compresión gzip
err-crypto-public-key = lectura de la clave pública
err-crypto-key-import = preparación de la clave privada para importarla
err-crypto-management-key = preparación del cifrado de la clave de gestión
err-crypto-signature = la tarjeta ha devuelto una firma mal formada

## Peticiones que la capa de tarjeta no puede atender ($slot es una referencia de clave como 9A).
err-invalid-no-certificate-object = la ranura { $slot } no puede contener un certificado
err-invalid-not-a-key-slot = la ranura { $slot } no puede contener una clave asimétrica
err-invalid-cannot-move = no se puede trasladar una clave de la ranura { $from } a la ranura { $to }
err-invalid-cannot-sign = las claves { $algorithm } no pueden firmar
err-invalid-cannot-decrypt = las claves { $algorithm } no pueden descifrar; use el acuerdo de claves (ECDH)
err-invalid-cannot-agree = las claves { $algorithm } no admiten el acuerdo de claves
err-invalid-cannot-authenticate-tls = las claves { $algorithm } no pueden autenticar TLS aquí
err-invalid-no-client-certificate = no hay ningún certificado para la clave de cliente
err-invalid-sign-input-length = { $expected ->
    [one] la entrada de { $algorithm } debe tener { $expected } byte (relleno hecho por el equipo); tiene { $got }
   *[other] la entrada de { $algorithm } debe tener { $expected } bytes (relleno hecho por el equipo); tiene { $got }
}
err-invalid-ciphertext-length = { $expected ->
    [one] el texto cifrado debe tener { $expected } byte; tiene { $got }
   *[other] el texto cifrado debe tener { $expected } bytes; tiene { $got }
}
err-invalid-peer-key-length = { $expected ->
    [one] la clave pública del otro extremo debe tener { $expected } byte para { $algorithm }; tiene { $got }
   *[other] la clave pública del otro extremo debe tener { $expected } bytes para { $algorithm }; tiene { $got }
}
err-invalid-retry-counts = el número de intentos debe estar entre 1 y 255
err-invalid-unsupported-public-key = tipo de clave pública no admitido
err-invalid-not-two-prime-rsa = solo se pueden importar claves RSA de dos primos
err-invalid-key-component-too-long = un componente de la clave es más largo de lo que admite su algoritmo
err-invalid-rsa-modulus-too-short = el módulo RSA es demasiado corto

## Lo que debería nombrar un nombre dado en la línea de órdenes.
err-name-key-algorithm = algoritmo de clave
err-name-slot = ranura
err-name-pin-policy = política de PIN
err-name-touch-policy = política de pulsación

## Reglas del PIN y del PUK de un perfil de tarjeta ($what es uno de los mensajes err-secret-*).
err-rule-length = el { $what } debe tener entre { $min } y { $max } caracteres
err-rule-length-exact = el { $what } debe tener { $len } caracteres
err-rule-charset-digits = el { $what } solo puede contener cifras
err-rule-charset-alphanumeric = el { $what } solo puede contener letras y cifras
err-rule-charset-printable = el { $what } solo puede contener caracteres imprimibles
err-secret-pin = PIN
err-secret-new-pin = PIN nuevo
err-secret-puk = PUK

## La identidad del titular (estos mensajes nunca repiten los valores).
err-identity-nif-format = el NIF/NIE debe tener 8 cifras y una letra (NIF) o X, Y o Z, 7 cifras y una letra (NIE)
err-identity-nif-check-letter = la letra de control del NIF/NIE es incorrecta (debería ser { $expected })
err-identity-given-name = el nombre está vacío o contiene caracteres de control
err-identity-surnames = los apellidos están vacíos o contienen caracteres de control
err-identity-email = la dirección de correo electrónico no es una dirección ASCII válida (local@dominio)

## Búsqueda de perfiles de tarjeta.
err-profiles-directory = no se puede leer la carpeta de perfiles { $path }
err-profiles-not-found = no hay ningún perfil de tarjeta llamado «{ $name }» (véase `sello profile list`)
err-profiles-no-match = ningún perfil de tarjeta se aplica a esta tarjeta (controlador { $driver }, ATR { $atr }); elija uno con --profile
err-profiles-ambiguous = a esta tarjeta se le aplican varios perfiles ({ $names }); elija uno con --profile

## Un archivo de perfil que no se puede cargar: «ARCHIVO:LÍNEA: campo `pin.min_length`: MENSAJE».
## Los nombres de campo y los valores son los del archivo y no se traducen.
err-profile-field = campo `{ $field }`: { "" }
err-profile-cannot-read = no se puede leer: { $error }
err-profile-duplicate = otro archivo de { $dir } también define «{ $name }»
err-profile-unknown = valor desconocido «{ $value }» (se admiten: { $known })
err-profile-length-range = debe estar entre { $min } y { $max } (lo que guarda una tarjeta PIV)
err-profile-max-length = debe estar entre min_length y { $max }
err-profile-retries = debe estar entre 1 y 15
err-profile-name = no puede estar vacío y solo puede contener letras, cifras, «-» y «_»
err-profile-aid = debe tener de 5 a 16 bytes en hexadecimal
err-profile-atr = deben ser bytes en hexadecimal, con «xx» para cualquier byte
err-profile-factory-key = la clave de fábrica exige allow_default_management_key = true
err-profile-slot = debe ser una ranura de clave PIV con certificado (9A, 9C, 9D, 9E, 82-95)
err-profile-slot-twice = ranura repetida
err-profile-allowed-default = debe incluir el algoritmo predeterminado
err-profile-signature-pin = una clave de firma debe pedir el PIN en cada uso («always»)
err-profile-no-keys = hace falta al menos una clave
err-profile-country = C debe ser una PrintableString de dos letras (RFC 5280 §A.1)
err-profile-no-attributes = el titular necesita al menos un atributo
err-profile-oid = «{ $value }» no es un OID con puntos (ni clientAuth, emailProtection, smartcardLogon...)
err-profile-validity = no puede superar max_validity_days
err-profile-basic-user-colon = un nombre de usuario de HTTP Basic no puede contener «:» (RFC 7617)
err-profile-unclosed-brace = «{"{"}» sin cerrar
## $var es el marcador tal como está escrito, «{dni}»; $known enumera los conocidos.
err-profile-unknown-variable = variable desconocida { $var } (se admiten: { $known })
err-profile-ca-label = una etiqueta de CA tiene letras, cifras, «-» y «_» (64 como máximo), o es "" para ninguna
err-profile-code-needs-user = usar el código como contraseña exige un nombre de usuario de HTTP Basic (basic_user)
err-profile-needs-auth = sin HTTP Basic, la emisión exige client_certificate = "operator-card"

## Construcción del titular de un certificado a partir de la plantilla de un perfil.
err-subject-not-printable = el valor de { $attribute } tiene caracteres que no caben en una PrintableString
err-subject-needs-email = este perfil necesita la dirección de correo electrónico del titular
err-template-unclosed-brace = «{"{"}» sin cerrar en la plantilla
## $var es el marcador tal como está escrito, «{email}».
err-template-no-value = la identidad no tiene ningún valor para { $var }
err-template-unmatched-brace = «{"}"}» sin pareja

## El secreto maestro del operador (nunca se muestra).
err-master-secret-short = el secreto maestro del operador debe tener al menos { $min } bytes; genere uno con `sello mgmt-secret generate --out ARCHIVO`
err-master-secret-weak = el secreto maestro del operador tiene muy poca entropía (bytes repetidos, pocos símbolos distintos o un patrón repetido); genere uno con `sello mgmt-secret generate --out ARCHIVO`

## Configuración de los navegadores (bases de datos NSS). Las rutas, el error del sistema y la salida de certutil no se traducen.
err-browser-module-not-found = el módulo PKCS#11 de Sello ({ $library }) no está instalado; se ha buscado en: { $places }
err-browser-module-missing = { $path }: no existe
err-browser-not-shared-object = { $path }: no es una biblioteca compartida (.so)
err-browser-firefox-running = Firefox está abierto con el perfil de { $path }: cierre Firefox y vuelva a intentarlo
err-browser-cannot-read = no se puede leer { $path }: { $error }
err-browser-cannot-resolve = no se puede resolver la ruta { $path }: { $error }
err-browser-cannot-write = no se puede escribir { $path }: { $error }
err-browser-cannot-create = no se puede crear { $path }: { $error }
err-browser-cannot-run = no se puede ejecutar { $path }: { $error }
err-browser-cannot-remove = no se puede borrar { $path }: { $error }
err-browser-create-db = no se puede crear la base de datos NSS { $path }: { $output }

## Por qué no se puede mostrar ningún diálogo del PIN (pinentry); $programs enumera los programas buscados.
err-pinentry-configured-missing = el programa pinentry configurado, { $program }, no está instalado (o no es ejecutable); corrija `pinentry` en la tabla [pkcs11] del archivo de configuración de Sello
err-pinentry-no-graphical = no hay ningún pinentry gráfico instalado para esta sesión de escritorio (se ha buscado { $programs }); instale el paquete de Debian pinentry-gnome3 (GNOME), pinentry-qt (KDE) o pinentry-gtk2
err-pinentry-no-session = no se puede mostrar ningún pinentry: la sesión no tiene pantalla (WAYLAND_DISPLAY/DISPLAY sin definir) ni terminal (GPG_TTY sin definir y la entrada estándar no es un terminal)
err-pinentry-no-terminal = no hay ningún pinentry de terminal instalado (se ha buscado { $programs }); instale el paquete de Debian pinentry-curses o pinentry-tty
## SELLO_APDU_LOG names a file that cannot be opened ($var is the variable's name).
err-trace-file = no se puede abrir el archivo de { $var } { $path } ({ $error }): no se registran las APDU
