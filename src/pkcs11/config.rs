//! Module configuration, from the `[pkcs11]` table of Sello's config file:
//! `$SELLO_CONFIG`, else `$XDG_CONFIG_HOME/sello/sello.toml`, else `~/.config/sello/sello.toml`.
//!
//! ```toml
//! [pkcs11]
//! pin_mode = "pinentry"             # or "standard" (the default)
//! pinentry = "/usr/bin/pinentry-tty" # default: chosen for the session (pinentry::select)
//! cache = true                      # on-disk token cache (default true)
//! cache_check = "record"            # or "objects" (see Config::trust_record)
//! log = "/home/ana/.cache/sello/pkcs11.log" # default: no log ($SELLO_PKCS11_LOG wins)
//! ```
//!
//! A missing file means the defaults; a file that does not parse is reported in the log named by
//! `$SELLO_PKCS11_LOG` (never on the host's stderr) and the defaults are used (a browser must
//! still get a working module).

use std::path::PathBuf;

/// How the module obtains the PIN for private-key operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PinMode {
    /// Standard PKCS#11: the application calls `C_Login` (and `CKU_CONTEXT_SPECIFIC` for keys
    /// that need the PIN for every use).
    #[default]
    Standard,
    /// The token does not demand `C_Login`; the module asks through a pinentry program when a
    /// private-key operation needs the PIN.
    Pinentry,
}

/// Configuration of the PKCS#11 module.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// How the PIN is obtained.
    pub pin_mode: PinMode,
    /// Minimum PIN length announced in the token info when no card profile matches (PIV: 6).
    pub min_pin_len: usize,
    /// Maximum PIN length announced in the token info when no card profile matches (PIV: 8).
    pub max_pin_len: usize,
    /// Longest time the reader watcher blocks before looking at its stop flag (milliseconds);
    /// `C_Finalize` wakes it at once with `SCardCancel`, and card events wake it at once too.
    pub watch_interval_ms: u64,
    /// The pinentry program (pinentry mode, and per-signature consent for keys that need the PIN
    /// for every use); `None`: chosen for the session (`pinentry::select`).
    pub pinentry: Option<PathBuf>,
    /// Keep the token cache on disk too (it is always kept in memory).
    pub disk_cache: bool,
    /// `cache_check = "record"` (the default): a card that holds Sello's contents record is
    /// matched against the cache by that record alone (one GET DATA), so a change made by a
    /// tool that does not maintain the record (yubico-piv-tool, OpenSC) is not seen until
    /// Sello writes to the card again. `"objects"`: every certificate object is probed on
    /// each load, whatever wrote it (about nine APDUs more per load).
    pub trust_record: bool,
    /// The module's log file (`pkcs11::log`): `$SELLO_PKCS11_LOG`, else `log` in the file; none
    /// by default, and then the module writes nothing anywhere.
    pub log: Option<PathBuf>,
}

/// The `[pkcs11]` table of the config file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable {
    pin_mode: Option<String>,
    pinentry: Option<PathBuf>,
    cache: Option<bool>,
    cache_check: Option<String>,
    log: Option<PathBuf>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct File {
    #[serde(default)]
    pkcs11: FileTable,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            pin_mode: PinMode::Standard,
            min_pin_len: 6,
            max_pin_len: 8,
            watch_interval_ms: 1000,
            pinentry: None,
            disk_cache: true,
            trust_record: true,
            log: None,
        }
    }
}

impl Config {
    /// The config file's path.
    pub fn path() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("SELLO_CONFIG").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(p));
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|d| !d.is_empty())
                    .map(|h| PathBuf::from(h).join(".config"))
            })?;
        Some(base.join("sello").join("sello.toml"))
    }

    /// The configuration in force: the config file over the defaults.
    pub fn load() -> Self {
        let env_log = super::log::env_path();
        let mut config = match Self::path().map(std::fs::read_to_string) {
            Some(Ok(text)) => Self::parse(&text).unwrap_or_else(|e| {
                super::log::write(
                    env_log.as_deref(),
                    &format!("ignoring the config file: {e}"),
                );
                Self::default()
            }),
            _ => Self::default(),
        };
        if env_log.is_some() {
            config.log = env_log;
        }
        config
    }

    /// Parses the config file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut c = Self::default();
        match f.pkcs11.pin_mode.as_deref() {
            None | Some("standard") => {}
            Some("pinentry") => c.pin_mode = PinMode::Pinentry,
            Some(other) => {
                return Err(format!(
                    "pin_mode = {other:?}: expected \"standard\" or \"pinentry\""
                ))
            }
        }
        if let Some(p) = f.pkcs11.pinentry {
            c.pinentry = Some(p);
        }
        c.log = f.pkcs11.log;
        if let Some(b) = f.pkcs11.cache {
            c.disk_cache = b;
        }
        match f.pkcs11.cache_check.as_deref() {
            None | Some("record") => {}
            Some("objects") => c.trust_record = false,
            Some(other) => {
                return Err(format!(
                    "cache_check = {other:?}: expected \"record\" or \"objects\""
                ))
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_pkcs11_table() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        let c = Config::parse(
            "[pkcs11]\npin_mode = \"pinentry\"\npinentry = \"/bin/p\"\ncache = false\n[other]\nx = 1\n",
        )
        .unwrap();
        assert_eq!(c.pin_mode, PinMode::Pinentry);
        assert_eq!(c.pinentry, Some(PathBuf::from("/bin/p")));
        assert!(!c.disk_cache);
        assert!(c.trust_record, "the record is trusted by default");
        let c = Config::parse("[pkcs11]\ncache_check = \"objects\"").unwrap();
        assert!(!c.trust_record);
        assert!(Config::parse("[pkcs11]\ncache_check = \"never\"").is_err());
        assert!(Config::parse("[pkcs11]\npin_mode = \"x\"").is_err());
        assert!(Config::parse("[pkcs11]\npin = 1").is_err());
        let c = Config::parse("[pkcs11]\nlog = \"/tmp/p.log\"").unwrap();
        assert_eq!(c.log, Some(PathBuf::from("/tmp/p.log")));
    }
}
