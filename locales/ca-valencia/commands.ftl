# Ordres de sello en valencià: només el que és diferent del català central (locales/ca).

cmd-input-no-terminal = no es pot demanar { $what }: no hi ha cap terminal (en scripts, utilitzeu --pin-stdin)
cmd-input-mismatch = les dues vegades que s'ha escrit { $what } no coincidixen; no s'ha canviat res
cmd-browser-updated = registrat (substituïx el camí antic { $old })
cmd-browser-skip-no-database = encara no hi ha cap base de dades de certificats (el perfil no s'ha obert mai); obriu Firefox una vegada amb este perfil, tanqueu-lo i torneu a executar `sello browser install` per a utilitzar la targeta en este perfil
cmd-browser-restart = Reinicieu els navegadors per a utilitzar la targeta.
cmd-browser-registered-missing = registrat, però { $library } no existix: torneu a executar `sello browser install`
cmd-browser-p11kit-absent = no està instal·lat en este ordinador
cmd-profile-puk-entered = l'introduïx l'operador
cmd-job-puk-shown-once = anoteu-lo per al titular: només es mostra esta vegada
cmd-job-unknown-secret = sellod demana un secret que esta versió de sello no coneix («{ $name }»); actualitzeu sello i sellod alhora
