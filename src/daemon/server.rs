//! The local API server: a Unix stream socket, one thread per connection plus a writer thread,
//! peer credentials checked on every connection (`SO_PEERCRED`). A connection silent for the
//! idle limit is closed unless it subscribed or owns a running job; a request begun must be
//! finished, and a response taken, within the request limit; at [`MAX_CONNECTIONS`] the
//! longest-silent idle connection makes room for a newcomer.
//!
//! Access: the daemon's own user and root always; in system mode also members of the operators'
//! group (primary or supplementary, read from `/proc/PID/status` of the peer). The socket file
//! itself is 0600 (per user) or 0660 root:group (system), in a directory only they can enter.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::protocol::{self, ApiError, ErrorCode, Op, MAX_REQUEST_BYTES};
use super::{inventory, jobs, line, Daemon, Line, OUTBOX_DEPTH};

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
    #[error("another sellod is already listening on {0}")]
    AlreadyRunning(PathBuf),
    /// IO.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// Path.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// No such group.
    #[error("no group \"{0}\" in /etc/group")]
    NoGroup(String),
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> ServerError + 'a {
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
        std::fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
        let mode = if gid.is_some() { 0o750 } else { 0o700 };
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
            .map_err(io("cannot set permissions of", dir))?;
        if let Some(g) = gid {
            std::os::unix::fs::chown(dir, None, Some(g)).map_err(io("cannot chown", dir))?;
        }
    }
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(ServerError::AlreadyRunning(path.to_owned()));
        }
        std::fs::remove_file(path).map_err(io("cannot remove the stale socket", path))?;
    }
    let listener = UnixListener::bind(path).map_err(io("cannot listen on", path))?;
    let mode = if gid.is_some() { 0o660 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(io("cannot set permissions of", path))?;
    if let Some(g) = gid {
        std::os::unix::fs::chown(path, None, Some(g)).map_err(io("cannot chown", path))?;
    }
    Ok(listener)
}

/// The user id of the peer of `stream` if it may use the API.
fn allowed(stream: &UnixStream, access: &Access) -> Option<u32> {
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

/// Connections served at once (two threads each). When all are taken, the connection silent
/// for longest (neither subscribed nor owning a running job) is closed to make room; if every
/// one is a subscriber or a job owner, the newcomer is answered `busy` and closed.
pub const MAX_CONNECTIONS: usize = 1000;

/// How long connections may stay silent (`sellod --idle-timeout`, `--request-timeout`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// No request for this long closes a connection that neither subscribed nor owns a running
    /// job.
    pub idle: Duration,
    /// A request line begun must be finished within this, and a response must leave the socket
    /// within this.
    pub request: Duration,
}

/// A live connection as the accept loop sees it.
struct Live {
    /// A handle to shut the connection down (the same socket).
    stream: UnixStream,
    /// When the client last sent a complete request (or connected).
    last: Instant,
}

/// The live connections; an entry removed when its thread ends.
#[derive(Default)]
struct Registry(Mutex<HashMap<u64, Live>>);

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Live>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn touch(&self, conn: u64) {
        if let Some(l) = self.lock().get_mut(&conn) {
            l.last = Instant::now();
        }
    }

    /// Closes the connection silent for longest that neither subscribed nor owns a running job;
    /// false when there is none.
    fn evict_idlest(&self, d: &Daemon) -> bool {
        let mut conns = self.lock();
        let mut by_age: Vec<(Instant, u64)> = conns.iter().map(|(c, l)| (l.last, *c)).collect();
        by_age.sort_unstable();
        let victim = by_age
            .into_iter()
            .map(|(_, c)| c)
            .find(|c| !d.is_subscribed(*c) && !d.jobs.owns_running(*c));
        match victim.and_then(|c| conns.remove(&c)) {
            Some(l) => {
                // Its reader sees end of stream and its thread ends.
                let _ = l.stream.shutdown(std::net::Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

/// Removes a connection from the registry when its thread ends.
struct Slot(Arc<Registry>, u64);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.lock().remove(&self.1);
    }
}

/// Accepts connections forever.
pub fn serve(d: Arc<Daemon>, listener: UnixListener, access: Access, limits: Limits) {
    let next = AtomicU64::new(1);
    let live = Arc::new(Registry::default());
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("sellod: accept: {e}");
                // EMFILE and the like: do not spin.
                std::thread::sleep(std::time::Duration::from_millis(100));
                continue;
            }
        };
        // A peer that never reads must not hold the accept loop on these one-line refusals.
        let _ = stream.set_write_timeout(Some(limits.request));
        let Some(uid) = allowed(&stream, &access) else {
            let mut s = stream;
            let e = ApiError::new(ErrorCode::Forbidden, "not allowed to use this daemon");
            let _ = writeln!(s, "{}", protocol::err(&Value::Null, &e));
            continue;
        };
        let full = live.lock().len() >= MAX_CONNECTIONS;
        if full && !live.evict_idlest(&d) {
            let mut s = stream;
            let e = ApiError::new(ErrorCode::Busy, "too many connections; try again later");
            let _ = writeln!(s, "{}", protocol::err(&Value::Null, &e));
            continue;
        }
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let conn = next.fetch_add(1, Ordering::Relaxed);
        live.lock().insert(
            conn,
            Live {
                stream: handle,
                last: Instant::now(),
            },
        );
        let slot = Slot(Arc::clone(&live), conn);
        let d = Arc::clone(&d);
        let spawned = std::thread::Builder::new()
            .name(format!("sellod-conn-{conn}"))
            .spawn(move || {
                let slot = slot;
                connection(d, conn, uid, stream, limits, &slot)
            });
        if let Err(e) = spawned {
            eprintln!("sellod: cannot start a connection thread: {e}");
        }
    }
}

/// A request line being read; kept across read timeouts. Its bytes are wiped when dropped
/// (a request may hold a secret).
#[derive(Default)]
struct Partial {
    buf: zeroize::Zeroizing<Vec<u8>>,
    too_long: bool,
    /// When its first byte came.
    since: Option<Instant>,
}

/// Reads one line of at most `max` bytes. `Ok(None)` at end of stream; an overlong line is
/// consumed up to its newline and reported as `Err(TooLarge)` without being buffered whole. A
/// read error (a timeout) leaves what was read of the line in `partial` for the next call.
fn read_line(
    r: &mut impl BufRead,
    max: usize,
    partial: &mut Partial,
) -> std::io::Result<Option<Result<Vec<u8>, ()>>> {
    let result = read_line_into(r, max, partial);
    if result.is_ok() {
        *partial = Partial::default();
    }
    result
}

fn read_line_into(
    r: &mut impl BufRead,
    max: usize,
    partial: &mut Partial,
) -> std::io::Result<Option<Result<Vec<u8>, ()>>> {
    let Partial {
        buf,
        too_long,
        since,
    } = partial;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if buf.is_empty() && !*too_long {
                None
            } else if *too_long {
                Some(Err(()))
            } else {
                Some(Ok(std::mem::take(&mut **buf)))
            });
        }
        since.get_or_insert_with(Instant::now);
        let (part, done, found) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (&chunk[..i], i + 1, true),
            None => (chunk, chunk.len(), false),
        };
        if !*too_long {
            if buf.len() + part.len() > max {
                *too_long = true;
                zeroize::Zeroize::zeroize(&mut **buf);
            } else {
                buf.extend_from_slice(part);
            }
        }
        r.consume(done);
        if found {
            return Ok(Some(if *too_long {
                Err(())
            } else {
                Ok(std::mem::take(&mut **buf))
            }));
        }
    }
}

/// Whether a read error is the socket's receive timeout.
fn timed_out(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

fn connection(
    d: Arc<Daemon>,
    conn: u64,
    uid: u32,
    stream: UnixStream,
    limits: Limits,
    slot: &Slot,
) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    // A client that stops taking responses off the socket is dropped after this.
    if write_half.set_write_timeout(Some(limits.request)).is_err() {
        return;
    }
    let (out, rx) = sync_channel::<Line>(OUTBOX_DEPTH);
    let writer = std::thread::Builder::new()
        .name(format!("sellod-write-{conn}"))
        .spawn(move || {
            let mut w = std::io::BufWriter::new(write_half);
            while let Ok(l) = rx.recv() {
                let mut ok = w.write_all(l.as_bytes()).and_then(|_| w.write_all(b"\n"));
                // Lines meant for this connection alone (a generated PUK) are wiped after use.
                if let Ok(mut own) = Arc::try_unwrap(l) {
                    zeroize::Zeroize::zeroize(&mut own);
                }
                // Flush when the queue is drained, so bursts go out in few writes.
                if ok.is_ok() {
                    ok = w.flush();
                }
                if ok.is_err() {
                    break;
                }
            }
            // Unblocks the reader if the client stopped reading.
            let _ = w.get_ref().shutdown(std::net::Shutdown::Both);
        });
    if writer.is_err() {
        return;
    }
    let mut reader = BufReader::new(stream);
    let mut go: Option<jobs::Go> = None;
    let mut partial = Partial::default();
    loop {
        // Between requests the idle limit applies; inside one, the request limit.
        let wait = match partial.since {
            None => limits.idle,
            Some(t) => limits.request.saturating_sub(t.elapsed()),
        };
        if wait.is_zero() || reader.get_ref().set_read_timeout(Some(wait)).is_err() {
            break;
        }
        let answer = match read_line(&mut reader, MAX_REQUEST_BYTES, &mut partial) {
            Err(e) if timed_out(&e) => {
                // A silent subscriber or job owner is waiting for events, not idle.
                if partial.since.is_none() && (d.is_subscribed(conn) || d.jobs.owns_running(conn)) {
                    continue;
                }
                break;
            }
            Ok(None) | Err(_) => break,
            Ok(Some(Err(()))) => protocol::err(
                &Value::Null,
                &ApiError::new(
                    ErrorCode::TooLarge,
                    format!("request longer than {MAX_REQUEST_BYTES} bytes"),
                ),
            ),
            Ok(Some(Ok(bytes))) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(Some(Ok(mut bytes))) => match parse_and_wipe(&mut bytes) {
                Err((id, e)) => protocol::err(&id, &e),
                Ok(req) => {
                    let id = req.id.clone();
                    // A bug in a handler answers this request with an error, nothing more.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        handle(&d, conn, uid, &out, req.op, &mut go)
                    }));
                    match r {
                        Ok(Ok(v)) => protocol::ok(&id, v),
                        Ok(Err(e)) => protocol::err(&id, &e),
                        Err(_) => protocol::err(
                            &id,
                            &ApiError::new(ErrorCode::BadRequest, "internal error"),
                        ),
                    }
                }
            },
        };
        // A complete request: the connection is active (for the choice of whom to evict).
        slot.0.touch(conn);
        let sent = out.send(line(&answer));
        // A job just started may run now: its events queue up behind this response.
        if let Some(g) = go.take() {
            let _ = g.send(());
        }
        if sent.is_err() {
            break;
        }
    }
    d.unsubscribe(conn);
    d.jobs.owner_gone(conn);
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
                    ApiError::new(ErrorCode::NoReader, format!("no reader \"{reader}\""))
                })?;
                let e = inv.readers.get(&name);
                if e.and_then(|e| e.card.as_ref()).is_none() {
                    return Err(ApiError::new(
                        ErrorCode::NoCard,
                        format!("no card in \"{name}\""),
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

    #[test]
    fn lines_are_bounded() {
        let data = b"short\nxxxxxxxxxxxxxxxxxxxx\nok\nend";
        let mut r = BufReader::with_capacity(4, &data[..]);
        let mut p = Partial::default();
        assert_eq!(
            read_line(&mut r, 8, &mut p).expect("io"),
            Some(Ok(b"short".to_vec()))
        );
        assert_eq!(read_line(&mut r, 8, &mut p).expect("io"), Some(Err(())));
        assert_eq!(
            read_line(&mut r, 8, &mut p).expect("io"),
            Some(Ok(b"ok".to_vec()))
        );
        assert_eq!(
            read_line(&mut r, 8, &mut p).expect("io"),
            Some(Ok(b"end".to_vec()))
        );
        assert_eq!(read_line(&mut r, 8, &mut p).expect("io"), None);
    }
}
