# sellod: notificaciones de escritorio.

notify-expiring-title = Certificado a punto de caducar
notify-expired-title = Certificado caducado
notify-expired-body = El certificado de la ranura { $slot } de la tarjeta { $serial } ha caducado. Lleve la tarjeta a un punto de registro.
notify-expiring-body = { $days ->
    [one] El certificado de la ranura { $slot } de la tarjeta { $serial } caduca dentro de { $days } día. Renuévelo desde casa: introduzca la tarjeta y ejecute `sello renew` (solo necesita su PIN).
   *[other] El certificado de la ranura { $slot } de la tarjeta { $serial } caduca dentro de { $days } días. Renuévelo desde casa: introduzca la tarjeta y ejecute `sello renew` (solo necesita su PIN).
}
