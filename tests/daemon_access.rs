//! Who may use sellod: its own user and root; with `--group`, members of that group (also as a
//! supplementary group). Even when the socket file is opened up by mistake, the peer-credential
//! check (`SO_PEERCRED`) refuses strangers with an error object.
#![cfg(feature = "virtual-card")]

mod daemon_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sello::daemon::client::Client;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::json;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
/// `nobody`/`nogroup` and the `users` group exist on every Debian system.
const NOBODY: &str = "65534";
const USERS_GID: &str = "100";

fn sellod(rig: &Rig, socket: &Path, args: &[&str]) -> Child {
    let child = rig
        .command("setpriv")
        .args(["--pdeathsig", "KILL", daemon_support::SELLOD, "--socket"])
        .arg(socket)
        .args(args)
        // Its refusal is worded in its own language: English, whatever the machine's locale.
        .env("LC_ALL", "C")
        .stderr(Stdio::null())
        .spawn()
        .expect("sellod");
    let start = Instant::now();
    while Client::connect(socket).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "sellod not up");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// `sello watch` as nobody, with the given supplementary groups; killed after 2 s if it streams.
fn watch_as_nobody(socket: &Path, groups: Option<&str>) -> Output {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid", NOBODY, "--regid", NOBODY]);
    match groups {
        Some(g) => cmd.args(["--groups", g]),
        None => cmd.arg("--clear-groups"),
    };
    let mut child = cmd
        .args([SELLO, "--json", "watch", "--socket"])
        .arg(socket)
        .env("LC_ALL", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello watch");
    std::thread::sleep(Duration::from_secs(2));
    let _ = child.kill();
    child.wait_with_output().expect("output")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn per_user_socket_refuses_other_users_even_when_opened_up() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"))).expect("rig");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let socket = dir.path().join("run/sellod.sock");
    let mut d = sellod(&rig, &socket, &[]);
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&socket), 0o600);
    assert_eq!(mode(socket.parent().expect("dir")), 0o700);

    // Opened up by mistake: the credential check still refuses.
    std::fs::set_permissions(
        socket.parent().expect("dir"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let out = watch_as_nobody(&socket, None);
    assert!(!out.status.success());
    assert!(text(&out).contains("not allowed"), "{}", text(&out));
    // Root (the daemon's own user here) is served.
    let mut c = Client::connect(&socket).expect("connect");
    assert!(c.call(json!({"op": "hello"})).is_ok());
    let _ = d.kill();
    let _ = d.wait();
}

#[test]
fn operators_group_members_are_served_others_refused() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"))).expect("rig");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let socket = dir.path().join("run/sellod.sock");
    let mut d = sellod(&rig, &socket, &["--group", "users"]);
    let meta = std::fs::metadata(&socket).expect("stat");
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    assert_eq!(std::os::unix::fs::MetadataExt::gid(&meta), 100);

    // A member through a supplementary group: served (the inventory line comes first).
    let out = watch_as_nobody(&socket, Some(USERS_GID));
    let t = text(&out);
    assert!(t.contains("\"inventory\""), "{t}");
    // Not a member: the directory (0750 root:users) keeps it out before the daemon is reached.
    let out = watch_as_nobody(&socket, None);
    assert!(!out.status.success());
    assert!(text(&out).contains("Permission denied"), "{}", text(&out));
    let _ = d.kill();
    let _ = d.wait();
}
