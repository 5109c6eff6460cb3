# CLI de sello: peces comunes, lectors, estat, PIN.

## Una data del calendari (UTC): $year, $month (1-12), $day (1-31).
date = { $day } { $month ->
    [1] de gener
    [2] de febrer
    [3] de març
    [4] d'abril
    [5] de maig
    [6] de juny
    [7] de juliol
    [8] d'agost
    [9] de setembre
    [10] d'octubre
    [11] de novembre
   *[12] de desembre
} de { $year }

## Intents que queden al PIN o al PUK.
tries-left = { $left ->
    [one] queda { $left } intent
   *[other] queden { $left } intents
}
tries-left-of = { $left ->
    [one] queda { $left } de { $total } intents
   *[other] queden { $left } de { $total } intents
}
secret-blocked = bloquejat (el { $secret } ja no es pot fer servir)
secret-unknown = desconegut (la targeta no ho indica)
secret-factory-default = encara és el de fàbrica
pin-blocked-hint = El PIN està bloquejat: desbloquegeu-lo amb `sello pin unblock`.

## sello readers
readers-none = No s'ha trobat cap lector de targetes.
reader-card-present = { $reader }  amb targeta (ATR { $atr })
reader-no-card = { $reader }  sense targeta

## sello status: etiquetes (el codi les alinea) i valors.
status-reader = Lector:
status-card = Targeta:
status-serial = Número de sèrie:
status-version = Versió:
status-pin = PIN:
status-puk = PUK:
status-keys = Claus:
status-unknown = desconegut
status-no-keys = cap (la targeta és buida)
status-unknown-algorithm = algorisme desconegut
status-subject = titular: { $subject }
status-issuer = emissor: { $issuer }
status-expires = caduca: { $date }
status-expired = CADUCAT
status-expires-soon = { $days ->
    [one] AVÍS: caduca d'aquí a { $days } dia; renoveu-lo
   *[other] AVÍS: caduca d'aquí a { $days } dies; renoveu-lo
}
status-revocation = revocació: { $status }
status-cert-unreadable = certificat: present, però no es pot llegir com a X.509
status-cert-none = certificat: cap

## sello pin change / unblock
pin-changed = PIN canviat
pin-unblocked = PIN desbloquejat i canviat

## Errors de les ordres de targeta (després de «sello: »).
cli-cannot-list-readers = no es poden llistar els lectors de targetes
cli-no-reader = no s'ha trobat cap lector de targetes: connecteu un lector (pcscd està en marxa?)
cli-no-reader-named = no hi ha cap lector que es digui «{ $wanted }» (vegeu `sello readers`)
cli-several-readers-match = «{ $wanted }» coincideix amb diversos lectors; escriviu una part més llarga del nom (vegeu `sello readers`)
cli-no-card = no hi ha cap targeta en cap lector: inseriu la targeta
cli-cards-in-several-readers = hi ha targetes en diversos lectors: trieu-ne un amb --reader (vegeu `sello readers`)
cli-cannot-connect = no es pot connectar amb la targeta de «{ $reader }»
cli-cannot-use-card = no es pot fer servir la targeta de «{ $reader }»
cli-current-pin-invalid = el PIN actual no és un PIN vàlid
cli-puk-invalid = el PUK no és un PUK vàlid
cli-new-pin-rule = el PIN nou no és acceptable: { $why }
cli-new-pin-invalid = el PIN nou no és acceptable

## L'estat de revocació d'un certificat (status, cert show, doctor, renew).
revocation-good = no revocat ({ $method })
## $reason és « (keyCompromise)» o res.
revocation-revoked = REVOCAT el { $date }{ $reason }
revocation-not-published = no publicat (el certificat no indica cap CRL)
revocation-unknown-offline = desconegut (sense connexió: { $why })
revocation-unknown = desconegut ({ $why })

## Errors de la targeta sobre el PIN i el PUK.
card-wrong-pin = { $left ->
    [one] PIN incorrecte; queda { $left } intent
   *[other] PIN incorrecte; queden { $left } intents
}
card-wrong-puk = { $left ->
    [one] PUK incorrecte; queda { $left } intent
   *[other] PUK incorrecte; queden { $left } intents
}
card-pin-blocked = PIN bloquejat: desbloquegeu-lo amb el PUK
card-puk-blocked = PUK bloquejat: el PIN ja no es pot desbloquejar; només queda restablir la targeta (cosa que n'esborra totes les claus)

## sello cert show / export
cert-none = No hi ha certificats a la targeta.
cert-none-in-slot = no hi ha cap certificat a la ranura { $slot }
cert-show =
    Ranura { $slot }
      Titular: { $subject }
      Emissor: { $issuer }
      Sèrie:   { $serial }
      Vàlid:   del { $from } al { $until }
cert-not-x509 = Ranura { $slot }: no és un certificat X.509 vàlid
cert-revocation = {"  "}Revocació: { $status }

## sello watch (sortida per a persones; --json no canvia)
watch-reader-empty = { $reader }: buit
watch-card-unusable = targeta no utilitzable ({ $error })
watch-serial-unknown = (número de sèrie desconegut)
watch-card = targeta { $driver } { $serial }
watch-pin-tries = intents de PIN: { $left }
watch-cert-expires = { $days ->
    [one] { $slot } caduca d'aquí a { $days } dia
   *[other] { $slot } caduca d'aquí a { $days } dies
}
watch-card-inserted = { $reader }: targeta inserida
watch-card-removed = { $reader }: targeta retirada
watch-reader-added = { $reader }: lector connectat
watch-reader-removed = { $reader }: lector desconnectat
watch-service-down = pcscd s'ha aturat; s'espera que torni
watch-service-up = pcscd està en marxa
watch-expiry-warning = { $days ->
    [one] { $reader }: el certificat { $slot } de la targeta { $serial } caduca d'aquí a { $days } dia: executeu `sello renew`
   *[other] { $reader }: el certificat { $slot } de la targeta { $serial } caduca d'aquí a { $days } dies: executeu `sello renew`
}
watch-job-started = { $reader }: tasca { $job } ({ $kind }) iniciada
watch-job-done = { $reader }: tasca { $job } acabada
watch-cards-in-several-readers = hi ha targetes en diversos lectors: trieu-ne un amb --reader (vegeu `sello watch`)
cli-not-a-language = «{ $tag }» no és una etiqueta d'idioma (per exemple: es, ca-valencia, ca, en)
## L'ús d'una clau, amb la paraula del perfil ($purpose: authentication, signature, encryption).
cli-purpose = { $purpose ->
    [authentication] autenticació
    [signature] signatura
    [encryption] xifratge
   *[other] { $purpose }
}
## El nom d'una ranura a `sello status` ($kind: piv-authentication, digital-signature...; $name: el nom anglès de NIST SP 800-73).
status-slot-name = { $kind ->
    [piv-authentication] Autenticació PIV
    [card-management] Administració de la targeta
    [digital-signature] Signatura digital
    [key-management] Gestió de claus
    [card-authentication] Autenticació de la targeta
    [attestation] Atestació
   *[other] { $name }
}
