//! The CLI through sellod: `sello watch` streams events, `sello activate --via-daemon` runs the
//! activation as a daemon job (secrets from the CLI's stdin, progress printed by the CLI), and
//! `--via-daemon` without a daemon says so.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod daemon_support;
mod rig;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use daemon_support::{all_identified, wait_cards, Sellod};
use rig::ca::LocalCa;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const R1: &str = "Virtual PCD 00 01";
const T: Duration = Duration::from_secs(30);

#[test]
fn watch_streams_events_and_activate_runs_as_a_daemon_job() {
    let mut rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    wait_cards(&mut d.client(), T, |r| all_identified(r, 2));

    // sello watch --json: the inventory first, then events as they happen.
    let mut watch = rig
        .command(SELLO)
        .env("LC_ALL", "C") // English messages (asserted), whatever the locale
        .args(["--json", "watch"])
        .env("SELLO_SOCKET", &d.socket)
        .stdout(Stdio::piped())
        .spawn()
        .expect("sello watch");
    let mut lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    let mut next = || -> Value {
        serde_json::from_str(&lines.next().expect("a line").expect("read")).expect("JSON")
    };
    let inv = next();
    assert_eq!(inv["event"], "inventory", "{inv}");
    assert_eq!(
        inv["inventory"]["readers"].as_array().map(Vec::len),
        Some(2)
    );
    rig.remove_card(1).expect("remove");
    let e = next();
    assert_eq!(
        (e["event"].as_str(), e["reader"].as_str()),
        (Some("card-removed"), Some(R1))
    );
    rig.insert_card(1).expect("insert");
    assert_eq!(next()["event"], "card-inserted");
    let _ = watch.kill();
    let _ = watch.wait();
    wait_cards(&mut d.client(), T, |r| all_identified(r, 2));

    // sello activate --via-daemon, secrets on stdin, relative paths made absolute.
    let ca = LocalCa::start(env!("CARGO_BIN_EXE_sello-ca"), |c| c);
    let work = tempfile::tempdir().expect("work");
    std::fs::write(
        work.path().join("master.secret"),
        "operator master secret for the daemon tests\n",
    )
    .expect("w");
    std::fs::set_permissions(
        work.path().join("master.secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    std::fs::copy(ca.path("root.pem"), work.path().join("root.pem")).expect("copy");
    let code = ca.enroll_code("12345678Z", "Ana", "Ruiz", "ana@example.org", None);
    let mut child = rig
        .command(SELLO)
        .current_dir(work.path())
        .env("SELLO_SOCKET", &d.socket)
        .env("LC_ALL", "C")
        .args([
            "activate",
            "--via-daemon",
            "--reader",
            R1,
            "--pin-stdin",
            "--nif",
            "12345678Z",
            "--given-name",
            "Ana",
            "--surnames",
            "Ruiz",
            "--email",
            "ana@example.org",
            "--algorithm",
            "P-256",
            "--est",
            &ca.est_url(),
            "--est-trust",
            "root.pem",
            "--mgmt-secret-file",
            "master.secret",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello activate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("24681357\n{code}\n").as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("finishes");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}\n{}", d.log_text());
    assert!(text.contains("Activation runs in sellod"), "{text}");
    assert!(text.contains("[done] generate-key 9A"), "{text}");
    assert!(text.contains("PUK: "), "{text}");
    assert!(
        text.contains("activated with profile citizen-piv"),
        "{text}"
    );
    assert!(
        !text.contains(&code) && !text.contains("24681357"),
        "{text}"
    );

    // Without a daemon, --via-daemon fails clearly.
    let out = rig
        .command(SELLO)
        .env("LC_ALL", "C") // English messages (asserted), whatever the locale
        .env("SELLO_SOCKET", work.path().join("nothing.sock"))
        .args([
            "activate",
            "--via-daemon",
            "--nif",
            "12345678Z",
            "--given-name",
            "A",
            "--surnames",
            "B",
        ])
        .output()
        .expect("sello");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach sellod"), "{err}");
}
