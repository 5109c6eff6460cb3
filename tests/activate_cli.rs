//! `sello activate` end to end through a private pcscd and the virtual card, with the local
//! issuer (rcgen) behind a CA made by openssl: RSA-2048 and P-256; an activation interrupted after
//! key generation (CA unreachable, card pulled and reinserted) and resumed; the certificates read
//! back by tools we did not write (yubico-piv-tool, OpenSC pkcs15-tool) and checked by openssl.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::{text, Bench};
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

/// JSON Lines on stdout: every line parsed.
fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", text(out)))
        })
        .collect()
}

/// A CA made by openssl in `ca/`, and the operator's master secret.
fn prepare(b: &Bench) {
    b.make_local_ca();
    b.write(
        "master.secret",
        b"a long operator master secret, kept in a file\n",
    );
}

fn activate_args<'a>(extra: &[&'a str], local_ca: &'a str) -> Vec<&'a str> {
    let mut v = vec![
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
        local_ca,
        "--mgmt-secret-file",
        "master.secret",
    ];
    v.extend_from_slice(extra);
    v
}

/// Reads slot `slot`'s certificate with yubico-piv-tool and checks it with openssl: chains to the
/// CA, and its public key is the key yubico-piv-tool reports for the slot... via the journal's
/// record of the on-card key.
fn check_slot(b: &Bench, slot: &str, journal: &Value) {
    let pem = b.yk(&["-a", "read-certificate", "-s", slot]);
    let begin = pem
        .find("-----BEGIN CERTIFICATE-----")
        .expect("PEM from yubico-piv-tool");
    b.write(&format!("{slot}.pem"), &pem.as_bytes()[begin..]);
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", "ca/ca.pem", &format!("{slot}.pem")],
    );
    assert!(v.contains(": OK"), "{v}");
    let cert_key = b.ok(
        "openssl",
        &["x509", "-in", &format!("{slot}.pem"), "-noout", "-pubkey"],
    );
    let rec = journal["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["slot"].as_str() == Some(&slot.to_uppercase()))
        .expect("slot in journal");
    assert_eq!(
        cert_key.trim(),
        rec["public_key"].as_str().expect("pem").trim()
    );
    let subj = b.ok(
        "openssl",
        &[
            "x509",
            "-in",
            &format!("{slot}.pem"),
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253,-esc_msb",
        ],
    );
    assert_eq!(
        subj.trim(),
        "subject=CN=María José García López - NIF:12345678Z,SN=García López,GN=María José,serialNumber=IDCES-12345678Z,C=ES"
    );
    // Our own export gives the same certificate.
    let out = sello(b, &["cert", "export", "--slot", slot], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        pem[begin..].trim()
    );
}

fn journal(b: &Bench) -> Value {
    let out = sello(b, &["activate", "--show-journal", "--json"], "");
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("journal JSON")
}

#[test]
fn activation_rsa2048_end_to_end() {
    let b = Bench::start();
    prepare(&b);
    let out = sello(&b, &activate_args(&[], "ca"), &format!("{PIN}\n"));
    let lines = json_lines(&out);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out),
        b.rig.pcscd_log()
    );
    let puk = lines[0]["puk"].as_str().expect("PUK event first");
    assert_eq!(puk.len(), 8);
    let result = lines.last().expect("result");
    assert_eq!(result["activation"], "complete");
    assert_eq!(result["serial"], "10000001");
    assert!(
        result["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .all(|s| s["status"] == "done"),
        "{result}"
    );
    let j = journal(&b);
    for slot in ["9a", "9c"] {
        check_slot(&b, slot, &j);
    }
    let text_j = serde_json::to_string(&j).expect("json");
    assert!(
        !text_j.contains(PIN) && !text_j.contains(puk),
        "journal leaks a secret"
    );
    // Running the same command again (human output) changes nothing and says so.
    let mut args = activate_args(&[], "ca");
    args.retain(|a| *a != "--json");
    let again = sello(&b, &args, &format!("{PIN}\n"));
    let t = text(&again);
    assert!(again.status.success(), "{t}");
    assert!(
        t.contains("[already done] Generate key 9A on the card"),
        "{t}"
    );
    assert!(
        t.contains("Card 10000001 activated with profile citizen-piv."),
        "{t}"
    );
    assert!(!t.contains(PIN) && !t.contains(puk), "{t}");
    // The activated card: the holder's PIN works with yubico-piv-tool.
    b.yk(&["-a", "verify-pin", "-P", PIN]);
    // OpenSC sees both certificates.
    let listing = b.ok("pkcs15-tool", &["-D"]);
    assert!(
        listing.contains("X.509 Certificate [Certificate for PIV Authentication]"),
        "{listing}"
    );
    assert!(
        listing.contains("X.509 Certificate [Certificate for Digital Signature]"),
        "{listing}"
    );
    assert!(listing.contains("Private RSA Key [SIGN key]"), "{listing}");
}

#[test]
fn activation_p256_interrupted_after_key_generation_then_resumed() {
    let mut b = Bench::start();
    prepare(&b);
    // First run: the CA is unreachable (no CA where --local-ca points).
    let out = sello(
        &b,
        &activate_args(&["--algorithm", "P-256"], "no-such-ca"),
        &format!("{PIN}\n"),
    );
    assert!(!out.status.success(), "{}", text(&out));
    let lines = json_lines(&out);
    assert!(lines[0]["puk"].is_string(), "{lines:?}");
    let err = lines.last().expect("error line").to_string();
    assert!(
        err.contains("unreachable") && err.contains("run the same command again"),
        "{err}"
    );
    assert!(!err.contains(PIN), "{err}");
    let j1 = journal(&b);
    let keys1: Vec<String> = j1["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["public_key"].as_str().expect("pem").to_owned())
        .collect();
    assert_eq!(keys1.len(), 2);
    assert!(j1["completed_at"].is_null());

    // The card is pulled out and put back.
    b.rig.remove_card(0).expect("remove");
    b.rig.insert_card(0).expect("insert");

    // Second run, same command but the CA is back: resumes, the holder types the PIN once.
    let out = sello(
        &b,
        &activate_args(&["--algorithm", "P-256"], "ca"),
        &format!("{PIN}\n"),
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out),
        b.rig.pcscd_log()
    );
    let lines = json_lines(&out);
    assert!(
        lines.iter().all(|l| l.get("puk").is_none()),
        "PUK shown once only"
    );
    let result = lines.last().expect("result");
    let status = |name: &str| -> Vec<String> {
        result["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|s| s["step"] == name)
            .map(|s| s["status"].as_str().expect("status").to_owned())
            .collect()
    };
    assert_eq!(
        status("generate-key"),
        ["already-done", "already-done"],
        "{result}"
    );
    assert_eq!(status("pin"), ["already-done"]);
    assert_eq!(status("write-certificate"), ["done", "done"]);
    let j2 = journal(&b);
    let keys2: Vec<String> = j2["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["public_key"].as_str().expect("pem").to_owned())
        .collect();
    assert_eq!(
        keys1, keys2,
        "the keys generated before the interruption are the ones certified"
    );
    for slot in ["9a", "9c"] {
        check_slot(&b, slot, &j2);
    }
    let human = sello(&b, &["activate", "--show-journal"], "");
    let h = text(&human);
    assert!(
        h.contains("complete") && h.contains("generate-key 9A"),
        "{h}"
    );
    let listing = b.ok("pkcs15-tool", &["-D"]);
    assert!(
        listing.contains("X.509 Certificate [Certificate for PIV Authentication]"),
        "{listing}"
    );
    assert!(
        listing.contains("X.509 Certificate [Certificate for Digital Signature]"),
        "{listing}"
    );
    assert!(listing.contains("Private EC Key [SIGN key]"), "{listing}");
}

#[test]
fn certificate_from_an_untrusted_ca_is_refused_and_never_written() {
    let b = Bench::start();
    prepare(&b);
    // The operator's configured CA is another one than the CA that answers.
    b.ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "other.key",
            "-out",
            "other.pem",
            "-subj",
            "/CN=Some Other CA",
            "-days",
            "30",
        ],
    );
    let mut args = activate_args(&["--algorithm", "P-256"], "ca");
    let i = args.iter().position(|a| *a == "ca/ca.pem").expect("ca arg");
    args[i] = "other.pem";
    let out = sello(&b, &args, &format!("{PIN}\n"));
    assert!(!out.status.success(), "{}", text(&out));
    let err = json_lines(&out).last().expect("error").to_string();
    assert!(
        err.contains("refused, nothing written") && err.contains("does not chain"),
        "{err}"
    );
    for slot in ["9a", "9c"] {
        b.yk_fails(&["-a", "read-certificate", "-s", slot]);
    }
    let j = journal(&b);
    assert!(j["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .all(|k| k["certificate"].is_null()));
}

#[test]
fn process_killed_during_the_first_card_signature_then_resumed() {
    use std::io::BufRead;
    let b = Bench::start();
    prepare(&b);
    let mut args = activate_args(&[], "ca");
    args.push("--verbose");
    let mut child = b
        .rig
        .command(SELLO)
        .args(&args)
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
        .write_all(format!("{PIN}\n").as_bytes())
        .expect("stdin");
    // Kill -9 as soon as the first CSR signature (GENERAL AUTHENTICATE on 9A) is sent: both keys
    // are generated and recorded by then, no certificate exists yet.
    let stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut killed = false;
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.expect("trace line");
        assert!(
            !line.contains(&hex::encode_upper(PIN)),
            "PIN in the trace: {line}"
        );
        let is_sign =
            line.starts_with("> ") && line.get(4..6) == Some("87") && line.get(8..10) == Some("9A");
        seen.push(line);
        if is_sign {
            child.kill().expect("kill");
            killed = true;
            break;
        }
    }
    let _ = child.wait();
    assert!(killed, "no signature seen:\n{}", seen.join("\n"));
    let j1 = journal(&b);
    assert!(j1["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .all(|k| k["csr"].is_null()));
    let keys1: Vec<Value> = j1["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["public_key"].clone())
        .collect();
    assert_eq!(keys1.len(), 2);

    let out = sello(&b, &activate_args(&[], "ca"), &format!("{PIN}\n"));
    assert!(out.status.success(), "{}", text(&out));
    let j2 = journal(&b);
    let keys2: Vec<Value> = j2["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["public_key"].clone())
        .collect();
    assert_eq!(keys1, keys2);
    for slot in ["9a", "9c"] {
        check_slot(&b, slot, &j2);
    }
}

/// Issue 10 §4: the citizen profile's optional key-management key (9D) is created when the
/// activation names its algorithm; its certificate is for S/MIME (keyEncipherment,
/// emailProtection, the holder's e-mail), and `libsello.so` decrypts with it (`C_Decrypt`,
/// RSA PKCS#1 v1.5 and OAEP) what openssl encrypted to the certificate — through `pkcs11-tool`.
#[test]
fn activation_with_the_optional_key_management_key() {
    let b = Bench::start();
    prepare(&b);
    let out = sello(
        &b,
        &activate_args(&["--slot-algorithm", "9D=RSA-2048"], "ca"),
        &format!("{PIN}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let j = journal(&b);
    for slot in ["9a", "9c", "9d"] {
        check_slot(&b, slot, &j);
    }
    let cert = b.ok("openssl", &["x509", "-in", "9d.pem", "-noout", "-text"]);
    assert!(cert.contains("Key Encipherment"), "{cert}");
    assert!(cert.contains("E-mail Protection"), "{cert}");
    assert!(cert.contains("email:mj@example.es"), "{cert}");
    b.ok(
        "openssl",
        &[
            "x509", "-in", "9d.pem", "-noout", "-pubkey", "-out", "9d.pub",
        ],
    );
    b.write("secret", b"a content-encryption key");
    for (pad, mech) in [("pkcs1", "RSA-PKCS"), ("oaep", "RSA-PKCS-OAEP")] {
        let ct = format!("{pad}.bin");
        b.ok(
            "openssl",
            &[
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-inkey",
                "9d.pub",
                "-pkeyopt",
                &format!("rsa_padding_mode:{pad}"),
                "-in",
                "secret",
                "-out",
                &ct,
            ],
        );
        let pt = format!("{pad}.txt");
        let module = support::module();
        let mut args = vec![
            "--module",
            &module,
            "--login",
            "--pin",
            PIN,
            "--decrypt",
            "--id",
            "03",
            "-m",
            mech,
            "-i",
            &ct,
            "-o",
            &pt,
        ];
        if pad == "oaep" {
            args.extend_from_slice(&["--hash-algorithm", "SHA-1", "--mgf", "MGF1-SHA1"]);
        }
        b.ok("pkcs11-tool", &args);
        assert_eq!(b.read(&pt), b"a content-encryption key", "{pad}");
    }
    // Without --slot-algorithm 9D the activation leaves 9D alone (the other tests).
}
