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
