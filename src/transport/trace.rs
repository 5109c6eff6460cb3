//! APDU tracer and counter.
//!
//! Every APDU actually sent to the card is counted, including GET RESPONSE and each block of a
//! chain, so benchmarks can compare APDU counts. The log is off unless `SELLO_APDU_LOG` is set
//! (`stderr` or a file path) or [`Tracer::set_sink`] is called (CLI `-v`). Data of secret-bearing
//! commands (PIN, PUK, management-key authentication, key import) is never written, nor the data
//! of their responses.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Environment variable that enables the APDU log: `stderr` or a file path.
pub const ENV_VAR: &str = "SELLO_APDU_LOG";

/// A shareable APDU counter.
#[derive(Debug, Default, Clone)]
pub struct ApduCounter(Arc<AtomicU64>);

impl ApduCounter {
    /// APDUs sent so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets the count back to zero.
    pub fn reset(&self) {
        self.0.store(0, Ordering::Relaxed);
    }

    fn incr(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where trace lines go.
pub type Sink = Box<dyn Write + Send>;

/// Counts APDUs and, when enabled, logs them with secrets redacted.
#[derive(Default)]
pub struct Tracer {
    counter: ApduCounter,
    sink: Mutex<Option<Sink>>,
}

impl std::fmt::Debug for Tracer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracer")
            .field("count", &self.counter.get())
            .field("enabled", &self.is_enabled())
            .finish()
    }
}

/// Opens (appends to) a log file, created mode 0600: the log holds card serials and everything
/// read from the card (PIN bytes are redacted, the rest is not).
fn open_log(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

impl Tracer {
    /// A tracer configured from `SELLO_APDU_LOG` (a file that cannot be opened disables the log
    /// with one warning on stderr rather than failing card access).
    pub fn from_env() -> Self {
        let t = Self::default();
        match std::env::var_os(ENV_VAR) {
            None => {}
            Some(v) if v == "stderr" || v == "-" => t.set_sink(Some(Box::new(std::io::stderr()))),
            Some(v) if v.is_empty() => {}
            Some(path) => match open_log(Path::new(&path)) {
                Ok(f) => t.set_sink(Some(Box::new(f))),
                Err(e) => eprintln!(
                    "sello: {}",
                    crate::tr!(
                        "err-trace-file",
                        var = ENV_VAR,
                        path = Path::new(&path).display().to_string(),
                        error = e.to_string()
                    )
                ),
            },
        }
        t
    }

    /// Enables (Some) or disables (None) the log.
    pub fn set_sink(&self, sink: Option<Sink>) {
        *self.sink.lock().unwrap_or_else(|p| p.into_inner()) = sink;
    }

    /// Whether lines are being written.
    pub fn is_enabled(&self) -> bool {
        self.sink.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// The APDU counter (clone it to read the count while a driver owns the transport).
    pub fn counter(&self) -> &ApduCounter {
        &self.counter
    }

    /// APDUs sent so far.
    pub fn count(&self) -> u64 {
        self.counter.get()
    }

    /// Records one command about to be sent. `secret` redacts its data field.
    pub fn command(&self, bytes: &[u8], secret: bool) {
        self.counter.incr();
        self.write(|| format!("> {}", format_command(bytes, secret)));
    }

    /// Records one response. `secret` redacts its data (the status word stays visible).
    pub fn response(&self, bytes: &[u8], secret: bool) {
        self.write(|| format!("< {}", format_response(bytes, secret)));
    }

    fn write(&self, line: impl FnOnce() -> String) {
        let mut guard = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sink) = guard.as_mut() {
            // A failing log must never fail a card operation.
            let _ = writeln!(sink, "{}", line());
            let _ = sink.flush();
        }
    }
}

/// Formats a command: header always, data only when not secret.
pub fn format_command(bytes: &[u8], secret: bool) -> String {
    if !secret || bytes.len() <= 5 {
        return hex::encode_upper(bytes);
    }
    let (header, body) = bytes.split_at(4);
    format!(
        "{} <{} bytes redacted>",
        hex::encode_upper(header),
        body.len()
    )
}

/// Formats a response: status word always, data only when not secret.
pub fn format_response(bytes: &[u8], secret: bool) -> String {
    match bytes.len() {
        0..=2 => hex::encode_upper(bytes),
        n if secret => format!(
            "<{} bytes redacted> {}",
            n - 2,
            hex::encode_upper(&bytes[n - 2..])
        ),
        _ => hex::encode_upper(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn log_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apdu.log");
        drop(open_log(&path).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn counts_and_redacts() {
        let t = Tracer::default();
        t.command(&[0, 0xA4, 4, 0], false);
        assert_eq!(t.count(), 1);
        let buf = Buf::default();
        t.set_sink(Some(Box::new(buf.clone())));
        t.command(b"\x00\x20\x00\x80\x08123456\xff\xff", true);
        t.response(&[0x90, 0x00], true);
        t.response(&[0xAA, 0xBB, 0xCC, 0x90, 0x00], true);
        t.command(&[0, 0xCB, 0x3F, 0xFF, 0x03, 0x5C, 0x01, 0x7E], false);
        t.response(&[0x7E, 0x00, 0x90, 0x00], false);
        assert_eq!(t.count(), 3);
        let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(!log.contains("313233"), "{log}");
        assert!(!log.contains("AABBCC"), "{log}");
        assert!(log.contains("> 00200080 <9 bytes redacted>"), "{log}");
        assert!(log.contains("< <3 bytes redacted> 9000"), "{log}");
        assert!(log.contains("> 00CB3FFF035C017E"), "{log}");
        assert!(log.contains("< 7E009000"), "{log}");
    }

    #[test]
    fn env_var_selects_a_log_file() {
        let path = std::env::temp_dir().join(format!("sello-apdu-{}.log", std::process::id()));
        std::env::set_var(ENV_VAR, &path);
        let t = Tracer::from_env();
        std::env::remove_var(ENV_VAR);
        assert!(t.is_enabled());
        t.command(b"\x00\x20\x00\x80\x08123456\xff\xff", true);
        t.response(&[0x63, 0xC2], true);
        drop(t);
        let log = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(log.contains("> 00200080 <9 bytes redacted>"), "{log}");
        assert!(log.contains("< 63C2"), "{log}");
        assert!(!log.contains("313233"), "{log}");
        assert!(!Tracer::default().is_enabled());
    }
}
