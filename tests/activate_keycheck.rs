//! A card whose key generator repeats itself (`sello-vcard --fault repeat-key`, through the
//! real pcscd) is caught by `sello activate` before the CA is asked: "this card's key generator
//! is faulty", no certificate issued (`sello-ca list`), none on the card (yubico-piv-tool).
//! And the operator master secret: a file open to others, or one without entropy, is refused;
//! `sello mgmt-secret generate` makes one that is accepted.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rig::ca::LocalCa;
use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";

/// Swaps the rig's card for the same card (state, serial, port) served with `--fault`.
fn faulty_card(b: &mut Bench, fault: &str) -> Child {
    b.rig.remove_card(0).expect("remove");
    let ready = b.path("faulty.ready");
    let child = Command::new("setpriv")
        .args(["--pdeathsig", "KILL", env!("CARGO_BIN_EXE_sello-vcard")])
        .arg("--vpcd")
        .arg(format!("127.0.0.1:{}", b.rig.port(0).expect("port")))
        .arg("--state")
        .arg(b.rig.state_path(0).expect("state"))
        .args(["--serial", "10000001", "--fault", fault, "--ready-file"])
        .arg(&ready)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sello-vcard");
    let start = Instant::now();
    while !ready.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "faulty card not up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn activate(b: &Bench, ca: &LocalCa, secret_file: &str, stdin: &str) -> Output {
    let mut child = b
        .rig
        .command(SELLO)
        .args([
            "activate",
            "--direct",
            "--pin-stdin",
            "--nif",
            NIF,
            "--given-name",
            "Ana",
            "--surnames",
            "Ruiz",
            "--email",
            "ana@example.org",
            "--algorithm",
            "RSA-2048",
            "--est",
            &ca.est_url(),
            "--est-trust",
            &ca.path("root.pem"),
            "--mgmt-secret-file",
            secret_file,
        ])
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin");
    child.wait_with_output().expect("sello finishes")
}

fn issued(ca: &LocalCa) -> usize {
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    list.as_array().expect("array").len()
}

#[test]
fn weak_or_exposed_master_secrets_are_refused_and_a_generated_one_is_used() {
    let mut b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let code = ca.enroll_code(NIF, "Ana", "Ruiz", "ana@example.org", None);
    let stdin = format!("{PIN}\n{code}\n");

    // The secret once accepted: 16 bytes of `a`, world-readable.
    std::fs::write(b.path("weak.secret"), "aaaaaaaaaaaaaaaa\n").expect("write");
    std::fs::set_permissions(b.path("weak.secret"), PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let out = activate(&b, &ca, "weak.secret", &stdin);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("chmod 600 weak.secret"), "{t}");
    // Private now, but still without entropy.
    std::fs::set_permissions(b.path("weak.secret"), PermissionsExt::from_mode(0o600))
        .expect("chmod");
    let out = activate(&b, &ca, "weak.secret", &stdin);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("sello mgmt-secret generate"), "{t}");
    assert!(!t.contains("aaaa"), "secret echoed: {t}");

    // A generated secret: a new 0600 file of 64 hex digits, never overwritten.
    let out = b
        .rig
        .command(SELLO)
        .args(["mgmt-secret", "generate", "--out", "op.secret"])
        .current_dir(b.dir())
        .output()
        .expect("generate");
    assert!(out.status.success(), "{}", text(&out));
    let meta = std::fs::metadata(b.path("op.secret")).expect("file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let secret = std::fs::read_to_string(b.path("op.secret")).expect("read");
    let hexpart = secret.trim_end();
    assert_eq!(hexpart.len(), 64, "{secret:?}");
    assert!(hexpart.bytes().all(|c| c.is_ascii_hexdigit()));
    let again = b
        .rig
        .command(SELLO)
        .args(["mgmt-secret", "generate", "--out", "op.secret"])
        .current_dir(b.dir())
        .output()
        .expect("generate");
    assert!(!again.status.success());
    assert_eq!(
        std::fs::read_to_string(b.path("op.secret")).expect("read"),
        secret
    );

    // With it, the activation gets past the management key, and meets a card that repeats
    // its keys: refused before the CA is asked.
    let mut card = faulty_card(&mut b, "repeat-key");
    let out = activate(&b, &ca, "op.secret", &stdin);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("key generator is faulty"), "{t}");
    assert!(t.contains("same public key as slot 9A"), "{t}");
    assert!(t.contains("do not issue"), "{t}");
    assert_eq!(issued(&ca), 0, "the CA was asked: {t}");
    for slot in ["9a", "9c"] {
        let o = b.run("yubico-piv-tool", &["-a", "read-certificate", "-s", slot]);
        assert!(!o.status.success(), "a certificate is in {slot}");
    }
    let _ = card.kill();
    let _ = card.wait();
}

#[test]
fn renewal_on_a_card_that_repeats_its_keys_is_refused_before_the_ca_is_asked() {
    let mut b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let code = ca.enroll_code(NIF, "Ana", "Ruiz", "ana@example.org", None);
    let generated = b
        .rig
        .command(SELLO)
        .args(["mgmt-secret", "generate", "--out", "op.secret"])
        .current_dir(b.dir())
        .output()
        .expect("generate");
    assert!(generated.status.success(), "{}", text(&generated));
    let out = activate(&b, &ca, "op.secret", &format!("{PIN}\n{code}\n"));
    assert!(out.status.success(), "{}", text(&out));
    let before = issued(&ca);
    let cert_9a = b.yk(&["-a", "read-certificate", "-s", "9a"]);

    // The same card, now answering the staging slot's key generation with a key it holds.
    let mut card = faulty_card(&mut b, "repeat-key");
    let mut child = b
        .rig
        .command(SELLO)
        .args([
            "renew",
            "--direct",
            "--pin-stdin",
            "--slot",
            "9A",
            "--force",
            "--est",
            &ca.est_url(),
            "--est-trust",
            &ca.path("root.pem"),
            "--mgmt-secret-file",
            "op.secret",
        ])
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello renew runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PIN}\n").as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("sello renew finishes");
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("key generator is faulty"), "{t}");
    assert!(t.contains("do not issue"), "{t}");
    assert_eq!(issued(&ca), before, "the CA was asked: {t}");
    // The current certificate is untouched (read by yubico-piv-tool, not our code).
    assert_eq!(b.yk(&["-a", "read-certificate", "-s", "9a"]), cert_9a);
    let _ = card.kill();
    let _ = card.wait();
}
