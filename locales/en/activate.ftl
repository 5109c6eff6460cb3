# sello activate: progress steps and the summary.

activate-step-identify = Identify card and profile
activate-step-management-key = Authenticate with the management key
activate-step-pin = Holder PIN
activate-step-puk = PUK
activate-step-generate-key = Generate key { $slot } on the card
activate-step-csr = Certificate request for { $slot } (signed on card)
activate-step-enroll = Enroll { $slot } at the CA and check the certificate
activate-step-write-certificate = Write certificate { $slot } and read it back
step-done = done
step-already-done = already done
activate-complete = Card { $serial } activated with profile { $profile }.
activate-complete-certificate = certificate { $serial } for { $subject }
journal-path = Journal: { $path }
activate-step-contents-record = Record of the card's contents (for a fast browser start)

## Step details ("[done] <step>: <detail>").
activate-detail-identify = card { $serial }, profile { $profile }
activate-detail-identify-resuming = card { $serial }, profile { $profile }, resuming
activate-detail-record-written-earlier = written earlier
activate-detail-record-written = written
activate-detail-record-not-kept = this card does not keep Sello's record: browser start will read the certificates
activate-detail-record-not-written = not written ({ $error }): browser start will read the certificates
## $mode is the profile's management_key.mode (derived, explicit, factory); $copy is one of
## activate-detail-holder-copy / activate-detail-no-holder-copy, or empty.
activate-detail-management-key = { $mode } key ({ $algorithm }){ $copy }
activate-detail-factory-key-replaced = factory key replaced by the { $mode } key ({ $algorithm }){ $copy }
activate-detail-holder-copy = , with a PIN-protected copy for the holder
activate-detail-no-holder-copy = , without a copy for the holder: this card refuses the objects that keep it, so the holder's renewals need a registration point
activate-detail-random-key = factory key replaced by a random key ({ $algorithm }), kept on the card behind the PIN
activate-detail-protected-key-opened = PIN-protected key on the card, opened with the PIN
activate-detail-pin-already-set = holder PIN already set; verified
activate-detail-pin-set = { $tries ->
    [one] holder PIN set (the card allows { $tries } try)
   *[other] holder PIN set (the card allows { $tries } tries)
}
activate-detail-pin-set-card-count = { $tries ->
    [one] holder PIN set (the card allows { $tries } try, not the profile's { $wanted }: the card cannot change it)
   *[other] holder PIN set (the card allows { $tries } tries, not the profile's { $wanted }: the card cannot change it)
}
activate-detail-pin-set-unknown-count = holder PIN set (the card does not tell how many tries it allows)
activate-detail-puk-already-set = PUK already set
activate-detail-puk-changed-before = PUK already changed before this activation recorded it
activate-detail-puk-generated = PUK generated, set and shown once
activate-detail-puk-set = PUK set
activate-detail-key-earlier = { $algorithm } key generated earlier, same key on the card
## $pin_use is one of activate-pin-use-*; $replaced is
## activate-detail-replaced or empty.
activate-detail-key-generated = { $algorithm } key generated on the card ({ $pin_use }){ $replaced }
## $pin_use: when the key asks for the PIN.
activate-pin-use-never = no PIN
activate-pin-use-once = PIN once per session
activate-pin-use-always = PIN for every use
activate-detail-replaced = ; replaced { $what }
activate-detail-csr-earlier = request built earlier
activate-detail-csr = signed on the card, checked on the host: { $subject }
activate-detail-certificate-earlier = certificate received earlier, checked again
activate-detail-certificate = certificate { $serial } from { $issuer } checked: chain, key, subject, purpose, validity
activate-detail-certificate-on-card = certificate already on the card, identical
activate-detail-certificate-on-card-interrupted = certificate already on the card, identical (written before an interruption)

## Dialogue: what is asked (the prompt is "<what>: "), the PIN rule, the PUK shown once.
## A new secret is asked twice on a terminal; $what is one of the activate-what-* above.
## The PIN rule of the profile, shown before the holder types a new PIN.
activate-choose-pin-digits = The holder chooses a PIN: { $min } to { $max } digits.
activate-choose-pin-alphanumeric = The holder chooses a PIN: { $min } to { $max } letters or digits.
activate-choose-pin-printable = The holder chooses a PIN: { $min } to { $max } printable characters.
activate-puk-shown-once = write it down for the holder: it is shown only this once
activate-pending = The CA has put the request on hold; asking again in { $secs } s ({ $attempt }/{ $max }).
## $message is the CA's own text.
activate-pending-message = The CA has put the request on hold ({ $message }); asking again in { $secs } s ({ $attempt }/{ $max }).

## sello activate: errors (after "sello: ").
activate-not-piv = cannot use the card in "{ $reader }" (no PIV application?)
activate-unknown-algorithm-hint = unknown algorithm "{ $algorithm }" (RSA-2048, P-256, ...)
activate-unknown-algorithm = unknown algorithm "{ $algorithm }"
activate-slot-algorithm-syntax = --slot-algorithm wants SLOT=ALG, got "{ $given }"
activate-not-a-slot = "{ $slot }" is not a slot (9A, 9C, ...)
activate-needs-mgmt-secret = profile { $profile } needs the operator's management-key secret: --mgmt-secret-file FILE (or SELLO_MGMT_SECRET_FILE) or --mgmt-secret-stdin
activate-stopped = activation of card { $serial } stopped (journal: { $journal })
activate-stopped-resume = activation of card { $serial } stopped; run the same command again to resume (journal: { $journal })
activate-stopped-refused = activation of card { $serial } stopped; the CA's certificate was refused and nothing was written (journal: { $journal })
activate-daemon-no-operator-card = sellod does not hold the operator's card: run with --direct and --operator-reader
activate-daemon-no-slot-algorithm = --slot-algorithm is not supported through sellod; use --direct
activate-cannot-read-ca-cert = cannot read the CA certificate { $path }
activate-no-pem-certificate = { $path }: no PEM certificate in it
activate-no-ca = no CA configured: give --est URL (with --est-trust or --est-pin), or --local-ca DIR for a training CA
activate-no-est-client = this build of sello has no EST client (feature "est-client")
activate-est-trust-missing = how should the EST server be recognised? give --est-trust PEM or --est-pin SHA256
activate-cannot-fetch-cacerts = cannot fetch the CA certificates (EST /cacerts)
activate-local-ca-not-opened = the local CA is not open
activate-operator-same-reader = the operator's card must be in another reader than the holder's ("{ $reader }")
activate-operator-cannot-connect = cannot connect to the operator's card in "{ $reader }"
activate-operator-not-piv = cannot use the operator's card in "{ $reader }" (no PIV application?)
activate-operator-cannot-read-cert = cannot read the operator's certificate (slot 9A)
activate-operator-no-cert = the operator's card in "{ $reader }" has no certificate in slot 9A
activate-operator-cert-unparsable = the operator's certificate (slot 9A) does not parse
activate-operator-unsupported-key = the operator's certificate has an unsupported key
activate-operator-pin-invalid = the operator's PIN is not a valid PIN
activate-operator-key-tls = the operator's card key cannot authenticate TLS
activate-operator-reader-unused = profile { $profile } does not authenticate the enrollment with the operator's card (its [enrollment] client_certificate is "none"): drop --operator-reader
activate-operator-reader-needed = profile { $profile } authenticates the enrollment with the operator's card: give --operator-reader NAME

## sello activate --reuse
activate-reuse-no-serial = the card reports no serial number
activate-reuse-unparsable = the certificate in slot { $slot } does not parse
activate-reuse-expired-on = expired on { $date }
activate-reuse-not-revoked = not revoked
activate-reuse-revocation-status = its revocation status is { $status }
## $serial is the card's, $certificate the certificate's serial; $status one of the two above.
activate-reuse-still-valid = card { $serial } cannot be reused: its { $slot } certificate (serial { $certificate }) is valid until { $date } and { $status }; revoke it at the CA first
activate-reuse-pin-status = cannot read the PIN status
activate-reuse-reset-refused = the PIN and PUK are blocked and the card refused a factory reset: it cannot be reused
activate-reuse-pin-blocked = the holder's PIN is blocked: the holder unblocks it with the PUK first (`sello pin unblock`), then run --reuse again
activate-reuse-cannot-archive = cannot archive { $path }
activate-reuse-title = Reusing card { $serial }:
## $state is activate-reuse-expired-on or a revocation line.
activate-reuse-replaced = certificate { $serial } is { $state }; a new key and certificate replace it
activate-reuse-journal-kept = the earlier activation journal is kept as { $path }
activate-reuse-renewal-journal-kept = the earlier renewal journal is kept as { $path }
activate-reuse-was-reset = the PIN and PUK were both blocked: the card was reset to its factory state (keys, certificates, PIN, PUK and management key erased); the holder chooses a new PIN and gets a new PUK
activate-reuse-pin-kept = the holder's PIN and PUK stay as they are: the holder types the current PIN

## sello activate --show-journal (labels are aligned by the code).
activate-journal-no-serial = the card reports no serial number, so it has no journal
activate-journal-none = no activation journal for card { $serial } (looked for { $path })
activate-journal-label-file = Journal:
activate-journal-label-card = Card:
activate-journal-label-holder = Holder:
activate-journal-label-state = State:
activate-journal-card = { $serial }  profile { $profile }
activate-journal-complete = complete
activate-journal-in-progress = in progress (run `sello activate` again to resume)
