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
        let mut bytes = Zeroizing::new(
            std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?,
        );
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        bytes
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
        let f = std::env::temp_dir().join(format!("sello-op-secret-{}", std::process::id()));
        std::fs::write(&f, b"from file\r\n").unwrap();
        let s = operator_secret(derived, Some(&f), false, &mut none, String::new);
        let _ = std::fs::remove_file(&f);
        let s = s.unwrap();
        assert!(matches!(s, OperatorSecret::Master(m) if m.as_slice() == b"from file"));
    }
}
