# sello doctor: check titles, findings and advice; the CLI's summary lines.

doctor-title-pcscd = Smart-card service
doctor-title-reader = Card reader
doctor-title-card = Card
doctor-title-pin = PIN
doctor-title-certificate = Certificates on the card
doctor-title-validity = Certificate dates
doctor-title-chain = Certificate issuer
doctor-title-revocation = Certificate revocation
doctor-title-browser = Browsers
doctor-title-p11kit = p11-kit (GnuTLS and other applications)
doctor-title-pinentry = PIN dialog

doctor-skipped = not checked: "{ $cause }" failed first
doctor-skipped-no-network = not checked: this build of Sello has no network client
doctor-all-ok = Everything needed to use your card is in place.
doctor-needs-fixing = Something needs fixing: follow the advice above (first FAIL first).

## Key slots: $slot is authentication, signature, key-management, card-authentication or other.
doctor-slot = { $slot ->
    [authentication] authentication
    [signature] signature
    [key-management] key management
    [card-authentication] card authentication
   *[other] other
}
## The certificate of a slot, inside a sentence.
doctor-slot-cert = { $slot ->
    [authentication] the authentication certificate
    [signature] the signature certificate
    [key-management] the key management certificate
    [card-authentication] the card authentication certificate
   *[other] the other certificate
}

## pcscd
doctor-pcscd-ok = The smart-card service (pcscd) is running.
doctor-pcscd-missing = The smart-card service is not running.
doctor-pcscd-missing-advice = Start it with `sudo systemctl start pcscd` (if that says it is not installed: `sudo apt install pcscd`), then run `sello doctor` again.
doctor-pcscd-error = The smart-card service does not answer: { $error }.
doctor-pcscd-error-advice = Restart it with `sudo systemctl restart pcscd`, then run `sello doctor` again.

## reader
doctor-reader-none = No card reader found.
doctor-reader-none-advice = Plug in your card reader (try another USB port). If it is plugged in, unplug it and plug it in again.
doctor-reader-not-named = No reader named "{ $wanted }"; found: { $names }.
doctor-reader-not-named-advice = Give one of the names above with --reader, or leave --reader out.
doctor-reader-several = Several readers match; found: { $names }.
doctor-reader-several-advice = Give more of the reader's name with --reader.
doctor-reader-found = { $count ->
    [one] Reader found: { $names }.
   *[other] Readers found: { $names }.
}

## card
doctor-card-none = There is no card in the reader.
doctor-card-none-advice = Insert your card into the reader, chip first and facing up, then run `sello doctor` again.
doctor-card-removed = The card was taken out while it was being read.
doctor-card-removed-advice = Insert the card and leave it in the reader, then run `sello doctor` again.
doctor-card-busy = Another program is using the card exclusively.
doctor-card-busy-advice = Close other programs that use the card (signing tools, other middleware), then try again.
doctor-card-unsupported = This card is not one Sello recognises (no PIV application).
doctor-card-unrecognised = The card ({ $driver }) is not one Sello recognises.
doctor-card-wrong-card-advice = Check that you inserted your citizen card, not a bank or health card.
doctor-card-unreadable = The card could not be read: { $error }.
doctor-card-unreadable-advice = Take the card out, clean the chip gently, insert it again and retry. If it keeps failing, the card or reader may be faulty.
doctor-card-ok = { $application } card{ $serial } in "{ $reader }".
doctor-card-ok-several = { $application } card{ $serial } in "{ $reader }" (cards in several readers: checking this one; choose another with --reader).
doctor-application-profile = PIV (profile { $profile })

## PIN
doctor-pin-blocked = The PIN is blocked.
doctor-pin-and-puk-blocked = The PIN is blocked. The PUK is blocked too.
doctor-pin-blocked-advice = Unblock it with the PUK from your activation letter: `sello pin unblock`. Without the PUK, go to a registration point.
doctor-pin-and-puk-blocked-advice = The PIN and the PUK are both blocked: the card can no longer be unblocked. Take it to a registration point.
doctor-pin-last-try = Only 1 PIN try left: one more wrong PIN blocks the card.
doctor-pin-last-try-advice = Enter the PIN carefully. If you are not sure of it, unblock with the PUK instead (`sello pin unblock`).
doctor-pin-ok = The PIN is not blocked ({ $tries }).
doctor-pin-unknown = The card does not say how many PIN tries are left.
doctor-pin-unknown-advice = If the PIN is refused, do not guess: unblock with the PUK (`sello pin unblock`).

## certificates
doctor-cert-missing = No certificate in the { $slots } slot.
doctor-cert-missing-advice = The card has not been activated (or its certificate was removed). Take it to a registration point to activate it.
doctor-cert-damaged = The certificate in the { $slots } slot is damaged.
doctor-cert-damaged-advice = Take the card to a registration point to have a new certificate written.
doctor-cert-wrong-key = The certificate in the { $slots } slot does not belong to the key on the card.
doctor-cert-wrong-key-advice = The card's activation was not completed: take it to a registration point.
doctor-cert-ok = Certificates found: { $slots }.

## dates
doctor-validity-expired = { $cert } expired on { $date }.
doctor-validity-expired-advice = Expired certificates cannot be renewed at home: book an appointment at a registration point.
doctor-validity-not-yet = { $cert } is not valid before { $date }.
doctor-validity-not-yet-advice = Check that your computer's date and time are right; if they are, contact the registration point.
doctor-validity-soon = { $days ->
    [one] { $cert } expires in { $days } day ({ $date }).
   *[other] { $cert } expires in { $days } days ({ $date }).
}
doctor-validity-soon-advice = Renew it before it expires (`sello renew`, or at a registration point); after it expires you must go in person.
doctor-validity-until = { $slot } until { $date }
doctor-validity-ok = Valid: { $list }.

## issuer
doctor-chain-no-anchors = No CA certificates are configured, so the issuer cannot be checked{ $problems }.
doctor-chain-no-anchors-advice = Install your CA's certificate in /etc/sello/ca/ (or pass it with `--ca FILE`).
doctor-chain-trusted-by = { $slot } by { $ca }
doctor-chain-unknown = { $cert } was issued by an unknown CA ({ $issuer }).
doctor-chain-unknown-advice = This card was not activated by your CA, or its CA certificate is not installed: contact the registration point.
doctor-chain-bad-signature = { $cert } names { $ca } as issuer, but its signature does not match.
doctor-chain-bad-signature-advice = The certificate is not genuine: do not use the card and contact the registration point.
doctor-chain-unsupported = The issuer of { $cert } cannot be checked: { $why }.
doctor-contact-if-refused-advice = Contact the registration point if websites refuse the card.
doctor-chain-ok = Issued by a known CA: { $list }.

## revocation
doctor-revoked = { $cert } is { $status }.
doctor-revoked-advice = A revoked certificate can never be used or renewed again: go to a Registration Point with your identity document for a new activation of the card.
doctor-revocation-offline = Whether { $cert } is revoked is unknown (offline: { $why }).
doctor-revocation-offline-advice = Connect to the Internet and run `sello doctor` again.
doctor-revocation-unchecked = Whether { $cert } is revoked cannot be checked: { $why }.
doctor-revocation-good = Not revoked, according to the CA: { $list }.
doctor-revocation-unpublished = The CA publishes no revocation list for: { $list }.

## browsers
doctor-browser-none = No Firefox profile and no Chromium/Chrome certificate store were found.
doctor-browser-none-advice = Start your browser once, then run `sello browser install`.
doctor-browser-missing = Sello is not set up in: { $list }.
doctor-browser-missing-advice = Run `sello browser install` (close Firefox first), then restart your browsers.
doctor-browser-broken = Sello is set up in { $list }, but its module file is missing.
doctor-reinstall-advice = Reinstall Sello, then run `sello browser install`.
doctor-browser-ok = Set up in: { $list }.

## p11-kit
doctor-p11kit-broken = { $file } names the module { $library }, which is missing.
doctor-p11kit-ok = Registered: { $file }.
doctor-p11kit-absent = p11-kit is not installed: no application here reaches modules through it.
doctor-p11kit-missing = Applications that use p11-kit (GnuTLS tools, and programs loading p11-kit-proxy.so) do not see Sello.
doctor-p11kit-missing-advice = Run `sello browser install`.

## pinentry
doctor-pinentry-ok = PIN dialogs are shown with { $program }.
doctor-pinentry-missing = No PIN dialog can be shown in this session: { $why }.
doctor-pinentry-missing-advice = Install the pinentry package named above (or set `pinentry` in the [pkcs11] table of ~/.config/sello/sello.toml), then restart the browser.
doctor-card-reset-advice = Another program reset the card while it was being read: close other programs that use the card, then run `sello doctor` again.
doctor-reader-unusable = The reader could not be used: { $error }.
doctor-reader-unusable-advice = Unplug the reader, plug it in again and retry; if it keeps failing, restart the smart-card service (`sudo systemctl restart pcscd`).
doctor-card-protocol = The card answered in a way Sello does not handle: { $error }.
doctor-card-protocol-advice = The card and the reader work, but this card model answers differently from what Sello expects. Cleaning or re-inserting the card will not help: report it to your support with the output of `sello status --verbose` (it holds no PIN). Tools such as OpenSC may still use the card meanwhile.
## The status tags in front of each check (short: they are padded to the longest).
doctor-tag-ok = ok
doctor-tag-warn = WARN
doctor-tag-fail = FAIL
doctor-tag-skipped = skip
