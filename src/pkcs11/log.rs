//! The module's log. A library loaded into someone else's process (a browser, a signing tool)
//! must not write on that process's standard error, so nothing is written unless a log file is
//! configured: `$SELLO_PKCS11_LOG`, else `log = "PATH"` in the `[pkcs11]` table of the config
//! file. The file is created 0600 and appended to, one line per message; messages never carry a
//! PIN or any other secret. Without a log, the same causes are shown by `sello doctor`.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The log file named by the environment, which wins over the config file (and is the only
/// place a config file that does not parse can be reported).
pub fn env_path() -> Option<PathBuf> {
    std::env::var_os("SELLO_PKCS11_LOG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// Appends `message` as one line to `path`, if given; errors writing the log are ignored (the
/// log must never make a PKCS#11 call fail).
pub fn write(path: Option<&Path>, message: &str) {
    let Some(path) = path else { return };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    if let Ok(mut f) = options.open(path) {
        let line = format!(
            "sello PKCS#11 [{}]: {}\n",
            std::process::id(),
            message.replace('\n', " ")
        );
        let _ = f.write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_only_where_configured_and_privately() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("p11.log");
        write(None, "nowhere");
        assert!(!p.exists());
        write(Some(&p), "first\nline");
        write(Some(&p), "second");
        let text = std::fs::read_to_string(&p).expect("log");
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text
            .lines()
            .next()
            .is_some_and(|l| l.ends_with("first line")));
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
