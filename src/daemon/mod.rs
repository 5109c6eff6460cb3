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
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use serde_json::Value;

use crate::enroll::journal::JournalStore;
use crate::tr;

/// The daemon's own language, from its environment (`LC_ALL`, `LC_MESSAGES`, `LANG`): its log
/// lines (read by administrators in the journal), its desktop notifications and the texts it
/// keeps for every client (the inventory) are in it, whatever language a thread is answering a
/// client in.
pub fn daemon_language() -> &'static str {
    static LANGUAGE: OnceLock<&'static str> = OnceLock::new();
    LANGUAGE.get_or_init(|| {
        crate::i18n::chain_for(crate::i18n::from_env().as_ref())
            .first()
            .copied()
            .unwrap_or(crate::i18n::FALLBACK)
    })
}

/// The language a client asks for in a request's `lang` (a BCP 47 tag or a POSIX locale name),
/// as the tag of the messages it gets: `es_ES.UTF-8` gives `es`, anything unknown `en`. A
/// `&'static str` from a short fixed list, so a connection can keep it at no cost.
pub fn client_language(tag: &str) -> &'static str {
    crate::i18n::chain_for(crate::i18n::parse_locale(tag).as_ref())
        .first()
        .copied()
        .unwrap_or(crate::i18n::FALLBACK)
}

/// Runs `f` with this thread's messages in `lang` (a client's, from [`client_language`]); with
/// `None` (a client that did not say) in the thread's current language, the daemon's.
pub fn in_language<R>(lang: Option<&'static str>, f: impl FnOnce() -> R) -> R {
    match lang {
        Some(l) => crate::i18n::with_language(l, f),
        None => f(),
    }
}

/// Runs `f` in the daemon's own language ([`daemon_language`]).
pub fn in_daemon_language<R>(f: impl FnOnce() -> R) -> R {
    crate::i18n::with_language(daemon_language(), f)
}

/// Writes one log line (standard error: the journal under systemd) in the daemon's language,
/// also from a thread that serves a client in another one.
pub(crate) fn log(text: impl FnOnce() -> String) {
    eprintln!("sellod: {}", in_daemon_language(text));
}

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
                log(|| tr!("daemon-log-cannot-wake", error = e.to_string()));
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

/// A connection that asked for events.
struct Subscriber {
    conn: u64,
    out: Outbox,
    /// The language it subscribed in: events worded for people ([`Daemon::publish_localized`])
    /// reach it in that language.
    lang: &'static str,
}

/// The daemon's shared state.
pub struct Daemon {
    inventory: Mutex<inventory::Inventory>,
    subscribers: Mutex<Vec<Subscriber>>,
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

    /// Adds a subscriber, in the language this thread answers it in (its request's).
    pub fn subscribe(&self, conn: u64, out: Outbox) {
        let lang = crate::i18n::current();
        lock(&self.subscribers).push(Subscriber { conn, out, lang });
    }

    /// Whether a connection subscribed to events (a silent subscriber is not idle).
    pub fn is_subscribed(&self, conn: u64) -> bool {
        lock(&self.subscribers).iter().any(|s| s.conn == conn)
    }

    /// Removes a connection's subscription.
    pub fn unsubscribe(&self, conn: u64) {
        lock(&self.subscribers).retain(|s| s.conn != conn);
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
        self.send_to_subscribers(except, |_| Arc::clone(&l));
    }

    /// Sends an event worded for people to every subscriber in its own language: `make` builds
    /// it once per language among the subscribers, with the messages in that language.
    pub fn publish_localized(&self, make: impl Fn() -> Value) {
        let mut made: Vec<(&'static str, Line)> = Vec::new();
        self.send_to_subscribers(None, |lang| {
            if let Some((_, l)) = made.iter().find(|(t, _)| *t == lang) {
                return Arc::clone(l);
            }
            let l = line(&crate::i18n::with_language(lang, &make));
            made.push((lang, Arc::clone(&l)));
            l
        });
    }

    /// Queues `line_for(subscriber's language)` for every subscriber but `except`; one whose
    /// queue is full is dropped.
    fn send_to_subscribers(
        &self,
        except: Option<u64>,
        mut line_for: impl FnMut(&'static str) -> Line,
    ) {
        lock(&self.subscribers).retain(|s| {
            if Some(s.conn) == except {
                return true;
            }
            match s.out.try_send(line_for(s.lang)) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    let c = s.conn;
                    log(|| tr!("daemon-log-subscriber-dropped", conn = c.to_string()));
                    s.out.close();
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
        log(|| tr!("daemon-log-core-dumps", error = e.to_string()));
        return std::process::ExitCode::FAILURE;
    }
    let args = crate::i18n::help::parse(<Args as clap::CommandFactory>::command);
    match run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            log(|| format!("{e:#}"));
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
            log(|| tr!("daemon-log-open-files", error = e.to_string()));
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
        .with_context(|| tr!("daemon-systemd-socket-unusable"))?;
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
        .with_context(|| tr!("daemon-cannot-start-monitor"))?;
    match &path {
        Some(p) => log(|| tr!("daemon-log-listening", path = p.display().to_string())),
        None => log(|| tr!("daemon-log-listening-systemd")),
    }
    let access = server::Access {
        uid: rustix::process::geteuid().as_raw(),
        gid,
    };
    let limits = server::Limits {
        idle: std::time::Duration::from_secs(args.idle_timeout),
        request: std::time::Duration::from_secs(args.request_timeout),
    };
    server::serve(d, listener, access, limits).with_context(|| tr!("daemon-server-loop-failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_languages_are_the_message_files_tags() {
        assert_eq!(client_language("ca_ES.UTF-8@valencia"), "ca-valencia");
        assert_eq!(client_language("ca-ES-valencia"), "ca-valencia");
        assert_eq!(client_language("es_MX"), "es");
        assert_eq!(client_language("de_DE.UTF-8"), "en");
        assert_eq!(client_language("C.UTF-8"), "en");
        assert_eq!(client_language(&"x".repeat(10_000)), "en");
        // No language asked: the thread's own.
        let tag = crate::i18n::with_language("es", || in_language(None, crate::i18n::current));
        assert_eq!(tag, "es");
        let tag = crate::i18n::with_language("es", || {
            in_language(Some("ca-valencia"), || {
                (
                    crate::i18n::current(),
                    in_daemon_language(crate::i18n::current),
                )
            })
        });
        assert_eq!(tag, ("ca-valencia", daemon_language()));
    }
}
