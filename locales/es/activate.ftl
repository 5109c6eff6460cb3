# sello activate: pasos del progreso y resumen.

activate-step-identify = Identificar la tarjeta y el perfil
activate-step-management-key = Autenticarse con la clave de administración
activate-step-pin = PIN del titular
activate-step-puk = PUK
activate-step-generate-key = Generar la clave { $slot } en la tarjeta
activate-step-csr = Solicitud de certificado para { $slot } (firmada en la tarjeta)
activate-step-enroll = Solicitar { $slot } a la CA y comprobar el certificado
activate-step-write-certificate = Grabar el certificado { $slot } y volver a leerlo
step-done = hecho
step-already-done = ya hecho
activate-complete = Tarjeta { $serial } activada con el perfil { $profile }.
activate-complete-certificate = certificado { $serial } para { $subject }
journal-path = Diario: { $path }
activate-step-contents-record = Registro del contenido de la tarjeta (para que el navegador arranque rápido)
