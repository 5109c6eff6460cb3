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
}
