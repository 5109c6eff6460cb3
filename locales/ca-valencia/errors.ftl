# Missatges d'error en valencià: només el que és diferent del català central (locales/ca).

err-transport-sharing-violation = una altra aplicació està utilitzant la targeta en exclusiva
err-protocol-endless-more-data = la targeta no deixa d'anunciar més dades (61xx)
err-pin-length = el { $what } ha de tindre entre { $min } i { $max } caràcters; en té { $got }
err-pin-length-exact = el { $what } ha de tindre { $len } caràcters; en té { $got }
err-pin-charset = el { $what } només pot contindre caràcters ASCII imprimibles
err-pin-key-length = la clau de gestió { $algorithm } ha de tindre { $expected } bytes; en té { $got }
err-card-auth-failed = la targeta no ha demostrat que tinga la clau de gestió
err-op-get-version = la consulta de la seua versió (GET VERSION)
err-op-generate-this-key = este algorisme o esta política en esta ranura
err-op-management-key-algorithm = este algorisme de clau de gestió
err-op-import-this-key = la importació d'este algorisme en esta ranura
err-missing-key = no hi ha cap clau en esta ranura
err-reset-puk-unknown = no es pot confirmar que el PUK d'esta targeta estiga bloquejat
err-invalid-cannot-decrypt = les claus { $algorithm } no poden desxifrar; utilitzeu l'acord de claus (ECDH)
err-invalid-cannot-authenticate-tls = les claus { $algorithm } no poden autenticar TLS ací
err-invalid-no-certificate-object = la ranura { $slot } no pot contindre cap certificat
err-invalid-not-a-key-slot = la ranura { $slot } no pot contindre cap clau asimètrica
err-invalid-sign-input-length = { $expected ->
    [one] l'entrada de { $algorithm } ha de tindre { $expected } byte (farciment fet per l'equip); en té { $got }
   *[other] l'entrada de { $algorithm } ha de tindre { $expected } bytes (farciment fet per l'equip); en té { $got }
}
err-invalid-ciphertext-length = { $expected ->
    [one] el text xifrat ha de tindre { $expected } byte; en té { $got }
   *[other] el text xifrat ha de tindre { $expected } bytes; en té { $got }
}
err-invalid-peer-key-length = { $expected ->
    [one] la clau pública de l'altre extrem ha de tindre { $expected } byte per a { $algorithm }; en té { $got }
   *[other] la clau pública de l'altre extrem ha de tindre { $expected } bytes per a { $algorithm }; en té { $got }
}
err-rule-length = el { $what } ha de tindre entre { $min } i { $max } caràcters
err-rule-length-exact = el { $what } ha de tindre { $len } caràcters
err-rule-charset-digits = el { $what } només pot contindre xifres
err-rule-charset-alphanumeric = el { $what } només pot contindre lletres i xifres
err-rule-charset-printable = el { $what } només pot contindre caràcters imprimibles
err-identity-nif-format = el NIF/NIE ha de tindre 8 xifres i una lletra (NIF) o X, Y o Z, 7 xifres i una lletra (NIE)
err-identity-given-name = el nom està buit o conté caràcters de control
err-identity-surnames = els cognoms estan buits o contenen caràcters de control
err-profiles-no-match = cap perfil de targeta no s'aplica a esta targeta (controlador { $driver }, ATR { $atr }); trieu-ne un amb --profile
err-profiles-ambiguous = a esta targeta se li apliquen diversos perfils ({ $names }); trieu-ne un amb --profile
err-profile-name = no pot estar buit i només pot contindre lletres, xifres, «-» i «_»
err-profile-aid = ha de tindre de 5 a 16 bytes en hexadecimal
err-profile-basic-user-colon = un nom d'usuari d'HTTP Basic no pot contindre «:» (RFC 7617)
err-profile-code-needs-user = utilitzar el codi com a contrasenya exigix un nom d'usuari d'HTTP Basic (basic_user)
err-profile-needs-auth = sense HTTP Basic, l'emissió exigix client_certificate = "operator-card"
err-profile-factory-key = la clau de fàbrica exigix allow_default_management_key = true
err-profile-duplicate = un altre fitxer de { $dir } també definix «{ $name }»
err-subject-needs-email = este perfil necessita l'adreça electrònica del titular
err-master-secret-short = el secret mestre de l'operador ha de tindre almenys { $min } bytes; genereu-ne un amb `sello mgmt-secret generate --out FITXER`
err-profile-length-range = ha de ser entre { $min } i { $max } (el que guarda una targeta PIV)
err-browser-module-not-found = el mòdul PKCS#11 de Sello ({ $library }) no està instal·lat; s'ha buscat en: { $places }
err-browser-cannot-remove = no es pot eliminar { $path }: { $error }
err-pinentry-no-graphical = no hi ha cap pinentry gràfic instal·lat per a esta sessió d'escriptori (s'ha buscat { $programs }); instal·leu el paquet de Debian pinentry-gnome3 (GNOME), pinentry-qt (KDE) o pinentry-gtk2
err-pinentry-no-terminal = no hi ha cap pinentry de terminal instal·lat (s'ha buscat { $programs }); instal·leu el paquet de Debian pinentry-curses o pinentry-tty
err-missing-protected-management-key = la targeta no guarda cap clau de gestió protegida pel PIN
err-card-certificate-key-mismatch = la clau pública del certificat no coincidix amb la clau de la ranura { $slot }
err-card-reset-refused = no es restablix la targeta: { $why }
err-browser-module-missing = { $path }: no existix
