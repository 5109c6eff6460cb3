//! `sello activate` on cards Sello did not write (`sello-vcard --compat`), through a private
//! pcscd: a YubiKey 5.4 (no MOVE KEY) activates as a 5.7 does; the partial applet (PIN metadata
//! without tag 01, 5 PIN tries it cannot change, Sello's record object refused with 6A81) is
//! refused by a profile that requires its PIN tries, then finished by the same activation with a
//! profile that accepts the card's count; the output says what the card enforces and that it does
//! not keep Sello's record, and the refused record is sent once. Certificates are checked with
//! yubico-piv-tool and openssl.
#![cfg(feature = "virtual-card")]

mod rig;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::{text, Bench};
use sello::virtual_card::Compat;
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const PIN: &str = "13572468";

fn sello(b: &Bench, args: &[&str], stdin: &str) -> Output {
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .env("SELLO_PROFILE_DIR", b.path("profiles"))
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

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", text(out)))
        })
        .collect()
}

/// A CA made by openssl in `ca/`, and the operator's master secret.
fn prepare(b: &Bench) {
    std::fs::create_dir_all(b.path("profiles")).expect("profiles dir");
    b.make_local_ca();
    b.write(
        "master.secret",
        b"a long operator master secret, kept in a file\n",
    );
}

fn activate(b: &Bench, verbose: bool) -> Output {
    activate_with(b, verbose, &[])
}

fn activate_with(b: &Bench, verbose: bool, extra: &[&str]) -> Output {
    let mut args = vec![
        "activate",
        "--json",
        "--pin-stdin",
        "--nif",
        "12345678Z",
        "--given-name",
        "María José",
        "--surnames",
        "García López",
        "--email",
        "mj@example.es",
        "--ca-cert",
        "ca/ca.pem",
        "--local-ca",
        "ca",
        "--mgmt-secret-file",
        "master.secret",
        "--algorithm",
        "P-256",
    ];
    if verbose {
        args.push("--verbose");
    }
    args.extend_from_slice(extra);
    sello(b, &args, &format!("{PIN}\n"))
}

/// The detail of step `name` in the final result line.
fn step(result: &Value, name: &str) -> String {
    result["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {result}"))["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The slot's certificate, read by yubico-piv-tool, chains to the CA (openssl).
fn check_slot(b: &Bench, slot: &str) {
    let pem = b.yk(&["-a", "read-certificate", "-s", slot]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    b.write(&format!("{slot}.pem"), &pem.as_bytes()[begin..]);
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", "ca/ca.pem", &format!("{slot}.pem")],
    );
    assert!(v.contains(": OK"), "{v}");
}

#[test]
fn yubikey_5_4_another_tools_key_refused_replaced_on_request_then_reissued() {
    let b = Bench::start_compat(Compat::Yubikey54);
    prepare(&b);
    // yubico-piv-tool put a key and a certificate in 9A.
    b.yk(&[
        "-a",
        "generate",
        "-s",
        "9a",
        "-A",
        "ECCP256",
        "-o",
        "9a-other.pem",
    ]);
    b.make_ca();
    b.issue("9a-other.pem", "Someone Else", "9a-other.crt");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a-other.crt"]);
    let out = activate(&b, false);
    assert!(!out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("slot 9A: a certificate for CN=Someone Else and a P-256 key")
            && t.contains("--replace-existing")
            && t.contains("nothing was changed"),
        "{t}"
    );
    // Nothing changed: the factory management key still works, the certificate is still there.
    b.yk(&["-a", "generate", "-s", "9d", "-A", "ECCP256"]);
    assert!(b
        .yk(&["-a", "status"])
        .contains("Subject DN:\tCN=Someone Else"));

    let out = activate_with(&b, false, &["--replace-existing"]);
    assert!(out.status.success(), "{}", text(&out));
    let result = json_lines(&out).pop().expect("result");
    assert_eq!(result["activation"], "complete", "{result}");
    let detail = result["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == "generate-key" && s["slot"] == "9A")
        .map(|s| s["detail"].to_string())
        .unwrap_or_default();
    assert!(
        detail.contains("replaced a certificate for CN=Someone Else and a P-256 key"),
        "{result}"
    );
    assert_eq!(
        step(&result, "pin"),
        "holder PIN set (the card allows 3 tries)"
    );
    let first = b.yk(&["-a", "read-certificate", "-s", "9a"]);

    // Re-issuing on this activated card (no MOVE KEY, so no renewal at home): the operator
    // guide's procedure. The completed journal is moved away, and the same activation with
    // --replace-existing and the holder's current PIN puts new keys and certificates in place.
    let journal = b.path("state/activations/10000001.json");
    std::fs::rename(&journal, b.path("state/activations/10000001.old.json")).expect("move");
    let out = activate_with(&b, false, &[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("slot 9A: a certificate for C=ES"),
        "{}",
        text(&out)
    );
    let out = activate_with(&b, false, &["--replace-existing"]);
    assert!(out.status.success(), "{}", text(&out));
    let result = json_lines(&out).pop().expect("result");
    assert_eq!(result["activation"], "complete", "{result}");
    assert_eq!(
        step(&result, "pin"),
        "holder PIN already set; verified",
        "{result}"
    );
    assert_ne!(b.yk(&["-a", "read-certificate", "-s", "9a"]), first);
    assert_eq!(step(&result, "contents-record"), "written");
    for slot in ["9a", "9c"] {
        check_slot(&b, slot);
    }
}

#[test]
fn partial_applet_refused_for_its_pin_tries_then_finished_with_a_profile_that_accepts_them() {
    let b = Bench::start_compat(Compat::AppletPartialMetadata);
    prepare(&b);
    // The embedded profile asks for 3 PIN tries and requires them: the card keeps 5.
    let out = activate(&b, false);
    assert!(!out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("this card keeps 5 PIN tries and cannot change that"),
        "{t}"
    );
    assert!(!t.contains(PIN), "{t}");

    // The same profile, accepting the card's count; the same activation resumes (its
    // management key was already replaced) and finishes.
    let profile = include_str!("../card-profiles/citizen-piv.toml").replace(
        "retries = 3\n\n[puk]",
        "retries = 3\nretries_required = false\n\n[puk]",
    );
    assert!(profile.contains("retries_required = false"));
    b.write("profiles/citizen-piv.toml", profile.as_bytes());
    let out = activate(&b, true);
    assert!(out.status.success(), "{}", text(&out));
    let result = json_lines(&out).pop().expect("result");
    assert_eq!(result["activation"], "complete", "{result}");
    // The card refuses the objects that would keep the holder's copy of the management key
    // (unknown data objects: 6A81): said, and not fatal in the citizen profile's "both" mode.
    assert!(
        step(&result, "management-key").contains("without a copy for the holder"),
        "{result}"
    );
    assert_eq!(
        step(&result, "pin"),
        "holder PIN set (the card allows 5 tries, not the profile's 3: the card cannot change it)"
    );
    assert_eq!(
        step(&result, "contents-record"),
        "this card does not keep Sello's record: browser start will read the certificates"
    );
    // The refused record object went to the card once (the first deletion before a write).
    let trace = String::from_utf8_lossy(&out.stderr);
    let puts = trace
        .lines()
        .filter(|l| l.contains("00DB3FFF") && l.contains("5C035F5E10"))
        .count();
    assert_eq!(puts, 1, "{trace}");
    for slot in ["9a", "9c"] {
        check_slot(&b, slot);
    }
    // The card reads as activated, and the independent tool agrees on the tries.
    let st = sello(&b, &["status", "--json"], "");
    assert!(st.status.success(), "{}", text(&st));
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t5"));
}

#[test]
fn yubikey_4_needs_a_3des_profile_and_a_plain_card_without_serial_is_refused() {
    let b = Bench::start_compat(Compat::Yubikey4);
    prepare(&b);
    // citizen-piv derives an AES-192 management key, which a YubiKey 4 cannot hold.
    let out = activate(&b, false);
    assert!(!out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("cannot take an AES-192 management key") && t.contains("3DES"),
        "{t}"
    );
    // The same refusal for an operator reading Spanish, then Valencian (the algorithm is data).
    let out = activate_with(&b, false, &["--lang", "es"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("esta tarjeta no admite una clave de administración AES-192")
            && t.contains("se ha detenido la activación de la tarjeta "),
        "{t}"
    );
    let out = activate_with(&b, false, &["--lang", "ca-valencia"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("esta targeta no admet una clau d'administració AES-192")
            && t.contains("s'ha aturat l'activació de la targeta "),
        "{t}"
    );
    // Nothing changed: the factory management key still works.
    b.yk(&["-a", "generate", "-s", "9d", "-A", "ECCP256"]);
    // The same profile with a 3DES management key activates it.
    let profile = include_str!("../card-profiles/citizen-piv.toml")
        .replace("algorithm = \"AES-192\"", "algorithm = \"3DES\"");
    assert!(profile.contains("\"3DES\""));
    b.write("profiles/citizen-piv.toml", profile.as_bytes());
    let out = activate(&b, false);
    assert!(out.status.success(), "{}", text(&out));
    let result = json_lines(&out).pop().expect("result");
    assert_eq!(result["activation"], "complete", "{result}");
    // No metadata: the tries come from an empty VERIFY.
    assert_eq!(
        step(&result, "pin"),
        "holder PIN set (the card allows 3 tries)"
    );
    for slot in ["9a", "9c"] {
        check_slot(&b, slot);
    }
    drop(b);

    let b = Bench::start_compat(Compat::PivPlain);
    prepare(&b);
    let out = activate(&b, false);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the card reports no serial number"),
        "{}",
        text(&out)
    );
}
