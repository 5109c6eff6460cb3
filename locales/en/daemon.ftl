# sellod: answers and job texts (in the language the client asks for with `lang`), start-up errors
# and log lines (in the daemon's own language, from its environment). Ids start with "daemon-".

## Answers to requests (`error.message`; the `code` beside it never changes).
daemon-request-too-large = request longer than { $max } bytes
daemon-not-json = not JSON: { $error }
daemon-not-an-object = a request is a JSON object
daemon-bad-secret-answer = not a valid secret answer: expected job (number), name (string), value (string or null)
daemon-bad-request = not a valid request: { $error }
daemon-internal-error = internal error
daemon-no-worker = no worker free to read the card
daemon-not-allowed = not allowed to use this daemon
daemon-too-many-connections = too many connections; try again later
daemon-no-reader = no reader "{ $reader }"
daemon-no-card = no card in "{ $reader }"
daemon-no-service = pcscd is not running
daemon-no-job = no job { $job }
daemon-cancel-forbidden = job { $job } was started by another user; only that user or root may cancel it
daemon-secret-not-owner = only the connection that started a job may answer its secret requests
daemon-secret-not-waiting = job { $job } is not waiting for "{ $name }"
daemon-secret-already-answered = the job already has that answer
daemon-renew-not-available = this sellod has no EST client, so it cannot renew; renew at a registration point
daemon-card-busy = job { $job } is running on "{ $reader }"; one job per card at a time
daemon-cannot-start-job = cannot start the job
daemon-cannot-start-job-thread = cannot start the job thread: { $error }

## Why a job stopped (`error.message` of `job-finished`).
daemon-job-cancelled = cancelled
daemon-job-was-cancelled = the job was cancelled
daemon-card-gone = the card was removed or replaced during the job; nothing more was done
## $name is the secret's protocol name (current-pin, new-pin, ...).
daemon-secret-timeout = { $minutes ->
    [one] no answer to the request for the { $name } within { $minutes } minute
   *[other] no answer to the request for the { $name } within { $minutes } minutes
}
daemon-no-est-client = this sellod has no EST client
daemon-invalid-pin = that is not a valid PIN
daemon-invalid-puk = that is not a valid PUK
daemon-invalid-mgmt-key = the management key is not valid hex of the profile's algorithm
daemon-unknown-algorithm = unknown algorithm "{ $algorithm }"
daemon-not-a-slot = "{ $slot }" is not a slot (9A, 9C or all)
daemon-no-state-dir = no state directory for the journal (set SELLO_STATE_DIR)
daemon-no-ca-configured = no CA configured: give est (with est_trust or est_pin) or local_ca
daemon-local-ca-error = local CA { $path }: { $error }
daemon-est-trust-missing = how should the EST server be recognised? give est_trust or est_pin
daemon-operator-card-profile = profile { $profile } authenticates the enrollment with the operator's card, which sellod does not hold: run `sello activate --direct --operator-reader NAME`
daemon-cannot-fetch-cacerts = cannot fetch the CA certificates (EST /cacerts): { $error }
daemon-cannot-read-ca-cert = cannot read the CA certificate { $path }: { $error }
daemon-no-pem-cert = { $path }: no PEM certificate in it
daemon-path-not-absolute = { $path } must be an absolute path (the daemon does not share the client's directory)
daemon-enrollment-not-sent = not sent: { $reason }

## Job progress details (`detail`) and results.
daemon-step-connecting = connecting to the card
daemon-step-card-identified = card identified
daemon-step-changing-pin = changing the PIN
daemon-step-unblocking = unblocking the PIN
daemon-pin-changed = PIN changed
daemon-pin-unblocked = PIN unblocked and set
daemon-ca-pending = the CA has put the request on hold; asking again in { $seconds } s ({ $attempt }/{ $max })

## What a secret request asks for (`prompt`).
daemon-prompt-current-pin = Current PIN
daemon-prompt-new-pin = New PIN
daemon-prompt-puk = PUK
daemon-prompt-holder-pin = Holder's PIN
daemon-prompt-new-puk = New PUK
daemon-prompt-mgmt-secret = Operator management-key secret
daemon-prompt-enrollment-code = One-time enrollment code

## The `advice` of an expiry warning (in each subscriber's language).
daemon-expiry-advice = run `sello renew` before the certificate expires

## The client's errors (`sello watch`, `--via-daemon`).
daemon-client-cannot-reach = cannot reach sellod at { $path }: { $error }
daemon-client-connection-lost = connection to sellod lost: { $error }
daemon-client-closed = sellod closed the connection
daemon-client-not-json = sellod sent something that is not JSON: { $error }

## Start-up errors and log lines (after "sellod: "), in the daemon's language.
daemon-already-running = another sellod is already listening on { $path }
daemon-cannot-create-dir = cannot create { $path }: { $error }
daemon-cannot-set-permissions = cannot set the permissions of { $path }: { $error }
daemon-cannot-chown = cannot give { $path } to the group: { $error }
daemon-cannot-remove-stale = cannot remove the stale socket { $path }: { $error }
daemon-cannot-listen = cannot listen on { $path }: { $error }
daemon-no-group = no group "{ $group }" in /etc/group
daemon-systemd-socket-unusable = the socket passed by systemd is not usable
daemon-cannot-start-monitor = cannot start the reader monitor
daemon-server-loop-failed = the server loop failed
daemon-log-listening = listening on { $path }
daemon-log-listening-systemd = listening on the socket from systemd
daemon-log-core-dumps = cannot disable core dumps ({ $error }); refusing to handle secrets
daemon-log-open-files = cannot raise the open-files limit: { $error }
daemon-log-cannot-wake = cannot wake the server loop: { $error }
daemon-log-subscriber-dropped = subscriber { $conn } too slow, dropped
daemon-log-accept = cannot accept a connection: { $error }
daemon-log-cannot-watch = cannot watch a connection: { $error }
daemon-log-monitor-reconnecting = reader monitor: { $error }; reconnecting to pcscd
daemon-log-monitor-error = reader monitor: { $error }
daemon-log-cannot-probe = cannot start a probe thread: { $error }
daemon-log-no-notification = no desktop notification (gdbus: { $error })
