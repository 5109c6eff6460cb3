//! Token objects: one certificate, public key and private key per populated PIV key slot, with
//! attributes stored in their C encoding so `C_GetAttributeValue` copies and `C_FindObjects`
//! compares bytes (PKCS#11 3.0 §4.6–4.9).

use crate::card::{KeyAlgorithm, KeyRef, KeySlot, PublicKey};
use cryptoki_sys::*;
use sha1::{Digest, Sha1};

/// `CK_ULONG` in its C encoding.
pub fn ulong(v: CK_ULONG) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

/// `CK_BBOOL` in its C encoding.
pub fn bool_attr(v: bool) -> Vec<u8> {
    vec![if v { CK_TRUE } else { CK_FALSE }]
}

/// DER of the named-curve OIDs (`CKA_EC_PARAMS`).
const OID_P256: &[u8] = &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];
const OID_ED25519: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x70];
const OID_X25519: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x6E];

/// Attributes a private key never reveals (`CKR_ATTRIBUTE_SENSITIVE`, PKCS#11 3.0 §4.9).
const SENSITIVE: &[CK_ATTRIBUTE_TYPE] = &[
    CKA_VALUE,
    CKA_PRIVATE_EXPONENT,
    CKA_PRIME_1,
    CKA_PRIME_2,
    CKA_EXPONENT_1,
    CKA_EXPONENT_2,
    CKA_COEFFICIENT,
];

/// What a key object refers to on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    /// The card's key reference.
    pub key: KeyRef,
    /// Its algorithm.
    pub algorithm: KeyAlgorithm,
    /// The PIN is needed for every use (PIV 9C).
    pub always_authenticate: bool,
    /// The key needs the PIN at all (PIV 9E does not).
    pub needs_pin: bool,
    /// Allowed uses.
    pub sign: bool,
    /// Allowed uses.
    pub decrypt: bool,
    /// Allowed uses.
    pub derive: bool,
}

/// One object with its attributes.
#[derive(Debug, Clone)]
pub struct Object {
    /// The handle (nonzero, never reused in this process).
    pub handle: CK_OBJECT_HANDLE,
    /// `CKA_CLASS`.
    pub class: CK_OBJECT_CLASS,
    /// `CKA_PRIVATE`: hidden until the user logs in.
    pub private: bool,
    /// For private keys: what the card does with it.
    pub key: Option<KeyInfo>,
    attrs: Vec<(CK_ATTRIBUTE_TYPE, Vec<u8>)>,
}

/// The answer for one requested attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue<'a> {
    /// The value, C-encoded.
    Value(&'a [u8]),
    /// The object has no such attribute (`CKR_ATTRIBUTE_TYPE_INVALID`).
    Invalid,
    /// The attribute is secret (`CKR_ATTRIBUTE_SENSITIVE`).
    Sensitive,
}

impl Object {
    /// A new object with the attributes every object has (PKCS#11 3.0 §4.4).
    pub fn new(class: CK_OBJECT_CLASS, private: bool, label: &str, token: bool) -> Self {
        let mut o = Self {
            handle: 0,
            class,
            private,
            key: None,
            attrs: Vec::new(),
        };
        o.set(CKA_CLASS, ulong(class));
        o.set(CKA_TOKEN, bool_attr(token));
        o.set(CKA_PRIVATE, bool_attr(private));
        o.set(CKA_MODIFIABLE, bool_attr(false));
        o.set(CKA_COPYABLE, bool_attr(false));
        o.set(CKA_DESTROYABLE, bool_attr(!token));
        o.set(CKA_LABEL, label.as_bytes().to_vec());
        o
    }

    /// Sets an attribute (replacing any earlier value).
    pub fn set(&mut self, t: CK_ATTRIBUTE_TYPE, v: Vec<u8>) {
        if let Some(slot) = self.attrs.iter_mut().find(|(k, _)| *k == t) {
            slot.1 = v;
        } else {
            self.attrs.push((t, v));
        }
    }

    /// An attribute as `C_GetAttributeValue` sees it.
    pub fn get(&self, t: CK_ATTRIBUTE_TYPE) -> AttrValue<'_> {
        if self.class == CKO_PRIVATE_KEY && SENSITIVE.contains(&t) {
            return AttrValue::Sensitive;
        }
        match self.attrs.iter().find(|(k, _)| *k == t) {
            Some((_, v)) => AttrValue::Value(v),
            None => AttrValue::Invalid,
        }
    }

    /// Whether every attribute of `template` has exactly this value here (PKCS#11 3.0 §5.7.6).
    pub fn matches(&self, template: &[(CK_ATTRIBUTE_TYPE, Vec<u8>)]) -> bool {
        template
            .iter()
            .all(|(t, v)| matches!(self.get(*t), AttrValue::Value(x) if x == v.as_slice()))
    }

    /// Approximate size for `C_GetObjectSize`.
    pub fn size(&self) -> usize {
        self.attrs.iter().map(|(_, v)| v.len() + 16).sum()
    }
}

/// `CKA_ID` of a PIV key slot, as OpenSC's PIV emulation assigns it (`pkcs15-piv.c`): 9A 9C 9D 9E
/// are 01 02 03 04; retired 82..95 are "05".."24" read as hex (so 0x05..0x09, 0x10..0x24).
pub fn piv_cka_id(key: KeyRef) -> Vec<u8> {
    match key.0 {
        0x9A => vec![0x01],
        0x9C => vec![0x02],
        0x9D => vec![0x03],
        0x9E => vec![0x04],
        n @ 0x82..=0x95 => {
            let dec = n - 0x82 + 5;
            vec![((dec / 10) << 4) | (dec % 10)]
        }
        n => vec![n],
    }
}

/// Labels close to OpenSC's, so users see the same names.
fn labels(key: KeyRef) -> (String, String, String) {
    let (cert, base) = match key.0 {
        0x9A => (
            "Certificate for PIV Authentication".to_owned(),
            "PIV AUTH".to_owned(),
        ),
        0x9C => (
            "Certificate for Digital Signature".to_owned(),
            "SIGN".to_owned(),
        ),
        0x9D => (
            "Certificate for Key Management".to_owned(),
            "KEY MAN".to_owned(),
        ),
        0x9E => (
            "Certificate for Card Authentication".to_owned(),
            "CARD AUTH".to_owned(),
        ),
        n @ 0x82..=0x95 => {
            let i = n - 0x81;
            (
                format!("Certificate for Retired Key {i}"),
                format!("Retired KEY MAN {i}"),
            )
        }
        n => (format!("Certificate {n:02X}"), format!("KEY {n:02X}")),
    };
    (cert, format!("{base} pubkey"), format!("{base} key"))
}

/// Uses per slot (following OpenSC's PIV table).
fn uses(key: KeyRef, alg: KeyAlgorithm) -> (bool, bool, bool) {
    let rsa = alg.rsa_len().is_some();
    let (sign, decrypt, derive) = match key.0 {
        0x9A | 0x9C => (true, rsa, false),
        0x9E => (true, false, false),
        _ => (false, rsa, !rsa),
    };
    match alg {
        KeyAlgorithm::Ed25519 => (true, false, false),
        KeyAlgorithm::X25519 => (false, false, true),
        _ => (sign, decrypt, derive),
    }
}

/// Parsed certificate fields the objects need.
struct CertFields {
    subject: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    cn: Option<String>,
    spki: Vec<u8>,
}

fn parse_cert(der: &[u8]) -> Option<CertFields> {
    let (_, x) = x509_parser::parse_x509_certificate(der).ok()?;
    let tbs = &x.tbs_certificate;
    let cn = tbs
        .subject
        .iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok())
        .map(str::to_owned);
    Some(CertFields {
        subject: tbs.subject.as_raw().to_vec(),
        issuer: tbs.issuer.as_raw().to_vec(),
        serial: crate::apdu::tlv::encode(0x02, tbs.raw_serial()),
        cn,
        spki: tbs.subject_pki.raw.to_vec(),
    })
}

/// The holder's common name from a certificate, if it has one.
pub fn certificate_cn(der: &[u8]) -> Option<String> {
    parse_cert(der).and_then(|c| c.cn)
}

fn key_type(alg: KeyAlgorithm) -> CK_KEY_TYPE {
    match alg {
        KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => CKK_EC,
        KeyAlgorithm::Ed25519 => CKK_EC_EDWARDS,
        KeyAlgorithm::X25519 => CKK_EC_MONTGOMERY,
        _ => CKK_RSA,
    }
}

/// The key-pair generation mechanism of an algorithm (`CKA_KEY_GEN_MECHANISM`, PKCS#11 3.0 §4.7;
/// the mechanisms of §2.1.4, §2.3.7, §2.3.8).
fn key_gen_mechanism(alg: KeyAlgorithm) -> CK_MECHANISM_TYPE {
    match alg {
        KeyAlgorithm::Rsa1024
        | KeyAlgorithm::Rsa2048
        | KeyAlgorithm::Rsa3072
        | KeyAlgorithm::Rsa4096 => CKM_RSA_PKCS_KEY_PAIR_GEN,
        KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => CKM_EC_KEY_PAIR_GEN,
        KeyAlgorithm::Ed25519 => CKM_EC_EDWARDS_KEY_PAIR_GEN,
        KeyAlgorithm::X25519 => CKM_EC_MONTGOMERY_KEY_PAIR_GEN,
    }
}

/// DER OCTET STRING around a point (`CKA_EC_POINT`, PKCS#11 3.0 §2.3.3).
fn octet_string(v: &[u8]) -> Vec<u8> {
    crate::apdu::tlv::encode(0x04, v)
}

/// Key-material attributes shared by the public and private key objects.
fn key_material(o: &mut Object, pk: &PublicKey, public: bool) {
    match pk {
        PublicKey::Rsa { n, e } => {
            o.set(CKA_MODULUS, n.clone());
            o.set(CKA_MODULUS_BITS, ulong((n.len() * 8) as CK_ULONG));
            o.set(CKA_PUBLIC_EXPONENT, e.clone());
        }
        PublicKey::P256(p) => {
            o.set(CKA_EC_PARAMS, OID_P256.to_vec());
            if public {
                o.set(CKA_EC_POINT, octet_string(p));
            }
        }
        PublicKey::P384(p) => {
            o.set(CKA_EC_PARAMS, OID_P384.to_vec());
            if public {
                o.set(CKA_EC_POINT, octet_string(p));
            }
        }
        PublicKey::Ed25519(p) => {
            o.set(CKA_EC_PARAMS, OID_ED25519.to_vec());
            if public {
                o.set(CKA_EC_POINT, octet_string(p));
            }
        }
        PublicKey::X25519(p) => {
            o.set(CKA_EC_PARAMS, OID_X25519.to_vec());
            if public {
                o.set(CKA_EC_POINT, octet_string(p));
            }
        }
    }
}

/// The objects of one populated key slot: certificate (if stored), public key and private key
/// (when the key's algorithm is known). Handles are left 0 for the caller to assign.
pub fn slot_objects(slot: &KeySlot) -> Vec<Object> {
    let mut out = Vec::new();
    let id = piv_cka_id(slot.key);
    let (cert_label, pub_label, priv_label) = labels(slot.key);
    let fields = slot.certificate.as_deref().and_then(parse_cert);
    if let (Some(der), Some(f)) = (slot.certificate.as_ref(), fields.as_ref()) {
        let mut c = Object::new(CKO_CERTIFICATE, false, &cert_label, true);
        c.set(CKA_CERTIFICATE_TYPE, ulong(CKC_X_509));
        c.set(CKA_TRUSTED, bool_attr(false));
        c.set(CKA_CERTIFICATE_CATEGORY, ulong(0));
        c.set(CKA_CHECK_VALUE, Sha1::digest(der)[..3].to_vec());
        c.set(CKA_START_DATE, Vec::new());
        c.set(CKA_END_DATE, Vec::new());
        c.set(CKA_PUBLIC_KEY_INFO, f.spki.clone());
        c.set(CKA_SUBJECT, f.subject.clone());
        c.set(CKA_ISSUER, f.issuer.clone());
        c.set(CKA_SERIAL_NUMBER, f.serial.clone());
        c.set(CKA_VALUE, der.clone());
        c.set(CKA_ID, id.clone());
        c.set(CKA_URL, Vec::new());
        c.set(CKA_HASH_OF_SUBJECT_PUBLIC_KEY, Vec::new());
        c.set(CKA_HASH_OF_ISSUER_PUBLIC_KEY, Vec::new());
        c.set(CKA_JAVA_MIDP_SECURITY_DOMAIN, ulong(0));
        c.set(CKA_NAME_HASH_ALGORITHM, ulong(CKM_SHA_1));
        out.push(c);
    }
    let (Some(pk), Some(alg)) = (slot.public_key.as_ref(), slot.algorithm) else {
        return out;
    };
    let subject = fields
        .as_ref()
        .map(|f| f.subject.clone())
        .unwrap_or_default();
    let spki = pk.to_spki_der().unwrap_or_default();
    let (sign, decrypt, derive) = uses(slot.key, alg);
    // PKCS#11 3.0 §4.7: CKA_LOCAL is true only for a key generated on the token.
    let local = slot.generated == Some(true);
    // §4.7: the mechanism that generated the key, or CK_UNAVAILABLE_INFORMATION when the key was
    // not generated here (imported) or that is not known.
    let gen_mechanism = if local {
        key_gen_mechanism(alg)
    } else {
        CK_UNAVAILABLE_INFORMATION
    };
    let common = |o: &mut Object| {
        o.set(CKA_KEY_TYPE, ulong(key_type(alg)));
        o.set(CKA_ID, id.clone());
        o.set(CKA_START_DATE, Vec::new());
        o.set(CKA_END_DATE, Vec::new());
        o.set(CKA_DERIVE, bool_attr(derive));
        o.set(CKA_LOCAL, bool_attr(local));
        o.set(CKA_KEY_GEN_MECHANISM, ulong(gen_mechanism));
        o.set(CKA_SUBJECT, subject.clone());
        o.set(CKA_PUBLIC_KEY_INFO, spki.clone());
    };

    let mut p = Object::new(CKO_PUBLIC_KEY, false, &pub_label, true);
    common(&mut p);
    p.set(CKA_ENCRYPT, bool_attr(decrypt));
    p.set(CKA_VERIFY, bool_attr(sign));
    p.set(CKA_VERIFY_RECOVER, bool_attr(false));
    p.set(CKA_WRAP, bool_attr(false));
    p.set(CKA_TRUSTED, bool_attr(false));
    key_material(&mut p, pk, true);
    out.push(p);

    let needs_pin = slot.key.0 != 0x9E;
    let always = slot.key.0 == 0x9C;
    let mut k = Object::new(CKO_PRIVATE_KEY, needs_pin, &priv_label, true);
    common(&mut k);
    k.set(CKA_SENSITIVE, bool_attr(true));
    // PKCS#11 3.0 §4.9: ALWAYS_SENSITIVE and NEVER_EXTRACTABLE describe the key's whole life.
    // Only a key generated on the card is known never to have been outside it; an imported key
    // was, and of a key of unknown origin (no metadata) the truthful answer is "not known": false.
    k.set(CKA_ALWAYS_SENSITIVE, bool_attr(local));
    k.set(CKA_EXTRACTABLE, bool_attr(false));
    k.set(CKA_NEVER_EXTRACTABLE, bool_attr(local));
    k.set(CKA_DECRYPT, bool_attr(decrypt));
    k.set(CKA_SIGN, bool_attr(sign));
    k.set(CKA_SIGN_RECOVER, bool_attr(false));
    k.set(CKA_UNWRAP, bool_attr(false));
    k.set(CKA_WRAP_WITH_TRUSTED, bool_attr(false));
    k.set(CKA_ALWAYS_AUTHENTICATE, bool_attr(always));
    key_material(&mut k, pk, false);
    k.key = Some(KeyInfo {
        key: slot.key,
        algorithm: alg,
        always_authenticate: always,
        needs_pin,
        sign,
        decrypt,
        derive,
    });
    out.push(k);
    out
}

/// A derived secret key (`C_DeriveKey` with `CKM_ECDH1_DERIVE`), a session object.
pub fn derived_secret(value: &[u8], sensitive: bool, extractable: bool, label: &str) -> Object {
    let mut o = Object::new(CKO_SECRET_KEY, false, label, false);
    o.set(CKA_KEY_TYPE, ulong(CKK_GENERIC_SECRET));
    o.set(CKA_VALUE_LEN, ulong(value.len() as CK_ULONG));
    o.set(CKA_SENSITIVE, bool_attr(sensitive));
    o.set(CKA_EXTRACTABLE, bool_attr(extractable));
    o.set(CKA_LOCAL, bool_attr(false));
    o.set(CKA_DERIVE, bool_attr(false));
    if !sensitive && extractable {
        o.set(CKA_VALUE, value.to_vec());
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cka_ids_follow_opensc() {
        assert_eq!(piv_cka_id(KeyRef(0x9A)), [1]);
        assert_eq!(piv_cka_id(KeyRef(0x9C)), [2]);
        assert_eq!(piv_cka_id(KeyRef(0x9D)), [3]);
        assert_eq!(piv_cka_id(KeyRef(0x9E)), [4]);
        assert_eq!(piv_cka_id(KeyRef(0x82)), [0x05]);
        assert_eq!(piv_cka_id(KeyRef(0x86)), [0x09]);
        assert_eq!(piv_cka_id(KeyRef(0x87)), [0x10]);
        assert_eq!(piv_cka_id(KeyRef(0x95)), [0x24]);
    }

    #[test]
    fn private_key_hides_secrets_and_matches_templates() {
        let slot = KeySlot {
            key: KeyRef(0x9C),
            name: "Digital Signature",
            algorithm: Some(KeyAlgorithm::EccP256),
            public_key: Some(PublicKey::P256([&[4u8][..], &[1u8; 64][..]].concat())),
            certificate: None,
            generated: None,
        };
        let objs = slot_objects(&slot);
        assert_eq!(objs.len(), 2);
        let k = &objs[1];
        assert_eq!(k.get(CKA_VALUE), AttrValue::Sensitive);
        assert_eq!(k.get(CKA_MODULUS), AttrValue::Invalid);
        assert!(k.matches(&[(CKA_CLASS, ulong(CKO_PRIVATE_KEY)), (CKA_ID, vec![2])]));
        assert!(!k.matches(&[(CKA_ALWAYS_AUTHENTICATE, bool_attr(false))]));
        assert!(k.private);
        assert!(
            k.matches(&[(CKA_LOCAL, bool_attr(false))]),
            "origin unknown"
        );
    }

    #[test]
    fn cka_local_from_the_key_origin() {
        let mut slot = KeySlot {
            key: KeyRef(0x9A),
            name: "PIV Authentication",
            algorithm: Some(KeyAlgorithm::EccP256),
            public_key: Some(PublicKey::P256([&[4u8][..], &[1u8; 64][..]].concat())),
            certificate: None,
            generated: Some(true),
        };
        for o in slot_objects(&slot) {
            assert!(o.matches(&[(CKA_LOCAL, bool_attr(true))]));
        }
        slot.generated = Some(false);
        for o in slot_objects(&slot) {
            assert!(o.matches(&[(CKA_LOCAL, bool_attr(false))]));
        }
    }

    /// The private key of a P-256 9A slot whose key has this origin.
    fn private_key(generated: Option<bool>) -> Object {
        let slot = KeySlot {
            key: KeyRef(0x9A),
            name: "PIV Authentication",
            algorithm: Some(KeyAlgorithm::EccP256),
            public_key: Some(PublicKey::P256([&[4u8][..], &[1u8; 64][..]].concat())),
            certificate: None,
            generated,
        };
        slot_objects(&slot)
            .into_iter()
            .find(|o| o.class == CKO_PRIVATE_KEY)
            .expect("a private key")
    }

    #[test]
    fn always_sensitive_and_never_extractable_only_for_keys_generated_on_the_card() {
        for (generated, expected) in [(Some(true), true), (Some(false), false), (None, false)] {
            let k = private_key(generated);
            for t in [CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE] {
                assert_eq!(
                    k.get(t),
                    AttrValue::Value(&bool_attr(expected)),
                    "attribute {t:#x}, origin {generated:?}"
                );
            }
            // What holds now holds whatever the origin.
            assert!(k.matches(&[
                (CKA_SENSITIVE, bool_attr(true)),
                (CKA_EXTRACTABLE, bool_attr(false))
            ]));
        }
    }

    #[test]
    fn key_gen_mechanism_for_keys_generated_on_the_card() {
        let point = |n: usize| [&[4u8][..], &vec![1u8; n][..]].concat();
        let keys = [
            (
                KeyAlgorithm::Rsa2048,
                PublicKey::Rsa {
                    n: vec![0xC1; 256],
                    e: vec![1, 0, 1],
                },
                CKM_RSA_PKCS_KEY_PAIR_GEN,
            ),
            (
                KeyAlgorithm::EccP256,
                PublicKey::P256(point(64)),
                CKM_EC_KEY_PAIR_GEN,
            ),
            (
                KeyAlgorithm::EccP384,
                PublicKey::P384(point(96)),
                CKM_EC_KEY_PAIR_GEN,
            ),
            (
                KeyAlgorithm::Ed25519,
                PublicKey::Ed25519([2; 32]),
                CKM_EC_EDWARDS_KEY_PAIR_GEN,
            ),
            (
                KeyAlgorithm::X25519,
                PublicKey::X25519([3; 32]),
                CKM_EC_MONTGOMERY_KEY_PAIR_GEN,
            ),
        ];
        for (alg, pk, mech) in keys {
            let mut slot = KeySlot {
                key: KeyRef(0x9D),
                name: "Key Management",
                algorithm: Some(alg),
                public_key: Some(pk),
                certificate: None,
                generated: Some(true),
            };
            let objs = slot_objects(&slot);
            assert_eq!(objs.len(), 2, "{alg:?}");
            for o in &objs {
                assert_eq!(
                    o.get(CKA_KEY_GEN_MECHANISM),
                    AttrValue::Value(&ulong(mech)),
                    "{alg:?}, class {}",
                    o.class
                );
            }
            for generated in [Some(false), None] {
                slot.generated = generated;
                for o in slot_objects(&slot) {
                    assert_eq!(
                        o.get(CKA_KEY_GEN_MECHANISM),
                        AttrValue::Value(&ulong(CK_UNAVAILABLE_INFORMATION)),
                        "{alg:?}, origin {generated:?}"
                    );
                }
            }
        }
    }
}
