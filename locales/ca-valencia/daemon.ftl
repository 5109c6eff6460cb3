# sellod en valencià: només el que és diferent del català central (locales/ca).

daemon-no-worker = no hi ha cap fil lliure per a llegir la targeta
daemon-not-allowed = no teniu permís per a utilitzar este servei
daemon-cancel-forbidden = la tasca { $job } la va iniciar un altre usuari; només eixe usuari o root la poden cancel·lar
daemon-secret-not-owner = només la connexió que ha iniciat una tasca pot respondre a les seues peticions de secrets
daemon-secret-already-answered = la tasca ja té eixa resposta
daemon-renew-not-available = este sellod no té client EST i no pot renovar; renoveu en un punt de registre
daemon-no-est-client = este sellod no té client EST
daemon-invalid-pin = açò no és un PIN vàlid
daemon-invalid-puk = açò no és un PUK vàlid
daemon-ca-pending = la CA ha deixat la petició en espera; es tornarà a preguntar d'ací a { $seconds } s ({ $attempt }/{ $max })
daemon-expiry-advice = executeu `sello renew` abans que caduque el certificat
daemon-no-job = no existix la tasca { $job }
daemon-path-not-absolute = { $path } ha de ser un camí absolut (el servei no compartix el directori del client)
daemon-no-group = no existix el grup «{ $group }» en /etc/group
