# CLI de sello: piezas comunes, lectores, estado, PIN.

## Una fecha del calendario (UTC): $year, $month (1-12), $day (1-31).
date = { $day } de { $month ->
    [1] enero
    [2] febrero
    [3] marzo
    [4] abril
    [5] mayo
    [6] junio
    [7] julio
    [8] agosto
    [9] septiembre
    [10] octubre
    [11] noviembre
   *[12] diciembre
} de { $year }

## Intentos que le quedan al PIN o al PUK.
tries-left = { $left ->
    [one] le queda { $left } intento
   *[other] le quedan { $left } intentos
}
tries-left-of = { $left ->
    [one] le queda { $left } de { $total } intentos
   *[other] le quedan { $left } de { $total } intentos
}
secret-blocked = bloqueado (el { $secret } ya no se puede usar)
secret-unknown = desconocido (la tarjeta no lo indica)
secret-factory-default = sigue siendo el de fábrica
pin-blocked-hint = El PIN está bloqueado: desbloquéelo con `sello pin unblock`.

## sello readers
readers-none = No se ha encontrado ningún lector de tarjetas.
reader-card-present = { $reader }  con tarjeta (ATR { $atr })
reader-no-card = { $reader }  sin tarjeta

## sello status: etiquetas (el código las alinea) y valores.
status-reader = Lector:
status-card = Tarjeta:
status-serial = Número de serie:
status-version = Versión:
status-pin = PIN:
status-puk = PUK:
status-keys = Claves:
status-unknown = desconocido
status-no-keys = ninguna (la tarjeta está vacía)
status-unknown-algorithm = algoritmo desconocido
status-subject = titular: { $subject }
status-issuer = emisor:  { $issuer }
status-expires = caduca: { $date }
status-expired = CADUCADO
status-expires-soon = { $days ->
    [one] AVISO: caduca dentro de { $days } día; renuévelo
   *[other] AVISO: caduca dentro de { $days } días; renuévelo
}
status-revocation = revocación: { $status }
status-cert-unreadable = certificado: presente, pero no se puede leer como X.509
status-cert-none = certificado: ninguno

## sello pin change / unblock
pin-changed = PIN cambiado
pin-unblocked = PIN desbloqueado y cambiado

## Errores de las órdenes de tarjeta (tras «sello: »).
cli-cannot-list-readers = no se pueden listar los lectores de tarjetas
cli-no-reader = no se ha encontrado ningún lector de tarjetas: conecte un lector (¿está en marcha pcscd?)
cli-no-reader-named = no hay ningún lector llamado «{ $wanted }» (véase `sello readers`)
cli-several-readers-match = «{ $wanted }» coincide con varios lectores; escriba una parte más larga del nombre (véase `sello readers`)
cli-no-card = no hay ninguna tarjeta en ningún lector: introduzca la tarjeta
cli-cards-in-several-readers = hay tarjetas en varios lectores: elija uno con --reader (véase `sello readers`)
cli-cannot-connect = no se puede conectar con la tarjeta de «{ $reader }»
cli-cannot-use-card = no se puede usar la tarjeta de «{ $reader }»
cli-current-pin-invalid = el PIN actual no es un PIN válido
cli-puk-invalid = el PUK no es un PUK válido
cli-new-pin-rule = el PIN nuevo no es aceptable: { $why }
cli-new-pin-invalid = el PIN nuevo no es aceptable

## El estado de revocación de un certificado (status, cert show, doctor, renew).
revocation-good = no revocado ({ $method })
## $reason es « (keyCompromise)» o nada.
revocation-revoked = REVOCADO el { $date }{ $reason }
revocation-not-published = no publicado (el certificado no indica ninguna CRL)
revocation-unknown-offline = desconocido (sin conexión: { $why })
revocation-unknown = desconocido ({ $why })

## Errores de la tarjeta sobre el PIN y el PUK.
card-wrong-pin = { $left ->
    [one] PIN incorrecto; le queda { $left } intento
   *[other] PIN incorrecto; le quedan { $left } intentos
}
card-wrong-puk = { $left ->
    [one] PUK incorrecto; le queda { $left } intento
   *[other] PUK incorrecto; le quedan { $left } intentos
}
card-pin-blocked = PIN bloqueado: desbloquéelo con el PUK
card-puk-blocked = PUK bloqueado: el PIN ya no se puede desbloquear; solo queda restablecer la tarjeta (lo que borra todas las claves)

## sello cert show / export
cert-none = No hay certificados en la tarjeta.
cert-none-in-slot = no hay ningún certificado en la ranura { $slot }
cert-show =
    Ranura { $slot }
      Titular: { $subject }
      Emisor:  { $issuer }
      Serie:   { $serial }
      Válido:  del { $from } al { $until }
cert-not-x509 = Ranura { $slot }: no es un certificado X.509 válido
cert-revocation = {"  "}Revocación: { $status }

## sello watch (salida para personas; --json no cambia)
watch-reader-empty = { $reader }: vacío
watch-card-unusable = tarjeta no utilizable ({ $error })
watch-serial-unknown = (número de serie desconocido)
watch-card = tarjeta { $driver } { $serial }
watch-pin-tries = intentos de PIN: { $left }
watch-cert-expires = { $days ->
    [one] { $slot } caduca dentro de { $days } día
   *[other] { $slot } caduca dentro de { $days } días
}
watch-card-inserted = { $reader }: tarjeta introducida
watch-card-removed = { $reader }: tarjeta retirada
watch-reader-added = { $reader }: lector conectado
watch-reader-removed = { $reader }: lector desconectado
watch-service-down = pcscd se ha detenido; esperando a que vuelva
watch-service-up = pcscd está en marcha
watch-expiry-warning = { $days ->
    [one] { $reader }: el certificado { $slot } de la tarjeta { $serial } caduca dentro de { $days } día: ejecute `sello renew`
   *[other] { $reader }: el certificado { $slot } de la tarjeta { $serial } caduca dentro de { $days } días: ejecute `sello renew`
}
watch-job-started = { $reader }: tarea { $job } ({ $kind }) iniciada
watch-job-done = { $reader }: tarea { $job } terminada
watch-cards-in-several-readers = hay tarjetas en varios lectores: elija uno con --reader (véase `sello watch`)
cli-not-a-language = «{ $tag }» no es una etiqueta de idioma (por ejemplo: es, ca-valencia, ca, en)
## El uso de una clave, con la palabra del perfil ($purpose: authentication, signature, encryption).
cli-purpose = { $purpose ->
    [authentication] autenticación
    [signature] firma
    [encryption] cifrado
   *[other] { $purpose }
}
## El nombre de una ranura en `sello status` ($kind: piv-authentication, digital-signature...; $name: el nombre inglés de NIST SP 800-73).
status-slot-name = { $kind ->
    [piv-authentication] Autenticación PIV
    [card-management] Administración de la tarjeta
    [digital-signature] Firma digital
    [key-management] Gestión de claves
    [card-authentication] Autenticación de la tarjeta
    [attestation] Atestación
   *[other] { $name }
}
