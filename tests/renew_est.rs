//! `sello renew` on the real stack: `sello-ca` serving EST over HTTPS, a private pcscd with the
//! virtual card, a card activated with `sello activate --est`, then renewal through
//! `simplereenroll` authenticated by TLS with the card's 9A key (the private key never leaves the
//! card). Allowed (forced, and inside the window), refused (not due, remote renewal, expired,
//! revoked), interrupted in the middle of the key replacement and resumed.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::ca::LocalCa;
use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";
const RENEWAL_OID: &str = "2.999.7030.2.1";

fn sello(b: &Bench, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = b.rig.command(SELLO);
    cmd.args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
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

/// A bench, a CA and a card activated through EST with `algorithm`.
fn activated(algorithm: &str) -> (Bench, LocalCa) {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", b"operator master secret for the tests\n");
    let code = ca.enroll_code(
        NIF,
        "María José",
        "García Pérez",
        "mj.garcia@example.org",
        None,
    );
    let root = ca.path("root.pem");
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
            algorithm,
            "--est",
            &ca.est_url(),
            "--est-trust",
            &root,
            "--mgmt-secret-file",
            "master.secret",
        ],
        &format!("{PIN}\n{code}\n"),
        &[],
    );
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    (b, ca)
}

fn renew(b: &Bench, ca: &LocalCa, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let mut args = vec![
        "renew",
        "--pin-stdin",
        "--est",
        &url,
        "--est-trust",
        &root,
        "--mgmt-secret-file",
        "master.secret",
    ];
    args.extend_from_slice(extra);
    sello(b, &args, &format!("{PIN}\n"), env)
}

/// The certificate in a slot, as PEM (yubico-piv-tool, not our code).
fn cert_pem(b: &Bench, slot: &str) -> String {
    let pem = b.yk(&["-a", "read-certificate", "-s", slot]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    pem[begin..].to_string()
}

fn not_after(pem: &str) -> i64 {
    let der = pem::parse(pem).expect("pem").into_contents();
    let (_, c) = x509_parser::parse_x509_certificate(&der).expect("x509");
    c.validity().not_after.timestamp()
}

fn ca_list(ca: &LocalCa) -> Vec<serde_json::Value> {
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    serde_json::from_str::<serde_json::Value>(&list)
        .expect("JSON list")
        .as_array()
        .expect("array")
        .clone()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

#[test]
fn p256_renewal_forced_new_keys_chain_then_remote_renewal_refused() {
    let (b, ca) = activated("P-256");
    let old_9a = cert_pem(&b, "9a");
    let old_9c = cert_pem(&b, "9c");

    // Fresh certificates: not yet within the 60-day window; nothing changes.
    let out = renew(&b, &ca, &[], &[]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("renewal opens on") && t.contains("--force"),
        "{t}"
    );
    assert_eq!(cert_pem(&b, "9a"), old_9a);

    // The operator forces it: both certificates renewed, new keys on the card.
    let out = renew(&b, &ca, &["--force", "--json"], &[]);
    let t = text(&out);
    assert!(out.status.success(), "renewal failed:\n{t}");
    assert!(!t.contains(PIN), "PIN echoed:\n{t}");
    let lines = json_lines(&out);
    let last = lines.last().expect("a result line");
    assert_eq!(last["renewal"], "complete", "{t}");
    assert!(
        lines
            .iter()
            .any(|l| l["step"] == "replace-key" && l["slot"] == "9A"),
        "{t}"
    );
    let new_9a = cert_pem(&b, "9a");
    let new_9c = cert_pem(&b, "9c");
    assert_ne!(new_9a, old_9a);
    assert_ne!(new_9c, old_9c);
    b.write("old9a.pem", old_9a.as_bytes());
    b.write("9a.pem", new_9a.as_bytes());
    b.write("9c.pem", new_9c.as_bytes());
    let pubkey = |f: &str| b.ok("openssl", &["x509", "-in", f, "-noout", "-pubkey"]);
    assert_ne!(
        pubkey("9a.pem"),
        pubkey("old9a.pem"),
        "the key was not replaced"
    );

    // Independent checks: chains to the CA (openssl), carries the remote-renewal policy.
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

    // The CA lists the new certificates as remote renewals; the old ones stay valid.
    let list = ca_list(&ca);
    let renewed: Vec<_> = list
        .iter()
        .filter(|c| c["origin"] == "remote-renewal")
        .collect();
    assert_eq!(renewed.len(), 2, "{list:?}");

    // The new 9A key signs through OpenSC's module; openssl verifies with the new certificate.
    b.sign_with_opensc_and_verify(
        PIN,
        "ECDSA-SHA256",
        b"login challenge after renewal\n",
        "9a.pem",
    );

    // A remote renewal cannot be renewed remotely: refused, with what to do, card untouched.
    let out = renew(&b, &ca, &["--force", "--json"], &[]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    let last = json_lines(&out).pop().expect("result");
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
    assert_eq!(ca_list(&ca).len(), list.len(), "the CA was asked anyway");
}

#[test]
fn rsa_renewal_inside_the_window_interrupted_during_key_replacement_then_resumed() {
    let (b, ca) = activated("RSA-2048");
    let old_9a = cert_pem(&b, "9a");
    // 30 days before expiry: inside the window, no --force needed.
    let now = (not_after(&old_9a) - 30 * 86_400).to_string();

    // Killed after the old 9A key was deleted, before the new one was moved in.
    let out = renew(
        &b,
        &ca,
        &["--slot", "9A"],
        &[
            ("SELLO_TEST_NOW", &now),
            ("SELLO_TEST_ABORT_AT", "after-delete"),
        ],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("test abort at after-delete"),
        "{}",
        text(&out)
    );
    let renewals = |ca: &LocalCa| {
        ca_list(ca)
            .iter()
            .filter(|c| c["origin"] == "remote-renewal")
            .count()
    };
    assert_eq!(renewals(&ca), 1);

    // Resumed: the certificate in the journal is used, no second enrollment.
    let out = renew(&b, &ca, &["--slot", "9A"], &[("SELLO_TEST_NOW", &now)]);
    let t = text(&out);
    assert!(out.status.success(), "resume failed:\n{t}");
    assert!(t.contains("[done] Replace the key of 9A"), "{t}");
    assert_eq!(renewals(&ca), 1, "enrolled twice");
    let new_9a = cert_pem(&b, "9a");
    assert_ne!(new_9a, old_9a);
    b.write("9a.pem", new_9a.as_bytes());
    let root = ca.path("root.pem");
    let issuing = ca.path("issuing.pem");
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", &root, "-untrusted", &issuing, "9a.pem"],
    );
    assert!(v.contains(": OK"), "{v}");

    // The new RSA key signs (PKCS#1 v1.5 through OpenSC), verified with the new certificate.
    b.sign_with_opensc_and_verify(PIN, "SHA256-RSA-PKCS", b"after renewal\n", "9a.pem");
}

#[test]
fn expired_and_revoked_certificates_are_refused_and_revocation_shows_in_the_crl() {
    let (b, ca) = activated("P-256");
    let old_9a = cert_pem(&b, "9a");

    // Past its expiry: refused before anything is asked, with the date and what to do.
    let later = (not_after(&old_9a) + 86_400).to_string();
    let out = renew(&b, &ca, &[], &[("SELLO_TEST_NOW", &later)]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("expired on") && t.contains("renewal needs a visit to a registration point"),
        "{t}"
    );
    // The same refusal in Spanish: the summary, the reason (with the date as Spanish writes it)
    // and what to do follow LANG.
    let out = renew(
        &b,
        &ca,
        &[],
        &[
            ("SELLO_TEST_NOW", &later),
            ("LANG", "es_ES.UTF-8"),
            ("LC_ALL", ""),
            ("LC_MESSAGES", ""),
        ],
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("sello: renovación de la tarjeta "), "{t}");
    assert!(
        t.contains("no se puede renovar: su certificado caducó el ")
            && t.contains(" de 20")
            && t.contains(": para renovarlo hay que acudir a un punto de registro"),
        "{t}"
    );
    assert!(!t.contains("expired on"), "{t}");
    assert!(
        t.contains("El titular debe acudir a un punto de registro: no se han cambiado ni la tarjeta ni sus certificados actuales."),
        "{t}"
    );
    assert!(t.contains("Diario: "), "{t}");
    // And in Valencian, chosen by --lang over LANG.
    let out = renew(
        &b,
        &ca,
        &["--lang", "ca-valencia"],
        &[
            ("SELLO_TEST_NOW", &later),
            ("LANG", "es_ES.UTF-8"),
            ("LC_ALL", ""),
        ],
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("no es pot renovar: el vostre certificat va caducar el dia ")
            && t.contains(": per a renovar-lo cal anar a un punt de registre"),
        "{t}"
    );
    assert!(
        t.contains("El titular ha d'anar a un punt de registre"),
        "{t}"
    );

    // A wrong PIN: one VERIFY, never retried; nothing generated, nothing asked of the CA.
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let out = sello(
        &b,
        &[
            "renew",
            "--pin-stdin",
            "--force",
            "--est",
            &url,
            "--est-trust",
            &root,
            "--mgmt-secret-file",
            "master.secret",
        ],
        "11112222\n",
        &[],
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("wrong PIN, 2 tries left"), "{t}");
    assert!(!t.contains("11112222"), "PIN echoed:\n{t}");
    for entry in std::fs::read_dir(b.path("state/renewals")).expect("renewal journals") {
        let journal = std::fs::read_to_string(entry.expect("entry").path()).expect("journal");
        assert!(
            !journal.contains("generate-key"),
            "a staging key was generated after a wrong PIN:\n{journal}"
        );
    }
    assert_eq!(cert_pem(&b, "9a"), old_9a);

    // Revoked at the CA: the CA refuses with its reason; the card keeps its certificate.
    let serial = ca_list(&ca)
        .iter()
        .find(|c| c["purpose"] == "auth")
        .and_then(|c| c["serial"].as_str().map(str::to_owned))
        .expect("auth certificate listed");
    LocalCa::run_ok(
        SELLO_CA,
        &[
            "revoke",
            "--dir",
            &ca.path(""),
            &serial,
            "--reason",
            "keyCompromise",
        ],
    );
    let out = renew(&b, &ca, &["--force", "--json"], &[]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    let last = json_lines(&out).pop().expect("result");
    assert_eq!(last["renewal"], "refused-by-ca", "{t}");
    assert!(
        last["error"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked"),
        "{t}"
    );
    assert_eq!(cert_pem(&b, "9a"), old_9a, "the card was changed");

    // The CRL (plain HTTP, curl) lists the serial, read by openssl.
    let url = format!("http://{}/crl", ca.crl);
    b.ok("curl", &["-sSf", "-o", "ca.crl", &url]);
    let crl = b.ok(
        "openssl",
        &["crl", "-inform", "DER", "-in", "ca.crl", "-noout", "-text"],
    );
    assert!(
        crl.to_ascii_uppercase()
            .contains(&serial.to_ascii_uppercase()),
        "serial {serial} not in\n{crl}"
    );
    assert!(crl.contains("Key Compromise"), "{crl}");
}
