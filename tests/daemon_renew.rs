//! Renewal as a sellod job, on the real stack: `sello-ca` serving EST over HTTPS, a private
//! pcscd with the virtual card, the card activated directly with `sello activate --est`, then
//! `start-job` `renew` over the daemon's socket with the PIN and the operator secret given in
//! `secret` answers. Allowed (forced), then refused (a remote renewal cannot be renewed
//! remotely) with the reason in `job-finished`; and `sello renew --via-daemon` end to end.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod daemon_support;
mod rig;

use std::io::Write;
use std::process::{Output, Stdio};
use std::time::Duration;

use daemon_support::{run_job, wait_cards, Sellod};
use rig::ca::LocalCa;
use rig::{text, Bench};
use serde_json::{json, Value};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const MASTER: &str = "operator master secret for the tests";
const NIF: &str = "12345678Z";
const RENEWAL_OID: &str = "2.999.7030.2.1";
const READER: &str = "Virtual PCD 00 00";

fn sello(b: &Bench, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = b.rig.command(SELLO);
    // English messages (asserted), whatever the locale.
    cmd.env("LC_ALL", "C")
        .args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
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

/// A bench, a CA and a card activated directly (no daemon) through EST.
fn activated() -> (Bench, LocalCa) {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", format!("{MASTER}\n").as_bytes());
    let code = ca.enroll_code(
        NIF,
        "María José",
        "García Pérez",
        "mj.garcia@example.org",
        None,
    );
    let out = sello(
        &b,
        &[
            "activate",
            "--direct",
            "--pin-stdin",
            "--nif",
            NIF,
            "--given-name",
            "María José",
            "--surnames",
            "García Pérez",
            "--email",
            "mj.garcia@example.org",
            "--algorithm",
            "P-256",
            "--est",
            &ca.est_url(),
            "--est-trust",
            &ca.path("root.pem"),
            "--mgmt-secret-file",
            "master.secret",
        ],
        &format!("{PIN}\n{code}\n"),
        &[],
    );
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    (b, ca)
}

/// The certificate in a slot, as PEM (yubico-piv-tool, not our code).
fn cert_pem(b: &Bench, slot: &str) -> String {
    let pem = b.yk(&["-a", "read-certificate", "-s", slot]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    pem[begin..].to_string()
}

fn ca_list(ca: &LocalCa) -> Vec<Value> {
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    serde_json::from_str::<Value>(&list)
        .expect("JSON list")
        .as_array()
        .expect("array")
        .clone()
}

fn renew_job(ca: &LocalCa) -> Value {
    json!({
        "kind": "renew",
        "est": ca.est_url(),
        "est_trust": ca.path("root.pem"),
        "force": true,
    })
}

fn answers(name: &str) -> Option<String> {
    Some(match name {
        "mgmt-secret" => MASTER.into(),
        "current-pin" => PIN.into(),
        other => panic!("unexpected secret request {other}"),
    })
}

#[test]
fn renew_job_forced_new_certificates_chain_then_remote_renewal_refused() {
    let (b, ca) = activated();
    let old_9a = cert_pem(&b, "9a");
    let old_9c = cert_pem(&b, "9c");
    let d = Sellod::start(&b.rig, b.dir());
    let mut c = d.client();
    wait_cards(&mut c, Duration::from_secs(30), |r| {
        r.iter()
            .any(|x| x["reader"] == READER && x["card"]["serial"].is_string())
    });

    // Without force: not yet within the window; the reason is in job-finished.
    let mut job = renew_job(&ca);
    job["force"] = json!(false);
    let run = run_job(&mut c, READER, job, answers);
    assert_eq!(run.finished["state"], "failed", "{:?}", run.finished);
    assert_eq!(run.finished["error"]["code"], "renewal-refused");
    assert_eq!(run.finished["error"]["reason"], "not-due");
    assert!(!run.asked.contains(&"current-pin".to_owned()), "{run:?}");
    assert_eq!(cert_pem(&b, "9a"), old_9a);

    // Forced, but the PIN declined: the job is cancelled before anything reaches the CA.
    let issued = ca_list(&ca).len();
    let run = run_job(&mut c, READER, renew_job(&ca), |name| {
        (name != "current-pin").then(|| MASTER.to_owned())
    });
    assert_eq!(run.finished["state"], "cancelled", "{:?}", run.finished);
    assert_eq!(run.asked, ["mgmt-secret", "current-pin"]);
    assert_eq!(cert_pem(&b, "9a"), old_9a);
    assert_eq!(ca_list(&ca).len(), issued);

    // Forced: both certificates renewed, secrets asked through the socket only.
    let run = run_job(&mut c, READER, renew_job(&ca), answers);
    assert_eq!(run.finished["state"], "done", "{:?}\n{}", run, d.log_text());
    assert_eq!(run.asked, ["mgmt-secret", "current-pin"]);
    let r = &run.finished["result"];
    assert_eq!(r["renewal"], "complete", "{r}");
    assert_eq!(r["certificates"].as_array().map(Vec::len), Some(2), "{r}");
    for step in ["check", "generate-key", "csr", "reenroll", "replace-key"] {
        assert!(
            run.progress
                .iter()
                .any(|e| e["step"] == step && e["status"] == "done"),
            "no {step} progress: {:?}",
            run.progress
        );
    }
    assert!(
        run.progress
            .iter()
            .any(|e| e["step"] == "write-certificate" && e["slot"] == "9A"),
        "{:?}",
        run.progress
    );
    assert!(!d.log_text().contains(PIN) && !d.log_text().contains(MASTER));

    let new_9a = cert_pem(&b, "9a");
    let new_9c = cert_pem(&b, "9c");
    assert_ne!(new_9a, old_9a);
    assert_ne!(new_9c, old_9c);
    b.write("9a.pem", new_9a.as_bytes());
    b.write("9c.pem", new_9c.as_bytes());
    let root = ca.path("root.pem");
    let issuing = ca.path("issuing.pem");
    for f in ["9a.pem", "9c.pem"] {
        let v = b.ok(
            "openssl",
            &["verify", "-CAfile", &root, "-untrusted", &issuing, f],
        );
        assert!(v.contains(": OK"), "{v}");
        let txt = b.ok("openssl", &["x509", "-in", f, "-noout", "-text"]);
        assert!(txt.contains(RENEWAL_OID), "{txt}");
    }
    let list = ca_list(&ca);
    let renewed = list
        .iter()
        .filter(|c| c["origin"] == "remote-renewal")
        .count();
    assert_eq!(renewed, 2, "{list:?}");

    // A remote renewal cannot be renewed remotely: the job ends with the reason, card untouched.
    let run = run_job(&mut c, READER, renew_job(&ca), answers);
    assert_eq!(run.finished["state"], "failed", "{:?}", run.finished);
    let e = &run.finished["error"];
    assert_eq!(e["code"], "renewal-refused", "{e}");
    assert_eq!(e["reason"], "remote-renewal", "{e}");
    assert_eq!(e["needs_visit"], true, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("registration point"),
        "{e}"
    );
    assert_eq!(cert_pem(&b, "9a"), new_9a);
    assert_eq!(ca_list(&ca).len(), list.len(), "the CA was asked anyway");
    let status = c
        .call(json!({"op": "job-status", "job": run.finished["job"]}))
        .expect("job-status");
    assert_eq!(status["error"]["reason"], "remote-renewal", "{status}");
}

#[test]
fn sello_renew_via_daemon_end_to_end_then_refused_with_the_reason() {
    let (b, ca) = activated();
    let old_9a = cert_pem(&b, "9a");
    let d = Sellod::start(&b.rig, b.dir());
    wait_cards(&mut d.client(), Duration::from_secs(30), |r| {
        r.iter()
            .any(|x| x["reader"] == READER && x["card"]["serial"].is_string())
    });
    let socket = d.socket.display().to_string();
    // Relative paths (made absolute for the daemon), secrets from this process's stdin.
    std::fs::copy(ca.path("root.pem"), b.path("root.pem")).expect("copy root");
    let renew = || {
        sello(
            &b,
            &[
                "--json",
                "renew",
                "--via-daemon",
                "--reader",
                READER,
                "--force",
                "--pin-stdin",
                "--est",
                &ca.est_url(),
                "--est-trust",
                "root.pem",
                "--mgmt-secret-file",
                "master.secret",
            ],
            &format!("{PIN}\n"),
            &[("SELLO_SOCKET", &socket)],
        )
    };
    let out = renew();
    let t = text(&out);
    assert!(
        out.status.success(),
        "renewal failed:\n{t}\n{}",
        d.log_text()
    );
    assert!(!t.contains(PIN), "PIN echoed:\n{t}");
    let last: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("a result line"),
    )
    .expect("JSON");
    assert_eq!(last["renewal"], "complete", "{t}");
    assert_eq!(
        last["certificates"].as_array().map(Vec::len),
        Some(2),
        "{t}"
    );
    let new_9a = cert_pem(&b, "9a");
    assert_ne!(new_9a, old_9a);
    b.write("9a.pem", new_9a.as_bytes());
    let v = b.ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            &ca.path("root.pem"),
            "-untrusted",
            &ca.path("issuing.pem"),
            "9a.pem",
        ],
    );
    assert!(v.contains(": OK"), "{v}");
    // The job was the daemon's: it is in the daemon's job table.
    let mut c = d.client();
    let status = c
        .call(json!({"op": "job-status", "job": 1}))
        .expect("job-status");
    assert_eq!(
        (&status["kind"], &status["state"]),
        (&json!("renew"), &json!("done")),
        "{status}"
    );

    // Again: a remote renewal is refused, with the reason and what to do.
    let out = renew();
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    let last: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("a result line"),
    )
    .expect("JSON");
    assert_eq!(last["renewal"], "refused", "{t}");
    assert_eq!(last["code"], "remote-renewal", "{t}");
    assert!(
        last["action"]
            .as_str()
            .unwrap_or_default()
            .contains("registration point"),
        "{t}"
    );
    assert_eq!(cert_pem(&b, "9a"), new_9a);
}
