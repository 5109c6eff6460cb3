//! Reading PINs and PUKs: from the terminal without echo, or from standard input with
//! `--pin-stdin` (one secret per line, for scripts). Never from argv, never retried on the holder's
//! behalf: each value read is used for exactly one attempt.

use std::io::BufRead;

use anyhow::{bail, Context};
use zeroize::Zeroizing;

/// Where secrets come from.
pub enum SecretSource {
    /// Ask on the controlling terminal, without echo.
    Terminal,
    /// Read one line per secret from the given reader (standard input in the binary).
    Lines(Box<dyn BufRead>),
}

impl SecretSource {
    /// The source chosen by the command line.
    pub fn from_flag(pin_stdin: bool) -> Self {
        if pin_stdin {
            Self::Lines(Box::new(std::io::BufReader::new(std::io::stdin())))
        } else {
            Self::Terminal
        }
    }

    /// Reads one secret, described by `what` ("current PIN").
    pub fn read(&mut self, what: &str) -> anyhow::Result<Zeroizing<String>> {
        match self {
            Self::Terminal => {
                let value = rpassword::prompt_password(format!("{}: ", capitalise(what)))
                    .map(Zeroizing::new)
                    .with_context(|| {
                        format!(
                            "cannot ask for the {what}: no terminal (use --pin-stdin in scripts)"
                        )
                    })?;
                Ok(value)
            }
            Self::Lines(r) => {
                let mut line = Zeroizing::new(String::new());
                let n = r
                    .read_line(&mut line)
                    .with_context(|| format!("cannot read the {what} from standard input"))?;
                if n == 0 {
                    bail!("standard input ended before the {what} was given");
                }
                let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
                Ok(trimmed)
            }
        }
    }

    /// Reads a new secret; on a terminal it is asked twice and both must match.
    pub fn read_new(&mut self, what: &str) -> anyhow::Result<Zeroizing<String>> {
        let first = self.read(what)?;
        if let Self::Terminal = self {
            let again = self.read(&format!("{what} again"))?;
            if *first != *again {
                bail!("the two entries of the {what} differ; nothing was changed");
            }
        }
        Ok(first)
    }
}

/// The operator's management-key secret for `profile` (`sello activate`, `sello renew`): none
/// for the factory key; else from standard input (`--mgmt-secret-stdin`) or a file
/// (`--mgmt-secret-file`, trailing newline dropped) — a master secret for a derived key, the key
/// in hex for an explicit one. `missing` is the command's own hint when neither is given.
pub(crate) fn operator_secret(
    profile: &crate::profile::Profile,
    file: Option<&std::path::Path>,
    stdin: bool,
    source: &mut SecretSource,
    missing: impl FnOnce() -> String,
) -> anyhow::Result<crate::enroll::activation::OperatorSecret> {
    use crate::enroll::activation::OperatorSecret;
    use crate::profile::ManagementKeyMode;
    let policy = profile.management_key;
    if matches!(
        policy.mode,
        ManagementKeyMode::Factory | ManagementKeyMode::PinProtected
    ) {
        return Ok(OperatorSecret::None);
    }
    let raw: Zeroizing<Vec<u8>> = if stdin {
        Zeroizing::new(
            source
                .read("operator management-key secret")?
                .as_bytes()
                .to_vec(),
        )
    } else if let Some(f) = file {
        read_secret_file(f)?
    } else {
        bail!("{}", missing())
    };
    Ok(match policy.mode {
        ManagementKeyMode::Derived => OperatorSecret::Master(raw),
        _ => {
            let text = std::str::from_utf8(&raw).context("the management key must be hex")?;
            OperatorSecret::Explicit(
                crate::pin::ManagementKey::from_hex(policy.algorithm, text)
                    .context("the management key is not valid hex of the profile's algorithm")?,
            )
        }
    })
}

/// Reads an operator secret file, trailing newline dropped. A file that group or others may
/// read or write is refused (the secret may already be known): the message says how to fix it.
pub(crate) fn read_secret_file(f: &std::path::Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let mut file =
        std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
    let mode = file
        .metadata()
        .with_context(|| format!("cannot read {}", f.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "{} is open to group or others (mode {:04o}); a secret file must be private: \
             chmod 600 {}",
            f.display(),
            mode & 0o7777,
            f.display()
        );
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", f.display()))?;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(bytes)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_one_secret_each_and_fail_when_exhausted() {
        let mut s = SecretSource::Lines(Box::new(std::io::Cursor::new(
            b"123456\r\n654321\n".to_vec(),
        )));
        assert_eq!(&*s.read("current PIN").unwrap(), "123456");
        assert_eq!(&*s.read_new("new PIN").unwrap(), "654321");
        let e = s.read("PUK").unwrap_err().to_string();
        assert!(e.contains("ended before the PUK"), "{e}");
    }

    #[test]
    fn operator_secret_from_stdin_or_file_else_the_commands_hint() {
        use crate::enroll::activation::OperatorSecret;
        use crate::profile::ManagementKeyMode;
        let profiles = crate::profile::load_all_from(None).unwrap();
        let derived = profiles
            .iter()
            .find(|p| p.management_key.mode == ManagementKeyMode::Derived)
            .expect("an embedded profile with a derived key");
        let mut none = SecretSource::Lines(Box::new(std::io::Cursor::new(Vec::new())));
        match operator_secret(derived, None, false, &mut none, || "HINT".into()) {
            Err(e) => assert_eq!(e.to_string(), "HINT"),
            Ok(_) => panic!("no secret given, yet one was found"),
        }
        let mut one = SecretSource::Lines(Box::new(std::io::Cursor::new(b"master\n".to_vec())));
        let s = operator_secret(derived, None, true, &mut one, String::new).unwrap();
        assert!(matches!(s, OperatorSecret::Master(m) if m.as_slice() == b"master"));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("op.secret");
        std::fs::write(&f, b"from file\r\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        let s = operator_secret(derived, Some(&f), false, &mut none, String::new).unwrap();
        assert!(matches!(s, OperatorSecret::Master(m) if m.as_slice() == b"from file"));
    }

    #[test]
    fn secret_files_open_to_others_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("op.secret");
        std::fs::write(&f, b"aaaaaaaaaaaaaaaa\n").unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660] {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = read_secret_file(&f).unwrap_err().to_string();
            assert!(e.contains(&format!("chmod 600 {}", f.display())), "{e}");
            assert!(!e.contains("aaaa"), "{e}");
        }
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            read_secret_file(&f).unwrap().as_slice(),
            b"aaaaaaaaaaaaaaaa"
        );
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o400)).unwrap();
        read_secret_file(&f).unwrap();
    }
}
