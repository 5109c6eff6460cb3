//! Initial enrollment authenticated by the operator's own card (RFC 7030 §3.3.2): a deployment
//! whose profile says `client_certificate = "operator-card"` has `sello activate` present the
//! operator card's 9A certificate in the TLS handshake, the signature made by that card. The CA
//! (`sello-ca`, which verifies client certificates against its own issuing CA) refuses the
//! handshake when the operator's certificate comes from another CA, and enrolls the holder's card
//! when it is its own.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::Write;
use std::process::{Output, Stdio};

use rig::ca::LocalCa;
use rig::{text, Bench};
use sello::virtual_card::rig::{Rig, RigOptions};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const OPERATOR_PIN: &str = "13572468";
const HOLDER_PIN: &str = "24681357";
const OPERATOR_NIF: &str = "87654321X";
const HOLDER_NIF: &str = "12345678Z";

/// `sello activate` on the card in `reader`, secrets on standard input.
fn activate(
    b: &Bench,
    ca: &LocalCa,
    reader: &str,
    who: (&str, &str, &str, &str),
    extra: &[&str],
    stdin: &str,
) -> Output {
    let (nif, given, surnames, email) = who;
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let mut args = vec![
        "activate",
        "--direct",
        "--reader",
        reader,
        "--pin-stdin",
        "--nif",
        nif,
        "--given-name",
        given,
        "--surnames",
        surnames,
        "--email",
        email,
        "--algorithm",
        "P-256",
        "--est",
        &url,
        "--est-trust",
        &root,
        "--proxy",
        "none",
        "--mgmt-secret-file",
        "master.secret",
    ];
    args.extend_from_slice(extra);
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
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

#[test]
fn holder_card_enrolled_with_the_operator_card_as_tls_client_certificate() {
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let b = Bench {
        rig,
        work: tempfile::tempdir().expect("work dir"),
    };
    let reader = |i: usize| b.rig.reader_name(i).expect("reader").to_string();
    let (operator, holder) = (reader(0), reader(1));
    let ca = LocalCa::start(SELLO_CA, |c| c);
    b.write("master.secret", b"operator master secret for the tests\n");
    std::fs::create_dir_all(b.path("profiles")).expect("profile dir");
    let profile = b.path("profiles/citizen-piv.toml");

    // First the operator's card holds a 9A certificate from a CA the EST server does not know
    // (yubico-piv-tool generates the key, openssl issues the certificate).
    let yk = |args: &[&str]| {
        let mut all = vec!["-r", operator.as_str()];
        all.extend_from_slice(args);
        b.ok("yubico-piv-tool", &all)
    };
    let pubkey = yk(&["-a", "generate", "-s", "9a", "-A", "ECCP256"]);
    b.write("foreign.pub", pubkey.as_bytes());
    b.make_ca();
    b.issue("foreign.pub", "Foreign operator", "foreign.pem");
    yk(&["-a", "import-certificate", "-s", "9a", "-i", "foreign.pem"]);

    // The deployment's profile: the code as password and the operator's card in the handshake.
    let shipped = include_str!("../card-profiles/citizen-piv.toml");
    let deployment = format!(
        "{shipped}\n[enrollment]\nbasic_user = \"{{nif}}\"\npassword = \"code\"\nclient_certificate = \"operator-card\"\n"
    );
    std::fs::write(&profile, &deployment).expect("profile");
    let code = ca.enroll_code(HOLDER_NIF, "Joan", "Puig Ferrer", "joan@example.org", None);
    let holder_who = (HOLDER_NIF, "Joan", "Puig Ferrer", "joan@example.org");

    // Without the operator's reader the activation says what is missing.
    let out = activate(
        &b,
        &ca,
        &holder,
        holder_who,
        &[],
        &format!("{HOLDER_PIN}\n{code}\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--operator-reader"), "{}", text(&out));

    // The foreign operator certificate: the CA refuses the TLS handshake; nothing is written.
    let out = activate(
        &b,
        &ca,
        &holder,
        holder_who,
        &["--operator-reader", &operator],
        &format!("123456\n{HOLDER_PIN}\n{code}\n"),
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("TLS"), "{t}");
    let read_back = b.run(
        "yubico-piv-tool",
        &["-r", &holder, "-a", "read-certificate", "-s", "9a"],
    );
    assert!(!read_back.status.success(), "a certificate was written");

    // The operator's card activated at this CA with the shipped profile (HTTP Basic only); the
    // foreign key and certificate in its 9A are replaced on purpose (issue #14: never silently).
    std::fs::remove_file(&profile).expect("back to the shipped profile");
    let op_code = ca.enroll_code(OPERATOR_NIF, "Operadora", "Uno", "op@example.org", None);
    let out = activate(
        &b,
        &ca,
        &operator,
        (OPERATOR_NIF, "Operadora", "Uno", "op@example.org"),
        &["--replace-existing"],
        &format!("{OPERATOR_PIN}\n{op_code}\n"),
    );
    assert!(out.status.success(), "operator card:\n{}", text(&out));

    // With the operator's own certificate the holder's activation resumes and completes.
    std::fs::write(&profile, &deployment).expect("profile");
    let out = activate(
        &b,
        &ca,
        &holder,
        holder_who,
        &["--operator-reader", &operator],
        &format!("{OPERATOR_PIN}\n{HOLDER_PIN}\n{code}\n"),
    );
    assert!(out.status.success(), "holder card:\n{}", text(&out));
    b.ok(
        "yubico-piv-tool",
        &["-r", &holder, "-a", "read-certificate", "-s", "9c"],
    );
}
