//! CSRs signed by the card (in-process virtual card): RSA-2048 and P-256, checked on the host and
//! by openssl; the subject is exactly the Spanish natural-person form; the local issuer's
//! certificates pass the activation checks, and one for another key does not.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use sello::card::piv::{PinPolicy, PivCard, Slot, TouchPolicy};
use sello::card::{KeyAlgorithm, PublicKey};
use sello::enroll::chain::{check_issued, CertCheckError};
use sello::enroll::csr::{build_csr, check_csr};
use sello::enroll::local::{pem_encode, LocalIssuer};
use sello::enroll::{Enroller, Purpose};
use sello::pin::{ManagementKey, Pin};
use sello::profile::{self, Identity, Subject};
use sello::transport::memory::virtual_card;

fn subject() -> Subject {
    let p = profile::find(&profile::load_all_from(None).unwrap(), "citizen-piv").unwrap();
    let id = Identity::new(
        "X1234567L",
        "Ana María",
        "Pérez Gómez",
        Some("ana@example.es"),
    )
    .unwrap();
    p.subject.render(&id).unwrap()
}

fn card_with_key(slot: Slot, alg: KeyAlgorithm, policy: PinPolicy) -> (PivCard, PublicKey) {
    let (t, ctl) = virtual_card(10_000_001);
    std::mem::forget(ctl);
    let mut card = PivCard::open(t).unwrap();
    card.authenticate(&ManagementKey::default_3des()).unwrap();
    let pk = card
        .generate_key(slot, alg, policy, TouchPolicy::Default)
        .unwrap();
    (card, pk)
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openssl {args:?}: {text}");
    text
}

fn csr_case(slot: Slot, alg: KeyAlgorithm, policy: PinPolicy) {
    let (mut card, pk) = card_with_key(slot, alg, policy);
    let pin = Pin::new("123456").unwrap();
    let s = subject();
    let der = build_csr(&mut card, slot, &pk, &s, Some(&pin)).unwrap();
    let checked = check_csr(&der).unwrap();
    assert_eq!(checked.public_key, pk);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("req.pem");
    std::fs::write(&path, pem_encode("CERTIFICATE REQUEST", &der)).unwrap();
    let p = path.to_str().unwrap();
    let v = openssl(&["req", "-in", p, "-verify", "-noout"]);
    assert!(
        v.contains("verify OK") || v.contains("Certificate request self-signature verify OK"),
        "{v}"
    );
    let subj = openssl(&[
        "req",
        "-in",
        p,
        "-noout",
        "-subject",
        "-nameopt",
        "RFC2253,-esc_msb",
    ]);
    assert_eq!(
        subj.trim(),
        "subject=CN=Ana María Pérez Gómez - NIF:X1234567L,SN=Pérez Gómez,GN=Ana María,serialNumber=IDCES-X1234567L,C=ES"
    );
    let text = openssl(&["req", "-in", p, "-noout", "-text"]);
    assert!(text.contains("email:ana@example.es"), "{text}");
    // String types: C and serialNumber PrintableString, the names UTF8String.
    let asn1 = openssl(&["asn1parse", "-in", p]);
    assert!(asn1.contains("PRINTABLESTRING   :ES"), "{asn1}");
    assert!(
        asn1.contains("PRINTABLESTRING   :IDCES-X1234567L"),
        "{asn1}"
    );
    assert!(asn1.contains("UTF8STRING        :Ana Mar"), "{asn1}");

    // The local issuer certifies it, and the activation checks accept the result...
    let mut ca = LocalIssuer::generate().unwrap();
    let purpose = if slot == Slot::SIGNATURE {
        Purpose::Signature
    } else {
        Purpose::Authentication
    };
    let chain = ca.enroll(purpose, &der).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let anchors = vec![ca.ca_cert_der().to_vec()];
    check_issued(&chain, &anchors, &pk, &s, now).unwrap();
    // ...and openssl agrees it chains.
    std::fs::write(
        dir.path().join("ca.pem"),
        pem_encode("CERTIFICATE", ca.ca_cert_der()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("leaf.pem"),
        pem_encode("CERTIFICATE", &chain[0]),
    )
    .unwrap();
    let ok = openssl(&[
        "verify",
        "-CAfile",
        dir.path().join("ca.pem").to_str().unwrap(),
        dir.path().join("leaf.pem").to_str().unwrap(),
    ]);
    assert!(ok.contains(": OK"), "{ok}");

    // A certificate for another key, a different subject, or from another CA is refused.
    let (_, other) = card_with_key(slot, alg, PinPolicy::Once);
    let wrong = ca.issue_for_key(purpose, &der, &other).unwrap();
    assert_eq!(
        check_issued(&[wrong], &anchors, &pk, &s, now),
        Err(CertCheckError::KeyMismatch)
    );
    let other_ca = LocalIssuer::generate().unwrap();
    assert!(matches!(
        check_issued(&chain, &[other_ca.ca_cert_der().to_vec()], &pk, &s, now),
        Err(CertCheckError::Untrusted(_))
    ));
    let mut s2 = s.clone();
    s2.attributes[2].value = "Ana".into();
    assert!(matches!(
        check_issued(&chain, &anchors, &pk, &s2, now),
        Err(CertCheckError::SubjectMismatch { .. })
    ));
    assert!(matches!(
        check_issued(&chain, &anchors, &pk, &s, now + 4 * 365 * 86_400),
        Err(CertCheckError::Validity(_))
    ));
}

#[test]
fn rsa2048_signature_key_csr() {
    csr_case(Slot::SIGNATURE, KeyAlgorithm::Rsa2048, PinPolicy::Always);
}

#[test]
fn p256_authentication_key_csr() {
    csr_case(Slot::AUTHENTICATION, KeyAlgorithm::EccP256, PinPolicy::Once);
}

#[test]
fn wrong_pin_is_a_card_error_and_no_csr() {
    let (mut card, pk) = card_with_key(Slot::SIGNATURE, KeyAlgorithm::EccP256, PinPolicy::Always);
    let bad = Pin::new("654321").unwrap();
    let e = build_csr(&mut card, Slot::SIGNATURE, &pk, &subject(), Some(&bad)).unwrap_err();
    assert!(
        matches!(
            e,
            sello::enroll::csr::CsrError::Card(sello::card::CardError::WrongPin { .. })
        ),
        "{e:?}"
    );
}
