# sello doctor en valencià: només el que és diferent del català central (locales/ca).

doctor-skipped-no-network = no comprovat: esta versió de Sello no té client de xarxa
doctor-all-ok = Tot el que cal per a utilitzar la targeta està a punt.
doctor-needs-fixing = Cal arreglar alguna cosa: seguiu els consells d'ací dalt (comenceu pel primer ERROR).

doctor-pcscd-missing-advice = Inicieu-lo amb `sudo systemctl start pcscd` (si diu que no està instal·lat: `sudo apt install pcscd`) i torneu a executar `sello doctor`.
doctor-reader-not-named = No hi ha cap lector que es diga «{ $wanted }»; s'han trobat: { $names }.
doctor-reader-not-named-advice = Indiqueu un dels noms anteriors amb --reader, o no utilitzeu --reader.
doctor-card-removed = S'ha tret la targeta mentres s'estava llegint.
doctor-card-busy = Un altre programa està utilitzant la targeta en exclusiva.
doctor-card-busy-advice = Tanqueu els altres programes que utilitzen la targeta (eines de signatura, altre middleware) i torneu-ho a provar.
doctor-card-unsupported = Sello no reconeix esta targeta (no té aplicació PIV).
doctor-card-unrecognised = Sello no reconeix esta targeta ({ $driver }).
doctor-card-unreadable-advice = Traeu la targeta, netegeu el xip amb compte, torneu-la a inserir i torneu-ho a provar. Si continua fallant, pot ser que la targeta o el lector estiguen avariats.
doctor-card-ok-several = Targeta { $application }{ $serial } a «{ $reader }» (hi ha targetes en diversos lectors: es comprova esta; trieu-ne una altra amb --reader).
doctor-pin-unknown-advice = Si el PIN no s'accepta, no proveu a l'atzar: desbloquegeu amb el PUK (`sello pin unblock`).
doctor-cert-missing-advice = Esta targeta no s'ha activat (o se n'ha esborrat el certificat). Porteu-la a un punt de registre perquè l'activen.
doctor-cert-damaged-advice = Porteu la targeta a un punt de registre perquè hi graven un certificat nou.
doctor-validity-soon = { $days ->
    [one] { $cert } caduca d'ací a { $days } dia ({ $date }).
   *[other] { $cert } caduca d'ací a { $days } dies ({ $date }).
}
doctor-validity-soon-advice = Renoveu-lo abans que caduque (`sello renew`, o en un punt de registre); una vegada caducat, haureu d'anar-hi en persona.
doctor-chain-unknown-advice = Esta targeta no l'ha activada la vostra CA, o el certificat de la CA no està instal·lat: poseu-vos en contacte amb el punt de registre.
doctor-chain-bad-signature-advice = El certificat no és autèntic: no utilitzeu la targeta i poseu-vos en contacte amb el punt de registre.
doctor-revoked-advice = Un certificat revocat ja no es pot utilitzar ni renovar: aneu a un punt de registre amb el vostre document d'identitat per a activar de nou la targeta.
doctor-p11kit-absent = p11-kit no està instal·lat: ací cap aplicació no arriba als mòduls a través d'ell.
doctor-p11kit-missing = Les aplicacions que utilitzen p11-kit (les eines de GnuTLS i els programes que carreguen p11-kit-proxy.so) no veuen Sello.
doctor-pinentry-missing = En esta sessió no es pot mostrar cap diàleg del PIN: { $why }.
doctor-card-reset-advice = Un altre programa ha reiniciat la targeta mentres es llegia: tanqueu els altres programes que utilitzen la targeta i torneu a executar `sello doctor`.
doctor-card-protocol-advice = La targeta i el lector funcionen, però este model de targeta respon d'una manera diferent de la que Sello espera. Netejar o tornar a inserir la targeta no servirà de res: comuniqueu-ho al vostre servei de suport amb l'eixida de `sello status --verbose` (no conté el PIN). Mentrestant, eines com OpenSC potser poden utilitzar la targeta.
doctor-reader-several = Coincidixen diversos lectors; s'han trobat: { $names }.
doctor-chain-bad-signature = { $cert } indica { $ca } com a emissor, però la signatura no coincidix.
doctor-p11kit-broken = { $file } indica el mòdul { $library }, que no existix.
doctor-tag-skipped = omés
