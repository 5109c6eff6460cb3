//! End-to-end tests of `sello-ca` driven by the EST client: the real binary serving HTTPS on a free
//! loopback port in a temporary directory, CSRs made here with software keys, and independent
//! checks with openssl and curl.
#![cfg(feature = "ca")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, SanType};
use sello::enroll::est::{
    ClientKey, ClientKeyAlgorithm, EnrollmentSecret, EstClient, EstClientConfig, EstError,
    PendingNotice, TlsSignatureScheme, TrustAnchor,
};
use x509_parser::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_sello-ca");

mod rig;

use rig::ca::LocalCa as Ca;

fn run(args: &[&str]) -> Output {
    Ca::run(BIN, args)
}

fn run_ok(args: &[&str]) -> String {
    Ca::run_ok(BIN, args)
}

trait CaExt {
    fn client(&self) -> EstClient;
    fn code(&self, id: &Person, valid_days: Option<u32>) -> EnrollmentSecret;
    fn fetch_crl(&self) -> Vec<u8>;
}

impl CaExt for Ca {
    fn client(&self) -> EstClient {
        let trust = TrustAnchor::from_pem_file(&self.dir().join("root.pem")).expect("anchor");
        let mut config = EstClientConfig::new(&format!("https://{}", self.est), trust);
        config.io_timeout = Duration::from_secs(10);
        EstClient::new(config).expect("client")
    }

    fn code(&self, id: &Person, valid_days: Option<u32>) -> EnrollmentSecret {
        EnrollmentSecret::new(&self.enroll_code(
            id.nif,
            id.given,
            id.surnames,
            id.email,
            valid_days,
        ))
    }

    fn fetch_crl(&self) -> Vec<u8> {
        let mut s = TcpStream::connect(&self.crl).expect("connect crl");
        s.write_all(b"GET /crl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .expect("write");
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).expect("read");
        let pos = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        assert!(resp.starts_with(b"HTTP/1.1 200"));
        resp[pos + 4..].to_vec()
    }
}

struct Person {
    nif: &'static str,
    given: &'static str,
    surnames: &'static str,
    email: &'static str,
}

const MARIA: Person = Person {
    nif: "12345678Z",
    given: "María José",
    surnames: "García Pérez",
    email: "mj.garcia@example.org",
};

const JOAN: Person = Person {
    nif: "X1234567L",
    given: "Joan",
    surnames: "Puig i Ferrer",
    email: "joan@example.org",
};

/// The Spanish natural-person subject, built here independently of the CA's code.
fn csr(key: &KeyPair, id: &Person, surnames_override: Option<&str>) -> Vec<u8> {
    let surnames = surnames_override.unwrap_or(id.surnames);
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into().expect("printable")),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(format!("IDCES-{}", id.nif).try_into().expect("printable")),
    );
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), id.given);
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), surnames);
    dn.push(
        DnType::CommonName,
        format!("{} {} - NIF:{}", id.given, surnames, id.nif),
    );
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::Rfc822Name(id.email.try_into().expect("ia5"))];
    params.serialize_request(key).expect("csr").der().to_vec()
}

fn p256_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("p256")
}

fn rsa_key() -> (KeyPair, rsa::RsaPrivateKey) {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("rsa");
    let der = key.to_pkcs8_der().expect("pkcs8");
    let kp = KeyPair::try_from(der.as_bytes()).expect("rcgen rsa");
    (kp, key)
}

fn pem(der: &[u8], label: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let body: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("utf8").to_string()
}

fn no_wait(_: &PendingNotice) {
    panic!("no 202 expected");
}

fn serial_of(der: &[u8]) -> String {
    let (_, cert) = parse_x509_certificate(der).expect("cert");
    hex::encode_upper(cert.tbs_certificate.raw_serial())
}

/// Independent checks of an issued certificate: chain, text, extensions.
fn check_issued(ca: &Ca, der: &[u8], name: &str) -> String {
    let path = write(ca.dir.path(), name, &pem(der, "CERTIFICATE"));
    let verify = openssl(&[
        "verify",
        "-CAfile",
        &ca.path("root.pem"),
        "-untrusted",
        &ca.path("issuing.pem"),
        &path,
    ]);
    assert!(verify.contains(": OK"), "{verify}");
    openssl(&["x509", "-in", &path, "-noout", "-text"])
}

/// In-memory client keys standing in for a card: they sign what rustls hands them.
#[derive(Debug)]
enum SoftKey {
    P256(p256::ecdsa::SigningKey, Vec<Vec<u8>>),
    Rsa(Box<rsa::RsaPrivateKey>, Vec<Vec<u8>>),
}

impl ClientKey for SoftKey {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        match self {
            SoftKey::P256(_, c) | SoftKey::Rsa(_, c) => c.clone(),
        }
    }
    fn algorithm(&self) -> ClientKeyAlgorithm {
        match self {
            SoftKey::P256(..) => ClientKeyAlgorithm::EcdsaP256,
            SoftKey::Rsa(..) => ClientKeyAlgorithm::Rsa,
        }
    }
    fn sign(
        &self,
        scheme: TlsSignatureScheme,
        message: &[u8],
    ) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
        use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
        match (self, scheme) {
            (SoftKey::P256(k, _), TlsSignatureScheme::EcdsaP256Sha256) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (SoftKey::Rsa(k, _), TlsSignatureScheme::RsaPssSha256) => {
                let signer = rsa::pss::BlindedSigningKey::<sha2::Sha256>::new((**k).clone());
                Ok(signer
                    .sign_with_rng(&mut rand::rngs::OsRng, message)
                    .to_vec())
            }
            (SoftKey::Rsa(k, _), TlsSignatureScheme::RsaPkcs1Sha256) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                Ok(signer.sign(message).to_vec())
            }
            (_, s) => Err(format!("scheme {s:?} not supported by this test key").into()),
        }
    }
}

fn p256_client_key(kp: &KeyPair, chain: Vec<Vec<u8>>) -> Arc<dyn ClientKey> {
    use p256::pkcs8::DecodePrivateKey;
    let sk = p256::ecdsa::SigningKey::from_pkcs8_der(kp.serialized_der()).expect("p256 pkcs8");
    Arc::new(SoftKey::P256(sk, chain))
}

#[test]
fn enrolls_auth_and_sign_with_rsa_and_p256_then_renews_with_tls_client_keys() {
    let ca = Ca::start(BIN, |c| c);
    let client = ca.client();

    // cacerts: issuing then root, and they chain.
    let cacerts = client.cacerts(None).expect("cacerts");
    assert_eq!(cacerts.len(), 2);
    let issuing_der = cacerts[0].clone();

    // csrattrs advertises the accepted algorithms.
    let attrs = client.csrattrs(Some("auth")).expect("csrattrs");
    assert!(
        attrs.oids.contains(&"1.2.840.10045.4.3.2".to_string()),
        "{attrs:?}"
    );

    // RSA-2048 for both purposes, one code.
    let code = ca.code(&MARIA, None);
    let (rsa_auth_kp, rsa_auth) = rsa_key();
    let auth_csr = csr(&rsa_auth_kp, &MARIA, None);
    let csr_path = write(
        ca.dir.path(),
        "auth.csr",
        &pem(&auth_csr, "CERTIFICATE REQUEST"),
    );
    let req = Command::new("openssl")
        .args(["req", "-in", &csr_path, "-verify", "-noout"])
        .output()
        .expect("openssl req");
    assert!(
        String::from_utf8_lossy(&req.stdout).contains("verify OK")
            || String::from_utf8_lossy(&req.stderr).contains("verify OK"),
        "openssl req -verify failed"
    );
    let auth = client
        .simpleenroll(Some("auth"), MARIA.nif, &code, &auth_csr, &mut no_wait)
        .expect("auth enrollment");
    assert_eq!(auth.len(), 1);
    let text = check_issued(&ca, &auth[0], "maria-auth.pem");
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    assert!(text.contains("E-mail Protection"), "{text}");
    assert!(text.contains("Digital Signature"), "{text}");
    assert!(text.contains("Policy: 2.999.7030.1.1"), "{text}");
    assert!(text.contains("email:mj.garcia@example.org"), "{text}");
    assert!(text.contains("serialNumber = IDCES-12345678Z"), "{text}");
    assert!(!text.contains("qcStatements"), "{text}");
    assert!(text.contains("URI:http://127.0.0.1:8080/crl"), "{text}");

    let (rsa_sign_kp, _) = rsa_key();
    let sign = client
        .simpleenroll(
            Some("sign"),
            MARIA.nif,
            &code,
            &csr(&rsa_sign_kp, &MARIA, None),
            &mut no_wait,
        )
        .expect("sign enrollment with the same code");
    let text = check_issued(&ca, &sign[0], "maria-sign.pem");
    assert!(text.contains("Non Repudiation"), "{text}");
    assert!(text.contains("Policy: 2.999.7030.1.2"), "{text}");
    assert!(text.contains("qcStatements"), "{text}");
    assert!(!text.contains("TLS Web Client Authentication"), "{text}");

    // Serial: positive, 16 bytes, random.
    let (_, cert) = parse_x509_certificate(&sign[0]).expect("cert");
    assert_eq!(cert.tbs_certificate.raw_serial().len(), 16);
    assert_ne!(serial_of(&auth[0]), serial_of(&sign[0]));
    // Validity: 30 months.
    let days =
        (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86_400;
    assert!((910..=925).contains(&days), "validity {days} days");

    // Single use per purpose.
    let again = client
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &csr(&rsa_auth_kp, &MARIA, None),
            &mut no_wait,
        )
        .expect_err("reused code");
    assert!(matches!(again, EstError::Unauthorized { .. }), "{again}");
    assert!(again.to_string().contains("already used"), "{again}");

    // P-256 for both purposes (NIE holder).
    let code = ca.code(&JOAN, None);
    let joan_auth_kp = p256_key();
    let joan_auth = client
        .simpleenroll(
            Some("auth"),
            JOAN.nif,
            &code,
            &csr(&joan_auth_kp, &JOAN, None),
            &mut no_wait,
        )
        .expect("p256 auth");
    check_issued(&ca, &joan_auth[0], "joan-auth.pem");
    let joan_sign = client
        .simpleenroll(
            Some("sign"),
            JOAN.nif,
            &code,
            &csr(&p256_key(), &JOAN, None),
            &mut no_wait,
        )
        .expect("p256 sign");
    check_issued(&ca, &joan_sign[0], "joan-sign.pem");

    // Renewal with TLS client auth: RSA (PSS in TLS 1.3) and P-256 keys held by a ClientKey.
    let rsa_client = ca
        .client()
        .with_client_key(Arc::new(SoftKey::Rsa(
            Box::new(rsa_auth),
            vec![auth[0].clone(), issuing_der.clone()],
        )))
        .expect("client key");
    let (new_kp, _) = rsa_key();
    let renewed = rsa_client
        .simplereenroll(Some("auth"), &csr(&new_kp, &MARIA, None), &mut no_wait)
        .expect("RSA renewal");
    check_issued(&ca, &renewed[0], "maria-renewed.pem");

    let p256_client = ca
        .client()
        .with_client_key(p256_client_key(
            &joan_auth_kp,
            vec![joan_auth[0].clone(), issuing_der.clone()],
        ))
        .expect("client key");
    let renewed_sign = p256_client
        .simplereenroll(Some("sign"), &csr(&p256_key(), &JOAN, None), &mut no_wait)
        .expect("P-256 renewal of the sign certificate");
    let text = check_issued(&ca, &renewed_sign[0], "joan-sign-renewed.pem");
    assert!(text.contains("Non Repudiation"), "{text}");

    // A renewal CSR must still carry the holder's own subject.
    let err = p256_client
        .simplereenroll(
            Some("auth"),
            &csr(&p256_key(), &JOAN, Some("Otro")),
            &mut no_wait,
        )
        .expect_err("subject change");
    assert!(err.to_string().contains("subject mismatch"), "{err}");

    let list = run_ok(&["list", "--dir", &ca.path(""), "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).expect("json");
    let origins: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["origin"].as_str().expect("origin"))
        .collect();
    assert_eq!(origins.iter().filter(|o| **o == "in-person").count(), 4);
    assert_eq!(
        origins.iter().filter(|o| **o == "remote-renewal").count(),
        2
    );
    let human = run_ok(&["list", "--dir", &ca.path("")]);
    assert!(
        human.contains("remote-renewal") && human.contains("SUBJECT CN"),
        "{human}"
    );
}

#[test]
fn refusals_give_the_reason() {
    let ca = Ca::start(BIN, |c| c);
    let client = ca.client();
    let code = ca.code(&MARIA, None);
    let key = p256_key();
    let good = csr(&key, &MARIA, None);

    let wrong = EnrollmentSecret::new("abcdefghjk");
    let err = client
        .simpleenroll(Some("auth"), MARIA.nif, &wrong, &good, &mut no_wait)
        .expect_err("wrong code");
    assert!(matches!(err, EstError::Unauthorized { .. }), "{err}");
    assert!(err.to_string().contains("not recognised"), "{err}");
    assert!(!err.to_string().contains("abcdefghjk"));

    let unknown = client
        .simpleenroll(Some("auth"), "00000000T", &code, &good, &mut no_wait)
        .expect_err("unknown identity");
    assert!(
        matches!(unknown, EstError::Unauthorized { .. }),
        "{unknown}"
    );

    let mismatch = client
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &csr(&key, &MARIA, Some("Fernández López")),
            &mut no_wait,
        )
        .expect_err("subject mismatch");
    assert!(
        matches!(mismatch, EstError::Rejected { status: 403, .. }),
        "{mismatch}"
    );
    assert!(
        mismatch.to_string().contains("subject mismatch: SN"),
        "{mismatch}"
    );

    let other_mail = Person {
        email: "someone.else@example.org",
        ..MARIA
    };
    let err = client
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &csr(&key, &other_mail, None),
            &mut no_wait,
        )
        .expect_err("e-mail mismatch");
    assert!(err.to_string().contains("e-mail"), "{err}");

    // Weak key: RSA-1024 CSR made by openssl (ring cannot sign with keys < 2048 bits).
    let tmp = ca.dir.path();
    let weak = tmp.join("weak.der");
    let subj = format!(
        "/C=ES/serialNumber=IDCES-{}/GN={}/SN={}/CN={} {} - NIF:{}",
        MARIA.nif, MARIA.given, MARIA.surnames, MARIA.given, MARIA.surnames, MARIA.nif
    );
    let out = Command::new("openssl")
        .args([
            "req", "-new", "-newkey", "rsa:1024", "-nodes", "-utf8", "-keyout",
        ])
        .arg(tmp.join("weak.key"))
        .args(["-outform", "DER", "-out"])
        .arg(&weak)
        .args(["-subj", &subj])
        .args(["-addext", &format!("subjectAltName=email:{}", MARIA.email)])
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let weak_der = std::fs::read(&weak).expect("weak csr");
    let err = client
        .simpleenroll(Some("auth"), MARIA.nif, &code, &weak_der, &mut no_wait)
        .expect_err("weak key");
    assert!(
        matches!(err, EstError::Rejected { status: 403, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("1024 bits is too weak"), "{err}");

    // Unknown label.
    let err = client
        .simpleenroll(Some("encrypt"), MARIA.nif, &code, &good, &mut no_wait)
        .expect_err("label");
    assert!(
        matches!(err, EstError::Rejected { status: 404, .. }),
        "{err}"
    );

    // None of the refusals consumed the code.
    client
        .simpleenroll(Some("auth"), MARIA.nif, &code, &good, &mut no_wait)
        .expect("the code still works after refused CSRs");

    // Expired code (valid for 0 days).
    let expired = ca.code(&JOAN, Some(0));
    let err = client
        .simpleenroll(
            Some("auth"),
            JOAN.nif,
            &expired,
            &csr(&key, &JOAN, None),
            &mut no_wait,
        )
        .expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");

    // A new code supersedes the old one.
    let old = ca.code(&JOAN, None);
    let _new = ca.code(&JOAN, None);
    let err = client
        .simpleenroll(
            Some("auth"),
            JOAN.nif,
            &old,
            &csr(&key, &JOAN, None),
            &mut no_wait,
        )
        .expect_err("superseded");
    assert!(matches!(err, EstError::Unauthorized { .. }), "{err}");

    // Invalid NIF refused at registration, with the reason (in English: LC_ALL=C).
    let out = Command::new(BIN)
        .env("LC_ALL", "C")
        .args([
            "enroll-code",
            "--dir",
            &ca.path(""),
            "--nif",
            "12345678A",
            "--given-name",
            "A",
            "--surnames",
            "B",
            "--email",
            "a@b.es",
        ])
        .output()
        .expect("run sello-ca");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("check letter"));
}

#[test]
fn renewal_rules_revocation_and_crl() {
    let ca = Ca::start(BIN, |c| c);
    let client = ca.client();
    let issuing = client.cacerts(None).expect("cacerts")[0].clone();
    let code = ca.code(&JOAN, None);
    let kp = p256_key();
    let in_person = client
        .simpleenroll(
            Some("auth"),
            JOAN.nif,
            &code,
            &csr(&kp, &JOAN, None),
            &mut no_wait,
        )
        .expect("enroll")
        .remove(0);

    // Without a client certificate: 401.
    let err = client
        .simplereenroll(Some("auth"), &csr(&kp, &JOAN, None), &mut no_wait)
        .expect_err("no client key");
    assert!(matches!(err, EstError::Config(_)), "{err}");

    // With the in-person certificate: allowed.
    let with_in_person = ca
        .client()
        .with_client_key(p256_client_key(
            &kp,
            vec![in_person.clone(), issuing.clone()],
        ))
        .expect("key");
    let kp2 = p256_key();
    let remote = with_in_person
        .simplereenroll(Some("auth"), &csr(&kp2, &JOAN, None), &mut no_wait)
        .expect("renewal")
        .remove(0);

    // With the remote-renewal certificate: refused, must go in person.
    let with_remote = ca
        .client()
        .with_client_key(p256_client_key(&kp2, vec![remote.clone(), issuing.clone()]))
        .expect("key");
    let err = with_remote
        .simplereenroll(Some("auth"), &csr(&p256_key(), &JOAN, None), &mut no_wait)
        .expect_err("second remote renewal");
    assert!(
        matches!(err, EstError::Rejected { status: 403, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("renewed in person"), "{err}");

    // The renewal superseded the in-person certificate: it is revoked already (irreversible,
    // not repeated), and it cannot renew the same purpose again.
    let serial = serial_of(&in_person);
    let again = run(&["revoke", "--dir", &ca.path(""), &serial]);
    assert!(
        !again.status.success(),
        "revocation is irreversible and not repeated"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already revoked"),
        "{again:?}"
    );
    let err = with_in_person
        .simplereenroll(Some("auth"), &csr(&p256_key(), &JOAN, None), &mut no_wait)
        .expect_err("fan-out");
    assert!(err.to_string().contains("already renewed"), "{err}");

    // Revoke the renewed certificate for keyCompromise: its key is refused from then on, even
    // with a fresh code at a registration point.
    let remote_serial = serial_of(&remote);
    let out = run_ok(&[
        "revoke",
        "--dir",
        &ca.path(""),
        &remote_serial,
        "--reason",
        "keyCompromise",
    ]);
    assert!(out.contains("revoked"), "{out}");
    let fresh = ca.code(&JOAN, None);
    let err = client
        .simpleenroll(
            Some("auth"),
            JOAN.nif,
            &fresh,
            &csr(&kp2, &JOAN, None),
            &mut no_wait,
        )
        .expect_err("compromised key");
    assert!(err.to_string().contains("keyCompromise"), "{err}");

    let crl = ca.fetch_crl();
    let crl_path = ca.dir.path().join("fetched.crl");
    std::fs::write(&crl_path, &crl).expect("write crl");
    let text = openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        crl_path.to_str().expect("utf8"),
        "-noout",
        "-text",
    ]);
    assert!(text.contains(&serial), "{serial} not in {text}");
    assert!(
        text.contains(&remote_serial),
        "{remote_serial} not in {text}"
    );
    assert!(text.contains("Superseded"), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    // The CRL is signed by the issuing CA.
    openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        crl_path.to_str().expect("utf8"),
        "-noout",
        "-CAfile",
        &ca.path("issuing.pem"),
    ]);
    // openssl verify with the CRL reports the revocation.
    let cert_path = write(
        ca.dir.path(),
        "revoked.pem",
        &pem(&in_person, "CERTIFICATE"),
    );
    let crl_pem = write(ca.dir.path(), "crl.pem", &pem(&crl, "X509 CRL"));
    let out = Command::new("openssl")
        .args(["verify", "-crl_check", "-CAfile"])
        .arg(ca.path("root.pem"))
        .args([
            "-untrusted",
            &ca.path("issuing.pem"),
            "-CRLfile",
            &crl_pem,
            &cert_path,
        ])
        .output()
        .expect("openssl");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("certificate revoked"), "{all}");
}

#[test]
fn pending_requests_are_polled_with_notices() {
    let ca = Ca::start(BIN, |c| c.replace("pending_polls = 0", "pending_polls = 2"));
    let trust = TrustAnchor::from_pem_file(&ca.dir().join("root.pem")).expect("anchor");
    let mut config = EstClientConfig::new(&format!("https://{}", ca.est), trust.clone());
    config.max_polls = 5;
    let client = EstClient::new(config).expect("client");
    let code = ca.code(&MARIA, None);
    let mut notices = Vec::new();
    let certs = client
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &csr(&p256_key(), &MARIA, None),
            &mut |n: &PendingNotice| notices.push(n.clone()),
        )
        .expect("issued after two 202s");
    assert_eq!(certs.len(), 1);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert_eq!(notices[0].wait, Duration::from_secs(1));
    assert_eq!(notices[1].attempt, 2);
    assert!(notices[0].message.contains("manual approval"));

    let mut config = EstClientConfig::new(&format!("https://{}", ca.est), trust);
    config.max_polls = 1;
    let impatient = EstClient::new(config).expect("client");
    let mut count = 0;
    let err = impatient
        .simpleenroll(
            Some("sign"),
            MARIA.nif,
            &code,
            &csr(&p256_key(), &MARIA, None),
            &mut |_: &PendingNotice| count += 1,
        )
        .expect_err("gives up");
    assert!(matches!(err, EstError::StillPending { polls: 1 }), "{err}");
    assert_eq!(count, 1);
}

#[test]
fn curl_and_openssl_see_a_standard_est_server_and_pins_work() {
    let ca = Ca::start(BIN, |c| c);
    let root = ca.path("root.pem");
    let url = |p: &str| format!("https://{}/.well-known/est/{p}", ca.est);
    let sh = |script: &str| {
        let out = Command::new("sh")
            .args(["-c", script])
            .output()
            .expect("sh");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail --cacert {root} {} | base64 -d | openssl pkcs7 -inform DER -print_certs -noout",
        url("cacerts")
    ));
    assert!(ok, "{err}");
    assert!(
        out.contains("Sello Local Test Root CA - NOT FOR PRODUCTION"),
        "{out}"
    );
    assert!(
        out.contains("Sello Local Test Issuing CA - NOT FOR PRODUCTION"),
        "{out}"
    );

    // simpleenroll with curl --user and a CSR in base64 with line breaks.
    let code = ca.code(&MARIA, None);
    let code_text = format!("{code:?}");
    assert!(code_text.contains("***"));
    let csr_b64 = pem(&csr(&p256_key(), &MARIA, None), "X")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let csr_file = write(ca.dir.path(), "csr.b64", &csr_b64);
    // The code is read back from the CA output through a file so it is not in this test's argv
    // either (curl needs it on its command line; this is a test).
    let dir = ca.path("");
    let out = run_ok(&[
        "enroll-code",
        "--dir",
        &dir,
        "--nif",
        JOAN.nif,
        "--given-name",
        JOAN.given,
        "--surnames",
        JOAN.surnames,
        "--email",
        JOAN.email,
    ]);
    let joan_code = out.trim().to_string();
    let joan_csr_b64 = pem(&csr(&p256_key(), &JOAN, None), "X")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let joan_csr = write(ca.dir.path(), "joan.b64", &joan_csr_b64);
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail --cacert {root} --user '{}:{joan_code}' -H 'Content-Type: application/pkcs10' \
         -H 'Content-Transfer-Encoding: base64' --data-binary @{joan_csr} {} \
         | base64 -d | openssl pkcs7 -inform DER -print_certs",
        JOAN.nif,
        url("sign/simpleenroll")
    ));
    assert!(ok, "{err}");
    assert!(out.contains("IDCES-X1234567L"), "{out}");

    // Malformed requests: proper 4xx with a text body.
    let (_, out, _) = sh(&format!(
        "curl -sS --cacert {root} --user '{}:{joan_code}' -H 'Content-Type: application/pkcs10' \
         --data-binary 'not base64!' -w ' %{{http_code}}' {}",
        JOAN.nif,
        url("auth/simpleenroll")
    ));
    assert!(out.contains("not base64") && out.ends_with(" 400"), "{out}");
    let (_, out, _) = sh(&format!(
        "curl -sS --cacert {root} --user '{}:{joan_code}' -H 'Content-Type: text/plain' \
         --data-binary @{csr_file} -w ' %{{http_code}}' {}",
        JOAN.nif,
        url("auth/simpleenroll")
    ));
    assert!(out.ends_with(" 415"), "{out}");
    let (_, out, _) = sh(&format!(
        "curl -sS --cacert {root} -H 'Content-Type: application/pkcs10' --data-binary @{csr_file} \
         -D - {}",
        url("auth/simpleenroll")
    ));
    // Header names are case-insensitive (RFC 9110 §5.1).
    assert!(
        out.contains("401") && out.to_ascii_lowercase().contains("www-authenticate: basic"),
        "{out}"
    );
    let (_, out, _) = sh(&format!(
        "curl -sS --cacert {root} -w ' %{{http_code}}' {}",
        url("simpleenroll")
    ));
    assert!(out.ends_with(" 405"), "{out}");

    // The client reads CRLF-broken base64 CSRs' responses too; use it with a pinned fingerprint.
    let tls_chain = std::fs::read_to_string(ca.dir().join("tls.pem")).expect("tls.pem");
    let leaf = sello::enroll::est::pem_certificates(&tls_chain).remove(0);
    let fp = openssl_fingerprint(&write(
        ca.dir.path(),
        "leaf.pem",
        &pem(&leaf, "CERTIFICATE"),
    ));
    let pinned = EstClient::new(EstClientConfig::new(
        &format!("https://{}", ca.est),
        TrustAnchor::from_fingerprint(&fp).expect("fingerprint"),
    ))
    .expect("client");
    let certs = pinned
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &sello::enroll::est::decode_base64_lenient(csr_b64.as_bytes()).expect("b64"),
            &mut no_wait,
        )
        .expect("pinned enrollment");
    assert_eq!(certs.len(), 1);

    let wrong_pin = EstClient::new(EstClientConfig::new(
        &format!("https://{}", ca.est),
        TrustAnchor::PinnedSha256([7; 32]),
    ))
    .expect("client");
    // The client words its errors as it makes them: in English here, whatever the locale.
    let err = sello::i18n::with_language("en", || wrong_pin.cacerts(None).expect_err("wrong pin"));
    assert!(matches!(err, EstError::Tls { .. }), "{err}");
    let text = sello::i18n::with_language("en", || err.to_string());
    assert!(text.contains("pinned"), "{text}");

    // A trust anchor that is not this CA's root.
    let other = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let other_root = CertificateParams::new(Vec::<String>::new())
        .expect("params")
        .self_signed(&other)
        .expect("self-signed");
    let untrusting = EstClient::new(EstClientConfig::new(
        &format!("https://{}", ca.est),
        TrustAnchor::Certificates(vec![other_root.der().to_vec()]),
    ))
    .expect("client");
    let err = sello::i18n::with_language("en", || {
        untrusting.cacerts(None).expect_err("untrusted").to_string()
    });
    assert!(err.contains("not trusted"), "{err}");
}

fn openssl_fingerprint(path: &str) -> String {
    let out = openssl(&["x509", "-in", path, "-noout", "-fingerprint", "-sha256"]);
    out.trim()
        .split('=')
        .nth(1)
        .expect("fingerprint")
        .to_string()
}

#[test]
fn keys_are_private_and_wrong_codes_are_throttled_without_an_oracle() {
    use std::os::unix::fs::PermissionsExt;
    // A first wait of 10 minutes: the throttled answers below cannot depend on how fast this
    // machine runs the test.
    let ca = Ca::start(BIN, |c| {
        c.replace("attempt_delay_secs = 1", "attempt_delay_secs = 600")
    });
    for key in ["root.key", "issuing.key", "tls.key"] {
        let mode = std::fs::metadata(ca.dir().join(key))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{key}");
    }
    let dir_mode = std::fs::metadata(ca.dir())
        .expect("dir")
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);

    // init refuses to overwrite an existing CA.
    let out = run(&["init", "--dir", &ca.path("")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));

    // A registered NIF (JOAN) and an unregistered one get the same answers in the same order:
    // three free failures, a fourth failure, then 429 with Retry-After before any code is
    // looked at. No "locked" answer exists, so a stranger cannot destroy the holder's code
    // (the delays themselves are unit-tested with an injected clock: ca::throttle).
    let client = ca.client();
    let code = ca.code(&JOAN, None);
    let key = p256_key();
    let good = csr(&key, &JOAN, None);
    let mut answers = Vec::new();
    for nif in [JOAN.nif, "87654321X"] {
        let mut seen = Vec::new();
        for _ in 0..5 {
            let err = client
                .simpleenroll(
                    Some("auth"),
                    nif,
                    &EnrollmentSecret::new("wrongcode2"),
                    &good,
                    &mut no_wait,
                )
                .expect_err("wrong");
            seen.push(err.to_string().replace(nif, "NIF"));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0][3].contains("not recognised"), "{:?}", answers[0]);
    assert!(answers[0][4].contains("429"), "{:?}", answers[0]);
    // While throttled even the right code is not looked at.
    let err = client
        .simpleenroll(Some("auth"), JOAN.nif, &code, &good, &mut no_wait)
        .expect_err("throttled");
    assert!(
        err.to_string().contains("too many failed attempts"),
        "{err}"
    );
    let curl = Command::new("sh")
        .args([
            "-c",
            &format!(
                "curl -sS -D - -o /dev/null --cacert {} --user '{}:x' \
                 -H 'Content-Type: application/pkcs10' --data-binary MIIB \
                 https://{}/.well-known/est/simpleenroll",
                ca.path("root.pem"),
                JOAN.nif,
                ca.est
            ),
        ])
        .output()
        .expect("curl");
    let out = String::from_utf8_lossy(&curl.stdout);
    assert!(
        out.contains(" 429") && out.contains("Retry-After:"),
        "{out}"
    );
}

#[test]
fn init_into_an_existing_open_directory_makes_it_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("ca");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    run_ok(&["init", "--dir", dir.to_str().expect("utf8")]);
    let mode = std::fs::metadata(&dir).expect("dir").permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o700,
        "the CA directory holds the holders' data"
    );
}

/// Issue 10 §4: the key-management purpose (`enc`, PIV 9D) for S/MIME: RSA keys get
/// keyEncipherment, EC keys keyAgreement, both emailProtection and the holder's e-mail; OpenSSL
/// accepts the RSA one for S/MIME encryption; the code is single use for this purpose too.
#[test]
fn key_management_certificates_for_smime() {
    let ca = Ca::start(BIN, |c| c);
    let client = ca.client();
    let code = ca.code(&MARIA, None);
    let (kp, _) = rsa_key();
    let enc = client
        .simpleenroll(
            Some("enc"),
            MARIA.nif,
            &code,
            &csr(&kp, &MARIA, None),
            &mut no_wait,
        )
        .expect("enc enrollment");
    let text = check_issued(&ca, &enc[0], "maria-enc.pem");
    assert!(text.contains("Key Encipherment"), "{text}");
    assert!(text.contains("E-mail Protection"), "{text}");
    assert!(text.contains("email:mj.garcia@example.org"), "{text}");
    assert!(!text.contains("Digital Signature"), "{text}");
    assert!(!text.contains("TLS Web Client Authentication"), "{text}");
    let verify = openssl(&[
        "verify",
        "-purpose",
        "smimeencrypt",
        "-CAfile",
        &ca.path("root.pem"),
        "-untrusted",
        &ca.path("issuing.pem"),
        &ca.dir.path().join("maria-enc.pem").display().to_string(),
    ]);
    assert!(verify.contains(": OK"), "{verify}");
    let again = client
        .simpleenroll(
            Some("enc"),
            MARIA.nif,
            &code,
            &csr(&kp, &MARIA, None),
            &mut no_wait,
        )
        .expect_err("reused code");
    assert!(again.to_string().contains("already used"), "{again}");
    // The same code still serves the other purposes.
    client
        .simpleenroll(
            Some("auth"),
            MARIA.nif,
            &code,
            &csr(&kp, &MARIA, None),
            &mut no_wait,
        )
        .expect("auth with the same code");

    let code = ca.code(&JOAN, None);
    let enc = client
        .simpleenroll(
            Some("enc"),
            JOAN.nif,
            &code,
            &csr(&p256_key(), &JOAN, None),
            &mut no_wait,
        )
        .expect("p256 enc");
    let text = check_issued(&ca, &enc[0], "joan-enc.pem");
    assert!(text.contains("Key Agreement"), "{text}");
    assert!(!text.contains("Key Encipherment"), "{text}");
    assert!(text.contains("E-mail Protection"), "{text}");
}

/// `sello-ca` in a language chosen the POSIX way (`LANG`, or `LC_ALL` over it), whatever the
/// machine's locale.
fn run_in(env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .envs(env.iter().copied())
        .output()
        .expect("run sello-ca")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_operator_reads_sello_ca_in_their_language() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ca");
    let dir_s = dir.to_str().expect("utf8");
    let va = [("LANG", "ca_ES.UTF-8@valencia")];
    let es = [("LANG", "es_ES.UTF-8")];

    let out = run_in(&va, &["init", "--dir", dir_s]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "s'ha creat la CA a {dir_s}\nàncora de confiança per als clients: {}\n",
            dir.join("root.pem").display()
        )
    );

    // The date the code runs out, as Spanish writes it, with the same moment in Unix time.
    let out = run_in(
        &es,
        &[
            "enroll-code",
            "--dir",
            dir_s,
            "--nif",
            "12345678Z",
            "--given-name",
            "Ana",
            "--surnames",
            "Ruiz Gil",
            "--email",
            "ana@example.org",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stderr(&out);
    let unix: i64 = text
        .split("(hora Unix ")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no Unix time in {text:?}"));
    let date = sello::i18n::with_language("es", || sello::i18n::date(unix));
    assert!(date.contains(" de "), "{date}");
    assert_eq!(
        text,
        format!(
            "12345678Z (Ana Ruiz Gil - NIF:12345678Z) registrado; el código es válido hasta el \
             {date} (hora Unix {unix}), una vez para 'auth' y otra para 'sign'\n"
        )
    );

    // Errors: Valencian where it differs from Catalan; the reason names stay as RFC 5280 has them.
    let out = run_in(&va, &["revoke", "--dir", dir_s, "--reason", "bogus", "AB"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "sello-ca: error: motiu desconegut 'bogus'; ha de ser un d'estos: unspecified, \
         keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, \
         privilegeWithdrawn\n"
    );
    let out = run_in(&es, &["revoke", "--dir", dir_s, "ab:cd"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "sello-ca: error: no hay ningún certificado con el número de serie ABCD\n"
    );

    // A bad config.toml: the setting, its bounds as numbers, in each language; LC_ALL wins over
    // LANG.
    let config = dir.join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(text.contains("validity_months = 30"), "{text}");
    std::fs::write(
        &config,
        text.replace("validity_months = 30", "validity_months = 0"),
    )
    .expect("write");
    let list = ["revoke", "--dir", dir_s, "AB"];
    let said = |env: &[(&str, &str)]| {
        let out = run_in(env, &list);
        assert!(!out.status.success());
        stderr(&out)
    };
    let path = config.display();
    assert_eq!(
        said(&es),
        format!("sello-ca: error: {path}: issuance.validity_months debe estar entre 1 y 60\n")
    );
    assert_eq!(
        said(&va),
        format!("sello-ca: error: {path}: issuance.validity_months ha d'estar entre 1 i 60\n")
    );
    assert_eq!(
        said(&[("LANG", "es_ES.UTF-8"), ("LC_ALL", "C")]),
        format!("sello-ca: error: {path}: issuance.validity_months must be between 1 and 60\n")
    );
}
