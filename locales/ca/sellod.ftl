# sellod: notificacions d'escriptori.

notify-expiring-title = Certificat a punt de caducar
notify-expired-title = Certificat caducat
notify-expired-body = El certificat de la ranura { $slot } de la targeta { $serial } ha caducat. Porteu la targeta a un punt de registre.
notify-expiring-body = { $days ->
    [one] El certificat de la ranura { $slot } de la targeta { $serial } caduca d'aquí a { $days } dia. Renoveu-lo des de casa: inseriu la targeta i executeu `sello renew` (només us cal el PIN).
   *[other] El certificat de la ranura { $slot } de la targeta { $serial } caduca d'aquí a { $days } dies. Renoveu-lo des de casa: inseriu la targeta i executeu `sello renew` (només us cal el PIN).
}
