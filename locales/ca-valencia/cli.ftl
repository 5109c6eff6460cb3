# CLI de sello en valencià: només el que és diferent del català central (locales/ca).

secret-blocked = bloquejat (el { $secret } ja no es pot utilitzar)
status-no-keys = cap (la targeta està buida)
status-expires-soon = { $days ->
    [one] AVÍS: caduca d'ací a { $days } dia; renoveu-lo
   *[other] AVÍS: caduca d'ací a { $days } dies; renoveu-lo
}
cli-no-reader-named = no hi ha cap lector que es diga «{ $wanted }» (vegeu `sello readers`)
cli-cannot-use-card = no es pot utilitzar la targeta de «{ $reader }»
