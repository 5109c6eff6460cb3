//! Asymmetric keys held by the applet: generation, import, public-key encoding and the private
//! operations GENERAL AUTHENTICATE performs (SP 800-73-4 Part 2, 3.2.4 and 3.3.2; SP 800-78-4 for
//! algorithm identifiers; YubiKey extensions for Ed25519/X25519, alg `E0`/`E1`).

use p256::ecdsa::signature::hazmat::PrehashSigner;
use rand_core::OsRng;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey};
use zeroize::Zeroizing;

use super::state::Secret;
use super::sw::{Sw, SW_FUNC_NOT_SUPPORTED, SW_WRONG_DATA};
use super::tlv::tlv;

/// An asymmetric algorithm identifier (SP 800-78-4 Table 6-2; YubiKey `E0`/`E1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAlg {
    /// `06`
    Rsa1024,
    /// `07`
    Rsa2048,
    /// `05`
    Rsa3072,
    /// `16`
    Rsa4096,
    /// `11`
    P256,
    /// `14`
    P384,
    /// `E0`
    Ed25519,
    /// `E1`
    X25519,
}

impl KeyAlg {
    /// Maps a PIV algorithm identifier.
    pub(crate) fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0x06 => Self::Rsa1024,
            0x07 => Self::Rsa2048,
            0x05 => Self::Rsa3072,
            0x16 => Self::Rsa4096,
            0x11 => Self::P256,
            0x14 => Self::P384,
            0xE0 => Self::Ed25519,
            0xE1 => Self::X25519,
            _ => return None,
        })
    }

    /// The PIV algorithm identifier.
    pub(crate) fn id(self) -> u8 {
        match self {
            Self::Rsa1024 => 0x06,
            Self::Rsa2048 => 0x07,
            Self::Rsa3072 => 0x05,
            Self::Rsa4096 => 0x16,
            Self::P256 => 0x11,
            Self::P384 => 0x14,
            Self::Ed25519 => 0xE0,
            Self::X25519 => 0xE1,
        }
    }

    fn rsa_bits(self) -> Option<usize> {
        match self {
            Self::Rsa1024 => Some(1024),
            Self::Rsa2048 => Some(2048),
            Self::Rsa3072 => Some(3072),
            Self::Rsa4096 => Some(4096),
            _ => None,
        }
    }
}

/// A loaded private key. Every variant zeroizes its secret on drop.
pub(crate) enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
    X25519(x25519_dalek::StaticSecret),
}

const RSA_EXPONENT: u32 = 65537;

impl PrivateKey {
    /// Generates a fresh key on "card" (SP 800-73-4 Part 2, 3.3.2 GENERATE ASYMMETRIC KEY PAIR).
    pub(crate) fn generate(alg: KeyAlg) -> Result<Self, Sw> {
        let mut rng = OsRng;
        Ok(match alg {
            KeyAlg::P256 => Self::P256(p256::SecretKey::random(&mut rng)),
            KeyAlg::P384 => Self::P384(p384::SecretKey::random(&mut rng)),
            KeyAlg::Ed25519 => Self::Ed25519(ed25519_dalek::SigningKey::generate(&mut rng)),
            KeyAlg::X25519 => Self::X25519(x25519_dalek::StaticSecret::random_from_rng(rng)),
            rsa_alg => {
                let bits = rsa_alg.rsa_bits().ok_or(SW_FUNC_NOT_SUPPORTED)?;
                let key = RsaPrivateKey::new_with_exp(&mut rng, bits, &BigUint::from(RSA_EXPONENT))
                    .map_err(|_| SW_FUNC_NOT_SUPPORTED)?;
                Self::Rsa(Box::new(key))
            }
        })
    }

    /// Loads a key from its persisted form (see [`PrivateKey::to_secret`]).
    pub(crate) fn load(alg: KeyAlg, secret: &[u8]) -> Result<Self, Sw> {
        Ok(match alg {
            KeyAlg::P256 => {
                Self::P256(p256::SecretKey::from_slice(secret).map_err(|_| SW_WRONG_DATA)?)
            }
            KeyAlg::P384 => {
                Self::P384(p384::SecretKey::from_slice(secret).map_err(|_| SW_WRONG_DATA)?)
            }
            KeyAlg::Ed25519 => {
                Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&*array32(secret)?))
            }
            KeyAlg::X25519 => Self::X25519(x25519_dalek::StaticSecret::from(*array32(secret)?)),
            _ => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                let key = RsaPrivateKey::from_pkcs1_der(secret).map_err(|_| SW_WRONG_DATA)?;
                Self::Rsa(Box::new(key))
            }
        })
    }

    /// The persisted form: PKCS#1 DER for RSA, the raw scalar / seed otherwise.
    pub(crate) fn to_secret(&self) -> Result<Secret, Sw> {
        Ok(match self {
            Self::Rsa(key) => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                let doc = key.to_pkcs1_der().map_err(|_| SW_WRONG_DATA)?;
                Secret::from_slice(doc.as_bytes())
            }
            Self::P256(key) => Secret::from_slice(&key.to_bytes()),
            Self::P384(key) => Secret::from_slice(&key.to_bytes()),
            Self::Ed25519(key) => Secret::from_slice(&key.to_bytes()),
            Self::X25519(key) => Secret::from_slice(key.as_bytes()),
        })
    }

    /// The algorithm of this key (RSA size from the modulus).
    pub(crate) fn alg(&self) -> KeyAlg {
        match self {
            Self::Rsa(key) => match key.size() * 8 {
                1024 => KeyAlg::Rsa1024,
                3072 => KeyAlg::Rsa3072,
                4096 => KeyAlg::Rsa4096,
                _ => KeyAlg::Rsa2048,
            },
            Self::P256(_) => KeyAlg::P256,
            Self::P384(_) => KeyAlg::P384,
            Self::Ed25519(_) => KeyAlg::Ed25519,
            Self::X25519(_) => KeyAlg::X25519,
        }
    }

    /// The public key data objects inside template `7F49` (SP 800-73-4 Part 2, Table 10):
    /// `81` modulus and `82` exponent for RSA, `86` point for EC (uncompressed) and 25519 keys.
    pub(crate) fn public_template_content(&self) -> Vec<u8> {
        match self {
            Self::Rsa(key) => {
                let mut out = tlv(0x81, &key.n().to_bytes_be());
                out.extend(tlv(0x82, &key.e().to_bytes_be()));
                out
            }
            other => tlv(0x86, &other.public_point()),
        }
    }

    /// The raw public point / key bytes of a non-RSA key (empty for RSA).
    fn public_point(&self) -> Vec<u8> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        match self {
            Self::Rsa(_) => Vec::new(),
            Self::P256(key) => key.public_key().to_encoded_point(false).as_bytes().to_vec(),
            Self::P384(key) => key.public_key().to_encoded_point(false).as_bytes().to_vec(),
            Self::Ed25519(key) => key.verifying_key().to_bytes().to_vec(),
            Self::X25519(key) => x25519_dalek::PublicKey::from(key).as_bytes().to_vec(),
        }
    }

    /// The X.509 SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RFC 5480; RFC 8410) of this key.
    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, Sw> {
        const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
        const PRIME256V1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
        const SECP384R1: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
        const ED25519: &[u8] = &[0x2B, 0x65, 0x70];
        const X25519: &[u8] = &[0x2B, 0x65, 0x6E];
        let alg_id = match self {
            Self::Rsa(key) => {
                use rsa::pkcs8::EncodePublicKey;
                let doc = key
                    .to_public_key()
                    .to_public_key_der()
                    .map_err(|_| SW_WRONG_DATA)?;
                return Ok(doc.as_bytes().to_vec());
            }
            Self::P256(_) => [tlv(0x06, EC_PUBLIC_KEY), tlv(0x06, PRIME256V1)].concat(),
            Self::P384(_) => [tlv(0x06, EC_PUBLIC_KEY), tlv(0x06, SECP384R1)].concat(),
            Self::Ed25519(_) => tlv(0x06, ED25519),
            Self::X25519(_) => tlv(0x06, X25519),
        };
        let mut bits = vec![0u8];
        bits.extend(self.public_point());
        Ok(tlv(0x30, &[tlv(0x30, &alg_id), tlv(0x03, &bits)].concat()))
    }

    /// The private operation of GENERAL AUTHENTICATE with a challenge (`81`): raw RSA (the host
    /// pads; SP 800-73-4 Part 2, 3.2.4 and Appendix A.3), ECDSA over the given hash (left-truncated
    /// or zero-padded to the order size, FIPS 186-4 §6.4; DER `ECDSA-Sig-Value` out, as cards return),
    /// or Ed25519 over the message (YubiKey 5.7).
    pub(crate) fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Sw> {
        match self {
            Self::Rsa(key) => {
                let k = key.size();
                if input.len() != k {
                    return Err(SW_WRONG_DATA);
                }
                let c = BigUint::from_bytes_be(input);
                if &c >= key.n() {
                    return Err(SW_WRONG_DATA);
                }
                let m = rsa::hazmat::rsa_decrypt_and_check(key.as_ref(), Some(&mut OsRng), &c)
                    .map_err(|_| SW_WRONG_DATA)?;
                let bytes = Zeroizing::new(m.to_bytes_be());
                let mut out = vec![0u8; k.saturating_sub(bytes.len())];
                out.extend_from_slice(&bytes);
                Ok(out)
            }
            Self::P256(key) => {
                let digest = fit_to(input, 32);
                let signer = p256::ecdsa::SigningKey::from(key);
                let sig: p256::ecdsa::Signature =
                    signer.sign_prehash(&digest).map_err(|_| SW_WRONG_DATA)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Self::P384(key) => {
                let digest = fit_to(input, 48);
                let signer = p384::ecdsa::SigningKey::from(key);
                let sig: p384::ecdsa::Signature =
                    signer.sign_prehash(&digest).map_err(|_| SW_WRONG_DATA)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Self::Ed25519(key) => {
                use ed25519_dalek::Signer;
                Ok(key.sign(input).to_bytes().to_vec())
            }
            Self::X25519(_) => Err(SW_WRONG_DATA),
        }
    }

    /// Key agreement with a peer public key (`85`): ECC CDH returning the x-coordinate
    /// (SP 800-73-4 Part 2, 3.2.4; SP 800-56A), or X25519 (RFC 7748).
    pub(crate) fn agree(&self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, Sw> {
        match self {
            Self::P256(key) => {
                if peer.first() != Some(&0x04) {
                    return Err(SW_WRONG_DATA);
                }
                let peer = p256::PublicKey::from_sec1_bytes(peer).map_err(|_| SW_WRONG_DATA)?;
                let shared = p256::ecdh::diffie_hellman(key.to_nonzero_scalar(), peer.as_affine());
                Ok(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
            }
            Self::P384(key) => {
                if peer.first() != Some(&0x04) {
                    return Err(SW_WRONG_DATA);
                }
                let peer = p384::PublicKey::from_sec1_bytes(peer).map_err(|_| SW_WRONG_DATA)?;
                let shared = p384::ecdh::diffie_hellman(key.to_nonzero_scalar(), peer.as_affine());
                Ok(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
            }
            Self::X25519(key) => {
                let peer = x25519_dalek::PublicKey::from(*array32(peer)?);
                let shared = key.diffie_hellman(&peer);
                if !shared.was_contributory() {
                    return Err(SW_WRONG_DATA);
                }
                Ok(Zeroizing::new(shared.as_bytes().to_vec()))
            }
            _ => Err(SW_WRONG_DATA),
        }
    }

    /// Builds a key from YubiKey IMPORT KEY (`FE`) data: RSA CRT components `01` p, `02` q, `03` dP,
    /// `04` dQ, `05` qInv; EC private scalar `06`; Ed25519 seed `07`; X25519 secret `08`.
    pub(crate) fn import(alg: KeyAlg, items: &[(u32, &[u8])]) -> Result<Self, Sw> {
        let get = |tag| super::tlv::find(items, tag).ok_or(SW_WRONG_DATA);
        match alg {
            KeyAlg::P256 => Self::load(alg, &fit_exact(get(0x06)?, 32)?),
            KeyAlg::P384 => Self::load(alg, &fit_exact(get(0x06)?, 48)?),
            KeyAlg::Ed25519 => Self::load(alg, get(0x07)?),
            KeyAlg::X25519 => Self::load(alg, get(0x08)?),
            rsa_alg => {
                let bits = rsa_alg.rsa_bits().ok_or(SW_WRONG_DATA)?;
                let p = BigUint::from_bytes_be(get(0x01)?);
                let q = BigUint::from_bytes_be(get(0x02)?);
                let dp = BigUint::from_bytes_be(get(0x03)?);
                let dq = BigUint::from_bytes_be(get(0x04)?);
                // Each prime is half the modulus (FIPS 186-4 B.3.1). This also keeps 0 and 1 away
                // from `from_p_q`, which would underflow computing p - 1.
                if p.bits() != bits / 2 || q.bits() != bits / 2 {
                    return Err(SW_WRONG_DATA);
                }
                let key = RsaPrivateKey::from_p_q(p, q, BigUint::from(RSA_EXPONENT))
                    .map_err(|_| SW_WRONG_DATA)?;
                // The card takes e = 65537 (as YubiKeys do); the CRT exponents must agree with it.
                if key.size() * 8 != bits || key.dp() != Some(&dp) || key.dq() != Some(&dq) {
                    return Err(SW_WRONG_DATA);
                }
                Ok(Self::Rsa(Box::new(key)))
            }
        }
    }
}

fn array32(bytes: &[u8]) -> Result<Zeroizing<[u8; 32]>, Sw> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| SW_WRONG_DATA)?;
    Ok(Zeroizing::new(arr))
}

/// Left-truncates or left-pads with zeros to `n` bytes (the PIV ECDSA input convention).
fn fit_to(input: &[u8], n: usize) -> Vec<u8> {
    if input.len() >= n {
        input.get(..n).map(<[u8]>::to_vec).unwrap_or_default()
    } else {
        let mut out = vec![0u8; n - input.len()];
        out.extend_from_slice(input);
        out
    }
}

/// Left-pads a big-endian scalar with zeros to exactly `n` bytes; longer input is an error.
fn fit_exact(input: &[u8], n: usize) -> Result<Zeroizing<Vec<u8>>, Sw> {
    if input.len() > n {
        return Err(SW_WRONG_DATA);
    }
    let mut out = Zeroizing::new(vec![0u8; n - input.len()]);
    out.extend_from_slice(input);
    Ok(out)
}
