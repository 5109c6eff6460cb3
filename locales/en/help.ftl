# Command-line help of sello, sellod, sello-ca and sello-vcard (src/i18n/help.rs).
# help-<command path>: a command's description; help-<command path>-<argument>: an argument's help;
# help-<command path>-<argument>-<value>: one described value. help-clap-*: clap's own words.

## clap's own words.
help-clap-usage = Usage:
help-clap-commands = Commands:
help-clap-arguments = Arguments:
help-clap-options = Options:
help-clap-help-flag = Print help
help-clap-help-flag-more = Print help (see more with '--help')
help-clap-help-flag-summary = Print help (see a summary with '-h')
help-clap-version-flag = Print version
help-clap-help-command = Print this message or the help of the given subcommand(s)
help-clap-help-command-arg = Print help for the subcommand(s)
## Notes after an argument's help.
help-clap-env = [env: { $name }]
help-clap-default = [default: { $value }]
help-clap-possible-values = [possible values: { $values }]
help-clap-possible-values-heading = Possible values:
## Usage errors (exit status 2). $arg is an option as typed (`--reader <READER>`).
help-clap-error = error:
help-clap-error-unknown-argument = unexpected argument '{ $arg }' found
help-clap-error-unknown-subcommand = unrecognized subcommand '{ $command }'
help-clap-error-value-missing = a value is required for '{ $arg }' but none was supplied
help-clap-error-invalid-value = invalid value '{ $value }' for '{ $arg }'
help-clap-error-missing-arguments = the following required arguments were not provided:
help-clap-error-missing-subcommand = '{ $command }' requires a subcommand but one was not provided
help-clap-error-subcommands = [subcommands: { $values }]
help-clap-error-repeated = the argument '{ $arg }' cannot be used multiple times
help-clap-error-conflict = the argument '{ $arg }' cannot be used with '{ $other }'
help-clap-error-conflict-list = the argument '{ $arg }' cannot be used with:
help-clap-error-conflict-any = the argument '{ $arg }' cannot be used with one or more of the other specified arguments
help-clap-error-subcommand-conflict = the subcommand '{ $command }' cannot be used with '{ $other }'
help-clap-error-subcommand-conflict-list = the subcommand '{ $command }' cannot be used with:
help-clap-tip = tip:
## $names: quoted names, comma-separated; $count: how many.
help-clap-tip-similar-command = { $count ->
    [one] a similar subcommand exists: { $names }
   *[other] some similar subcommands exist: { $names }
}
help-clap-tip-similar-argument = { $count ->
    [one] a similar argument exists: { $names }
   *[other] some similar arguments exist: { $names }
}
help-clap-tip-similar-value = { $count ->
    [one] a similar value exists: { $names }
   *[other] some similar values exist: { $names }
}
help-clap-error-more = For more information, try '{ $flag }'.

## The exit statuses of sello (sello --help, man page).
help-exit-heading = Exit status:
help-exit-ok = success
help-exit-error = error (none of the more specific statuses below)
help-exit-usage = usage error: wrong command line
help-exit-no-card = no smart-card reader, no card in the reader, or the card was removed
help-exit-wrong-pin = wrong PIN or PUK (tries are left)
help-exit-pin-blocked = PIN or PUK blocked
help-exit-ca-refused = the certification authority refused the request

## Shared texts.
-help-reader = The reader to use (a name, or a unique part of one); default: the only reader with a card
-help-profile = Card profile (default: the one profile that applies to the card)
-help-est = The CA's EST server (RFC 7030), e.g. https://127.0.0.1:8443
-help-est-trust = Trust anchor(s) (PEM) for the EST server's TLS certificate
-help-est-pin = Or: the SHA-256 fingerprint (hex) of the EST server's TLS certificate
-help-direct = Talk to the card directly over PC/SC even when sellod is running
-help-ca-dir = CA directory

## sello
help-sello = Smart cards for citizen certificates: card status, PIN care, activation and renewal
help-sello-verbose = Trace every APDU to standard error (PIN, PUK and key bytes redacted)
help-sello-json = Machine-readable JSON output
help-sello-lang = Language of messages: es, ca, ca-valencia or en (default: from LC_ALL, LC_MESSAGES, LANG; English when none of them is available). `--json` keys and codes never change
help-sello-readers = List smart-card readers and whether each holds a card
help-sello-status = Show the card: type, serial, version, key slots and certificates, PIN and PUK tries
help-sello-status-reader = { -help-reader }
help-sello-pin = Change, unblock or query the PIN
help-sello-pin-status = Show the tries left for PIN and PUK (never spends a try)
help-sello-pin-status-reader = { -help-reader }
help-sello-pin-change = Change the PIN (asks the current PIN, then the new one twice)
help-sello-pin-change-reader = { -help-reader }
help-sello-pin-change-pin-stdin = Read PIN/PUK values from standard input, one per line, in the order they would be asked
help-sello-pin-unblock = Unblock a blocked PIN with the PUK and set a new PIN
help-sello-pin-unblock-reader = { -help-reader }
help-sello-pin-unblock-pin-stdin = Read PIN/PUK values from standard input, one per line, in the order they would be asked
help-sello-profile = List and show card profiles
help-sello-profile-list = List the card profiles (embedded ones and those in the user profile directory)
help-sello-profile-show = Show one profile in full
help-sello-profile-show-name = The profile name (see `sello profile list`)
help-sello-activate = Activate a card for its holder: keys on the card, certificates from the CA (resumable)
help-sello-activate-reader = { -help-reader }
help-sello-activate-profile = { -help-profile }
help-sello-activate-nif = The holder's NIF or NIE
help-sello-activate-given-name = The holder's given name(s)
help-sello-activate-surnames = The holder's surname(s)
help-sello-activate-email = The holder's e-mail address (subjectAltName)
help-sello-activate-algorithm = Key algorithm for every key (must be allowed by the profile), e.g. P-256
help-sello-activate-replace-existing = Overwrite keys and certificates another tool put in the profile's slots (without it, activation refuses and shows what it would replace)
help-sello-activate-slot-algorithms = Key algorithm for one slot, e.g. `9C=P-256` (repeatable)
help-sello-activate-ca-cert = The CA certificate(s) (PEM) the issued certificates must chain to
help-sello-activate-local-ca = Enroll at a local training CA in this directory (ca.pem + ca.key, P-256) instead of EST
help-sello-activate-est = { -help-est }
help-sello-activate-est-trust = { -help-est-trust }
help-sello-activate-est-pin = { -help-est-pin }
help-sello-activate-proxy = HTTP proxy for the EST server (`http://[user:password@]host:port`, CONNECT), or `none`; default: HTTPS_PROXY / ALL_PROXY with NO_PROXY from the environment
help-sello-activate-operator-reader = The reader holding the operator's own card, whose authentication key (9A) and certificate authenticate the enrollment by TLS (profiles with `client_certificate = "operator-card"`)
help-sello-activate-mgmt-secret-file = File holding the operator's management-key secret (derived: master secret; explicit: the key in hex)
help-sello-activate-mgmt-secret-stdin = Read the operator's management-key secret as the first line of standard input
help-sello-activate-pin-stdin = Read PIN, PUK and enrollment code from standard input, one per line, in the order asked
help-sello-activate-show-journal = Print this card's activation journal and exit
help-sello-activate-via-daemon = Run the activation as a job of the sellod daemon (default when the per-user daemon answers and PCSCLITE_CSOCK_NAME is not set)
help-sello-activate-direct = { -help-direct }
help-sello-activate-reuse = Reuse a card activated before, whose certificates are all expired or revoked (checked first, by OCSP or the CA's CRL): the earlier journal is archived and new keys and certificates replace the old ones. The holder's PIN and PUK are kept; a card whose PIN and PUK are both blocked is reset to its factory state first
help-sello-renew = Renew the card's certificates before they expire (EST, new keys on the card)
help-sello-renew-reader = { -help-reader }
help-sello-renew-profile = { -help-profile }
help-sello-renew-slot = Which certificate to renew: 9A, 9C (a slot of the profile) or all
help-sello-renew-est = { -help-est }
help-sello-renew-est-trust = { -help-est-trust }
help-sello-renew-est-pin = { -help-est-pin }
help-sello-renew-proxy = HTTP proxy for the EST server (`http://host:port`, CONNECT), or `none`; default: HTTPS_PROXY / ALL_PROXY with NO_PROXY from the environment
help-sello-renew-ca-cert = The CA certificate(s) (PEM) the new certificates must chain to (default: EST /cacerts)
help-sello-renew-mgmt-secret-file = File holding the operator's management-key secret (at a registration point). Without it, the holder renews with the PIN alone when the card keeps a PIN-protected management key
help-sello-renew-mgmt-secret-stdin = Read the management-key secret as the first line of standard input
help-sello-renew-pin-stdin = Read the PIN from standard input (after the management-key secret, if that is read too)
help-sello-renew-force = Renew even though the certificate is not yet within the renewal window (operator)
help-sello-renew-window-days = The renewal window: renewal is allowed in the last DAYS of validity
help-sello-renew-via-daemon = Run the renewal as a job of the sellod daemon (default when the per-user daemon answers and PCSCLITE_CSOCK_NAME is not set)
help-sello-renew-direct = { -help-direct }
help-sello-cert = Show or export the certificates on the card
help-sello-cert-show = Show the certificate of a slot, or of every slot holding one
help-sello-cert-show-reader = { -help-reader }
help-sello-cert-show-slot = Key slot (9A, 9C, 9D, 9E); default: all
help-sello-cert-export = Write the certificate of a slot as PEM or DER (to a file, or PEM to standard output)
help-sello-cert-export-reader = { -help-reader }
help-sello-cert-export-slot = Key slot (9A, 9C, 9D, 9E)
help-sello-cert-export-format = Output format
help-sello-cert-export-out = Output file (default: standard output, PEM only)
help-sello-browser = Register the PKCS#11 module with Chromium/Chrome, Firefox and p11-kit
help-sello-browser-install = Register the Sello module in Chromium/Chrome and every Firefox profile (and p11-kit)
help-sello-browser-install-module = The PKCS#11 module to register (default: the installed libsello.so)
help-sello-browser-status = Show where the module is registered
help-sello-browser-uninstall = Remove every registration `install` made
help-sello-doctor = Check that everything needed to use the card is in place, and say what to fix
help-sello-doctor-reader = The reader to check (a name, or a unique part of one); default: the one holding a card
help-sello-doctor-ca = A trusted CA certificate (PEM or DER), in addition to those in the CA directory
help-sello-doctor-ca-dir = Directory of trusted CA certificates
help-sello-watch = Stream the sellod daemon's events: cards inserted and removed, jobs, expiry warnings
help-sello-watch-socket = The daemon's socket (default: $SELLO_SOCKET, $XDG_RUNTIME_DIR/sello/sellod.sock, or /run/sello/sellod.sock)
help-sello-mgmt-secret = Operator master secrets (management keys of `derived` profiles)
help-sello-mgmt-secret-generate = Write a new operator master secret (32 random bytes, hex) to a new file, mode 0600
help-sello-mgmt-secret-generate-out = The file to create (an existing file is never overwritten)

## sellod
help-sellod = Sello daemon: watches readers, runs card jobs, serves the local API
help-sellod-socket = Socket path (default: $SELLO_SOCKET, else $XDG_RUNTIME_DIR/sello/sellod.sock, else /run/sello/sellod.sock). Ignored under systemd socket activation
help-sellod-group = System-wide mode: members of this group may use the daemon (socket 0660 root:GROUP)
help-sellod-idle-timeout = Seconds a connection may stay silent before the daemon closes it, unless it subscribed to events or owns a running job
help-sellod-request-timeout = Seconds a client may take to finish a request line it has begun, or to take a response off the socket, before the daemon closes the connection

## sello-ca
help-sello-ca = Local test CA for Sello: issues natural-person certificates over EST. NOT FOR PRODUCTION
help-sello-ca-init = Create a root CA, an issuing CA, the EST server's TLS certificate and config.toml in DIR
help-sello-ca-init-dir = CA directory (created; must be empty)
help-sello-ca-init-listen = EST listen address written to config.toml
help-sello-ca-init-crl-listen = CRL (plain HTTP) listen address written to config.toml
help-sello-ca-init-crl-url = CRL distribution point URL put in certificates (default: http://CRL_LISTEN/crl)
help-sello-ca-init-issuing-key = Key type of the issuing CA
help-sello-ca-init-issuing-key-ecdsa-p384 = ECDSA P-384, ecdsa-with-SHA384 signatures
help-sello-ca-init-issuing-key-rsa-3072 = RSA 3072 bits, sha256WithRSAEncryption (PKCS#1 v1.5) signatures, for relying parties that expect an RSA hierarchy as FNMT's and the DNIe's are
help-sello-ca-serve = Serve EST over HTTPS and the CRL over HTTP
help-sello-ca-serve-dir = { -help-ca-dir }
help-sello-ca-serve-listen = Override the EST listen address (port 0 picks a free port; the bound address is printed)
help-sello-ca-serve-crl-listen = Override the CRL listen address
help-sello-ca-enroll-code = Register an identity and print its one-time enrollment code
help-sello-ca-enroll-code-dir = { -help-ca-dir }
help-sello-ca-enroll-code-nif = NIF or NIE (check letter validated)
help-sello-ca-enroll-code-given-name = Given name(s)
help-sello-ca-enroll-code-surnames = Surnames
help-sello-ca-enroll-code-email = E-mail address (SAN rfc822Name)
help-sello-ca-enroll-code-valid-days = Days the code stays valid (default from config.toml: 15). 0 makes an already-expired code, for tests
help-sello-ca-revoke = Revoke a certificate (irreversible) and regenerate the CRL
help-sello-ca-revoke-dir = { -help-ca-dir }
help-sello-ca-revoke-serial = Serial number, hex
help-sello-ca-revoke-reason = RFC 5280 reason: unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn
help-sello-ca-list = List issued certificates
help-sello-ca-list-dir = { -help-ca-dir }
help-sello-ca-list-json = JSON output

## sello-vcard
help-sello-vcard = A virtual PIV card for pcscd (vsmartcard vpcd)
help-sello-vcard-after = For tests and training only: the state file holds the card's PIN, PUK, management key and private keys in the clear (hex in JSON). Keep it away from real secrets.
help-sello-vcard-vpcd = vpcd address (host:port) to connect to
help-sello-vcard-state = State file (created with factory defaults if missing); without it the card forgets on exit. It holds PIN, PUK, management key and private keys IN THE CLEAR (test use only)
help-sello-vcard-serial = Serial number for a newly created card
help-sello-vcard-atr = ATR (hex) to answer with instead of the default (or the one in the state file)
help-sello-vcard-ready-file = File to create once pcscd has read the ATR (used by the test rig)
help-sello-vcard-fault = Misbehave on purpose, to test the host's checks: `repeat-key` answers key generation with a key another slot already holds
help-sello-vcard-fault-repeat-key = GENERATE ASYMMETRIC KEY PAIR answers with a key another slot already holds (same algorithm), as a card whose key generator repeats itself
help-sello-vcard-compat = Behave like another PIV card of the field (docs/architecture.md, "Compatibility modes")
-help-compat-yubikey-5-7 = A YubiKey 5 with firmware 5.7 (every command this applet implements)
-help-compat-yubikey-5-4 = A YubiKey 5 with firmware 5.4: no MOVE KEY, no Ed25519/X25519
-help-compat-yubikey-4 = A YubiKey 4: no metadata, no MOVE KEY, management key 3DES only
-help-compat-piv-plain = A plain SP 800-73-4 card: no vendor command
-help-compat-applet-partial-metadata = A JavaCard PIV applet with partial metadata, no MOVE KEY or SET PIN RETRIES (5 tries), retired slots 82–8C only, unknown objects refused
help-sello-vcard-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox = Start a private pcscd with factory virtual cards and run COMMAND against it
help-sello-vcard-sandbox-cards = Number of cards (1 or 2)
help-sello-vcard-sandbox-states = Start card i from a copy of this state file (repeat for the second card)
help-sello-vcard-sandbox-compat = Behave like another PIV card of the field
help-sello-vcard-sandbox-compat-yubikey-5-7 = { -help-compat-yubikey-5-7 }
help-sello-vcard-sandbox-compat-yubikey-5-4 = { -help-compat-yubikey-5-4 }
help-sello-vcard-sandbox-compat-yubikey-4 = { -help-compat-yubikey-4 }
help-sello-vcard-sandbox-compat-piv-plain = { -help-compat-piv-plain }
help-sello-vcard-sandbox-compat-applet-partial-metadata = { -help-compat-applet-partial-metadata }
help-sello-vcard-sandbox-command = The command and its arguments
