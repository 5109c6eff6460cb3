//! A private PC/SC stack for tests, benchmarks and demos: a `pcscd` of our own (in its own mount
//! namespace, so it never meets the system one) whose reader.conf loads vsmartcard's vpcd driver on
//! a free TCP port pair, with `sello-vcard` processes plugged into those readers.
//!
//! Clients reach it through `PCSCLITE_CSOCK_NAME` (see [`Rig::env`]); libpcsclite honours it, so
//! OpenSC, yubico-piv-tool, NSS and our own tools all see real PC/SC readers with cards in them.
//! Needs root (for `unshare -m` and the bind mount over `/run/pcscd`), `setpriv` and `unshare`
//! (util-linux), pcscd and vsmartcard-vpcd.
//!
//! ```no_run
//! use sello::virtual_card::rig::{Rig, RigOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In an integration test: RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).
//! let rig = Rig::start(RigOptions::new("target/debug/sello-vcard"))?;
//! let out = rig.command("opensc-tool").arg("-n").output()?; // PCSCLITE_CSOCK_NAME is set
//! assert!(String::from_utf8_lossy(&out.stdout).contains("Personal Identity Verification Card"));
//! println!("{}", rig.reader_name(0).unwrap_or_default()); // "Virtual PCD 00 00"
//! # Ok(())
//! # }
//! ```
//!
//! Processes are started with a parent-death signal, so they die with the *thread* that started
//! them: create, use and drop a rig on one thread (as a test does).

use std::ffi::{OsStr, OsString};
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use rand_core::{OsRng, RngCore};

use super::state::{CardState, StateError};

/// vsmartcard's vpcd IFD handler as Debian installs it.
pub const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/// The reader name prefix vpcd readers get from our reader.conf.
pub const READER_PREFIX: &str = "Virtual PCD";
/// The environment variable libpcsclite reads for the pcscd socket path.
pub const SOCKET_ENV: &str = "PCSCLITE_CSOCK_NAME";

const START_ATTEMPTS: usize = 5;
/// Cards per rig: vpcd's two slots.
pub const MAX_CARDS: usize = 2;
const CARD_TIMEOUT: Duration = Duration::from_secs(15);

/// Errors starting or driving the rig (shown in the operator's language: `sello-vcard sandbox`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RigError {
    /// A file or process operation failed.
    #[error("{step}")]
    Io {
        /// What the rig was doing.
        step: RigStep,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// pcscd ended while the rig waited for it or for a card.
    #[error("{}", pcscd_exited_text(*.waiting, *.status))]
    PcscdExited {
        /// What the rig was waiting for.
        waiting: RigWait,
        /// How pcscd ended.
        status: std::process::ExitStatus,
    },
    /// pcscd or a card did not come up in time.
    #[error("{}", timed_out_text(*.0))]
    TimedOut(RigWait),
    /// No pair of adjacent free TCP ports was found for vpcd.
    #[error("{}", crate::tr!("vcard-rig-no-free-ports"))]
    NoFreePorts,
    /// A card index out of range.
    #[error("{}", crate::tr!("vcard-rig-no-such-card", index = *.0))]
    NoSuchCard(usize),
    /// A rig holds one or two cards (one vpcd reader.conf entry).
    #[error("{}", crate::tr!("vcard-rig-too-many-cards", max = MAX_CARDS, cards = *.0))]
    TooManyCards(usize),
    /// Writing a card's state file failed.
    #[error("{}", crate::tr!("vcard-rig-write-state"))]
    State(#[source] StateError),
}

/// What the rig was doing when a file or process operation failed ([`RigError::Io`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RigStep {
    /// Creating its temporary directory.
    CreateDir,
    /// Creating the directory bind-mounted over `/run/pcscd`.
    CreateRunDir,
    /// Creating pcscd's `reader.conf.d`.
    CreateConfDir,
    /// Writing the vpcd entry of `reader.conf.d`.
    WriteReaderConf,
    /// Copying a state file given in [`RigOptions::state_files`].
    CopyState(PathBuf),
    /// Opening a card process's log file.
    OpenCardLog,
    /// Starting a card process (the `sello-vcard` binary).
    StartCard(PathBuf),
    /// Opening pcscd's log file.
    OpenPcscdLog,
    /// Starting pcscd (through `setpriv` and `unshare`).
    StartPcscd,
}

impl std::fmt::Display for RigStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::tr;
        let text = match self {
            Self::CreateDir => tr!("vcard-rig-create-dir"),
            Self::CreateRunDir => tr!("vcard-rig-create-run-dir"),
            Self::CreateConfDir => tr!("vcard-rig-create-conf-dir"),
            Self::WriteReaderConf => tr!("vcard-rig-write-reader-conf"),
            Self::CopyState(path) => {
                tr!("vcard-rig-copy-state", path = path.display().to_string())
            }
            Self::OpenCardLog => tr!("vcard-rig-open-card-log"),
            Self::StartCard(bin) => {
                tr!("vcard-rig-start-card", program = bin.display().to_string())
            }
            Self::OpenPcscdLog => tr!("vcard-rig-open-pcscd-log"),
            Self::StartPcscd => tr!("vcard-rig-start-pcscd"),
        };
        f.write_str(&text)
    }
}

/// What the rig waits for after starting a process ([`RigError::TimedOut`],
/// [`RigError::PcscdExited`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RigWait {
    /// pcscd's client socket.
    PcscdSocket,
    /// A card in its reader (pcscd has read its ATR).
    CardInReader,
}

fn timed_out_text(waiting: RigWait) -> String {
    match waiting {
        RigWait::PcscdSocket => crate::tr!("vcard-rig-timeout-pcscd-socket"),
        RigWait::CardInReader => crate::tr!("vcard-rig-timeout-card"),
    }
}

fn pcscd_exited_text(waiting: RigWait, status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    let waiting = match waiting {
        RigWait::PcscdSocket => "socket",
        RigWait::CardInReader => "card",
    };
    match (status.code(), status.signal()) {
        (Some(code), _) => crate::tr!("vcard-rig-pcscd-exited", waiting = waiting, code = code),
        (None, Some(signal)) => {
            crate::tr!("vcard-rig-pcscd-killed", waiting = waiting, signal = signal)
        }
        (None, None) => crate::tr!("vcard-rig-pcscd-ended", waiting = waiting),
    }
}

fn io_err(step: RigStep) -> impl FnOnce(std::io::Error) -> RigError {
    move |source| RigError::Io { step, source }
}

/// How to build a rig.
#[derive(Debug, Clone)]
pub struct RigOptions {
    /// Path of the `sello-vcard` binary (in tests: `env!("CARGO_BIN_EXE_sello-vcard")`).
    pub vcard_bin: PathBuf,
    /// Number of cards (each in its own reader): 1 or 2 ([`MAX_CARDS`]).
    pub cards: usize,
    /// Serial of the first card; the next ones count up.
    pub first_serial: u32,
    /// ATR override for every card.
    pub atr: Option<Vec<u8>>,
    /// Existing state files to use instead of fresh factory cards (copied into the rig).
    pub state_files: Vec<PathBuf>,
    /// Which card of the field every card plays (`sello-vcard --compat`).
    pub compat: super::Compat,
}

impl RigOptions {
    /// One factory card, serial 10000001.
    pub fn new(vcard_bin: impl Into<PathBuf>) -> Self {
        Self {
            vcard_bin: vcard_bin.into(),
            cards: 1,
            first_serial: 10_000_001,
            atr: None,
            state_files: Vec::new(),
            compat: super::Compat::default(),
        }
    }

    /// Sets the number of cards.
    pub fn cards(mut self, n: usize) -> Self {
        self.cards = n;
        self
    }

    /// Sets the compatibility mode of every card.
    pub fn compat(mut self, compat: super::Compat) -> Self {
        self.compat = compat;
        self
    }
}

struct RigCard {
    port: u16,
    reader: String,
    state: PathBuf,
    ready: PathBuf,
    log: PathBuf,
    serial: u32,
    child: Option<Child>,
}

/// A running private pcscd with virtual cards. Dropping it stops everything and removes its files.
pub struct Rig {
    cards: Vec<RigCard>,
    pcscd: Option<Child>,
    run_dir: PathBuf,
    vcard_bin: PathBuf,
    atr: Option<Vec<u8>>,
    compat: super::Compat,
    // Last: removed after the processes are gone.
    dir: tempfile::TempDir,
}

impl Rig {
    /// Starts pcscd and the cards; retries with new ports if another process raced us to them.
    pub fn start(opts: RigOptions) -> Result<Self, RigError> {
        let mut attempt = 1;
        loop {
            match Self::try_start(&opts) {
                Ok(rig) => return Ok(rig),
                Err(e @ RigError::TooManyCards(_)) => return Err(e),
                Err(e) if attempt >= START_ATTEMPTS => return Err(e),
                Err(_) => attempt += 1,
            }
        }
    }

    fn try_start(opts: &RigOptions) -> Result<Self, RigError> {
        let dir = tempfile::Builder::new()
            .prefix("sello-rig-")
            .tempdir()
            .map_err(io_err(RigStep::CreateDir))?;
        let run_dir = dir.path().join("run");
        let conf_dir = dir.path().join("reader.conf.d");
        fs::create_dir(&run_dir).map_err(io_err(RigStep::CreateRunDir))?;
        fs::create_dir(&conf_dir).map_err(io_err(RigStep::CreateConfDir))?;

        // One vpcd entry serves two readers: "Virtual PCD 00 00" on PORT and "Virtual PCD 00 01" on
        // PORT+1. vpcd 0.8 keys its per-reader state by slot number only, so a second entry in the
        // same pcscd would share (and steal) the first one's slots: at most two cards per rig.
        if opts.cards == 0 || opts.cards > MAX_CARDS {
            return Err(RigError::TooManyCards(opts.cards));
        }
        let port = free_port_pair()?;
        let conf = format!(
            "FRIENDLYNAME \"{READER_PREFIX}\"\nDEVICENAME /dev/null:{port}\nLIBPATH {VPCD_DRIVER}\nCHANNELID {port}\n"
        );
        fs::write(conf_dir.join("vpcd"), conf).map_err(io_err(RigStep::WriteReaderConf))?;

        let mut cards = Vec::new();
        for i in 0..opts.cards {
            let state = dir.path().join(format!("card{i}.json"));
            if let Some(src) = opts.state_files.get(i) {
                fs::copy(src, &state).map_err(io_err(RigStep::CopyState(src.clone())))?;
            }
            cards.push(RigCard {
                port: port + i as u16,
                reader: format!("{READER_PREFIX} 00 {i:02X}"),
                ready: dir.path().join(format!("card{i}.ready")),
                log: dir.path().join(format!("vcard{i}.log")),
                state,
                serial: opts.first_serial.wrapping_add(i as u32),
                child: None,
            });
        }

        let pcscd = spawn_pcscd(dir.path(), &run_dir, &conf_dir)?;
        let mut rig = Rig {
            cards,
            pcscd: Some(pcscd),
            run_dir,
            vcard_bin: opts.vcard_bin.clone(),
            atr: opts.atr.clone(),
            compat: opts.compat,
            dir,
        };
        rig.wait_for(Duration::from_secs(10), RigWait::PcscdSocket, |r| {
            r.socket_path().exists()
        })?;
        for i in 0..rig.cards.len() {
            rig.insert_card(i)?;
        }
        Ok(rig)
    }

    fn wait_for(
        &mut self,
        timeout: Duration,
        waiting: RigWait,
        ok: impl Fn(&Self) -> bool,
    ) -> Result<(), RigError> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if ok(self) {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.pcscd.as_mut().map(Child::try_wait) {
                return Err(RigError::PcscdExited { waiting, status });
            }
            thread::sleep(Duration::from_millis(25));
        }
        Err(RigError::TimedOut(waiting))
    }

    /// The environment a client process needs to use this rig's pcscd.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        vec![
            (
                OsString::from(SOCKET_ENV),
                self.socket_path().into_os_string(),
            ),
            // The PKCS#11 module's token cache: the rig's cards are throwaway, so is their cache
            // (and a test never writes into the real user's ~/.cache).
            (
                OsString::from("XDG_CACHE_HOME"),
                self.cache_dir().into_os_string(),
            ),
        ]
    }

    /// Where processes started with [`Rig::env`] keep their caches.
    pub fn cache_dir(&self) -> PathBuf {
        self.dir().join("cache")
    }

    /// A [`Command`] for `program` with [`Rig::env`] applied.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.envs(self.env());
        cmd
    }

    /// The private pcscd's client socket.
    pub fn socket_path(&self) -> PathBuf {
        self.run_dir.join("pcscd.comm")
    }

    /// The rig's working directory (state files, logs).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Number of cards.
    pub fn card_count(&self) -> usize {
        self.cards.len()
    }

    /// The PC/SC reader name holding card `i`, e.g. "Virtual PCD 00 00".
    pub fn reader_name(&self, i: usize) -> Option<&str> {
        self.cards.get(i).map(|c| c.reader.as_str())
    }

    /// The state file of card `i`.
    pub fn state_path(&self, i: usize) -> Option<&Path> {
        self.cards.get(i).map(|c| c.state.as_path())
    }

    /// The vpcd TCP port of card `i`.
    pub fn port(&self, i: usize) -> Option<u16> {
        self.cards.get(i).map(|c| c.port)
    }

    /// Pulls card `i` out of its reader (stops its process; the state file stays) and waits until
    /// pcscd has noticed.
    pub fn remove_card(&mut self, i: usize) -> Result<(), RigError> {
        let card = self.cards.get_mut(i).ok_or(RigError::NoSuchCard(i))?;
        if let Some(mut child) = card.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // pcscd polls vpcd presence; give it time to see the card gone.
        thread::sleep(Duration::from_millis(1200));
        Ok(())
    }

    /// Plugs card `i` (back) into its reader and waits until pcscd has read its ATR.
    pub fn insert_card(&mut self, i: usize) -> Result<(), RigError> {
        let bin = self.vcard_bin.clone();
        let atr = self.atr.clone();
        let compat = self.compat;
        let card = self.cards.get_mut(i).ok_or(RigError::NoSuchCard(i))?;
        if card.child.is_some() {
            return Ok(());
        }
        let _ = fs::remove_file(&card.ready);
        let log = fs::File::create(&card.log).map_err(io_err(RigStep::OpenCardLog))?;
        let mut cmd = Command::new("setpriv");
        cmd.args(["--pdeathsig", "KILL"])
            .arg(&bin)
            .arg("--vpcd")
            .arg(format!("127.0.0.1:{}", card.port))
            .arg("--state")
            .arg(&card.state)
            .arg("--serial")
            .arg(card.serial.to_string())
            .arg("--ready-file")
            .arg(&card.ready)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(atr) = atr {
            cmd.arg("--atr").arg(hex::encode(atr));
        }
        if let Some(mode) = compat.to_possible_value() {
            cmd.arg("--compat").arg(mode.get_name());
        }
        card.child = Some(
            cmd.spawn()
                .map_err(io_err(RigStep::StartCard(bin.clone())))?,
        );
        let ready = card.ready.clone();
        self.wait_for(CARD_TIMEOUT, RigWait::CardInReader, |_| ready.exists())?;
        // pcscd updates the reader state right after it has the ATR.
        thread::sleep(Duration::from_millis(150));
        Ok(())
    }

    /// Puts card `i` into `state`: pulls it, writes its state file, inserts it again (a fresh
    /// power-up, so pcscd reads the ATR anew, e.g. one set in `state.atr`; a rig-wide
    /// [`RigOptions::atr`] still wins). Lets tests start each scenario from a known card without
    /// restarting pcscd.
    pub fn replace_state(&mut self, i: usize, state: &CardState) -> Result<(), RigError> {
        self.remove_card(i)?;
        let path = self.state_path(i).ok_or(RigError::NoSuchCard(i))?;
        state.save(path).map_err(RigError::State)?;
        self.insert_card(i)
    }

    /// Card `i` back to a factory state (same serial, new keys): see [`Rig::replace_state`].
    pub fn factory_reset(&mut self, i: usize) -> Result<(), RigError> {
        let serial = self.cards.get(i).ok_or(RigError::NoSuchCard(i))?.serial;
        self.replace_state(i, &CardState::factory(serial))
    }

    /// Kills pcscd (SIGKILL, as a crash would) and starts it again with the same readers; the
    /// cards that were inserted are inserted again. Clients see the service vanish and return.
    pub fn restart_pcscd(&mut self) -> Result<(), RigError> {
        if let Some(mut pcscd) = self.pcscd.take() {
            let _ = pcscd.kill();
            let _ = pcscd.wait();
        }
        let inserted: Vec<usize> = (0..self.cards.len())
            .filter(|i| self.cards[*i].child.is_some())
            .collect();
        for i in &inserted {
            if let Some(mut child) = self.cards[*i].child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = fs::remove_file(self.socket_path());
        let conf_dir = self.dir.path().join("reader.conf.d");
        self.pcscd = Some(spawn_pcscd(self.dir.path(), &self.run_dir, &conf_dir)?);
        self.wait_for(Duration::from_secs(10), RigWait::PcscdSocket, |r| {
            r.socket_path().exists()
        })?;
        for i in inserted {
            self.insert_card(i)?;
        }
        Ok(())
    }

    /// Process ids of pcscd and the running card processes (for diagnostics and cleanup checks).
    pub fn pids(&self) -> Vec<u32> {
        self.pcscd
            .iter()
            .chain(self.cards.iter().filter_map(|c| c.child.as_ref()))
            .map(Child::id)
            .collect()
    }

    /// The pcscd log so far (for test failure messages).
    pub fn pcscd_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("pcscd.log")).unwrap_or_default()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        for card in &mut self.cards {
            if let Some(mut child) = card.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        if let Some(mut pcscd) = self.pcscd.take() {
            let _ = pcscd.kill();
            let _ = pcscd.wait();
        }
    }
}

/// Starts the private pcscd (log appended to `dir/pcscd.log`).
fn spawn_pcscd(dir: &Path, run_dir: &Path, conf_dir: &Path) -> Result<Child, RigError> {
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("pcscd.log"))
        .map_err(io_err(RigStep::OpenPcscdLog))?;
    let log2 = log.try_clone().map_err(io_err(RigStep::OpenPcscdLog))?;
    // pcscd refuses to start while /run/pcscd/pcscd.comm exists, whatever PCSCLITE_CSOCK_NAME
    // says: give it a private mount namespace with our directory over /run/pcscd.
    // setpriv --pdeathsig: pcscd dies with the thread that started it, even if that thread is
    // killed before Drop runs (unshare and sh exec, so the setting reaches pcscd).
    Command::new("setpriv")
        .args([
            "--pdeathsig",
            "KILL",
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
        ])
        .arg("mkdir -p /run/pcscd && mount --bind \"$1\" /run/pcscd && exec pcscd -f -c \"$2\"")
        .arg("sh")
        .arg(run_dir)
        .arg(conf_dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(io_err(RigStep::StartPcscd))
}

/// Picks a random port P such that P and P+1 are free on all interfaces (vpcd binds INADDR_ANY).
fn free_port_pair() -> Result<u16, RigError> {
    for _ in 0..200 {
        let port = 20000 + (OsRng.next_u32() % 40000) as u16;
        let a = TcpListener::bind(("0.0.0.0", port));
        let b = TcpListener::bind(("0.0.0.0", port + 1));
        if a.is_ok() && b.is_ok() {
            return Ok(port);
        }
    }
    Err(RigError::NoFreePorts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with_language;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn rig_errors_are_worded_whole_in_each_language() {
        let copy = || {
            RigError::Io {
                step: RigStep::CopyState(PathBuf::from("/tmp/card.json")),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            }
            .to_string()
        };
        assert_eq!(
            with_language("C", copy),
            "cannot copy the state file /tmp/card.json"
        );
        assert_eq!(
            with_language("es_ES.UTF-8", copy),
            "no se puede copiar el fichero de estado /tmp/card.json"
        );
        // pcscd's exit: code or signal, and what the rig was waiting for.
        let exited = RigError::PcscdExited {
            waiting: RigWait::CardInReader,
            status: std::process::ExitStatus::from_raw(1 << 8),
        };
        let killed = RigError::PcscdExited {
            waiting: RigWait::PcscdSocket,
            status: std::process::ExitStatus::from_raw(9),
        };
        assert_eq!(
            with_language("ca_ES.UTF-8@valencia", || exited.to_string()),
            "pcscd ha acabat (codi d'eixida 1) abans que la targeta apareguera en el seu lector"
        );
        assert_eq!(
            with_language("ca_ES.UTF-8", || exited.to_string()),
            "pcscd ha acabat (codi de sortida 1) abans que la targeta aparegués al seu lector"
        );
        assert_eq!(
            with_language("en", || killed.to_string()),
            "pcscd was killed (signal 9) before opening its socket"
        );
        assert_eq!(
            with_language("es", || RigError::TooManyCards(0).to_string()),
            "un banco de pruebas admite de 1 a 2 tarjetas, no 0"
        );
    }
}
