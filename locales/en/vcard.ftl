# sello-vcard messages (en): what the operator reads on stderr after "sello-vcard: " or
# "sello-vcard sandbox: " (src/virtual_card/cli.rs, vpcd.rs, rig.rs, state errors).

## $error is the error with its causes.
vcard-error = error: { $error }
vcard-atr-not-hex = --atr is not hex

## Start-up line. $serial is the card's serial, $compat the --compat mode (yubikey-5.7), $path the
## state file.
vcard-serving = serial { $serial }, { $compat }, state in { $path }
vcard-serving-in-memory = serial { $serial }, { $compat }, state in memory only (forgotten on exit)

## The serving card's connection to vpcd. $error is the system's text.
vcard-vpcd-connected = connected to vpcd at { $address }
vcard-vpcd-closed = vpcd closed the connection
vcard-vpcd-lost = lost the connection to vpcd: { $error }
vcard-vpcd-waiting = waiting for vpcd at { $address }: { $error }
vcard-internal-error = internal error processing a command (answered 6F00)

## sello-vcard sandbox. $reader is a PC/SC reader name; $setting is "PCSCLITE_CSOCK_NAME=<path>",
## kept whole for scripts.
vcard-sandbox-card = card { $index } in "{ $reader }"
vcard-sandbox-socket = pcscd socket: { $setting }
vcard-sandbox-needs-command = sandbox needs a command to run
vcard-locate-self = cannot find the sello-vcard program itself
vcard-sandbox-start = cannot start the sandbox (a private pcscd with virtual cards)
vcard-sandbox-run = cannot run { $program }

## State files.
vcard-card-state = card state file { $path }
vcard-state-io = cannot read or write the state file
vcard-state-format = the file is not a valid card state

## The test rig (a private pcscd with vpcd readers and virtual cards).
vcard-rig-create-dir = cannot create the test rig's directory
vcard-rig-create-run-dir = cannot create the directory for pcscd's socket
vcard-rig-create-conf-dir = cannot create the directory for pcscd's reader configuration
vcard-rig-write-reader-conf = cannot write pcscd's reader configuration
vcard-rig-copy-state = cannot copy the state file { $path }
vcard-rig-open-card-log = cannot create the card's log file
vcard-rig-start-card = cannot start { $program }
vcard-rig-open-pcscd-log = cannot open pcscd's log file
vcard-rig-start-pcscd = cannot start pcscd (it needs root, setpriv, unshare and pcscd)
vcard-rig-timeout-pcscd-socket = pcscd did not open its socket in time
vcard-rig-timeout-card = the card did not appear in its reader in time
## $waiting is "socket" or "card"; $code is pcscd's exit code, $signal the signal that ended it.
vcard-rig-pcscd-exited = { $waiting ->
    [card] pcscd ended (exit code { $code }) before the card appeared in its reader
   *[socket] pcscd ended (exit code { $code }) before opening its socket
}
vcard-rig-pcscd-killed = { $waiting ->
    [card] pcscd was killed (signal { $signal }) before the card appeared in its reader
   *[socket] pcscd was killed (signal { $signal }) before opening its socket
}
vcard-rig-pcscd-ended = { $waiting ->
    [card] pcscd ended before the card appeared in its reader
   *[socket] pcscd ended before opening its socket
}
vcard-rig-no-free-ports = no pair of free TCP ports for vpcd
vcard-rig-no-such-card = there is no card { $index } in this test rig
vcard-rig-too-many-cards = { $max ->
    [one] a test rig holds { $max } card, not { $cards }
   *[other] a test rig holds 1 to { $max } cards, not { $cards }
}
vcard-rig-write-state = cannot write the card's state file
