//! NSS's module database in text form: `pkcs11.txt` of an `sql:` database directory.
//!
//! The file is a list of module entries separated by blank lines; each entry is a set of
//! `key=value` lines (`library=`, `name=`, `parameters=`, `NSS=`). The first entry is NSS's own
//! internal module (empty `library=`). This is the format NSS's `sdb` module DB reads and writes
//! (`lib/pk11wrap/pk11pars.h`, `lib/util/utilpars.c` `nssutil_ReadSecmodDB`/`nssutil_AddSecmodDBEntry`).
//!
//! Everything here is pure text in, text out; `super` does the file IO.

/// One module entry: its lines, in file order, without the separating blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    lines: Vec<String>,
}

/// How many slot ids (`0..FRIENDLY_SLOTS`) [`friendly_slots`] marks. The module numbers slots
/// from 0, one per reader in the order readers appear in the process.
const FRIENDLY_SLOTS: u32 = 16;

/// The `NSS=` line that marks the module's slots `PublicCerts` ("friendly": certificates readable
/// without login), as `modutil -add NAME -mechanisms FRIENDLY` writes it, one slot id at a time
/// (`lib/pk11wrap/pk11pars.h`, `PK11_IsFriendly`). Without it NSS logs in to the token before
/// listing any client certificate (`PK11_ListCerts` authenticates every unfriendly slot), so
/// Chromium asks for the card's PIN on every TLS client-auth handshake, even for a certificate
/// elsewhere or for a key that needs no PIN; headless it hangs on that dialog.
pub fn friendly_slots() -> String {
    let mut s = String::from("slotParams={");
    for id in 0..FRIENDLY_SLOTS {
        s.push_str(&format!("0x{id:08x}=[slotFlags=PublicCerts] "));
    }
    s.push('}');
    s
}

impl Entry {
    /// A third-party module entry as NSS writes it for
    /// `modutil -add NAME -libfile LIB -mechanisms FRIENDLY`.
    pub fn module(name: &str, library: &str) -> Self {
        Self {
            lines: vec![
                format!("library={library}"),
                format!("name={name}"),
                format!("NSS={}", friendly_slots()),
            ],
        }
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.lines.iter().find_map(|l| {
            l.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::trim_end)
        })
    }

    /// The module's name (`name=`).
    pub fn name(&self) -> Option<&str> {
        self.value("name")
    }

    /// The module's shared library (`library=`); empty for NSS's internal module.
    pub fn library(&self) -> Option<&str> {
        self.value("library")
    }

    fn set(&mut self, key: &str, value: &str) {
        let line = format!("{key}={value}");
        match self
            .lines
            .iter_mut()
            .find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with('=')))
        {
            Some(l) => *l = line,
            None => self.lines.insert(0, line),
        }
    }
}

/// Splits the file into entries (blank lines separate them; `#` comment lines are kept in the
/// entry they precede so a rewrite does not lose them).
pub fn parse(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                entries.push(Entry {
                    lines: std::mem::take(&mut current),
                });
            }
        } else {
            current.push(line.to_owned());
        }
    }
    if !current.is_empty() {
        entries.push(Entry { lines: current });
    }
    entries
}

/// Renders entries as NSS writes them: each line, a blank line after each entry.
pub fn render(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        for l in &e.lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The internal-module entry NSS writes when it creates a database in `dir` (what
/// `modutil -create -dbdir sql:DIR` produces), for a database that does not exist yet.
pub fn internal_entry(dir: &str) -> Entry {
    Entry {
        lines: vec![
            "library=".to_owned(),
            "name=NSS Internal PKCS #11 Module".to_owned(),
            format!(
                "parameters=configdir='sql:{dir}' certPrefix='' keyPrefix='' secmod='' flags= \
                 updatedir='' updateCertPrefix='' updateKeyPrefix='' updateid='' \
                 updateTokenDescription='' "
            ),
            "NSS=Flags=internal,critical trustOrder=75 cipherOrder=100 slotParams=(1={slotFlags=\
             [ECC,RSA,DSA,DH,RC2,RC4,DES,RANDOM,SHA1,MD5,MD2,SSL,TLS,AES,Camellia,SEED,SHA256,\
             SHA512] askpw=any timeout=30})"
                .to_owned(),
        ],
    }
}

/// What [`upsert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// No entry of that name existed; one was appended.
    Added,
    /// An entry of that name pointed elsewhere (the old library); it now points to the new one.
    Updated(String),
    /// The entry was already there with this library.
    Unchanged,
}

/// Makes exactly one entry named `name` with library `library`: appends it, or rewrites a stale
/// one in place (keeping its other settings), and drops duplicates of the same name.
pub fn upsert(entries: &mut Vec<Entry>, name: &str, library: &str) -> Change {
    let Some(first) = entries.iter().position(|e| e.name() == Some(name)) else {
        entries.push(Entry::module(name, library));
        return Change::Added;
    };
    let old = entries[first].library().unwrap_or_default().to_owned();
    let before = entries.len();
    let mut i = 0;
    entries.retain(|e| {
        let keep = i <= first || e.name() != Some(name);
        i += 1;
        keep
    });
    let had_duplicates = entries.len() != before;
    let flagged = entries[first].value("NSS").is_some();
    if old == library && !had_duplicates && flagged {
        return Change::Unchanged;
    }
    entries[first].set("library", library);
    if !flagged {
        entries[first].set("NSS", &friendly_slots());
    }
    Change::Updated(old)
}

/// Removes every entry named `name`; returns how many were removed.
pub fn remove(entries: &mut Vec<Entry>, name: &str) -> usize {
    let before = entries.len();
    entries.retain(|e| e.name() != Some(name));
    before - entries.len()
}

/// The library of the entry named `name`, if any.
pub fn find<'a>(entries: &'a [Entry], name: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|e| e.name() == Some(name))
        .and_then(Entry::library)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NSS: &str = "library=\nname=NSS Internal PKCS #11 Module\nparameters=configdir='sql:/x' \nNSS=Flags=internal,critical trustOrder=75\n\nlibrary=/usr/lib/opensc-pkcs11.so\nname=OpenSC\n\n";

    #[test]
    fn parse_render_round_trip() {
        let e = parse(NSS);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].library(), Some(""));
        assert_eq!(e[0].name(), Some("NSS Internal PKCS #11 Module"));
        assert_eq!(e[1].library(), Some("/usr/lib/opensc-pkcs11.so"));
        assert_eq!(render(&e), NSS);
    }

    #[test]
    fn upsert_is_idempotent_and_updates_stale_paths() {
        let mut e = parse(NSS);
        assert_eq!(upsert(&mut e, "Sello", "/a/libsello.so"), Change::Added);
        assert_eq!(upsert(&mut e, "Sello", "/a/libsello.so"), Change::Unchanged);
        assert_eq!(e.len(), 3);
        assert_eq!(
            upsert(&mut e, "Sello", "/b/libsello.so"),
            Change::Updated("/a/libsello.so".into())
        );
        assert_eq!(find(&e, "Sello"), Some("/b/libsello.so"));
        assert_eq!(e.len(), 3);
        // Other modules are untouched.
        assert_eq!(find(&e, "OpenSC"), Some("/usr/lib/opensc-pkcs11.so"));
        assert!(render(&e).ends_with(&format!(
            "library=/b/libsello.so\nname=Sello\nNSS={}\n\n",
            friendly_slots()
        )));
    }

    #[test]
    fn slots_are_friendly_also_in_an_older_registration() {
        let mut e = parse(&format!("{NSS}library=/a\nname=Sello\n\n"));
        assert_eq!(upsert(&mut e, "Sello", "/a"), Change::Updated("/a".into()));
        let text = render(&e);
        assert!(
            text.contains("NSS=slotParams={0x00000000=[slotFlags=PublicCerts] 0x00000001="),
            "{text}"
        );
        assert_eq!(upsert(&mut e, "Sello", "/a"), Change::Unchanged);
    }

    #[test]
    fn duplicates_collapse_to_one() {
        let text = format!("{NSS}library=/a\nname=Sello\n\nlibrary=/b\nname=Sello\n\n");
        let mut e = parse(&text);
        assert_eq!(
            upsert(&mut e, "Sello", "/a"),
            Change::Updated("/a".to_owned())
        );
        assert_eq!(e.iter().filter(|e| e.name() == Some("Sello")).count(), 1);
        assert_eq!(remove(&mut e, "Sello"), 1);
        assert_eq!(render(&e), NSS);
    }

    #[test]
    fn crlf_and_missing_final_blank_line() {
        let e =
            parse("library=\r\nname=NSS Internal PKCS #11 Module\r\n\r\nlibrary=/x\r\nname=Sello");
        assert_eq!(find(&e, "Sello"), Some("/x"));
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn internal_entry_names_its_directory() {
        let e = internal_entry("/home/u/.pki/nssdb");
        assert_eq!(e.library(), Some(""));
        let text = render(&[e]);
        assert!(
            text.contains("configdir='sql:/home/u/.pki/nssdb'"),
            "{text}"
        );
        assert!(text.contains("[ECC,RSA,DSA,DH,RC2,RC4,DES,RANDOM,SHA1,MD5,MD2,SSL,TLS,AES,Camellia,SEED,SHA256,SHA512]"), "{text}");
    }
}
