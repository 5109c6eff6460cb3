# sello browser, profile, mgmt-secret, cert export, entrada de secrets, les línies de les tasques
# de sellod, problemes de doctor amb els fitxers de certificats.

## Errors comuns sobre fitxers (després de «sello: »).
cmd-cannot-read-file = no es pot llegir { $path }
cmd-cannot-create-file = no es pot crear { $path }
cmd-cannot-write-file = no es pot escriure { $path }
cmd-file-not-utf8 = { $path } no és text UTF-8
cmd-bad-path = camí no vàlid: { $path }
cmd-path-not-utf8 = { $path } no està en UTF-8
## Un error el missatge del qual l'ordre ja ha mostrat.
cmd-reported = ha fallat (vegeu més amunt)
## Abans de llegir cap secret; $error és el motiu que dona el sistema.
cmd-core-dumps = no es poden desactivar els bolcats de memòria ({ $error }); no es gestionaran secrets

## Secrets que demana la CLI: $secret és current-pin, new-pin, puk, new-puk, holder-pin,
## operator-pin, enrollment-code o mgmt-secret. Com a etiqueta de la petició:
cmd-secret = { $secret ->
    [current-pin] PIN actual
    [new-pin] PIN nou
    [puk] PUK
    [new-puk] PUK nou
    [holder-pin] PIN del titular
    [operator-pin] PIN de l'operador
    [enrollment-code] Codi d'inscripció
   *[mgmt-secret] Secret de la clau d'administració de l'operador
}
## Dins d'una frase ($what en els missatges següents).
cmd-secret-the = { $secret ->
    [current-pin] el PIN actual
    [new-pin] el PIN nou
    [puk] el PUK
    [new-puk] el PUK nou
    [holder-pin] el PIN del titular
    [operator-pin] el PIN de l'operador
    [enrollment-code] el codi d'inscripció
   *[mgmt-secret] el secret de la clau d'administració de l'operador
}
## La segona petició d'un secret nou.
cmd-secret-again = Repetiu { $what }
cmd-input-no-terminal = no es pot demanar { $what }: no hi ha cap terminal (en scripts, feu servir --pin-stdin)
cmd-input-cannot-read = no es pot llegir { $what } de l'entrada estàndard
cmd-input-ended = l'entrada estàndard s'ha acabat abans de donar { $what }
cmd-input-mismatch = les dues vegades que s'ha escrit { $what } no coincideixen; no s'ha canviat res
cmd-mgmt-key-not-hex = la clau d'administració ha de ser en hexadecimal
cmd-mgmt-key-bad-hex = la clau d'administració no és un hexadecimal vàlid per a l'algorisme del perfil
## $mode és com ara 0644.
cmd-secret-file-open = { $path } és obert al grup o a altres usuaris (mode { $mode }); un fitxer de secrets ha de ser privat: chmod 600 { $path }

## sello cert export
cmd-cert-bad-slot = «{ $slot }» no és una ranura de clau (9A, 9C, 9D, 9E)
cmd-cert-der-needs-out = DER és binari: indiqueu --out FITXER

## sello mgmt-secret generate
cmd-mgmt-secret-rng-failed = ha fallat el generador de nombres aleatoris del sistema operatiu
cmd-mgmt-secret-written = S'ha escrit un secret mestre d'operador nou a { $path } (mode 0600). Guardeu-ne una còpia fora de línia: sense ell no es poden recuperar les claus d'administració de les targetes.

## sello browser install|status|uninstall
cmd-browser-sudo = avís: s'està executant amb sudo, de manera que afecta els navegadors del compte la carpeta personal del qual és { $home }, no els de { $user }. Executeu-lo sense sudo.
cmd-browser-module = Mòdul: { $path }
cmd-browser-firefox-profile = Firefox (perfil «{ $profile }»)
## $package és snap o flatpak.
cmd-browser-firefox-package-profile = Firefox { $package } (perfil «{ $profile }»)
cmd-browser-added-new-db = registrat (s'ha creat una base de dades nova)
cmd-browser-added = registrat
cmd-browser-updated = registrat (substitueix el camí antic { $old })
cmd-browser-unchanged = ja estava registrat
cmd-browser-removed = eliminat
cmd-browser-was-not-registered = no estava registrat
cmd-browser-skipped = omès: { $why }
cmd-browser-skip-no-database = encara no hi ha cap base de dades de certificats (el perfil no s'ha obert mai); obriu Firefox una vegada amb aquest perfil, tanqueu-lo i torneu a executar `sello browser install` per a fer servir la targeta en aquest perfil
cmd-browser-failed = HA FALLAT: { $error }
cmd-browser-restart = Reinicieu els navegadors per a fer servir la targeta.
cmd-browser-some-failed = alguns registres han fallat (vegeu més amunt)
cmd-browser-cannot-read = no es pot llegir: { $error }
cmd-browser-registered = registrat: { $library }
cmd-browser-registered-missing = registrat, però { $library } no existeix: torneu a executar `sello browser install`
cmd-browser-registered-file-missing = registrat: { $library } (falta el fitxer)
cmd-browser-no-database = no registrat (encara no hi ha cap base de dades de certificats)
cmd-browser-not-registered = no registrat
cmd-browser-firefox-running = Firefox està obert
cmd-browser-p11kit-absent = no està instal·lat en aquest ordinador

## sello profile list|show: etiquetes (el codi les alinea) i valors. $mode, $charset i $pin són
## les paraules del mateix perfil (derived, digits, always...); $purpose és cli-purpose.
cmd-profile-user-dir = Carpeta de perfils de l'usuari: { $dir }
cmd-profile-name = Perfil:
cmd-profile-about = Descripció:
cmd-profile-source = Origen:
cmd-profile-card-label = Targeta:
cmd-profile-mgmt-key-label = Clau admin.:
cmd-profile-key-label = Clau { $slot }:
cmd-profile-subject = Titular:
cmd-profile-card = controlador { $driver }
cmd-profile-card-aid = controlador { $driver }, AID { $aid }
cmd-profile-mgmt-key = { $mode ->
    [derived] derivada del secret mestre
    [explicit] explícita
    [factory] la de fàbrica
    [pin-protected] protegida pel PIN
   *[other] { $mode }
} ({ $algorithm })
cmd-profile-default-allowed = s'admet la de fàbrica
cmd-profile-rule = { $min }-{ $max } { $charset ->
    [digits] xifres
    [alphanumeric] lletres i xifres
    [printable] caràcters imprimibles
   *[other] { $charset }
}, { $retries ->
    [one] { $retries } intent
   *[other] { $retries } intents
}
cmd-profile-puk-generated = generat i mostrat una sola vegada
cmd-profile-puk-entered = l'introdueix l'operador
cmd-profile-key = { $purpose }, { $algorithm } (admesos: { $allowed }), { $pin ->
    [never] sense PIN
    [once] PIN una vegada per sessió
    [always] PIN a cada ús
   *[other] PIN { $pin }
}
cmd-profile-key-optional = opcional

## sello watch: el que no és als missatges watch-*. $status i $state són codis del dimoni
## (started, done, already-done, waiting; running, done, failed, cancelled); $step és el codi
## d'un pas amb la seva ranura (generate-key 9A).
cmd-watch-no-daemon = sellod està en marxa? (systemctl --user start sellod.socket)
cmd-watch-pcscd-not-running = pcscd no està en marxa
cmd-watch-closed = sellod ha tancat la connexió
## $what és la part de la targeta que no s'ha pogut llegir: certificates o pins.
cmd-watch-unreadable = { $what ->
    [certificates] certificats il·legibles
    [pins] intents de PIN il·legibles
   *[other] { $what } il·legible
} ({ $error })
cmd-watch-job-progress = { $reader }: tasca { $job } { $status ->
    [started] iniciada
    [done] feta
    [already-done] ja feta
    [waiting] en espera
   *[other] { $status }
} { $step }
cmd-watch-job-failed = { $reader }: tasca { $job } { $state ->
    [failed] fallida
    [cancelled] cancel·lada
    [done] acabada
    [running] en curs
   *[other] { $state }
}: { $error }

## sello activate / renew com a tasca de sellod.
## $kind és activate o renew.
cmd-job-runs-in-sellod = { $kind ->
    [activate] L'activació
    [renew] La renovació
   *[other] La tasca
} s'executa a sellod (tasca { $job }, lector «{ $reader }»).
## Després de «PUK: 12345678».
cmd-job-puk-shown-once = anoteu-lo per al titular: només es mostra aquesta vegada
## Un pas acabat, entre claudàtors davant del pas.
cmd-job-status = { $status ->
    [done] fet
    [already-done] ja fet
    [waiting] en espera
   *[other] { $status }
}
cmd-job-activation-stopped = l'activació s'ha aturat: { $error } (executeu la mateixa ordre una altra vegada per a continuar)
cmd-job-needs-mgmt-secret = el perfil necessita el secret de la clau d'administració de l'operador: --mgmt-secret-file FITXER o --mgmt-secret-stdin
cmd-job-unknown-secret = sellod demana un secret que aquesta versió de sello no coneix («{ $name }»); actualitzeu sello i sellod alhora

## sello doctor: problemes amb els fitxers de certificats de la CA i amb les signatures.
cmd-doctor-no-certificate-in-file = { $path }: no conté cap certificat
cmd-doctor-certificate-unparsable = el certificat no es pot interpretar
cmd-doctor-ca-key-unusable = la clau pública de la CA: { $error }
cmd-doctor-signature-algorithm-unsupported = l'algorisme de signatura { $oid } no s'admet
