# Ajuda de la línia d'ordres de sello, sellod, sello-ca i sello-vcard (src/i18n/help.rs).
# help-<camí de l'ordre>: descripció d'una ordre; help-<camí>-<argument>: ajuda d'un argument;
# help-<camí>-<argument>-<valor>: un valor descrit. help-clap-*: les paraules pròpies de clap.

## Les paraules pròpies de clap.
help-clap-usage = Ús:
help-clap-commands = Ordres:
help-clap-arguments = Arguments:
help-clap-options = Opcions:
help-clap-help-flag = Mostra l'ajuda
help-clap-help-flag-more = Mostra l'ajuda (més detall amb «--help»)
help-clap-help-flag-summary = Mostra l'ajuda (un resum amb «-h»)
help-clap-version-flag = Mostra la versió
help-clap-help-command = Mostra aquest missatge o l'ajuda de les ordres indicades
help-clap-help-command-arg = Mostra l'ajuda de les ordres indicades
## Notes després de l'ajuda d'un argument.
help-clap-env = [variable d'entorn: { $name }]
help-clap-default = [valor per defecte: { $value }]
help-clap-possible-values = [valors possibles: { $values }]
help-clap-possible-values-heading = Valors possibles:
## Errors d'ús (codi de sortida 2). $arg és una opció tal com s'escriu (`--reader <READER>`).
help-clap-error = error:
help-clap-error-unknown-argument = no s'esperava l'argument «{ $arg }»
help-clap-error-unknown-subcommand = no existeix l'ordre «{ $command }»
help-clap-error-value-missing = «{ $arg }» necessita un valor i no se n'ha indicat cap
help-clap-error-invalid-value = el valor «{ $value }» no és vàlid per a «{ $arg }»
help-clap-error-missing-arguments = falten aquests arguments obligatoris:
help-clap-error-missing-subcommand = «{ $command }» necessita una ordre i no se n'ha indicat cap
help-clap-error-subcommands = [ordres: { $values }]
help-clap-error-repeated = l'argument «{ $arg }» no es pot indicar més d'una vegada
help-clap-error-conflict = l'argument «{ $arg }» no es pot fer servir juntament amb «{ $other }»
help-clap-error-conflict-list = l'argument «{ $arg }» no es pot fer servir juntament amb:
help-clap-error-conflict-any = l'argument «{ $arg }» no es pot fer servir juntament amb algun dels altres arguments indicats
help-clap-error-subcommand-conflict = l'ordre «{ $command }» no es pot fer servir juntament amb «{ $other }»
help-clap-error-subcommand-conflict-list = l'ordre «{ $command }» no es pot fer servir juntament amb:
help-clap-tip = consell:
## $names: noms entre cometes, separats per comes; $count: quants són.
help-clap-tip-similar-command = { $count ->
    [one] hi ha una ordre semblant: { $names }
   *[other] hi ha ordres semblants: { $names }
}
help-clap-tip-similar-argument = { $count ->
    [one] hi ha un argument semblant: { $names }
   *[other] hi ha arguments semblants: { $names }
}
help-clap-tip-similar-value = { $count ->
    [one] hi ha un valor semblant: { $names }
   *[other] hi ha valors semblants: { $names }
}
help-clap-error-more = Per a més informació, proveu «{ $flag }».

## Els codis de sortida de sello (sello --help, pàgina de manual).
help-exit-heading = Codi de sortida:
help-exit-ok = correcte
help-exit-error = error (cap dels codis més concrets de sota)
help-exit-usage = error d'ús: línia d'ordres incorrecta
help-exit-no-card = no hi ha lector de targetes, no hi ha targeta al lector o s'ha retirat la targeta
help-exit-wrong-pin = PIN o PUK incorrecte (queden intents)
help-exit-pin-blocked = PIN o PUK bloquejat
help-exit-ca-refused = l'autoritat de certificació ha rebutjat la sol·licitud

## Textos compartits.
-help-reader = Lector que s'ha d'utilitzar (un nom o una part única del nom); per defecte, l'únic lector amb targeta
-help-profile = Perfil de targeta (per defecte, l'únic perfil que correspon a la targeta)
-help-est = Servidor EST de la CA (RFC 7030), p. ex. https://127.0.0.1:8443
-help-est-trust = Àncora o àncores de confiança (PEM) per al certificat TLS del servidor EST
-help-est-pin = O bé: l'empremta SHA-256 (hex) del certificat TLS del servidor EST
-help-direct = Parla amb la targeta directament per PC/SC fins i tot amb sellod en marxa
-help-ca-dir = Directori de la CA

## sello
help-sello = Targetes intel·ligents per a certificats de ciutadà: estat de la targeta, PIN, activació i renovació
help-sello-verbose = Mostra cada APDU a la sortida d'errors (amb els bytes de PIN, PUK i claus ocults)
help-sello-json = Sortida JSON, per a programes
help-sello-lang = Idioma dels missatges: es, ca, ca-valencia o en (per defecte, segons LC_ALL, LC_MESSAGES i LANG; anglès si cap no està disponible). Les claus i els codis de `--json` no canvien mai
help-sello-readers = Llista els lectors de targetes i indica si cadascun té targeta
help-sello-status = Mostra la targeta: tipus, número de sèrie, versió, ranures de clau i certificats, intents de PIN i PUK
help-sello-status-reader = { -help-reader }
help-sello-pin = Canvia, desbloqueja o consulta el PIN
help-sello-pin-status = Mostra els intents que queden al PIN i al PUK (no en gasta cap)
help-sello-pin-status-reader = { -help-reader }
help-sello-pin-change = Canvia el PIN (demana el PIN actual i després el nou dues vegades)
help-sello-pin-change-reader = { -help-reader }
help-sello-pin-change-pin-stdin = Llegeix el PIN i el PUK de l'entrada estàndard, un per línia, en l'ordre en què es demanarien
help-sello-pin-unblock = Desbloqueja un PIN bloquejat amb el PUK i en fixa un de nou
help-sello-pin-unblock-reader = { -help-reader }
help-sello-pin-unblock-pin-stdin = Llegeix el PIN i el PUK de l'entrada estàndard, un per línia, en l'ordre en què es demanarien
help-sello-profile = Llista i mostra els perfils de targeta
help-sello-profile-list = Llista els perfils de targeta (els incorporats i els del directori de perfils de l'usuari)
help-sello-profile-show = Mostra un perfil complet
help-sello-profile-show-name = Nom del perfil (vegeu `sello profile list`)
help-sello-activate = Activa una targeta per al seu titular: claus a la targeta, certificats de la CA (es pot reprendre)
help-sello-activate-reader = { -help-reader }
help-sello-activate-profile = { -help-profile }
help-sello-activate-nif = NIF o NIE del titular
help-sello-activate-given-name = Nom del titular
help-sello-activate-surnames = Cognoms del titular
help-sello-activate-email = Adreça de correu electrònic del titular (subjectAltName)
help-sello-activate-algorithm = Algorisme de totes les claus (el perfil l'ha de permetre), p. ex. P-256
help-sello-activate-replace-existing = Sobreescriu les claus i els certificats que una altra eina hagi posat a les ranures del perfil (sense aquesta opció, l'activació s'hi nega i mostra què substituiria)
help-sello-activate-slot-algorithms = Algorisme de la clau d'una ranura, p. ex. `9C=P-256` (es pot repetir)
help-sello-activate-ca-cert = Certificat o certificats de la CA (PEM) amb què han d'encadenar els certificats emesos
help-sello-activate-local-ca = Obté els certificats d'una CA local de formació d'aquest directori (ca.pem + ca.key, P-256) en lloc de per EST
help-sello-activate-est = { -help-est }
help-sello-activate-est-trust = { -help-est-trust }
help-sello-activate-est-pin = { -help-est-pin }
help-sello-activate-proxy = Servidor intermediari HTTP per al servidor EST (`http://[usuari:contrasenya@]host:port`, CONNECT) o `none`; per defecte, HTTPS_PROXY / ALL_PROXY amb NO_PROXY de l'entorn
help-sello-activate-operator-reader = Lector amb la targeta pròpia de l'operador, la clau d'autenticació (9A) i el certificat de la qual autentiquen la sol·licitud per TLS (perfils amb `client_certificate = "operator-card"`)
help-sello-activate-mgmt-secret-file = Fitxer amb el secret de la clau d'administració de l'operador (derived: secret mestre; explicit: la clau en hex)
help-sello-activate-mgmt-secret-stdin = Llegeix el secret de la clau d'administració de l'operador de la primera línia de l'entrada estàndard
help-sello-activate-pin-stdin = Llegeix el PIN, el PUK i el codi de sol·licitud de l'entrada estàndard, un per línia, en l'ordre en què es demanen
help-sello-activate-show-journal = Mostra el diari d'activació d'aquesta targeta i surt
help-sello-activate-via-daemon = Executa l'activació com una tasca del servei sellod (per defecte quan el servei de l'usuari respon i PCSCLITE_CSOCK_NAME no està definida)
help-sello-activate-direct = { -help-direct }
help-sello-activate-reuse = Reutilitza una targeta activada abans amb tots els certificats caducats o revocats (es comprova abans, per OCSP o amb la CRL de la CA): s'arxiva el diari anterior i les claus i els certificats nous substitueixen els antics. Es conserven el PIN i el PUK del titular; si tots dos estan bloquejats, abans es torna la targeta al seu estat de fàbrica
help-sello-renew = Renova els certificats de la targeta abans que caduquin (EST, claus noves a la targeta)
help-sello-renew-reader = { -help-reader }
help-sello-renew-profile = { -help-profile }
help-sello-renew-slot = Certificat que s'ha de renovar: 9A, 9C (una ranura del perfil) o all (tots)
help-sello-renew-est = { -help-est }
help-sello-renew-est-trust = { -help-est-trust }
help-sello-renew-est-pin = { -help-est-pin }
help-sello-renew-proxy = Servidor intermediari HTTP per al servidor EST (`http://host:port`, CONNECT) o `none`; per defecte, HTTPS_PROXY / ALL_PROXY amb NO_PROXY de l'entorn
help-sello-renew-ca-cert = Certificat o certificats de la CA (PEM) amb què han d'encadenar els certificats nous (per defecte, /cacerts d'EST)
help-sello-renew-mgmt-secret-file = Fitxer amb el secret de la clau d'administració de l'operador (en un punt de registre). Sense ell, el titular renova només amb el PIN quan la targeta guarda una clau d'administració protegida pel PIN
help-sello-renew-mgmt-secret-stdin = Llegeix el secret de la clau d'administració de la primera línia de l'entrada estàndard
help-sello-renew-pin-stdin = Llegeix el PIN de l'entrada estàndard (després del secret de la clau d'administració, si també es llegeix)
help-sello-renew-force = Renova encara que el certificat encara no sigui dins del període de renovació (operador)
help-sello-renew-window-days = Període de renovació: es pot renovar en els últims DAYS dies de validesa
help-sello-renew-via-daemon = Executa la renovació com una tasca del servei sellod (per defecte quan el servei de l'usuari respon i PCSCLITE_CSOCK_NAME no està definida)
help-sello-renew-direct = { -help-direct }
help-sello-cert = Mostra o exporta els certificats de la targeta
help-sello-cert-show = Mostra el certificat d'una ranura, o de totes les que en tenen un
help-sello-cert-show-reader = { -help-reader }
help-sello-cert-show-slot = Ranura de clau (9A, 9C, 9D, 9E); per defecte, totes
help-sello-cert-export = Escriu el certificat d'una ranura en PEM o DER (en un fitxer, o en PEM a la sortida estàndard)
help-sello-cert-export-reader = { -help-reader }
help-sello-cert-export-slot = Ranura de clau (9A, 9C, 9D, 9E)
help-sello-cert-export-format = Format de sortida
help-sello-cert-export-out = Fitxer de sortida (per defecte, la sortida estàndard, només en PEM)
help-sello-browser = Registra el mòdul PKCS#11 a Chromium/Chrome, Firefox i p11-kit
help-sello-browser-install = Registra el mòdul de Sello a Chromium/Chrome i a tots els perfils de Firefox (i a p11-kit)
help-sello-browser-install-module = Mòdul PKCS#11 que s'ha de registrar (per defecte, el libsello.so instal·lat)
help-sello-browser-status = Mostra on està registrat el mòdul
help-sello-browser-uninstall = Elimina tots els registres que va fer `install`
help-sello-doctor = Comprova que hi ha tot el que cal per fer servir la targeta i indica què s'ha d'arreglar
help-sello-doctor-reader = Lector que s'ha de comprovar (un nom o una part única del nom); per defecte, el que té targeta
help-sello-doctor-ca = Un certificat de CA de confiança (PEM o DER), a més dels del directori de CA
help-sello-doctor-ca-dir = Directori de certificats de CA de confiança
help-sello-watch = Mostra els esdeveniments del servei sellod: targetes inserides i retirades, tasques, avisos de caducitat
help-sello-watch-socket = Sòcol del servei (per defecte, $SELLO_SOCKET, $XDG_RUNTIME_DIR/sello/sellod.sock o /run/sello/sellod.sock)
help-sello-mgmt-secret = Secrets mestres de l'operador (claus d'administració dels perfils `derived`)
help-sello-mgmt-secret-generate = Escriu un secret mestre d'operador nou (32 bytes aleatoris, en hex) en un fitxer nou, amb permisos 0600
help-sello-mgmt-secret-generate-out = Fitxer que s'ha de crear (mai no se sobreescriu un fitxer existent)

## sellod
help-sellod = Servei de Sello: vigila els lectors, executa tasques amb les targetes i atén l'API local
help-sellod-socket = Camí del sòcol (per defecte, $SELLO_SOCKET; si no, $XDG_RUNTIME_DIR/sello/sellod.sock; si no, /run/sello/sellod.sock). No es té en compte amb l'activació per sòcol de systemd
help-sellod-group = Mode de sistema: els membres d'aquest grup poden fer servir el servei (sòcol 0660 root:GROUP)
help-sellod-idle-timeout = Segons que una connexió pot estar en silenci abans que el servei la tanqui, tret que estigui subscrita a esdeveniments o tingui una tasca en curs
help-sellod-request-timeout = Segons que té un client per acabar una línia de petició ja començada, o per recollir una resposta del sòcol, abans que el servei tanqui la connexió

## sello-ca
help-sello-ca = CA local de proves de Sello: emet certificats de persona física per EST. NO APTA PER A PRODUCCIÓ
help-sello-ca-init = Crea a DIR una CA arrel, una CA emissora, el certificat TLS del servidor EST i config.toml
help-sello-ca-init-dir = Directori de la CA (es crea; ha d'estar buit)
help-sello-ca-init-listen = Adreça d'escolta d'EST que s'escriu a config.toml
help-sello-ca-init-crl-listen = Adreça d'escolta de la CRL (HTTP sense xifrar) que s'escriu a config.toml
help-sello-ca-init-crl-url = URL del punt de distribució de la CRL que es posa als certificats (per defecte, http://CRL_LISTEN/crl)
help-sello-ca-init-issuing-key = Tipus de clau de la CA emissora
help-sello-ca-init-issuing-key-ecdsa-p384 = ECDSA P-384, signatures ecdsa-with-SHA384
help-sello-ca-init-issuing-key-rsa-3072 = RSA de 3072 bits, signatures sha256WithRSAEncryption (PKCS#1 v1.5), per a les parts que confien i esperen una jerarquia RSA com les de la FNMT i el DNIe
help-sello-ca-serve = Serveix EST per HTTPS i la CRL per HTTP
help-sello-ca-serve-dir = { -help-ca-dir }
help-sello-ca-serve-listen = Substitueix l'adreça d'escolta d'EST (el port 0 tria un port lliure; es mostra l'adreça emprada)
help-sello-ca-serve-crl-listen = Substitueix l'adreça d'escolta de la CRL
help-sello-ca-enroll-code = Registra una identitat i mostra el seu codi de sol·licitud d'un sol ús
help-sello-ca-enroll-code-dir = { -help-ca-dir }
help-sello-ca-enroll-code-nif = NIF o NIE (es comprova la lletra de control)
help-sello-ca-enroll-code-given-name = Nom
help-sello-ca-enroll-code-surnames = Cognoms
help-sello-ca-enroll-code-email = Adreça de correu electrònic (SAN rfc822Name)
help-sello-ca-enroll-code-valid-days = Dies de validesa del codi (per defecte, el de config.toml: 15). Amb 0 el codi ja neix caducat, per a proves
help-sello-ca-revoke = Revoca un certificat (no es pot desfer) i regenera la CRL
help-sello-ca-revoke-dir = { -help-ca-dir }
help-sello-ca-revoke-serial = Número de sèrie, en hex
help-sello-ca-revoke-reason = Motiu segons RFC 5280: unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn
help-sello-ca-list = Llista els certificats emesos
help-sello-ca-list-dir = { -help-ca-dir }
help-sello-ca-list-json = Sortida JSON

## sello-vcard
help-sello-vcard = Una targeta PIV virtual per a pcscd (vpcd de vsmartcard)
help-sello-vcard-after = Només per a proves i formació: el fitxer d'estat guarda el PIN, el PUK, la clau d'administració i les claus privades de la targeta sense xifrar (en hex, en JSON). Manteniu-lo lluny de secrets reals.
help-sello-vcard-vpcd = Adreça de vpcd (host:port) a què s'ha de connectar
help-sello-vcard-state = Fitxer d'estat (es crea amb els valors de fàbrica si no existeix); sense ell, la targeta ho oblida tot en sortir. Guarda el PIN, el PUK, la clau d'administració i les claus privades SENSE XIFRAR (només per a proves)
help-sello-vcard-serial = Número de sèrie d'una targeta acabada de crear
help-sello-vcard-atr = ATR (hex) amb què ha de respondre en lloc del predeterminat (o del que guarda el fitxer d'estat)
help-sello-vcard-ready-file = Fitxer que es crea quan pcscd ha llegit l'ATR (el fa servir el banc de proves)
help-sello-vcard-fault = Falla expressament, per provar les comprovacions de l'equip: `repeat-key` respon a la generació de claus amb una clau que ja té una altra ranura
help-sello-vcard-fault-repeat-key = GENERATE ASYMMETRIC KEY PAIR respon amb una clau que ja té una altra ranura (del mateix algorisme), com una targeta amb un generador de claus que es repeteix
help-sello-vcard-compat = Es comporta com una altra targeta PIV del mercat (docs/architecture.md, «Compatibility modes»)
-help-compat-yubikey-5-7 = Una YubiKey 5 amb microprogramari 5.7 (totes les ordres que implementa l'applet)
-help-compat-yubikey-5-4 = Una YubiKey 5 amb microprogramari 5.4: sense MOVE KEY, sense Ed25519/X25519
-help-compat-yubikey-4 = Una YubiKey 4: sense metadades, sense MOVE KEY, clau d'administració només 3DES
-help-compat-piv-plain = Una targeta SP 800-73-4 sense més: cap ordre pròpia del fabricant
-help-compat-applet-partial-metadata = Un applet PIV de JavaCard amb metadades parcials, sense MOVE KEY ni SET PIN RETRIES (5 intents), només les ranures retirades 82–8C, rebutja els objectes desconeguts
help-sello-vcard-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox = Engega un pcscd privat amb targetes virtuals de fàbrica i hi executa COMMAND
help-sello-vcard-sandbox-cards = Nombre de targetes (1 o 2)
help-sello-vcard-sandbox-states = Engega la targeta i a partir d'una còpia d'aquest fitxer d'estat (repetiu-ho per a la segona targeta)
help-sello-vcard-sandbox-compat = Es comporta com una altra targeta PIV del mercat
help-sello-vcard-sandbox-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-sandbox-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-sandbox-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-sandbox-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-sandbox-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox-command = L'ordre i els seus arguments
