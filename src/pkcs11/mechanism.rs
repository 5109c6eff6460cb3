//! Mechanisms: the list with real key sizes and flags (`C_GetMechanismList`/`Info`, PKCS#11 3.0
//! §5.5), and the sign/decrypt operations built from a mechanism and a key. Hashing and padding
//! happen here, on the host; the card sees only the raw private-key operation.

use super::crypto::{self, HashAlg, Hasher};
use super::error::{fail, Result};
use super::object::KeyInfo;
use crate::card::KeyAlgorithm;
use crate::pin::Pin;
use cryptoki_sys::*;
use zeroize::Zeroizing;

/// Parameters of a mechanism, copied out of the caller's memory by `ffi`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Params {
    /// No parameter.
    None,
    /// `CK_RSA_PKCS_PSS_PARAMS`.
    Pss {
        /// `hashAlg`.
        hash: CK_MECHANISM_TYPE,
        /// `mgf`.
        mgf: CK_RSA_PKCS_MGF_TYPE,
        /// `sLen`.
        salt_len: CK_ULONG,
    },
    /// `CK_RSA_PKCS_OAEP_PARAMS`.
    Oaep {
        /// `hashAlg`.
        hash: CK_MECHANISM_TYPE,
        /// `mgf`.
        mgf: CK_RSA_PKCS_MGF_TYPE,
        /// The label (`CKZ_DATA_SPECIFIED` source data).
        label: Vec<u8>,
    },
    /// `CK_ECDH1_DERIVE_PARAMS`.
    Ecdh {
        /// `kdf`.
        kdf: CK_EC_KDF_TYPE,
        /// The other party's public value.
        public: Vec<u8>,
        /// Shared data (must be empty with `CKD_NULL`).
        shared: Vec<u8>,
    },
    /// `CK_EDDSA_PARAMS`.
    EdDsa {
        /// Pre-hash (Ed25519ph).
        prehash: bool,
        /// Context data.
        context: Vec<u8>,
    },
    /// A parameter of a shape this module does not know.
    Invalid,
}

/// A mechanism as the caller asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mechanism {
    /// `CKM_*`.
    pub kind: CK_MECHANISM_TYPE,
    /// Its parameter.
    pub params: Params,
}

/// What `C_GetMechanismInfo` says about a mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MechanismInfo {
    /// `CKM_*`.
    pub kind: CK_MECHANISM_TYPE,
    /// Smallest key, bits.
    pub min_bits: CK_ULONG,
    /// Largest key, bits.
    pub max_bits: CK_ULONG,
    /// `CKF_*`.
    pub flags: CK_FLAGS,
}

const RSA_SIGN: CK_FLAGS = CKF_HW | CKF_SIGN;
const EC_FLAGS: CK_FLAGS = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;

/// PIV keys: RSA 1024–4096 (SP 800-78-4, YubiKey 5.7), P-256/P-384, Ed25519/X25519.
pub const MECHANISMS: &[MechanismInfo] = &[
    m(CKM_RSA_PKCS, 1024, 4096, CKF_HW | CKF_SIGN | CKF_DECRYPT),
    m(CKM_RSA_X_509, 1024, 4096, CKF_HW | CKF_SIGN | CKF_DECRYPT),
    m(CKM_RSA_PKCS_PSS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA1_RSA_PKCS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA224_RSA_PKCS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA256_RSA_PKCS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA384_RSA_PKCS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA512_RSA_PKCS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA224_RSA_PKCS_PSS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA256_RSA_PKCS_PSS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA384_RSA_PKCS_PSS, 1024, 4096, RSA_SIGN),
    m(CKM_SHA512_RSA_PKCS_PSS, 1024, 4096, RSA_SIGN),
    m(CKM_RSA_PKCS_OAEP, 1024, 4096, CKF_HW | CKF_DECRYPT),
    m(CKM_ECDSA, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDSA_SHA1, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDSA_SHA224, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDSA_SHA256, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDSA_SHA384, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDSA_SHA512, 256, 384, CKF_HW | CKF_SIGN | EC_FLAGS),
    m(CKM_ECDH1_DERIVE, 256, 384, CKF_HW | CKF_DERIVE | EC_FLAGS),
    m(CKM_EDDSA, 255, 255, CKF_HW | CKF_SIGN),
];

const fn m(
    kind: CK_MECHANISM_TYPE,
    min: CK_ULONG,
    max: CK_ULONG,
    flags: CK_FLAGS,
) -> MechanismInfo {
    MechanismInfo {
        kind,
        min_bits: min,
        max_bits: max,
        flags,
    }
}

/// Information on one mechanism, or `CKR_MECHANISM_INVALID`.
pub fn info(kind: CK_MECHANISM_TYPE) -> Result<MechanismInfo> {
    match MECHANISMS.iter().find(|i| i.kind == kind) {
        Some(i) => Ok(*i),
        None => fail(CKR_MECHANISM_INVALID),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PssParams {
    hash: HashAlg,
    mgf: HashAlg,
    salt_len: usize,
}

fn pss_params(p: &Params, want_hash: Option<HashAlg>) -> Result<PssParams> {
    let Params::Pss {
        hash,
        mgf,
        salt_len,
    } = p
    else {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    };
    let hash = HashAlg::from_mechanism(*hash)
        .ok_or(super::error::Error::Rv(CKR_MECHANISM_PARAM_INVALID))?;
    let mgf =
        HashAlg::from_mgf(*mgf).ok_or(super::error::Error::Rv(CKR_MECHANISM_PARAM_INVALID))?;
    if want_hash.is_some_and(|w| w != hash) {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    }
    Ok(PssParams {
        hash,
        mgf,
        salt_len: usize::try_from(*salt_len)
            .map_err(|_| super::error::Error::Rv(CKR_MECHANISM_PARAM_INVALID))?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignScheme {
    RsaPkcs,
    RsaX509,
    RsaPss(PssParams),
    HashRsaPkcs(HashAlg),
    HashRsaPss(PssParams),
    Ecdsa,
    HashEcdsa(HashAlg),
    EdDsa,
}

#[derive(Debug)]
enum Input {
    Data(Zeroizing<Vec<u8>>),
    Hash(Box<Hasher>),
}

/// Largest message accepted for single-part mechanisms that buffer their input.
const MAX_BUFFERED: usize = 1 << 20;

/// An active signature operation (`C_SignInit` .. `C_Sign`/`C_SignFinal`).
#[derive(Debug)]
pub struct SignOp {
    scheme: SignScheme,
    /// The key.
    pub key: KeyInfo,
    input: Input,
    /// Whether `C_SignUpdate` was used (then `C_Sign` is not allowed).
    pub multi_part: bool,
    /// The PIN given with `CKU_CONTEXT_SPECIFIC` for this one operation (zeroized on drop).
    pub context_pin: Option<Pin>,
}

fn hash_of(kind: CK_MECHANISM_TYPE) -> Option<HashAlg> {
    Some(match kind {
        CKM_SHA1_RSA_PKCS | CKM_ECDSA_SHA1 => HashAlg::Sha1,
        CKM_SHA224_RSA_PKCS | CKM_SHA224_RSA_PKCS_PSS | CKM_ECDSA_SHA224 => HashAlg::Sha224,
        CKM_SHA256_RSA_PKCS | CKM_SHA256_RSA_PKCS_PSS | CKM_ECDSA_SHA256 => HashAlg::Sha256,
        CKM_SHA384_RSA_PKCS | CKM_SHA384_RSA_PKCS_PSS | CKM_ECDSA_SHA384 => HashAlg::Sha384,
        CKM_SHA512_RSA_PKCS | CKM_SHA512_RSA_PKCS_PSS | CKM_ECDSA_SHA512 => HashAlg::Sha512,
        _ => return None,
    })
}

impl SignOp {
    /// Checks that `mech` fits `key` (PKCS#11 3.0 §5.13 `C_SignInit`).
    pub fn new(mech: &Mechanism, key: KeyInfo) -> Result<Self> {
        if !key.sign {
            return fail(CKR_KEY_FUNCTION_NOT_PERMITTED);
        }
        info(mech.kind)?;
        let alg = key.algorithm;
        let rsa = alg.rsa_len().is_some();
        let ec = matches!(alg, KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384);
        let scheme = match mech.kind {
            CKM_RSA_PKCS if rsa => SignScheme::RsaPkcs,
            CKM_RSA_X_509 if rsa => SignScheme::RsaX509,
            CKM_RSA_PKCS_PSS if rsa => SignScheme::RsaPss(pss_params(&mech.params, None)?),
            CKM_SHA1_RSA_PKCS | CKM_SHA224_RSA_PKCS | CKM_SHA256_RSA_PKCS | CKM_SHA384_RSA_PKCS
            | CKM_SHA512_RSA_PKCS
                if rsa =>
            {
                SignScheme::HashRsaPkcs(hash_of(mech.kind).unwrap_or(HashAlg::Sha256))
            }
            CKM_SHA224_RSA_PKCS_PSS
            | CKM_SHA256_RSA_PKCS_PSS
            | CKM_SHA384_RSA_PKCS_PSS
            | CKM_SHA512_RSA_PKCS_PSS
                if rsa =>
            {
                SignScheme::HashRsaPss(pss_params(&mech.params, hash_of(mech.kind))?)
            }
            CKM_ECDSA if ec => SignScheme::Ecdsa,
            CKM_ECDSA_SHA1 | CKM_ECDSA_SHA224 | CKM_ECDSA_SHA256 | CKM_ECDSA_SHA384
            | CKM_ECDSA_SHA512
                if ec =>
            {
                SignScheme::HashEcdsa(hash_of(mech.kind).unwrap_or(HashAlg::Sha256))
            }
            CKM_EDDSA if alg == KeyAlgorithm::Ed25519 => {
                match &mech.params {
                    Params::None => {}
                    Params::EdDsa {
                        prehash: false,
                        context,
                    } if context.is_empty() => {}
                    _ => return fail(CKR_MECHANISM_PARAM_INVALID),
                }
                SignScheme::EdDsa
            }
            _ => return fail(CKR_KEY_TYPE_INCONSISTENT),
        };
        let input = match scheme {
            SignScheme::HashRsaPkcs(h) | SignScheme::HashEcdsa(h) => {
                Input::Hash(Box::new(Hasher::new(h)))
            }
            SignScheme::HashRsaPss(p) => Input::Hash(Box::new(Hasher::new(p.hash))),
            _ => Input::Data(Zeroizing::new(Vec::new())),
        };
        Ok(Self {
            scheme,
            key,
            input,
            multi_part: false,
            context_pin: None,
        })
    }

    /// The signature's length in bytes (known before the card is asked).
    pub fn signature_len(&self) -> usize {
        let alg = self.key.algorithm;
        match alg.rsa_len() {
            Some(k) => k,
            None if alg == KeyAlgorithm::Ed25519 => 64,
            None => 2 * alg.field_len().unwrap_or(32),
        }
    }

    /// Adds message data (`C_SignUpdate`, or the whole message of `C_Sign`).
    pub fn update(&mut self, data: &[u8]) -> Result<()> {
        match &mut self.input {
            Input::Hash(h) => h.update(data),
            Input::Data(d) => {
                if d.len() + data.len() > MAX_BUFFERED {
                    return fail(CKR_DATA_LEN_RANGE);
                }
                d.extend_from_slice(data);
            }
        }
        Ok(())
    }

    /// The block the card signs (padded for RSA, a hash for ECDSA, the message for EdDSA).
    pub fn card_input(&mut self) -> Result<Zeroizing<Vec<u8>>> {
        let input = std::mem::replace(&mut self.input, Input::Data(Zeroizing::new(Vec::new())));
        let k = self.key.algorithm.rsa_len().unwrap_or(0);
        let out = match (self.scheme, input) {
            (SignScheme::RsaPkcs, Input::Data(d)) => crypto::pkcs1_v15_sign_pad(&d, k)?,
            (SignScheme::RsaX509, Input::Data(d)) => crypto::raw_rsa_block(&d, k)?,
            (SignScheme::RsaPss(p), Input::Data(d)) => {
                crypto::pss_encode(&d, p.hash, p.mgf, p.salt_len, k * 8)?
            }
            (SignScheme::HashRsaPkcs(h), Input::Hash(hs)) => {
                crypto::pkcs1_v15_sign_pad(&h.digest_info(&hs.finish()), k)?
            }
            (SignScheme::HashRsaPss(p), Input::Hash(hs)) => {
                crypto::pss_encode(&hs.finish(), p.hash, p.mgf, p.salt_len, k * 8)?
            }
            (SignScheme::Ecdsa | SignScheme::EdDsa, Input::Data(d)) => {
                if d.is_empty() && self.scheme == SignScheme::Ecdsa {
                    return fail(CKR_DATA_LEN_RANGE);
                }
                d.to_vec()
            }
            (SignScheme::HashEcdsa(_), Input::Hash(hs)) => hs.finish(),
            _ => return fail(CKR_GENERAL_ERROR),
        };
        Ok(Zeroizing::new(out))
    }

    /// The PKCS#11 signature from the card's answer (ECDSA: DER to `r ‖ s`).
    pub fn signature(&self, card_output: Vec<u8>) -> Result<Vec<u8>> {
        match self.scheme {
            SignScheme::Ecdsa | SignScheme::HashEcdsa(_) => {
                crypto::ecdsa_der_to_raw(&card_output, self.key.algorithm.field_len().unwrap_or(32))
            }
            _ => Ok(card_output),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DecryptScheme {
    RsaPkcs,
    RsaX509,
    Oaep {
        hash: HashAlg,
        mgf: HashAlg,
        label: Vec<u8>,
    },
}

/// An active decryption (`C_DecryptInit` .. `C_Decrypt`).
#[derive(Debug)]
pub struct DecryptOp {
    scheme: DecryptScheme,
    /// The key.
    pub key: KeyInfo,
    /// The PIN given with `CKU_CONTEXT_SPECIFIC` for this one operation.
    pub context_pin: Option<Pin>,
    /// A plaintext already computed that did not fit the caller's buffer.
    pub pending: Option<Zeroizing<Vec<u8>>>,
}

impl DecryptOp {
    /// Checks that `mech` fits `key` (PKCS#11 3.0 §5.9 `C_DecryptInit`).
    pub fn new(mech: &Mechanism, key: KeyInfo) -> Result<Self> {
        if !key.decrypt {
            return fail(CKR_KEY_FUNCTION_NOT_PERMITTED);
        }
        info(mech.kind)?;
        if key.algorithm.rsa_len().is_none() {
            return fail(CKR_KEY_TYPE_INCONSISTENT);
        }
        let scheme = match (mech.kind, &mech.params) {
            (CKM_RSA_PKCS, _) => DecryptScheme::RsaPkcs,
            (CKM_RSA_X_509, _) => DecryptScheme::RsaX509,
            (CKM_RSA_PKCS_OAEP, Params::Oaep { hash, mgf, label }) => DecryptScheme::Oaep {
                hash: HashAlg::from_mechanism(*hash)
                    .ok_or(super::error::Error::Rv(CKR_MECHANISM_PARAM_INVALID))?,
                mgf: HashAlg::from_mgf(*mgf)
                    .ok_or(super::error::Error::Rv(CKR_MECHANISM_PARAM_INVALID))?,
                label: label.clone(),
            },
            (CKM_RSA_PKCS_OAEP, _) => return fail(CKR_MECHANISM_PARAM_INVALID),
            _ => return fail(CKR_KEY_TYPE_INCONSISTENT),
        };
        Ok(Self {
            scheme,
            key,
            context_pin: None,
            pending: None,
        })
    }

    /// An upper bound of the plaintext length (the modulus length).
    pub fn max_len(&self) -> usize {
        self.key.algorithm.rsa_len().unwrap_or(0)
    }

    /// Checks the ciphertext length (`CKR_ENCRYPTED_DATA_LEN_RANGE`).
    pub fn check_input(&self, data: &[u8]) -> Result<()> {
        if data.len() != self.max_len() {
            return fail(CKR_ENCRYPTED_DATA_LEN_RANGE);
        }
        Ok(())
    }

    /// Removes the padding from the card's raw result.
    pub fn unpad(&self, raw: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let k = self.max_len();
        // The card may strip leading zeros; restore the block length first.
        let mut em = Zeroizing::new(vec![0u8; k.saturating_sub(raw.len())]);
        em.extend_from_slice(raw);
        match &self.scheme {
            DecryptScheme::RsaX509 => Ok(em),
            DecryptScheme::RsaPkcs => crypto::pkcs1_v15_decrypt_unpad(&em),
            DecryptScheme::Oaep { hash, mgf, label } => {
                crypto::oaep_decode(&em, *hash, *mgf, label)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::KeyRef;

    fn key(alg: KeyAlgorithm) -> KeyInfo {
        KeyInfo {
            key: KeyRef(0x9A),
            algorithm: alg,
            always_authenticate: false,
            needs_pin: true,
            sign: true,
            decrypt: true,
            derive: false,
        }
    }

    #[test]
    fn mechanism_must_fit_the_key() {
        let ecdsa = Mechanism {
            kind: CKM_ECDSA,
            params: Params::None,
        };
        assert!(SignOp::new(&ecdsa, key(KeyAlgorithm::EccP256)).is_ok());
        assert_eq!(
            SignOp::new(&ecdsa, key(KeyAlgorithm::Rsa2048))
                .err()
                .map(|e| e.rv()),
            Some(CKR_KEY_TYPE_INCONSISTENT)
        );
        let pss = Mechanism {
            kind: CKM_SHA256_RSA_PKCS_PSS,
            params: Params::None,
        };
        assert_eq!(
            SignOp::new(&pss, key(KeyAlgorithm::Rsa2048))
                .err()
                .map(|e| e.rv()),
            Some(CKR_MECHANISM_PARAM_INVALID)
        );
        let op = SignOp::new(
            &Mechanism {
                kind: CKM_SHA256_RSA_PKCS,
                params: Params::None,
            },
            key(KeyAlgorithm::Rsa2048),
        )
        .expect("fits");
        assert_eq!(op.signature_len(), 256);
    }

    #[test]
    fn pkcs1_block_for_digest_info() {
        let mut op = SignOp::new(
            &Mechanism {
                kind: CKM_SHA256_RSA_PKCS,
                params: Params::None,
            },
            key(KeyAlgorithm::Rsa2048),
        )
        .expect("fits");
        op.update(b"abc").expect("update");
        let block = op.card_input().expect("block");
        assert_eq!(block.len(), 256);
        assert_eq!(&block[..2], &[0, 1]);
        assert_eq!(block[256 - 52], 0);
    }
}
