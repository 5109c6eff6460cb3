//! The doctor's issuer check (`sello::doctor::chain`) against certificates made by openssl with
//! every CA key type a citizen CA may use: RSA (PKCS#1 v1.5 with SHA-256/384/512), P-256, P-384,
//! Ed25519; RSA-PSS is reported as not checkable rather than trusted or refused.

use std::path::Path;
use std::process::Command;

use sello::doctor::chain::{self, Verdict};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed CA `<name>.crt` with a key made by `newkey` (`-newkey` argument plus options).
fn ca(dir: &Path, name: &str, newkey: &[&str], subject: &str) {
    let key = format!("{name}.key");
    let crt = format!("{name}.crt");
    let subj = format!("/CN={subject}");
    let mut args = vec!["req", "-x509", "-nodes", "-days", "30"];
    args.extend_from_slice(newkey);
    args.extend_from_slice(&["-keyout", &key, "-out", &crt, "-subj", &subj]);
    openssl(dir, &args);
}

/// A leaf certificate (P-256 key) `<out>.crt` issued by CA `ca` with digest `md` and extra
/// signing options.
fn leaf(dir: &Path, ca: &str, out: &str, md: Option<&str>, sigopts: &[&str]) -> Vec<u8> {
    let key = format!("{out}.key");
    let csr = format!("{out}.csr");
    let crt = format!("{out}.crt");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            "/CN=Holder",
        ],
    );
    let (ca_crt, ca_key) = (format!("{ca}.crt"), format!("{ca}.key"));
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca_crt,
        "-CAkey",
        &ca_key,
        "-set_serial",
        "7",
        "-days",
        "10",
        "-outform",
        "DER",
        "-out",
        &crt,
    ];
    if let Some(md) = md {
        args.push(md);
    }
    args.extend_from_slice(sigopts);
    openssl(dir, &args);
    std::fs::read(dir.join(crt)).expect("leaf")
}

fn anchors(dir: &Path, names: &[&str]) -> Vec<Vec<u8>> {
    names
        .iter()
        .flat_map(|n| {
            chain::certificates_in(&std::fs::read(dir.join(format!("{n}.crt"))).expect("ca"))
        })
        .collect()
}

#[test]
fn every_ca_key_type_verifies_and_a_look_alike_does_not() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ca(d, "rsa", &["-newkey", "rsa:2048"], "RSA CA");
    ca(
        d,
        "p256",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "P-256 CA",
    );
    ca(
        d,
        "p384",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "P-384 CA",
    );
    ca(d, "ed", &["-newkey", "ed25519"], "Ed25519 CA");
    let all = anchors(d, &["rsa", "p256", "p384", "ed"]);

    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("rsa", Some("-sha256"), "RSA CA"),
        ("rsa", Some("-sha384"), "RSA CA"),
        ("rsa", Some("-sha512"), "RSA CA"),
        ("p256", Some("-sha256"), "P-256 CA"),
        ("p256", Some("-sha384"), "P-256 CA"),
        ("p384", Some("-sha384"), "P-384 CA"),
        ("p384", Some("-sha256"), "P-384 CA"),
        ("ed", None, "Ed25519 CA"),
    ];
    for (i, (ca_name, md, subject)) in cases.into_iter().enumerate() {
        let cert = leaf(d, ca_name, &format!("leaf{i}"), md, &[]);
        match chain::verify(&cert, &all) {
            Verdict::Trusted(s) => assert!(s.contains(subject), "{ca_name} {md:?}: {s}"),
            v => panic!("{ca_name} {md:?}: {v:?}"),
        }
        // Only the issuer can vouch: the other anchors alone do not trust it.
        let others: Vec<Vec<u8>> = all
            .iter()
            .filter(|a| {
                x509_subject(a)
                    .map(|s| !s.contains(subject))
                    .unwrap_or(true)
            })
            .cloned()
            .collect();
        assert_eq!(chain::verify(&cert, &others), Verdict::UnknownIssuer);
    }

    // Same name, other key: a forgery.
    let p256_cert = leaf(d, "p256", "victim", Some("-sha256"), &[]);
    ca(
        d,
        "lookalike",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "P-256 CA",
    );
    let fake = anchors(d, &["lookalike"]);
    assert!(matches!(
        chain::verify(&p256_cert, &fake),
        Verdict::BadSignature(_)
    ));
    // A corrupted signature.
    let mut broken = p256_cert.clone();
    let last = broken.len() - 1;
    broken[last] ^= 1;
    assert!(!matches!(chain::verify(&broken, &all), Verdict::Trusted(_)));

    // RSA-PSS is not checked here: reported, neither trusted nor called forged.
    let pss = leaf(
        d,
        "rsa",
        "pss",
        Some("-sha256"),
        &["-sigopt", "rsa_padding_mode:pss"],
    );
    assert!(
        matches!(chain::verify(&pss, &all), Verdict::Unsupported(_)),
        "{:?}",
        chain::verify(&pss, &all)
    );
}

#[test]
fn anchors_from_a_directory_and_a_pem_bundle() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ca(
        d,
        "a",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "A",
    );
    ca(
        d,
        "b",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "B",
    );
    let dir = d.join("anchors");
    std::fs::create_dir(&dir).expect("mkdir");
    let bundle = [
        std::fs::read(d.join("a.crt")).expect("a"),
        std::fs::read(d.join("b.crt")).expect("b"),
    ]
    .concat();
    std::fs::write(dir.join("bundle.pem"), bundle).expect("bundle");
    std::fs::write(dir.join("README"), "not a certificate").expect("readme");
    let a = chain::load_anchors(&dir, &[]);
    assert_eq!(a.certs.len(), 2);
    assert_eq!(a.problems.len(), 1, "{:?}", a.problems);
    assert!(a.problems[0].contains("README"));
    // A missing directory is simply empty; a missing --ca file is a problem.
    let a = chain::load_anchors(&d.join("none"), &[d.join("missing.pem")]);
    assert!(a.certs.is_empty());
    assert_eq!(a.problems.len(), 1);
}

fn x509_subject(der: &[u8]) -> Option<String> {
    let (_, c) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(c.subject().to_string())
}
