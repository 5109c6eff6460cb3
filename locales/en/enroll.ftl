# enroll messages (en).

## The CA's answer to an enrollment (EnrollError); $reason and $message are the CA's or the
## network's own text, shown as they came.
enroll-ca-unreachable = the CA is unreachable: { $reason }
enroll-ca-rejected = the CA refused the request: { $reason }
enroll-ca-pending = the request waits for approval at the CA
enroll-ca-pending-retry = the request waits for approval at the CA (retry after { $secs } s)
enroll-ca-error = the CA reported an error (HTTP { $status }): { $message }
enroll-ca-protocol = the CA's answer is not understood: { $reason }

## The EST client (EstError). $addr is host:port; $after a duration ("30s").
enroll-est-config = EST client configuration: { $reason }
enroll-est-connect = cannot connect to the CA at { $addr }: { $error }
enroll-est-timeout = the CA at { $addr } did not answer within { $after } ({ $during })
enroll-est-tls = TLS with the CA at { $addr } failed: { $reason }
enroll-est-protocol = the CA at { $addr } answered garbage: { $reason }
enroll-est-proxy = the HTTP proxy did not open a tunnel to the CA at { $addr }: { $reason }
enroll-est-unauthorized = the CA refused the credentials (401): { $message }
enroll-est-rejected = the CA refused the request ({ $status }): { $message }
enroll-est-server = the CA failed ({ $status }): { $message }
enroll-est-still-pending = { $polls ->
    [one] the request is still waiting for approval after { $polls } poll; try again later
   *[other] the request is still waiting for approval after { $polls } polls; try again later
}
enroll-est-io = I/O with the CA at { $addr }: { $error }
enroll-est-phase-connecting = connecting
enroll-est-phase-deadline = overall request deadline
enroll-est-phase-sending = sending the request
enroll-est-phase-reading = reading the response
enroll-est-phase-waiting = waiting for the response
enroll-est-phase-talking = talking to the CA
enroll-est-closed-while = connection closed while { $during }
enroll-est-client-cert-refused = the CA closed the connection right after the handshake ({ $error }): it did not accept the TLS client certificate
enroll-est-tls-not-tls = { $error } (the server does not speak TLS, or answered garbage)
enroll-est-tls-untrusted = { $error } (the server certificate is not trusted by the configured trust anchor)
enroll-est-code-refused = the enrollment code or identity was refused: { $message }

## The check of a certificate the CA returned (CertCheckError).
enroll-cert-empty = the CA returned no certificate
enroll-cert-malformed = certificate { $index } of the returned chain is not valid X.509
enroll-cert-key-mismatch = the certificate's public key is not the key generated on the card
enroll-cert-subject-mismatch = the certificate's subject is not the one requested (got "{ $got }")
enroll-cert-email-mismatch = the certificate does not carry the requested e-mail address
enroll-cert-validity = the certificate's validity is not acceptable: { $why }
enroll-cert-leaf-is-ca = the returned certificate is a CA certificate
enroll-cert-purpose = the certificate does not fit the slot's purpose: { $why }
enroll-cert-untrusted = the certificate does not chain to the configured CA: { $why }
enroll-cert-not-yet-valid = it is not valid yet
enroll-cert-expired = it has already expired
enroll-cert-too-long = it is valid for more than 10 years
enroll-cert-no-anchor = no trust anchor is configured
enroll-cert-anchor-vanished = the trust anchor cannot be read
enroll-cert-anchor-not-valid = the CA certificate is expired or not yet valid
enroll-cert-no-issuer = no certificate of the chain or the trust anchors signed "{ $subject }"
enroll-cert-bad-intermediate = intermediate "{ $subject }" is not a valid CA certificate
enroll-cert-chain-too-long = the chain is too long
enroll-cert-unreadable-key-usage = unreadable key usage extension: { $error }
enroll-cert-unreadable-eku = unreadable extended key usage extension: { $error }
## $required and $present are lists of RFC 5280 names or OIDs.
enroll-cert-no-key-usage = it has no key usage extension; { $required } is required
enroll-cert-key-usage-missing = key usage { $required } is required, the certificate has { $present }
enroll-cert-eku-missing = extended key usage { $required } is required, the certificate has { $present }
enroll-cert-policy-missing = certificate policy { $required } is required, the certificate has { $present }
enroll-cert-none = none
enroll-cert-validity-too-long = { $days ->
    [one] it is valid for { $days } day, the profile allows at most { $max }
   *[other] it is valid for { $days } days, the profile allows at most { $max }
}
enroll-cert-validity-too-short = { $days ->
    [one] it is valid for { $days } day, the profile requires at least { $min }
   *[other] it is valid for { $days } days, the profile requires at least { $min }
}

## Certificate requests (CsrError) and signatures.
enroll-csr-card = the card could not sign the request
enroll-csr-unsupported-key = { $algorithm } keys cannot sign a certificate request
enroll-csr-build = cannot build the certificate request: { $reason }
enroll-csr-malformed = not a valid PKCS#10 certificate request
enroll-csr-signature = the certificate request's signature is not valid
enroll-csr-key-mismatch = the certificate request carries another public key than the card's key
enroll-signature-invalid = the signature does not verify
enroll-signature-unsupported = unsupported signature algorithm { $algorithm }
enroll-signature-key-mismatch = the signature algorithm { $algorithm } does not fit a { $key } key

## Keys the card generated (KeyFault); $other names where the same key is.
enroll-key-repeated = it generated the same public key as { $other }
enroll-key-small-factor = the RSA modulus is divisible by { $factor }
enroll-key-roca = the RSA modulus has the ROCA fingerprint (CVE-2017-15361)
enroll-key-slot-on-card = slot { $slot } on the card
enroll-key-in-activation-journal = slot { $slot } in this activation's journal

## Activation journals (JournalError) and the local training CA (LocalCaError).
enroll-journal-io = activation journal { $path }: { $error }
enroll-journal-invalid = activation journal { $path } is not valid: { $message }
enroll-journal-no-state-dir = no state directory: set SELLO_STATE_DIR
enroll-journal-wrong-version = version { $version } for card { $card } (expected version { $expected } for card { $serial })
enroll-local-io = { $path }: { $error }
enroll-local-format = { $path }: not a P-256 PKCS#8 key / X.509 certificate in PEM
enroll-local-build = cannot make the CA certificate: { $reason }

## Why an activation (ActivationError) or a renewal stopped.
## The card operation that failed (before ": " and the card's error).
enroll-op-identify = identify the card
enroll-op-read-existing-certificate = read the existing certificate
enroll-op-key-metadata = key metadata
enroll-op-management-key = management key
enroll-op-set-management-key = set the management key
enroll-op-protected-management-key = PIN-protected management key
enroll-op-pin-status = PIN status
enroll-op-pin = PIN
enroll-op-factory-pin = PIN (factory)
enroll-op-set-pin-retries = set the PIN tries
enroll-op-set-pin = set the PIN
enroll-op-puk-status = PUK status
enroll-op-set-puk = set the PUK
enroll-op-key-generation = key generation
enroll-op-read-certificate = read the certificate
enroll-op-write-certificate = write the certificate
enroll-op-read-back-certificate = read the certificate back
enroll-op-certificate-key = the certificate's key
enroll-op-auth-certificate = the 9A certificate
enroll-op-authentication-key = the authentication key
enroll-op-delete-old-key = delete the old key
enroll-op-move-new-key = move the new key
enroll-journal-mismatch = the journal { $path } records an activation of this card for { $what }; finish or discard that one first (move the file away)
enroll-journal-other-profile = profile { $profile }
enroll-journal-other-holder = another holder identity
enroll-management-key-not-profile-nor-factory = the card refused the management key (neither the profile's key nor the factory key): wrong operator secret, or a card personalised elsewhere
enroll-management-key-not-factory-nor-protected = the card refused the management key (neither the factory key nor a PIN-protected key): a card personalised elsewhere
enroll-csr-failed = certificate request for slot { $slot }: { $error }
enroll-enroll-failed = enrollment of slot { $slot }: { $error }
enroll-certificate-refused = certificate for slot { $slot } refused, nothing written to the card: { $error }
enroll-faulty-key-generator = slot { $slot }: this card's key generator is faulty: { $fault }; do not issue certificates for this card
enroll-profile-no-key-in-slot = profile { $profile } creates no key in slot { $slot }
enroll-profile-algorithm-not-allowed = profile { $profile } does not allow { $algorithm } in slot { $slot }
enroll-no-serial = the card reports no serial number: it cannot be activated with per-card keys and a journal
enroll-existing-unreadable-subject = an unreadable subject
enroll-existing-certificate = a certificate for { $subject }
enroll-existing-key-of = a { $algorithm } key
enroll-existing-key = a key
## Joins "a certificate for ..." and "a key" (spaces included).
enroll-existing-and = {" "}and{" "}
enroll-existing-slot = slot { $slot }: { $what }
enroll-existing-refused = the card already holds what another tool put there ({ $list }); nothing was changed. Run again with --replace-existing to replace it
enroll-needs-master-secret = this profile derives the management key: the operator master secret is needed
enroll-needs-explicit-key = this profile needs the card's management key from the operator
enroll-internal-pin-protected = internal error: PIN-protected keys are handled apart
enroll-factory-key-refused = the profile refuses the factory-default management key
enroll-management-key-algorithm-refused = this card cannot take an { $algorithm } management key (a YubiKey 4 or a plain PIV card keeps 3DES); nothing was changed: activate it with a profile whose management_key.algorithm is "3DES"
enroll-invalid-pin = that is not a valid PIN
enroll-pin-retries-fixed = { $tries ->
    [one] this card keeps { $tries } PIN try and cannot change that; profile { $profile } asks for { $wanted } (its pin.retries_required = false accepts such cards)
   *[other] this card keeps { $tries } PIN tries and cannot change that; profile { $profile } asks for { $wanted } (its pin.retries_required = false accepts such cards)
}
enroll-journal-key-unreadable = the journal's public key for slot { $slot } is unreadable
enroll-key-gone = slot { $slot } no longer holds the key whose certificate this activation wrote; the card was changed elsewhere
enroll-no-journal-record = no journal record for { $slot }
enroll-no-request-recorded = no request recorded for { $slot }
enroll-no-certificate-recorded = no certificate recorded for { $slot }
enroll-read-back-differs = the certificate read back from slot { $slot } differs from the one written
enroll-detail-written = { $bytes ->
    [one] written ({ $bytes } byte) and read back identical
   *[other] written ({ $bytes } bytes) and read back identical
}

## Why a revocation status is unknown (after "revocation status unknown: ").
enroll-revocation-cert-unparsable = the certificate does not parse
enroll-revocation-issuer-unknown = its issuer is not among the trusted CA certificates
enroll-revocation-no-crl = no CRL
enroll-revocation-crl-unparsable = the CRL does not parse
enroll-revocation-ca-unparsable = the CA certificate does not parse
enroll-revocation-crl-wrong-issuer = the CRL is not from the certificate's issuer
enroll-revocation-crl-future = the CRL is dated in the future
enroll-revocation-crl-outdated = the CRL is out of date (next update was due { $date })
enroll-revocation-crl-signature = the CRL's signature does not check: { $error }
enroll-revocation-ocsp-unparsable = the OCSP answer does not parse: { $error }
enroll-revocation-ocsp-status = the OCSP responder answered { $status }
enroll-revocation-ocsp-empty = the OCSP answer is empty
enroll-revocation-ocsp-not-basic = the OCSP answer is not a basic response
enroll-revocation-ocsp-not-signed = the OCSP answer is not signed by the certificate's CA
enroll-revocation-ocsp-other-certificate = the OCSP answer is about another certificate
enroll-revocation-ocsp-future = the OCSP answer is dated in the future
enroll-revocation-ocsp-outdated = the OCSP answer is out of date
enroll-revocation-unreachable = { $url } could not be reached: { $error }

## The EST client's configuration (after "EST client configuration: ").
enroll-est-file-error = { $path }: { $error }
enroll-est-no-pem = { $path }: no PEM CERTIFICATE found
enroll-est-fingerprint-not-hex = the fingerprint is not hex
enroll-est-fingerprint-length = a SHA-256 fingerprint has 32 bytes
enroll-est-anchor-rejected = trust anchor rejected: { $error }
enroll-est-bad-proxy = proxy { $proxy }: { $why }
enroll-est-proxy-http-only = only http:// proxies (HTTP CONNECT) are supported
enroll-est-bad-url = bad server URL '{ $url }'
enroll-est-url-not-https = the server URL must start with https://
enroll-est-url-has-path = the server URL must be https://host[:port] without a path
enroll-est-bad-port = bad port '{ $port }'
enroll-est-url-bracket = unterminated '[' in the server URL
enroll-est-url-after-bracket = garbage after ']' in the server URL
enroll-est-url-no-host = the server URL has no host
enroll-est-basic-user-colon = the HTTP Basic user name must not contain ':' (RFC 7617 §2)
enroll-est-needs-client-key = simpleenroll without HTTP authentication needs a TLS client key
enroll-est-bad-label = a CA label is letters, digits, '-' and '_' (RFC 7030 §3.2.2)
enroll-est-no-code = no enrollment code was given

## A card's key as the TLS client key of an EST request.
enroll-client-key-card-unusable = the card is unusable (a previous operation panicked)
enroll-client-key-malformed-signature = the card returned a malformed ECDSA signature
enroll-client-key-signature-invalid = the card's signature does not verify with the certificate's key
