# sello CLI: shared pieces, readers, status, PIN.

## A calendar date (UTC): $year, $month (1-12), $day (1-31). English keeps ISO 8601.
date = { $year }-{ $month ->
    [1] 01
    [2] 02
    [3] 03
    [4] 04
    [5] 05
    [6] 06
    [7] 07
    [8] 08
    [9] 09
   *[other] { $month }
}-{ $day ->
    [1] 01
    [2] 02
    [3] 03
    [4] 04
    [5] 05
    [6] 06
    [7] 07
    [8] 08
    [9] 09
   *[other] { $day }
}

## Tries left on a PIN or PUK.
tries-left = { $left ->
    [one] { $left } try left
   *[other] { $left } tries left
}
tries-left-of = { $left } of { $total } tries left
secret-blocked = blocked (the { $secret } can no longer be used)
secret-unknown = unknown (the card does not report it)
secret-factory-default = still the factory default
pin-blocked-hint = The PIN is blocked: unblock it with `sello pin unblock`.

## sello readers
readers-none = No smart-card reader found.
reader-card-present = { $reader }  card present (ATR { $atr })
reader-no-card = { $reader }  no card

## sello status: labels (aligned by the code) and values.
status-reader = Reader:
status-card = Card:
status-serial = Serial:
status-version = Version:
status-pin = PIN:
status-puk = PUK:
status-keys = Keys:
status-unknown = unknown
status-no-keys = none (the card is empty)
status-unknown-algorithm = unknown algorithm
status-subject = subject: { $subject }
status-issuer = issuer:  { $issuer }
status-expires = expires: { $date }
status-expired = EXPIRED
status-expires-soon = { $days ->
    [one] WARNING: expires in { $days } day — renew it
   *[other] WARNING: expires in { $days } days — renew it
}
status-revocation = revocation: { $status }
status-cert-unreadable = certificate: present but not readable as X.509
status-cert-none = certificate: none

## sello pin change / unblock
pin-changed = PIN changed
pin-unblocked = PIN unblocked and set

## Errors of the card commands (after "sello: ").
cli-cannot-list-readers = cannot list smart-card readers
cli-no-reader = no smart-card reader found: plug a reader in (is pcscd running?)
cli-no-reader-named = no reader named "{ $wanted }" (see `sello readers`)
cli-several-readers-match = "{ $wanted }" matches several readers; give more of the name (see `sello readers`)
cli-no-card = no card in any reader: insert the card
cli-cards-in-several-readers = cards in several readers: choose one with --reader (see `sello readers`)
cli-cannot-connect = cannot connect to the card in "{ $reader }"
cli-cannot-use-card = cannot use the card in "{ $reader }"
cli-current-pin-invalid = the current PIN is not a valid PIN
cli-puk-invalid = the PUK is not a valid PUK
cli-new-pin-rule = the new PIN is not acceptable: { $why }
cli-new-pin-invalid = the new PIN is not acceptable

## A certificate's revocation status (status, cert show, doctor, renew).
revocation-good = not revoked ({ $method })
## $reason is " (keyCompromise)" or empty.
revocation-revoked = REVOKED on { $date }{ $reason }
revocation-not-published = not published (the certificate names no CRL)
revocation-unknown-offline = unknown (offline: { $why })
revocation-unknown = unknown ({ $why })

## Card errors about the PIN and PUK.
card-wrong-pin = { $left ->
    [one] wrong PIN, { $left } try left
   *[other] wrong PIN, { $left } tries left
}
card-wrong-puk = { $left ->
    [one] wrong PUK, { $left } try left
   *[other] wrong PUK, { $left } tries left
}
card-pin-blocked = PIN blocked: use the PUK to unblock it
card-puk-blocked = PUK blocked: the PIN can no longer be unblocked; only a card reset (which erases all keys) helps

## sello cert show / export
cert-none = No certificates on the card.
cert-none-in-slot = no certificate in slot { $slot }
cert-show =
    Slot { $slot }
      Subject: { $subject }
      Issuer:  { $issuer }
      Serial:  { $serial }
      Valid:   { $from } .. { $until }
cert-not-x509 = Slot { $slot }: not a valid X.509 certificate
cert-revocation = {"  "}Revocation: { $status }

## sello watch (human output; --json is unchanged)
watch-reader-empty = { $reader }: empty
watch-card-unusable = card not usable ({ $error })
watch-serial-unknown = (serial unknown)
watch-card = { $driver } card { $serial }
watch-pin-tries = PIN tries left { $left }
watch-cert-expires = { $days ->
    [one] { $slot } expires in { $days } day
   *[other] { $slot } expires in { $days } days
}
watch-card-inserted = { $reader }: card inserted
watch-card-removed = { $reader }: card removed
watch-reader-added = { $reader }: reader connected
watch-reader-removed = { $reader }: reader gone
watch-service-down = pcscd stopped; waiting for it to come back
watch-service-up = pcscd is running
watch-expiry-warning = { $days ->
    [one] { $reader }: certificate { $slot } of card { $serial } expires in { $days } day: run `sello renew`
   *[other] { $reader }: certificate { $slot } of card { $serial } expires in { $days } days: run `sello renew`
}
watch-job-started = { $reader }: job { $job } ({ $kind }) started
watch-job-done = { $reader }: job { $job } done
watch-cards-in-several-readers = cards in several readers: choose one with --reader (see `sello watch`)
cli-not-a-language = "{ $tag }" is not a language tag (for example: es, ca-valencia, ca, en)
## A key's purpose, named by its profile keyword ($purpose: authentication, signature, encryption).
cli-purpose = { $purpose }
## A key slot's name in `sello status` ($kind: piv-authentication, digital-signature...; $name: NIST SP 800-73's English name).
status-slot-name = { $kind ->
   *[other] { $name }
}
