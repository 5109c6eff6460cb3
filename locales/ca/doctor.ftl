# sello doctor: títols de les comprovacions, troballes i consells; línies de resum.

doctor-title-pcscd = Servei de targetes intel·ligents
doctor-title-reader = Lector de targetes
doctor-title-card = Targeta
doctor-title-pin = PIN
doctor-title-certificate = Certificats de la targeta
doctor-title-validity = Dates dels certificats
doctor-title-chain = Emissor dels certificats
doctor-title-revocation = Revocació dels certificats
doctor-title-browser = Navegadors
doctor-title-p11kit = p11-kit (GnuTLS i altres aplicacions)
doctor-title-pinentry = Diàleg del PIN

doctor-skipped = no comprovat: abans ha fallat «{ $cause }»
doctor-skipped-no-network = no comprovat: aquesta versió de Sello no té client de xarxa
doctor-all-ok = Tot el que cal per a fer servir la targeta és a punt.
doctor-needs-fixing = Cal arreglar alguna cosa: seguiu els consells d'aquí dalt (comenceu pel primer ERROR).

## Ranures de clau: $slot és authentication, signature, key-management, card-authentication o other.
doctor-slot = { $slot ->
    [authentication] autenticació
    [signature] signatura
    [key-management] gestió de claus
    [card-authentication] autenticació de la targeta
   *[other] altra
}
## El certificat d'una ranura, dins d'una frase.
doctor-slot-cert = { $slot ->
    [authentication] el certificat d'autenticació
    [signature] el certificat de signatura
    [key-management] el certificat de gestió de claus
    [card-authentication] el certificat d'autenticació de la targeta
   *[other] l'altre certificat
}

## pcscd
doctor-pcscd-ok = El servei de targetes intel·ligents (pcscd) està en marxa.
doctor-pcscd-missing = El servei de targetes intel·ligents no està en marxa.
doctor-pcscd-missing-advice = Engegueu-lo amb `sudo systemctl start pcscd` (si diu que no està instal·lat: `sudo apt install pcscd`) i torneu a executar `sello doctor`.
doctor-pcscd-error = El servei de targetes intel·ligents no respon: { $error }.
doctor-pcscd-error-advice = Reinicieu-lo amb `sudo systemctl restart pcscd` i torneu a executar `sello doctor`.

## lector
doctor-reader-none = No s'ha trobat cap lector de targetes.
doctor-reader-none-advice = Connecteu el lector de targetes (proveu un altre port USB). Si ja està connectat, desconnecteu-lo i torneu-lo a connectar.
doctor-reader-not-named = No hi ha cap lector que es digui «{ $wanted }»; s'han trobat: { $names }.
doctor-reader-not-named-advice = Indiqueu un dels noms anteriors amb --reader, o no feu servir --reader.
doctor-reader-several = Coincideixen diversos lectors; s'han trobat: { $names }.
doctor-reader-several-advice = Escriviu una part més llarga del nom del lector amb --reader.
doctor-reader-found = { $count ->
    [one] Lector trobat: { $names }.
   *[other] Lectors trobats: { $names }.
}

## targeta
doctor-card-none = No hi ha cap targeta al lector.
doctor-card-none-advice = Inseriu la targeta al lector, amb el xip per davant i cap amunt, i torneu a executar `sello doctor`.
doctor-card-removed = S'ha tret la targeta mentre s'estava llegint.
doctor-card-removed-advice = Inseriu la targeta, deixeu-la al lector i torneu a executar `sello doctor`.
doctor-card-busy = Un altre programa està fent servir la targeta en exclusiva.
doctor-card-busy-advice = Tanqueu els altres programes que fan servir la targeta (eines de signatura, altre middleware) i torneu-ho a provar.
doctor-card-unsupported = Sello no reconeix aquesta targeta (no té aplicació PIV).
doctor-card-unrecognised = Sello no reconeix aquesta targeta ({ $driver }).
doctor-card-wrong-card-advice = Comproveu que heu inserit la vostra targeta ciutadana i no una targeta bancària o sanitària.
doctor-card-unreadable = No s'ha pogut llegir la targeta: { $error }.
doctor-card-unreadable-advice = Traieu la targeta, netegeu el xip amb compte, torneu-la a inserir i torneu-ho a provar. Si continua fallant, pot ser que la targeta o el lector estiguin avariats.
doctor-card-ok = Targeta { $application }{ $serial } a «{ $reader }».
doctor-card-ok-several = Targeta { $application }{ $serial } a «{ $reader }» (hi ha targetes en diversos lectors: es comprova aquesta; trieu-ne una altra amb --reader).
doctor-application-profile = PIV (perfil { $profile })

## PIN
doctor-pin-blocked = El PIN està bloquejat.
doctor-pin-and-puk-blocked = El PIN està bloquejat. El PUK també.
doctor-pin-blocked-advice = Desbloquegeu-lo amb el PUK de la vostra carta d'activació: `sello pin unblock`. Si no teniu el PUK, aneu a un punt de registre.
doctor-pin-and-puk-blocked-advice = El PIN i el PUK estan bloquejats: la targeta ja no es pot desbloquejar. Porteu-la a un punt de registre.
doctor-pin-last-try = Només queda 1 intent de PIN: un altre PIN erroni bloqueja la targeta.
doctor-pin-last-try-advice = Escriviu el PIN amb compte. Si no n'esteu segur, desbloquegeu la targeta amb el PUK (`sello pin unblock`).
doctor-pin-ok = El PIN no està bloquejat ({ $tries }).
doctor-pin-unknown = La targeta no indica quants intents de PIN queden.
doctor-pin-unknown-advice = Si el PIN no s'accepta, no proveu a l'atzar: desbloquegeu amb el PUK (`sello pin unblock`).

## certificats
doctor-cert-missing = Falta el certificat a la ranura: { $slots }.
doctor-cert-missing-advice = Aquesta targeta no s'ha activat (o se n'ha esborrat el certificat). Porteu-la a un punt de registre perquè l'activin.
doctor-cert-damaged = Hi ha un certificat malmès a la ranura: { $slots }.
doctor-cert-damaged-advice = Porteu la targeta a un punt de registre perquè hi gravin un certificat nou.
doctor-cert-wrong-key = El certificat no correspon a la clau de la targeta a la ranura: { $slots }.
doctor-cert-wrong-key-advice = L'activació de la targeta no es va completar: porteu-la a un punt de registre.
doctor-cert-ok = Certificats trobats: { $slots }.

## dates
doctor-validity-expired = { $cert } va caducar el { $date }.
doctor-validity-expired-advice = Un certificat caducat no es pot renovar des de casa: demaneu cita en un punt de registre.
doctor-validity-not-yet = { $cert } no és vàlid fins al { $date }.
doctor-validity-not-yet-advice = Comproveu que la data i l'hora de l'ordinador són correctes; si ho són, poseu-vos en contacte amb el punt de registre.
doctor-validity-soon = { $days ->
    [one] { $cert } caduca d'aquí a { $days } dia ({ $date }).
   *[other] { $cert } caduca d'aquí a { $days } dies ({ $date }).
}
doctor-validity-soon-advice = Renoveu-lo abans que caduqui (`sello renew`, o en un punt de registre); un cop caducat, haureu d'anar-hi en persona.
doctor-validity-until = { $slot } fins al { $date }
doctor-validity-ok = Vigents: { $list }.

## emissor
doctor-chain-no-anchors = No hi ha certificats de CA configurats, de manera que no es pot comprovar l'emissor{ $problems }.
doctor-chain-no-anchors-advice = Instal·leu el certificat de la vostra CA a /etc/sello/ca/ (o indiqueu-lo amb `--ca FITXER`).
doctor-chain-trusted-by = { $slot } per { $ca }
doctor-chain-unknown = { $cert } l'ha emès una CA desconeguda ({ $issuer }).
doctor-chain-unknown-advice = Aquesta targeta no l'ha activada la vostra CA, o el certificat de la CA no està instal·lat: poseu-vos en contacte amb el punt de registre.
doctor-chain-bad-signature = { $cert } indica { $ca } com a emissor, però la signatura no coincideix.
doctor-chain-bad-signature-advice = El certificat no és autèntic: no feu servir la targeta i poseu-vos en contacte amb el punt de registre.
doctor-chain-unsupported = No es pot comprovar l'emissor de { $cert }: { $why }.
doctor-contact-if-refused-advice = Poseu-vos en contacte amb el punt de registre si els webs rebutgen la targeta.
doctor-chain-ok = Emesos per una CA coneguda: { $list }.

## revocació
doctor-revoked = { $cert } està { $status }.
doctor-revoked-advice = Un certificat revocat ja no es pot fer servir ni renovar: aneu a un punt de registre amb el vostre document d'identitat per a activar de nou la targeta.
doctor-revocation-offline = No se sap si { $cert } està revocat (sense connexió: { $why }).
doctor-revocation-offline-advice = Connecteu-vos a Internet i torneu a executar `sello doctor`.
doctor-revocation-unchecked = No es pot comprovar si { $cert } està revocat: { $why }.
doctor-revocation-good = No revocats, segons la CA: { $list }.
doctor-revocation-unpublished = La CA no publica cap llista de revocació per a: { $list }.

## navegadors
doctor-browser-none = No s'ha trobat cap perfil de Firefox ni cap magatzem de certificats de Chromium/Chrome.
doctor-browser-none-advice = Obriu el navegador una vegada i després executeu `sello browser install`.
doctor-browser-missing = Sello no està configurat a: { $list }.
doctor-browser-missing-advice = Executeu `sello browser install` (abans tanqueu el Firefox) i reinicieu els navegadors.
doctor-browser-broken = Sello està configurat a { $list }, però hi falta el fitxer del mòdul.
doctor-reinstall-advice = Torneu a instal·lar Sello i després executeu `sello browser install`.
doctor-browser-ok = Configurat a: { $list }.

## p11-kit
doctor-p11kit-broken = { $file } indica el mòdul { $library }, que no existeix.
doctor-p11kit-ok = Registrat: { $file }.
doctor-p11kit-absent = p11-kit no està instal·lat: aquí cap aplicació no arriba als mòduls a través seu.
doctor-p11kit-missing = Les aplicacions que fan servir p11-kit (les eines de GnuTLS i els programes que carreguen p11-kit-proxy.so) no veuen Sello.
doctor-p11kit-missing-advice = Executeu `sello browser install`.

## pinentry
doctor-pinentry-ok = Els diàlegs del PIN es mostren amb { $program }.
doctor-pinentry-missing = En aquesta sessió no es pot mostrar cap diàleg del PIN: { $why }.
doctor-pinentry-missing-advice = Instal·leu el paquet pinentry indicat (o configureu `pinentry` a la taula [pkcs11] de ~/.config/sello/sello.toml) i reinicieu el navegador.
doctor-card-reset-advice = Un altre programa ha reiniciat la targeta mentre es llegia: tanqueu els altres programes que utilitzen la targeta i torneu a executar `sello doctor`.
doctor-reader-unusable = No s'ha pogut utilitzar el lector: { $error }.
doctor-reader-unusable-advice = Desconnecteu el lector, torneu-lo a connectar i torneu-ho a provar; si continua fallant, reinicieu el servei de targetes intel·ligents (`sudo systemctl restart pcscd`).
doctor-card-protocol = La targeta ha respost d'una manera que Sello no sap tractar: { $error }.
doctor-card-protocol-advice = La targeta i el lector funcionen, però aquest model de targeta respon d'una manera diferent de la que Sello espera. Netejar o tornar a inserir la targeta no servirà de res: comuniqueu-ho al vostre servei de suport amb la sortida de `sello status --verbose` (no conté el PIN). Mentrestant, eines com OpenSC potser poden utilitzar la targeta.
## Les etiquetes d'estat davant de cada comprovació (curtes: s'omplin fins a la més llarga).
doctor-tag-ok = ok
doctor-tag-warn = AVÍS
doctor-tag-fail = ERROR
doctor-tag-skipped = omès
