# sello browser, profile, mgmt-secret, cert export, secret input, the sellod job lines, doctor's
# certificate-file problems.

## Shared errors about files (after "sello: ").
cmd-cannot-read-file = cannot read { $path }
cmd-cannot-create-file = cannot create { $path }
cmd-cannot-write-file = cannot write { $path }
cmd-file-not-utf8 = { $path } is not UTF-8 text
cmd-bad-path = bad path { $path }
cmd-path-not-utf8 = { $path } is not UTF-8
## An error whose message the command already printed.
cmd-reported = failed (reported above)
## Before any secret is read; $error is the system's reason.
cmd-core-dumps = cannot disable core dumps ({ $error }); refusing to handle secrets

## Secrets the CLI asks for: $secret is current-pin, new-pin, puk, new-puk, holder-pin,
## operator-pin, enrollment-code or mgmt-secret. As a prompt label:
cmd-secret = { $secret ->
    [current-pin] Current PIN
    [new-pin] New PIN
    [puk] PUK
    [new-puk] New PUK
    [holder-pin] Holder's PIN
    [operator-pin] Operator's PIN
    [enrollment-code] Enrollment code
   *[mgmt-secret] Operator management-key secret
}
## Inside a sentence ($what in the messages below).
cmd-secret-the = { $secret ->
    [current-pin] the current PIN
    [new-pin] the new PIN
    [puk] the PUK
    [new-puk] the new PUK
    [holder-pin] the holder's PIN
    [operator-pin] the operator's PIN
    [enrollment-code] the enrollment code
   *[mgmt-secret] the operator's management-key secret
}
## The second prompt for a new secret.
cmd-secret-again = Repeat { $what }
cmd-input-no-terminal = cannot ask for { $what }: no terminal (use --pin-stdin in scripts)
cmd-input-cannot-read = cannot read { $what } from standard input
cmd-input-ended = standard input ended before { $what } was given
cmd-input-mismatch = the two entries of { $what } differ; nothing was changed
cmd-mgmt-key-not-hex = the management key must be hex
cmd-mgmt-key-bad-hex = the management key is not valid hex of the profile's algorithm
## $mode is like 0644.
cmd-secret-file-open = { $path } is open to group or others (mode { $mode }); a secret file must be private: chmod 600 { $path }

## sello cert export
cmd-cert-bad-slot = "{ $slot }" is not a key slot (9A, 9C, 9D, 9E)
cmd-cert-der-needs-out = DER is binary: give --out FILE

## sello mgmt-secret generate
cmd-mgmt-secret-rng-failed = the operating system's random generator failed
cmd-mgmt-secret-written = Wrote a new operator master secret to { $path } (mode 0600). Keep a copy offline: cards' management keys cannot be recovered without it.

## sello browser install|status|uninstall
cmd-browser-sudo = warning: running under sudo, so this concerns the browsers of the account whose home is { $home } — not { $user }'s. Run it without sudo.
cmd-browser-module = Module: { $path }
cmd-browser-firefox-profile = Firefox profile "{ $profile }"
## $package is snap or flatpak.
cmd-browser-firefox-package-profile = Firefox ({ $package }) profile "{ $profile }"
cmd-browser-added-new-db = registered (new database created)
cmd-browser-added = registered
cmd-browser-updated = registered (replaced the old path { $old })
cmd-browser-unchanged = already registered
cmd-browser-removed = removed
cmd-browser-was-not-registered = was not registered
cmd-browser-skipped = skipped: { $why }
cmd-browser-skip-no-database = no certificate database yet (profile never started); start Firefox with it once, close it, and run `sello browser install` again to use the card there
cmd-browser-failed = FAILED: { $error }
cmd-browser-restart = Restart your browsers to use the card.
cmd-browser-some-failed = some registrations failed (see above)
cmd-browser-cannot-read = cannot read: { $error }
cmd-browser-registered = registered: { $library }
cmd-browser-registered-missing = registered, but { $library } does not exist: run `sello browser install` again
cmd-browser-registered-file-missing = registered: { $library } (file missing)
cmd-browser-no-database = not registered (no certificate database yet)
cmd-browser-not-registered = not registered
cmd-browser-firefox-running = Firefox is running
cmd-browser-p11kit-absent = not installed on this computer

## sello profile list|show: labels (aligned by the code) and values. $mode, $charset and $pin
## are the profile's own words (derived, digits, always, ...); $purpose is cli-purpose.
cmd-profile-user-dir = User profile directory: { $dir }
cmd-profile-name = Profile:
cmd-profile-about = About:
cmd-profile-source = Source:
cmd-profile-card-label = Card:
cmd-profile-mgmt-key-label = Mgmt key:
cmd-profile-key-label = Key { $slot }:
cmd-profile-subject = Subject:
cmd-profile-card = driver { $driver }
cmd-profile-card-aid = driver { $driver }, AID { $aid }
cmd-profile-mgmt-key = { $mode } ({ $algorithm })
cmd-profile-default-allowed = factory default allowed
cmd-profile-rule = { $min }-{ $max } { $charset }, { $retries ->
    [one] { $retries } try
   *[other] { $retries } tries
}
cmd-profile-puk-generated = generated and shown once
cmd-profile-puk-entered = entered by the operator
cmd-profile-key = { $purpose }, { $algorithm } (allowed: { $allowed }), PIN { $pin }
cmd-profile-key-optional = optional

## sello watch: what is not in the watch-* messages. $status and $state are the daemon's codes
## (started, done, already-done, waiting; running, done, failed, cancelled); $step is a step
## code with its slot (generate-key 9A).
cmd-watch-no-daemon = is sellod running? (systemctl --user start sellod.socket)
cmd-watch-pcscd-not-running = pcscd is not running
cmd-watch-closed = sellod closed the connection
## $what is the part of the card that could not be read: certificates or pins.
cmd-watch-unreadable = { $what } unreadable ({ $error })
cmd-watch-job-progress = { $reader }: job { $job } { $status } { $step }
cmd-watch-job-failed = { $reader }: job { $job } { $state }: { $error }

## sello activate / renew running as a sellod job.
## $kind is activate or renew.
cmd-job-runs-in-sellod = { $kind ->
    [activate] Activation
    [renew] Renewal
   *[other] The job
} runs in sellod (job { $job }, reader "{ $reader }").
## After "PUK: 12345678".
cmd-job-puk-shown-once = write it down for the holder: it is shown only this once
## A finished step, in brackets before the step.
cmd-job-status = { $status ->
    [done] done
    [already-done] already done
    [waiting] waiting
   *[other] { $status }
}
cmd-job-activation-stopped = activation stopped: { $error } (run the same command again to resume)
cmd-job-needs-mgmt-secret = the profile needs the operator's management-key secret: --mgmt-secret-file FILE or --mgmt-secret-stdin
cmd-job-unknown-secret = sellod asks for a secret this sello does not know ("{ $name }"); update sello and sellod together

## sello doctor: problems with CA certificate files and signatures.
cmd-doctor-no-certificate-in-file = { $path }: no certificate in it
cmd-doctor-certificate-unparsable = the certificate does not parse
cmd-doctor-ca-key-unusable = the CA's public key: { $error }
cmd-doctor-signature-algorithm-unsupported = signature algorithm { $oid } is not supported
