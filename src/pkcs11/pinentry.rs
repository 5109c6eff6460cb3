//! A client for pinentry programs (`pinentry-tty`, `-curses`, `-gtk2`, `-gnome3`, …), which
//! speak the Assuan protocol on stdin/stdout (GnuPG, "Assuan" manual §3 and the pinentry
//! manual, "Protocol"): every request is one line, every answer ends with `OK` or `ERR`, data
//! comes in `D` lines, and `%`, CR and LF are %-escaped.
//!
//! Used by the module's pinentry mode (issue 4, "PIN without the browser's dialog"): one prompt
//! per need, never a retry; the caller reports a wrong PIN and asks again next time.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use zeroize::Zeroizing;

/// Longest line we accept from a pinentry (Assuan lines are at most 1000 bytes).
const MAX_LINE: usize = 4096;

/// What can go wrong talking to a pinentry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PinentryError {
    /// The program could not be started or its pipes failed.
    #[error("pinentry program {program}: {source}")]
    Io {
        /// The program.
        program: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The program answered something that is not Assuan.
    #[error("pinentry protocol error: {0}")]
    Protocol(String),
    /// The holder cancelled (or closed) the dialog.
    #[error("PIN entry cancelled")]
    Cancelled,
}

/// What the dialog shows.
#[derive(Debug, Clone, Default)]
pub struct Prompt {
    /// Window title.
    pub title: String,
    /// Description (may hold newlines).
    pub description: String,
    /// The label before the entry field.
    pub prompt: String,
    /// An error line above it (e.g. after a wrong PIN).
    pub error: Option<String>,
}

/// %-escapes `%`, CR, LF and other control bytes for an Assuan command argument.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | '\r' | '\n' => out.push_str(&format!("%{:02X}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Undoes %-escaping of a `D` line (invalid escapes are kept as they are).
pub fn unescape(s: &[u8]) -> Zeroizing<Vec<u8>> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let mut out = Zeroizing::new(Vec::with_capacity(s.len()));
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            if let [h, l, more @ ..] = tail {
                if let (Some(h), Some(l)) = (hex(*h), hex(*l)) {
                    out.push(h << 4 | l);
                    rest = more;
                    continue;
                }
            }
        }
        out.push(b);
        rest = tail;
    }
    out
}

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    program: String,
}

impl Session {
    fn io(&self, source: std::io::Error) -> PinentryError {
        PinentryError::Io {
            program: self.program.clone(),
            source,
        }
    }

    /// Reads one line (without the newline), zeroized on drop since it may hold the PIN.
    fn line(&mut self) -> Result<Zeroizing<Vec<u8>>, PinentryError> {
        let mut buf = Zeroizing::new(Vec::new());
        let n = Read::by_ref(&mut self.stdout)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)
            .map_err(|e| self.io(e))?;
        if n == 0 {
            return Err(PinentryError::Protocol(
                "the program closed its output".into(),
            ));
        }
        if buf.last() != Some(&b'\n') {
            return Err(PinentryError::Protocol("line too long".into()));
        }
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(buf)
    }

    /// Sends one command and collects `D` data until `OK`; `ERR` becomes an error (code 83886179
    /// and any "cancel" text mean the holder cancelled).
    fn call(&mut self, command: &str) -> Result<Zeroizing<Vec<u8>>, PinentryError> {
        self.stdin
            .write_all(format!("{command}\n").as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| self.io(e))?;
        let mut data = Zeroizing::new(Vec::new());
        loop {
            let line = self.line()?;
            match line.as_slice() {
                [b'O', b'K'] => return Ok(data),
                l if l.starts_with(b"OK ") => return Ok(data),
                l if l.starts_with(b"D ") => data.extend_from_slice(&unescape(&l[2..])),
                l if l.starts_with(b"ERR") => {
                    let text = String::from_utf8_lossy(l).to_ascii_lowercase();
                    // GPG_ERR_CANCELED (99) in the pinentry source: 83886179; also "not
                    // confirmed" / timeouts count as a cancelled dialog.
                    return Err(
                        if text.contains("83886179")
                            || text.contains("cancel")
                            || text.contains("timeout")
                        {
                            PinentryError::Cancelled
                        } else {
                            PinentryError::Protocol(
                                String::from_utf8_lossy(l).chars().take(200).collect(),
                            )
                        },
                    );
                }
                l if l.starts_with(b"S ") || l.starts_with(b"#") || l.is_empty() => {}
                l if l.starts_with(b"INQUIRE") => {
                    // We offer nothing to inquire.
                    self.stdin
                        .write_all(b"CAN\n")
                        .and_then(|()| self.stdin.flush())
                        .map_err(|e| self.io(e))?;
                }
                l => {
                    return Err(PinentryError::Protocol(format!(
                        "unexpected line {:?}",
                        String::from_utf8_lossy(l)
                            .chars()
                            .take(80)
                            .collect::<String>()
                    )))
                }
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // BYE, then make sure the process is gone (a pinentry waiting on a human is killed).
        let _ = self.stdin.write_all(b"BYE\n");
        let _ = self.stdin.flush();
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            if !matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
    }
}

/// Runs `program`, shows `prompt` and returns the PIN typed (bytes as entered; the caller turns
/// them into a `crate::pin::Pin` and maps a bad length). One dialog, no retry.
pub fn get_pin(program: &Path, prompt: &Prompt) -> Result<Zeroizing<Vec<u8>>, PinentryError> {
    let name = program.display().to_string();
    let io = |source| PinentryError::Io {
        program: name.clone(),
        source,
    };
    let mut cmd = Command::new(program);
    if let Some(tty) = std::env::var_os("GPG_TTY") {
        cmd.arg("--ttyname").arg(tty);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(io)?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(PinentryError::Protocol("no pipes".into()));
    };
    let mut s = Session {
        child,
        stdin,
        stdout: BufReader::new(stdout),
        program: name.clone(),
    };
    let greeting = s.line()?;
    if !greeting.starts_with(b"OK") {
        return Err(PinentryError::Protocol("no OK greeting".into()));
    }
    s.call(&format!("SETTITLE {}", escape(&prompt.title)))?;
    s.call(&format!("SETDESC {}", escape(&prompt.description)))?;
    s.call(&format!("SETPROMPT {}", escape(&prompt.prompt)))?;
    if let Some(e) = &prompt.error {
        s.call(&format!("SETERROR {}", escape(e)))?;
    }
    s.call("GETPIN")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        assert_eq!(escape("a%b\nc\rd"), "a%25b%0Ac%0Dd");
        assert_eq!(&*unescape(b"a%25b%0Ac%0Dd"), b"a%b\nc\rd");
        assert_eq!(&*unescape(b"12%"), b"12%");
        assert_eq!(&*unescape(b"1%4"), b"1%4");
        assert_eq!(&*unescape(b"%zz1"), b"%zz1");
        assert_eq!(&*unescape(b"123456"), b"123456");
    }
}
