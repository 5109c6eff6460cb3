# Error messages of the library layers below enrollment and the CLI: transport, APDU, card,
# PIN, profiles, browser set-up, pinentry. They usually follow "sello: " or "Error: ".

## Transport (PC/SC) errors.
err-transport-no-service = pcscd is not running (no PC/SC service)
err-transport-no-readers = no smart-card reader found
err-transport-reader-not-found = reader "{ $reader }" not found
err-transport-reader-unavailable = the reader is no longer available
err-transport-no-card = no card in the reader
err-transport-card-removed = card removed during the operation
err-transport-card-reset = the card was reset by another application; log in again
err-transport-sharing-violation = the card is in exclusive use by another application
err-transport-unresponsive = the card does not respond
err-transport-timeout = timed out waiting for the reader
## $why is one of the err-protocol-* messages.
err-transport-protocol = card protocol error: { $why }
err-transport-malformed = malformed card response
## $call is one of the err-pcsc-* messages; $message is the PC/SC library's own (English) text.
err-transport-pcsc = PC/SC error while { $call }: { $message }
err-protocol-empty-chain = empty command chain
err-protocol-endless-more-data = the card keeps announcing more data (61xx)
err-protocol-response-too-long = card response too long
err-pcsc-establish = connecting to pcscd
err-pcsc-list-readers = listing the readers
err-pcsc-reader-status = reading the readers' state
err-pcsc-connect = connecting to the card
err-pcsc-card-status = reading the card's state
err-pcsc-transmit = sending a command to the card
err-pcsc-reconnect = reconnecting to the card
err-pcsc-begin-transaction = starting a transaction with the card
err-pcsc-cancel-wait = cancelling a wait
err-pcsc-wait-for-change = waiting for a reader change

## Malformed card data (APDU layer).
err-apdu-response-too-short = { $got ->
    [one] card response too short ({ $got } byte, at least 2 expected)
   *[other] card response too short ({ $got } bytes, at least 2 expected)
}
err-apdu-truncated = { $needed ->
    [one] truncated data: needed { $needed } more byte, { $available } available
   *[other] truncated data: needed { $needed } more bytes, { $available } available
}
## $why is one of the err-tlv-* messages.
err-apdu-bad-tlv = malformed BER-TLV: { $why }
err-apdu-field-length = { $expected ->
    [one] a field of { $got } bytes where { $expected } byte was expected
   *[other] a field of { $got } bytes where { $expected } bytes were expected
}
err-apdu-missing-tag = tag { $tag } missing from card data
err-apdu-data-too-long = command data of { $got } bytes does not fit the APDU encoding
err-tlv-long-tag = tag longer than three bytes
err-tlv-indefinite-length = indefinite length
err-tlv-long-length = length longer than three bytes
err-tlv-unknown-format = unknown format
err-tlv-unknown-value = a value the field does not allow
err-tlv-too-many-entries = too many entries
err-tlv-repeated-entry = the same entry twice
err-tlv-bad-compression = compressed data that does not decompress

## Meaning of a status word; the code follows in brackets: "wrong length (6700)".
err-sw-success = success
err-sw-bytes-remaining = more data available
err-sw-wrong-le = wrong expected length
err-sw-verify-fail = verification failed
err-sw-memory-failure = memory failure
err-sw-wrong-length = wrong length
err-sw-no-secure-messaging = secure messaging not supported
err-sw-last-of-chain-expected = last command of chain expected
err-sw-no-chaining = command chaining not supported
err-sw-security-status = security status not satisfied
err-sw-authentication-blocked = authentication method blocked
err-sw-reference-not-usable = reference data not usable
err-sw-conditions-not-satisfied = conditions of use not satisfied
err-sw-command-not-allowed = command not allowed
err-sw-incorrect-data = incorrect data
err-sw-function-not-supported = function not supported
err-sw-not-found = not found
err-sw-not-enough-memory = not enough memory
err-sw-incorrect-p1p2 = incorrect P1/P2
err-sw-reference-not-found = referenced data not found
err-sw-ins-not-supported = instruction not supported
err-sw-cla-not-supported = class not supported
err-sw-no-precise-diagnosis = no precise diagnosis
err-sw-other = unknown status

## PIN, PUK and management key rules ($what is "PIN" or "PUK").
err-pin-length = the { $what } must be { $min } to { $max } characters long; it has { $got }
err-pin-length-exact = the { $what } must be { $len } characters long; it has { $got }
err-pin-charset = the { $what } may contain only printable ASCII characters
err-pin-key-length = the { $algorithm } management key must be { $expected } bytes long; it has { $got }
err-pin-unknown-algorithm = unknown management key algorithm (expected 3DES, AES-128, AES-192 or AES-256)
err-pin-key-hex = the management key must be given in hexadecimal
err-tlv-too-large = more data than the object may hold

## Card errors (the PIN and PUK ones are card-* in cli.ftl).
err-card-transport = card communication failed: { $error }
err-card-management-key-auth-failed = management key authentication failed (wrong key or wrong algorithm)
err-card-security-status = the card refused: authentication required first (PIN or management key)
err-card-unsupported-card = unsupported card: no PIV application
## $operation is one of the err-op-* messages.
err-card-not-supported = the card does not support { $operation }
## $status is a status word: its meaning and its code, "wrong length (6700)".
err-card-refused = the card refused { $operation }: { $status }
## $what is one of the err-data-* messages.
err-card-malformed = malformed { $what } from the card
## $why is one of the err-invalid-* messages.
err-card-invalid-input = invalid request: { $why }
err-card-pin = invalid PIN, PUK or key
err-card-auth-failed = the card failed to prove it holds the management key
err-card-certificate-key-mismatch = the certificate's public key does not match the key in slot { $slot }
err-card-bad-certificate = not a valid X.509 certificate
## $why is one of the err-reset-* messages.
err-card-reset-refused = reset refused: { $why }
## $step is one of the err-crypto-* messages.
err-card-crypto = host cryptography failed: { $step }
## $what is one of the err-name-* messages; $expected lists the accepted names.
err-unknown-name = unknown { $what } "{ $given }" (expected one of: { $expected })

## Card operations, as the object of "the card refused ..." and "the card does not support ...".
err-op-select = selecting the PIV application (SELECT)
err-op-get-data = reading a data object (GET DATA)
err-op-put-data = writing a data object (PUT DATA)
err-op-verify = checking the PIN (VERIFY)
err-op-pin-status = reporting the PIN status (VERIFY)
err-op-logout = logging out (VERIFY)
err-op-change-reference = changing the PIN or PUK (CHANGE REFERENCE DATA)
err-op-reset-retry-counter = unblocking the PIN (RESET RETRY COUNTER)
err-op-generate-key = generating a key (GENERATE ASYMMETRIC KEY PAIR)
err-op-sign = signing (GENERAL AUTHENTICATE)
err-op-decrypt = decrypting (GENERAL AUTHENTICATE)
err-op-key-agreement = key agreement (GENERAL AUTHENTICATE)
err-op-management-key-auth = management key authentication (GENERAL AUTHENTICATE)
err-op-set-management-key = setting the management key (SET MANAGEMENT KEY)
err-op-set-retries = setting the PIN and PUK tries (SET PIN RETRIES)
err-op-reset = resetting the PIV application (RESET)
err-op-attest = attesting a key (ATTEST)
err-op-attest-imported = attesting a key (ATTEST; only keys generated on the card can be attested)
err-op-import-key = importing a key (IMPORT KEY)
err-op-move-key = moving a key (MOVE KEY)
err-op-get-version = reporting its version (GET VERSION)
err-op-get-serial = reporting its serial number (GET SERIAL)
err-op-get-metadata = reporting key metadata (GET METADATA)
err-op-key-metadata = key metadata (YubiKey 5.3 or later)
err-op-change-puk = changing the PUK
err-op-generate-this-key = this algorithm or policy in this slot
err-op-management-key-algorithm = this management key algorithm
err-op-import-this-key = importing this algorithm into this slot
err-op-contents-record = Sello's contents record (object 5F5E10)

## Card data, as in "malformed ... from the card".
## $operation is one of the err-op-* messages.
err-data-response = answer to { $operation }
err-data-application-template = application property template
err-data-chuid = CHUID
err-data-ccc = CCC
err-data-discovery = discovery object
err-data-contents-record = contents record
err-data-certificate-container = certificate container
err-data-compressed-certificate = compressed certificate
err-data-data-object = data object
err-data-public-key = public key
err-data-admin-data = ADMIN DATA
err-data-printed = PIN-protected management key (PRINTED)

## What is not on the card (whole sentences).
err-missing-piv-application = PIV application not found on the card
err-missing-key = no key in this slot
err-missing-protected-management-key = no PIN-protected management key on the card

## Why a reset is refused.
err-reset-pin-not-blocked = the PIN is not blocked (block PIN and PUK first)
err-reset-puk-unknown = cannot confirm the PUK is blocked on this card
err-reset-puk-not-blocked = the PUK is not blocked (block it first)

## Host-side cryptography that failed.
err-crypto-compression = gzip compression
err-crypto-public-key = reading the public key
err-crypto-key-import = preparing the private key for import
err-crypto-management-key = setting up the management key cipher
err-crypto-signature = the card returned a malformed signature

## Requests the card layer cannot carry out ($slot is a key reference such as 9A).
err-invalid-no-certificate-object = slot { $slot } cannot hold a certificate
err-invalid-not-a-key-slot = slot { $slot } cannot hold an asymmetric key
err-invalid-cannot-move = cannot move a key from slot { $from } to slot { $to }
err-invalid-cannot-sign = { $algorithm } keys cannot sign
err-invalid-cannot-decrypt = { $algorithm } keys cannot decrypt; use key agreement (ECDH)
err-invalid-cannot-agree = { $algorithm } keys cannot do key agreement
err-invalid-cannot-authenticate-tls = { $algorithm } keys cannot authenticate TLS here
err-invalid-no-client-certificate = no certificate for the client key
err-invalid-sign-input-length = { $expected ->
    [one] { $algorithm } input must be { $expected } byte (padded by the host), got { $got }
   *[other] { $algorithm } input must be { $expected } bytes (padded by the host), got { $got }
}
err-invalid-ciphertext-length = { $expected ->
    [one] the ciphertext must be { $expected } byte, got { $got }
   *[other] the ciphertext must be { $expected } bytes, got { $got }
}
err-invalid-peer-key-length = { $expected ->
    [one] the peer public key must be { $expected } byte for { $algorithm }, got { $got }
   *[other] the peer public key must be { $expected } bytes for { $algorithm }, got { $got }
}
err-invalid-retry-counts = retry counts must be 1–255
err-invalid-unsupported-public-key = unsupported public key type
err-invalid-not-two-prime-rsa = only RSA keys with two primes can be imported
err-invalid-key-component-too-long = a component of the key is longer than its algorithm allows
err-invalid-rsa-modulus-too-short = the RSA modulus is too short

## What a name on the command line should have named.
err-name-key-algorithm = key algorithm
err-name-slot = slot
err-name-pin-policy = PIN policy
err-name-touch-policy = touch policy

## PIN and PUK rules of a card profile ($what is one of the err-secret-* messages).
err-rule-length = the { $what } must be { $min } to { $max } characters long
err-rule-length-exact = the { $what } must be { $len } characters long
err-rule-charset-digits = the { $what } may contain only digits
err-rule-charset-alphanumeric = the { $what } may contain only letters and digits
err-rule-charset-printable = the { $what } may contain only printable characters
err-secret-pin = PIN
err-secret-new-pin = new PIN
err-secret-puk = PUK

## The holder's identity (values are never repeated in these messages).
err-identity-nif-format = the NIF/NIE must be 8 digits and a letter (NIF) or X, Y or Z, 7 digits and a letter (NIE)
err-identity-nif-check-letter = the NIF/NIE check letter is wrong (expected { $expected })
err-identity-given-name = the given name is empty or contains control characters
err-identity-surnames = the surnames are empty or contain control characters
err-identity-email = the e-mail address is not a valid ASCII address (local@domain)

## Finding card profiles.
err-profiles-directory = cannot read the profile directory { $path }
err-profiles-not-found = no card profile named "{ $name }" (see `sello profile list`)
err-profiles-no-match = no card profile applies to this card (driver { $driver }, ATR { $atr }); choose one with --profile
err-profiles-ambiguous = several card profiles apply to this card ({ $names }); choose one with --profile

## A profile file that does not load: "FILE:LINE: field `pin.min_length`: MESSAGE".
## Field names and values are the file's own and stay as they are.
err-profile-field = field `{ $field }`: { "" }
err-profile-cannot-read = cannot read: { $error }
err-profile-duplicate = another file in { $dir } also defines "{ $name }"
err-profile-unknown = unknown value "{ $value }" (known: { $known })
err-profile-length-range = must be between { $min } and { $max } (what a PIV card stores)
err-profile-max-length = must be between min_length and { $max }
err-profile-retries = must be between 1 and 15
err-profile-name = must be non-empty and use only letters, digits, '-' and '_'
err-profile-aid = must be 5 to 16 bytes in hex
err-profile-atr = must be hex bytes, with "xx" for any byte
err-profile-factory-key = the factory-default key needs allow_default_management_key = true
err-profile-slot = must be a PIV key slot with a certificate (9A, 9C, 9D, 9E, 82-95)
err-profile-slot-twice = slot listed twice
err-profile-allowed-default = must include the default algorithm
err-profile-signature-pin = a signature key must need the PIN for every use ("always")
err-profile-no-keys = at least one key is needed
err-profile-country = C must be a two-letter PrintableString (RFC 5280 §A.1)
err-profile-no-attributes = the subject needs at least one attribute
err-profile-oid = "{ $value }" is not a dotted OID (or clientAuth, emailProtection, smartcardLogon...)
err-profile-validity = must not exceed max_validity_days
err-profile-basic-user-colon = an HTTP Basic user name cannot contain ':' (RFC 7617)
err-profile-unclosed-brace = unclosed '{"{"}'
## $var is the placeholder as written, "{dni}"; $known lists the known ones.
err-profile-unknown-variable = unknown variable { $var } (known: { $known })
err-profile-ca-label = a CA label is letters, digits, '-' and '_' (at most 64), or "" for none
err-profile-code-needs-user = the code as password needs an HTTP Basic user name (basic_user)
err-profile-needs-auth = without HTTP Basic, enrollment needs client_certificate = "operator-card"

## Building a certificate subject from a profile's template.
err-subject-not-printable = the { $attribute } value has characters a PrintableString cannot hold
err-subject-needs-email = this profile needs the holder's e-mail address
err-template-unclosed-brace = unclosed '{"{"}' in template
## $var is the placeholder as written, "{email}".
err-template-no-value = the identity has no value for { $var }
err-template-unmatched-brace = unmatched '{"}"}'

## The operator master secret (never shown).
err-master-secret-short = the operator master secret must be at least { $min } bytes; generate one with `sello mgmt-secret generate --out FILE`
err-master-secret-weak = the operator master secret has too little entropy (repeated bytes, few distinct symbols or a repeated pattern); generate one with `sello mgmt-secret generate --out FILE`

## Setting up browsers (NSS databases). Paths, the system's error and certutil's output stay as they are.
err-browser-module-not-found = the Sello PKCS#11 module ({ $library }) is not installed; looked in: { $places }
err-browser-module-missing = { $path }: no such file
err-browser-not-shared-object = { $path }: not a shared library (.so)
err-browser-firefox-running = Firefox is running with the profile in { $path }: close Firefox first, then try again
err-browser-cannot-read = cannot read { $path }: { $error }
err-browser-cannot-resolve = cannot resolve { $path }: { $error }
err-browser-cannot-write = cannot write { $path }: { $error }
err-browser-cannot-create = cannot create { $path }: { $error }
err-browser-cannot-run = cannot run { $path }: { $error }
err-browser-cannot-remove = cannot remove { $path }: { $error }
err-browser-create-db = cannot create the NSS database { $path }: { $output }

## Why no PIN dialog (pinentry) can be shown; $programs lists the programs looked for.
err-pinentry-configured-missing = the configured pinentry program { $program } is not installed (or not executable); fix `pinentry` in the [pkcs11] table of Sello's config file
err-pinentry-no-graphical = no graphical pinentry is installed for this desktop session (looked for { $programs }); install the Debian package pinentry-gnome3 (GNOME), pinentry-qt (KDE) or pinentry-gtk2
err-pinentry-no-session = no pinentry can be shown: the session has no display (WAYLAND_DISPLAY/DISPLAY unset) and no terminal (GPG_TTY unset, standard input is not a terminal)
err-pinentry-no-terminal = no terminal pinentry is installed (looked for { $programs }); install the Debian package pinentry-curses or pinentry-tty
## SELLO_APDU_LOG names a file that cannot be opened ($var is the variable's name).
err-trace-file = cannot open the { $var } file { $path } ({ $error }): APDUs are not traced
