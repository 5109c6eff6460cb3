//! sellod when pcscd dies: the inventory reports the service and its readers gone, a job in
//! progress stops with a clear error, and everything comes back when pcscd restarts — without
//! restarting the daemon.
#![cfg(feature = "virtual-card")]

mod daemon_support;

use std::time::Duration;

use daemon_support::{all_identified, wait_cards, wait_event, Sellod};
use sello::daemon::client::ClientError;
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::json;

const R0: &str = "Virtual PCD 00 00";
const T: Duration = Duration::from_secs(30);

#[test]
fn pcscd_killed_and_restarted_mid_job() {
    let mut rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    let mut c = d.client();
    wait_cards(&mut c, T, |r| all_identified(r, 2));
    let mut sub = d.client();
    sub.call(json!({"op": "subscribe"})).expect("subscribe");

    let job = c
        .call(json!({"op": "start-job", "reader": R0, "job": {"kind": "change-pin"}}))
        .expect("start")["job"]
        .as_u64()
        .expect("id");
    wait_event(&mut c, T, |e| e["event"] == "secret-request");

    rig.restart_pcscd().expect("pcscd restarts");

    let e = wait_event(&mut c, T, |e| {
        e["event"] == "job-finished" && e["job"] == job
    });
    assert_eq!(e["state"], "failed", "{e}");
    assert_eq!(e["error"]["code"], "card-gone", "{e}");
    wait_event(&mut sub, T, |e| e["event"] == "service-down");
    wait_event(&mut sub, T, |e| e["event"] == "service-up");
    let e = wait_event(&mut sub, T, |e| e["event"] == "card-identified");
    assert!(e["card"]["serial"].is_string(), "{e}");

    // Back to normal: both cards known again, jobs accepted, and the daemon never restarted.
    wait_cards(&mut c, T, |r| all_identified(r, 2));
    let pid = d.pid();
    let run = daemon_support::run_job(&mut c, R0, json!({"kind": "change-pin"}), |n| {
        Some(
            if n == "current-pin" {
                "123456"
            } else {
                "11223344"
            }
            .into(),
        )
    });
    assert_eq!(run.finished["state"], "done", "{}", run.finished);
    assert_eq!(d.pid(), pid);
    assert!(
        d.log_text().contains("reconnecting to pcscd"),
        "{}",
        d.log_text()
    );
}

#[test]
fn requests_while_pcscd_is_down_get_clear_errors() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(1))
        .expect("rig starts");
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    let mut c = d.client();
    wait_cards(&mut c, T, |r| {
        r.first().is_some_and(|r| r["card"]["serial"].is_string())
    });
    let mut sub = d.client();
    sub.call(json!({"op": "subscribe"})).expect("subscribe");
    // pcscd gone for good.
    let pcscd = rig.pids()[0];
    std::process::Command::new("kill")
        .args(["-9", &pcscd.to_string()])
        .status()
        .expect("kill");
    wait_event(&mut sub, T, |e| e["event"] == "service-down");
    let cards = c.call(json!({"op": "list-cards"})).expect("list");
    assert_eq!(cards["service"], false, "{cards}");
    match c.call(json!({"op": "start-job", "reader": R0, "job": {"kind": "change-pin"}})) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "no-service"),
        other => panic!("{other:?}"),
    }
}
