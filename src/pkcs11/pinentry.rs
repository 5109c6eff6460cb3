//! A client for pinentry programs (`pinentry-tty`, `-curses`, `-gtk2`, `-gnome3`, …), which
//! speak the Assuan protocol on stdin/stdout (GnuPG, "Assuan" manual §3 and the pinentry
//! manual, "Protocol"): every request is one line, every answer ends with `OK` or `ERR`, data
//! comes in `D` lines, and `%`, CR and LF are %-escaped.
//!
//! Used by the module's pinentry mode (issue 4, "PIN without the browser's dialog"): one prompt
//! per need, never a retry; the caller reports a wrong PIN and asks again next time.

use std::io::IsTerminal;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use zeroize::Zeroizing;

/// Longest line we accept from a pinentry (Assuan lines are at most 1000 bytes).
const MAX_LINE: usize = 4096;

/// What can go wrong talking to a pinentry. Not shown to people (the module answers with a
/// `CK_RV`), so the texts stay English, as Assuan's own.
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

/// Graphical pinentry programs, in the order they are preferred on a desktop (Debian's binary
/// names: `pinentry-gtk-2` comes from the package `pinentry-gtk2`).
pub const GRAPHICAL: &[&str] = &[
    "pinentry-gnome3",
    "pinentry-qt",
    "pinentry-gtk-2",
    "pinentry-gtk2",
];

/// Terminal pinentry programs, used only when the process has a terminal.
pub const TERMINAL: &[&str] = &["pinentry-curses", "pinentry-tty"];

/// What the session offers a dialog: a display, a terminal, where programs are looked up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionEnv {
    /// `WAYLAND_DISPLAY` or `DISPLAY` is set.
    pub graphical: bool,
    /// The terminal a text dialog would use: `GPG_TTY`, else standard input's when it is one.
    pub tty: Option<PathBuf>,
    /// The directories of `PATH`.
    pub path: Vec<PathBuf>,
}

impl SessionEnv {
    /// The environment of this process.
    pub fn current() -> Self {
        let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
        let tty = std::env::var_os("GPG_TTY")
            .filter(|t| !t.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                // Standard input's terminal (a browser started from the desktop has none).
                std::io::stdin()
                    .is_terminal()
                    .then(|| std::fs::read_link("/proc/self/fd/0").ok())
                    .flatten()
            });
        Self {
            graphical: set("WAYLAND_DISPLAY") || set("DISPLAY"),
            tty,
            path: std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect())
                .unwrap_or_default(),
        }
    }

    /// `name` in `PATH` (or `name` itself when it holds a `/`), when it is an executable file.
    pub fn find(&self, name: &Path) -> Option<PathBuf> {
        fn executable(p: &Path) -> bool {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        if name.components().count() > 1 || name.is_absolute() {
            return executable(name).then(|| name.to_path_buf());
        }
        self.path
            .iter()
            .map(|d| d.join(name))
            .find(|p| executable(p))
    }
}

/// The pinentry chosen for this session, and the terminal it is given (`--ttyname`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The program.
    pub program: PathBuf,
    /// The terminal, when the session has one.
    pub tty: Option<PathBuf>,
}

/// Why no pinentry can be shown; the text, in the user's language (`sello doctor` shows it),
/// says what to install or configure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoPinentry {
    /// The configured program is not an executable file.
    #[error("{}", crate::tr!("err-pinentry-configured-missing", program = .0.as_str()))]
    ConfiguredMissing(String),
    /// A desktop session without a graphical pinentry.
    #[error("{}", crate::tr!("err-pinentry-no-graphical", programs = GRAPHICAL.join(", ")))]
    NoGraphical,
    /// Neither a display nor a terminal.
    #[error("{}", crate::tr!("err-pinentry-no-session"))]
    NoSession,
    /// A terminal without a text pinentry.
    #[error("{}", crate::tr!("err-pinentry-no-terminal", programs = TERMINAL.join(", ")))]
    NoTerminal,
}

/// Chooses the pinentry for the session: a configured program first (its absence is an error,
/// never a silent substitute); on a display the first graphical one installed; with a terminal
/// (and on a display without a graphical one) a curses/tty one, given that terminal.
pub fn select(configured: Option<&Path>, env: &SessionEnv) -> Result<Chosen, NoPinentry> {
    let chosen = |program| Chosen {
        program,
        tty: env.tty.clone(),
    };
    if let Some(c) = configured {
        return env
            .find(c)
            .map(chosen)
            .ok_or_else(|| NoPinentry::ConfiguredMissing(c.display().to_string()));
    }
    let first = |names: &[&str]| names.iter().find_map(|n| env.find(Path::new(n)));
    if env.graphical {
        if let Some(p) = first(GRAPHICAL) {
            return Ok(chosen(p));
        }
    }
    match (&env.tty, env.graphical) {
        (Some(_), _) => first(TERMINAL).map(chosen).ok_or(if env.graphical {
            NoPinentry::NoGraphical
        } else {
            NoPinentry::NoTerminal
        }),
        (None, true) => Err(NoPinentry::NoGraphical),
        (None, false) => Err(NoPinentry::NoSession),
    }
}

/// Runs the chosen pinentry, shows `prompt` and returns the PIN typed (bytes as entered; the
/// caller turns them into a `crate::pin::Pin` and maps a bad length). One dialog, no retry.
pub fn get_pin(chosen: &Chosen, prompt: &Prompt) -> Result<Zeroizing<Vec<u8>>, PinentryError> {
    let program = chosen.program.as_path();
    let name = program.display().to_string();
    let io = |source| PinentryError::Io {
        program: name.clone(),
        source,
    };
    let mut cmd = Command::new(program);
    if let Some(tty) = &chosen.tty {
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

    fn bin_dir(names: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for n in names {
            let p = d.path().join(n);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // Not executable: never chosen.
        std::fs::write(d.path().join("pinentry-qt"), "").unwrap();
        d
    }

    #[test]
    fn the_session_chooses_the_pinentry() {
        let d = bin_dir(&["pinentry-gtk-2", "pinentry-curses", "pinentry-tty"]);
        let env = |graphical, tty: Option<&str>| SessionEnv {
            graphical,
            tty: tty.map(PathBuf::from),
            path: vec![PathBuf::from("/nonexistent"), d.path().to_path_buf()],
        };
        let pick = |e: &SessionEnv| select(None, e).map(|c| c.program);
        // A desktop: the graphical one, even with a terminal.
        assert_eq!(pick(&env(true, None)), Ok(d.path().join("pinentry-gtk-2")));
        assert_eq!(
            pick(&env(true, Some("/dev/pts/1"))),
            Ok(d.path().join("pinentry-gtk-2"))
        );
        // A terminal only: curses, given the terminal.
        let c = select(None, &env(false, Some("/dev/pts/1"))).unwrap();
        assert_eq!(c.program, d.path().join("pinentry-curses"));
        assert_eq!(c.tty, Some(PathBuf::from("/dev/pts/1")));
        // Neither (a browser started by a service): none, and the reason.
        assert_eq!(pick(&env(false, None)), Err(NoPinentry::NoSession));
        // A desktop without a graphical one and no terminal: curses would fail silently.
        let text = bin_dir(&["pinentry-curses"]);
        let e = SessionEnv {
            graphical: true,
            tty: None,
            path: vec![text.path().to_path_buf()],
        };
        let err = select(None, &e).unwrap_err();
        assert_eq!(err, NoPinentry::NoGraphical);
        assert!(err.to_string().contains("pinentry-gnome3"), "{err}");
        // In the user's language, naming the same packages.
        let es = crate::i18n::with_language("es", || err.to_string());
        assert!(
            es.starts_with("no hay ningún pinentry gráfico instalado para esta sesión")
                && es.contains("instale el paquete de Debian pinentry-gnome3"),
            "{es}"
        );
        let va = crate::i18n::with_language("ca-valencia", || err.to_string());
        assert!(
            va.starts_with("no hi ha cap pinentry gràfic instal·lat per a esta sessió")
                && va.contains("pinentry-gnome3"),
            "{va}"
        );
        // ... but with a terminal, curses on it.
        let e = SessionEnv {
            tty: Some(PathBuf::from("/dev/tty1")),
            ..e
        };
        assert_eq!(
            select(None, &e).map(|c| c.program),
            Ok(text.path().join("pinentry-curses"))
        );
        let none = SessionEnv {
            tty: Some(PathBuf::from("/dev/tty1")),
            ..Default::default()
        };
        assert!(select(None, &none)
            .unwrap_err()
            .to_string()
            .contains("pinentry-curses"));
        // A configured program first, by path or by name; missing is an error, not a fallback.
        let gtk = d.path().join("pinentry-gtk-2");
        assert_eq!(
            select(Some(Path::new("pinentry-tty")), &env(true, None)).map(|c| c.program),
            Ok(d.path().join("pinentry-tty"))
        );
        assert_eq!(
            select(Some(&gtk), &env(false, None)).map(|c| c.program),
            Ok(gtk)
        );
        assert!(matches!(
            select(Some(Path::new("/nonexistent/pinentry")), &env(true, None)),
            Err(NoPinentry::ConfiguredMissing(_))
        ));
        assert!(matches!(
            select(Some(Path::new("pinentry-qt")), &env(true, None)),
            Err(NoPinentry::ConfiguredMissing(_))
        ));
    }
}
