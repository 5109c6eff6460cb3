# sellod: desktop notifications.

notify-expiring-title = Certificate expiring
notify-expired-title = Certificate expired
notify-expired-body = The certificate in slot { $slot } of card { $serial } has expired. Take the card to a registration point.
notify-expiring-body = { $days ->
    [one] The certificate in slot { $slot } of card { $serial } expires in { $days } day. Renew it from home: insert the card and run `sello renew` (your PIN is all it needs).
   *[other] The certificate in slot { $slot } of card { $serial } expires in { $days } days. Renew it from home: insert the card and run `sello renew` (your PIN is all it needs).
}
