//! Activation refusals as the operator sees them, through `sello activate --est` against the real
//! `sello-ca`: an expired code, a code already used for another card, a subject that is not the
//! registered identity — each refused with the CA's reason (human output and `--json`), nothing
//! written to the card, and the same activation completed once the operator has a new code. And
//! a process killed after EST answered, before the certificate write: resumed, the certificate
//! is written once, with no second enrollment.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::ca::LocalCa;
use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";
const GIVEN: &str = "María José";
const SURNAMES: &str = "García Pérez";
const EMAIL: &str = "mj.garcia@example.org";

fn bench() -> Bench {
    let b = Bench::start();
    b.write("master.secret", b"operator master secret for the tests\n");
    b
}

fn activate(
    b: &Bench,
    ca: &LocalCa,
    given: &str,
    json: bool,
    stdin: &str,
    env: &[(&str, &str)],
) -> Output {
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let mut args = vec![
        "activate",
        "--pin-stdin",
        "--nif",
        NIF,
        "--given-name",
        given,
        "--surnames",
        SURNAMES,
        "--email",
        EMAIL,
        "--algorithm",
        "P-256",
        "--est",
        &url,
        "--est-trust",
        &root,
        "--mgmt-secret-file",
        "master.secret",
    ];
    if json {
        args.push("--json");
    }
    let mut cmd = b.rig.command(SELLO);
    cmd.args(&args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

fn code(ca: &LocalCa, given: &str, valid_days: Option<u32>) -> String {
    ca.enroll_code(NIF, given, SURNAMES, EMAIL, valid_days)
}

/// No certificate in 9A or 9C (yubico-piv-tool, not our code).
fn nothing_written(b: &Bench) {
    for slot in ["9a", "9c"] {
        let o = b.run("yubico-piv-tool", &["-a", "read-certificate", "-s", slot]);
        assert!(
            !o.status.success(),
            "a certificate is in {slot} after a refusal"
        );
    }
}

/// The error line `--json` prints last.
fn json_error(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|_| panic!("not JSON: {stdout}"));
    assert_eq!(v["ok"], false, "{stdout}");
    v
}

fn in_person(ca: &LocalCa) -> usize {
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    list.as_array()
        .expect("array")
        .iter()
        .filter(|c| c["origin"] == "in-person")
        .count()
}

#[test]
fn expired_code_is_refused_with_the_reason_then_a_new_code_completes() {
    let b = bench();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let expired = code(&ca, GIVEN, Some(0));

    let out = activate(&b, &ca, GIVEN, false, &format!("{PIN}\n{expired}\n"), &[]);
    let t = text(&out);
    assert_eq!(
        out.status.code(),
        Some(6),
        "exit status of a CA refusal: {t}"
    );
    assert!(t.contains("enrollment code expired"), "{t}");
    assert!(t.contains("run the same command again to resume"), "{t}");
    assert!(!t.contains(&expired), "code echoed:\n{t}");
    nothing_written(&b);

    // --json: the same reason, machine-readable.
    let out = activate(&b, &ca, GIVEN, true, &format!("{PIN}\n{expired}\n"), &[]);
    let e = json_error(&out);
    assert!(
        e["error"]
            .as_str()
            .unwrap_or_default()
            .contains("enrollment code expired"),
        "{e}"
    );
    nothing_written(&b);

    let fresh = code(&ca, GIVEN, None);
    let out = activate(&b, &ca, GIVEN, false, &format!("{PIN}\n{fresh}\n"), &[]);
    let t = text(&out);
    assert!(out.status.success(), "resume failed:\n{t}");
    assert!(t.contains("already done"), "not resumed:\n{t}");
    b.yk(&["-a", "read-certificate", "-s", "9a"]);
    b.yk(&["-a", "read-certificate", "-s", "9c"]);
}

#[test]
fn code_used_for_another_card_is_refused() {
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let used = code(&ca, GIVEN, None);
    {
        let first = bench();
        let out = activate(&first, &ca, GIVEN, false, &format!("{PIN}\n{used}\n"), &[]);
        assert!(out.status.success(), "first card:\n{}", text(&out));
    }

    // Another card (a new bench: its own pcscd, virtual card and journal), the same code.
    let b = bench();
    let out = activate(&b, &ca, GIVEN, true, &format!("{PIN}\n{used}\n"), &[]);
    let e = json_error(&out);
    let msg = e["error"].as_str().unwrap_or_default();
    assert!(msg.contains("already used"), "{e}");
    assert!(!msg.contains(&used), "code echoed: {e}");
    nothing_written(&b);
    let out = activate(&b, &ca, GIVEN, false, &format!("{PIN}\n{used}\n"), &[]);
    assert!(text(&out).contains("already used"), "{}", text(&out));

    // A new code for the holder: the second card's activation resumes and completes.
    let fresh = code(&ca, GIVEN, None);
    let out = activate(&b, &ca, GIVEN, true, &format!("{PIN}\n{fresh}\n"), &[]);
    assert!(out.status.success(), "resume failed:\n{}", text(&out));
    b.yk(&["-a", "read-certificate", "-s", "9a"]);
}

#[test]
fn subject_mismatch_is_refused_then_resumed_once_the_registration_is_corrected() {
    let b = bench();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    // The registration point typed the name without accents; the operator types it right.
    let wrong = code(&ca, "Maria Jose", None);

    let out = activate(&b, &ca, GIVEN, false, &format!("{PIN}\n{wrong}\n"), &[]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("subject mismatch"), "{t}");
    assert!(t.contains("refused"), "{t}");
    nothing_written(&b);

    let wrong_again = code(&ca, "Maria Jose", None);
    let out = activate(
        &b,
        &ca,
        GIVEN,
        true,
        &format!("{PIN}\n{wrong_again}\n"),
        &[],
    );
    let e = json_error(&out);
    assert!(
        e["error"]
            .as_str()
            .unwrap_or_default()
            .contains("subject mismatch"),
        "{e}"
    );
    nothing_written(&b);

    // Registration corrected, new code: the same activation completes.
    let fresh = code(&ca, GIVEN, None);
    let out = activate(&b, &ca, GIVEN, false, &format!("{PIN}\n{fresh}\n"), &[]);
    assert!(out.status.success(), "resume failed:\n{}", text(&out));
    b.yk(&["-a", "read-certificate", "-s", "9c"]);
}

#[test]
fn killed_before_the_certificate_write_resumes_without_a_second_enrollment() {
    let b = bench();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let code = code(&ca, GIVEN, None);

    let out = activate(
        &b,
        &ca,
        GIVEN,
        false,
        &format!("{PIN}\n{code}\n"),
        &[("SELLO_TEST_ABORT_AT", "before-write")],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("test abort at before-write"),
        "{}",
        text(&out)
    );
    nothing_written(&b);
    assert_eq!(in_person(&ca), 2, "both certificates were issued");

    // Resumed: no code asked (certificates are in the journal), written once, no new enrollment.
    let out = activate(&b, &ca, GIVEN, true, &format!("{PIN}\n"), &[]);
    let t = text(&out);
    assert!(out.status.success(), "resume failed:\n{t}");
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default(),
    )
    .expect("JSON");
    let steps = last["steps"].as_array().expect("steps");
    let status = |name: &str, slot: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name && s["slot"] == slot)
            .map(|s| s["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        status("enroll", "9A").as_deref(),
        Some("already-done"),
        "{t}"
    );
    assert_eq!(
        status("write-certificate", "9A").as_deref(),
        Some("done"),
        "{t}"
    );
    assert_eq!(in_person(&ca), 2, "enrolled a second time");
    b.yk(&["-a", "read-certificate", "-s", "9a"]);
    b.yk(&["-a", "read-certificate", "-s", "9c"]);

    // Once more: everything already done, nothing rewritten.
    let out = activate(&b, &ca, GIVEN, true, &format!("{PIN}\n"), &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"activation\":\"complete\""),
        "{}",
        text(&out)
    );
}
