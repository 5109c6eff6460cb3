# sellod: respuestas y textos de las tareas (en el idioma que el cliente pide con `lang`),
# errores de arranque y líneas del registro (en el idioma del propio servicio).

## Respuestas a las peticiones (`error.message`; el `code` que lo acompaña no cambia nunca).
daemon-request-too-large = la petición ocupa más de { $max } bytes
daemon-not-json = no es JSON: { $error }
daemon-not-an-object = una petición es un objeto JSON
daemon-bad-secret-answer = respuesta de secreto no válida: se esperaba job (número), name (texto) y value (texto o null)
daemon-bad-request = petición no válida: { $error }
daemon-internal-error = error interno
daemon-no-worker = no hay ningún hilo libre para leer la tarjeta
daemon-not-allowed = no tiene permiso para usar este servicio
daemon-too-many-connections = demasiadas conexiones; vuelva a intentarlo más tarde
daemon-no-reader = no hay ningún lector «{ $reader }»
daemon-no-card = no hay ninguna tarjeta en «{ $reader }»
daemon-no-service = pcscd no está en marcha
daemon-no-job = no existe la tarea { $job }
daemon-cancel-forbidden = la tarea { $job } la inició otro usuario; solo ese usuario o root pueden cancelarla
daemon-secret-not-owner = solo la conexión que inició una tarea puede responder a sus peticiones de secretos
daemon-secret-not-waiting = la tarea { $job } no está esperando «{ $name }»
daemon-secret-already-answered = la tarea ya tiene esa respuesta
daemon-renew-not-available = este sellod no tiene cliente EST y no puede renovar; renueve en un punto de registro
daemon-card-busy = la tarea { $job } está en curso en «{ $reader }»; solo puede haber una tarea por tarjeta a la vez
daemon-cannot-start-job = no se puede iniciar la tarea
daemon-cannot-start-job-thread = no se puede iniciar el hilo de la tarea: { $error }

## Por qué se ha detenido una tarea (`error.message` de `job-finished`).
daemon-job-cancelled = cancelada
daemon-job-was-cancelled = se ha cancelado la tarea
daemon-card-gone = se ha retirado o cambiado la tarjeta durante la tarea; no se ha hecho nada más
daemon-secret-timeout = { $minutes ->
    [one] nadie ha respondido a la petición de { $name } en { $minutes } minuto
   *[other] nadie ha respondido a la petición de { $name } en { $minutes } minutos
}
daemon-no-est-client = este sellod no tiene cliente EST
daemon-invalid-pin = eso no es un PIN válido
daemon-invalid-puk = eso no es un PUK válido
daemon-invalid-mgmt-key = la clave de administración no está en hexadecimal válido para el algoritmo del perfil
daemon-unknown-algorithm = algoritmo desconocido «{ $algorithm }»
daemon-not-a-slot = «{ $slot }» no es una ranura (9A, 9C o all)
daemon-no-state-dir = no hay directorio de estado para el diario (defina SELLO_STATE_DIR)
daemon-no-ca-configured = no hay ninguna CA configurada: indique est (con est_trust o est_pin) o local_ca
daemon-local-ca-error = CA local { $path }: { $error }
daemon-est-trust-missing = ¿cómo se reconoce el servidor EST? Indique est_trust o est_pin
daemon-operator-card-profile = el perfil { $profile } autentica la inscripción con la tarjeta del operador, que sellod no tiene: ejecute `sello activate --direct --operator-reader NOMBRE`
daemon-cannot-fetch-cacerts = no se pueden obtener los certificados de la CA (EST /cacerts): { $error }
daemon-cannot-read-ca-cert = no se puede leer el certificado de la CA { $path }: { $error }
daemon-no-pem-cert = { $path }: no contiene ningún certificado PEM
daemon-path-not-absolute = { $path } debe ser una ruta absoluta (el servicio no comparte el directorio del cliente)
daemon-enrollment-not-sent = no enviada: { $reason }

## Detalles del progreso de las tareas (`detail`) y resultados.
daemon-step-connecting = conectando con la tarjeta
daemon-step-card-identified = tarjeta identificada
daemon-step-changing-pin = cambiando el PIN
daemon-step-unblocking = desbloqueando el PIN
daemon-pin-changed = PIN cambiado
daemon-pin-unblocked = PIN desbloqueado y cambiado
daemon-ca-pending = la CA ha dejado la petición en espera; se volverá a preguntar dentro de { $seconds } s ({ $attempt }/{ $max })

## Lo que pide una petición de secreto (`prompt`).
daemon-prompt-current-pin = PIN actual
daemon-prompt-new-pin = PIN nuevo
daemon-prompt-puk = PUK
daemon-prompt-holder-pin = PIN del titular
daemon-prompt-new-puk = PUK nuevo
daemon-prompt-mgmt-secret = Secreto del operador para la clave de administración
daemon-prompt-enrollment-code = Código de inscripción de un solo uso

## El `advice` de un aviso de caducidad (en el idioma de cada suscriptor).
daemon-expiry-advice = ejecute `sello renew` antes de que caduque el certificado

## Errores del cliente (`sello watch`, `--via-daemon`).
daemon-client-cannot-reach = no se puede contactar con sellod en { $path }: { $error }
daemon-client-connection-lost = se ha perdido la conexión con sellod: { $error }
daemon-client-closed = sellod ha cerrado la conexión
daemon-client-not-json = sellod ha enviado algo que no es JSON: { $error }

## Errores de arranque y líneas del registro (tras «sellod: »), en el idioma del servicio.
daemon-already-running = ya hay otro sellod escuchando en { $path }
daemon-cannot-create-dir = no se puede crear { $path }: { $error }
daemon-cannot-set-permissions = no se pueden fijar los permisos de { $path }: { $error }
daemon-cannot-chown = no se puede asignar { $path } al grupo: { $error }
daemon-cannot-remove-stale = no se puede eliminar el socket abandonado { $path }: { $error }
daemon-cannot-listen = no se puede escuchar en { $path }: { $error }
daemon-no-group = no existe el grupo «{ $group }» en /etc/group
daemon-systemd-socket-unusable = el socket que ha pasado systemd no se puede usar
daemon-cannot-start-monitor = no se puede iniciar la vigilancia de los lectores
daemon-server-loop-failed = el bucle del servidor ha fallado
daemon-log-listening = escuchando en { $path }
daemon-log-listening-systemd = escuchando en el socket de systemd
daemon-log-core-dumps = no se pueden desactivar los volcados de memoria ({ $error }); no se manejarán secretos
daemon-log-open-files = no se puede subir el límite de ficheros abiertos: { $error }
daemon-log-cannot-wake = no se puede despertar el bucle del servidor: { $error }
daemon-log-subscriber-dropped = el suscriptor { $conn } es demasiado lento; se ha desconectado
daemon-log-accept = no se puede aceptar una conexión: { $error }
daemon-log-cannot-watch = no se puede vigilar una conexión: { $error }
daemon-log-monitor-reconnecting = vigilancia de lectores: { $error }; reconectando con pcscd
daemon-log-monitor-error = vigilancia de lectores: { $error }
daemon-log-cannot-probe = no se puede iniciar un hilo de lectura de tarjeta: { $error }
daemon-log-no-notification = sin notificación de escritorio (gdbus: { $error })
