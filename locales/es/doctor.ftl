# sello doctor: títulos de las comprobaciones, hallazgos y consejos; líneas de resumen.

doctor-title-pcscd = Servicio de tarjetas inteligentes
doctor-title-reader = Lector de tarjetas
doctor-title-card = Tarjeta
doctor-title-pin = PIN
doctor-title-certificate = Certificados de la tarjeta
doctor-title-validity = Fechas de los certificados
doctor-title-chain = Emisor de los certificados
doctor-title-revocation = Revocación de los certificados
doctor-title-browser = Navegadores
doctor-title-p11kit = p11-kit (GnuTLS y otras aplicaciones)
doctor-title-pinentry = Diálogo del PIN

doctor-skipped = no comprobado: antes ha fallado «{ $cause }»
doctor-skipped-no-network = no comprobado: esta versión de Sello no tiene cliente de red
doctor-all-ok = Todo lo necesario para usar su tarjeta está en orden.
doctor-needs-fixing = Hay algo que arreglar: siga los consejos de arriba (empiece por el primer FALLO).

## Ranuras de clave: $slot es authentication, signature, key-management, card-authentication u other.
doctor-slot = { $slot ->
    [authentication] autenticación
    [signature] firma
    [key-management] gestión de claves
    [card-authentication] autenticación de la tarjeta
   *[other] otra
}
## El certificado de una ranura, dentro de una frase.
doctor-slot-cert = { $slot ->
    [authentication] el certificado de autenticación
    [signature] el certificado de firma
    [key-management] el certificado de gestión de claves
    [card-authentication] el certificado de autenticación de la tarjeta
   *[other] el otro certificado
}

## pcscd
doctor-pcscd-ok = El servicio de tarjetas inteligentes (pcscd) está en marcha.
doctor-pcscd-missing = El servicio de tarjetas inteligentes no está en marcha.
doctor-pcscd-missing-advice = Inícielo con `sudo systemctl start pcscd` (si le dice que no está instalado: `sudo apt install pcscd`) y vuelva a ejecutar `sello doctor`.
doctor-pcscd-error = El servicio de tarjetas inteligentes no responde: { $error }.
doctor-pcscd-error-advice = Reinícielo con `sudo systemctl restart pcscd` y vuelva a ejecutar `sello doctor`.

## lector
doctor-reader-none = No se ha encontrado ningún lector de tarjetas.
doctor-reader-none-advice = Conecte el lector de tarjetas (pruebe otro puerto USB). Si ya está conectado, desconéctelo y vuelva a conectarlo.
doctor-reader-not-named = No hay ningún lector llamado «{ $wanted }»; se han encontrado: { $names }.
doctor-reader-not-named-advice = Indique uno de los nombres anteriores con --reader, o no use --reader.
doctor-reader-several = Coinciden varios lectores; se han encontrado: { $names }.
doctor-reader-several-advice = Escriba una parte más larga del nombre del lector con --reader.
doctor-reader-found = { $count ->
    [one] Lector encontrado: { $names }.
   *[other] Lectores encontrados: { $names }.
}

## tarjeta
doctor-card-none = No hay ninguna tarjeta en el lector.
doctor-card-none-advice = Introduzca la tarjeta en el lector, con el chip por delante y hacia arriba, y vuelva a ejecutar `sello doctor`.
doctor-card-removed = Se ha retirado la tarjeta mientras se estaba leyendo.
doctor-card-removed-advice = Introduzca la tarjeta, déjela en el lector y vuelva a ejecutar `sello doctor`.
doctor-card-busy = Otro programa está usando la tarjeta en exclusiva.
doctor-card-busy-advice = Cierre los demás programas que usan la tarjeta (herramientas de firma, otro middleware) y vuelva a intentarlo.
doctor-card-unsupported = Sello no reconoce esta tarjeta (no tiene aplicación PIV).
doctor-card-unrecognised = Sello no reconoce esta tarjeta ({ $driver }).
doctor-card-wrong-card-advice = Compruebe que ha introducido su tarjeta ciudadana y no una tarjeta bancaria o sanitaria.
doctor-card-unreadable = No se ha podido leer la tarjeta: { $error }.
doctor-card-unreadable-advice = Saque la tarjeta, limpie el chip con cuidado, vuelva a introducirla y reintente. Si sigue fallando, puede que la tarjeta o el lector estén averiados.
doctor-card-ok = Tarjeta { $application }{ $serial } en «{ $reader }».
doctor-card-ok-several = Tarjeta { $application }{ $serial } en «{ $reader }» (hay tarjetas en varios lectores: se comprueba esta; elija otra con --reader).
doctor-application-profile = PIV (perfil { $profile })

## PIN
doctor-pin-blocked = El PIN está bloqueado.
doctor-pin-and-puk-blocked = El PIN está bloqueado. El PUK también.
doctor-pin-blocked-advice = Desbloquéelo con el PUK de su carta de activación: `sello pin unblock`. Si no tiene el PUK, acuda a un punto de registro.
doctor-pin-and-puk-blocked-advice = El PIN y el PUK están bloqueados: la tarjeta ya no se puede desbloquear. Llévela a un punto de registro.
doctor-pin-last-try = Solo le queda 1 intento de PIN: un PIN erróneo más bloquea la tarjeta.
doctor-pin-last-try-advice = Escriba el PIN con cuidado. Si no está seguro, desbloquee la tarjeta con el PUK (`sello pin unblock`).
doctor-pin-ok = El PIN no está bloqueado ({ $tries }).
doctor-pin-unknown = La tarjeta no indica cuántos intentos de PIN quedan.
doctor-pin-unknown-advice = Si el PIN no se acepta, no pruebe al azar: desbloquee con el PUK (`sello pin unblock`).

## certificados
doctor-cert-missing = No hay certificado en la ranura de { $slots }.
doctor-cert-missing-advice = La tarjeta no se ha activado (o se ha borrado su certificado). Llévela a un punto de registro para activarla.
doctor-cert-damaged = El certificado de la ranura de { $slots } está dañado.
doctor-cert-damaged-advice = Lleve la tarjeta a un punto de registro para que le graben un certificado nuevo.
doctor-cert-wrong-key = El certificado de la ranura de { $slots } no corresponde a la clave de la tarjeta.
doctor-cert-wrong-key-advice = La activación de la tarjeta no se completó: llévela a un punto de registro.
doctor-cert-ok = Certificados encontrados: { $slots }.

## fechas
doctor-validity-expired = { $cert } caducó el { $date }.
doctor-validity-expired-advice = Un certificado caducado no se puede renovar desde casa: pida cita en un punto de registro.
doctor-validity-not-yet = { $cert } no es válido hasta el { $date }.
doctor-validity-not-yet-advice = Compruebe que la fecha y la hora de su ordenador son correctas; si lo son, póngase en contacto con el punto de registro.
doctor-validity-soon = { $days ->
    [one] { $cert } caduca dentro de { $days } día ({ $date }).
   *[other] { $cert } caduca dentro de { $days } días ({ $date }).
}
doctor-validity-soon-advice = Renuévelo antes de que caduque (`sello renew`, o en un punto de registro); una vez caducado tendrá que ir en persona.
doctor-validity-until = { $slot } hasta el { $date }
doctor-validity-ok = Vigentes: { $list }.

## emisor
doctor-chain-no-anchors = No hay certificados de CA configurados, así que no se puede comprobar el emisor{ $problems }.
doctor-chain-no-anchors-advice = Instale el certificado de su CA en /etc/sello/ca/ (o indíquelo con `--ca FICHERO`).
doctor-chain-trusted-by = { $slot } por { $ca }
doctor-chain-unknown = { $cert } lo emitió una CA desconocida ({ $issuer }).
doctor-chain-unknown-advice = Esta tarjeta no la activó su CA, o el certificado de la CA no está instalado: póngase en contacto con el punto de registro.
doctor-chain-bad-signature = { $cert } indica { $ca } como emisor, pero su firma no coincide.
doctor-chain-bad-signature-advice = El certificado no es auténtico: no use la tarjeta y póngase en contacto con el punto de registro.
doctor-chain-unsupported = No se puede comprobar el emisor de { $cert }: { $why }.
doctor-contact-if-refused-advice = Póngase en contacto con el punto de registro si las webs rechazan la tarjeta.
doctor-chain-ok = Emitidos por una CA conocida: { $list }.

## revocación
doctor-revoked = { $cert } está { $status }.
doctor-revoked-advice = Un certificado revocado ya no se puede usar ni renovar: acuda a un punto de registro con su documento de identidad para activar de nuevo la tarjeta.
doctor-revocation-offline = No se sabe si { $cert } está revocado (sin conexión: { $why }).
doctor-revocation-offline-advice = Conéctese a Internet y vuelva a ejecutar `sello doctor`.
doctor-revocation-unchecked = No se puede comprobar si { $cert } está revocado: { $why }.
doctor-revocation-good = No revocados, según la CA: { $list }.
doctor-revocation-unpublished = La CA no publica lista de revocación para: { $list }.

## navegadores
doctor-browser-none = No se ha encontrado ningún perfil de Firefox ni almacén de certificados de Chromium/Chrome.
doctor-browser-none-advice = Abra el navegador una vez y después ejecute `sello browser install`.
doctor-browser-missing = Sello no está configurado en: { $list }.
doctor-browser-missing-advice = Ejecute `sello browser install` (cierre antes Firefox) y reinicie los navegadores.
doctor-browser-broken = Sello está configurado en { $list }, pero falta el fichero de su módulo.
doctor-reinstall-advice = Reinstale Sello y después ejecute `sello browser install`.
doctor-browser-ok = Configurado en: { $list }.

## p11-kit
doctor-p11kit-broken = { $file } indica el módulo { $library }, que no existe.
doctor-p11kit-ok = Registrado: { $file }.
doctor-p11kit-absent = p11-kit no está instalado: aquí ninguna aplicación llega a los módulos a través de él.
doctor-p11kit-missing = Las aplicaciones que usan p11-kit (las herramientas de GnuTLS y los programas que cargan p11-kit-proxy.so) no ven Sello.
doctor-p11kit-missing-advice = Ejecute `sello browser install`.

## pinentry
doctor-pinentry-ok = Los diálogos del PIN se muestran con { $program }.
doctor-pinentry-missing = En esta sesión no se puede mostrar ningún diálogo del PIN: { $why }.
doctor-pinentry-missing-advice = Instale el paquete pinentry indicado (o configure `pinentry` en la tabla [pkcs11] de ~/.config/sello/sello.toml) y reinicie el navegador.
doctor-card-reset-advice = Otro programa ha reiniciado la tarjeta mientras se leía: cierre los demás programas que usan la tarjeta y vuelva a ejecutar `sello doctor`.
doctor-reader-unusable = No se ha podido usar el lector: { $error }.
doctor-reader-unusable-advice = Desconecte el lector, vuelva a conectarlo y reintente; si sigue fallando, reinicie el servicio de tarjetas inteligentes (`sudo systemctl restart pcscd`).
doctor-card-protocol = La tarjeta ha respondido de una forma que Sello no sabe tratar: { $error }.
doctor-card-protocol-advice = La tarjeta y el lector funcionan, pero este modelo de tarjeta responde de forma distinta a la que Sello espera. Limpiar o volver a introducir la tarjeta no servirá de nada: comuníquelo a su servicio de soporte con la salida de `sello status --verbose` (no contiene el PIN). Mientras tanto, herramientas como OpenSC quizá puedan usar la tarjeta.
## Las etiquetas de estado delante de cada comprobación (cortas: se rellenan hasta la más larga).
doctor-tag-ok = ok
doctor-tag-warn = AVISO
doctor-tag-fail = FALLO
doctor-tag-skipped = omitido
