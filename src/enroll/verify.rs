//! Host-side signature checks for X.509 objects (certificates, PKCS#10 requests) with RustCrypto:
//! sha{256,384,512}WithRSAEncryption (RFC 8017 §8.2, PKCS#1 v1.5) and ecdsa-with-SHA{256,384}
//! (RFC 5758 §3.2) on P-256/P-384. Enough for what Sello's cards and CAs produce; anything else is
//! refused rather than accepted unchecked.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::card::PublicKey;

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature does not verify with the key.
    #[error("{}", crate::tr!("enroll-signature-invalid"))]
    Invalid,
    /// The algorithm (OID) is not one we check.
    #[error("{}", crate::tr!("enroll-signature-unsupported", algorithm = .0.as_str()))]
    Unsupported(String),
    /// The algorithm does not fit the key (e.g. RSA signature, EC key).
    #[error("{}", crate::tr!("enroll-signature-key-mismatch", algorithm = .alg.as_str(), key = *.key))]
    KeyMismatch {
        /// Signature algorithm OID.
        alg: String,
        /// Key algorithm.
        key: &'static str,
    },
}

#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

fn digest(h: Hash, data: &[u8]) -> Vec<u8> {
    match h {
        Hash::Sha256 => Sha256::digest(data).to_vec(),
        Hash::Sha384 => Sha384::digest(data).to_vec(),
        Hash::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// Verifies `signature` over `signed` with algorithm `alg_oid` (dotted) and the signer's key.
pub fn verify_signature(
    signed: &[u8],
    alg_oid: &str,
    signature: &[u8],
    signer: &PublicKey,
) -> Result<(), SignatureError> {
    let (rsa, hash) = match alg_oid {
        "1.2.840.113549.1.1.11" => (true, Hash::Sha256),
        "1.2.840.113549.1.1.12" => (true, Hash::Sha384),
        "1.2.840.113549.1.1.13" => (true, Hash::Sha512),
        "1.2.840.10045.4.3.2" => (false, Hash::Sha256),
        "1.2.840.10045.4.3.3" => (false, Hash::Sha384),
        other => return Err(SignatureError::Unsupported(other.to_owned())),
    };
    let hashed = digest(hash, signed);
    let mismatch = || SignatureError::KeyMismatch {
        alg: alg_oid.to_owned(),
        key: signer.algorithm().name(),
    };
    match (rsa, signer) {
        (true, PublicKey::Rsa { n, e }) => {
            let key = rsa::RsaPublicKey::new(
                rsa::BigUint::from_bytes_be(n),
                rsa::BigUint::from_bytes_be(e),
            )
            .map_err(|_| SignatureError::Invalid)?;
            let scheme = match hash {
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
            };
            key.verify(scheme, &hashed, signature)
                .map_err(|_| SignatureError::Invalid)
        }
        (false, PublicKey::P256(point)) => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| SignatureError::Invalid)?;
            let sig =
                p256::ecdsa::Signature::from_der(signature).map_err(|_| SignatureError::Invalid)?;
            key.verify_prehash(&hashed, &sig)
                .map_err(|_| SignatureError::Invalid)
        }
        (false, PublicKey::P384(point)) => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| SignatureError::Invalid)?;
            let sig =
                p384::ecdsa::Signature::from_der(signature).map_err(|_| SignatureError::Invalid)?;
            key.verify_prehash(&hashed, &sig)
                .map_err(|_| SignatureError::Invalid)
        }
        _ => Err(mismatch()),
    }
}
