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
