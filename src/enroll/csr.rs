//! PKCS#10 certificate signing requests (RFC 2986) built with `rcgen` and signed by the card.
//!
//! [`CardSigningKey`] is an `rcgen::SigningKey` whose public half is the on-card key (from the
//! GENERATE response or metadata) and whose signature is one GENERAL AUTHENTICATE (SP 800-73-4
//! Part 2, 3.2.4): for RSA the host hashes and builds the EMSA-PKCS1-v1_5 block with the SHA-256
//! DigestInfo (RFC 8017 §9.2) and the card does the raw private-key operation; for ECDSA the host
//! hashes and the card returns the DER `ECDSA-Sig-Value` (re-encoded here, so a card that answers
//! `r‖s` works too). Every CSR is checked on the host before it leaves [`build_csr`].

use std::cell::RefCell;

use rcgen::{
    CertificateParams, DistinguishedName, DnType, DnValue, PublicKeyData, SanType,
    SignatureAlgorithm, SigningKey,
};
use sha2::{Digest, Sha256, Sha384};
use x509_parser::prelude::FromDer;

use crate::card::piv::{PivCard, Slot};
use crate::card::{CardError, KeyAlgorithm, PublicKey};
use crate::enroll::verify::{verify_signature, SignatureError};
use crate::pin::Pin;
use crate::profile::{Encoding, Subject};

/// Errors building or checking a CSR.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsrError {
    /// The card refused or failed to sign.
    #[error("{}", crate::tr!("enroll-csr-card"))]
    Card(#[source] CardError),
    /// The key's algorithm cannot sign a CSR here.
    #[error("{}", crate::tr!("enroll-csr-unsupported-key", algorithm = .0.to_string()))]
    UnsupportedKey(KeyAlgorithm),
    /// rcgen refused the request (e.g. a subject value its string type cannot hold).
    #[error("{}", crate::tr!("enroll-csr-build", reason = .0.as_str()))]
    Build(String),
    /// The bytes are not a PKCS#10 request.
    #[error("{}", crate::tr!("enroll-csr-malformed"))]
    Malformed,
    /// The request's signature does not verify with the key it carries.
    #[error("{}", crate::tr!("enroll-csr-signature"))]
    Signature(#[source] SignatureError),
    /// The request carries another key than the one on the card.
    #[error("{}", crate::tr!("enroll-csr-key-mismatch"))]
    KeyMismatch,
}

/// The on-card key in `slot` as an `rcgen` signing key. Card errors are kept and returned by
/// [`build_csr`] (rcgen's own error type cannot carry them).
pub struct CardSigningKey<'c> {
    card: RefCell<&'c mut PivCard>,
    slot: Slot,
    public: PublicKey,
    key_bits: Vec<u8>,
    pin: Option<&'c Pin>,
    failure: RefCell<Option<CardError>>,
}

impl<'c> CardSigningKey<'c> {
    /// Wraps the key in `slot` whose public half is `public`. With `pin`, VERIFY precedes the
    /// signature in the same card transaction (keys with PIN policy "always").
    pub fn new(
        card: &'c mut PivCard,
        slot: Slot,
        public: PublicKey,
        pin: Option<&'c Pin>,
    ) -> Result<Self, CsrError> {
        if !matches!(
            public.algorithm(),
            KeyAlgorithm::Rsa2048
                | KeyAlgorithm::Rsa3072
                | KeyAlgorithm::Rsa4096
                | KeyAlgorithm::EccP256
                | KeyAlgorithm::EccP384
        ) {
            return Err(CsrError::UnsupportedKey(public.algorithm()));
        }
        let spki = public.to_spki_der().map_err(CsrError::Card)?;
        let (_, parsed) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki)
            .map_err(|_| CsrError::Malformed)?;
        let key_bits = parsed.subject_public_key.data.to_vec();
        Ok(Self {
            card: RefCell::new(card),
            slot,
            public,
            key_bits,
            pin,
            failure: RefCell::new(None),
        })
    }

    fn sign_inner(&self, msg: &[u8]) -> Result<Vec<u8>, CardError> {
        let alg = self.public.algorithm();
        let mut card = self.card.borrow_mut();
        match alg {
            KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => {
                let hash = if alg == KeyAlgorithm::EccP256 {
                    Sha256::digest(msg).to_vec()
                } else {
                    Sha384::digest(msg).to_vec()
                };
                let sig = card.sign(self.slot, alg, &hash, self.pin)?;
                ecdsa_der(alg, &sig)
            }
            rsa => {
                let k = rsa.rsa_len().unwrap_or(256);
                let block = emsa_pkcs1_v15_sha256(msg, k)?;
                card.sign(self.slot, rsa, &block, self.pin)
            }
        }
    }
}

/// EMSA-PKCS1-v1_5 encoding of SHA-256(msg) for a `k`-byte modulus (RFC 8017 §9.2).
pub fn emsa_pkcs1_v15_sha256(msg: &[u8], k: usize) -> Result<Vec<u8>, CardError> {
    // DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
    const PREFIX: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let t_len = PREFIX.len() + 32;
    if k < t_len + 11 {
        return Err(CardError::InvalidInput(
            crate::card::Invalid::RsaModulusTooShort,
        ));
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(k - t_len - 1, 0xFF);
    em.push(0x00);
    em.extend_from_slice(&PREFIX);
    em.extend_from_slice(&Sha256::digest(msg));
    Ok(em)
}

/// The card's ECDSA signature as DER: accepted as DER, or as `r‖s` of twice the field length.
fn ecdsa_der(alg: KeyAlgorithm, sig: &[u8]) -> Result<Vec<u8>, CardError> {
    let bad = || CardError::Crypto(crate::card::CryptoStep::Signature);
    match alg {
        KeyAlgorithm::EccP256 => {
            let s = p256::ecdsa::Signature::from_der(sig)
                .or_else(|_| p256::ecdsa::Signature::from_slice(sig))
                .map_err(|_| bad())?;
            Ok(s.to_der().as_bytes().to_vec())
        }
        _ => {
            let s = p384::ecdsa::Signature::from_der(sig)
                .or_else(|_| p384::ecdsa::Signature::from_slice(sig))
                .map_err(|_| bad())?;
            Ok(s.to_der().as_bytes().to_vec())
        }
    }
}

impl PublicKeyData for CardSigningKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        &self.key_bits
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        signature_algorithm(self.public.algorithm())
    }
}

/// The rcgen signature algorithm Sello uses for a key: SHA-256 with RSA and P-256, SHA-384 with
/// P-384.
pub fn signature_algorithm(alg: KeyAlgorithm) -> &'static SignatureAlgorithm {
    match alg {
        KeyAlgorithm::EccP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyAlgorithm::EccP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        _ => &rcgen::PKCS_RSA_SHA256,
    }
}

impl SigningKey for CardSigningKey<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.sign_inner(msg).map_err(|e| {
            *self.failure.borrow_mut() = Some(e);
            rcgen::Error::RemoteKeyError
        })
    }
}

/// rcgen parameters for a subject: the DN in the profile's order and string types, and the
/// e-mail as SAN rfc822Name. No other extension is requested: the CA sets usages per purpose.
pub fn subject_params(subject: &Subject) -> Result<CertificateParams, CsrError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    for a in &subject.attributes {
        let value = match a.encoding {
            Encoding::Printable => DnValue::PrintableString(
                a.value
                    .as_str()
                    .try_into()
                    .map_err(|e: rcgen::Error| CsrError::Build(e.to_string()))?,
            ),
            Encoding::Utf8 => DnValue::Utf8String(a.value.clone()),
        };
        dn.push(DnType::from_oid(a.attribute.oid()), value);
    }
    params.distinguished_name = dn;
    if let Some(mail) = &subject.email {
        params.subject_alt_names = vec![SanType::Rfc822Name(
            mail.as_str()
                .try_into()
                .map_err(|e: rcgen::Error| CsrError::Build(e.to_string()))?,
        )];
    }
    Ok(params)
}

/// Builds the CSR for the key in `slot` (public half `public`), signed by the card, and checks it
/// on the host: the signature verifies and the request carries `public`. Returns the DER.
pub fn build_csr(
    card: &mut PivCard,
    slot: Slot,
    public: &PublicKey,
    subject: &Subject,
    pin: Option<&Pin>,
) -> Result<Vec<u8>, CsrError> {
    let params = subject_params(subject)?;
    let key = CardSigningKey::new(card, slot, public.clone(), pin)?;
    let csr =
        params
            .serialize_request(&key)
            .map_err(|e| match key.failure.borrow_mut().take() {
                Some(card_error) => CsrError::Card(card_error),
                None => CsrError::Build(e.to_string()),
            })?;
    let der = csr.der().to_vec();
    let checked = check_csr(&der)?;
    if checked.public_key != *public {
        return Err(CsrError::KeyMismatch);
    }
    Ok(der)
}

/// What a checked CSR says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCsr {
    /// The public key it carries (its signature verifies with it).
    pub public_key: PublicKey,
    /// The subject, RFC 4514 (last RDN first, as x509-parser prints it).
    pub subject: String,
}

/// Parses a CSR and verifies its self-signature (RFC 2986 §3: proof of possession).
pub fn check_csr(der: &[u8]) -> Result<CheckedCsr, CsrError> {
    let (rest, req) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|_| CsrError::Malformed)?;
    if !rest.is_empty() {
        return Err(CsrError::Malformed);
    }
    let info = &req.certification_request_info;
    let public_key = PublicKey::from_spki(&info.subject_pki).map_err(|_| CsrError::Malformed)?;
    verify_signature(
        info.raw,
        &req.signature_algorithm.algorithm.to_id_string(),
        &req.signature_value.data,
        &public_key,
    )
    .map_err(CsrError::Signature)?;
    Ok(CheckedCsr {
        public_key,
        subject: info.subject.to_string(),
    })
}
