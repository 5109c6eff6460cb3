# sello activate en valencià: només el que és diferent del català central (locales/ca).
activate-step-contents-record = Registre del contingut de la targeta (perquè el navegador s'inicie ràpidament)
activate-detail-record-not-kept = esta targeta no guarda el registre de Sello: en iniciar-se, el navegador llegirà els certificats
activate-detail-no-holder-copy = , sense còpia per al titular: esta targeta rebutja els objectes que la guarden, així que les renovacions del titular exigixen anar a un punt de registre
activate-detail-puk-changed-before = el PUK ja s'havia canviat abans que esta activació el registrara
activate-detail-replaced = ; substituïx { $what }
activate-puk-shown-once = anoteu-lo per al titular: només es mostra esta vegada
activate-pending = La CA ha deixat la sol·licitud en espera; es tornarà a preguntar d'ací a { $secs } s ({ $attempt }/{ $max }).
activate-pending-message = La CA ha deixat la sol·licitud en espera ({ $message }); es tornarà a preguntar d'ací a { $secs } s ({ $attempt }/{ $max }).
activate-not-piv = no es pot utilitzar la targeta de «{ $reader }» (no té aplicació PIV?)
activate-daemon-no-slot-algorithm = --slot-algorithm no s'admet a través de sellod; utilitzeu --direct
activate-no-est-client = esta compilació de sello no té client EST (funcionalitat "est-client")
activate-operator-not-piv = no es pot utilitzar la targeta de l'operador a «{ $reader }» (no té aplicació PIV?)
activate-reuse-replaced = certificat { $serial }: { $state }; una clau i un certificat nous el substituïxen
