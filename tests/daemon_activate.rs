//! Activations as sellod jobs, with the real EST CA (`sello-ca`) and two virtual cards in a
//! private pcscd: two activations in parallel while 100 clients ask for status; the daemon
//! killed (SIGKILL) mid-activation and started again resumes from the CLI's journal; expiry
//! warnings for certificates that expire within 30 days.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod daemon_support;
mod rig;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use daemon_support::{all_identified, drive, run_job, wait_cards, wait_event, Sellod};
use rig::ca::LocalCa;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::{json, Value};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const R: [&str; 2] = ["Virtual PCD 00 00", "Virtual PCD 00 01"];
const MASTER: &str = "operator master secret for the tests";
const PIN: &str = "24681357";
const T: Duration = Duration::from_secs(30);

struct Holder {
    nif: &'static str,
    given: &'static str,
    surnames: &'static str,
    email: &'static str,
}

const HOLDERS: [Holder; 2] = [
    Holder {
        nif: "12345678Z",
        given: "María José",
        surnames: "García Pérez",
        email: "mj.garcia@example.org",
    },
    Holder {
        nif: "87654321X",
        given: "Jordi",
        surnames: "Puig i Soler",
        email: "jordi.puig@example.org",
    },
];

fn activate_job(ca: &LocalCa, h: &Holder) -> Value {
    json!({
        "kind": "activate",
        "nif": h.nif,
        "given_name": h.given,
        "surnames": h.surnames,
        "email": h.email,
        "algorithm": "P-256",
        "est": ca.est_url(),
        "est_trust": ca.path("root.pem"),
    })
}

fn code(ca: &LocalCa, h: &Holder) -> String {
    ca.enroll_code(h.nif, h.given, h.surnames, h.email, None)
}

fn answers(code: String) -> impl FnMut(&str) -> Option<String> {
    move |name| {
        Some(match name {
            "mgmt-secret" => MASTER.into(),
            "new-pin" | "current-pin" => PIN.into(),
            "enrollment-code" => code.clone(),
            other => panic!("unexpected secret request {other}"),
        })
    }
}

fn setup(ca_config: impl FnOnce(String) -> String) -> (Rig, tempfile::TempDir, Sellod, LocalCa) {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let ca = LocalCa::start(SELLO_CA, ca_config);
    let dir = tempfile::tempdir().expect("tmp");
    // A session bus "is present", and gdbus is a stand-in that records the notification.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    let gdbus = bin.join("gdbus");
    std::fs::write(
        &gdbus,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> {}\n",
            dir.path().join("notifications").display()
        ),
    )
    .expect("gdbus");
    std::process::Command::new("chmod")
        .args(["+x"])
        .arg(&gdbus)
        .status()
        .expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let d = Sellod::start_with_env(
        &rig,
        dir.path(),
        &[
            ("PATH", &path),
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent"),
            // The desktop user's language: the notifications speak it.
            ("LANG", "es_ES.UTF-8"),
            ("LC_ALL", ""),
            ("LC_MESSAGES", ""),
        ],
    );
    wait_cards(&mut d.client(), T, |r| all_identified(r, 2));
    (rig, dir, d, ca)
}

#[test]
fn two_activations_in_parallel_while_100_clients_ask_for_status_then_expiry_warnings() {
    // Certificates valid 20 days, whatever month this runs in: inside the 30-day warning window.
    let (_rig, dir, d, ca) = setup(|c| {
        c.replace(
            "validity_months = 30",
            "validity_months = 30\nvalidity_days = 20",
        )
    });
    let mut watcher = d.client();
    watcher.call(json!({"op": "subscribe"})).expect("subscribe");
    // Another subscriber asks in Valencian; sellod itself runs in Spanish (LANG=es_ES).
    let mut va_watcher = d.client();
    va_watcher.set_language("ca_ES.UTF-8@valencia");
    va_watcher
        .call(json!({"op": "subscribe"}))
        .expect("subscribe");

    let done = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for i in 0..100 {
        let socket = d.socket.clone();
        let done = Arc::clone(&done);
        clients.push(std::thread::spawn(move || {
            let mut c = sello::daemon::client::Client::connect(&socket).expect("connect");
            c.set_timeout(Some(Duration::from_secs(30)))
                .expect("timeout");
            let mut answered = 0;
            while answered < 3 || !done.load(Ordering::SeqCst) {
                let req = if i % 2 == 0 {
                    json!({"op": "card-status", "reader": R[i % 4 / 2]})
                } else {
                    json!({"op": "list-cards"})
                };
                let r = c.call(req).expect("every client gets an answer");
                assert!(r.is_object(), "{r}");
                answered += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            answered
        }));
    }

    let jobs: Vec<_> = (0..2)
        .map(|i| {
            let mut c = d.client();
            let job = activate_job(&ca, &HOLDERS[i]);
            let answer = answers(code(&ca, &HOLDERS[i]));
            std::thread::spawn(move || run_job(&mut c, R[i], job, answer))
        })
        .collect();
    let runs: Vec<_> = jobs.into_iter().map(|j| j.join().expect("job")).collect();
    done.store(true, Ordering::SeqCst);
    let answered: u32 = clients.into_iter().map(|c| c.join().expect("client")).sum();
    assert!(answered >= 300, "{answered}");

    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run.finished["state"], "done", "card {i}: {}", run.finished);
        assert_eq!(run.asked, ["mgmt-secret", "new-pin", "enrollment-code"]);
        assert!(run.puk.as_ref().is_some_and(|p| p.len() == 8), "{run:?}");
        let certs = run.finished["result"]["certificates"]
            .as_array()
            .expect("certs");
        assert_eq!(certs.len(), 2, "{}", run.finished);
        let steps: Vec<_> = run
            .progress
            .iter()
            .filter_map(|p| p["step"].as_str())
            .collect();
        for s in [
            "identify",
            "management-key",
            "generate-key",
            "csr",
            "enroll",
            "write-certificate",
        ] {
            assert!(steps.contains(&s), "no {s} progress: {steps:?}");
        }
    }

    // After the jobs, the daemon reads the cards again: two certificates each, expiring within
    // 30 days, announced once per certificate, naming `sello renew` in each subscriber's
    // language.
    let mut warned = std::collections::HashSet::new();
    while warned.len() < 4 {
        let e = wait_event(&mut watcher, T, |e| e["event"] == "expiry-warning");
        assert!(e["days_left"].as_i64().is_some_and(|d| d <= 30), "{e}");
        assert_eq!(
            e["advice"], "run `sello renew` before the certificate expires",
            "{e}"
        );
        let va = wait_event(&mut va_watcher, T, |v| {
            v["event"] == "expiry-warning" && v["serial"] == e["serial"] && v["slot"] == e["slot"]
        });
        assert_eq!(
            va["advice"], "executeu `sello renew` abans que caduque el certificat",
            "{va}"
        );
        assert_eq!(
            (&va["days_left"], &va["offer"]),
            (&e["days_left"], &e["offer"])
        );
        // The renewal is offered as a job the holder starts with the PIN alone.
        assert_eq!(e["offer"]["command"], "sello renew --via-daemon", "{e}");
        assert_eq!(e["offer"]["job"]["kind"], "renew", "{e}");
        assert_eq!(e["offer"]["job"]["holder"], true, "{e}");
        assert_eq!(e["offer"]["job"]["slot"], e["slot"], "{e}");
        warned.insert((e["serial"].to_string(), e["slot"].to_string()));
    }
    // And a desktop notification per certificate, through the freedesktop interface.
    let notes = dir.path().join("notifications");
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&notes)
        .unwrap_or_default()
        .matches("org.freedesktop.Notifications.Notify")
        .count()
        < 4
    {
        assert!(
            start.elapsed() < T,
            "notifications: {:?}",
            std::fs::read_to_string(&notes)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let notes = std::fs::read_to_string(&notes).expect("notes");
    assert!(
        notes.contains("sello renew") && notes.contains("--session"),
        "{notes}"
    );
    assert!(
        notes.contains("Certificado a punto de caducar")
            && notes.contains("Renuévelo desde casa")
            && notes.contains("días"),
        "{notes}"
    );

    let st = watcher
        .call(json!({"op": "card-status", "reader": R[1]}))
        .expect("status");
    assert_eq!(
        st["card"]["certificates"].as_array().map(Vec::len),
        Some(2),
        "{st}"
    );
    assert_eq!(st["card"]["activation"]["state"], "complete", "{st}");
    let log = d.log_text();
    assert!(
        !log.contains(PIN) && !log.contains(MASTER),
        "secret in log:\n{log}"
    );
    // Its own log lines are in its own language, for the administrator.
    assert!(log.contains("sellod: escuchando en "), "{log}");
}

#[test]
fn daemon_killed_mid_activation_then_restarted_resumes_from_the_journal() {
    let (rig, _dir, mut d, ca) = setup(|c| c);
    let code = code(&ca, &HOLDERS[0]);
    let mut c = d.client();
    let id = c
        .call(json!({"op": "start-job", "reader": R[0], "job": activate_job(&ca, &HOLDERS[0])}))
        .expect("start")["job"]
        .as_u64()
        .expect("id");
    // Answer until the enrollment code is asked: keys generated, CSRs signed and recorded.
    loop {
        let e = wait_event(&mut c, Duration::from_secs(120), |e| {
            e["event"] == "secret-request"
        });
        let name = e["name"].as_str().expect("name");
        if name == "enrollment-code" {
            break;
        }
        let value = answers(code.clone())(name);
        c.call(json!({"op": "secret", "job": id, "name": name, "value": value}))
            .expect("secret");
    }
    d.kill();
    drop(c);

    d.spawn(&rig);
    let mut c = d.client();
    let cards = wait_cards(&mut c, T, |r| all_identified(r, 2));
    assert_eq!(
        cards["readers"][0]["card"]["activation"]["state"], "in-progress",
        "{cards}"
    );
    let mut answer = answers(code);
    let id = c
        .call(json!({"op": "start-job", "reader": R[0], "job": activate_job(&ca, &HOLDERS[0])}))
        .expect("start again")["job"]
        .as_u64()
        .expect("id");
    let run = drive(&mut c, id, &mut answer);
    assert_eq!(run.finished["state"], "done", "{}", run.finished);
    // The PIN was set before the kill: now it is asked, not set again; keys are reused.
    assert_eq!(run.asked, ["mgmt-secret", "current-pin", "enrollment-code"]);
    let already: Vec<_> = run
        .progress
        .iter()
        .filter(|p| p["status"] == "already-done")
        .filter_map(|p| p["step"].as_str())
        .collect();
    for s in ["management-key", "pin", "puk", "generate-key", "csr"] {
        assert!(already.contains(&s), "{s} not resumed: {already:?}");
    }

    // The CLI reads the same journal: complete.
    let out = rig
        .command(SELLO)
        .args(["--json", "activate", "--show-journal", "--reader", R[0]])
        .env("SELLO_STATE_DIR", &d.state)
        .output()
        .expect("sello");
    assert!(out.status.success(), "{out:?}");
    let j: Value = serde_json::from_slice(&out.stdout).expect("journal JSON");
    assert!(j["completed_at"].is_number(), "{j}");
}
