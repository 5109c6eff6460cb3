//! PIV cards Sello did not write: the virtual card's compatibility modes (`sello-vcard --compat`)
//! through the real pcscd. One test per mode walks the whole bar on one card, so the suite stays
//! cheap: the independent tools (yubico-piv-tool, OpenSC's `pkcs11-tool` and module) accept the
//! card, keys and certificates another tool wrote show in `sello status`, `cert show`, `pin
//! status` and `doctor`, `libsello.so` lists, signs (RSA PKCS#1 v1.5, RSA-PSS, ECDSA; checked by
//! openssl), shows the PIN-count-low flag, changes the PIN and unblocks it with the PUK (OpenSC's
//! module lists the same certificates), and `sello pin change` / `pin unblock` do the same, checked
//! by yubico-piv-tool. Activation per mode is in `activate_compat.rs`.
#![cfg(feature = "virtual-card")]

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::process::Output;

use rig::{text, Bench, OPENSC_PKCS11};
use sello::virtual_card::Compat;
use serde_json::Value;
use support::{module, provision, PIN, PUK};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

fn sello(b: &Bench, args: &[&str]) -> Output {
    sello_in(b, args, "")
}

fn sello_in(b: &Bench, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .env("HOME", b.path("home"))
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

fn sello_json(b: &Bench, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = sello(b, &all);
    assert!(out.status.success(), "sello {args:?}:\n{}", text(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", text(&out)))
}

fn p11(b: &Bench, module: &str, args: &[&str]) -> String {
    let mut all = vec!["--module", module];
    all.extend_from_slice(args);
    b.ok("pkcs11-tool", &all)
}

fn p11_fails(b: &Bench, module: &str, args: &[&str]) -> String {
    let mut all = vec!["--module", module];
    all.extend_from_slice(args);
    b.fails("pkcs11-tool", &all)
}

/// What a mode reports.
struct Expect {
    /// yubico-piv-tool's `Version:` line value.
    version_line: &'static str,
    /// `sello status` version (`None`: the card has no GET VERSION).
    version: Option<&'static str>,
    serial: Option<&'static str>,
    /// Whether the card reports the PUK counter (metadata).
    puk_known: bool,
    /// PIN tries of the factory card.
    tries: u64,
}

fn walk(compat: Compat, expect: Expect) {
    let b = Bench::start_compat(compat);
    let m = module();
    let m = m.as_str();

    // The independent tools take it for a PIV card.
    let status = b.yk(&["-a", "status"]);
    assert!(
        status.contains(&format!("Version:\t{}", expect.version_line)),
        "{status}"
    );
    assert!(
        status.contains(&format!("PIN tries left:\t{}", expect.tries)),
        "{status}"
    );
    let opensc = b.ok("pkcs11-tool", &["--module", OPENSC_PKCS11, "-L"]);
    assert!(opensc.contains("PIV_II"), "{opensc}");

    // Keys and certificates written by another tool (RSA-2048 in 9A, P-256 in 9C).
    provision(&b, false);

    let v = sello_json(&b, &["status"]);
    assert_eq!(v["card"], "PIV", "{v}");
    assert_eq!(v["version"].as_str(), expect.version, "{v}");
    assert_eq!(v["serial"].as_str(), expect.serial, "{v}");
    assert_eq!(v["pins"]["pin"]["remaining"], expect.tries, "{v}");
    assert_eq!(
        v["pins"]["puk"]["remaining"].is_u64(),
        expect.puk_known,
        "{v}"
    );
    let slots = v["slots"].as_array().expect("slots");
    for (slot, alg, cn) in [
        ("9A", "RSA-2048", "Alice Holder"),
        ("9C", "P-256", "Alice Signature"),
    ] {
        let s = slots
            .iter()
            .find(|s| s["slot"] == slot)
            .unwrap_or_else(|| panic!("no {slot} in {v}"));
        assert_eq!(s["algorithm"], alg, "{v}");
        let subject = s["certificate"]["subject"].as_str().unwrap_or_default();
        assert!(subject.contains(cn), "{v}");
    }
    let out = sello(&b, &["cert", "show"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Alice Signature"), "{}", text(&out));
    let v = sello_json(&b, &["pin", "status"]);
    assert_eq!(v["pin"]["remaining"], expect.tries, "{v}");
    // The doctor reads the card, its PIN counter and its certificates.
    std::fs::create_dir_all(b.path("home")).expect("home");
    let out = sello(&b, &["doctor", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor: not JSON ({e}):\n{}", text(&out)));
    for id in ["card", "pin", "certificate"] {
        let c = v["checks"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["id"] == id))
            .unwrap_or_else(|| panic!("no {id} check in {v}"));
        assert_eq!(c["status"], "ok", "{id}: {v}");
    }

    // The PKCS#11 bar through pkcs11-tool, our module and OpenSC's on the same card.
    let ours = p11(&b, m, &["-O"]);
    let theirs = p11(&b, OPENSC_PKCS11, &["-O"]);
    for cn in ["CN=Alice Holder", "CN=Alice Signature"] {
        assert!(ours.contains(cn), "{ours}");
        assert!(theirs.contains(cn), "{theirs}");
    }
    b.write("data", b"a card Sello did not write signs");
    b.ok(
        "openssl",
        &["dgst", "-sha256", "-binary", "-out", "data.sha256", "data"],
    );
    p11(
        &b,
        m,
        &[
            "--sign", "--id", "01", "-m", "RSA-PKCS", "--login", "--pin", PIN, "-i", "data", "-o",
            "rsa.sig",
        ],
    );
    b.ok(
        "openssl",
        &[
            "pkeyutl",
            "-verifyrecover",
            "-pubin",
            "-inkey",
            "9a.pem",
            "-in",
            "rsa.sig",
            "-out",
            "rsa.rec",
        ],
    );
    assert_eq!(b.read("rsa.rec"), b.read("data"));
    p11(
        &b,
        m,
        &[
            "--sign",
            "--id",
            "01",
            "-m",
            "SHA256-RSA-PKCS-PSS",
            "--login",
            "--pin",
            PIN,
            "-i",
            "data",
            "-o",
            "pss.sig",
        ],
    );
    let ok = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pem",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:-1",
            "-signature",
            "pss.sig",
            "data",
        ],
    );
    assert!(ok.contains("Verified OK"), "{ok}");
    p11(
        &b,
        m,
        &[
            "--sign",
            "--id",
            "02",
            "-m",
            "ECDSA",
            "--login",
            "--pin",
            PIN,
            "--signature-format",
            "openssl",
            "-i",
            "data.sha256",
            "-o",
            "ec.sig",
        ],
    );
    let ok = b.ok(
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "9c.pem",
            "-in",
            "data.sha256",
            "-sigfile",
            "ec.sig",
        ],
    );
    assert!(ok.contains("Signature Verified Successfully"), "{ok}");

    // OpenSC's module signs on the same card too (checked by openssl).
    b.sign_with_opensc_and_verify(PIN, "SHA256-RSA-PKCS", b"signed by OpenSC", "9a.crt");

    // PIN change, a wrong PIN, the count-low flag on every card (empty VERIFY where there is no
    // metadata), then block and unblock with the PUK.
    p11(
        &b,
        m,
        &["--change-pin", "--pin", PIN, "--new-pin", "24681357"],
    );
    p11_fails(&b, m, &["--login", "--pin", "000000", "-O"]);
    let slots = p11(&b, m, &["-L"]);
    assert!(slots.contains("user PIN count low"), "{slots}");
    let left = b.yk(&["-a", "status"]);
    assert!(
        left.contains(&format!("PIN tries left:\t{}", expect.tries - 1)),
        "{left}"
    );
    for _ in 1..expect.tries {
        p11_fails(&b, m, &["--login", "--pin", "000000", "-O"]);
    }
    b.yk_fails(&["-a", "verify-pin", "-P", "24681357"]);
    p11(
        &b,
        m,
        &[
            "--login",
            "--login-type",
            "so",
            "--so-pin",
            PUK,
            "--init-pin",
            "--new-pin",
            "13572468",
        ],
    );
    assert!(b
        .yk(&["-a", "verify-pin", "-P", "13572468"])
        .contains("Successfully verified PIN."));
    let v = sello_json(&b, &["pin", "status"]);
    assert_eq!(v["pin"]["remaining"], expect.tries, "{v}");

    // The same through the CLI: change, block (yubico-piv-tool), unblock with the PUK.
    let out = sello_in(
        &b,
        &["pin", "change", "--pin-stdin"],
        "13572468\n11223344\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    for _ in 0..expect.tries {
        b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    }
    let v = sello_json(&b, &["pin", "status"]);
    assert_eq!(v["pin"]["remaining"], 0, "{v}");
    let out = sello_in(
        &b,
        &["pin", "unblock", "--pin-stdin"],
        &format!("{PUK}\n24681357\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(b
        .yk(&["-a", "verify-pin", "-P", "24681357"])
        .contains("Successfully verified PIN."));
}

#[test]
fn yubikey_5_4() {
    walk(
        Compat::Yubikey54,
        Expect {
            version_line: "5.4.3",
            version: Some("5.4.3"),
            serial: Some("10000001"),
            puk_known: true,
            tries: 3,
        },
    );
}

#[test]
fn yubikey_4() {
    walk(
        Compat::Yubikey4,
        Expect {
            version_line: "4.3.7",
            version: Some("4.3.7"),
            serial: Some("10000001"),
            puk_known: false,
            tries: 3,
        },
    );
}

#[test]
fn piv_plain() {
    walk(
        Compat::PivPlain,
        Expect {
            version_line: "No data available",
            version: None,
            serial: None,
            puk_known: false,
            tries: 3,
        },
    );
}

#[test]
fn applet_partial_metadata() {
    walk(
        Compat::AppletPartialMetadata,
        Expect {
            version_line: "5.4.0",
            version: Some("5.4.0"),
            serial: Some("10000001"),
            puk_known: true,
            tries: 5,
        },
    );
}
