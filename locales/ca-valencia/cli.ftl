# CLI de sello en valencià: només el que és diferent del català central (locales/ca).

secret-blocked = bloquejat (el { $secret } ja no es pot utilitzar)
status-no-keys = cap (la targeta està buida)
status-expires-soon = { $days ->
    [one] AVÍS: caduca d'ací a { $days } dia; renoveu-lo
   *[other] AVÍS: caduca d'ací a { $days } dies; renoveu-lo
}
cli-no-reader-named = no hi ha cap lector que es diga «{ $wanted }» (vegeu `sello readers`)
cli-cannot-use-card = no es pot utilitzar la targeta de «{ $reader }»
watch-service-down = pcscd s'ha aturat; s'espera que torne
watch-cert-expires = { $days ->
    [one] { $slot } caduca d'ací a { $days } dia
   *[other] { $slot } caduca d'ací a { $days } dies
}
watch-expiry-warning = { $days ->
    [one] { $reader }: el certificat { $slot } de la targeta { $serial } caduca d'ací a { $days } dia: executeu `sello renew`
   *[other] { $reader }: el certificat { $slot } de la targeta { $serial } caduca d'ací a { $days } dies: executeu `sello renew`
}
cli-several-readers-match = «{ $wanted }» coincidix amb diversos lectors; escriviu una part més llarga del nom (vegeu `sello readers`)
