# sello renew en valencià: només el que és diferent del català central (locales/ca).

renew-next-in-person = Estos certificats s'han obtingut per renovació remota: la pròxima renovació exigix anar a un punt de registre.
renew-pending = La CA ha deixat la renovació en espera; es tornarà a preguntar d'ací a { $secs } s ({ $attempt }/{ $max }).
renew-action-window = No s'ha canviat res. Torneu a renovar quan s'òbriga el termini (l'operador pot utilitzar --force).
renew-detail-key-generated = nova clau { $algorithm } generada en la ranura provisional { $staging }; la clau actual es queda en { $slot } fins que hi haja el certificat nou
renew-refusal-remote-renewal = el vostre certificat es va renovar per última vegada des de casa (certificat { $serial }): la pròxima renovació exigix anar a un punt de registre
renew-refusal-not-due = { $days ->
    [one] vàlid fins al dia { $valid_until }; la renovació s'obri el dia { $opens }, d'ací a { $days } dia (l'operador pot renovar abans amb --force)
   *[other] vàlid fins al dia { $valid_until }; la renovació s'obri el dia { $opens }, d'ací a { $days } dies (l'operador pot renovar abans amb --force)
}
renew-refusal-cannot-stage = { $why }: la renovació destruiria la clau actual abans que existisca el certificat nou; renoveu en un punt de registre
renew-no-move-key-firmware = esta targeta (firmware { $firmware }) no pot moure claus entre ranures (MOVE KEY exigix la 5.7 o posterior)
renew-no-move-key = esta targeta no pot moure claus entre ranures (no té MOVE KEY)
renew-error-faulty-key-generator = ranura { $slot }: el generador de claus d'esta targeta és defectuós: { $fault }; no emeteu certificats per a esta targeta (la clau i el certificat actuals estan intactes)
renew-needs-operator-secret = este perfil necessita el secret de la clau d'administració de l'operador per a posar una clau nova en la targeta
renew-no-protected-key = esta targeta no guarda cap clau d'administració protegida pel PIN: renoveu en un punt de registre
renew-staging-occupied = la ranura retirada { $staging }, que s'utilitza per a preparar la clau nova, conté una clau que Sello no hi va posar; buideu-la abans
renew-key-in-renewal-journal = la ranura { $slot } en el diari d'esta renovació
renew-card-unusable = la targeta no es pot utilitzar després d'un error intern
renew-replaces = el certificat { $serial } substituïx { $old }
