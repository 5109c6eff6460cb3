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
