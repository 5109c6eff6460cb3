# Ajuda de la línia d'ordres en valencià: només el que és diferent del català central (locales/ca).

help-clap-help-command = Mostra este missatge o l'ajuda de les ordres indicades
help-clap-error-conflict = l'argument «{ $arg }» no es pot utilitzar juntament amb «{ $other }»
help-clap-error-conflict-list = l'argument «{ $arg }» no es pot utilitzar juntament amb:
help-clap-error-conflict-any = l'argument «{ $arg }» no es pot utilitzar juntament amb algun dels altres arguments indicats
help-clap-error-subcommand-conflict = l'ordre «{ $command }» no es pot utilitzar juntament amb «{ $other }»
help-clap-error-subcommand-conflict-list = l'ordre «{ $command }» no es pot utilitzar juntament amb:
help-clap-error-missing-arguments = falten estos arguments obligatoris:
help-exit-heading = Codi d'eixida:

help-sello-verbose = Mostra cada APDU en l'eixida d'errors (amb els bytes de PIN, PUK i claus ocults)
help-sello-json = Eixida JSON, per a programes
help-sello-activate-replace-existing = Sobreescriu les claus i els certificats que una altra eina haja posat en les ranures del perfil (sense esta opció, l'activació s'hi nega i mostra què substituiria)
help-sello-activate-local-ca = Obté els certificats d'una CA local de formació d'este directori (ca.pem + ca.key, P-256) en lloc de per EST
help-sello-activate-show-journal = Mostra el diari d'activació d'esta targeta i ix
help-sello-renew = Renova els certificats de la targeta abans que caduquen (EST, claus noves en la targeta)
help-sello-renew-force = Renova encara que el certificat encara no siga dins del període de renovació (operador)
help-sello-cert-export = Escriu el certificat d'una ranura en PEM o DER (en un fitxer, o en PEM en l'eixida estàndard)
help-sello-cert-export-format = Format d'eixida
help-sello-cert-export-out = Fitxer d'eixida (per defecte, l'eixida estàndard, només en PEM)
help-sello-doctor = Comprova que hi ha tot el que cal per a utilitzar la targeta i indica què s'ha d'arreglar
help-sellod-group = Mode de sistema: els membres d'este grup poden utilitzar el servei (sòcol 0660 root:GROUP)
help-sellod-idle-timeout = Segons que una connexió pot estar en silenci abans que el servei la tanque, llevat que estiga subscrita a esdeveniments o tinga una tasca en curs
help-sellod-request-timeout = Segons que té un client per a acabar una línia de petició ja començada, o per a recollir una resposta del sòcol, abans que el servei tanque la connexió
help-sello-ca-list-json = Eixida JSON
help-sello-vcard-state = Fitxer d'estat (es crea amb els valors de fàbrica si no existix); sense ell, la targeta ho oblida tot en eixir. Guarda el PIN, el PUK, la clau d'administració i les claus privades SENSE XIFRAR (només per a proves)
help-sello-vcard-ready-file = Fitxer que es crea quan pcscd ha llegit l'ATR (l'utilitza el banc de proves)
help-sello-vcard-sandbox-states = Arranca la targeta i a partir d'una còpia d'este fitxer d'estat (repetiu-ho per a la segona targeta)
help-sello-vcard-sandbox = Arranca un pcscd privat amb targetes virtuals de fàbrica i hi executa COMMAND
help-clap-error-unknown-subcommand = no existix l'ordre «{ $command }»
help-sello-ca-serve = Servix EST per HTTPS i la CRL per HTTP
help-sello-ca-serve-listen = Substituïx l'adreça d'escolta d'EST (el port 0 tria un port lliure; es mostra l'adreça emprada)
help-sello-ca-serve-crl-listen = Substituïx l'adreça d'escolta de la CRL
help-sello-activate-reuse = Reutilitza una targeta activada abans amb tots els certificats caducats o revocats (es comprova abans, per OCSP o amb la CRL de la CA): s'arxiva el diari anterior i les claus i els certificats nous substituïxen els antics. Es conserven el PIN i el PUK del titular; si tots dos estan bloquejats, abans es torna la targeta al seu estat de fàbrica

help-sello-pin-change-pin-stdin = Llig el PIN i el PUK de l'entrada estàndard, un per línia, en l'ordre en què es demanarien
help-sello-pin-unblock-pin-stdin = Llig el PIN i el PUK de l'entrada estàndard, un per línia, en l'ordre en què es demanarien
help-sello-activate-mgmt-secret-stdin = Llig el secret de la clau d'administració de l'operador de la primera línia de l'entrada estàndard
help-sello-activate-pin-stdin = Llig el PIN, el PUK i el codi de sol·licitud de l'entrada estàndard, un per línia, en l'ordre en què es demanen
help-sello-renew-mgmt-secret-stdin = Llig el secret de la clau d'administració de la primera línia de l'entrada estàndard
help-sello-renew-pin-stdin = Llig el PIN de l'entrada estàndard (després del secret de la clau d'administració, si també es llig)
help-sello-vcard-fault-repeat-key = GENERATE ASYMMETRIC KEY PAIR respon amb una clau que ja té una altra ranura (del mateix algorisme), com una targeta amb un generador de claus que es repetix
help-sello-ca-enroll-code-valid-days = Dies de validesa del codi (per defecte, el de config.toml: 15). Amb 0 el codi ja naix caducat, per a proves
