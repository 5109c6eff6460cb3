# sellod en valencià: només el que és diferent del català central (locales/ca).

notify-expiring-body = { $days ->
    [one] El certificat de la ranura { $slot } de la targeta { $serial } caduca d'ací a { $days } dia. Renoveu-lo des de casa: inseriu la targeta i executeu `sello renew` (només vos cal el PIN).
   *[other] El certificat de la ranura { $slot } de la targeta { $serial } caduca d'ací a { $days } dies. Renoveu-lo des de casa: inseriu la targeta i executeu `sello renew` (només vos cal el PIN).
}
