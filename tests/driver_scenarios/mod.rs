//! The PIV driver scenarios shared by `driver_virtual.rs` (in-process virtual card, no pcscd) and
//! `driver_pcsc.rs` (the same virtual card behind a private pcscd and vpcd): every operation, with
//! signatures and key agreement checked host-side with RustCrypto. Each scenario gets its cards from
//! a [`Bench`], so it does not know which way its APDUs travel.
// Helpers outside `#[test]` functions unwrap too: a failing helper is a failing test.
#![allow(clippy::unwrap_used)]
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use sello::apdu::StatusWord;
use sello::card::piv::{
    KeyOrigin, MetadataAlgorithm, ObjectId, PinPolicy, PivCard, PrivateKey, PublicKey, Slot,
    TouchPolicy,
};
use sello::card::{CardDriver, CardError, KeyAlgorithm, KeyRef};
use sello::pin::{ManagementAlgorithm, ManagementKey, Pin, Puk};
use sello::transport::Transport;
use sha2::{Digest, Sha256, Sha384};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where the scenarios get their cards.
pub trait Bench {
    /// A factory-fresh card (serial 10000001, the default ATR, which does not announce extended
    /// length) opened by the PIV driver. Cards from earlier calls may be the same physical card
    /// (through pcscd they are): do not use them afterwards.
    fn fresh_card(&mut self) -> PivCard;
    /// A factory-fresh card whose ATR ([`extended_atr`]) announces extended Lc/Le.
    fn extended_card(&mut self) -> PivCard;
    /// Another connection to the card of the last [`Bench::fresh_card`].
    fn connect(&mut self) -> Transport;
    /// Another application resets the card of the last [`Bench::fresh_card`].
    fn reset_by_other(&mut self);
}

/// A scenario: one `#[test]` in-process, one step of the single pcscd test.
pub type Scenario = fn(&mut dyn Bench);

/// Calls `$m!(scenario, ...)` with every shared scenario: the one list both runners use, so a new
/// scenario runs both ways.
macro_rules! for_each_scenario {
    ($m:ident) => {
        $m!(
            identify,
            pin_wrong_blocked_unblock_change,
            management_key_all_algorithms,
            generate_sign_verify_ec_and_ed25519,
            rsa_2048_sign_decrypt_with_pin_policy,
            rsa_3072_and_4096,
            ecdh_p256_p384_x25519,
            certificates_plain_compressed_and_mismatch,
            import_keys_and_attest,
            retries_and_reset,
            reset_by_other_application_drops_login_and_reselects,
            trace_redacts_secrets_and_counts,
            extended_length_instead_of_chaining,
            contents_record_sealed_dropped_and_checked,
        );
    };
}

macro_rules! scenario_table {
    ($($name:ident),* $(,)?) => {
        /// Every shared scenario with its name, in order.
        pub const ALL: &[(&str, Scenario)] = &[$((stringify!($name), $name as Scenario)),*];
    };
}
for_each_scenario!(scenario_table);

/// An ATR like the virtual card's default (`3B 8F 01`: T=1 only, 15 historical bytes: category
/// 80, the PIV AID under compact-TLV tag F) plus card capabilities (ISO 7816-4 §8.1.1.2.7, tag 7,
/// `73 C0 21 C0`: third software function table bit 0x40, "extended Lc and Le fields"), and TCK.
pub fn extended_atr() -> Vec<u8> {
    let mut atr = hex::decode("3B8F0180F9A0000003080000100073C021C0").unwrap();
    let tck = atr[1..].iter().fold(0, |x, b| x ^ b);
    atr.push(tck);
    atr
}

pub fn admin(card: &mut PivCard) {
    card.authenticate(&ManagementKey::default_3des())
        .expect("default management key");
}

pub fn pin(s: &str) -> Pin {
    Pin::new(s).unwrap()
}

/// PKCS#1 v1.5 type 1 padding of a SHA-256 DigestInfo (RFC 8017 §9.2), done host-side.
pub fn pkcs1_sha256(msg: &[u8], k: usize) -> Vec<u8> {
    let prefix = hex::decode("3031300d060960864801650304020105000420").unwrap();
    let t = [prefix, Sha256::digest(msg).to_vec()].concat();
    let mut em = vec![0x00, 0x01];
    em.extend(std::iter::repeat_n(0xFF, k - t.len() - 3));
    em.push(0);
    em.extend(t);
    em
}

pub fn rsa_key(pk: &PublicKey) -> rsa::RsaPublicKey {
    let PublicKey::Rsa { n, e } = pk else {
        panic!("not RSA: {pk:?}")
    };
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(n),
        rsa::BigUint::from_bytes_be(e),
    )
    .unwrap()
}

pub fn verify_sig(pk: &PublicKey, msg: &[u8], sig: &[u8]) {
    use p256::ecdsa::signature::Verifier;
    match pk {
        PublicKey::Rsa { .. } => rsa_key(pk)
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(msg),
                sig,
            )
            .expect("RSA signature verifies"),
        PublicKey::P256(p) => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(p).unwrap();
            let sig = p256::ecdsa::Signature::from_der(sig).expect("DER ECDSA signature");
            vk.verify(msg, &sig).expect("P-256 signature verifies");
        }
        PublicKey::P384(p) => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(p).unwrap();
            let sig = p384::ecdsa::Signature::from_der(sig).expect("DER ECDSA signature");
            vk.verify(msg, &sig).expect("P-384 signature verifies");
        }
        PublicKey::Ed25519(k) => {
            let vk = ed25519_dalek::VerifyingKey::from_bytes(k).unwrap();
            let sig = ed25519_dalek::Signature::from_slice(sig).unwrap();
            vk.verify(msg, &sig).expect("Ed25519 signature verifies");
        }
        other => panic!("cannot verify with {other:?}"),
    }
}

pub fn sign_and_verify(card: &mut PivCard, slot: Slot, pk: &PublicKey, pin: Option<&Pin>) {
    let msg = b"Sello test message";
    let alg = pk.algorithm();
    let input = match alg {
        KeyAlgorithm::EccP256 => Sha256::digest(msg).to_vec(),
        KeyAlgorithm::EccP384 => Sha384::digest(msg).to_vec(),
        KeyAlgorithm::Ed25519 => msg.to_vec(),
        rsa => pkcs1_sha256(msg, rsa.rsa_len().unwrap()),
    };
    let sig = card.sign(slot, alg, &input, pin).expect("card signs");
    // ECDSA verification hashes the message itself (P-256 with SHA-256, P-384 with SHA-384).
    verify_sig(pk, msg, &sig);
}

pub fn identify(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    let props = c.properties().unwrap().clone();
    assert!(!props.aid.is_empty());
    assert_eq!(c.version().unwrap().to_string(), "5.7.1");
    assert_eq!(c.serial().unwrap(), 10_000_001);
    let info = CardDriver::info(&mut c).unwrap();
    assert_eq!(info.serial.as_deref(), Some("10000001"));
    assert_eq!(info.version.as_deref(), Some("5.7.1"));
    let chuid = c.read_chuid().unwrap().expect("factory CHUID");
    assert!(chuid.guid.is_some());
    let ccc = c.read_ccc().unwrap().expect("factory CCC");
    assert_eq!(ccc.card_identifier.len(), 21);
    let d = c.read_discovery().unwrap().expect("discovery");
    assert!(d.piv_pin());
    assert!(!d.global_pin_primary());
    // Registry picks PIV.
    let drv = sello::card::open(b.connect()).unwrap();
    assert_eq!(drv.driver_name(), "PIV");
}

pub fn pin_wrong_blocked_unblock_change(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    let st = c.pin_status().unwrap();
    assert!(!st.verified);
    assert_eq!(st.pin.unwrap().remaining, 3);
    assert_eq!(st.puk.unwrap().remaining, 3);
    assert_eq!(st.pin_is_default, Some(true));
    let e = c.verify_pin(&pin("654321")).unwrap_err();
    assert!(matches!(e, CardError::WrongPin { tries_left: 2 }), "{e}");
    assert_eq!(
        sello::i18n::with_language("en", || e.to_string()),
        "wrong PIN, 2 tries left"
    );
    c.verify_pin(&pin("123456")).unwrap();
    assert!(c.pin_status().unwrap().verified);
    c.logout().unwrap();
    assert!(!c.pin_status().unwrap().verified);
    for left in [2u8, 1] {
        assert!(matches!(
            c.verify_pin(&pin("000000")),
            Err(CardError::WrongPin { tries_left }) if tries_left == left
        ));
    }
    assert!(matches!(
        c.verify_pin(&pin("000000")),
        Err(CardError::PinBlocked)
    ));
    // Blocked: even the right PIN is refused, and no try is spent on our side.
    assert!(matches!(
        c.verify_pin(&pin("123456")),
        Err(CardError::PinBlocked)
    ));
    assert!(c.pin_status().unwrap().pin_blocked());
    let e = c
        .unblock_pin(&Puk::new("87654321").unwrap(), &pin("111111"))
        .unwrap_err();
    assert!(matches!(e, CardError::WrongPuk { tries_left: 2 }), "{e}");
    c.unblock_pin(&Puk::new("12345678").unwrap(), &pin("111111"))
        .unwrap();
    c.verify_pin(&pin("111111")).unwrap();
    c.change_pin(&pin("111111"), &pin("22222222")).unwrap();
    assert!(matches!(
        c.change_pin(&pin("111111"), &pin("333333")),
        Err(CardError::WrongPin { tries_left: 2 })
    ));
    c.verify_pin(&pin("22222222")).unwrap();
    c.change_puk(
        &Puk::new("12345678").unwrap(),
        &Puk::new("abcdefgh").unwrap(),
    )
    .unwrap();
    let st = c.pin_status().unwrap();
    assert_eq!(st.puk_is_default, Some(false));
    assert_eq!(st.pin_is_default, Some(false));
}

pub fn management_key_all_algorithms(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    let wrong = ManagementKey::new(ManagementAlgorithm::TripleDes, &[9u8; 24]).unwrap();
    assert!(matches!(
        c.authenticate(&wrong),
        Err(CardError::ManagementKeyAuthFailed)
    ));
    assert!(!c.is_management_authenticated());
    admin(&mut c);
    assert!(c.is_management_authenticated());
    let mut current = ManagementKey::default_3des();
    for alg in [
        ManagementAlgorithm::Aes128,
        ManagementAlgorithm::Aes192,
        ManagementAlgorithm::Aes256,
        ManagementAlgorithm::TripleDes,
    ] {
        c.authenticate(&current).unwrap();
        let next = ManagementKey::generate(alg);
        c.set_management_key(&next, false).unwrap();
        let meta = c.metadata(Slot::CARD_MANAGEMENT).unwrap().unwrap();
        assert_eq!(meta.algorithm, Some(MetadataAlgorithm::Management(alg)));
        assert_eq!(meta.is_default, Some(false));
        // Old key and a same-length key of the wrong algorithm fail; the new key works.
        assert!(matches!(
            c.authenticate(&current),
            Err(CardError::ManagementKeyAuthFailed)
        ));
        c.authenticate(&next).unwrap();
        current = next;
    }
    // Without authentication (a fresh card), admin operations are refused with a clear error.
    let mut c2 = b.fresh_card();
    let e = c2
        .generate_key(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap_err();
    assert!(matches!(e, CardError::SecurityStatusNotSatisfied), "{e}");
}

pub fn generate_sign_verify_ec_and_ed25519(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    for (slot, alg) in [
        (Slot::AUTHENTICATION, KeyAlgorithm::EccP256),
        (Slot::SIGNATURE, KeyAlgorithm::EccP384),
        (Slot::CARD_AUTHENTICATION, KeyAlgorithm::Ed25519),
    ] {
        let pk = c
            .generate_key(slot, alg, PinPolicy::Default, TouchPolicy::Default)
            .unwrap();
        assert_eq!(pk.algorithm(), alg);
        // SPKI DER round trip.
        assert_eq!(
            PublicKey::from_spki_der(&pk.to_spki_der().unwrap()).unwrap(),
            pk
        );
        let p = pin("123456");
        sign_and_verify(&mut c, slot, &pk, Some(&p));
        let meta = c.metadata(slot).unwrap().unwrap();
        assert_eq!(meta.public_key.as_ref(), Some(&pk));
        assert_eq!(meta.origin, Some(KeyOrigin::Generated));
    }
    // 9C demands the PIN for every signature (PIN policy "always").
    let pk = c
        .metadata(Slot::SIGNATURE)
        .unwrap()
        .unwrap()
        .public_key
        .unwrap();
    c.verify_pin(&pin("123456")).unwrap();
    let h = Sha384::digest(b"x").to_vec();
    c.sign(Slot::SIGNATURE, KeyAlgorithm::EccP384, &h, None)
        .unwrap();
    let e = c
        .sign(Slot::SIGNATURE, KeyAlgorithm::EccP384, &h, None)
        .unwrap_err();
    assert!(matches!(e, CardError::SecurityStatusNotSatisfied), "{e}");
    sign_and_verify(&mut c, Slot::SIGNATURE, &pk, Some(&pin("123456")));
}

pub fn rsa_2048_sign_decrypt_with_pin_policy(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    let pk = c
        .generate_key(
            Slot::KEY_MANAGEMENT,
            KeyAlgorithm::Rsa2048,
            PinPolicy::Once,
            TouchPolicy::Never,
        )
        .unwrap();
    assert_eq!(pk.algorithm(), KeyAlgorithm::Rsa2048);
    let meta = c.metadata(Slot::KEY_MANAGEMENT).unwrap().unwrap();
    assert_eq!(meta.pin_policy, Some(PinPolicy::Once));
    assert_eq!(meta.touch_policy, Some(TouchPolicy::Never));
    // No PIN yet.
    let block = pkcs1_sha256(b"m", 256);
    assert!(matches!(
        c.sign(Slot::KEY_MANAGEMENT, KeyAlgorithm::Rsa2048, &block, None),
        Err(CardError::SecurityStatusNotSatisfied)
    ));
    c.verify_pin(&pin("123456")).unwrap();
    let before = c.apdu_count();
    sign_and_verify(&mut c, Slot::KEY_MANAGEMENT, &pk, None);
    // 256 bytes of input: 2 chained blocks (no extended length on this ATR) + GET RESPONSE.
    let used = c.apdu_count() - before;
    assert!((2..=4).contains(&used), "{used} APDUs");
    // Raw decryption: host encrypts with PKCS#1 v1.5, card decrypts raw, host unpads.
    let secret = b"session key 0123456789abcdef";
    let ct = rsa_key(&pk)
        .encrypt(&mut rand::thread_rng(), rsa::Pkcs1v15Encrypt, secret)
        .unwrap();
    let raw = c
        .decrypt(Slot::KEY_MANAGEMENT, KeyAlgorithm::Rsa2048, &ct, None)
        .unwrap();
    assert_eq!(raw.len(), 256);
    assert_eq!(&raw[..2], &[0, 2]);
    let sep = raw[2..].iter().position(|b| *b == 0).unwrap() + 3;
    assert_eq!(&raw[sep..], secret);
    // Wrong input length is refused before reaching the card.
    assert!(matches!(
        c.sign(Slot::KEY_MANAGEMENT, KeyAlgorithm::Rsa2048, &[0; 32], None),
        Err(CardError::InvalidInput(_))
    ));
}

pub fn rsa_3072_and_4096(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    for (slot, alg) in [
        (Slot(0x82), KeyAlgorithm::Rsa3072),
        (Slot(0x83), KeyAlgorithm::Rsa4096),
    ] {
        let pk = c
            .generate_key(slot, alg, PinPolicy::Never, TouchPolicy::Default)
            .unwrap();
        assert_eq!(pk.algorithm(), alg);
        sign_and_verify(&mut c, slot, &pk, None);
    }
}

pub fn ecdh_p256_p384_x25519(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    let p = pin("123456");
    // P-256
    let pk = c
        .generate_key(
            Slot::KEY_MANAGEMENT,
            KeyAlgorithm::EccP256,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap();
    let eph = p256::ecdh::EphemeralSecret::random(&mut rand::thread_rng());
    let eph_pub = p256::EncodedPoint::from(eph.public_key());
    let ours = c
        .ecdh(
            Slot::KEY_MANAGEMENT,
            KeyAlgorithm::EccP256,
            eph_pub.as_bytes(),
            Some(&p),
        )
        .unwrap();
    let PublicKey::P256(card_pt) = &pk else {
        panic!()
    };
    let theirs = eph.diffie_hellman(&p256::PublicKey::from_sec1_bytes(card_pt).unwrap());
    assert_eq!(&ours[..], theirs.raw_secret_bytes().as_slice());
    // P-384
    let pk = c
        .generate_key(
            Slot(0x84),
            KeyAlgorithm::EccP384,
            PinPolicy::Never,
            TouchPolicy::Default,
        )
        .unwrap();
    let eph = p384::ecdh::EphemeralSecret::random(&mut rand::thread_rng());
    let eph_pub = p384::EncodedPoint::from(eph.public_key());
    let ours = c
        .ecdh(Slot(0x84), KeyAlgorithm::EccP384, eph_pub.as_bytes(), None)
        .unwrap();
    let PublicKey::P384(card_pt) = &pk else {
        panic!()
    };
    let theirs = eph.diffie_hellman(&p384::PublicKey::from_sec1_bytes(card_pt).unwrap());
    assert_eq!(&ours[..], theirs.raw_secret_bytes().as_slice());
    // X25519
    let pk = c
        .generate_key(
            Slot(0x85),
            KeyAlgorithm::X25519,
            PinPolicy::Never,
            TouchPolicy::Default,
        )
        .unwrap();
    let eph = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
    let eph_pub = x25519_dalek::PublicKey::from(&eph);
    let ours = c
        .ecdh(Slot(0x85), KeyAlgorithm::X25519, eph_pub.as_bytes(), None)
        .unwrap();
    let PublicKey::X25519(card_pt) = pk else {
        panic!()
    };
    let theirs = eph.diffie_hellman(&x25519_dalek::PublicKey::from(card_pt));
    assert_eq!(&ours[..], theirs.as_bytes());
    // Bad peer point length.
    assert!(matches!(
        c.ecdh(Slot(0x85), KeyAlgorithm::X25519, &[1; 31], None),
        Err(CardError::InvalidInput(_))
    ));
}

pub fn certificates_plain_compressed_and_mismatch(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    assert_eq!(c.read_certificate(Slot::AUTHENTICATION).unwrap(), None);
    let pk_a = c
        .generate_key(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap();
    let pk_c = c
        .generate_key(
            Slot::SIGNATURE,
            KeyAlgorithm::EccP256,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap();
    // The attestation certificate carries the slot's public key: a handy real certificate.
    let cert_a = c.attest(Slot::AUTHENTICATION).unwrap();
    let cert_c = c.attest(Slot::SIGNATURE).unwrap();
    let (_, x) = x509_parser::parse_x509_certificate(&cert_a).unwrap();
    assert_eq!(PublicKey::from_spki_der(x.public_key().raw).unwrap(), pk_a);
    c.write_certificate(Slot::AUTHENTICATION, &cert_a, false, Some(&pk_a))
        .unwrap();
    let got = c.read_certificate(Slot::AUTHENTICATION).unwrap().unwrap();
    assert_eq!(got.der, cert_a);
    assert!(!got.compressed);
    c.write_certificate(Slot::SIGNATURE, &cert_c, true, Some(&pk_c))
        .unwrap();
    let got = c.read_certificate(Slot::SIGNATURE).unwrap().unwrap();
    assert_eq!(got.der, cert_c);
    assert!(got.compressed);
    // Certificate of another key: refused, by the caller's key and by the card's metadata.
    assert!(matches!(
        c.write_certificate(Slot::SIGNATURE, &cert_a, false, Some(&pk_c)),
        Err(CardError::CertificateKeyMismatch { slot: 0x9C })
    ));
    assert!(matches!(
        c.write_certificate(Slot::SIGNATURE, &cert_a, false, None),
        Err(CardError::CertificateKeyMismatch { slot: 0x9C })
    ));
    assert!(matches!(
        c.write_certificate(Slot::SIGNATURE, b"not a cert", false, None),
        Err(CardError::BadCertificate)
    ));
    assert_eq!(
        c.read_certificate(Slot::SIGNATURE).unwrap().unwrap().der,
        cert_c
    );
    // Slot listing: algorithm, public key and certificate.
    let slots = CardDriver::key_slots(&mut c).unwrap();
    let a = slots.iter().find(|s| s.key == KeyRef(0x9A)).unwrap();
    assert_eq!(a.algorithm, Some(KeyAlgorithm::EccP256));
    assert_eq!(a.certificate.as_deref(), Some(&cert_a[..]));
    assert_eq!(a.public_key.as_ref(), Some(&pk_a));
    assert_eq!(slots.len(), 2);
    assert_eq!(
        CardDriver::read_certificate(&mut c, KeyRef(0x9C)).unwrap(),
        Some(cert_c)
    );
    c.delete_certificate(Slot::SIGNATURE).unwrap();
    assert_eq!(c.read_certificate(Slot::SIGNATURE).unwrap(), None);
    // Card authentication (9E) and the first and last retired slots (82, 95): their own objects.
    for slot in [Slot::CARD_AUTHENTICATION, Slot(0x82), Slot(0x95)] {
        let pk = c
            .generate_key(
                slot,
                KeyAlgorithm::EccP256,
                PinPolicy::Default,
                TouchPolicy::Default,
            )
            .unwrap();
        let cert = c.attest(slot).unwrap();
        c.write_certificate(slot, &cert, slot.0 == 0x95, Some(&pk))
            .unwrap();
        assert_eq!(c.read_certificate(slot).unwrap().unwrap().der, cert);
    }
    assert_eq!(
        c.read_certificate(Slot::AUTHENTICATION)
            .unwrap()
            .unwrap()
            .der,
        cert_a
    );
    // Objects: CHUID written and read back.
    let chuid = sello::card::piv::Chuid::encode(&[7; 16], "20351231");
    c.write_object(ObjectId::CHUID, &chuid).unwrap();
    let back = c.read_chuid().unwrap().unwrap();
    assert_eq!(back.guid, Some([7; 16]));
    assert_eq!(back.expiry.as_deref(), Some("20351231"));
}

pub fn import_keys_and_attest(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    let ec = PrivateKey::P256(p256::SecretKey::random(&mut rand::thread_rng()));
    let pk = c
        .import_key(
            Slot::AUTHENTICATION,
            &ec,
            PinPolicy::Never,
            TouchPolicy::Never,
        )
        .unwrap();
    sign_and_verify(&mut c, Slot::AUTHENTICATION, &pk, None);
    let meta = c.metadata(Slot::AUTHENTICATION).unwrap().unwrap();
    assert_eq!(meta.origin, Some(KeyOrigin::Imported));
    assert_eq!(meta.public_key, Some(pk));
    // Imported keys cannot be attested.
    assert!(c.attest(Slot::AUTHENTICATION).is_err());
    let ed = PrivateKey::Ed25519(ed25519_dalek::SigningKey::generate(&mut rand::thread_rng()));
    let pk = c
        .import_key(Slot(0x86), &ed, PinPolicy::Never, TouchPolicy::Default)
        .unwrap();
    sign_and_verify(&mut c, Slot(0x86), &pk, None);
    let p384 = PrivateKey::P384(p384::SecretKey::random(&mut rand::thread_rng()));
    let pk = c
        .import_key(Slot(0x87), &p384, PinPolicy::Never, TouchPolicy::Default)
        .unwrap();
    sign_and_verify(&mut c, Slot(0x87), &pk, None);
    let rsa = PrivateKey::Rsa(Box::new(
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
    ));
    let pk = c
        .import_key(
            Slot::KEY_MANAGEMENT,
            &rsa,
            PinPolicy::Never,
            TouchPolicy::Default,
        )
        .unwrap();
    sign_and_verify(&mut c, Slot::KEY_MANAGEMENT, &pk, None);
    // Attest a generated key: the certificate holds its public key.
    let gen = c
        .generate_key(
            Slot::SIGNATURE,
            KeyAlgorithm::Ed25519,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap();
    let att = c.attest(Slot::SIGNATURE).unwrap();
    let (_, x) = x509_parser::parse_x509_certificate(&att).unwrap();
    assert_eq!(PublicKey::from_spki_der(x.public_key().raw).unwrap(), gen);
}

pub fn retries_and_reset(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    // SET PIN RETRIES needs the PIN too.
    assert!(c.set_pin_retries(5, 4).is_err());
    c.verify_pin(&pin("123456")).unwrap();
    c.set_pin_retries(5, 4).unwrap();
    let st = c.pin_status().unwrap();
    assert_eq!(st.pin.unwrap().total, Some(5));
    assert_eq!(st.puk.unwrap().total, Some(4));
    c.generate_key(
        Slot::AUTHENTICATION,
        KeyAlgorithm::EccP256,
        PinPolicy::Default,
        TouchPolicy::Default,
    )
    .unwrap();
    // Reset refused while PIN and PUK work.
    let e = c.reset().unwrap_err();
    assert!(matches!(e, CardError::ResetRefused(_)), "{e}");
    for _ in 0..5 {
        let _ = c.verify_pin(&pin("000000"));
    }
    assert!(matches!(c.reset(), Err(CardError::ResetRefused(_))));
    for _ in 0..4 {
        let _ = c.unblock_pin(&Puk::new("00000000").unwrap(), &pin("000000"));
    }
    assert!(matches!(
        c.unblock_pin(&Puk::new("12345678").unwrap(), &pin("000000")),
        Err(CardError::PukBlocked)
    ));
    c.reset().unwrap();
    assert_eq!(c.metadata(Slot::AUTHENTICATION).unwrap(), None);
    c.verify_pin(&pin("123456")).unwrap();
    admin(&mut c);
}

pub fn reset_by_other_application_drops_login_and_reselects(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    admin(&mut c);
    c.generate_key(
        Slot::AUTHENTICATION,
        KeyAlgorithm::EccP256,
        PinPolicy::Once,
        TouchPolicy::Default,
    )
    .unwrap();
    c.verify_pin(&pin("123456")).unwrap();
    assert!(c.is_pin_verified());
    assert!(!CardDriver::take_reset_event(&mut c));
    b.reset_by_other();
    // The next operation re-selects and works; login state is gone and reported.
    let st = c.pin_status().unwrap();
    assert!(!st.verified);
    assert!(CardDriver::take_reset_event(&mut c));
    assert!(!c.is_pin_verified());
    assert!(!c.is_management_authenticated());
    let h = Sha256::digest(b"x").to_vec();
    assert!(matches!(
        c.sign(Slot::AUTHENTICATION, KeyAlgorithm::EccP256, &h, None),
        Err(CardError::SecurityStatusNotSatisfied)
    ));
    c.sign(
        Slot::AUTHENTICATION,
        KeyAlgorithm::EccP256,
        &h,
        Some(&pin("123456")),
    )
    .unwrap();
}

pub fn trace_redacts_secrets_and_counts(b: &mut dyn Bench) {
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = b.fresh_card();
    let buf = Buf::default();
    c.transport().tracer().set_sink(Some(Box::new(buf.clone())));
    let counter = c.transport().tracer().counter().clone();
    counter.reset();
    c.verify_pin(&pin("123456")).unwrap();
    assert_eq!(counter.get(), 1);
    let _ = c.verify_pin(&pin("987654"));
    admin(&mut c);
    assert_eq!(counter.get(), 4);
    let new = ManagementKey::from_hex(
        ManagementAlgorithm::Aes128,
        "00112233445566778899aabbccddeeff",
    )
    .unwrap();
    c.set_management_key(&new, false).unwrap();
    let ec = PrivateKey::P256(p256::SecretKey::from_slice(&[0x42; 32]).unwrap());
    c.authenticate(&new).unwrap();
    c.import_key(
        Slot::AUTHENTICATION,
        &ec,
        PinPolicy::Never,
        TouchPolicy::Default,
    )
    .unwrap();
    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    for secret in [
        "313233343536",
        "393837363534",
        "0102030405060708",
        "00112233445566778899AABBCCDDEEFF",
        "4242424242424242",
    ] {
        assert!(!log.contains(secret), "{secret} leaked:\n{log}");
    }
    assert!(log.contains("> 00200080 <"), "{log}");
    assert!(log.contains("63C2"), "{log}");
    assert_eq!(
        StatusWord::from_u16(0x63C2),
        StatusWord::VerifyFail { tries: 2 }
    );
}

/// APDUs spent on large transfers: a 256-byte RSA-2048 signature input, writing and reading back
/// a certificate of about 800 bytes.
#[derive(Debug, Clone, Copy)]
struct LargeTransfers {
    sign: u64,
    write: u64,
    read: u64,
}

fn large_transfers(c: &mut PivCard) -> LargeTransfers {
    admin(c);
    let pk = c
        .generate_key(
            Slot::KEY_MANAGEMENT,
            KeyAlgorithm::Rsa2048,
            PinPolicy::Never,
            TouchPolicy::Default,
        )
        .unwrap();
    let before = c.apdu_count();
    sign_and_verify(c, Slot::KEY_MANAGEMENT, &pk, None);
    let sign = c.apdu_count() - before;
    let cert = c.attest(Slot::KEY_MANAGEMENT).unwrap();
    assert!(cert.len() > 600, "{} bytes", cert.len());
    let before = c.apdu_count();
    c.write_certificate(Slot::KEY_MANAGEMENT, &cert, false, Some(&pk))
        .unwrap();
    let write = c.apdu_count() - before;
    let before = c.apdu_count();
    let back = c.read_certificate(Slot::KEY_MANAGEMENT).unwrap().unwrap();
    let read = c.apdu_count() - before;
    assert_eq!(back.der, cert);
    LargeTransfers { sign, write, read }
}

pub fn extended_length_instead_of_chaining(b: &mut dyn Bench) {
    let mut c = b.fresh_card();
    assert!(
        !c.transport().config().extended_length,
        "the default ATR does not announce it"
    );
    let chained = large_transfers(&mut c);
    drop(c);
    let mut c = b.extended_card();
    assert!(
        c.transport().config().extended_length,
        "the ATR announces it: {}",
        hex::encode_upper(c.transport().atr())
    );
    let extended = large_transfers(&mut c);
    // One extended command, one response with everything: the signature input in one command,
    // the certificate in one PUT DATA (after GET METADATA: the card's key must match, and the
    // PUT DATA that drops Sello's contents record) and one GET DATA, where chaining needs
    // 255-byte blocks and 256-byte GET RESPONSE rounds.
    let both = format!("extended {extended:?}, chained {chained:?}");
    assert_eq!(extended.sign, 1, "{both}");
    assert_eq!(extended.write, 3, "{both}");
    assert_eq!(extended.read, 1, "{both}");
    assert!(chained.sign >= 2, "{both}");
    assert!(chained.write >= 4, "{both}");
    assert!(chained.read >= 3, "{both}");
}

/// Sello's contents record: written by `seal_contents` from what the card holds, deleted by every
/// write of the driver (so it never describes other contents), and checked slot by slot by
/// `unseal`, which sees a certificate another tool replaced behind the record's back.
pub fn contents_record_sealed_dropped_and_checked(b: &mut dyn Bench) {
    let mut c = b.extended_card();
    admin(&mut c);
    assert_eq!(c.contents_record().unwrap(), None, "a fresh card has none");
    assert_eq!(CardDriver::sealed(&mut c).unwrap(), None);
    let mut keys = Vec::new();
    for slot in [Slot::AUTHENTICATION, Slot::SIGNATURE] {
        let pk = c
            .generate_key(
                slot,
                KeyAlgorithm::EccP256,
                PinPolicy::Default,
                TouchPolicy::Default,
            )
            .unwrap();
        let cert = c.attest(slot).unwrap();
        c.write_certificate(slot, &cert, false, Some(&pk)).unwrap();
        keys.push((slot, cert));
    }
    // A key without a certificate in 9D shows too.
    c.generate_key(
        Slot::KEY_MANAGEMENT,
        KeyAlgorithm::EccP256,
        PinPolicy::Default,
        TouchPolicy::Default,
    )
    .unwrap();
    let serial = c.serial().unwrap();
    let record = c.seal_contents().unwrap();
    assert_eq!(record.serial, serial);
    assert_eq!(
        record.version.map(|v| v.to_string()).as_deref(),
        Some("5.7.1")
    );
    let listed: Vec<(u8, bool, Option<bool>)> = record
        .slots
        .iter()
        .map(|s| (s.slot, s.certificate.is_some(), s.generated))
        .collect();
    assert_eq!(
        listed,
        [
            (0x9A, true, Some(true)),
            (0x9C, true, Some(true)),
            (0x9D, false, Some(true))
        ]
    );
    assert_eq!(c.contents_record().unwrap().as_ref(), Some(&record));

    // Reading by the record: SELECT was done; one GET DATA for the record, one per certificate
    // (extended length), one GET METADATA for the key without a certificate.
    let before = c.transport().tracer().count();
    let sealed = CardDriver::sealed(&mut c).unwrap().expect("sealed");
    assert_eq!(sealed.info.serial, Some(serial.to_string()));
    assert_eq!(sealed.info.version.as_deref(), Some("5.7.1"));
    let slots = CardDriver::unseal(&mut c, &sealed)
        .unwrap()
        .expect("matches");
    assert_eq!(c.transport().tracer().count() - before, 4);
    assert_eq!(slots.len(), 3);
    for (slot, cert) in &keys {
        let s = slots.iter().find(|s| s.key.0 == slot.0).unwrap();
        assert_eq!(s.certificate.as_ref(), Some(cert));
        assert_eq!(s.generated, Some(true));
    }
    let keyless = slots.iter().find(|s| s.key.0 == 0x9D).unwrap();
    assert!(keyless.certificate.is_none() && keyless.public_key.is_some());
    // Same contents, same fingerprint.
    let again = CardDriver::sealed(&mut c).unwrap().unwrap();
    assert_eq!(again.fingerprint, sealed.fingerprint);

    // Any write of the driver drops the record first.
    c.delete_certificate(Slot::SIGNATURE).unwrap();
    assert_eq!(c.contents_record().unwrap(), None);
    let resealed = c.seal_contents().unwrap();
    assert_eq!(
        resealed.slots.len(),
        3,
        "9C keeps its key without a certificate"
    );
    let new = CardDriver::sealed(&mut c).unwrap().unwrap();
    assert_ne!(new.fingerprint, sealed.fingerprint);

    // Another tool replaces the 9A certificate without touching the record (raw PUT DATA):
    // the record no longer matches, and `unseal` says so.
    let other = c.attest(Slot::KEY_MANAGEMENT).unwrap();
    let container = [
        vec![0x70],
        encode_len(other.len()),
        other.clone(),
        vec![0x71, 0x01, 0x00, 0xFE, 0x00],
    ]
    .concat();
    let body = [
        vec![0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x53],
        encode_len(container.len()),
        container,
    ]
    .concat();
    let r = {
        let mut ch = c.transport_mut().transaction().unwrap();
        ch.transmit(&sello::apdu::Command::new(0xDB).p1(0x3F).p2(0xFF).data(body))
            .unwrap()
    };
    assert_eq!(r.status(), StatusWord::Success);
    assert!(c.contents_record().unwrap().is_some(), "the record stayed");
    assert_eq!(CardDriver::unseal(&mut c, &new).unwrap(), None);

    // A record this code cannot read is no record.
    c.write_object(ObjectId::SELLO_CONTENTS, &[0x80, 0x01, 0x09])
        .unwrap();
    assert_eq!(CardDriver::sealed(&mut c).unwrap(), None);
}

/// A BER length.
fn encode_len(n: usize) -> Vec<u8> {
    match n {
        0..=0x7F => vec![n as u8],
        0x80..=0xFF => vec![0x81, n as u8],
        _ => vec![0x82, (n >> 8) as u8, n as u8],
    }
}
