# sello activate: passos del progrés i resum.

activate-step-identify = Identificar la targeta i el perfil
activate-step-management-key = Autenticar-se amb la clau d'administració
activate-step-pin = PIN del titular
activate-step-puk = PUK
activate-step-generate-key = Generar la clau { $slot } a la targeta
activate-step-csr = Sol·licitud de certificat per a { $slot } (signada a la targeta)
activate-step-enroll = Sol·licitar { $slot } a la CA i comprovar el certificat
activate-step-write-certificate = Gravar el certificat { $slot } i tornar-lo a llegir
step-done = fet
step-already-done = ja fet
activate-complete = Targeta { $serial } activada amb el perfil { $profile }.
activate-complete-certificate = certificat { $serial } per a { $subject }
journal-path = Diari: { $path }
activate-step-contents-record = Registre del contingut de la targeta (perquè el navegador s'iniciï ràpidament)

## Detalls dels passos («[fet] <pas>: <detall>»).
activate-detail-identify = targeta { $serial }, perfil { $profile }
activate-detail-identify-resuming = targeta { $serial }, perfil { $profile }, es reprèn
activate-detail-record-written-earlier = gravat abans
activate-detail-record-written = gravat
activate-detail-record-not-kept = aquesta targeta no guarda el registre de Sello: en iniciar-se, el navegador llegirà els certificats
activate-detail-record-not-written = no gravat ({ $error }): en iniciar-se, el navegador llegirà els certificats
## $mode és el management_key.mode del perfil (derived, explicit, factory); $copy és
## activate-detail-holder-copy / activate-detail-no-holder-copy, o res.
activate-detail-management-key = clau { $mode } ({ $algorithm }){ $copy }
activate-detail-factory-key-replaced = clau de fàbrica substituïda per la clau { $mode } ({ $algorithm }){ $copy }
activate-detail-holder-copy = , amb una còpia protegida pel PIN per al titular
activate-detail-no-holder-copy = , sense còpia per al titular: aquesta targeta rebutja els objectes que la guarden, així que les renovacions del titular exigeixen anar a un punt de registre
activate-detail-random-key = clau de fàbrica substituïda per una clau aleatòria ({ $algorithm }), guardada a la targeta darrere del PIN
activate-detail-protected-key-opened = clau protegida pel PIN a la targeta, oberta amb el PIN
activate-detail-pin-already-set = el PIN del titular ja estava establert; verificat
activate-detail-pin-set = { $tries ->
    [one] PIN del titular establert (la targeta permet { $tries } intent)
   *[other] PIN del titular establert (la targeta permet { $tries } intents)
}
activate-detail-pin-set-card-count = { $tries ->
    [one] PIN del titular establert (la targeta permet { $tries } intent, no els { $wanted } del perfil: la targeta no ho pot canviar)
   *[other] PIN del titular establert (la targeta permet { $tries } intents, no els { $wanted } del perfil: la targeta no ho pot canviar)
}
activate-detail-pin-set-unknown-count = PIN del titular establert (la targeta no indica quants intents permet)
activate-detail-puk-already-set = el PUK ja estava establert
activate-detail-puk-changed-before = el PUK ja s'havia canviat abans que aquesta activació el registrés
activate-detail-puk-generated = PUK generat, establert i mostrat una sola vegada
activate-detail-puk-set = PUK establert
activate-detail-key-earlier = clau { $algorithm } generada abans, la mateixa clau a la targeta
## $pin_use és un dels activate-pin-use-*; $replaced és
## activate-detail-replaced o res.
activate-detail-key-generated = clau { $algorithm } generada a la targeta ({ $pin_use }){ $replaced }
## $pin_use: quan demana el PIN la clau.
activate-pin-use-never = sense PIN
activate-pin-use-once = PIN una vegada per sessió
activate-pin-use-always = PIN a cada ús
activate-detail-replaced = ; substitueix { $what }
activate-detail-csr-earlier = sol·licitud construïda abans
activate-detail-csr = signada a la targeta i comprovada a l'ordinador: { $subject }
activate-detail-certificate-earlier = certificat rebut abans, comprovat de nou
activate-detail-certificate = certificat { $serial } de { $issuer } comprovat: cadena, clau, titular, ús, validesa
activate-detail-certificate-on-card = el certificat ja és a la targeta, idèntic
activate-detail-certificate-on-card-interrupted = el certificat ja és a la targeta, idèntic (gravat abans d'una interrupció)

## Diàleg: el que es demana (la pregunta és «<què>: »), la regla del PIN, el PUK mostrat una vegada.
## Un secret nou es demana dues vegades al terminal; $what és un dels activate-what-* anteriors.
## La regla del PIN del perfil, mostrada abans que el titular escrigui un PIN nou.
activate-choose-pin-digits = El titular tria un PIN: de { $min } a { $max } xifres.
activate-choose-pin-alphanumeric = El titular tria un PIN: de { $min } a { $max } lletres o xifres.
activate-choose-pin-printable = El titular tria un PIN: de { $min } a { $max } caràcters imprimibles.
activate-puk-shown-once = anoteu-lo per al titular: només es mostra aquesta vegada
activate-pending = La CA ha deixat la sol·licitud en espera; es tornarà a preguntar d'aquí a { $secs } s ({ $attempt }/{ $max }).
## $message és el text de la mateixa CA.
activate-pending-message = La CA ha deixat la sol·licitud en espera ({ $message }); es tornarà a preguntar d'aquí a { $secs } s ({ $attempt }/{ $max }).

## sello activate: errors (després de «sello: »).
activate-not-piv = no es pot fer servir la targeta de «{ $reader }» (no té aplicació PIV?)
activate-unknown-algorithm-hint = algorisme desconegut «{ $algorithm }» (RSA-2048, P-256, ...)
activate-unknown-algorithm = algorisme desconegut «{ $algorithm }»
activate-slot-algorithm-syntax = --slot-algorithm espera RANURA=ALG i ha rebut «{ $given }»
activate-not-a-slot = «{ $slot }» no és una ranura (9A, 9C, ...)
activate-needs-mgmt-secret = el perfil { $profile } necessita el secret de la clau d'administració de l'operador: --mgmt-secret-file FITXER (o SELLO_MGMT_SECRET_FILE) o --mgmt-secret-stdin
activate-stopped = s'ha aturat l'activació de la targeta { $serial } (diari: { $journal })
activate-stopped-resume = s'ha aturat l'activació de la targeta { $serial }; torneu a executar la mateixa ordre per a continuar (diari: { $journal })
activate-stopped-refused = s'ha aturat l'activació de la targeta { $serial }; s'ha rebutjat el certificat de la CA i no s'ha gravat res (diari: { $journal })
activate-daemon-no-operator-card = sellod no té la targeta de l'operador: executeu amb --direct i --operator-reader
activate-daemon-no-slot-algorithm = --slot-algorithm no s'admet a través de sellod; feu servir --direct
activate-cannot-read-ca-cert = no es pot llegir el certificat de la CA { $path }
activate-no-pem-certificate = { $path }: no conté cap certificat PEM
activate-no-ca = no hi ha cap CA configurada: indiqueu --est URL (amb --est-trust o --est-pin), o --local-ca DIR per a una CA de formació
activate-no-est-client = aquesta compilació de sello no té client EST (funcionalitat "est-client")
activate-est-trust-missing = com es reconeix el servidor EST? indiqueu --est-trust PEM o --est-pin SHA256
activate-cannot-fetch-cacerts = no es poden obtenir els certificats de la CA (EST /cacerts)
activate-local-ca-not-opened = la CA local no està oberta
activate-operator-same-reader = la targeta de l'operador ha de ser en un lector diferent del del titular («{ $reader }»)
activate-operator-cannot-connect = no es pot connectar amb la targeta de l'operador a «{ $reader }»
activate-operator-not-piv = no es pot fer servir la targeta de l'operador a «{ $reader }» (no té aplicació PIV?)
activate-operator-cannot-read-cert = no es pot llegir el certificat de l'operador (ranura 9A)
activate-operator-no-cert = la targeta de l'operador a «{ $reader }» no té cap certificat a la ranura 9A
activate-operator-cert-unparsable = el certificat de l'operador (ranura 9A) no es pot analitzar
activate-operator-unsupported-key = el certificat de l'operador té una clau no admesa
activate-operator-pin-invalid = el PIN de l'operador no és un PIN vàlid
activate-operator-key-tls = la clau de la targeta de l'operador no pot autenticar el TLS
activate-operator-reader-unused = el perfil { $profile } no autentica la sol·licitud amb la targeta de l'operador (el seu client_certificate d'[enrollment] és "none"): traieu --operator-reader
activate-operator-reader-needed = el perfil { $profile } autentica la sol·licitud amb la targeta de l'operador: indiqueu --operator-reader NOM

## sello activate --reuse
activate-reuse-no-serial = la targeta no indica cap número de sèrie
activate-reuse-unparsable = el certificat de la ranura { $slot } no es pot analitzar
activate-reuse-expired-on = caducat el dia { $date }
activate-reuse-not-revoked = no està revocat
activate-reuse-revocation-status = el seu estat de revocació és { $status }
## $serial és el de la targeta, $certificate el del certificat; $status un dels dos anteriors.
activate-reuse-still-valid = la targeta { $serial } no es pot reutilitzar: el seu certificat { $slot } (número de sèrie { $certificate }) és vàlid fins al dia { $date } i { $status }; revoqueu-lo abans a la CA
activate-reuse-pin-status = no es pot llegir l'estat del PIN
activate-reuse-reset-refused = el PIN i el PUK estan bloquejats i la targeta ha rebutjat tornar a l'estat de fàbrica: no es pot reutilitzar
activate-reuse-pin-blocked = el PIN del titular està bloquejat: el titular l'ha de desbloquejar abans amb el PUK (`sello pin unblock`) i després torneu a executar --reuse
activate-reuse-cannot-archive = no es pot arxivar { $path }
activate-reuse-title = Reutilització de la targeta { $serial }:
## $state és activate-reuse-expired-on o una línia de revocació.
activate-reuse-replaced = certificat { $serial }: { $state }; una clau i un certificat nous el substitueixen
activate-reuse-journal-kept = el diari de l'activació anterior es conserva com a { $path }
activate-reuse-renewal-journal-kept = el diari de la renovació anterior es conserva com a { $path }
activate-reuse-was-reset = el PIN i el PUK estaven bloquejats: la targeta ha tornat a l'estat de fàbrica (s'han esborrat les claus, els certificats, el PIN, el PUK i la clau d'administració); el titular tria un PIN nou i rep un PUK nou
activate-reuse-pin-kept = el PIN i el PUK del titular es mantenen: el titular escriu el PIN actual

## sello activate --show-journal (el codi alinea les etiquetes).
activate-journal-no-serial = la targeta no indica cap número de sèrie, així que no té diari
activate-journal-none = no hi ha cap diari d'activació per a la targeta { $serial } (s'ha cercat { $path })
activate-journal-label-file = Diari:
activate-journal-label-card = Targeta:
activate-journal-label-holder = Titular:
activate-journal-label-state = Estat:
activate-journal-card = { $serial }  perfil { $profile }
activate-journal-complete = completa
activate-journal-in-progress = en curs (torneu a executar `sello activate` per a continuar)
