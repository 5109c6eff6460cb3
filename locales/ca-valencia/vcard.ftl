# Missatges de sello-vcard en valencià: només el que és diferent del català central (locales/ca).

vcard-serving-in-memory = número de sèrie { $serial }, { $compat }, estat només en memòria (es perd en eixir)
vcard-sandbox-start = no es pot arrancar l'entorn aïllat (un pcscd privat amb targetes virtuals)
vcard-rig-start-card = no es pot arrancar { $program }
vcard-rig-start-pcscd = no es pot arrancar pcscd (necessita root, setpriv, unshare i pcscd)
vcard-rig-pcscd-exited = { $waiting ->
    [card] pcscd ha acabat (codi d'eixida { $code }) abans que la targeta apareguera en el seu lector
   *[socket] pcscd ha acabat (codi d'eixida { $code }) abans d'obrir el seu sòcol
}
vcard-rig-pcscd-killed = { $waiting ->
    [card] pcscd ha mort (senyal { $signal }) abans que la targeta apareguera en el seu lector
   *[socket] pcscd ha mort (senyal { $signal }) abans d'obrir el seu sòcol
}
vcard-rig-pcscd-ended = { $waiting ->
    [card] pcscd ha acabat abans que la targeta apareguera en el seu lector
   *[socket] pcscd ha acabat abans d'obrir el seu sòcol
}
vcard-rig-timeout-card = la targeta no ha aparegut en el seu lector a temps
vcard-rig-no-such-card = no hi ha cap targeta { $index } en este banc de proves
