# Mensajes de sello-vcard (es): lo que lee el operador en stderr tras «sello-vcard: » o
# «sello-vcard sandbox: » (src/virtual_card/cli.rs, vpcd.rs, rig.rs, errores del estado).

## $error es el error con sus causas.
vcard-error = error: { $error }
vcard-atr-not-hex = --atr no está en hexadecimal

## Línea de arranque. $serial es el número de serie, $compat el modo de --compat (yubikey-5.7),
## $path el fichero de estado.
vcard-serving = número de serie { $serial }, { $compat }, estado en { $path }
vcard-serving-in-memory = número de serie { $serial }, { $compat }, estado solo en memoria (se pierde al salir)

## La conexión de la tarjeta con vpcd. $error es el texto del sistema.
vcard-vpcd-connected = conectado a vpcd en { $address }
vcard-vpcd-closed = vpcd ha cerrado la conexión
vcard-vpcd-lost = se ha perdido la conexión con vpcd: { $error }
vcard-vpcd-waiting = esperando a vpcd en { $address }: { $error }
vcard-internal-error = error interno al procesar una orden (respondida con 6F00)

## sello-vcard sandbox. $reader es un nombre de lector PC/SC; $setting es
## «PCSCLITE_CSOCK_NAME=<ruta>», entero para los scripts.
vcard-sandbox-card = tarjeta { $index } en «{ $reader }»
vcard-sandbox-socket = socket de pcscd: { $setting }
vcard-sandbox-needs-command = sandbox necesita la orden que debe ejecutar
vcard-locate-self = no se encuentra el propio programa sello-vcard
vcard-sandbox-start = no se puede arrancar el entorno aislado (un pcscd privado con tarjetas virtuales)
vcard-sandbox-run = no se puede ejecutar { $program }

## Ficheros de estado.
vcard-card-state = fichero de estado de la tarjeta { $path }
vcard-state-io = no se puede leer o escribir el fichero de estado
vcard-state-format = el fichero no es un estado de tarjeta válido

## El banco de pruebas (un pcscd privado con lectores vpcd y tarjetas virtuales).
vcard-rig-create-dir = no se puede crear el directorio del banco de pruebas
vcard-rig-create-run-dir = no se puede crear el directorio del socket de pcscd
vcard-rig-create-conf-dir = no se puede crear el directorio de configuración de lectores de pcscd
vcard-rig-write-reader-conf = no se puede escribir la configuración de lectores de pcscd
vcard-rig-copy-state = no se puede copiar el fichero de estado { $path }
vcard-rig-open-card-log = no se puede crear el fichero de registro de la tarjeta
vcard-rig-start-card = no se puede arrancar { $program }
vcard-rig-open-pcscd-log = no se puede abrir el fichero de registro de pcscd
vcard-rig-start-pcscd = no se puede arrancar pcscd (necesita root, setpriv, unshare y pcscd)
vcard-rig-timeout-pcscd-socket = pcscd no ha abierto su socket a tiempo
vcard-rig-timeout-card = la tarjeta no ha aparecido en su lector a tiempo
## $waiting es «socket» o «card»; $code es el código de salida de pcscd, $signal la señal que lo terminó.
vcard-rig-pcscd-exited = { $waiting ->
    [card] pcscd ha terminado (código de salida { $code }) antes de que la tarjeta apareciera en su lector
   *[socket] pcscd ha terminado (código de salida { $code }) antes de abrir su socket
}
vcard-rig-pcscd-killed = { $waiting ->
    [card] pcscd ha muerto (señal { $signal }) antes de que la tarjeta apareciera en su lector
   *[socket] pcscd ha muerto (señal { $signal }) antes de abrir su socket
}
vcard-rig-pcscd-ended = { $waiting ->
    [card] pcscd ha terminado antes de que la tarjeta apareciera en su lector
   *[socket] pcscd ha terminado antes de abrir su socket
}
vcard-rig-no-free-ports = no hay dos puertos TCP contiguos libres para vpcd
vcard-rig-no-such-card = no hay ninguna tarjeta { $index } en este banco de pruebas
vcard-rig-too-many-cards = { $max ->
    [one] un banco de pruebas admite { $max } tarjeta, no { $cards }
   *[other] un banco de pruebas admite de 1 a { $max } tarjetas, no { $cards }
}
vcard-rig-write-state = no se puede escribir el fichero de estado de la tarjeta
