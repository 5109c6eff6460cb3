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

## Progrés de la renovació: etiquetes dels passos («[fet] <etiqueta>: <detall>») i detalls.
renew-step-check = Comprovar els certificats i la targeta
renew-step-generate-key = Generar la clau nova per a { $slot } a la targeta
renew-step-reenroll = Renovar { $slot } a la CA i comprovar el certificat
renew-step-replace-key = Substituir la clau de { $slot }
## $slots: les ranures, «9A, 9C».
renew-detail-check = targeta { $serial }: es pot renovar { $slots }
renew-detail-check-forced = targeta { $serial }: es pot renovar { $slots } (forçat)
renew-detail-key-earlier = clau nova generada abans a la ranura provisional { $staging }
renew-detail-key-generated = nova clau { $algorithm } generada a la ranura provisional { $staging }; la clau actual es queda a { $slot } fins que hi hagi el certificat nou
renew-detail-csr = signada per la clau nova a la targeta: { $subject }
renew-detail-certificate = certificat { $serial } de { $issuer } comprovat: cadena, clau, titular, validesa (fins al dia { $until })
renew-detail-key-in-slot = la clau nova és a la ranura { $slot }
renew-detail-key-moved = clau antiga esborrada, clau nova moguda de { $staging } a { $slot }
renew-detail-certificate-on-card = el certificat nou és a la targeta, idèntic

## Per què es rebutja una renovació abans de fer res (després de «el certificat 9A no es pot renovar: »).
renew-refusal-no-certificate = no hi ha cap certificat per renovar: la targeta s'ha d'activar en un punt de registre
renew-refusal-expired = el vostre certificat va caducar el dia { $date }: per a renovar-lo cal anar a un punt de registre
renew-refusal-remote-renewal = el vostre certificat es va renovar per última vegada des de casa (certificat { $serial }): la pròxima renovació exigeix anar a un punt de registre
## $days: dies des d'ara fins que s'obre el termini de renovació.
renew-refusal-not-due = { $days ->
    [one] vàlid fins al dia { $valid_until }; la renovació s'obre el dia { $opens }, d'aquí a { $days } dia (l'operador pot renovar abans amb --force)
   *[other] vàlid fins al dia { $valid_until }; la renovació s'obre el dia { $opens }, d'aquí a { $days } dies (l'operador pot renovar abans amb --force)
}
## $what és una línia de revocació («REVOCAT el ...»).
renew-refusal-revoked = el vostre certificat està { $what }: un certificat revocat no es renova mai; la targeta necessita una nova activació en un punt de registre
renew-refusal-cannot-stage = { $why }: la renovació destruiria la clau actual abans que existeixi el certificat nou; renoveu en un punt de registre
renew-no-move-key-firmware = aquesta targeta (firmware { $firmware }) no pot moure claus entre ranures (MOVE KEY exigeix la 5.7 o posterior)
renew-no-move-key = aquesta targeta no pot moure claus entre ranures (no té MOVE KEY)

## Per què s'ha aturat una renovació (RenewError).
renew-error-refused = el certificat { $slot } no es pot renovar: { $refusal }
renew-error-journal = diari de renovació { $path }: { $message }
renew-error-management-key = la targeta ha rebutjat la clau d'administració (secret de l'operador incorrecte?)
renew-error-enroll = renovació de la ranura { $slot }: { $error }
renew-error-certificate = s'ha rebutjat el certificat per a la ranura { $slot }; la clau i el certificat actuals estan intactes: { $error }
renew-error-faulty-key-generator = ranura { $slot }: el generador de claus d'aquesta targeta és defectuós: { $fault }; no emeteu certificats per a aquesta targeta (la clau i el certificat actuals estan intactes)
renew-subject-unknown-attribute = el titular té un atribut que Sello no pot sol·licitar ({ $oid })
renew-subject-not-string = l'atribut { $oid } del titular no és una cadena de text
renew-journal-other-profile = el diari de renovació { $path } és del perfil { $profile }; acabeu-lo o aparteu-lo abans
renew-slot-not-renewable = la ranura { $slot } no es pot renovar
renew-journal-certificate-unreadable = el certificat del diari per a { $slot } és il·legible
renew-certificate-unparsable = el certificat de la ranura { $slot } no es pot analitzar
renew-key-does-not-match = la clau de la ranura { $slot } no correspon al seu certificat; la targeta ha d'anar a un punt de registre
renew-auth-certificate-unparsable = el certificat d'autenticació (9A) no es pot analitzar
renew-needs-operator-secret = aquest perfil necessita el secret de la clau d'administració de l'operador per a posar una clau nova a la targeta
renew-no-protected-key = aquesta targeta no guarda cap clau d'administració protegida pel PIN: renoveu en un punt de registre
renew-protected-key-refused = la clau d'administració protegida pel PIN no obre la targeta: renoveu en un punt de registre
renew-staging-occupied = la ranura retirada { $staging }, que es fa servir per a preparar la clau nova, conté una clau que Sello no hi va posar; buideu-la abans
renew-key-in-renewal-journal = la ranura { $slot } al diari d'aquesta renovació
renew-no-record = no hi ha cap registre de renovació per a { $slot }
renew-no-new-key-recorded = no hi ha cap clau nova registrada per a { $slot }
renew-new-key-lost = la clau nova per a { $slot } no és ni a la ranura provisional { $staging } ni a { $slot }; la targeta s'ha modificat en un altre lloc: aneu a un punt de registre
renew-card-unusable = la targeta no es pot fer servir després d'un error intern

## sello renew: errors (després de «sello: »).
renew-not-a-slot = «{ $slot }» no és una ranura (9A, 9C o all)
renew-needs-mgmt-secret = el perfil { $profile } deixa la clau d'administració de la targeta en mans de l'operador: la renovació posa una clau nova a la targeta i necessita --mgmt-secret-file FITXER o --mgmt-secret-stdin (renoveu en un punt de registre)
renew-job-failed = la tasca ha fallat
