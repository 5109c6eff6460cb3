//! The `sello` CLI against a virtual card through a private pcscd, cross-checked with
//! yubico-piv-tool (a tool we did not write).

mod rig;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::{text, Bench};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

/// Runs `sello` in English (the tests read its messages), whatever the machine's locale.
fn sello(b: &Bench, args: &[&str], stdin: &str) -> Output {
    sello_in(b, "C", args, stdin)
}

/// Runs `sello` with `LC_ALL=locale`.
fn sello_in(b: &Bench, locale: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .env("LC_ALL", locale)
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
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

fn sello_json(b: &Bench, args: &[&str], stdin: &str) -> (bool, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = sello(b, &all, stdin);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", text(&out)));
    (out.status.success(), v)
}

#[test]
fn readers_and_status_of_a_factory_card() {
    let b = Bench::start();
    let (ok, v) = sello_json(&b, &["readers"], "");
    assert!(ok);
    let readers = v["readers"].as_array().expect("readers array");
    let with_card: Vec<_> = readers
        .iter()
        .filter(|r| r["card_present"] == true)
        .collect();
    assert_eq!(with_card.len(), 1, "{v}");
    assert_eq!(with_card[0]["name"], "Virtual PCD 00 00");

    let (ok, v) = sello_json(&b, &["status"], "");
    assert!(ok, "{v}");
    assert_eq!(v["card"], "PIV");
    assert_eq!(v["serial"], "10000001");
    assert_eq!(v["version"], "5.7.1");
    assert_eq!(v["pins"]["pin"]["remaining"], 3);
    assert_eq!(v["pins"]["puk"]["remaining"], 3);
    assert_eq!(v["pins"]["pin_is_default"], true);
    assert_eq!(v["slots"].as_array().map(Vec::len), Some(0));

    let human = sello(&b, &["status"], "");
    let h = text(&human);
    assert!(human.status.success(), "{h}");
    assert!(h.contains("Serial:   10000001"), "{h}");
    assert!(h.contains("PIN:      3 of 3 tries left"), "{h}");
}

#[test]
fn status_shows_keys_and_certificates_made_by_another_tool() {
    let b = Bench::start();
    // yubico-piv-tool generates a key and imports a certificate made by openssl.
    b.make_ca();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", "9a.pem",
    ]);
    // The test CA issues for 30 days: inside the expiry warning window.
    b.issue("9a.pem", "Status Test Holder", "holder.pem");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "holder.pem"]);

    let (ok, v) = sello_json(&b, &["status"], "");
    assert!(ok, "{v}");
    let slots = v["slots"].as_array().expect("slots");
    let s9a = slots
        .iter()
        .find(|s| s["slot"] == "9A")
        .unwrap_or_else(|| panic!("no 9A in {v}"));
    assert_eq!(s9a["algorithm"], "P-256");
    let subject = s9a["certificate"]["subject"].as_str().expect("subject");
    assert!(subject.contains("Status Test Holder"), "{subject}");
    let days = s9a["certificate"]["days_left"].as_i64().expect("days");
    assert!((28..=30).contains(&days), "{days}");
    assert_eq!(s9a["certificate"]["expires_soon"], true);
    let h = text(&sello(&b, &["status"], ""));
    assert!(h.contains("WARNING: expires in"), "{h}");
    assert!(h.contains("Status Test Holder"), "{h}");
}

#[test]
fn no_card_has_its_own_exit_status() {
    let mut b = Bench::start();
    b.rig.remove_card(0).expect("card removed");
    // No card in any reader.
    let out = sello(&b, &["status"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("no card in any reader"),
        "{}",
        text(&out)
    );
    // The named reader, empty.
    let out = sello(&b, &["pin", "status", "--reader", "Virtual PCD 00 00"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    // A usage error is 2 (clap), a card present again is 0.
    assert_eq!(sello(&b, &["status", "--bogus"], "").status.code(), Some(2));
    b.rig.insert_card(0).expect("card inserted");
    let out = sello(&b, &["status"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn pin_change_wrong_then_right_checked_by_yubico_piv_tool() {
    let b = Bench::start();
    // A wrong current PIN costs exactly one try and says so; nothing is retried.
    let out = sello(&b, &["pin", "change", "--pin-stdin"], "999999\n24681357\n");
    let t = text(&out);
    assert_eq!(
        out.status.code(),
        Some(4),
        "exit status of a wrong PIN: {t}"
    );
    assert!(t.contains("wrong PIN, 2 tries left"), "{t}");
    assert!(
        !t.contains("999999") && !t.contains("24681357"),
        "secret echoed: {t}"
    );
    let (_, v) = sello_json(&b, &["pin", "status"], "");
    assert_eq!(v["pin"]["remaining"], 2, "{v}");

    let out = sello(&b, &["pin", "change", "--pin-stdin"], "123456\n24681357\n");
    assert!(out.status.success(), "{}", text(&out));
    // The independent tool sees the new PIN, and the old one no longer works.
    assert!(b
        .yk(&["-a", "verify-pin", "-P", "24681357"])
        .contains("Successfully verified PIN."));
    b.yk_fails(&["-a", "verify-pin", "-P", "123456"]);
}

#[test]
fn blocked_pin_is_unblocked_with_the_puk() {
    let b = Bench::start();
    for left in [2, 1] {
        let out = sello(&b, &["pin", "change", "--pin-stdin"], "000000\n11223344\n");
        assert!(text(&out).contains(&format!("{left} tr")), "{}", text(&out));
    }
    let out = sello(&b, &["pin", "change", "--pin-stdin"], "000000\n11223344\n");
    assert!(text(&out).contains("PIN blocked"), "{}", text(&out));
    assert_eq!(out.status.code(), Some(5), "exit status of a blocked PIN");
    let (ok, v) = sello_json(&b, &["pin", "change", "--pin-stdin"], "123456\n11223344\n");
    assert!(!ok);
    assert_eq!(v["code"], "pin-blocked", "{v}");

    // A wrong PUK costs a PUK try and leaves the PIN blocked.
    let out = sello(
        &b,
        &["pin", "unblock", "--pin-stdin"],
        "87654321\n11223344\n",
    );
    assert!(
        text(&out).contains("wrong PUK, 2 tries left"),
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(4), "exit status of a wrong PUK");
    let out = sello(
        &b,
        &["pin", "unblock", "--pin-stdin"],
        "12345678\n11223344\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let (_, v) = sello_json(&b, &["pin", "status"], "");
    assert_eq!(v["pin"]["remaining"], 3, "{v}");
    // A correct PUK resets the PUK's own counter, as on real cards.
    assert_eq!(v["puk"]["remaining"], 3, "{v}");
    assert!(b
        .yk(&["-a", "verify-pin", "-P", "11223344"])
        .contains("Successfully verified PIN."));
}

#[test]
fn bad_input_is_refused_before_the_card_is_touched() {
    let b = Bench::start();
    // Too short a new PIN: refused on the host, no try spent.
    let out = sello(&b, &["pin", "change", "--pin-stdin"], "123456\n12\n");
    assert!(!out.status.success());
    assert!(
        text(&out).contains("new PIN is not acceptable"),
        "{}",
        text(&out)
    );
    let (_, v) = sello_json(&b, &["pin", "status"], "");
    assert_eq!(v["pin"]["remaining"], 3, "{v}");
    // A new PIN PIV would take but the card's profile (citizen-piv: digits) does not: refused
    // with the rule in plain words, for a change and an unblock alike, no try spent.
    for (args, input) in [
        (["pin", "change", "--pin-stdin"], "999999\nabcd1234\n"),
        (["pin", "unblock", "--pin-stdin"], "87654321\nabcd1234\n"),
    ] {
        let out = sello(&b, &args, input);
        let t = text(&out);
        assert!(!out.status.success(), "{t}");
        assert!(t.contains("the new PIN may contain only"), "{t}");
        assert!(!t.contains("abcd1234"), "secret echoed: {t}");
    }
    // The profile's rule in the holder's language, with its numbers; never the PIN typed; the
    // --json code is the same in every language.
    for (locale, rule) in [
        (
            "es_ES.UTF-8",
            "el PIN nuevo debe tener entre 6 y 8 caracteres",
        ),
        (
            "ca_ES.UTF-8@valencia",
            "el PIN nou ha de tindre entre 6 i 8 caràcters",
        ),
        (
            "ca_ES.UTF-8",
            "el PIN nou ha de tenir entre 6 i 8 caràcters",
        ),
    ] {
        let out = sello_in(
            &b,
            locale,
            &["pin", "change", "--pin-stdin"],
            "123456
1357
",
        );
        let t = text(&out);
        assert!(!out.status.success(), "{t}");
        assert!(t.contains(rule), "{locale}: {t}");
        assert!(!t.contains("1357"), "secret echoed: {t}");
        let out = sello_in(
            &b,
            locale,
            &["pin", "change", "--pin-stdin", "--json"],
            "123456
abcd1234
",
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let en = sello(
            &b,
            &["pin", "change", "--pin-stdin", "--json"],
            "123456
abcd1234
",
        );
        let en: Value = serde_json::from_slice(&en.stdout).expect("JSON");
        assert_eq!(v["code"], en["code"], "{v} / {en}");
        assert_ne!(v["error"], en["error"], "{v} / {en}");
        assert!(!v.to_string().contains("abcd1234"), "secret echoed: {v}");
    }
    let (_, v) = sello_json(&b, &["pin", "status"], "");
    assert_eq!(v["pin"]["remaining"], 3, "{v}");
    assert_eq!(v["puk"]["remaining"], 3, "{v}");
    // Missing input is an error, not a hang or a guess.
    let out = sello(&b, &["pin", "change", "--pin-stdin"], "123456\n");
    assert!(
        text(&out).contains("ended before the new PIN"),
        "{}",
        text(&out)
    );
    // An unknown reader is named in the error.
    let out = sello(&b, &["status", "--reader", "No Such Reader"], "");
    assert!(
        text(&out).contains("no reader named \"No Such Reader\""),
        "{}",
        text(&out)
    );
}
