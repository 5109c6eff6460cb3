# sello activate: passos del progrés i resum.

activate-step-identify = Identificar la targeta i el perfil
activate-step-management-key = Autenticar-se amb la clau d'administració
activate-step-pin = PIN del titular
activate-step-puk = PUK
activate-step-generate-key = Generar la clau { $slot } a la targeta
activate-step-csr = Sol·licitud de certificat per a { $slot } (signada a la targeta)
activate-step-enroll = Sol·licitar { $slot } a la CA i comprovar el certificat
activate-step-write-certificate = Gravar el certificat { $slot } i tornar-lo a llegir
step-done = fet
step-already-done = ja fet
activate-complete = Targeta { $serial } activada amb el perfil { $profile }.
activate-complete-certificate = certificat { $serial } per a { $subject }
journal-path = Diari: { $path }
activate-step-contents-record = Registre del contingut de la targeta (perquè el navegador s'iniciï ràpidament)
