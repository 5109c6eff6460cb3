//! The local API server: a Unix stream socket served by one event loop (mio: epoll, non-blocking
//! sockets, an eventfd waker), peer credentials checked on every connection (`SO_PEERCRED`).
//!
//! Each connection has a read buffer (one request line, at most [`MAX_REQUEST_BYTES`]) and a
//! write queue (bounded: past [`QUEUE_HIGH`] bytes the loop stops reading the connection's
//! requests and taking lines from its [`Outbox`], which then fills up). Jobs and the event
//! broadcaster push lines into outboxes and wake the loop; requests that read a card run on a
//! few worker threads and their answers come back the same way. A connection handles one
//! request at a time, so responses keep the order of the requests.
//!
//! Timers come from the loop's clock: a connection silent for the idle limit is closed unless
//! it subscribed or owns a running job; a request begun must be finished, and queued lines must
//! move, within the request limit; at [`MAX_CONNECTIONS`] the longest-silent idle connection
//! makes room for a newcomer.
//!
//! Access: the daemon's own user and root always; in system mode also members of the operators'
//! group (primary or supplementary, read from `/proc/PID/status` of the peer). The socket file
//! itself is 0600 (per user) or 0660 root:group (system), in a directory only they can enter.

use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, IoSlice, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token, Waker};
use serde_json::{json, Value};
use zeroize::{Zeroize, Zeroizing};

use super::protocol::{self, ApiError, ErrorCode, Op, MAX_REQUEST_BYTES};
use super::{in_language, inventory, jobs, line, lock, log, Daemon, Line, Notice, Outbox, Wake};
use crate::tr;

/// Who may connect.
#[derive(Debug, Clone)]
pub struct Access {
    /// The daemon's user id (always allowed, as is root).
    pub uid: u32,
    /// An operators' group whose members are allowed too.
    pub gid: Option<u32>,
}

/// Errors setting up the socket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// Another daemon answers on the socket.
    #[error("{}", tr!("daemon-already-running", path = .0.display().to_string()))]
    AlreadyRunning(PathBuf),
    /// IO.
    #[error("{}", io_text(*.what, .path, .source))]
    Io {
        /// What was being done.
        what: SocketStep,
        /// Path.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// No such group.
    #[error("{}", tr!("daemon-no-group", group = .0.as_str()))]
    NoGroup(String),
}

/// What [`bind`] was doing when the file system said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketStep {
    /// Creating the socket's directory.
    CreateDir,
    /// Setting the permissions of the directory or the socket.
    SetPermissions,
    /// Giving the directory or the socket to the operators' group.
    Chown,
    /// Removing a socket file nobody answers on.
    RemoveStale,
    /// Listening.
    Listen,
}

fn io_text(what: SocketStep, path: &Path, source: &std::io::Error) -> String {
    let (path, error) = (path.display().to_string(), source.to_string());
    match what {
        SocketStep::CreateDir => tr!("daemon-cannot-create-dir", path = path, error = error),
        SocketStep::SetPermissions => {
            tr!("daemon-cannot-set-permissions", path = path, error = error)
        }
        SocketStep::Chown => tr!("daemon-cannot-chown", path = path, error = error),
        SocketStep::RemoveStale => tr!("daemon-cannot-remove-stale", path = path, error = error),
        SocketStep::Listen => tr!("daemon-cannot-listen", path = path, error = error),
    }
}

fn io(what: SocketStep, path: &Path) -> impl FnOnce(std::io::Error) -> ServerError + '_ {
    move |source| ServerError::Io {
        what,
        path: path.to_owned(),
        source,
    }
}

/// The gid of a group (from `/etc/group`; no NSS, like most daemons' configuration).
pub fn group_id(name: &str) -> Result<u32, ServerError> {
    let text = std::fs::read_to_string("/etc/group").unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let n = f.next()?;
            let gid = f.nth(1)?.parse().ok()?;
            (n == name).then_some(gid)
        })
        .next()
        .ok_or_else(|| ServerError::NoGroup(name.to_owned()))
}

/// Creates the socket at `path`: parent directory 0700 (or 0750 with a group), socket 0600 (or
/// 0660 with the group). A stale socket file (nobody answering) is replaced.
pub fn bind(path: &Path, gid: Option<u32>) -> Result<UnixListener, ServerError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(SocketStep::CreateDir, dir))?;
        let mode = if gid.is_some() { 0o750 } else { 0o700 };
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
            .map_err(io(SocketStep::SetPermissions, dir))?;
        if let Some(g) = gid {
            std::os::unix::fs::chown(dir, None, Some(g)).map_err(io(SocketStep::Chown, dir))?;
        }
    }
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(ServerError::AlreadyRunning(path.to_owned()));
        }
        std::fs::remove_file(path).map_err(io(SocketStep::RemoveStale, path))?;
    }
    let listener = UnixListener::bind(path).map_err(io(SocketStep::Listen, path))?;
    let mode = if gid.is_some() { 0o660 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(io(SocketStep::SetPermissions, path))?;
    if let Some(g) = gid {
        std::os::unix::fs::chown(path, None, Some(g)).map_err(io(SocketStep::Chown, path))?;
    }
    Ok(listener)
}

/// The user id of the peer of `stream` if it may use the API.
fn allowed(stream: impl AsFd, access: &Access) -> Option<u32> {
    let cred = rustix::net::sockopt::socket_peercred(stream).ok()?;
    let uid = cred.uid.as_raw();
    if uid == 0 || uid == access.uid {
        return Some(uid);
    }
    let gid = access.gid?;
    if cred.gid.as_raw() == gid {
        return Some(uid);
    }
    // Supplementary groups of the peer process.
    let status = std::fs::read_to_string(format!("/proc/{}/status", cred.pid.as_raw_nonzero()))
        .unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Groups:"))
        .is_some_and(|g| g.split_whitespace().any(|x| x.parse() == Ok(gid)))
        .then_some(uid)
}

/// Connections served at once. When all are taken, the connection silent for longest (neither
/// subscribed nor owning a running job) is closed to make room; if every one is a subscriber or
/// a job owner, the newcomer is answered `busy` and closed.
pub const MAX_CONNECTIONS: usize = 1000;

/// Bytes queued for a connection past which the loop stops reading its requests and taking
/// lines from its outbox, until the client takes some off the socket.
pub const QUEUE_HIGH: usize = 256 * 1024;

/// Worker threads for requests that read a card (`card-status` with `refresh`).
const WORKERS: usize = 4;

/// Bytes read from a socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// Reads from one connection before the loop turns to the others (a client that never stops
/// sending cannot keep the loop to itself).
const READS_PER_TURN: usize = 16;

/// Lines handed to the kernel in one write.
const WRITE_BATCH: usize = 64;

/// How long to wait before accepting again after `accept` failed (out of descriptors).
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// Connection ids double as their tokens; they are never reused.
const FIRST_CONN: u64 = 2;

/// How long connections may stay silent (`sellod --idle-timeout`, `--request-timeout`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// No request for this long closes a connection that neither subscribed nor owns a running
    /// job.
    pub idle: Duration,
    /// A request line begun must be finished within this, and queued lines must start leaving
    /// the socket within this.
    pub request: Duration,
}

/// What the read buffer yields.
#[derive(Debug, PartialEq, Eq)]
enum Input {
    /// A complete request line (without its newline), wiped when dropped.
    Line(Zeroizing<Vec<u8>>),
    /// A line longer than [`MAX_REQUEST_BYTES`] (consumed up to its newline, never kept whole).
    TooLarge,
}

/// A connection's read buffer: at most one line being assembled plus one read's worth. Its
/// bytes are wiped when dropped or moved (a request may hold a secret).
#[derive(Default)]
struct Lines {
    buf: Zeroizing<Vec<u8>>,
    /// The line being read is too long: its bytes are dropped up to its newline.
    too_long: bool,
}

impl Lines {
    /// Appends bytes read from the socket; a growing buffer never leaves a copy behind.
    fn feed(&mut self, bytes: &[u8]) {
        if self.buf.capacity() - self.buf.len() < bytes.len() {
            let want = (self.buf.len() + bytes.len()).next_power_of_two();
            let mut bigger = Zeroizing::new(Vec::with_capacity(want));
            bigger.extend_from_slice(&self.buf);
            // The old allocation is wiped as it drops.
            self.buf = bigger;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Whether nothing is buffered.
    fn is_empty(&self) -> bool {
        self.buf.is_empty() && !self.too_long
    }

    /// The next input; at end of stream (`eof`) also an unterminated last line.
    fn next(&mut self, eof: bool, max: usize) -> Option<Input> {
        let end = match self.buf.iter().position(|b| *b == b'\n') {
            Some(i) => i,
            None if eof && !self.is_empty() => self.buf.len(),
            None => {
                if self.buf.len() > max {
                    self.too_long = true;
                    self.buf.zeroize();
                }
                return None;
            }
        };
        let line = if self.too_long || end > max {
            Input::TooLarge
        } else {
            Input::Line(Zeroizing::new(self.buf[..end].to_vec()))
        };
        self.too_long = false;
        let consumed = (end + 1).min(self.buf.len());
        self.buf.drain(..consumed);
        Some(line)
    }
}

/// One connection as the loop holds it.
struct Conn {
    stream: mio::net::UnixStream,
    uid: u32,
    /// The language the client last asked for (`lang`); `None`: the daemon's.
    lang: Option<&'static str>,
    /// Jobs and the broadcaster push here; `rx` is the loop's end.
    out: Outbox,
    rx: Receiver<Line>,
    lines: Lines,
    /// When the request being read began (its first byte).
    line_since: Option<Instant>,
    /// When the client last sent a complete request (or connected): the choice of whom to
    /// evict.
    last: Instant,
    /// Start of the current idle period.
    idle_from: Instant,
    /// Lines to write, the first `written` bytes of the first (counting its newline) already
    /// sent.
    queue: VecDeque<Line>,
    queued: usize,
    written: usize,
    /// When the queue last moved (or became non-empty).
    write_since: Instant,
    /// The socket may have bytes to read (readiness is edge-triggered).
    readable: bool,
    /// The client shut its side down: answer what it sent, then close.
    eof: bool,
    /// Its turn ended with bytes perhaps still unread: serve it again next round.
    more: bool,
    /// A worker is handling this connection's request.
    at_worker: bool,
}

impl Drop for Conn {
    fn drop(&mut self) {
        // Lines meant for this connection alone (a generated PUK) are wiped.
        for l in self.queue.drain(..).chain(self.rx.try_iter()) {
            wipe(l);
        }
    }
}

/// Wipes a line if nobody else holds it (a line sent to one connection only).
fn wipe(l: Line) {
    if let Ok(mut own) = Arc::try_unwrap(l) {
        own.zeroize();
    }
}

/// What a connection needs from the server while it is served.
struct Ctx<'a> {
    d: &'a Arc<Daemon>,
    workers: &'a Workers,
    conn: u64,
}

impl Conn {
    fn new(stream: mio::net::UnixStream, uid: u32, out: Outbox, rx: Receiver<Line>) -> Self {
        let now = Instant::now();
        Self {
            stream,
            uid,
            lang: None,
            out,
            rx,
            lines: Lines::default(),
            line_since: None,
            last: now,
            idle_from: now,
            queue: VecDeque::new(),
            queued: 0,
            written: 0,
            write_since: now,
            readable: true,
            eof: false,
            more: false,
            at_worker: false,
        }
    }

    /// Whether the connection may take another request now.
    fn ready_for_request(&self) -> bool {
        !self.at_worker && self.queued < QUEUE_HIGH
    }

    fn push(&mut self, l: Line) {
        if self.queue.is_empty() {
            self.write_since = Instant::now();
        }
        self.queued += l.len() + 1;
        self.queue.push_back(l);
    }

    /// Moves lines from the outbox to the write queue while it has room.
    fn take_outbox(&mut self) {
        while self.queued < QUEUE_HIGH {
            match self.rx.try_recv() {
                Ok(l) => self.push(l),
                Err(_) => break,
            }
        }
    }

    /// Does what can be done without blocking: requests, reads, writes. False when the
    /// connection is to be closed.
    fn serve(&mut self, ctx: &Ctx<'_>) -> bool {
        loop {
            if !self.requests(ctx) {
                return false;
            }
            self.take_outbox();
            match self.flush() {
                // Room was made: more requests and outbox lines may fit now.
                Ok(n) if n > 0 => continue,
                Ok(_) => break,
                Err(_) => return false,
            }
        }
        // After end of stream: close once everything asked is answered and sent.
        !(self.eof && !self.at_worker && self.lines.is_empty() && self.queue.is_empty())
    }

    /// Handles buffered requests and reads more while the connection may take them. False on a
    /// read error.
    fn requests(&mut self, ctx: &Ctx<'_>) -> bool {
        let mut reads = 0;
        while self.ready_for_request() {
            if let Some(input) = self.lines.next(self.eof, MAX_REQUEST_BYTES) {
                self.line_since = (!self.lines.is_empty()).then(Instant::now);
                self.request(input, ctx);
                continue;
            }
            if self.eof || !self.readable {
                break;
            }
            if reads == READS_PER_TURN {
                self.more = true;
                break;
            }
            reads += 1;
            let mut chunk = Zeroizing::new([0u8; READ_CHUNK]);
            match (&self.stream).read(&mut chunk[..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    if self.lines.is_empty() {
                        self.line_since = Some(Instant::now());
                    }
                    self.lines.feed(&chunk[..n]);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.readable = false,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Answers one request, or hands it to a worker when it reads a card. Its human texts are
    /// in the language the request (or an earlier one on this connection) asked for.
    fn request(&mut self, input: Input, ctx: &Ctx<'_>) {
        let mut bytes = match input {
            Input::TooLarge => {
                let e = in_language(self.lang, || {
                    ApiError::new(
                        ErrorCode::TooLarge,
                        tr!("daemon-request-too-large", max = MAX_REQUEST_BYTES),
                    )
                });
                self.push(line(&protocol::err(&Value::Null, &e)));
                self.touch();
                return;
            }
            // A blank line (a keep-alive) restarts the idle period, nothing more.
            Input::Line(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
                self.idle_from = Instant::now();
                return;
            }
            Input::Line(bytes) => bytes,
        };
        let req = match in_language(self.lang, || parse_and_wipe(&mut bytes)) {
            Ok(req) => req,
            Err((id, e)) => {
                self.push(line(&protocol::err(&id, &e)));
                self.touch();
                return;
            }
        };
        if let Some(tag) = &req.lang {
            self.lang = Some(super::client_language(tag));
        }
        let lang = self.lang;
        if reads_card(&req.op) {
            let (d, conn, uid, out) = (Arc::clone(ctx.d), ctx.conn, self.uid, self.out.clone());
            let task = Box::new(move || {
                let a = in_language(lang, || answer(&d, conn, uid, &out, req, &mut None));
                out.answer(line(&a));
            });
            if ctx.workers.run(task).is_ok() {
                self.at_worker = true;
                self.touch();
                return;
            }
            let e = in_language(lang, || {
                ApiError::new(ErrorCode::Busy, tr!("daemon-no-worker"))
            });
            self.push(line(&protocol::err(&Value::Null, &e)));
        } else {
            let mut go = None;
            let a = in_language(lang, || {
                answer(ctx.d, ctx.conn, self.uid, &self.out, req, &mut go)
            });
            self.push(line(&a));
            // A job just started may run now: its events queue up behind this response.
            if let Some(g) = go {
                let _ = g.send(());
            }
        }
        self.touch();
    }

    /// A complete request: the connection is active.
    fn touch(&mut self) {
        let now = Instant::now();
        self.last = now;
        self.idle_from = now;
    }

    /// A worker's answer to this connection's request.
    fn answered(&mut self, l: Line) {
        self.at_worker = false;
        self.push(l);
        self.touch();
        if !self.lines.is_empty() {
            self.line_since = Some(Instant::now());
        }
    }

    /// Writes queued lines until the socket is full; the bytes written.
    fn flush(&mut self) -> std::io::Result<usize> {
        let mut total = 0;
        while !self.queue.is_empty() {
            let mut slices = Vec::with_capacity(2 * WRITE_BATCH);
            for (i, l) in self.queue.iter().take(WRITE_BATCH).enumerate() {
                let b = l.as_bytes();
                let from = if i == 0 { self.written.min(b.len()) } else { 0 };
                if from < b.len() {
                    slices.push(IoSlice::new(&b[from..]));
                }
                slices.push(IoSlice::new(b"\n"));
            }
            match (&self.stream).write_vectored(&slices) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => {
                    total += n;
                    self.sent(n);
                    self.write_since = Instant::now();
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    /// Drops what `n` written bytes covered from the queue.
    fn sent(&mut self, mut n: usize) {
        self.queued = self.queued.saturating_sub(n);
        while n > 0 {
            let Some(front) = self.queue.front() else {
                break;
            };
            let rest = front.len() + 1 - self.written;
            if n < rest {
                self.written += n;
                break;
            }
            n -= rest;
            self.written = 0;
            if let Some(l) = self.queue.pop_front() {
                wipe(l);
            }
        }
    }

    /// When the loop must look at this connection again (a limit runs out).
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let write = (!self.queue.is_empty()).then(|| self.write_since + limits.request);
        let waiting = self.ready_for_request();
        let read = match self.line_since {
            Some(t) if waiting => Some(t + limits.request),
            None if waiting && !self.eof => Some(self.idle_from + limits.idle),
            _ => None,
        };
        match (write, read) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Whether a request talks to the card (so it runs on a worker, not on the loop).
fn reads_card(op: &Op) -> bool {
    matches!(op, Op::CardStatus { refresh: true, .. })
}

/// A request's response; a bug in a handler answers this request with an error, nothing more.
fn answer(
    d: &Arc<Daemon>,
    conn: u64,
    uid: u32,
    out: &Outbox,
    req: protocol::Request,
    go: &mut Option<jobs::Go>,
) -> Value {
    let id = req.id;
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handle(d, conn, uid, out, req.op, go)
    }));
    match r {
        Ok(Ok(v)) => protocol::ok(&id, v),
        Ok(Err(e)) => protocol::err(&id, &e),
        Err(_) => protocol::err(
            &id,
            &ApiError::new(ErrorCode::BadRequest, tr!("daemon-internal-error")),
        ),
    }
}

type Task = Box<dyn FnOnce() + Send>;

/// A fixed pool of threads for requests that block on a card.
struct Workers(mpsc::Sender<Task>);

impl Workers {
    fn start(n: usize) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Task>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..n {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("sellod-worker-{i}"))
                .spawn(move || loop {
                    let task = lock(&rx).recv();
                    match task {
                        Ok(t) => t(),
                        Err(_) => return,
                    }
                })?;
        }
        Ok(Self(tx))
    }

    fn run(&self, t: Task) -> Result<(), mpsc::SendError<Task>> {
        self.0.send(t)
    }
}

/// Writes a one-line refusal to a connection being turned away (a fresh socket has room for
/// it; a peer that never reads cannot hold the loop).
fn refuse(stream: &mio::net::UnixStream, code: ErrorCode, msg: &str) {
    let l = format!(
        "{}\n",
        protocol::err(&Value::Null, &ApiError::new(code, msg))
    );
    let _ = (&*stream).write(l.as_bytes());
}

/// The event loop and everything it serves.
struct Server {
    d: Arc<Daemon>,
    access: Access,
    limits: Limits,
    poll: Poll,
    listener: mio::net::UnixListener,
    wake: Arc<Wake>,
    workers: Workers,
    conns: HashMap<u64, Conn>,
    next: u64,
    accept_retry: Option<Instant>,
    /// Connections whose turn ended before their socket was drained.
    again: Vec<u64>,
}

/// Serves the API on `listener` until the loop itself fails.
pub fn serve(
    d: Arc<Daemon>,
    listener: UnixListener,
    access: Access,
    limits: Limits,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = mio::net::UnixListener::from_std(listener);
    let poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let wake = Arc::new(Wake::new(Waker::new(poll.registry(), WAKER)?));
    let mut s = Server {
        d,
        access,
        limits,
        poll,
        listener,
        wake,
        workers: Workers::start(WORKERS)?,
        conns: HashMap::new(),
        next: FIRST_CONN,
        accept_retry: None,
        again: Vec::new(),
    };
    let mut events = Events::with_capacity(1024);
    loop {
        let timeout = if s.again.is_empty() {
            s.next_deadline()
                .map(|t| t.saturating_duration_since(Instant::now()))
        } else {
            Some(Duration::ZERO)
        };
        if let Err(e) = s.poll.poll(&mut events, timeout) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for ev in events.iter() {
            match ev.token() {
                LISTENER => s.accept_all(),
                WAKER => {}
                Token(t) => {
                    let conn = t as u64;
                    if let Some(c) = s.conns.get_mut(&conn) {
                        if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                            c.readable = true;
                        }
                    }
                    s.pump(conn);
                }
            }
        }
        s.notices();
        for conn in std::mem::take(&mut s.again) {
            s.pump(conn);
        }
        s.expire(Instant::now());
    }
}

impl Server {
    /// Serves one connection as far as it goes without blocking; closes it if it is done.
    fn pump(&mut self, conn: u64) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let ctx = Ctx {
            d: &self.d,
            workers: &self.workers,
            conn,
        };
        c.more = false;
        if !c.serve(&ctx) {
            self.close(conn);
        } else if c.more {
            self.again.push(conn);
        }
    }

    fn close(&mut self, conn: u64) {
        if let Some(mut c) = self.conns.remove(&conn) {
            let _ = self.poll.registry().deregister(&mut c.stream);
            drop(c);
            self.d.unsubscribe(conn);
            self.d.jobs.owner_gone(conn);
        }
    }

    /// What jobs, the broadcaster and the workers left for connections.
    fn notices(&mut self) {
        for (conn, n) in self.wake.take() {
            match n {
                Notice::Lines => self.pump(conn),
                Notice::Close => self.close(conn),
                Notice::Answer(l) => {
                    if let Some(c) = self.conns.get_mut(&conn) {
                        c.answered(l);
                    }
                    self.pump(conn);
                }
            }
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.conns
            .values()
            .filter_map(|c| c.deadline(&self.limits))
            .chain(self.accept_retry)
            .min()
    }

    /// Closes the connections whose limits ran out; a silent subscriber or job owner is waiting
    /// for events, not idle, and starts a new idle period.
    fn expire(&mut self, now: Instant) {
        if self.accept_retry.is_some_and(|t| t <= now) {
            self.accept_all();
        }
        let due: Vec<u64> = self
            .conns
            .iter()
            .filter(|(_, c)| c.deadline(&self.limits).is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        for conn in due {
            let Some(c) = self.conns.get_mut(&conn) else {
                continue;
            };
            let writing = !c.queue.is_empty() && c.write_since + self.limits.request <= now;
            let idle = !writing && c.line_since.is_none();
            if idle && (self.d.is_subscribed(conn) || self.d.jobs.owns_running(conn)) {
                c.idle_from = now;
            } else {
                self.close(conn);
            }
        }
    }

    fn accept_all(&mut self) {
        self.accept_retry = None;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // EMFILE and the like: try again a little later, from the loop's clock.
                    log(|| tr!("daemon-log-accept", error = e.to_string()));
                    self.accept_retry = Some(Instant::now() + ACCEPT_RETRY);
                    return;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: mio::net::UnixStream) {
        let Some(uid) = allowed(&stream, &self.access) else {
            // Before any request, so in the daemon's language.
            refuse(&stream, ErrorCode::Forbidden, &tr!("daemon-not-allowed"));
            return;
        };
        if self.conns.len() >= MAX_CONNECTIONS && !self.evict_idlest() {
            refuse(
                &stream,
                ErrorCode::Busy,
                &tr!("daemon-too-many-connections"),
            );
            return;
        }
        let conn = self.next;
        self.next += 1;
        let token = Token(conn as usize);
        let registered = self.poll.registry().register(
            &mut stream,
            token,
            Interest::READABLE | Interest::WRITABLE,
        );
        if let Err(e) = registered {
            log(|| tr!("daemon-log-cannot-watch", error = e.to_string()));
            return;
        }
        let (out, rx) = Outbox::new(conn, Arc::clone(&self.wake));
        self.conns.insert(conn, Conn::new(stream, uid, out, rx));
        self.pump(conn);
    }

    /// Closes the connection silent for longest that neither subscribed nor owns a running job;
    /// false when there is none.
    fn evict_idlest(&mut self) -> bool {
        let mut by_age: Vec<(Instant, u64)> =
            self.conns.iter().map(|(c, l)| (l.last, *c)).collect();
        by_age.sort_unstable();
        let victim = by_age
            .into_iter()
            .map(|(_, c)| c)
            .find(|c| !self.d.is_subscribed(*c) && !self.d.jobs.owns_running(*c));
        match victim {
            Some(c) => {
                self.close(c);
                true
            }
            None => false,
        }
    }
}

/// Parses a request line, then wipes it (it may hold a secret).
fn parse_and_wipe(bytes: &mut Vec<u8>) -> Result<protocol::Request, (Value, ApiError)> {
    use zeroize::Zeroize;
    let r = protocol::parse(bytes);
    bytes.zeroize();
    r
}

fn handle(
    d: &Arc<Daemon>,
    conn: u64,
    uid: u32,
    out: &super::Outbox,
    op: Op,
    go: &mut Option<jobs::Go>,
) -> Result<Value, ApiError> {
    match op {
        Op::Hello => Ok(json!({
            "daemon": "sellod",
            "version": env!("CARGO_PKG_VERSION"),
            "protocol": protocol::PROTOCOL_VERSION,
            // The language this connection's texts come in (absent from older daemons, which
            // ignore `lang`).
            "lang": crate::i18n::current(),
        })),
        Op::ListCards => {
            let inv = d.inventory();
            let readers: Vec<Value> = inv
                .readers
                .keys()
                .map(|r| inv.reader_json(r, d.jobs.running_on(r)))
                .collect();
            Ok(json!({ "service": inv.service, "readers": readers }))
        }
        Op::CardStatus { reader, refresh } => {
            let (name, generation) = {
                let inv = d.inventory();
                let name = inv.resolve(&reader).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::NoReader,
                        tr!("daemon-no-reader", reader = reader.as_str()),
                    )
                })?;
                let e = inv.readers.get(&name);
                if e.and_then(|e| e.card.as_ref()).is_none() {
                    return Err(ApiError::new(
                        ErrorCode::NoCard,
                        tr!("daemon-no-card", reader = name.as_str()),
                    ));
                }
                (name, e.map(|e| e.generation).unwrap_or_default())
            };
            let job = d.jobs.running_on(&name);
            if refresh && job.is_none() {
                let details = inventory::probe(d, &name);
                inventory::record(d, &name, generation, details);
            }
            Ok(d.inventory().reader_json(&name, job))
        }
        Op::StartJob { reader, job } => {
            let (v, g) = jobs::start(d, conn, uid, out.clone(), &reader, job)?;
            *go = Some(g);
            Ok(v)
        }
        Op::JobStatus { job } => d.jobs.status(job),
        Op::Cancel { job } => d.jobs.cancel(job, uid),
        Op::Subscribe => {
            d.subscribe(conn, out.clone());
            Ok(json!({ "subscribed": true }))
        }
        Op::Secret { job, name, value } => d.jobs.secret(conn, job, name, value.map(|v| v.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Option<Input> {
        Some(Input::Line(Zeroizing::new(s.as_bytes().to_vec())))
    }

    #[test]
    fn lines_are_bounded() {
        let mut l = Lines::default();
        // Fed in small pieces, as reads may come.
        for piece in [
            &b"sho"[..],
            b"rt\nxxxxxxxx",
            b"xxxxxxxxxxxx",
            b"xx\nok\nen",
            b"d",
        ] {
            l.feed(piece);
        }
        assert_eq!(l.next(false, 8), line("short"));
        // Too long: reported once its newline came, and not kept.
        assert_eq!(l.next(false, 8), Some(Input::TooLarge));
        assert_eq!(l.next(false, 8), line("ok"));
        // The last line needs its newline, or the end of the stream.
        assert_eq!(l.next(false, 8), None);
        assert_eq!(l.next(true, 8), line("end"));
        assert_eq!(l.next(true, 8), None);
        assert!(l.is_empty());
    }

    #[test]
    fn an_overlong_line_is_dropped_before_its_newline_comes() {
        let mut l = Lines::default();
        l.feed(&[b'x'; 20]);
        assert_eq!(l.next(false, 8), None);
        // Nothing of it is buffered while the rest arrives.
        assert!(l.buf.is_empty());
        l.feed(&[b'x'; 20]);
        assert_eq!(l.next(false, 8), None);
        assert!(l.buf.is_empty());
        l.feed(b"xx\n{}\n");
        assert_eq!(l.next(false, 8), Some(Input::TooLarge));
        assert_eq!(l.next(false, 8), line("{}"));
    }
}
