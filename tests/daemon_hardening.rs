//! sellod and the CLI under hostile or careless peers: silent connections are closed after the
//! (configurable) idle limit unless they subscribed; 1000 silent connections do not keep a new
//! client out, nor cost the daemon a thread each; pipelined requests are answered in order; a
//! client that never reads its responses is cut off; only the user that started a job (or root) may cancel it; and neither sellod nor
//! the CLI waiting for a secret can leave a core file (`RLIMIT_CORE` 0, not dumpable — seen from
//! outside in `/proc`). No assertion is timed: each wait is for an event (end of stream, a
//! message), with a generous watchdog only so that a failure cannot hang the suite.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod daemon_support;
mod rig;

use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use daemon_support::{wait_cards, wait_event};
use rig::ca::LocalCa;
use sello::daemon::client::Client;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::{json, Value};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
/// `nobody`/`nogroup` and the `users` group exist on every Debian system.
const NOBODY: &str = "65534";
const USERS_GID: &str = "100";
/// Only against hangs: nothing below waits for it to pass.
const WATCHDOG: Duration = Duration::from_secs(120);

/// A sellod child that is killed when dropped.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts sellod (through `setpriv`, optionally as another user) and waits until it answers.
fn sellod(cmd: Command, socket: &Path, args: &[&str], user: Option<&str>) -> Daemon {
    let mut cmd = cmd;
    cmd.args(["--pdeathsig", "KILL"]);
    if let Some(u) = user {
        cmd.args(["--reuid", u, "--regid", u, "--clear-groups"]);
    }
    let child = cmd
        .arg(daemon_support::SELLOD)
        .arg("--socket")
        .arg(socket)
        .args(args)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sellod");
    let start = Instant::now();
    while Client::connect(socket).is_err() {
        assert!(start.elapsed() < WATCHDOG, "sellod not up");
        std::thread::sleep(Duration::from_millis(50));
    }
    Daemon(child)
}

fn plain_sellod(dir: &Path, args: &[&str]) -> (Daemon, PathBuf) {
    let socket = dir.join("run/sellod.sock");
    let d = sellod(Command::new("setpriv"), &socket, args, None);
    (d, socket)
}

/// Whether the rig's card (in the first of vpcd's two readers) has been identified.
fn card_identified(readers: &[Value]) -> bool {
    readers.iter().any(|r| r["card"]["serial"].is_string())
}

/// Waits for the daemon to close `s` (end of stream); false if the watchdog fired first.
fn closed_by_daemon(s: &mut UnixStream) -> bool {
    s.set_read_timeout(Some(WATCHDOG)).expect("timeout");
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn silent_connections_are_closed_but_subscribers_are_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_d, socket) = plain_sellod(dir.path(), &["--idle-timeout", "1"]);
    // A subscriber, silent from now on: it waits for events, it is not idle.
    let mut subscriber = Client::connect(&socket).expect("connect");
    subscriber
        .call(json!({"op": "subscribe"}))
        .expect("subscribe");
    // Connected after the subscriber went silent, so silent for less time than it.
    let mut silent = UnixStream::connect(&socket).expect("connect");
    assert!(
        closed_by_daemon(&mut silent),
        "a silent connection was not closed by the daemon"
    );
    let hello = subscriber
        .call(json!({"op": "hello"}))
        .expect("subscriber kept");
    assert_eq!(hello["daemon"], "sellod");
    // A request begun and never finished is dropped too.
    let mut half = UnixStream::connect(&socket).expect("connect");
    half.write_all(br#"{"op":"hel"#).expect("write");
    assert!(closed_by_daemon(&mut half));
}

#[test]
fn a_thousand_silent_connections_do_not_keep_a_new_client_out() {
    let dir = tempfile::tempdir().expect("tmp");
    // systemd's default soft limit of open files: sellod lifts it to the hard limit itself.
    let mut limited = Command::new("prlimit");
    limited.args(["--nofile=1024:4096", "setpriv"]);
    let socket = dir.path().join("run/sellod.sock");
    let d = sellod(limited, &socket, &["--idle-timeout", "3600"], None);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", d.0.id())).expect("limits");
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("open files line");
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some("4096"),
        "{open_files}"
    );
    let mut silent: Vec<UnixStream> = (0..1000)
        .map(|i| UnixStream::connect(&socket).unwrap_or_else(|e| panic!("connection {i}: {e}")))
        .collect();
    let mut c = Client::connect(&socket).expect("connect");
    c.set_timeout(Some(WATCHDOG)).expect("timeout");
    match c.call(json!({"op": "hello"})) {
        Ok(v) => assert_eq!(v["daemon"], "sellod"),
        Err(e) => panic!("the 1001st client was not served: {e}"),
    }
    // Room was made by closing the connection silent for longest.
    assert!(closed_by_daemon(&mut silent[0]));
}

/// The `Threads:` line of `/proc/PID/status`.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads line")
}

#[test]
fn a_thousand_silent_connections_take_no_thread_each() {
    let dir = tempfile::tempdir().expect("tmp");
    let (d, socket) = plain_sellod(dir.path(), &["--idle-timeout", "3600"]);
    let mut silent: Vec<UnixStream> = (0..1000)
        .map(|i| UnixStream::connect(&socket).unwrap_or_else(|e| panic!("connection {i}: {e}")))
        .collect();
    // A subscriber among them, also silent.
    let mut subscriber = Client::connect(&socket).expect("connect");
    subscriber.set_timeout(Some(WATCHDOG)).expect("timeout");
    subscriber
        .call(json!({"op": "subscribe"}))
        .expect("subscribe");
    // Answered after every earlier connection was accepted (accept takes them in order).
    let mut c = Client::connect(&socket).expect("connect");
    c.set_timeout(Some(WATCHDOG)).expect("timeout");
    let hello = c
        .call(json!({"op": "hello"}))
        .expect("a new client is served");
    assert_eq!(hello["daemon"], "sellod");
    let n = threads(d.0.id());
    assert!(
        n < 50,
        "sellod holds 1000 silent connections with {n} threads"
    );
    // The connections are really held: the oldest silent one made room for the newest.
    assert!(closed_by_daemon(&mut silent[0]));
    let mut alive = silent.pop().expect("connection");
    alive
        .write_all(b"{\"id\":7,\"op\":\"hello\"}\n")
        .expect("write");
    let mut answer = String::new();
    alive.set_read_timeout(Some(WATCHDOG)).expect("timeout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(&alive), &mut answer).expect("read");
    let v: Value = serde_json::from_str(&answer).expect("JSON");
    assert_eq!(v["id"], 7, "{v}");
    assert_eq!(v["result"]["daemon"], "sellod", "{v}");
}

#[test]
fn pipelined_requests_are_answered_in_order_even_when_one_reads_a_card() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_d, socket) = plain_sellod(dir.path(), &[]);
    let mut s = UnixStream::connect(&socket).expect("connect");
    s.set_read_timeout(Some(WATCHDOG)).expect("timeout");
    // The first goes to a worker (it would read a card), the others are answered by the loop.
    s.write_all(
        concat!(
            r#"{"id":1,"op":"card-status","reader":"nowhere","refresh":true}"#,
            "\n",
            r#"{"id":2,"op":"hello"}"#,
            "\n",
            r#"{"id":3,"op":"list-cards"}"#,
            "\n",
        )
        .as_bytes(),
    )
    .expect("write");
    let mut r = std::io::BufReader::new(&s);
    let ids: Vec<Value> = (0..3)
        .map(|_| {
            let mut l = String::new();
            std::io::BufRead::read_line(&mut r, &mut l).expect("read");
            let v: Value = serde_json::from_str(&l).expect("JSON");
            v["id"].clone()
        })
        .collect();
    assert_eq!(ids, [json!(1), json!(2), json!(3)]);
}

#[test]
fn a_client_that_never_reads_its_responses_is_cut_off() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_d, socket) = plain_sellod(dir.path(), &["--request-timeout", "1"]);
    let s = UnixStream::connect(&socket).expect("connect");
    // Requests without end, responses never read: the daemon stops taking requests once its
    // queue for this client is full, and closes the connection when nothing moves.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = s;
        let request = b"{\"op\":\"list-cards\"}\n";
        let mut sent = 0usize;
        let e = loop {
            match s.write_all(request) {
                Ok(()) => sent += 1,
                Err(e) => break e,
            }
        };
        let _ = tx.send((sent, e.kind()));
    });
    let (sent, kind) = rx
        .recv_timeout(WATCHDOG)
        .expect("the daemon never closed it");
    assert!(
        matches!(
            kind,
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
        ),
        "{kind:?} after {sent} requests"
    );
    // The daemon is fine and still serves.
    let mut c = Client::connect(&socket).expect("connect");
    c.set_timeout(Some(WATCHDOG)).expect("timeout");
    assert_eq!(
        c.call(json!({"op": "hello"})).expect("hello")["daemon"],
        "sellod"
    );
}

#[test]
fn socket_activated_sellod_serves_on_the_socket_systemd_passes() {
    let dir = tempfile::tempdir().expect("tmp");
    let activated = dir.path().join("activated.sock");
    // Where sellod would listen if it ignored the passed socket.
    let own = dir.path().join("own/sellod.sock");
    // systemd's own tool: it binds the socket, and on the first connection starts sellod with
    // it (LISTEN_FDS/LISTEN_PID), as sellod.socket does.
    let mut cmd = Command::new("setpriv");
    cmd.args(["--pdeathsig", "KILL", "systemd-socket-activate", "--listen"])
        .arg(&activated)
        .arg(format!("--setenv=SELLO_SOCKET={}", own.display()))
        .arg(daemon_support::SELLOD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _d = Daemon(cmd.spawn().expect("systemd-socket-activate"));
    let start = Instant::now();
    let mut first = loop {
        match Client::connect(&activated) {
            Ok(c) => break c,
            Err(_) => {
                assert!(
                    start.elapsed() < WATCHDOG,
                    "no socket from systemd-socket-activate"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    first.set_timeout(Some(WATCHDOG)).expect("timeout");
    assert_eq!(
        first.call(json!({"op": "hello"})).expect("hello")["daemon"],
        "sellod"
    );
    // More clients on the same inherited socket, the first still open.
    for _ in 0..3 {
        let mut c = Client::connect(&activated).expect("connect");
        c.set_timeout(Some(WATCHDOG)).expect("timeout");
        let v = c.call(json!({"op": "list-cards"})).expect("list-cards");
        assert!(v["readers"].is_array(), "{v}");
    }
    assert!(!own.exists(), "sellod bound a socket of its own");
}

/// One request from a client running as `nobody` in the `users` group (perl is essential in
/// Debian, so it is always there): the daemon's one-line answer.
fn request_as_nobody(socket: &Path, request: &Value) -> Value {
    let out = Command::new("setpriv")
        .args(["--reuid", NOBODY, "--regid", NOBODY, "--groups", USERS_GID])
        .args([
            "perl",
            "-MIO::Socket::UNIX",
            "-e",
            r#"my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
               print $s "$ARGV[1]\n"; my $l = <$s>; print $l;"#,
        ])
        .arg(socket)
        .arg(request.to_string())
        .output()
        .expect("perl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

#[test]
fn only_the_jobs_user_or_root_may_cancel_it() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"))).expect("rig");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let socket = dir.path().join("run/sellod.sock");
    let _d = sellod(rig.command("setpriv"), &socket, &["--group", "users"], None);
    let mut owner = Client::connect(&socket).expect("connect");
    owner.set_timeout(Some(WATCHDOG)).expect("timeout");
    wait_cards(&mut owner, WATCHDOG, card_identified);
    let started = owner
        .call(json!({"op": "start-job", "reader": "00 00", "job": {"kind": "change-pin"}}))
        .expect("start-job");
    let job = started["job"].as_u64().expect("job id");
    wait_event(&mut owner, WATCHDOG, |e| e["event"] == "secret-request");

    // Another user (a member of the operators' group) may not.
    let v = request_as_nobody(&socket, &json!({"id": 1, "op": "cancel", "job": job}));
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["error"]["code"], "forbidden", "{v}");
    let status = owner
        .call(json!({"op": "job-status", "job": job}))
        .expect("status");
    assert_eq!(status["state"], "running", "{status}");
    // The user that started it may (root here, from another connection).
    let mut other = Client::connect(&socket).expect("connect");
    let v = other
        .call(json!({"op": "cancel", "job": job}))
        .expect("cancel by the owner's user");
    assert_eq!(v["cancelling"], true, "{v}");
    let done = wait_event(&mut owner, WATCHDOG, |e| e["event"] == "job-finished");
    assert_eq!(done["state"], "cancelled", "{done}");
}

/// `RLIMIT_CORE` of a running process as `/proc/PID/limits` shows it: (soft, hard).
fn core_limit(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("core line");
    let f: Vec<&str> = line["Max core file size".len()..]
        .split_whitespace()
        .collect();
    (f[0].to_owned(), f[1].to_owned())
}

/// A process that is not dumpable has its `/proc/PID` files owned by root (proc(5),
/// PR_SET_DUMPABLE), whatever user it runs as: so run it as `nobody` and look.
fn assert_not_dumpable_and_no_core(pid: u32, what: &str) {
    let owner = std::fs::metadata(format!("/proc/{pid}/status"))
        .expect("status")
        .uid();
    assert_eq!(owner, 0, "{what} runs as nobody but is dumpable");
    assert_eq!(
        core_limit(pid),
        ("0".into(), "0".into()),
        "{what}: RLIMIT_CORE"
    );
}

#[test]
fn sellod_and_the_cli_waiting_for_a_secret_leave_no_core() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"))).expect("rig");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");

    // sellod as an unprivileged user.
    let own = dir.path().join("nobody");
    std::fs::create_dir(&own).expect("mkdir");
    std::os::unix::fs::chown(&own, Some(65534), Some(65534)).expect("chown");
    let mut d = sellod(
        Command::new("setpriv"),
        &own.join("run/sellod.sock"),
        &[],
        Some(NOBODY),
    );
    assert_not_dumpable_and_no_core(d.0.id(), "sellod");
    let _ = d.0.kill();

    // The CLI as an operator (nobody in the operators' group) holding an activation at the
    // operator-secret prompt of a root sellod's job.
    let socket = dir.path().join("run/sellod.sock");
    let _root = sellod(rig.command("setpriv"), &socket, &["--group", "users"], None);
    wait_cards(
        &mut Client::connect(&socket).expect("c"),
        WATCHDOG,
        card_identified,
    );
    let ca = LocalCa::start(env!("CARGO_BIN_EXE_sello-ca"), |c| c);
    let mut cli = Command::new("setpriv")
        .args(["--reuid", NOBODY, "--regid", NOBODY, "--groups", USERS_GID])
        .arg(SELLO)
        .env("SELLO_SOCKET", &socket)
        .args([
            "activate",
            "--via-daemon",
            "--pin-stdin",
            "--mgmt-secret-stdin",
            "--nif",
            "12345678Z",
            "--given-name",
            "Ana",
            "--surnames",
            "Ruiz",
            "--est",
            &ca.est_url(),
            "--est-trust",
            &ca.path("root.pem"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello activate");
    // The job asks for the operator secret: the CLI now waits on its standard input.
    let mut watcher = Client::connect(&socket).expect("connect");
    watcher.set_timeout(Some(WATCHDOG)).expect("timeout");
    let start = Instant::now();
    loop {
        let s = watcher
            .call(json!({"op": "list-cards"}))
            .expect("list-cards");
        let id = s["readers"][0]["job"].as_u64();
        if let Some(id) = id {
            let st = watcher
                .call(json!({"op": "job-status", "job": id}))
                .expect("status");
            if st["waiting_for"] == "mgmt-secret" {
                break;
            }
            assert_eq!(st["state"], "running", "{st}");
        }
        assert!(
            start.elapsed() < WATCHDOG,
            "the job never asked for the secret"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_not_dumpable_and_no_core(cli.id(), "sello at a secret prompt");
    // Standard input closes: the CLI declines and ends; nothing was written to the card.
    drop(cli.stdin.take());
    let out = cli.wait_with_output().expect("cli ends");
    assert!(!out.status.success());
}
