//! The card's authentication key as the TLS client key of EST `simplereenroll` (RFC 7030
//! §3.3.2): a [`ClientKey`] over the PIV driver, so the private key never leaves the card.
//!
//! - RSA: the host hashes and pads — EMSA-PSS (RFC 8017 §9.1.1, MGF1 with the same hash, salt
//!   as long as the hash, as TLS 1.3 requires: RFC 8446 §4.2.3) or EMSA-PKCS1-v1_5 (RFC 8017
//!   §9.2, TLS 1.2 only) — and the card does the raw private-key operation (GENERAL
//!   AUTHENTICATE, SP 800-73-4 Part 2, 3.2.4). Each signature is checked with the public key
//!   before it is handed to rustls.
//! - ECDSA P-256/P-384: the host hashes, the card signs, the signature goes out DER-encoded.
//!
//! rustls calls [`ClientKey::sign`] from its handshake, so the card sits behind a `Mutex`
//! (shared with the renewal workflow through an `Arc`). The PIN, asked once before connecting,
//! is sent with each signature in the same card transaction; a refused PIN fails the handshake
//! and is never retried.

use std::sync::{Arc, Mutex};

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256, Sha384};

use crate::card::piv::{PivCard, Slot};
use crate::card::{CardError, KeyAlgorithm, PublicKey};
use crate::enroll::est::{ClientKey, ClientKeyAlgorithm, TlsSignatureScheme};
use crate::enroll::verify::verify_signature;
use crate::pin::Pin;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A card key (normally 9A, PIV authentication) with its certificate chain.
pub struct CardClientKey {
    card: Arc<Mutex<PivCard>>,
    slot: Slot,
    public: PublicKey,
    chain: Vec<Vec<u8>>,
    pin: Option<Pin>,
}

impl std::fmt::Debug for CardClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardClientKey")
            .field("slot", &self.slot)
            .field("algorithm", &self.public.algorithm())
            .field("pin", &self.pin.as_ref().map(|_| "***"))
            .finish()
    }
}

impl CardClientKey {
    /// The key in `slot` whose public half is `public`, presenting `chain` (DER, end-entity
    /// first; its key must be `public`). With `pin`, VERIFY precedes each signature.
    pub fn new(
        card: Arc<Mutex<PivCard>>,
        slot: Slot,
        public: PublicKey,
        chain: Vec<Vec<u8>>,
        pin: Option<Pin>,
    ) -> Result<Self, CardError> {
        match public.algorithm() {
            KeyAlgorithm::Rsa2048
            | KeyAlgorithm::Rsa3072
            | KeyAlgorithm::Rsa4096
            | KeyAlgorithm::EccP256
            | KeyAlgorithm::EccP384 => {}
            other => {
                return Err(CardError::InvalidInput(
                    crate::card::Invalid::CannotAuthenticateTls(other),
                ))
            }
        }
        let leaf = chain.first().ok_or(CardError::InvalidInput(
            crate::card::Invalid::NoClientCertificate,
        ))?;
        let (_, cert) =
            x509_parser::parse_x509_certificate(leaf).map_err(|_| CardError::BadCertificate)?;
        if PublicKey::from_spki(cert.public_key())? != public {
            return Err(CardError::CertificateKeyMismatch { slot: slot.0 });
        }
        Ok(Self {
            card,
            slot,
            public,
            chain,
            pin,
        })
    }

    fn sign_card(&self, scheme: TlsSignatureScheme, message: &[u8]) -> Result<Vec<u8>, BoxError> {
        let alg = self.public.algorithm();
        let k = alg.rsa_len();
        let (input, sig_alg) = match (scheme, k) {
            (TlsSignatureScheme::RsaPssSha256, Some(k)) => (
                emsa_pss::<Sha256>(message, self.modulus_bits(k), &mut OsRng)?,
                "1.2.840.113549.1.1.10+sha256",
            ),
            (TlsSignatureScheme::RsaPssSha384, Some(k)) => (
                emsa_pss::<Sha384>(message, self.modulus_bits(k), &mut OsRng)?,
                "1.2.840.113549.1.1.10+sha384",
            ),
            (TlsSignatureScheme::RsaPkcs1Sha256, Some(k)) => (
                emsa_pkcs1_v15(&SHA256_PREFIX, &Sha256::digest(message), k)?,
                "1.2.840.113549.1.1.11",
            ),
            (TlsSignatureScheme::RsaPkcs1Sha384, Some(k)) => (
                emsa_pkcs1_v15(&SHA384_PREFIX, &Sha384::digest(message), k)?,
                "1.2.840.113549.1.1.12",
            ),
            (TlsSignatureScheme::EcdsaP256Sha256, None) if alg == KeyAlgorithm::EccP256 => {
                (Sha256::digest(message).to_vec(), "1.2.840.10045.4.3.2")
            }
            (TlsSignatureScheme::EcdsaP384Sha384, None) if alg == KeyAlgorithm::EccP384 => {
                (Sha384::digest(message).to_vec(), "1.2.840.10045.4.3.3")
            }
            (s, _) => return Err(format!("{alg} keys cannot produce {s:?}").into()),
        };
        let raw = {
            let mut card = self
                .card
                .lock()
                .map_err(|_| crate::tr!("enroll-client-key-card-unusable"))?;
            card.sign(self.slot, alg, &input, self.pin.as_ref())?
        };
        let sig = match alg {
            KeyAlgorithm::EccP256 => p256::ecdsa::Signature::from_der(&raw)
                .or_else(|_| p256::ecdsa::Signature::from_slice(&raw))
                .map_err(|_| crate::tr!("enroll-client-key-malformed-signature"))?
                .to_der()
                .as_bytes()
                .to_vec(),
            KeyAlgorithm::EccP384 => p384::ecdsa::Signature::from_der(&raw)
                .or_else(|_| p384::ecdsa::Signature::from_slice(&raw))
                .map_err(|_| crate::tr!("enroll-client-key-malformed-signature"))?
                .to_der()
                .as_bytes()
                .to_vec(),
            _ => raw,
        };
        self.check(sig_alg, message, &sig)?;
        Ok(sig)
    }

    /// Bits of the RSA modulus (from the public key, falling back to the nominal size).
    fn modulus_bits(&self, k: usize) -> usize {
        use rsa::traits::PublicKeyParts;
        rsa_key(&self.public).map_or(k * 8, |key| key.n().bits())
    }

    /// A signature the card made is checked before it leaves: a wrong key or a card fault gives
    /// a clear error rather than a TLS alert from the CA.
    fn check(&self, sig_alg: &str, message: &[u8], sig: &[u8]) -> Result<(), BoxError> {
        let ok = match sig_alg.split_once('+') {
            Some((_, hash)) => verify_pss(&self.public, hash, message, sig),
            None => verify_signature(message, sig_alg, sig, &self.public).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(crate::tr!("enroll-client-key-signature-invalid").into())
        }
    }
}

fn rsa_key(public: &PublicKey) -> Option<rsa::RsaPublicKey> {
    match public {
        PublicKey::Rsa { n, e } => rsa::RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(n),
            rsa::BigUint::from_bytes_be(e),
        )
        .ok(),
        _ => None,
    }
}

fn verify_pss(public: &PublicKey, hash: &str, message: &[u8], sig: &[u8]) -> bool {
    use rsa::signature::Verifier;
    let Some(key) = rsa_key(public) else {
        return false;
    };
    let Ok(sig) = rsa::pss::Signature::try_from(sig) else {
        return false;
    };
    match hash {
        "sha256" => rsa::pss::VerifyingKey::<Sha256>::new(key)
            .verify(message, &sig)
            .is_ok(),
        _ => rsa::pss::VerifyingKey::<Sha384>::new(key)
            .verify(message, &sig)
            .is_ok(),
    }
}

impl ClientKey for CardClientKey {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.chain.clone()
    }

    fn algorithm(&self) -> ClientKeyAlgorithm {
        match self.public.algorithm() {
            KeyAlgorithm::EccP256 => ClientKeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EccP384 => ClientKeyAlgorithm::EcdsaP384,
            _ => ClientKeyAlgorithm::Rsa,
        }
    }

    fn sign(&self, scheme: TlsSignatureScheme, message: &[u8]) -> Result<Vec<u8>, BoxError> {
        self.sign_card(scheme, message)
    }
}

/// DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
/// DigestInfo prefix for SHA-384.
const SHA384_PREFIX: [u8; 19] = [
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
];

/// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of an already computed hash, for a `k`-byte modulus.
fn emsa_pkcs1_v15(prefix: &[u8], hash: &[u8], k: usize) -> Result<Vec<u8>, BoxError> {
    let t_len = prefix.len() + hash.len();
    if k < t_len + 11 {
        return Err("RSA modulus too short for this hash".into());
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(k - t_len - 1, 0xFF);
    em.push(0x00);
    em.extend_from_slice(prefix);
    em.extend_from_slice(hash);
    Ok(em)
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with MGF1 over the same hash and a salt as long as the
/// hash, for a modulus of `mod_bits` bits; returned left-padded to the modulus length (the
/// raw RSA input the card expects).
fn emsa_pss<D: Digest>(
    message: &[u8],
    mod_bits: usize,
    rng: &mut dyn RngCore,
) -> Result<Vec<u8>, BoxError> {
    let h_len = <D as Digest>::output_size();
    let s_len = h_len;
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    if em_len < h_len + s_len + 2 {
        return Err("RSA modulus too short for PSS with this hash".into());
    }
    let m_hash = D::digest(message);
    let mut salt = vec![0u8; s_len];
    rng.fill_bytes(&mut salt);
    let mut m_prime = D::new();
    m_prime.update([0u8; 8]);
    m_prime.update(&m_hash);
    m_prime.update(&salt);
    let h = m_prime.finalize();
    let db_len = em_len - h_len - 1;
    let mut db = vec![0u8; db_len - s_len - 1];
    db.push(0x01);
    db.extend_from_slice(&salt);
    let mask = mgf1::<D>(&h, db_len);
    for (d, m) in db.iter_mut().zip(&mask) {
        *d ^= m;
    }
    let unused = 8 * em_len - em_bits;
    if let Some(first) = db.first_mut() {
        *first &= 0xFF >> unused;
    }
    let k = mod_bits.div_ceil(8);
    let mut em = vec![0u8; k - em_len];
    em.extend_from_slice(&db);
    em.extend_from_slice(&h);
    em.push(0xBC);
    Ok(em)
}

/// MGF1 (RFC 8017 §B.2.1).
fn mgf1<D: Digest>(seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + <D as Digest>::output_size());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut d = D::new();
        d.update(seed);
        d.update(counter.to_be_bytes());
        out.extend_from_slice(&d.finalize());
        counter += 1;
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::hazmat::rsa_decrypt_and_check;
    use rsa::signature::Verifier;
    use rsa::BigUint;

    /// A raw RSA result as the 256 bytes of a 2048-bit modulus.
    fn modulus_sized(s: &BigUint) -> Vec<u8> {
        let b = s.to_bytes_be();
        let mut out = vec![0u8; 256 - b.len()];
        out.extend_from_slice(&b);
        out
    }

    /// Host-side PSS encoding + raw RSA (what the card does) verifies with the rsa crate.
    #[test]
    fn pss_encoding_with_raw_rsa_verifies() {
        let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048).expect("key");
        let public = rsa::RsaPublicKey::from(&key);
        for msg in [&b""[..], b"TLS 1.3, client CertificateVerify"] {
            let em = emsa_pss::<Sha256>(msg, 2048, &mut OsRng).expect("encode");
            assert_eq!(em.len(), 256);
            let m = BigUint::from_bytes_be(&em);
            let s = rsa_decrypt_and_check(&key, Some(&mut OsRng), &m).expect("raw");
            let sig = rsa::pss::Signature::try_from(modulus_sized(&s).as_slice()).expect("sig");
            rsa::pss::VerifyingKey::<Sha256>::new(public.clone())
                .verify(msg, &sig)
                .expect("PSS verifies");
            let em = emsa_pss::<Sha384>(msg, 2048, &mut OsRng).expect("encode");
            let m = BigUint::from_bytes_be(&em);
            let s = rsa_decrypt_and_check(&key, Some(&mut OsRng), &m).expect("raw");
            // Left-padded as a card returns it: 1 time in 256 the integer has a leading zero
            // byte, and a 255-byte signature does not verify (this test was flaky without it).
            let sig = rsa::pss::Signature::try_from(modulus_sized(&s).as_slice()).expect("sig");
            rsa::pss::VerifyingKey::<Sha384>::new(public.clone())
                .verify(msg, &sig)
                .expect("PSS-384 verifies");
        }
    }

    #[test]
    fn pkcs1_prefixes_match_the_sha256_csr_encoding() {
        let msg = b"abc";
        let ours = emsa_pkcs1_v15(&SHA256_PREFIX, &Sha256::digest(msg), 256).expect("encode");
        let csr = crate::enroll::csr::emsa_pkcs1_v15_sha256(msg, 256).expect("encode");
        assert_eq!(ours, csr);
        assert!(emsa_pkcs1_v15(&SHA384_PREFIX, &Sha384::digest(msg), 64).is_err());
    }
}
