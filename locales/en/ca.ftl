# sello-ca: what the operator reads (command output, errors, the server's log lines), in the
# operator's language. What goes over HTTP to EST/OCSP/CRL clients stays English. Ids start
# with "ca-".

## After "sello-ca: " when a command fails.
ca-error = error: { $error }
ca-error-rejected = request refused: { $reason }
ca-error-store = CA database: { $error }
ca-error-certificate = certificate building: { $error }
ca-error-internal = internal error: { $error }

## sello-ca init
ca-init-failed = init failed
ca-created = created CA in { $path }
ca-trust-anchor = trust anchor for clients: { $path }
ca-dir-not-empty = { $path } is not empty; refusing to overwrite a CA

## sello-ca serve ($url is the whole URL: scripts read it from the line).
ca-est-listening = EST listening on { $url }
ca-crl-listening = CRL listening on { $url }
ca-cannot-listen = cannot listen on { $address }: { $error }
ca-no-pkcs8-key = { $path }: no PKCS#8 key
ca-no-pem-certificate = { $path }: no PEM certificate
ca-client-verifier = cannot set up the TLS client-certificate check: { $error }
ca-listener = the listening socket has no address: { $error }

## sello-ca enroll-code ($date is the code's last day, $expires the same moment in Unix time).
ca-registered = registered { $nif } ({ $name }); the code is valid until { $date } (Unix time { $expires }), once for 'auth' and once for 'sign'

## sello-ca revoke
ca-unknown-reason = unknown reason '{ $reason }'; one of: { $reasons }
ca-crl-failed = CRL regeneration failed
ca-revoked = revoked { $serial } ({ $name }), reason { $reason }; CRL regenerated
ca-no-such-certificate = no certificate with serial { $serial }
ca-already-revoked = certificate { $serial } is already revoked (revocation is irreversible)

## sello-ca list: column titles and values.
ca-list-serial = SERIAL
ca-list-use = USE
ca-list-origin = ORIGIN
ca-list-status = STATUS
ca-list-subject = SUBJECT CN
ca-status-valid = valid
ca-status-expired = expired
ca-status-revoked = revoked
ca-origin-in-person = in-person
ca-origin-remote-renewal = remote-renewal

## config.toml errors ($key is the setting's name).
ca-config-range = { $key } must be between { $min } and { $max }
ca-config-at-most = { $key } must be at most { $max }
ca-config-positive = { $key } must be positive
ca-config-bad-oid = policy OID '{ $oid }' is not a valid dotted OID
ca-config-http-url = { $key } '{ $url }' must be an http:// URL ({ $rfc })
ca-config-ascii-url = { $key } '{ $url }' must be an ASCII http(s) URL
ca-config-notice-too-long = { $key } must be at most { $max } characters (RFC 5280)

## The server's log lines (after "sello-ca: ").
ca-log-accept-failed = accept on { $address } failed: { $error }
ca-log-request-failed = a request failed: { $error }
ca-log-crl-failed = CRL regeneration failed: { $error }
ca-log-crl-failed-after-renewal = CRL regeneration after renewal failed: { $error }
ca-log-issued-in-person = issued { $purpose } certificate { $serial } to { $nif } (in person)
ca-log-issued-renewal = issued { $purpose } certificate { $serial } by remote renewal of { $old }
ca-log-ocsp-failed = OCSP response failed: { $error }
