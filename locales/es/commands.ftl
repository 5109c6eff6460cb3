# sello browser, profile, mgmt-secret, cert export, entrada de secretos, las líneas de las tareas
# de sellod, problemas de doctor con los ficheros de certificados.

## Errores comunes sobre ficheros (tras «sello: »).
cmd-cannot-read-file = no se puede leer { $path }
cmd-cannot-create-file = no se puede crear { $path }
cmd-cannot-write-file = no se puede escribir { $path }
cmd-file-not-utf8 = { $path } no es texto UTF-8
cmd-bad-path = ruta no válida: { $path }
cmd-path-not-utf8 = { $path } no está en UTF-8
## Un error cuyo mensaje la orden ya ha mostrado.
cmd-reported = ha fallado (véase arriba)
## Antes de leer ningún secreto; $error es el motivo que da el sistema.
cmd-core-dumps = no se pueden desactivar los volcados de memoria ({ $error }); no se manejarán secretos

## Secretos que pide la CLI: $secret es current-pin, new-pin, puk, new-puk, holder-pin,
## operator-pin, enrollment-code o mgmt-secret. Como etiqueta de la petición:
cmd-secret = { $secret ->
    [current-pin] PIN actual
    [new-pin] PIN nuevo
    [puk] PUK
    [new-puk] PUK nuevo
    [holder-pin] PIN del titular
    [operator-pin] PIN del operador
    [enrollment-code] Código de inscripción
   *[mgmt-secret] Secreto de la clave de administración del operador
}
## Dentro de una frase ($what en los mensajes siguientes).
cmd-secret-the = { $secret ->
    [current-pin] el PIN actual
    [new-pin] el PIN nuevo
    [puk] el PUK
    [new-puk] el PUK nuevo
    [holder-pin] el PIN del titular
    [operator-pin] el PIN del operador
    [enrollment-code] el código de inscripción
   *[mgmt-secret] el secreto de la clave de administración del operador
}
## La segunda petición de un secreto nuevo.
cmd-secret-again = Repita { $what }
cmd-input-no-terminal = no se puede pedir { $what }: no hay terminal (en scripts, use --pin-stdin)
cmd-input-cannot-read = no se puede leer { $what } de la entrada estándar
cmd-input-ended = la entrada estándar se ha acabado antes de dar { $what }
cmd-input-mismatch = las dos veces que se ha escrito { $what } no coinciden; no se ha cambiado nada
cmd-mgmt-key-not-hex = la clave de administración debe estar en hexadecimal
cmd-mgmt-key-bad-hex = la clave de administración no es un hexadecimal válido para el algoritmo del perfil
## $mode es como 0644.
cmd-secret-file-open = { $path } está abierto al grupo o a otros usuarios (modo { $mode }); un fichero de secretos debe ser privado: chmod 600 { $path }

## sello cert export
cmd-cert-bad-slot = «{ $slot }» no es una ranura de clave (9A, 9C, 9D, 9E)
cmd-cert-der-needs-out = DER es binario: indique --out FICHERO

## sello mgmt-secret generate
cmd-mgmt-secret-rng-failed = ha fallado el generador de números aleatorios del sistema operativo
cmd-mgmt-secret-written = Se ha escrito un secreto maestro de operador nuevo en { $path } (modo 0600). Guarde una copia sin conexión: sin él no se pueden recuperar las claves de administración de las tarjetas.

## sello browser install|status|uninstall
cmd-browser-sudo = aviso: se está ejecutando con sudo, así que afecta a los navegadores de la cuenta cuya carpeta personal es { $home }, no a los de { $user }. Ejecútelo sin sudo.
cmd-browser-module = Módulo: { $path }
cmd-browser-firefox-profile = Firefox (perfil «{ $profile }»)
## $package es snap o flatpak.
cmd-browser-firefox-package-profile = Firefox { $package } (perfil «{ $profile }»)
cmd-browser-added-new-db = registrado (se ha creado una base de datos nueva)
cmd-browser-added = registrado
cmd-browser-updated = registrado (sustituye a la ruta antigua { $old })
cmd-browser-unchanged = ya estaba registrado
cmd-browser-removed = eliminado
cmd-browser-was-not-registered = no estaba registrado
cmd-browser-skipped = omitido: { $why }
cmd-browser-skip-no-database = todavía no hay base de datos de certificados (el perfil no se ha abierto nunca); abra Firefox una vez con este perfil, ciérrelo y vuelva a ejecutar `sello browser install` para usar la tarjeta en él
cmd-browser-failed = HA FALLADO: { $error }
cmd-browser-restart = Reinicie los navegadores para usar la tarjeta.
cmd-browser-some-failed = algunos registros han fallado (véase arriba)
cmd-browser-cannot-read = no se puede leer: { $error }
cmd-browser-registered = registrado: { $library }
cmd-browser-registered-missing = registrado, pero { $library } no existe: vuelva a ejecutar `sello browser install`
cmd-browser-registered-file-missing = registrado: { $library } (falta el fichero)
cmd-browser-no-database = no registrado (todavía no hay base de datos de certificados)
cmd-browser-not-registered = no registrado
cmd-browser-firefox-running = Firefox está abierto
cmd-browser-p11kit-absent = no está instalado en este ordenador

## sello profile list|show: etiquetas (el código las alinea) y valores. $mode, $charset y $pin
## son las palabras del propio perfil (derived, digits, always...); $purpose es cli-purpose.
cmd-profile-user-dir = Carpeta de perfiles del usuario: { $dir }
cmd-profile-name = Perfil:
cmd-profile-about = Descripción:
cmd-profile-source = Origen:
cmd-profile-card-label = Tarjeta:
cmd-profile-mgmt-key-label = Clave admin.:
cmd-profile-key-label = Clave { $slot }:
cmd-profile-subject = Titular:
cmd-profile-card = controlador { $driver }
cmd-profile-card-aid = controlador { $driver }, AID { $aid }
cmd-profile-mgmt-key = { $mode ->
    [derived] derivada del secreto maestro
    [explicit] explícita
    [factory] la de fábrica
    [pin-protected] protegida por el PIN
   *[other] { $mode }
} ({ $algorithm })
cmd-profile-default-allowed = se admite la de fábrica
cmd-profile-rule = { $min }-{ $max } { $charset ->
    [digits] dígitos
    [alphanumeric] letras y dígitos
    [printable] caracteres imprimibles
   *[other] { $charset }
}, { $retries ->
    [one] { $retries } intento
   *[other] { $retries } intentos
}
cmd-profile-puk-generated = generado y mostrado una sola vez
cmd-profile-puk-entered = lo introduce el operador
cmd-profile-key = { $purpose }, { $algorithm } (admitidos: { $allowed }), { $pin ->
    [never] sin PIN
    [once] PIN una vez por sesión
    [always] PIN en cada uso
   *[other] PIN { $pin }
}
cmd-profile-key-optional = opcional

## sello watch: lo que no está en los mensajes watch-*. $status y $state son códigos del demonio
## (started, done, already-done, waiting; running, done, failed, cancelled); $step es el código
## de un paso con su ranura (generate-key 9A).
cmd-watch-no-daemon = ¿está en marcha sellod? (systemctl --user start sellod.socket)
cmd-watch-pcscd-not-running = pcscd no está en marcha
cmd-watch-closed = sellod ha cerrado la conexión
## $what es la parte de la tarjeta que no se ha podido leer: certificates o pins.
cmd-watch-unreadable = { $what ->
    [certificates] certificados ilegibles
    [pins] intentos de PIN ilegibles
   *[other] { $what } ilegible
} ({ $error })
cmd-watch-job-progress = { $reader }: tarea { $job } { $status ->
    [started] iniciada
    [done] hecha
    [already-done] ya hecha
    [waiting] en espera
   *[other] { $status }
} { $step }
cmd-watch-job-failed = { $reader }: tarea { $job } { $state ->
    [failed] fallida
    [cancelled] cancelada
    [done] terminada
    [running] en curso
   *[other] { $state }
}: { $error }

## sello activate / renew como tarea de sellod.
## $kind es activate o renew.
cmd-job-runs-in-sellod = { $kind ->
    [activate] La activación
    [renew] La renovación
   *[other] La tarea
} se ejecuta en sellod (tarea { $job }, lector «{ $reader }»).
## Tras «PUK: 12345678».
cmd-job-puk-shown-once = anótelo para el titular: solo se muestra esta vez
## Un paso terminado, entre corchetes delante del paso.
cmd-job-status = { $status ->
    [done] hecho
    [already-done] ya hecho
    [waiting] en espera
   *[other] { $status }
}
cmd-job-activation-stopped = la activación se ha detenido: { $error } (ejecute la misma orden otra vez para continuar)
cmd-job-needs-mgmt-secret = el perfil necesita el secreto de la clave de administración del operador: --mgmt-secret-file FICHERO o --mgmt-secret-stdin
cmd-job-unknown-secret = sellod pide un secreto que esta versión de sello no conoce («{ $name }»); actualice sello y sellod a la vez

## sello doctor: problemas con los ficheros de certificados de la CA y con las firmas.
cmd-doctor-no-certificate-in-file = { $path }: no contiene ningún certificado
cmd-doctor-certificate-unparsable = el certificado no se puede interpretar
cmd-doctor-ca-key-unusable = la clave pública de la CA: { $error }
cmd-doctor-signature-algorithm-unsupported = el algoritmo de firma { $oid } no se admite
