//! sellod against a private pcscd with two virtual readers: the inventory follows insertions and
//! removals (events, `list-cards`), and bad input gets error objects without hurting the daemon.
#![cfg(feature = "virtual-card")]

mod daemon_support;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use daemon_support::{all_identified, wait_cards, wait_event, Sellod};
use sello::virtual_card::rig::{Rig, RigOptions};
use serde_json::json;

const R0: &str = "Virtual PCD 00 00";
const R1: &str = "Virtual PCD 00 01";
const T: Duration = Duration::from_secs(20);

fn rig() -> Rig {
    Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2)).expect("rig starts")
}

#[test]
fn inventory_follows_insert_and_remove_on_two_readers() {
    let mut rig = rig();
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    let mut c = d.client();
    let cards = wait_cards(&mut c, T, |r| all_identified(r, 2));
    let readers = cards["readers"].as_array().expect("readers");
    assert_eq!(readers[0]["reader"], R0, "{cards}");
    assert_eq!(readers[1]["reader"], R1, "{cards}");
    assert_eq!(readers[0]["card"]["driver"], "PIV");
    assert_ne!(readers[0]["card"]["serial"], readers[1]["card"]["serial"]);
    assert!(
        readers[0]["card"]["pins"]["pin_tries"].is_number(),
        "{cards}"
    );
    assert_eq!(cards["service"], true);

    let mut sub = d.client();
    assert_eq!(
        sub.call(json!({"op": "subscribe"})).expect("sub")["subscribed"],
        true
    );
    rig.remove_card(1).expect("remove");
    let e = wait_event(&mut sub, T, |e| e["event"] == "card-removed");
    assert_eq!(e["reader"], R1);
    let st = c.call(json!({"op": "card-status", "reader": "00 01"}));
    assert!(
        matches!(&st, Err(sello::daemon::client::ClientError::Api { code, .. }) if code == "no-card"),
        "{st:?}"
    );
    // The other card is untouched.
    let st = c
        .call(json!({"op": "card-status", "reader": "00 00", "refresh": true}))
        .expect("status");
    assert_eq!(st["card"]["driver"], "PIV", "{st}");

    rig.insert_card(1).expect("insert");
    let e = wait_event(&mut sub, T, |e| e["event"] == "card-inserted");
    assert_eq!(e["reader"], R1);
    assert!(
        e["atr"].as_str().is_some_and(|a| a.starts_with("3B")),
        "{e}"
    );
    let e = wait_event(&mut sub, T, |e| e["event"] == "card-identified");
    assert_eq!(e["reader"], R1);
    assert!(e["card"]["serial"].is_string(), "{e}");
}

#[test]
fn malformed_and_oversized_requests_get_errors_and_the_daemon_survives() {
    let rig = rig();
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    let mut c = d.client();
    let code = |v: &serde_json::Value| v["error"]["code"].as_str().unwrap_or("").to_owned();

    let r = c.raw(b"this is not json\n").expect("answer");
    assert_eq!(
        (r["ok"].clone(), code(&r)),
        (json!(false), "bad-request".into()),
        "{r}"
    );
    let r = c.raw(b"[1,2,3]\n").expect("answer");
    assert_eq!(code(&r), "bad-request", "{r}");
    let r = c
        .raw(b"{\"id\":9,\"op\":\"format-the-disk\"}\n")
        .expect("answer");
    assert_eq!(
        (r["id"].clone(), code(&r)),
        (json!(9), "bad-request".into()),
        "{r}"
    );
    let r = c.raw(b"\xff\xfe\x00garbage\n").expect("answer");
    assert_eq!(code(&r), "bad-request", "{r}");
    let r = c
        .raw(b"{\"id\":1,\"op\":\"secret\",\"job\":1,\"name\":\"pin\",\"value\":987654}\n")
        .expect("answer");
    assert!(!r.to_string().contains("987654"), "secret echoed: {r}");
    let mut big = vec![b'x'; 1024 * 1024];
    big.push(b'\n');
    let r = c.raw(&big).expect("answer");
    assert_eq!(code(&r), "too-large", "{r}");
    // The same connection still works, and so do new ones.
    let hello = c.call(json!({"op": "hello"})).expect("hello");
    assert_eq!(hello["protocol"], 1);

    for (req, want) in [
        (
            json!({"op": "card-status", "reader": "No Such Reader"}),
            "no-reader",
        ),
        (json!({"op": "job-status", "job": 4242}), "no-job"),
        (json!({"op": "cancel", "job": 4242}), "no-job"),
        (
            // A renewal needs at least its EST server.
            json!({"op": "start-job", "reader": R0, "job": {"kind": "renew"}}),
            "bad-request",
        ),
        (
            json!({"op": "secret", "job": 4242, "name": "pin", "value": "123456"}),
            "no-job",
        ),
    ] {
        match c.call(req.clone()) {
            Err(sello::daemon::client::ClientError::Api { code, .. }) => {
                assert_eq!(code, want, "{req}")
            }
            other => panic!("{req}: {other:?}"),
        }
    }

    // A client that sends half a line and vanishes, and one that floods without reading.
    {
        let mut s = UnixStream::connect(&d.socket).expect("connect");
        s.write_all(b"{\"op\":\"hel").expect("write");
    }
    {
        let mut s = UnixStream::connect(&d.socket).expect("connect");
        s.set_write_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        for _ in 0..20_000 {
            if s.write_all(b"{\"op\":\"hello\"}\n").is_err() {
                break;
            }
        }
    }
    let mut c2 = d.client();
    assert_eq!(
        c2.call(json!({"op": "hello"})).expect("hello")["daemon"],
        "sellod"
    );
}

#[test]
fn unreadable_certificates_are_an_error_not_none_and_are_read_again_at_the_next_event() {
    let mut rig = rig();
    // Card 0's 9A certificate object is not a PIV container: its certificates cannot be read.
    let mut bad = sello::virtual_card::CardState::factory(10_000_001);
    bad.objects.insert(0x5FC105, vec![0x01, 0x02, 0x03]);
    rig.replace_state(0, &bad).expect("bad card");
    let dir = tempfile::tempdir().expect("tmp");
    let d = Sellod::start(&rig, dir.path());
    let mut c = d.client();
    let cards = wait_cards(&mut c, T, |r| all_identified(r, 2));
    let card = &cards["readers"][0]["card"];
    assert!(card["certificates"].is_null(), "{cards}");
    assert!(
        card["errors"]["certificates"]
            .as_str()
            .is_some_and(|e| e.contains("malformed")),
        "{cards}"
    );
    // What could be read still shows; the good card has no errors.
    assert!(card["pins"]["pin_tries"].is_number(), "{cards}");
    assert!(cards["readers"][1]["card"]["errors"].is_null(), "{cards}");
    assert!(cards["readers"][1]["card"]["certificates"].is_array());

    // The next event (another reader's card going) reads the incomplete card again.
    let mut sub = d.client();
    sub.call(json!({"op": "subscribe"})).expect("sub");
    rig.remove_card(1).expect("remove");
    let e = wait_event(&mut sub, T, |e| {
        e["event"] == "card-identified" && e["reader"] == R0
    });
    assert!(e["card"]["errors"]["certificates"].is_string(), "{e}");
}
