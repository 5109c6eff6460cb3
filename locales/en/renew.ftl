# sello renew: the summary, the CA's hold, failures and what to do.

renew-complete = Card { $serial } renewed.
renew-replaces = certificate { $serial } replaces { $old }
renew-next-in-person = These certificates were obtained by remote renewal: the next renewal needs a visit to a registration point.
renew-pending = The CA has put the renewal on hold; asking again in { $secs } s ({ $attempt }/{ $max }).
## After "sello: "; $error is the reason.
renew-failed = renewal of card { $serial }: { $error }
renew-failed-job = renewal (sellod job { $job }): { $error }
renew-action-visit = The holder must visit a registration point: the card and its current certificates were not changed.
renew-action-window = Nothing was changed. Renew again when the window opens (the operator may use --force).
renew-action-ca-refused = The CA refused the renewal; the current key and certificates are untouched. The holder must visit a registration point.
renew-action-card-changed = The card is not as the renewal journal expects; take it to a registration point with the journal.
renew-action-resume = Run the same command again to resume; the journal records what is done.

## Renewal progress: step labels ("[done] <label>: <detail>") and details.
renew-step-check = Check the certificates and the card
renew-step-generate-key = Generate the new key for { $slot } on the card
renew-step-reenroll = Renew { $slot } at the CA and check the certificate
renew-step-replace-key = Replace the key of { $slot }
## $slots: the slots, "9A, 9C".
renew-detail-check = card { $serial }: { $slots } may be renewed
renew-detail-check-forced = card { $serial }: { $slots } may be renewed (forced)
renew-detail-key-earlier = new key generated earlier in staging slot { $staging }
renew-detail-key-generated = new { $algorithm } key generated in staging slot { $staging }; the current key stays in { $slot } until the new certificate is in hand
renew-detail-csr = signed by the new key on the card: { $subject }
renew-detail-certificate = certificate { $serial } from { $issuer } checked: chain, key, subject, validity (until { $until })
renew-detail-key-in-slot = the new key is in slot { $slot }
renew-detail-key-moved = old key deleted, new key moved from { $staging } into { $slot }
renew-detail-certificate-on-card = new certificate on the card, identical

## Why a renewal is refused before anything is done (after "certificate 9A cannot be renewed: ").
renew-refusal-no-certificate = there is no certificate to renew: the card must be activated at a registration point
renew-refusal-expired = your certificate expired on { $date }: renewal needs a visit to a registration point
renew-refusal-remote-renewal = your certificate was last renewed from home (certificate { $serial }): the next renewal needs a visit to a registration point
## $days: days from now until the renewal window opens.
renew-refusal-not-due = { $days ->
    [one] valid until { $valid_until }; renewal opens on { $opens }, in { $days } day (the operator can renew earlier with --force)
   *[other] valid until { $valid_until }; renewal opens on { $opens }, in { $days } days (the operator can renew earlier with --force)
}
## $what is a revocation line ("REVOKED on ...").
renew-refusal-revoked = your certificate is { $what }: a revoked certificate is never renewed; the card needs a new activation at a registration point
renew-refusal-cannot-stage = { $why }: renewal would destroy the current key before the new certificate exists; renew at a registration point
renew-no-move-key-firmware = this card (firmware { $firmware }) cannot move keys between slots (MOVE KEY needs 5.7 or later)
renew-no-move-key = this card cannot move keys between slots (no MOVE KEY)

## Why a renewal stopped (RenewError).
renew-error-refused = certificate { $slot } cannot be renewed: { $refusal }
renew-error-journal = renewal journal { $path }: { $message }
renew-error-management-key = the card refused the management key (wrong operator secret?)
renew-error-enroll = renewal of slot { $slot }: { $error }
renew-error-certificate = certificate for slot { $slot } refused, the current key and certificate are untouched: { $error }
renew-error-faulty-key-generator = slot { $slot }: this card's key generator is faulty: { $fault }; do not issue certificates for this card (its current key and certificate are untouched)
renew-subject-unknown-attribute = the subject has an attribute Sello cannot request ({ $oid })
renew-subject-not-string = subject attribute { $oid } is not a string
renew-journal-other-profile = the renewal journal { $path } is for profile { $profile }; finish or move it away first
renew-slot-not-renewable = slot { $slot } cannot be renewed
renew-journal-certificate-unreadable = the journal's certificate for { $slot } is unreadable
renew-certificate-unparsable = the certificate in slot { $slot } does not parse
renew-key-does-not-match = the key in slot { $slot } does not match its certificate; the card needs a registration point
renew-auth-certificate-unparsable = the authentication certificate (9A) does not parse
renew-needs-operator-secret = this profile needs the operator's management-key secret to put a new key on the card
renew-no-protected-key = this card keeps no PIN-protected management key: renew at a registration point
renew-protected-key-refused = the card's PIN-protected management key does not open the card: renew at a registration point
renew-staging-occupied = retired slot { $staging }, used to stage the new key, holds a key Sello did not put there; clear it first
renew-key-in-renewal-journal = slot { $slot } in this renewal's journal
renew-no-record = no renewal record for { $slot }
renew-no-new-key-recorded = no new key recorded for { $slot }
renew-new-key-lost = the new key for { $slot } is neither in staging slot { $staging } nor in { $slot }; the card was changed elsewhere: visit a registration point
renew-card-unusable = the card is unusable after an internal error

## sello renew: errors (after "sello: ").
renew-not-a-slot = "{ $slot }" is not a slot (9A, 9C or all)
renew-needs-mgmt-secret = profile { $profile } keeps the card's management key with the operator: renewal puts a new key on the card and needs --mgmt-secret-file FILE or --mgmt-secret-stdin (renew at a registration point)
renew-job-failed = the job failed
