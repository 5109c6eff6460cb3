# Missatges de sello-vcard (ca): el que llegeix l'operador a stderr després de «sello-vcard: » o
# «sello-vcard sandbox: » (src/virtual_card/cli.rs, vpcd.rs, rig.rs, errors de l'estat).

## $error és l'error amb les seves causes.
vcard-error = error: { $error }
vcard-atr-not-hex = --atr no és hexadecimal

## Línia d'arrencada. $serial és el número de sèrie, $compat el mode de --compat (yubikey-5.7),
## $path el fitxer d'estat.
vcard-serving = número de sèrie { $serial }, { $compat }, estat a { $path }
vcard-serving-in-memory = número de sèrie { $serial }, { $compat }, estat només en memòria (es perd en sortir)

## La connexió de la targeta amb vpcd. $error és el text del sistema.
vcard-vpcd-connected = connectat a vpcd a { $address }
vcard-vpcd-closed = vpcd ha tancat la connexió
vcard-vpcd-lost = s'ha perdut la connexió amb vpcd: { $error }
vcard-vpcd-waiting = esperant vpcd a { $address }: { $error }
vcard-internal-error = error intern en processar una ordre (s'ha respost 6F00)

## sello-vcard sandbox. $reader és un nom de lector PC/SC; $setting és
## «PCSCLITE_CSOCK_NAME=<camí>», sencer per als scripts.
vcard-sandbox-card = targeta { $index } a «{ $reader }»
vcard-sandbox-socket = sòcol de pcscd: { $setting }
vcard-sandbox-needs-command = sandbox necessita l'ordre que ha d'executar
vcard-locate-self = no es troba el programa sello-vcard mateix
vcard-sandbox-start = no es pot engegar l'entorn aïllat (un pcscd privat amb targetes virtuals)
vcard-sandbox-run = no es pot executar { $program }

## Fitxers d'estat.
vcard-card-state = fitxer d'estat de la targeta { $path }
vcard-state-io = no es pot llegir o escriure el fitxer d'estat
vcard-state-format = el fitxer no és un estat de targeta vàlid

## El banc de proves (un pcscd privat amb lectors vpcd i targetes virtuals).
vcard-rig-create-dir = no es pot crear el directori del banc de proves
vcard-rig-create-run-dir = no es pot crear el directori del sòcol de pcscd
vcard-rig-create-conf-dir = no es pot crear el directori de configuració de lectors de pcscd
vcard-rig-write-reader-conf = no es pot escriure la configuració de lectors de pcscd
vcard-rig-copy-state = no es pot copiar el fitxer d'estat { $path }
vcard-rig-open-card-log = no es pot crear el fitxer de registre de la targeta
vcard-rig-start-card = no es pot engegar { $program }
vcard-rig-open-pcscd-log = no es pot obrir el fitxer de registre de pcscd
vcard-rig-start-pcscd = no es pot engegar pcscd (necessita root, setpriv, unshare i pcscd)
vcard-rig-timeout-pcscd-socket = pcscd no ha obert el seu sòcol a temps
vcard-rig-timeout-card = la targeta no ha aparegut al seu lector a temps
## $waiting és «socket» o «card»; $code és el codi de sortida de pcscd, $signal el senyal que l'ha acabat.
vcard-rig-pcscd-exited = { $waiting ->
    [card] pcscd ha acabat (codi de sortida { $code }) abans que la targeta aparegués al seu lector
   *[socket] pcscd ha acabat (codi de sortida { $code }) abans d'obrir el seu sòcol
}
vcard-rig-pcscd-killed = { $waiting ->
    [card] pcscd ha mort (senyal { $signal }) abans que la targeta aparegués al seu lector
   *[socket] pcscd ha mort (senyal { $signal }) abans d'obrir el seu sòcol
}
vcard-rig-pcscd-ended = { $waiting ->
    [card] pcscd ha acabat abans que la targeta aparegués al seu lector
   *[socket] pcscd ha acabat abans d'obrir el seu sòcol
}
vcard-rig-no-free-ports = no hi ha dos ports TCP contigus lliures per a vpcd
vcard-rig-no-such-card = no hi ha cap targeta { $index } en aquest banc de proves
vcard-rig-too-many-cards = { $max ->
    [one] un banc de proves admet { $max } targeta, no { $cards }
   *[other] un banc de proves admet d'1 a { $max } targetes, no { $cards }
}
vcard-rig-write-state = no es pot escriure el fitxer d'estat de la targeta
