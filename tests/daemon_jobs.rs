//! sellod PIN jobs on two virtual readers: secrets travel only between the job and its owner,
//! one job per card, and a card pulled during a job gives a clear job error.
#![cfg(feature = "virtual-card")]

mod daemon_support;

use std::time::Duration;

use daemon_support::{all_identified, run_job, wait_cards, wait_event, Sellod};
use sello::daemon::client::ClientError;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::json;

const R0: &str = "Virtual PCD 00 00";
const R1: &str = "Virtual PCD 00 01";
const T: Duration = Duration::from_secs(20);

fn setup() -> (Rig, tempfile::TempDir, Sellod) {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let dir = tempfile::tempdir().expect("tmp");
    // English messages (the tests read them), whatever the machine's locale.
    let d = Sellod::start_with_env(&rig, dir.path(), &[("LC_ALL", "C")]);
    wait_cards(&mut d.client(), T, |r| all_identified(r, 2));
    (rig, dir, d)
}

#[test]
fn pin_change_and_unblock_through_the_daemon_secrets_only_to_the_owner() {
    let (rig, _dir, d) = setup();
    let mut watcher = d.client();
    watcher.call(json!({"op": "subscribe"})).expect("subscribe");
    let mut owner = d.client();

    let run = run_job(&mut owner, R0, json!({"kind": "change-pin"}), |name| {
        Some(match name {
            "current-pin" => "123456".into(),
            "new-pin" => "24681357".into(),
            other => panic!("unexpected secret {other}"),
        })
    });
    assert_eq!(run.finished["state"], "done", "{:?}", run);
    assert_eq!(run.asked, ["current-pin", "new-pin"]);

    // The new PIN works (the CLI, directly over PC/SC), the old one no longer.
    let out = rig
        .command(env!("CARGO_BIN_EXE_sello"))
        .args(["--json", "pin", "status", "--reader", R0])
        .output()
        .expect("sello");
    assert!(out.status.success(), "{out:?}");

    // A new PIN against the card profile's rule (citizen-piv: digits) is refused before the card
    // sees anything: the current PIN (right here) is not spent either.
    let run = run_job(&mut owner, R0, json!({"kind": "change-pin"}), |name| {
        Some(
            if name == "new-pin" {
                "abcd1234"
            } else {
                "24681357"
            }
            .into(),
        )
    });
    assert_eq!(run.finished["state"], "failed", "{}", run.finished);
    assert!(
        run.finished["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("may contain only")),
        "{}",
        run.finished
    );
    assert!(!run.finished.to_string().contains("abcd1234"));

    // A client that asks in Spanish gets its job in Spanish (progress, result), while sellod
    // itself runs with LC_ALL=C and the subscriber asked in English.
    let mut es = d.client();
    es.set_language("es_ES.UTF-8");
    let run = run_job(&mut es, R0, json!({"kind": "change-pin"}), |name| {
        Some(
            if name == "current-pin" {
                "24681357"
            } else {
                "36925814"
            }
            .into(),
        )
    });
    assert_eq!(run.finished["state"], "done", "{}", run.finished);
    assert_eq!(run.finished["result"]["message"], "PIN cambiado");
    let details: Vec<&str> = run
        .progress
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert_eq!(
        details,
        [
            "conectando con la tarjeta",
            "tarjeta identificada",
            "cambiando el PIN",
            "PIN cambiado"
        ],
        "{:?}",
        run.progress
    );

    // A wrong PIN: a clear error with the tries left, never retried by the daemon.
    let run = run_job(&mut owner, R0, json!({"kind": "change-pin"}), |_| {
        Some("11112222".into())
    });
    assert_eq!(run.finished["state"], "failed");
    assert_eq!(
        run.finished["error"]["code"], "wrong-pin",
        "{}",
        run.finished
    );
    assert!(
        run.finished["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2 tries left")),
        "{}",
        run.finished
    );
    // The same refusal in Spanish: the code stays, the message says it in the singular.
    let run = run_job(&mut es, R0, json!({"kind": "change-pin"}), |_| {
        Some("11112222".into())
    });
    assert_eq!(
        run.finished["error"]["code"], "wrong-pin",
        "{}",
        run.finished
    );
    assert!(
        run.finished["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("le queda 1 intento")),
        "{}",
        run.finished
    );

    // Block it, then unblock with the PUK.
    run_job(&mut owner, R0, json!({"kind": "change-pin"}), |_| {
        Some("11112222".into())
    });
    let run = run_job(&mut owner, R0, json!({"kind": "change-pin"}), |_| {
        Some("24681357".into())
    });
    assert_eq!(
        run.finished["error"]["code"], "pin-blocked",
        "{}",
        run.finished
    );
    // A client in Valencian unblocks it, and hears about it in Valencian.
    let mut va = d.client();
    va.set_language("ca_ES.UTF-8@valencia");
    let run = run_job(&mut va, R0, json!({"kind": "unblock"}), |name| {
        Some(
            if name == "puk" {
                "12345678"
            } else {
                "13572468"
            }
            .into(),
        )
    });
    assert_eq!(run.finished["state"], "done", "{}", run.finished);
    assert_eq!(
        run.finished["result"]["message"], "PIN desbloquejat i canviat",
        "{}",
        run.finished
    );
    assert!(
        run.progress
            .iter()
            .any(|e| e["detail"] == "s'està desbloquejant el PIN"),
        "{:?}",
        run.progress
    );
    // API errors too, with the job number; the code never changes. A client that does not
    // say its language (an older one) gets the daemon's: English here.
    assert_eq!(
        va.call(json!({"op": "hello"})).expect("hello")["lang"],
        "ca-valencia"
    );
    match va.call(json!({"op": "job-status", "job": 999})) {
        Err(ClientError::Api { code, message }) => {
            assert_eq!(
                (code.as_str(), message.as_str()),
                ("no-job", "no existix la tasca 999")
            );
        }
        other => panic!("{other:?}"),
    }
    let old = d
        .client()
        .raw(b"{\"id\":\"old\",\"op\":\"job-status\",\"job\":999}\n")
        .expect("answer");
    assert_eq!(old["error"]["code"], "no-job", "{old}");
    assert_eq!(old["error"]["message"], "no job 999", "{old}");
    let old = d.client().raw(b"{\"op\":\"hello\"}\n").expect("hello");
    assert_eq!(old["result"]["lang"], "en", "{old}");

    // The subscriber saw progress but no secret request and no secret.
    let mut seen = Vec::new();
    watcher
        .set_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    while let Ok(e) = watcher.next_event() {
        seen.push(e.to_string());
    }
    let all = seen.join("\n");
    assert!(
        all.contains("job-progress") && all.contains("job-finished"),
        "{all}"
    );
    assert!(!all.contains("secret-request"), "{all}");
    for s in [
        "123456", "24681357", "36925814", "11112222", "12345678", "13572468",
    ] {
        assert!(
            !all.contains(s),
            "secret {s} leaked to a subscriber:\n{all}"
        );
        assert!(!d.log_text().contains(s), "secret {s} in the log");
    }
}

#[test]
fn one_job_per_card_others_in_parallel_and_only_the_owner_answers() {
    let (_rig, _dir, d) = setup();
    let mut a = d.client();
    let mut b = d.client();
    let j0 = a
        .call(json!({"op": "start-job", "reader": R0, "job": {"kind": "change-pin"}}))
        .expect("start")["job"]
        .as_u64()
        .expect("id");
    wait_event(&mut a, T, |e| e["event"] == "secret-request");
    match b.call(json!({"op": "start-job", "reader": R0, "job": {"kind": "unblock"}})) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "busy"),
        other => panic!("second job on the same card: {other:?}"),
    }
    match b.call(json!({"op": "secret", "job": j0, "name": "current-pin", "value": "123456"})) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "forbidden"),
        other => panic!("a stranger answered: {other:?}"),
    }
    // The other reader is free.
    let j1 = b
        .call(json!({"op": "start-job", "reader": R1, "job": {"kind": "change-pin"}}))
        .expect("parallel job")["job"]
        .as_u64()
        .expect("id");
    assert_ne!(j0, j1);
    let st = b
        .call(json!({"op": "job-status", "job": j0}))
        .expect("status");
    assert_eq!(st["waiting_for"], "current-pin", "{st}");
    assert_eq!(st["state"], "running");

    // Cancel one; the other's owner goes away (which cancels it too).
    b.call(json!({"op": "cancel", "job": j0})).expect("cancel");
    let e = wait_event(&mut a, T, |e| e["event"] == "job-finished");
    assert_eq!(e["state"], "cancelled", "{e}");
    drop(b);
    let mut c = d.client();
    let start = std::time::Instant::now();
    loop {
        let st = c
            .call(json!({"op": "job-status", "job": j1}))
            .expect("status");
        if st["state"] == "cancelled" {
            break;
        }
        assert!(start.elapsed() < T, "owner gone but job still {st}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn card_pulled_during_a_job_gives_a_clear_job_error() {
    let (mut rig, _dir, d) = setup();
    let mut a = d.client();
    a.call(json!({"op": "start-job", "reader": R1, "job": {"kind": "change-pin"}}))
        .expect("start");
    wait_event(&mut a, T, |e| e["event"] == "secret-request");
    rig.remove_card(1).expect("remove");
    let e = wait_event(&mut a, T, |e| e["event"] == "job-finished");
    assert_eq!(e["state"], "failed", "{e}");
    assert_eq!(e["error"]["code"], "card-gone", "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("removed")),
        "{e}"
    );
    // Swapped back in: the daemon identifies it again and takes jobs on it.
    rig.insert_card(1).expect("insert");
    wait_cards(&mut a, T, |r| all_identified(r, 2));
    let run = run_job(&mut a, R1, json!({"kind": "change-pin"}), |n| {
        Some(
            if n == "current-pin" {
                "123456"
            } else {
                "87654321"
            }
            .into(),
        )
    });
    assert_eq!(run.finished["state"], "done", "{}", run.finished);
}

#[test]
fn card_swapped_during_a_job_stops_it_and_the_new_card_is_identified() {
    let (mut rig, _dir, d) = setup();
    let mut a = d.client();
    a.call(json!({"op": "start-job", "reader": R1, "job": {"kind": "change-pin"}}))
        .expect("start");
    wait_event(&mut a, T, |e| e["event"] == "secret-request");
    // Another card (serial 55555555) in the same reader while the job waits for the PIN.
    rig.replace_state(1, &sello::virtual_card::CardState::factory(55_555_555))
        .expect("swap");
    let e = wait_event(&mut a, T, |e| e["event"] == "job-finished");
    assert_eq!(e["error"]["code"], "card-gone", "{e}");
    // The PIN the job would have used never reaches the new card: it is still factory-fresh.
    let cards = wait_cards(&mut a, T, |r| {
        r.get(1).is_some_and(|r| r["card"]["serial"] == "55555555")
    });
    assert_eq!(
        cards["readers"][1]["card"]["pins"]["pin_is_default"], true,
        "{cards}"
    );
    // Answering the old request now is refused: the job is over.
    match a.call(json!({"op": "secret", "job": e["job"], "name": "current-pin", "value": "123456"}))
    {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "bad-request"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn start_job_response_comes_before_the_jobs_first_event() {
    use std::io::{BufRead, BufReader, Write};
    let (_rig, _dir, d) = setup();
    for _ in 0..20 {
        let s = std::os::unix::net::UnixStream::connect(&d.socket).expect("connect");
        let mut w = s.try_clone().expect("clone");
        let mut r = BufReader::new(s);
        writeln!(
            w,
            r#"{{"id":"s","op":"start-job","reader":"{R0}","job":{{"kind":"change-pin"}}}}"#
        )
        .expect("write");
        let mut first = String::new();
        r.read_line(&mut first).expect("read");
        let v: serde_json::Value = serde_json::from_str(&first).expect("JSON");
        assert_eq!(v["id"], "s", "first line is not the response: {first}");
        loop {
            let mut next = String::new();
            r.read_line(&mut next).expect("read");
            if next.contains("secret-request") {
                break;
            }
            assert!(next.contains("job-progress"), "{next}");
        }
        // Hanging up cancels the job; wait until the reader is free again.
        drop((w, r));
        let mut c = d.client();
        let job = v["result"]["job"].as_u64().expect("id");
        while c
            .call(json!({"op": "job-status", "job": job}))
            .expect("status")["state"]
            == "running"
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
