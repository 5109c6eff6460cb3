# sello renew en valencià: només el que és diferent del català central (locales/ca).

renew-next-in-person = Estos certificats s'han obtingut per renovació remota: la pròxima renovació exigix anar a un punt de registre.
renew-pending = La CA ha deixat la renovació en espera; es tornarà a preguntar d'ací a { $secs } s ({ $attempt }/{ $max }).
renew-action-window = No s'ha canviat res. Torneu a renovar quan s'òbriga el termini (l'operador pot utilitzar --force).
