//! The token cache (issue 4, "Fast and frugal"): what a card showed — certificates (public keys
//! are rebuilt from them) and the firmware version — kept in memory and on disk, keyed by the
//! card's serial and a content fingerprint.
//!
//! The fingerprint comes from the driver ([`crate::card::CardDriver::contents`]); for PIV it
//! covers the key history object and the first bytes of every certificate object (length,
//! serial number, issuer), checked with one short GET DATA per object before an entry is used.
//! So a certificate replaced by any tool — Sello's own enrollment and renewal, yubico-piv-tool,
//! OpenSC — changes the fingerprint and the card is read again: there is no separate
//! invalidation to forget.
//!
//! On disk: `$XDG_CACHE_HOME/sello/tokens/<serial>.json` (else `~/.cache/...`), directory 0700,
//! file 0600, written to a temporary file and renamed (atomic). A file that does not parse, or
//! whose fingerprint does not match the card, is ignored and replaced.

use crate::card::{KeyRef, KeySlot};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Format version of the cache file.
const FORMAT: u32 = 2;

/// What is cached for one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// File format version (2: keys carry their origin; older files are read again).
    pub format: u32,
    /// The card's serial.
    pub serial: String,
    /// The driver's content fingerprint (hex).
    pub fingerprint: String,
    /// Firmware version, when the card told it.
    pub version: Option<String>,
    /// Key slots with their certificates.
    pub slots: Vec<CachedSlot>,
}

/// One key slot in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedSlot {
    /// Key reference (PIV slot byte).
    pub key: u8,
    /// The certificate, DER in hex.
    pub certificate: String,
    /// Whether the key was generated on the card (`None`: the card did not say).
    #[serde(default)]
    pub generated: Option<bool>,
}

impl Entry {
    /// An entry for what was just read.
    pub fn new(
        serial: &str,
        fingerprint: &[u8],
        version: Option<String>,
        slots: &[KeySlot],
    ) -> Self {
        Self {
            format: FORMAT,
            serial: serial.to_owned(),
            fingerprint: hex::encode(fingerprint),
            version,
            slots: slots
                .iter()
                .filter_map(|s| {
                    s.certificate.as_ref().map(|c| CachedSlot {
                        key: s.key.0,
                        certificate: hex::encode(c),
                        generated: s.generated,
                    })
                })
                .collect(),
        }
    }

    /// The fingerprint as bytes (`None` if the file was damaged).
    pub fn fingerprint(&self) -> Option<Vec<u8>> {
        hex::decode(&self.fingerprint).ok()
    }

    /// The key slots, rebuilt from the certificates (no card access). `None` if damaged.
    pub fn key_slots(&self) -> Option<Vec<KeySlot>> {
        self.slots
            .iter()
            .map(|s| {
                let der = hex::decode(&s.certificate).ok()?;
                x509_parser::parse_x509_certificate(&der).ok()?;
                let mut k = KeySlot::from_certificate(KeyRef(s.key), der);
                k.generated = s.generated;
                Some(k)
            })
            .collect()
    }
}

/// The in-memory cache (this process), by serial.
static MEMORY: Mutex<Option<HashMap<String, Entry>>> = Mutex::new(None);

/// Where cache files live, or `None` when there is no home to put them in.
pub fn dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|d| !d.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("sello").join("tokens"))
}

/// A serial is used in a file name only if it is plain (digits, letters, `-`).
fn file_for(dir: &Path, serial: &str) -> Option<PathBuf> {
    let plain = !serial.is_empty()
        && serial.len() <= 64
        && serial
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    plain.then(|| dir.join(format!("{serial}.json")))
}

/// The cached entry for `serial`: memory first, then disk (`disk` false: memory only).
pub fn lookup(serial: &str, disk: bool) -> Option<Entry> {
    if let Some(e) = MEMORY
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(serial).cloned()))
    {
        return Some(e);
    }
    if !disk {
        return None;
    }
    let path = file_for(&dir()?, serial)?;
    let text = std::fs::read(&path).ok()?;
    // A damaged or foreign file is ignored (and replaced after the next read of the card).
    let e: Entry = serde_json::from_slice(&text).ok()?;
    (e.format == FORMAT && e.serial == serial && e.fingerprint().is_some()).then_some(e)
}

/// Remembers `entry` in memory and, with `disk`, on disk. Failures to write are ignored: the
/// cache only saves card reads.
pub fn store(entry: Entry, disk: bool) {
    if disk {
        if let Some(d) = dir() {
            let _ = write_file(&d, &entry);
        }
    }
    if let Ok(mut m) = MEMORY.lock() {
        m.get_or_insert_with(HashMap::new)
            .insert(entry.serial.clone(), entry);
    }
}

fn write_file(dir: &Path, entry: &Entry) -> std::io::Result<()> {
    let Some(path) = file_for(dir, &entry.serial) else {
        return Ok(());
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.{:?}.tmp",
        entry.serial,
        std::process::id(),
        std::thread::current().id()
    ));
    let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        let d = Path::new("/x");
        assert_eq!(
            file_for(d, "10000001"),
            Some(PathBuf::from("/x/10000001.json"))
        );
        assert_eq!(file_for(d, "../etc"), None);
        assert_eq!(file_for(d, ""), None);
    }

    #[test]
    fn damaged_entries_are_refused() {
        let e = Entry {
            format: FORMAT,
            serial: "1".into(),
            fingerprint: "zz".into(),
            version: None,
            slots: vec![CachedSlot {
                key: 0x9A,
                certificate: "3000".into(),
                generated: None,
            }],
        };
        assert_eq!(e.fingerprint(), None);
        assert_eq!(e.key_slots(), None);
    }
}
