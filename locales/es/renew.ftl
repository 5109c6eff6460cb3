# sello renew: el resumen, la espera de la CA, los fallos y qué hacer.

renew-complete = Tarjeta { $serial } renovada.
renew-replaces = el certificado { $serial } sustituye a { $old }
renew-next-in-person = Estos certificados se han obtenido por renovación remota: la próxima renovación exige acudir a un punto de registro.
renew-pending = La CA ha dejado la renovación en espera; se volverá a preguntar dentro de { $secs } s ({ $attempt }/{ $max }).
## Tras «sello: »; $error es el motivo.
renew-failed = renovación de la tarjeta { $serial }: { $error }
renew-failed-job = renovación (tarea { $job } de sellod): { $error }
renew-action-visit = El titular debe acudir a un punto de registro: no se han cambiado ni la tarjeta ni sus certificados actuales.
renew-action-window = No se ha cambiado nada. Vuelva a renovar cuando se abra el plazo (el operador puede usar --force).
renew-action-ca-refused = La CA ha rechazado la renovación; la clave y los certificados actuales están intactos. El titular debe acudir a un punto de registro.
renew-action-card-changed = La tarjeta no está como espera el diario de renovación; llévela a un punto de registro junto con el diario.
renew-action-resume = Vuelva a ejecutar la misma orden para continuar; el diario anota lo que ya está hecho.

## Progreso de la renovación: etiquetas de los pasos («[hecho] <etiqueta>: <detalle>») y detalles.
renew-step-check = Comprobar los certificados y la tarjeta
renew-step-generate-key = Generar la clave nueva para { $slot } en la tarjeta
renew-step-reenroll = Renovar { $slot } en la CA y comprobar el certificado
renew-step-replace-key = Sustituir la clave de { $slot }
## $slots: las ranuras, «9A, 9C».
renew-detail-check = tarjeta { $serial }: se puede renovar { $slots }
renew-detail-check-forced = tarjeta { $serial }: se puede renovar { $slots } (forzado)
renew-detail-key-earlier = clave nueva generada antes en la ranura provisional { $staging }
renew-detail-key-generated = nueva clave { $algorithm } generada en la ranura provisional { $staging }; la clave actual sigue en { $slot } hasta tener el certificado nuevo
renew-detail-csr = firmada por la clave nueva en la tarjeta: { $subject }
renew-detail-certificate = certificado { $serial } de { $issuer } comprobado: cadena, clave, titular, validez (hasta el { $until })
renew-detail-key-in-slot = la clave nueva está en la ranura { $slot }
renew-detail-key-moved = clave antigua borrada, clave nueva movida de { $staging } a { $slot }
renew-detail-certificate-on-card = el certificado nuevo está en la tarjeta, idéntico

## Por qué se rechaza una renovación antes de hacer nada (tras «el certificado 9A no se puede renovar: »).
renew-refusal-no-certificate = no hay ningún certificado que renovar: la tarjeta debe activarse en un punto de registro
renew-refusal-expired = su certificado caducó el { $date }: para renovarlo hay que acudir a un punto de registro
renew-refusal-remote-renewal = su certificado se renovó por última vez desde casa (certificado { $serial }): la próxima renovación exige acudir a un punto de registro
## $days: días desde ahora hasta que se abre el plazo de renovación.
renew-refusal-not-due = { $days ->
    [one] válido hasta el { $valid_until }; la renovación se abre el { $opens }, dentro de { $days } día (el operador puede renovar antes con --force)
   *[other] válido hasta el { $valid_until }; la renovación se abre el { $opens }, dentro de { $days } días (el operador puede renovar antes con --force)
}
## $what es una línea de revocación («REVOCADO el ...»).
renew-refusal-revoked = su certificado está { $what }: un certificado revocado nunca se renueva; la tarjeta necesita una nueva activación en un punto de registro
renew-refusal-cannot-stage = { $why }: la renovación destruiría la clave actual antes de que exista el certificado nuevo; renueve en un punto de registro
renew-no-move-key-firmware = esta tarjeta (firmware { $firmware }) no puede mover claves entre ranuras (MOVE KEY exige la 5.7 o posterior)
renew-no-move-key = esta tarjeta no puede mover claves entre ranuras (no tiene MOVE KEY)

## Por qué se ha detenido una renovación (RenewError).
renew-error-refused = el certificado { $slot } no se puede renovar: { $refusal }
renew-error-journal = diario de renovación { $path }: { $message }
renew-error-management-key = la tarjeta ha rechazado la clave de administración (¿secreto del operador incorrecto?)
renew-error-enroll = renovación de la ranura { $slot }: { $error }
renew-error-certificate = se ha rechazado el certificado para la ranura { $slot }; la clave y el certificado actuales están intactos: { $error }
renew-error-faulty-key-generator = ranura { $slot }: el generador de claves de esta tarjeta es defectuoso: { $fault }; no emita certificados para esta tarjeta (su clave y su certificado actuales están intactos)
renew-subject-unknown-attribute = el titular tiene un atributo que Sello no puede solicitar ({ $oid })
renew-subject-not-string = el atributo { $oid } del titular no es una cadena de texto
renew-journal-other-profile = el diario de renovación { $path } es del perfil { $profile }; termínelo o apártelo antes
renew-slot-not-renewable = la ranura { $slot } no se puede renovar
renew-journal-certificate-unreadable = el certificado del diario para { $slot } es ilegible
renew-certificate-unparsable = el certificado de la ranura { $slot } no se puede analizar
renew-key-does-not-match = la clave de la ranura { $slot } no corresponde a su certificado; la tarjeta debe ir a un punto de registro
renew-auth-certificate-unparsable = el certificado de autenticación (9A) no se puede analizar
renew-needs-operator-secret = este perfil necesita el secreto de la clave de administración del operador para poner una clave nueva en la tarjeta
renew-no-protected-key = esta tarjeta no guarda ninguna clave de administración protegida por el PIN: renueve en un punto de registro
renew-protected-key-refused = la clave de administración protegida por el PIN no abre la tarjeta: renueve en un punto de registro
renew-staging-occupied = la ranura retirada { $staging }, que se usa para preparar la clave nueva, contiene una clave que Sello no puso; vacíela antes
renew-key-in-renewal-journal = la ranura { $slot } en el diario de esta renovación
renew-no-record = no hay ningún registro de renovación para { $slot }
renew-no-new-key-recorded = no hay ninguna clave nueva registrada para { $slot }
renew-new-key-lost = la clave nueva para { $slot } no está ni en la ranura provisional { $staging } ni en { $slot }; la tarjeta se ha modificado en otro lugar: acuda a un punto de registro
renew-card-unusable = la tarjeta no se puede usar tras un error interno

## sello renew: errores (tras «sello: »).
renew-not-a-slot = «{ $slot }» no es una ranura (9A, 9C o all)
renew-needs-mgmt-secret = el perfil { $profile } deja la clave de administración de la tarjeta en manos del operador: la renovación pone una clave nueva en la tarjeta y necesita --mgmt-secret-file ARCHIVO o --mgmt-secret-stdin (renueve en un punto de registro)
renew-job-failed = la tarea ha fallado
