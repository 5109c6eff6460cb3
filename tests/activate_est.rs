//! The whole registration-point story on one machine, every part real: `sello-ca` serving EST over
//! HTTPS, a private pcscd with the virtual card, `sello activate --est` (keys generated on the
//! card, CSRs signed by the card, certificates issued by EST and written back), then a signature
//! made by the card through OpenSC's PKCS#11 module and checked by openssl against the issued
//! certificate. Refusals by the CA reach the operator with the CA's reason.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::ca::LocalCa;
use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";

fn sello(b: &Bench, args: &[&str], stdin: &str) -> Output {
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
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

fn activate(b: &Bench, ca: &LocalCa, algorithm: &str, stdin: &str) -> Output {
    let root = ca.path("root.pem");
    let url = ca.est_url();
    sello(
        b,
        &[
            "activate",
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
            algorithm,
            "--est",
            &url,
            "--est-trust",
            &root,
            "--mgmt-secret-file",
            "master.secret",
        ],
        stdin,
    )
}

fn code(ca: &LocalCa) -> String {
    ca.enroll_code(
        NIF,
        "María José",
        "García Pérez",
        "mj.garcia@example.org",
        None,
    )
}

fn activation_and_signature(algorithm: &str, mechanism: &str) {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", b"operator master secret for the tests\n");
    let code = code(&ca);

    let out = activate(&b, &ca, algorithm, &format!("{PIN}\n{code}\n"));
    let t = text(&out);
    assert!(out.status.success(), "activation failed:\n{t}");
    assert!(
        !t.contains(&code) && !t.contains(PIN),
        "secret echoed:\n{t}"
    );

    // The certificate on the card chains to the CA (openssl), through tools we did not write.
    let pem = b.yk(&["-a", "read-certificate", "-s", "9a"]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    b.write("9a.pem", &pem.as_bytes()[begin..]);
    let issuing = ca.path("issuing.pem");
    let root = ca.path("root.pem");
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", &root, "-untrusted", &issuing, "9a.pem"],
    );
    assert!(v.contains("9a.pem: OK"), "{v}");
    let subject = b.ok(
        "openssl",
        &[
            "x509",
            "-in",
            "9a.pem",
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253,-esc_msb",
        ],
    );
    assert!(
        subject.contains("CN=María José García Pérez - NIF:12345678Z"),
        "{subject}"
    );

    // A signature by the card's authentication key (OpenSC's module, the holder's new PIN),
    // verified by openssl with the public key of the issued certificate.
    b.sign_with_opensc_and_verify(PIN, mechanism, b"e-government login challenge\n", "9a.pem");

    // The code was single-use: `sello-ca list` shows both certificates as issued in person.
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON list");
    let mut purposes: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c["nif"] == NIF && c["origin"] == "in-person")
        .filter_map(|c| c["purpose"].as_str())
        .collect();
    purposes.sort_unstable();
    assert_eq!(purposes, ["auth", "sign"], "{list}");
}

#[test]
fn rsa_2048_activation_through_est_then_signature_checked_by_openssl() {
    activation_and_signature("RSA-2048", "SHA256-RSA-PKCS");
}

#[test]
fn p256_activation_through_est_then_signature_checked_by_openssl() {
    activation_and_signature("P-256", "ECDSA-SHA256");
}

#[test]
fn refused_code_is_reported_nothing_written_then_resumed_with_a_new_code() {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", b"operator master secret for the tests\n");
    let _registered = code(&ca);

    // A wrong code: the CA's refusal reaches the operator; nothing is written to the card.
    let out = activate(&b, &ca, "P-256", &format!("{PIN}\nWRONGCODE9\n"));
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("refused"), "{t}");
    assert!(!t.contains("WRONGCODE9"), "code echoed:\n{t}");
    let (ok, _) = {
        let o = b.run("yubico-piv-tool", &["-a", "read-certificate", "-s", "9a"]);
        (o.status.success(), o)
    };
    assert!(!ok, "a certificate was written after a refusal");

    // The right code afterwards resumes the same activation and completes it.
    let code = code(&ca);
    // Resuming asks the holder's PIN again (the CSRs are signed on the card), then the code.
    let out = activate(&b, &ca, "P-256", &format!("{PIN}\n{code}\n"));
    assert!(out.status.success(), "resume failed:\n{}", text(&out));
    b.yk(&["-a", "read-certificate", "-s", "9c"]);
}

/// Issue 10 §4 through the real CA: `--slot-algorithm 9D=P-256` adds the optional
/// key-management key; `sello-ca` issues it under the `enc` label (keyAgreement,
/// emailProtection, chained to the CA); `libsello.so` derives with it (`C_DeriveKey`,
/// `CKM_ECDH1_DERIVE`, through `pkcs11-tool`) the same secret openssl derives from the other side.
#[test]
fn key_management_key_through_est_and_ecdh_on_the_card() {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", b"operator master secret for the tests\n");
    let code = code(&ca);
    let (url, root) = (ca.est_url(), ca.path("root.pem"));
    let out = sello(
        &b,
        &[
            "activate",
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
            "--slot-algorithm",
            "9D=P-256",
            "--est",
            &url,
            "--est-trust",
            &root,
            "--mgmt-secret-file",
            "master.secret",
        ],
        &format!("{PIN}\n{code}\n"),
    );
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    let pem = b.yk(&["-a", "read-certificate", "-s", "9d"]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    b.write("9d.pem", &pem.as_bytes()[begin..]);
    let issuing = ca.path("issuing.pem");
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", &root, "-untrusted", &issuing, "9d.pem"],
    );
    assert!(v.contains("9d.pem: OK"), "{v}");
    let cert = b.ok("openssl", &["x509", "-in", "9d.pem", "-noout", "-text"]);
    assert!(cert.contains("Key Agreement"), "{cert}");
    assert!(cert.contains("E-mail Protection"), "{cert}");

    // ECDH: a peer key made by openssl; both sides derive the same secret.
    b.ok(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "peer.key",
        ],
    );
    b.ok(
        "openssl",
        &[
            "pkey", "-in", "peer.key", "-pubout", "-outform", "DER", "-out", "peer.der",
        ],
    );
    b.ok(
        "openssl",
        &[
            "x509", "-in", "9d.pem", "-noout", "-pubkey", "-out", "9d.pub",
        ],
    );
    b.ok(
        "openssl",
        &[
            "pkeyutl", "-derive", "-inkey", "peer.key", "-peerkey", "9d.pub", "-out", "expected",
        ],
    );
    b.ok(
        "pkcs11-tool",
        &[
            "--module",
            &support::module(),
            "--login",
            "--pin",
            PIN,
            "--derive",
            "-m",
            "ECDH1-DERIVE",
            "--id",
            "03",
            "-i",
            "peer.der",
            "-o",
            "derived",
        ],
    );
    assert_eq!(b.read("derived"), b.read("expected"));

    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON list");
    let mut purposes: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c["nif"] == NIF)
        .filter_map(|c| c["purpose"].as_str())
        .collect();
    purposes.sort_unstable();
    assert_eq!(purposes, ["auth", "enc", "sign"], "{list}");
}
