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
err-missing-key = cap clau en esta ranura
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
