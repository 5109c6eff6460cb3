//! The activation journal: one JSON file per card serial recording each completed step, so an
//! interrupted activation resumes where it stopped and the operator can read what happened.
//!
//! Location: `$SELLO_STATE_DIR/activations/<serial>.json`, else
//! `$XDG_STATE_HOME/sello/activations/<serial>.json`, else
//! `~/.local/state/sello/activations/<serial>.json`. Written atomically (temporary file in the
//! same directory, fsync, rename, fsync of the directory), mode 0600.
//!
//! It holds no secret: no PIN, PUK, management key, master secret or enrollment code. Public
//! keys, CSRs and certificates are stored as PEM, the holder's identity as given (personal data,
//! hence the file mode).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Journal format version.
pub const VERSION: u32 = 1;

/// The holder's identity as recorded (to refuse resuming with someone else's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRecord {
    /// NIF/NIE.
    pub nif: String,
    /// Given name.
    pub given_name: String,
    /// Surnames.
    pub surnames: String,
    /// E-mail.
    pub email: Option<String>,
}

/// The management-key step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagementKeyRecord {
    /// Profile mode (`derived`, `explicit`, `factory`, `pin-protected`).
    pub mode: String,
    /// Algorithm of the card's key now.
    pub algorithm: String,
    /// Whether this activation replaced the factory-default key.
    pub replaced_factory_key: bool,
    /// When (Unix time).
    pub at: i64,
    /// When the PIN-protected copy of the key for the holder was written (profiles with one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_copy_at: Option<i64>,
}

/// The PUK step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PukRecord {
    /// Generated and shown (true) or entered by the operator (false).
    pub generated: bool,
    /// When.
    pub at: i64,
}

/// One key slot's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Slot, hex (`9A`).
    pub slot: String,
    /// Purpose.
    pub purpose: String,
    /// Algorithm name.
    pub algorithm: String,
    /// The on-card public key (PEM SubjectPublicKeyInfo).
    pub public_key: String,
    /// When the key was generated.
    pub generated_at: i64,
    /// The CSR (PEM), once built and checked.
    #[serde(default)]
    pub csr: Option<String>,
    /// The certificate chain (PEM, leaf first), once received and verified.
    #[serde(default)]
    pub certificate: Option<String>,
    /// Certificate serial (hex), subject, notAfter.
    #[serde(default)]
    pub certificate_info: Option<CertificateInfo>,
    /// When the certificate was written and read back identical.
    #[serde(default)]
    pub written_at: Option<i64>,
}

/// What the operator wants to see of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Serial (hex).
    pub serial: String,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// notAfter (Unix time).
    pub not_after: i64,
}

/// One line of the human-readable history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unix time.
    pub at: i64,
    /// Step name.
    pub step: String,
    /// What happened (never a secret).
    pub outcome: String,
}

/// The journal of one card's activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Format version.
    pub version: u32,
    /// Card serial.
    pub card_serial: String,
    /// Profile name.
    pub profile: String,
    /// Holder.
    pub identity: IdentityRecord,
    /// First run.
    pub started_at: i64,
    /// Last write.
    pub updated_at: i64,
    /// Management key step.
    #[serde(default)]
    pub management_key: Option<ManagementKeyRecord>,
    /// When the holder's PIN was set.
    #[serde(default)]
    pub pin_set_at: Option<i64>,
    /// PUK step.
    #[serde(default)]
    pub puk: Option<PukRecord>,
    /// Keys, in profile order.
    #[serde(default)]
    pub keys: Vec<KeyRecord>,
    /// When everything was done.
    #[serde(default)]
    pub completed_at: Option<i64>,
    /// History, oldest first.
    #[serde(default)]
    pub events: Vec<Event>,
}

impl Journal {
    /// A fresh journal.
    pub fn new(card_serial: &str, profile: &str, identity: IdentityRecord, now: i64) -> Self {
        Self {
            version: VERSION,
            card_serial: card_serial.to_owned(),
            profile: profile.to_owned(),
            identity,
            started_at: now,
            updated_at: now,
            management_key: None,
            pin_set_at: None,
            puk: None,
            keys: Vec::new(),
            completed_at: None,
            events: Vec::new(),
        }
    }

    /// The record of a slot (`9A`).
    pub fn key(&self, slot: &str) -> Option<&KeyRecord> {
        self.keys.iter().find(|k| k.slot == slot)
    }

    /// The record of a slot, mutably.
    pub fn key_mut(&mut self, slot: &str) -> Option<&mut KeyRecord> {
        self.keys.iter_mut().find(|k| k.slot == slot)
    }

    /// Replaces (or adds) a slot's record.
    pub fn set_key(&mut self, record: KeyRecord) {
        match self.keys.iter_mut().find(|k| k.slot == record.slot) {
            Some(k) => *k = record,
            None => self.keys.push(record),
        }
    }

    /// Appends a history line.
    pub fn event(&mut self, now: i64, step: &str, outcome: impl Into<String>) {
        self.events.push(Event {
            at: now,
            step: step.to_owned(),
            outcome: outcome.into(),
        });
    }
}

/// Errors reading or writing journals.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// I/O.
    #[error("{}", crate::tr!("enroll-journal-io", path = .path.display().to_string(), error = .source.to_string()))]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Not a journal we understand.
    #[error("{}", crate::tr!("enroll-journal-invalid", path = .path.display().to_string(), message = .message.as_str()))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No state directory can be determined.
    #[error("{}", crate::tr!("enroll-journal-no-state-dir"))]
    NoStateDir,
}

/// Creates `dir` and its missing parents mode 0700 (journals hold names, NIFs and e-mails), and
/// takes group/other access away from `dir` itself if it already existed with it.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    Ok(())
}

/// Where journals live.
#[derive(Debug, Clone)]
pub struct JournalStore {
    dir: PathBuf,
}

impl JournalStore {
    /// Journals in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The default location (see the module docs).
    pub fn default_location() -> Result<Self, JournalError> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(d) = env("SELLO_STATE_DIR") {
            return Ok(Self::new(d.join("activations")));
        }
        if let Some(d) = env("XDG_STATE_HOME") {
            return Ok(Self::new(d.join("sello/activations")));
        }
        env("HOME")
            .map(|h| Self::new(h.join(".local/state/sello/activations")))
            .ok_or(JournalError::NoStateDir)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal path of a card.
    pub fn path(&self, serial: &str) -> PathBuf {
        let safe: String = serial
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.dir.join(format!("{safe}.json"))
    }

    /// Loads a card's journal, `None` when there is none.
    pub fn load(&self, serial: &str) -> Result<Option<Journal>, JournalError> {
        let path = self.path(serial);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(JournalError::Io { path, source }),
        };
        let j: Journal = serde_json::from_str(&text).map_err(|e| JournalError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if j.version != VERSION || j.card_serial != serial {
            return Err(JournalError::Invalid {
                path,
                message: crate::tr!(
                    "enroll-journal-wrong-version",
                    version = j.version.to_string(),
                    card = j.card_serial.as_str(),
                    expected = VERSION.to_string(),
                    serial = serial
                ),
            });
        }
        Ok(Some(j))
    }

    /// Moves a card's journal aside (`<serial>.<updated_at>.json`), so the next activation of the
    /// card starts afresh; returns where it went (`None`: there was none).
    pub fn archive(&self, serial: &str) -> Result<Option<PathBuf>, JournalError> {
        let Some(j) = self.load(serial)? else {
            return Ok(None);
        };
        let path = self.path(serial);
        let to = path.with_extension(format!("{}.json", j.updated_at));
        std::fs::rename(&path, &to).map_err(|source| JournalError::Io { path, source })?;
        Ok(Some(to))
    }

    /// Writes a journal atomically.
    pub fn save(&self, journal: &mut Journal, now: i64) -> Result<PathBuf, JournalError> {
        journal.updated_at = now;
        let path = self.path(&journal.card_serial);
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        create_private_dir(&self.dir).map_err(io)?;
        let text = serde_json::to_string_pretty(journal).map_err(|e| JournalError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let tmp = self.dir.join(format!(
            ".{}.tmp.{}",
            journal.card_serial,
            std::process::id()
        ));
        {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(io)?;
            f.write_all(text.as_bytes()).map_err(io)?;
            f.write_all(b"\n").map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &path).map_err(io)?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            // Make the rename itself durable; failure here only weakens crash safety.
            let _ = d.sync_all();
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_atomic_replace() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::new(dir.path().join("a"));
        assert!(store.load("123").unwrap().is_none());
        let id = IdentityRecord {
            nif: "12345678Z".into(),
            given_name: "A".into(),
            surnames: "B".into(),
            email: None,
        };
        let mut j = Journal::new("123", "citizen-piv", id, 1);
        j.event(1, "identify", "card 123");
        let p = store.save(&mut j, 2).unwrap();
        assert_eq!(p, dir.path().join("a/123.json"));
        assert_eq!(store.load("123").unwrap(), Some(j.clone()));
        j.pin_set_at = Some(3);
        store.save(&mut j, 3).unwrap();
        assert_eq!(store.load("123").unwrap().unwrap().pin_set_at, Some(3));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("a")).unwrap().collect();
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("a")), 0o700, "journal directory");
        assert_eq!(mode(&p), 0o600, "journal file");
        assert_eq!(leftovers.len(), 1);
        std::fs::write(&p, "{").unwrap();
        assert!(matches!(
            store.load("123"),
            Err(JournalError::Invalid { .. })
        ));
    }
}
