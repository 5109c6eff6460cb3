# Missatges d'error de les capes de la biblioteca per sota de l'activació i de la CLI:
# transport, APDU, targeta, PIN, perfils, configuració del navegador, pinentry. Solen anar
# després de «sello: » o «Error: ».

## Errors de transport (PC/SC).
err-transport-no-service = pcscd no està en marxa (no hi ha servei PC/SC)
err-transport-no-readers = no s'ha trobat cap lector de targetes
err-transport-reader-not-found = no es troba el lector «{ $reader }»
err-transport-reader-unavailable = el lector ja no està disponible
err-transport-no-card = no hi ha cap targeta al lector
err-transport-card-removed = s'ha retirat la targeta durant l'operació
err-transport-card-reset = una altra aplicació ha reiniciat la targeta; torneu a identificar-vos
err-transport-sharing-violation = una altra aplicació està fent servir la targeta en exclusiva
err-transport-unresponsive = la targeta no respon
err-transport-timeout = s'ha esgotat el temps d'espera del lector
## $why és un dels missatges err-protocol-*.
err-transport-protocol = error de protocol de la targeta: { $why }
err-transport-malformed = resposta de la targeta mal formada
## $call és un dels missatges err-pcsc-*; $message és el text (en anglès) de la biblioteca PC/SC.
err-transport-pcsc = error de PC/SC en { $call }: { $message }
err-protocol-empty-chain = cadena d'ordres buida
err-protocol-endless-more-data = la targeta no para d'anunciar més dades (61xx)
err-protocol-response-too-long = resposta de la targeta massa llarga
err-pcsc-establish = connectar amb pcscd
err-pcsc-list-readers = llistar els lectors
err-pcsc-reader-status = llegir l'estat dels lectors
err-pcsc-connect = connectar amb la targeta
err-pcsc-card-status = llegir l'estat de la targeta
err-pcsc-transmit = enviar una ordre a la targeta
err-pcsc-reconnect = tornar a connectar amb la targeta
err-pcsc-begin-transaction = iniciar una transacció amb la targeta
err-pcsc-cancel-wait = cancel·lar una espera
err-pcsc-wait-for-change = esperar un canvi als lectors

## Dades de la targeta mal formades (capa APDU).
err-apdu-response-too-short = { $got ->
    [one] resposta de la targeta massa curta ({ $got } byte; se n'esperaven almenys 2)
   *[other] resposta de la targeta massa curta ({ $got } bytes; se n'esperaven almenys 2)
}
err-apdu-truncated = { $needed ->
    [one] dades truncades: en faltava { $needed } byte i n'hi ha { $available }
   *[other] dades truncades: en faltaven { $needed } bytes i n'hi ha { $available }
}
## $why és un dels missatges err-tlv-*.
err-apdu-bad-tlv = BER-TLV mal format: { $why }
err-apdu-field-length = { $expected ->
    [one] un camp de { $got } bytes on s'esperava { $expected } byte
   *[other] un camp de { $got } bytes on s'esperaven { $expected } bytes
}
err-apdu-missing-tag = falta l'etiqueta { $tag } a les dades de la targeta
err-apdu-data-too-long = les dades de l'ordre ({ $got } bytes) no caben en la codificació de l'APDU
err-tlv-long-tag = etiqueta de més de tres bytes
err-tlv-indefinite-length = longitud indefinida
err-tlv-long-length = longitud de més de tres bytes
err-tlv-unknown-format = format desconegut
err-tlv-unknown-value = un valor que el camp no admet
err-tlv-too-many-entries = massa entrades
err-tlv-repeated-entry = la mateixa entrada dues vegades
err-tlv-bad-compression = dades comprimides que no es poden descomprimir

## Significat d'una paraula d'estat; el codi va després entre parèntesis: «longitud incorrecta (6700)».
err-sw-success = correcte
err-sw-bytes-remaining = hi ha més dades disponibles
err-sw-wrong-le = longitud esperada incorrecta
err-sw-verify-fail = verificació fallida
err-sw-memory-failure = error de memòria
err-sw-wrong-length = longitud incorrecta
err-sw-no-secure-messaging = missatgeria segura no admesa
err-sw-last-of-chain-expected = s'esperava l'última ordre de la cadena
err-sw-no-chaining = encadenament d'ordres no admès
err-sw-security-status = condicions de seguretat no satisfetes
err-sw-authentication-blocked = mètode d'autenticació bloquejat
err-sw-reference-not-usable = dades de referència no utilitzables
err-sw-conditions-not-satisfied = condicions d'ús no satisfetes
err-sw-command-not-allowed = ordre no permesa
err-sw-incorrect-data = dades incorrectes
err-sw-function-not-supported = funció no admesa
err-sw-not-found = no trobat
err-sw-not-enough-memory = memòria insuficient
err-sw-incorrect-p1p2 = P1/P2 incorrectes
err-sw-reference-not-found = dades referenciades no trobades
err-sw-ins-not-supported = instrucció no admesa
err-sw-cla-not-supported = classe no admesa
err-sw-no-precise-diagnosis = sense diagnòstic precís
err-sw-other = estat desconegut

## Regles del PIN, del PUK i de la clau de gestió ($what és «PIN» o «PUK»).
err-pin-length = el { $what } ha de tenir entre { $min } i { $max } caràcters; en té { $got }
err-pin-length-exact = el { $what } ha de tenir { $len } caràcters; en té { $got }
err-pin-charset = el { $what } només pot contenir caràcters ASCII imprimibles
err-pin-key-length = la clau de gestió { $algorithm } ha de tenir { $expected } bytes; en té { $got }
err-pin-unknown-algorithm = algorisme de clau de gestió desconegut (s'admeten 3DES, AES-128, AES-192 i AES-256)
err-pin-key-hex = la clau de gestió s'ha d'indicar en hexadecimal
err-tlv-too-large = més dades de les que caben a l'objecte

## Errors de la targeta (els del PIN i el PUK són card-* a cli.ftl).
err-card-transport = ha fallat la comunicació amb la targeta: { $error }
err-card-management-key-auth-failed = ha fallat l'autenticació amb la clau de gestió (clau o algorisme incorrectes)
err-card-security-status = la targeta ho ha rebutjat: abans cal autenticar-se (PIN o clau de gestió)
err-card-unsupported-card = targeta no compatible: no té aplicació PIV
## $operation és un dels missatges err-op-*.
err-card-not-supported = la targeta no admet { $operation }
## $status és una paraula d'estat: el seu significat i el seu codi, «longitud incorrecta (6700)».
err-card-refused = la targeta ha rebutjat { $operation }: { $status }
## $what és un dels missatges err-data-*.
err-card-malformed = la targeta ha enviat { $what } amb un format incorrecte
## $why és un dels missatges err-invalid-*.
err-card-invalid-input = petició no vàlida: { $why }
err-card-pin = PIN, PUK o clau no vàlids
err-card-auth-failed = la targeta no ha demostrat que tingui la clau de gestió
err-card-certificate-key-mismatch = la clau pública del certificat no coincideix amb la clau de la ranura { $slot }
err-card-bad-certificate = no és un certificat X.509 vàlid
## $why és un dels missatges err-reset-*.
err-card-reset-refused = no es restableix la targeta: { $why }
## $step és un dels missatges err-crypto-*.
err-card-crypto = ha fallat la criptografia a l'equip: { $step }
## $what és un dels missatges err-name-*; $expected enumera els noms admesos.
err-unknown-name = «{ $given }» no és un nom vàlid de { $what } (s'admeten: { $expected })

## Operacions de la targeta, com a complement de «la targeta ha rebutjat...» i «la targeta no admet...».
err-op-select = la selecció de l'aplicació PIV (SELECT)
err-op-get-data = la lectura d'un objecte de dades (GET DATA)
err-op-put-data = l'escriptura d'un objecte de dades (PUT DATA)
err-op-verify = la comprovació del PIN (VERIFY)
err-op-pin-status = la consulta de l'estat del PIN (VERIFY)
err-op-logout = el tancament de la sessió (VERIFY)
err-op-change-reference = el canvi del PIN o del PUK (CHANGE REFERENCE DATA)
err-op-reset-retry-counter = el desbloqueig del PIN (RESET RETRY COUNTER)
err-op-generate-key = la generació d'una clau (GENERATE ASYMMETRIC KEY PAIR)
err-op-sign = la signatura (GENERAL AUTHENTICATE)
err-op-decrypt = el desxifratge (GENERAL AUTHENTICATE)
err-op-key-agreement = l'acord de claus (GENERAL AUTHENTICATE)
err-op-management-key-auth = l'autenticació amb la clau de gestió (GENERAL AUTHENTICATE)
err-op-set-management-key = el canvi de la clau de gestió (SET MANAGEMENT KEY)
err-op-set-retries = el canvi del nombre d'intents del PIN i del PUK (SET PIN RETRIES)
err-op-reset = el restabliment de l'aplicació PIV (RESET)
err-op-attest = l'atestació d'una clau (ATTEST)
err-op-attest-imported = l'atestació d'una clau (ATTEST; només es poden atestar les claus generades a la targeta)
err-op-import-key = la importació d'una clau (IMPORT KEY)
err-op-move-key = el trasllat d'una clau (MOVE KEY)
err-op-get-version = la consulta de la seva versió (GET VERSION)
err-op-get-serial = la consulta del seu número de sèrie (GET SERIAL)
err-op-get-metadata = la consulta de les metadades d'una clau (GET METADATA)
err-op-key-metadata = les metadades de claus (YubiKey 5.3 o posterior)
err-op-change-puk = el canvi del PUK
err-op-generate-this-key = aquest algorisme o aquesta política en aquesta ranura
err-op-management-key-algorithm = aquest algorisme de clau de gestió
err-op-import-this-key = la importació d'aquest algorisme en aquesta ranura
err-op-contents-record = el registre de contingut de Sello (objecte 5F5E10)

## Dades de la targeta, com a «la targeta ha enviat ... amb un format incorrecte».
## $operation és un dels missatges err-op-*.
err-data-response = la resposta a { $operation }
err-data-application-template = la plantilla de propietats de l'aplicació
err-data-chuid = el CHUID
err-data-ccc = el CCC
err-data-discovery = l'objecte de descobriment
err-data-contents-record = el registre de contingut
err-data-certificate-container = el contenidor d'un certificat
err-data-compressed-certificate = un certificat comprimit
err-data-data-object = un objecte de dades
err-data-public-key = una clau pública
err-data-admin-data = l'objecte ADMIN DATA
err-data-printed = la clau de gestió protegida pel PIN (PRINTED)

## El que no és a la targeta (frases senceres).
err-missing-piv-application = la targeta no té l'aplicació PIV
err-missing-key = no hi ha cap clau en aquesta ranura
err-missing-protected-management-key = la targeta no desa cap clau de gestió protegida pel PIN

## Per què no es restableix la targeta.
err-reset-pin-not-blocked = el PIN no està bloquejat (bloquegeu abans el PIN i el PUK)
err-reset-puk-unknown = no es pot confirmar que el PUK d'aquesta targeta estigui bloquejat
err-reset-puk-not-blocked = el PUK no està bloquejat (bloquegeu-lo abans)

## Criptografia a l'equip que ha fallat.
err-crypto-compression = compressió gzip
err-crypto-public-key = lectura de la clau pública
err-crypto-key-import = preparació de la clau privada per a importar-la
err-crypto-management-key = preparació del xifratge de la clau de gestió
err-crypto-signature = la targeta ha retornat una signatura mal formada

## Peticions que la capa de targeta no pot atendre ($slot és una referència de clau com ara 9A).
err-invalid-no-certificate-object = la ranura { $slot } no pot contenir cap certificat
err-invalid-not-a-key-slot = la ranura { $slot } no pot contenir cap clau asimètrica
err-invalid-cannot-move = no es pot traslladar una clau de la ranura { $from } a la ranura { $to }
err-invalid-cannot-sign = les claus { $algorithm } no poden signar
err-invalid-cannot-decrypt = les claus { $algorithm } no poden desxifrar; feu servir l'acord de claus (ECDH)
err-invalid-cannot-agree = les claus { $algorithm } no admeten l'acord de claus
err-invalid-cannot-authenticate-tls = les claus { $algorithm } no poden autenticar TLS aquí
err-invalid-no-client-certificate = no hi ha cap certificat per a la clau de client
err-invalid-sign-input-length = { $expected ->
    [one] l'entrada de { $algorithm } ha de tenir { $expected } byte (farciment fet per l'equip); en té { $got }
   *[other] l'entrada de { $algorithm } ha de tenir { $expected } bytes (farciment fet per l'equip); en té { $got }
}
err-invalid-ciphertext-length = { $expected ->
    [one] el text xifrat ha de tenir { $expected } byte; en té { $got }
   *[other] el text xifrat ha de tenir { $expected } bytes; en té { $got }
}
err-invalid-peer-key-length = { $expected ->
    [one] la clau pública de l'altre extrem ha de tenir { $expected } byte per a { $algorithm }; en té { $got }
   *[other] la clau pública de l'altre extrem ha de tenir { $expected } bytes per a { $algorithm }; en té { $got }
}
err-invalid-retry-counts = el nombre d'intents ha de ser entre 1 i 255
err-invalid-unsupported-public-key = tipus de clau pública no admès
err-invalid-not-two-prime-rsa = només es poden importar claus RSA de dos primers
err-invalid-key-component-too-long = un component de la clau és més llarg del que admet el seu algorisme
err-invalid-rsa-modulus-too-short = el mòdul RSA és massa curt

## El que hauria d'anomenar un nom donat a la línia d'ordres.
err-name-key-algorithm = algorisme de clau
err-name-slot = ranura
err-name-pin-policy = política de PIN
err-name-touch-policy = política de pulsació

## Regles del PIN i del PUK d'un perfil de targeta ($what és un dels missatges err-secret-*).
err-rule-length = el { $what } ha de tenir entre { $min } i { $max } caràcters
err-rule-length-exact = el { $what } ha de tenir { $len } caràcters
err-rule-charset-digits = el { $what } només pot contenir xifres
err-rule-charset-alphanumeric = el { $what } només pot contenir lletres i xifres
err-rule-charset-printable = el { $what } només pot contenir caràcters imprimibles
err-secret-pin = PIN
err-secret-new-pin = PIN nou
err-secret-puk = PUK

## La identitat del titular (aquests missatges no repeteixen mai els valors).
err-identity-nif-format = el NIF/NIE ha de tenir 8 xifres i una lletra (NIF) o X, Y o Z, 7 xifres i una lletra (NIE)
err-identity-nif-check-letter = la lletra de control del NIF/NIE és incorrecta (hauria de ser { $expected })
err-identity-given-name = el nom és buit o conté caràcters de control
err-identity-surnames = els cognoms són buits o contenen caràcters de control
err-identity-email = l'adreça electrònica no és una adreça ASCII vàlida (local@domini)

## Cerca de perfils de targeta.
err-profiles-directory = no es pot llegir la carpeta de perfils { $path }
err-profiles-not-found = no hi ha cap perfil de targeta anomenat «{ $name }» (vegeu `sello profile list`)
err-profiles-no-match = cap perfil de targeta no s'aplica a aquesta targeta (controlador { $driver }, ATR { $atr }); trieu-ne un amb --profile
err-profiles-ambiguous = a aquesta targeta se li apliquen diversos perfils ({ $names }); trieu-ne un amb --profile

## Un fitxer de perfil que no es pot carregar: «FITXER:LÍNIA: camp `pin.min_length`: MISSATGE».
## Els noms de camp i els valors són els del fitxer i no es tradueixen.
err-profile-field = camp `{ $field }`: { "" }
err-profile-cannot-read = no es pot llegir: { $error }
err-profile-duplicate = un altre fitxer de { $dir } també defineix «{ $name }»
err-profile-unknown = valor desconegut «{ $value }» (s'admeten: { $known })
err-profile-length-range = ha de ser entre { $min } i { $max } (el que desa una targeta PIV)
err-profile-max-length = ha de ser entre min_length i { $max }
err-profile-retries = ha de ser entre 1 i 15
err-profile-name = no pot ser buit i només pot contenir lletres, xifres, «-» i «_»
err-profile-aid = ha de tenir de 5 a 16 bytes en hexadecimal
err-profile-atr = han de ser bytes en hexadecimal, amb «xx» per a qualsevol byte
err-profile-factory-key = la clau de fàbrica exigeix allow_default_management_key = true
err-profile-slot = ha de ser una ranura de clau PIV amb certificat (9A, 9C, 9D, 9E, 82-95)
err-profile-slot-twice = ranura repetida
err-profile-allowed-default = ha d'incloure l'algorisme predeterminat
err-profile-signature-pin = una clau de signatura ha de demanar el PIN a cada ús («always»)
err-profile-no-keys = cal almenys una clau
err-profile-country = C ha de ser una PrintableString de dues lletres (RFC 5280 §A.1)
err-profile-no-attributes = el titular necessita almenys un atribut
err-profile-oid = «{ $value }» no és un OID amb punts (ni clientAuth, emailProtection, smartcardLogon...)
err-profile-validity = no pot superar max_validity_days
err-profile-basic-user-colon = un nom d'usuari d'HTTP Basic no pot contenir «:» (RFC 7617)
err-profile-unclosed-brace = «{"{"}» sense tancar
## $var és el marcador tal com està escrit, «{dni}»; $known enumera els coneguts.
err-profile-unknown-variable = variable desconeguda { $var } (s'admeten: { $known })
err-profile-ca-label = una etiqueta de CA té lletres, xifres, «-» i «_» (64 com a màxim), o és "" per a cap
err-profile-code-needs-user = fer servir el codi com a contrasenya exigeix un nom d'usuari d'HTTP Basic (basic_user)
err-profile-needs-auth = sense HTTP Basic, l'emissió exigeix client_certificate = "operator-card"

## Construcció del titular d'un certificat a partir de la plantilla d'un perfil.
err-subject-not-printable = el valor de { $attribute } té caràcters que no caben en una PrintableString
err-subject-needs-email = aquest perfil necessita l'adreça electrònica del titular
err-template-unclosed-brace = «{"{"}» sense tancar a la plantilla
## $var és el marcador tal com està escrit, «{email}».
err-template-no-value = la identitat no té cap valor per a { $var }
err-template-unmatched-brace = «{"}"}» sense parella

## El secret mestre de l'operador (no es mostra mai).
err-master-secret-short = el secret mestre de l'operador ha de tenir almenys { $min } bytes; genereu-ne un amb `sello mgmt-secret generate --out FITXER`
err-master-secret-weak = el secret mestre de l'operador té massa poca entropia (bytes repetits, pocs símbols diferents o un patró repetit); genereu-ne un amb `sello mgmt-secret generate --out FITXER`

## Configuració dels navegadors (bases de dades NSS). Els camins, l'error del sistema i la sortida de certutil no es tradueixen.
err-browser-module-not-found = el mòdul PKCS#11 de Sello ({ $library }) no està instal·lat; s'ha cercat a: { $places }
err-browser-module-missing = { $path }: no existeix
err-browser-not-shared-object = { $path }: no és una biblioteca compartida (.so)
err-browser-firefox-running = el Firefox està obert amb el perfil de { $path }: tanqueu el Firefox i torneu-ho a provar
err-browser-cannot-read = no es pot llegir { $path }: { $error }
err-browser-cannot-resolve = no es pot resoldre el camí { $path }: { $error }
err-browser-cannot-write = no es pot escriure { $path }: { $error }
err-browser-cannot-create = no es pot crear { $path }: { $error }
err-browser-cannot-run = no es pot executar { $path }: { $error }
err-browser-cannot-remove = no es pot suprimir { $path }: { $error }
err-browser-create-db = no es pot crear la base de dades NSS { $path }: { $output }

## Per què no es pot mostrar cap diàleg del PIN (pinentry); $programs enumera els programes cercats.
err-pinentry-configured-missing = el programa pinentry configurat, { $program }, no està instal·lat (o no és executable); corregiu `pinentry` a la taula [pkcs11] del fitxer de configuració de Sello
err-pinentry-no-graphical = no hi ha cap pinentry gràfic instal·lat per a aquesta sessió d'escriptori (s'ha cercat { $programs }); instal·leu el paquet de Debian pinentry-gnome3 (GNOME), pinentry-qt (KDE) o pinentry-gtk2
err-pinentry-no-session = no es pot mostrar cap pinentry: la sessió no té pantalla (WAYLAND_DISPLAY/DISPLAY sense definir) ni terminal (GPG_TTY sense definir i l'entrada estàndard no és un terminal)
err-pinentry-no-terminal = no hi ha cap pinentry de terminal instal·lat (s'ha cercat { $programs }); instal·leu el paquet de Debian pinentry-curses o pinentry-tty
## SELLO_APDU_LOG names a file that cannot be opened ($var is the variable's name).
err-trace-file = no es pot obrir el fitxer de { $var } { $path } ({ $error }): no es registren les APDU
