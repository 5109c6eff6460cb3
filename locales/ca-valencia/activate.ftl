# sello activate en valencià: només el que és diferent del català central (locales/ca).
activate-step-contents-record = Registre del contingut de la targeta (perquè el navegador s'inicie ràpidament)
