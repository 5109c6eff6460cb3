# sellod: respostes i textos de les tasques (en l'idioma que el client demana amb `lang`),
# errors d'arrencada i línies del registre (en l'idioma del mateix servei).

## Respostes a les peticions (`error.message`; el `code` que l'acompanya no canvia mai).
daemon-request-too-large = la petició ocupa més de { $max } bytes
daemon-not-json = no és JSON: { $error }
daemon-not-an-object = una petició és un objecte JSON
daemon-bad-secret-answer = resposta de secret no vàlida: s'esperava job (número), name (text) i value (text o null)
daemon-bad-request = petició no vàlida: { $error }
daemon-internal-error = error intern
daemon-no-worker = no hi ha cap fil lliure per llegir la targeta
daemon-not-allowed = no teniu permís per utilitzar aquest servei
daemon-too-many-connections = massa connexions; torneu-ho a provar més tard
daemon-no-reader = no hi ha cap lector «{ $reader }»
daemon-no-card = no hi ha cap targeta a «{ $reader }»
daemon-no-service = pcscd no està en marxa
daemon-no-job = no existeix la tasca { $job }
daemon-cancel-forbidden = la tasca { $job } la va iniciar un altre usuari; només aquest usuari o root la poden cancel·lar
daemon-secret-not-owner = només la connexió que ha iniciat una tasca pot respondre a les seves peticions de secrets
daemon-secret-not-waiting = la tasca { $job } no espera «{ $name }»
daemon-secret-already-answered = la tasca ja té aquesta resposta
daemon-renew-not-available = aquest sellod no té client EST i no pot renovar; renoveu en un punt de registre
daemon-card-busy = la tasca { $job } està en curs a «{ $reader }»; només hi pot haver una tasca per targeta alhora
daemon-cannot-start-job = no es pot iniciar la tasca
daemon-cannot-start-job-thread = no es pot iniciar el fil de la tasca: { $error }

## Per què s'ha aturat una tasca (`error.message` de `job-finished`).
daemon-job-cancelled = cancel·lada
daemon-job-was-cancelled = s'ha cancel·lat la tasca
daemon-card-gone = s'ha retirat o canviat la targeta durant la tasca; no s'ha fet res més
daemon-secret-timeout = { $minutes ->
    [one] ningú no ha respost a la petició de { $name } en { $minutes } minut
   *[other] ningú no ha respost a la petició de { $name } en { $minutes } minuts
}
daemon-no-est-client = aquest sellod no té client EST
daemon-invalid-pin = això no és un PIN vàlid
daemon-invalid-puk = això no és un PUK vàlid
daemon-invalid-mgmt-key = la clau d'administració no és hexadecimal vàlid per a l'algorisme del perfil
daemon-unknown-algorithm = algorisme desconegut «{ $algorithm }»
daemon-not-a-slot = «{ $slot }» no és una ranura (9A, 9C o all)
daemon-no-state-dir = no hi ha directori d'estat per al diari (definiu SELLO_STATE_DIR)
daemon-no-ca-configured = no hi ha cap CA configurada: indiqueu est (amb est_trust o est_pin) o local_ca
daemon-local-ca-error = CA local { $path }: { $error }
daemon-est-trust-missing = com es reconeix el servidor EST? Indiqueu est_trust o est_pin
daemon-operator-card-profile = el perfil { $profile } autentica la inscripció amb la targeta de l'operador, que sellod no té: executeu `sello activate --direct --operator-reader NOM`
daemon-cannot-fetch-cacerts = no es poden obtenir els certificats de la CA (EST /cacerts): { $error }
daemon-cannot-read-ca-cert = no es pot llegir el certificat de la CA { $path }: { $error }
daemon-no-pem-cert = { $path }: no conté cap certificat PEM
daemon-path-not-absolute = { $path } ha de ser un camí absolut (el servei no comparteix el directori del client)
daemon-enrollment-not-sent = no enviada: { $reason }

## Detalls del progrés de les tasques (`detail`) i resultats.
daemon-step-connecting = s'està connectant amb la targeta
daemon-step-card-identified = targeta identificada
daemon-step-changing-pin = s'està canviant el PIN
daemon-step-unblocking = s'està desbloquejant el PIN
daemon-pin-changed = PIN canviat
daemon-pin-unblocked = PIN desbloquejat i canviat
daemon-ca-pending = la CA ha deixat la petició en espera; es tornarà a preguntar d'aquí a { $seconds } s ({ $attempt }/{ $max })

## El que demana una petició de secret (`prompt`).
daemon-prompt-current-pin = PIN actual
daemon-prompt-new-pin = PIN nou
daemon-prompt-puk = PUK
daemon-prompt-holder-pin = PIN del titular
daemon-prompt-new-puk = PUK nou
daemon-prompt-mgmt-secret = Secret de l'operador per a la clau d'administració
daemon-prompt-enrollment-code = Codi d'inscripció d'un sol ús

## L'`advice` d'un avís de caducitat (en l'idioma de cada subscriptor).
daemon-expiry-advice = executeu `sello renew` abans que caduqui el certificat

## Errors del client (`sello watch`, `--via-daemon`).
daemon-client-cannot-reach = no es pot contactar amb sellod a { $path }: { $error }
daemon-client-connection-lost = s'ha perdut la connexió amb sellod: { $error }
daemon-client-closed = sellod ha tancat la connexió
daemon-client-not-json = sellod ha enviat una cosa que no és JSON: { $error }

## Errors d'arrencada i línies del registre (després de «sellod: »), en l'idioma del servei.
daemon-already-running = ja hi ha un altre sellod escoltant a { $path }
daemon-cannot-create-dir = no es pot crear { $path }: { $error }
daemon-cannot-set-permissions = no es poden establir els permisos de { $path }: { $error }
daemon-cannot-chown = no es pot assignar { $path } al grup: { $error }
daemon-cannot-remove-stale = no es pot eliminar el sòcol abandonat { $path }: { $error }
daemon-cannot-listen = no es pot escoltar a { $path }: { $error }
daemon-no-group = no existeix el grup «{ $group }» a /etc/group
daemon-systemd-socket-unusable = el sòcol que ha passat systemd no es pot utilitzar
daemon-cannot-start-monitor = no es pot iniciar la vigilància dels lectors
daemon-server-loop-failed = el bucle del servidor ha fallat
daemon-log-listening = escoltant a { $path }
daemon-log-listening-systemd = escoltant al sòcol de systemd
daemon-log-core-dumps = no es poden desactivar els bolcats de memòria ({ $error }); no es gestionaran secrets
daemon-log-open-files = no es pot augmentar el límit de fitxers oberts: { $error }
daemon-log-cannot-wake = no es pot despertar el bucle del servidor: { $error }
daemon-log-subscriber-dropped = el subscriptor { $conn } és massa lent; s'ha desconnectat
daemon-log-accept = no es pot acceptar una connexió: { $error }
daemon-log-cannot-watch = no es pot vigilar una connexió: { $error }
daemon-log-monitor-reconnecting = vigilància de lectors: { $error }; es torna a connectar amb pcscd
daemon-log-monitor-error = vigilància de lectors: { $error }
daemon-log-cannot-probe = no es pot iniciar un fil de lectura de targeta: { $error }
daemon-log-no-notification = sense notificació d'escriptori (gdbus: { $error })
