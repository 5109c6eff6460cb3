# enroll messages (ca).

## La resposta de la CA a una sol·licitud (EnrollError); $reason i $message són el text de la
## CA o de la xarxa, tal com han arribat.
enroll-ca-unreachable = no es pot contactar amb la CA: { $reason }
enroll-ca-rejected = la CA ha rebutjat la sol·licitud: { $reason }
enroll-ca-pending = la sol·licitud espera l'aprovació de la CA
enroll-ca-pending-retry = la sol·licitud espera l'aprovació de la CA (torneu-ho a provar d'aquí a { $secs } s)
enroll-ca-error = la CA ha informat d'un error (HTTP { $status }): { $message }
enroll-ca-protocol = no s'entén la resposta de la CA: { $reason }

## El client EST (EstError). $addr és host:port; $after una durada ("30s").
enroll-est-config = configuració del client EST: { $reason }
enroll-est-connect = no es pot connectar amb la CA a { $addr }: { $error }
enroll-est-timeout = la CA a { $addr } no ha respost en { $after } ({ $during })
enroll-est-tls = ha fallat el TLS amb la CA a { $addr }: { $reason }
enroll-est-protocol = la CA a { $addr } ha respost una cosa incomprensible: { $reason }
enroll-est-proxy = el servidor intermediari HTTP no ha obert un túnel cap a la CA a { $addr }: { $reason }
enroll-est-unauthorized = la CA ha rebutjat les credencials (401): { $message }
enroll-est-rejected = la CA ha rebutjat la sol·licitud ({ $status }): { $message }
enroll-est-server = la CA ha fallat ({ $status }): { $message }
enroll-est-still-pending = { $polls ->
    [one] la sol·licitud encara espera l'aprovació després de { $polls } consulta; torneu-ho a provar més tard
   *[other] la sol·licitud encara espera l'aprovació després de { $polls } consultes; torneu-ho a provar més tard
}
enroll-est-io = error d'E/S amb la CA a { $addr }: { $error }
enroll-est-phase-connecting = en connectar
enroll-est-phase-deadline = termini total de la sol·licitud
enroll-est-phase-sending = en enviar la sol·licitud
enroll-est-phase-reading = en llegir la resposta
enroll-est-phase-waiting = esperant la resposta
enroll-est-phase-talking = en la comunicació amb la CA
enroll-est-closed-while = connexió tancada { $during }
enroll-est-client-cert-refused = la CA ha tancat la connexió just després de l'encaixada TLS ({ $error }): no ha acceptat el certificat de client TLS
enroll-est-tls-not-tls = { $error } (el servidor no parla TLS o ha respost una cosa incomprensible)
enroll-est-tls-untrusted = { $error } (el certificat del servidor no és de confiança per a l'àncora de confiança configurada)
enroll-est-code-refused = s'ha rebutjat el codi de sol·licitud o la identitat: { $message }

## La comprovació del certificat que retorna la CA (CertCheckError).
enroll-cert-empty = la CA no ha retornat cap certificat
enroll-cert-malformed = el certificat { $index } de la cadena retornada no és un X.509 vàlid
enroll-cert-key-mismatch = la clau pública del certificat no és la clau generada a la targeta
enroll-cert-subject-mismatch = el titular del certificat no és el sol·licitat (s'ha rebut «{ $got }»)
enroll-cert-email-mismatch = el certificat no porta l'adreça electrònica sol·licitada
enroll-cert-validity = la validesa del certificat no és acceptable: { $why }
enroll-cert-leaf-is-ca = el certificat retornat és un certificat de CA
enroll-cert-purpose = el certificat no correspon a l'ús de la ranura: { $why }
enroll-cert-untrusted = el certificat no encadena amb la CA configurada: { $why }
enroll-cert-not-yet-valid = encara no és vàlid
enroll-cert-expired = ja ha caducat
enroll-cert-too-long = és vàlid durant més de 10 anys
enroll-cert-no-anchor = no hi ha cap àncora de confiança configurada
enroll-cert-anchor-vanished = no es pot llegir l'àncora de confiança
enroll-cert-anchor-not-valid = el certificat de la CA ha caducat o encara no és vàlid
enroll-cert-no-issuer = cap certificat de la cadena ni de les àncores de confiança no ha signat «{ $subject }»
enroll-cert-bad-intermediate = l'intermedi «{ $subject }» no és un certificat de CA vàlid
enroll-cert-chain-too-long = la cadena és massa llarga
enroll-cert-unreadable-key-usage = no es pot llegir l'extensió d'ús de clau: { $error }
enroll-cert-unreadable-eku = no es pot llegir l'extensió d'ús estès de clau: { $error }
## $required i $present són llistes de noms de l'RFC 5280 o OID.
enroll-cert-no-key-usage = no té extensió d'ús de clau; s'exigeix { $required }
enroll-cert-key-usage-missing = s'exigeix l'ús de clau { $required } i el certificat té { $present }
enroll-cert-eku-missing = s'exigeix l'ús estès de clau { $required } i el certificat té { $present }
enroll-cert-policy-missing = s'exigeix la política de certificació { $required } i el certificat té { $present }
enroll-cert-none = cap
enroll-cert-validity-too-long = { $days ->
    [one] és vàlid durant { $days } dia i el perfil en permet com a màxim { $max }
   *[other] és vàlid durant { $days } dies i el perfil en permet com a màxim { $max }
}
enroll-cert-validity-too-short = { $days ->
    [one] és vàlid durant { $days } dia i el perfil n'exigeix com a mínim { $min }
   *[other] és vàlid durant { $days } dies i el perfil n'exigeix com a mínim { $min }
}

## Sol·licituds de certificat (CsrError) i signatures.
enroll-csr-card = la targeta no ha pogut signar la sol·licitud
enroll-csr-unsupported-key = les claus { $algorithm } no poden signar una sol·licitud de certificat
enroll-csr-build = no es pot construir la sol·licitud de certificat: { $reason }
enroll-csr-malformed = no és una sol·licitud de certificat PKCS#10 vàlida
enroll-csr-signature = la signatura de la sol·licitud de certificat no és vàlida
enroll-csr-key-mismatch = la sol·licitud de certificat porta una clau pública diferent de la de la targeta
enroll-signature-invalid = la signatura no es verifica
enroll-signature-unsupported = algorisme de signatura no admès: { $algorithm }
enroll-signature-key-mismatch = l'algorisme de signatura { $algorithm } no correspon a una clau { $key }

## Claus generades per la targeta (KeyFault); $other indica on és la mateixa clau.
enroll-key-repeated = ha generat la mateixa clau pública que { $other }
enroll-key-small-factor = el mòdul RSA és divisible per { $factor }
enroll-key-roca = el mòdul RSA té l'empremta de ROCA (CVE-2017-15361)
enroll-key-slot-on-card = la ranura { $slot } de la targeta
enroll-key-in-activation-journal = la ranura { $slot } al diari d'aquesta activació

## Diaris d'activació (JournalError) i la CA local de formació (LocalCaError).
enroll-journal-io = diari d'activació { $path }: { $error }
enroll-journal-invalid = el diari d'activació { $path } no és vàlid: { $message }
enroll-journal-no-state-dir = no hi ha directori d'estat: definiu SELLO_STATE_DIR
enroll-journal-wrong-version = versió { $version } per a la targeta { $card } (s'esperava la versió { $expected } per a la targeta { $serial })
enroll-local-io = { $path }: { $error }
enroll-local-format = { $path }: no és una clau PKCS#8 P-256 ni un certificat X.509 en PEM
enroll-local-build = no es pot crear el certificat de la CA: { $reason }

## Per què s'ha aturat una activació (ActivationError) o una renovació.
## L'operació de targeta que ha fallat (abans de «: » i l'error de la targeta).
enroll-op-identify = identificar la targeta
enroll-op-read-existing-certificate = llegir el certificat existent
enroll-op-key-metadata = metadades de la clau
enroll-op-management-key = clau d'administració
enroll-op-set-management-key = establir la clau d'administració
enroll-op-protected-management-key = clau d'administració protegida pel PIN
enroll-op-pin-status = estat del PIN
enroll-op-pin = PIN
enroll-op-factory-pin = PIN (de fàbrica)
enroll-op-set-pin-retries = establir els intents del PIN
enroll-op-set-pin = establir el PIN
enroll-op-puk-status = estat del PUK
enroll-op-set-puk = establir el PUK
enroll-op-key-generation = generació de la clau
enroll-op-read-certificate = llegir el certificat
enroll-op-write-certificate = gravar el certificat
enroll-op-read-back-certificate = tornar a llegir el certificat
enroll-op-certificate-key = la clau del certificat
enroll-op-auth-certificate = el certificat 9A
enroll-op-authentication-key = la clau d'autenticació
enroll-op-delete-old-key = esborrar la clau antiga
enroll-op-move-new-key = moure la clau nova
enroll-journal-mismatch = el diari { $path } registra una activació d'aquesta targeta per a { $what }; acabeu o descarteu abans aquella activació (aparteu el fitxer)
enroll-journal-other-profile = el perfil { $profile }
enroll-journal-other-holder = una altra identitat de titular
enroll-management-key-not-profile-nor-factory = la targeta ha rebutjat la clau d'administració (ni la del perfil ni la de fàbrica): secret de l'operador incorrecte, o una targeta personalitzada en un altre lloc
enroll-management-key-not-factory-nor-protected = la targeta ha rebutjat la clau d'administració (ni la de fàbrica ni una protegida pel PIN): una targeta personalitzada en un altre lloc
enroll-csr-failed = sol·licitud de certificat per a la ranura { $slot }: { $error }
enroll-enroll-failed = sol·licitud a la CA per a la ranura { $slot }: { $error }
enroll-certificate-refused = s'ha rebutjat el certificat per a la ranura { $slot } i no s'ha gravat res a la targeta: { $error }
enroll-faulty-key-generator = ranura { $slot }: el generador de claus d'aquesta targeta és defectuós: { $fault }; no emeteu certificats per a aquesta targeta
enroll-profile-no-key-in-slot = el perfil { $profile } no crea cap clau a la ranura { $slot }
enroll-profile-algorithm-not-allowed = el perfil { $profile } no permet { $algorithm } a la ranura { $slot }
enroll-no-serial = la targeta no indica cap número de sèrie: no es pot activar amb claus pròpies de cada targeta i un diari
enroll-existing-unreadable-subject = un titular il·legible
enroll-existing-certificate = un certificat per a { $subject }
enroll-existing-key-of = una clau { $algorithm }
enroll-existing-key = una clau
## Uneix «un certificat per a ...» i «una clau» (amb els espais).
enroll-existing-and = {" "}i{" "}
enroll-existing-slot = ranura { $slot }: { $what }
enroll-existing-refused = la targeta ja conté el que una altra eina hi va posar ({ $list }); no s'ha canviat res. Torneu a executar amb --replace-existing per a substituir-ho
enroll-needs-master-secret = aquest perfil deriva la clau d'administració: cal el secret mestre de l'operador
enroll-needs-explicit-key = aquest perfil necessita que l'operador faciliti la clau d'administració de la targeta
enroll-internal-pin-protected = error intern: les claus protegides pel PIN es tracten a part
enroll-factory-key-refused = el perfil rebutja la clau d'administració de fàbrica
enroll-management-key-algorithm-refused = aquesta targeta no admet una clau d'administració { $algorithm } (una YubiKey 4 o una targeta PIV senzilla es queda en 3DES); no s'ha canviat res: activeu-la amb un perfil el management_key.algorithm del qual sigui "3DES"
enroll-invalid-pin = això no és un PIN vàlid
enroll-pin-retries-fixed = { $tries ->
    [one] aquesta targeta té { $tries } intent de PIN i no ho pot canviar; el perfil { $profile } en demana { $wanted } (amb pin.retries_required = false accepta aquestes targetes)
   *[other] aquesta targeta té { $tries } intents de PIN i no ho pot canviar; el perfil { $profile } en demana { $wanted } (amb pin.retries_required = false accepta aquestes targetes)
}
enroll-journal-key-unreadable = la clau pública del diari per a la ranura { $slot } és il·legible
enroll-key-gone = la ranura { $slot } ja no conté la clau el certificat de la qual va gravar aquesta activació; la targeta s'ha modificat en un altre lloc
enroll-no-journal-record = no hi ha cap registre al diari per a { $slot }
enroll-no-request-recorded = no hi ha cap sol·licitud registrada per a { $slot }
enroll-no-certificate-recorded = no hi ha cap certificat registrat per a { $slot }
enroll-read-back-differs = el certificat llegit de la ranura { $slot } és diferent del gravat
enroll-detail-written = { $bytes ->
    [one] gravat ({ $bytes } byte) i rellegit idèntic
   *[other] gravat ({ $bytes } bytes) i rellegit idèntic
}

## Per què es desconeix l'estat de revocació (després de «desconegut (»).
enroll-revocation-cert-unparsable = el certificat no es pot analitzar
enroll-revocation-issuer-unknown = el seu emissor no és entre els certificats de CA de confiança
enroll-revocation-no-crl = no hi ha CRL
enroll-revocation-crl-unparsable = la CRL no es pot analitzar
enroll-revocation-ca-unparsable = el certificat de la CA no es pot analitzar
enroll-revocation-crl-wrong-issuer = la CRL no és de l'emissor del certificat
enroll-revocation-crl-future = la CRL té una data futura
enroll-revocation-crl-outdated = la CRL no està actualitzada (la següent actualització vencia el dia { $date })
enroll-revocation-crl-signature = la signatura de la CRL no es verifica: { $error }
enroll-revocation-ocsp-unparsable = la resposta OCSP no es pot analitzar: { $error }
enroll-revocation-ocsp-status = el servidor OCSP ha respost { $status }
enroll-revocation-ocsp-empty = la resposta OCSP és buida
enroll-revocation-ocsp-not-basic = la resposta OCSP no és una resposta bàsica
enroll-revocation-ocsp-not-signed = la resposta OCSP no està signada per la CA del certificat
enroll-revocation-ocsp-other-certificate = la resposta OCSP tracta d'un altre certificat
enroll-revocation-ocsp-future = la resposta OCSP té una data futura
enroll-revocation-ocsp-outdated = la resposta OCSP no està actualitzada
enroll-revocation-unreachable = no es pot accedir a { $url }: { $error }

## La configuració del client EST (després de «configuració del client EST: »).
enroll-est-file-error = { $path }: { $error }
enroll-est-no-pem = { $path }: no s'ha trobat cap CERTIFICATE PEM
enroll-est-fingerprint-not-hex = l'empremta no és en hexadecimal
enroll-est-fingerprint-length = una empremta SHA-256 té 32 bytes
enroll-est-anchor-rejected = s'ha rebutjat l'àncora de confiança: { $error }
enroll-est-bad-proxy = servidor intermediari { $proxy }: { $why }
enroll-est-proxy-http-only = només s'admeten servidors intermediaris http:// (HTTP CONNECT)
enroll-est-bad-url = URL de servidor incorrecta '{ $url }'
enroll-est-url-not-https = la URL del servidor ha de començar per https://
enroll-est-url-has-path = la URL del servidor ha de ser https://host[:port] sense camí
enroll-est-bad-port = port incorrecte '{ $port }'
enroll-est-url-bracket = falta el ']' de tancament a la URL del servidor
enroll-est-url-after-bracket = caràcters sobrants després de ']' a la URL del servidor
enroll-est-url-no-host = la URL del servidor no té host
enroll-est-basic-user-colon = el nom d'usuari d'HTTP Basic no pot contenir ':' (RFC 7617 §2)
enroll-est-needs-client-key = simpleenroll sense autenticació HTTP necessita una clau de client TLS
enroll-est-bad-label = una etiqueta de CA només té lletres, xifres, '-' i '_' (RFC 7030 §3.2.2)
enroll-est-no-code = no s'ha facilitat cap codi de sol·licitud

## La clau d'una targeta com a clau de client TLS d'una sol·licitud EST.
enroll-client-key-card-unusable = la targeta no es pot fer servir (una operació anterior ha fallat greument)
enroll-client-key-malformed-signature = la targeta ha retornat una signatura ECDSA mal formada
enroll-client-key-signature-invalid = la signatura de la targeta no es verifica amb la clau del certificat
