# sello renew: el resum, l'espera de la CA, els errors i què cal fer.

renew-complete = Targeta { $serial } renovada.
renew-replaces = el certificat { $serial } substitueix { $old }
renew-next-in-person = Aquests certificats s'han obtingut per renovació remota: la pròxima renovació exigeix anar a un punt de registre.
renew-pending = La CA ha deixat la renovació en espera; es tornarà a preguntar d'aquí a { $secs } s ({ $attempt }/{ $max }).
## Després de «sello: »; $error és el motiu.
renew-failed = renovació de la targeta { $serial }: { $error }
renew-failed-job = renovació (tasca { $job } de sellod): { $error }
renew-action-visit = El titular ha d'anar a un punt de registre: no s'han canviat ni la targeta ni els certificats actuals.
renew-action-window = No s'ha canviat res. Torneu a renovar quan s'obri el termini (l'operador pot fer servir --force).
renew-action-ca-refused = La CA ha rebutjat la renovació; la clau i els certificats actuals estan intactes. El titular ha d'anar a un punt de registre.
renew-action-card-changed = La targeta no està com espera el diari de renovació; porteu-la a un punt de registre amb el diari.
renew-action-resume = Torneu a executar la mateixa ordre per a continuar; el diari anota el que ja està fet.
