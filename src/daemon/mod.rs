//! `sellod`: watches readers and cards ([`inventory`]), runs card jobs one per card and in
//! parallel across readers ([`jobs`]), and serves the local API on a Unix socket ([`server`],
//! wire format in [`protocol`] and `docs/api.md`). [`client`] is the blocking client the CLI uses.
//!
//! Threads: one event loop serving every connection (non-blocking sockets, [`server`]), a few
//! workers for requests that read a card, one monitor thread asleep in pcscd, one thread per job,
//! one per card probe. Jobs and the monitor hand lines to connections through an [`Outbox`],
//! which wakes the loop.

pub mod client;
pub mod inventory;
pub mod jobs;
mod notify;
pub mod protocol;
pub mod server;

use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SendError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;

use crate::enroll::journal::JournalStore;

/// Per-connection outbound queue depth (lines the server's loop has not taken yet); a subscriber
/// that falls this far behind is dropped and its connection closed.
pub const OUTBOX_DEPTH: usize = 1024;

/// One line to send to a client (serialized once, shared by every subscriber).
pub type Line = Arc<String>;

/// What another thread tells the server's loop about a connection.
pub(crate) enum Notice {
    /// New lines wait in its outbox.
    Lines,
    /// Close it (a subscriber too slow to keep).
    Close,
    /// The response to the request a worker handled for it.
    Answer(Line),
}

/// Wakes the server's event loop and tells it which connections need it.
pub(crate) struct Wake {
    waker: mio::Waker,
    notices: Mutex<Vec<(u64, Notice)>>,
}

impl Wake {
    pub(crate) fn new(waker: mio::Waker) -> Self {
        Self {
            waker,
            notices: Mutex::default(),
        }
    }

    /// Queues a notice and wakes the loop (once per batch: the loop takes all notices at once).
    pub(crate) fn notify(&self, conn: u64, notice: Notice) {
        let first = {
            let mut n = lock(&self.notices);
            n.push((conn, notice));
            n.len() == 1
        };
        if first {
            if let Err(e) = self.waker.wake() {
                eprintln!("sellod: cannot wake the server loop: {e}");
            }
        }
    }

    /// The notices queued since the last call.
    pub(crate) fn take(&self) -> Vec<(u64, Notice)> {
        std::mem::take(&mut *lock(&self.notices))
    }
}

/// A connection's outbound queue: lines from jobs and the event broadcaster, taken by the
/// server's loop (which is woken for them) when the connection's socket has room.
#[derive(Clone)]
pub struct Outbox {
    conn: u64,
    tx: SyncSender<Line>,
    wake: Arc<Wake>,
}

impl Outbox {
    /// The outbox of connection `conn` and the loop's end of it.
    pub(crate) fn new(conn: u64, wake: Arc<Wake>) -> (Self, Receiver<Line>) {
        let (tx, rx) = sync_channel(OUTBOX_DEPTH);
        (Self { conn, tx, wake }, rx)
    }

    /// Queues a line unless the queue is full or the connection gone.
    pub fn try_send(&self, l: Line) -> Result<(), TrySendError<Line>> {
        self.tx.try_send(l)?;
        self.wake.notify(self.conn, Notice::Lines);
        Ok(())
    }

    /// Queues a line, waiting while the queue is full; an error when the connection is gone.
    pub fn send(&self, l: Line) -> Result<(), SendError<Line>> {
        self.tx.send(l)?;
        self.wake.notify(self.conn, Notice::Lines);
        Ok(())
    }

    /// Has the server close the connection.
    pub fn close(&self) {
        self.wake.notify(self.conn, Notice::Close);
    }

    /// Tells the loop the answer to the request a worker handled.
    pub(crate) fn answer(&self, l: Line) {
        self.wake.notify(self.conn, Notice::Answer(l));
    }
}

/// Serializes a message into a [`Line`].
pub fn line(v: &Value) -> Line {
    Arc::new(v.to_string())
}

/// The daemon's shared state.
pub struct Daemon {
    inventory: Mutex<inventory::Inventory>,
    subscribers: Mutex<Vec<(u64, Outbox)>>,
    /// The job table.
    pub jobs: jobs::Jobs,
    /// The activation journal store, the CLI's (`$SELLO_STATE_DIR`, ...).
    pub journal: Option<JournalStore>,
}

impl std::fmt::Debug for Daemon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Daemon")
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in one request handler must not take the daemon down: the data behind these locks
    // is only ever replaced whole, so it stays consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Daemon {
    /// A daemon with an empty inventory.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inventory: Mutex::default(),
            subscribers: Mutex::default(),
            jobs: jobs::Jobs::default(),
            journal: JournalStore::default_location().ok(),
        })
    }

    /// The inventory, locked.
    pub fn inventory(&self) -> MutexGuard<'_, inventory::Inventory> {
        lock(&self.inventory)
    }

    /// Adds a subscriber.
    pub fn subscribe(&self, conn: u64, out: Outbox) {
        lock(&self.subscribers).push((conn, out));
    }

    /// Whether a connection subscribed to events (a silent subscriber is not idle).
    pub fn is_subscribed(&self, conn: u64) -> bool {
        lock(&self.subscribers).iter().any(|(c, _)| *c == conn)
    }

    /// Removes a connection's subscription.
    pub fn unsubscribe(&self, conn: u64) {
        lock(&self.subscribers).retain(|(c, _)| *c != conn);
    }

    /// Sends an event to every subscriber.
    pub fn publish(&self, event: Value) {
        self.publish_except(event, None);
    }

    /// Sends an event to every subscriber but `except` (the job owner, served directly).
    /// A subscriber whose queue is full is dropped (its connection closes), so a stuck client
    /// cannot make the daemon's memory grow.
    pub fn publish_except(&self, event: Value, except: Option<u64>) {
        let l = line(&event);
        lock(&self.subscribers).retain(|(c, out)| {
            if Some(*c) == except {
                return true;
            }
            match out.try_send(Arc::clone(&l)) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    eprintln!("sellod: subscriber {c} too slow, dropped");
                    out.close();
                    false
                }
                Err(TrySendError::Disconnected(_)) => false,
            }
        });
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Where the per-user socket is: `$SELLO_SOCKET`, else `$XDG_RUNTIME_DIR/sello/sellod.sock`,
/// else the system socket `/run/sello/sellod.sock`.
pub fn default_socket_path() -> PathBuf {
    if let Some(p) = std::env::var_os("SELLO_SOCKET").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(d).join("sello/sellod.sock");
    }
    PathBuf::from(SYSTEM_SOCKET)
}

/// The system-wide socket (operators' group).
pub const SYSTEM_SOCKET: &str = "/run/sello/sellod.sock";

/// The clap definition of `sellod` in the current language (for man pages and shell
/// completions), as the binary parses its command line with it.
pub fn command() -> clap::Command {
    crate::i18n::help::localize(<Args as clap::CommandFactory>::command())
}

/// `sellod` command line (help texts: `help-sellod-*` in `locales/*/help.ftl`).
// The help of each argument is its message in locales/*/help.ftl (help-sellod-*): a doc comment
// here would be a second English text, which clap would read as the help.
#[allow(missing_docs)]
#[derive(Debug, clap::Parser)]
#[command(name = "sellod", version = crate::LONG_VERSION)]
pub struct Args {
    #[arg(long)]
    pub socket: Option<PathBuf>,
    #[arg(long)]
    pub group: Option<String>,
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: u64,
}

/// Entry point of the `sellod` binary.
pub fn main() -> std::process::ExitCode {
    // Jobs hold PINs, PUKs and operator secrets: never in a core file.
    if let Err(e) = crate::pin::forbid_core_dumps() {
        eprintln!("sellod: cannot disable core dumps ({e}); refusing to handle secrets");
        return std::process::ExitCode::FAILURE;
    }
    let args = crate::i18n::help::parse(<Args as clap::CommandFactory>::command);
    match run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sellod: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Lifts the soft limit of open files to the hard one: each connection takes a descriptor, and
/// systemd's default soft limit (1024) leaves too few beside the daemon's own for
/// [`server::MAX_CONNECTIONS`].
fn raise_open_files_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            eprintln!("sellod: cannot raise the open-files limit: {e}");
        }
    }
}

/// Runs the daemon until it is killed.
pub fn run(args: Args) -> anyhow::Result<()> {
    use anyhow::Context;
    let gid = args.group.as_deref().map(server::group_id).transpose()?;
    // systemd socket activation (LISTEN_FDS): systemd made the socket and set its permissions.
    let activated = listenfd::ListenFd::from_env()
        .take_unix_listener(0)
        .context("the socket passed by systemd is not usable")?;
    let (listener, path) = match activated {
        Some(l) => (l, None),
        None => {
            let path = args.socket.unwrap_or_else(default_socket_path);
            (server::bind(&path, gid)?, Some(path))
        }
    };
    raise_open_files_limit();
    let d = Daemon::new();
    let monitor = Arc::clone(&d);
    std::thread::Builder::new()
        .name("sellod-monitor".into())
        .spawn(move || inventory::monitor(monitor))
        .context("cannot start the reader monitor")?;
    match &path {
        Some(p) => eprintln!("sellod: listening on {}", p.display()),
        None => eprintln!("sellod: listening on the socket from systemd"),
    }
    let access = server::Access {
        uid: rustix::process::geteuid().as_raw(),
        gid,
    };
    let limits = server::Limits {
        idle: std::time::Duration::from_secs(args.idle_timeout),
        request: std::time::Duration::from_secs(args.request_timeout),
    };
    server::serve(d, listener, access, limits).context("the server loop failed")
}
