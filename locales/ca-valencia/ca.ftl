# sello-ca en valencià: només el que és diferent del català central (locales/ca).

ca-dir-not-empty = { $path } no està buit; no se sobreescriurà una CA existent
ca-unknown-reason = motiu desconegut '{ $reason }'; ha de ser un d'estos: { $reasons }
