//! Reading PINs and PUKs: from the terminal without echo, or from standard input with
//! `--pin-stdin` (one secret per line, for scripts). Never from argv, never retried on the holder's
//! behalf: each value read is used for exactly one attempt.

use std::io::BufRead;

use anyhow::{bail, Context};
use zeroize::Zeroizing;

use crate::tr;

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

    /// Reads one secret; `what` names it in the prompt and in errors.
    pub fn read(&mut self, what: Secret) -> anyhow::Result<Zeroizing<String>> {
        match self {
            Self::Terminal => {
                let value = rpassword::prompt_password(format!("{}: ", what.label()))
                    .map(Zeroizing::new)
                    .with_context(|| tr!("cmd-input-no-terminal", what = what.phrase()))?;
                Ok(value)
            }
            Self::Lines(r) => {
                let mut line = Zeroizing::new(String::new());
                let n = r
                    .read_line(&mut line)
                    .with_context(|| tr!("cmd-input-cannot-read", what = what.phrase()))?;
                if n == 0 {
                    bail!(tr!("cmd-input-ended", what = what.phrase()));
                }
                let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
                Ok(trimmed)
            }
        }
    }

    /// Reads a new secret; on a terminal it is asked twice and both must match.
    pub fn read_new(&mut self, what: Secret) -> anyhow::Result<Zeroizing<String>> {
        let first = self.read(what)?;
        if let Self::Terminal = self {
            let again = rpassword::prompt_password(format!(
                "{}: ",
                tr!("cmd-secret-again", what = what.phrase())
            ))
            .map(Zeroizing::new)
            .with_context(|| tr!("cmd-input-no-terminal", what = what.phrase()))?;
            if *first != *again {
                bail!(tr!("cmd-input-mismatch", what = what.phrase()));
            }
        }
        Ok(first)
    }
}

/// A secret the CLI asks for. Its names for people are messages (`cmd-secret`, a prompt label,
/// and `cmd-secret-the`, inside a sentence), chosen by [`Secret::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    /// The PIN to change.
    CurrentPin,
    /// A new PIN (asked twice on a terminal).
    NewPin,
    /// The PUK that unblocks the PIN.
    Puk,
    /// A new PUK chosen by the operator.
    NewPuk,
    /// The holder's PIN, for a job on the holder's card.
    HolderPin,
    /// The PIN of the operator's card.
    OperatorPin,
    /// The CA's one-time enrollment code.
    EnrollmentCode,
    /// The operator's management-key secret (master secret or key).
    MgmtSecret,
}

impl Secret {
    /// The selector the messages use.
    pub fn id(self) -> &'static str {
        match self {
            Self::CurrentPin => "current-pin",
            Self::NewPin => "new-pin",
            Self::Puk => "puk",
            Self::NewPuk => "new-puk",
            Self::HolderPin => "holder-pin",
            Self::OperatorPin => "operator-pin",
            Self::EnrollmentCode => "enrollment-code",
            Self::MgmtSecret => "mgmt-secret",
        }
    }

    /// The secret a `sellod` job asks for by name (`secret-request` events).
    pub fn from_daemon_name(name: &str) -> Option<Self> {
        Some(match name {
            "current-pin" => Self::HolderPin,
            "new-pin" => Self::NewPin,
            "puk" => Self::Puk,
            "new-puk" => Self::NewPuk,
            "enrollment-code" => Self::EnrollmentCode,
            "mgmt-secret" => Self::MgmtSecret,
            _ => return None,
        })
    }

    /// Its name as a prompt label ("Current PIN").
    pub fn label(self) -> String {
        tr!("cmd-secret", secret = self.id())
    }

    /// Its name inside a sentence ("the current PIN").
    pub fn phrase(self) -> String {
        tr!("cmd-secret-the", secret = self.id())
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
        Zeroizing::new(source.read(Secret::MgmtSecret)?.as_bytes().to_vec())
    } else if let Some(f) = file {
        read_secret_file(f)?
    } else {
        bail!("{}", missing())
    };
    Ok(match policy.mode {
        ManagementKeyMode::Derived => OperatorSecret::Master(raw),
        _ => {
            let text = std::str::from_utf8(&raw).with_context(|| tr!("cmd-mgmt-key-not-hex"))?;
            OperatorSecret::Explicit(
                crate::pin::ManagementKey::from_hex(policy.algorithm, text)
                    .with_context(|| tr!("cmd-mgmt-key-bad-hex"))?,
            )
        }
    })
}

/// Reads an operator secret file, trailing newline dropped. A file that group or others may
/// read or write is refused (the secret may already be known): the message says how to fix it.
pub(crate) fn read_secret_file(f: &std::path::Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let cannot_read = || tr!("cmd-cannot-read-file", path = f.display().to_string());
    let mut file = std::fs::File::open(f).with_context(cannot_read)?;
    let mode = file
        .metadata()
        .with_context(cannot_read)?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(tr!(
            "cmd-secret-file-open",
            path = f.display().to_string(),
            mode = format!("{:04o}", mode & 0o7777)
        ));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.read_to_end(&mut bytes).with_context(cannot_read)?;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_one_secret_each_and_fail_when_exhausted() {
        let mut s = SecretSource::Lines(Box::new(std::io::Cursor::new(
            b"123456\r\n654321\n".to_vec(),
        )));
        assert_eq!(&*s.read(Secret::CurrentPin).unwrap(), "123456");
        assert_eq!(&*s.read_new(Secret::NewPin).unwrap(), "654321");
        let e = crate::i18n::with_language("en", || s.read(Secret::Puk).unwrap_err().to_string());
        assert_eq!(e, "standard input ended before the PUK was given");
        let e =
            crate::i18n::with_language("es", || s.read(Secret::NewPin).unwrap_err().to_string());
        assert_eq!(
            e,
            "la entrada estándar se ha acabado antes de dar el PIN nuevo"
        );
        let e = crate::i18n::with_language("ca-valencia", || {
            s.read(Secret::EnrollmentCode).unwrap_err().to_string()
        });
        assert_eq!(
            e,
            "l'entrada estàndard s'ha acabat abans de donar el codi d'inscripció"
        );
    }

    #[test]
    fn every_secret_has_a_label_and_a_phrase_in_every_language() {
        let all = [
            Secret::CurrentPin,
            Secret::NewPin,
            Secret::Puk,
            Secret::NewPuk,
            Secret::HolderPin,
            Secret::OperatorPin,
            Secret::EnrollmentCode,
            Secret::MgmtSecret,
        ];
        for lang in ["en", "es", "ca", "ca-valencia"] {
            crate::i18n::with_language(lang, || {
                let labels: std::collections::BTreeSet<_> = all.iter().map(|s| s.label()).collect();
                let phrases: std::collections::BTreeSet<_> =
                    all.iter().map(|s| s.phrase()).collect();
                // Each secret has its own words (no selector falls through to a shared default).
                assert_eq!(labels.len(), all.len(), "{lang}: {labels:?}");
                assert_eq!(phrases.len(), all.len(), "{lang}: {phrases:?}");
            });
        }
        assert_eq!(
            crate::i18n::with_language("es", || Secret::HolderPin.label()),
            "PIN del titular"
        );
        assert_eq!(
            crate::i18n::with_language("ca", || Secret::OperatorPin.phrase()),
            "el PIN de l'operador"
        );
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
            let e =
                crate::i18n::with_language("en", || read_secret_file(&f).unwrap_err().to_string());
            assert!(e.contains("is open to group or others"), "{e}");
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
