# enroll messages (ca-valencia).

# Només el que és diferent del català central (locales/ca/enroll.ftl).
enroll-ca-pending-retry = la sol·licitud espera l'aprovació de la CA (torneu-ho a provar d'ací a { $secs } s)
enroll-cert-no-key-usage = no té extensió d'ús de clau; s'exigix { $required }
enroll-cert-key-usage-missing = s'exigix l'ús de clau { $required } i el certificat té { $present }
enroll-cert-eku-missing = s'exigix l'ús estés de clau { $required } i el certificat té { $present }
enroll-cert-policy-missing = s'exigix la política de certificació { $required } i el certificat té { $present }
enroll-cert-unreadable-eku = no es pot llegir l'extensió d'ús estés de clau: { $error }
enroll-cert-validity-too-short = { $days ->
    [one] és vàlid durant { $days } dia i el perfil n'exigix com a mínim { $min }
   *[other] és vàlid durant { $days } dies i el perfil n'exigix com a mínim { $min }
}
enroll-signature-unsupported = algorisme de signatura no admés: { $algorithm }
enroll-key-in-activation-journal = la ranura { $slot } en el diari d'esta activació
enroll-journal-mismatch = el diari { $path } registra una activació d'esta targeta per a { $what }; acabeu o descarteu abans aquella activació (aparteu el fitxer)
enroll-faulty-key-generator = ranura { $slot }: el generador de claus d'esta targeta és defectuós: { $fault }; no emeteu certificats per a esta targeta
enroll-needs-master-secret = este perfil deriva la clau d'administració: cal el secret mestre de l'operador
enroll-needs-explicit-key = este perfil necessita que l'operador facilite la clau d'administració de la targeta
enroll-management-key-algorithm-refused = esta targeta no admet una clau d'administració { $algorithm } (una YubiKey 4 o una targeta PIV senzilla es queda en 3DES); no s'ha canviat res: activeu-la amb un perfil el management_key.algorithm del qual siga "3DES"
enroll-pin-retries-fixed = { $tries ->
    [one] esta targeta té { $tries } intent de PIN i no ho pot canviar; el perfil { $profile } en demana { $wanted } (amb pin.retries_required = false accepta estes targetes)
   *[other] esta targeta té { $tries } intents de PIN i no ho pot canviar; el perfil { $profile } en demana { $wanted } (amb pin.retries_required = false accepta estes targetes)
}
enroll-key-gone = la ranura { $slot } ja no conté la clau el certificat de la qual va gravar esta activació; la targeta s'ha modificat en un altre lloc
enroll-est-url-bracket = falta el ']' de tancament en la URL del servidor
enroll-est-url-after-bracket = caràcters sobrants després de ']' en la URL del servidor
enroll-client-key-card-unusable = la targeta no es pot utilitzar (una operació anterior ha fallat greument)
