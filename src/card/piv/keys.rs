//! Public keys as the card returns them (SP 800-73-4 Part 2, 3.3.2, Table 10: `7F49 { 81 modulus,
//! 82 exponent }` or `7F49 { 86 point }`), converted to and from SubjectPublicKeyInfo DER, and
//! private keys encoded for the YubiKey IMPORT KEY command.

use crate::apdu::{tlv, ApduError};
use crate::card::{CardData, CardError, CryptoStep, Invalid, KeyAlgorithm};
use zeroize::Zeroizing;

/// A public key held by the card.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// RSA: big-endian modulus and exponent, without leading zeros.
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
    /// P-256: uncompressed SEC1 point (65 bytes).
    P256(Vec<u8>),
    /// P-384: uncompressed SEC1 point (97 bytes).
    P384(Vec<u8>),
    /// Ed25519 public key.
    Ed25519([u8; 32]),
    /// X25519 public key.
    X25519([u8; 32]),
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rsa { n, .. } => write!(f, "PublicKey::Rsa({} bits)", n.len() * 8),
            other => write!(f, "PublicKey::{}", other.algorithm().name()),
        }
    }
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

const OID_ED25519: &str = "1.3.101.112";
const OID_X25519: &str = "1.3.101.110";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

impl PublicKey {
    /// Parses the contents of a `7F49` template (or the YubiKey metadata tag `04`) for `alg`.
    pub fn from_template(alg: KeyAlgorithm, data: &[u8]) -> Result<Self, CardError> {
        let m = CardError::malformed(CardData::PublicKey);
        match alg {
            KeyAlgorithm::Rsa1024
            | KeyAlgorithm::Rsa2048
            | KeyAlgorithm::Rsa3072
            | KeyAlgorithm::Rsa4096 => {
                let n = strip_zeros(tlv::require(data, 0x81).map_err(m)?);
                let e = strip_zeros(
                    tlv::require(data, 0x82).map_err(CardError::malformed(CardData::PublicKey))?,
                );
                let want = alg.rsa_len().unwrap_or(0);
                if n.len() != want || e.is_empty() || e.len() > 8 {
                    return Err(CardError::Malformed {
                        what: CardData::PublicKey,
                        source: ApduError::FieldLength {
                            expected: want,
                            got: n.len(),
                        },
                    });
                }
                Ok(Self::Rsa { n, e })
            }
            KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => {
                let point = tlv::require(data, 0x86).map_err(m)?;
                let len = 1 + 2 * alg.field_len().unwrap_or(0);
                if point.len() != len || point.first() != Some(&0x04) {
                    return Err(CardError::Malformed {
                        what: CardData::PublicKey,
                        source: ApduError::FieldLength {
                            expected: len,
                            got: point.len(),
                        },
                    });
                }
                Ok(if alg == KeyAlgorithm::EccP256 {
                    Self::P256(point.to_vec())
                } else {
                    Self::P384(point.to_vec())
                })
            }
            KeyAlgorithm::Ed25519 | KeyAlgorithm::X25519 => {
                let point = tlv::require(data, 0x86).map_err(m)?;
                let key: [u8; 32] = point.try_into().map_err(|_| CardError::Malformed {
                    what: CardData::PublicKey,
                    source: ApduError::FieldLength {
                        expected: 32,
                        got: point.len(),
                    },
                })?;
                Ok(if alg == KeyAlgorithm::Ed25519 {
                    Self::Ed25519(key)
                } else {
                    Self::X25519(key)
                })
            }
        }
    }

    /// Parses a GENERATE ASYMMETRIC KEY PAIR response: `7F49 L {...}`.
    pub fn from_generate_response(alg: KeyAlgorithm, resp: &[u8]) -> Result<Self, CardError> {
        let inner =
            tlv::expect_single(resp, 0x7F49).map_err(CardError::malformed(CardData::PublicKey))?;
        Self::from_template(alg, inner)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Rsa { n, .. } => match n.len() {
                128 => KeyAlgorithm::Rsa1024,
                384 => KeyAlgorithm::Rsa3072,
                512 => KeyAlgorithm::Rsa4096,
                _ => KeyAlgorithm::Rsa2048,
            },
            Self::P256(_) => KeyAlgorithm::EccP256,
            Self::P384(_) => KeyAlgorithm::EccP384,
            Self::Ed25519(_) => KeyAlgorithm::Ed25519,
            Self::X25519(_) => KeyAlgorithm::X25519,
        }
    }

    /// SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7; RFC 8410 for Ed25519/X25519).
    pub fn to_spki_der(&self) -> Result<Vec<u8>, CardError> {
        use p256::pkcs8::EncodePublicKey;
        match self {
            Self::Rsa { n, e } => {
                let key = rsa::RsaPublicKey::new(
                    rsa::BigUint::from_bytes_be(n),
                    rsa::BigUint::from_bytes_be(e),
                )
                .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?;
                Ok(rsa::pkcs8::EncodePublicKey::to_public_key_der(&key)
                    .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?
                    .into_vec())
            }
            Self::P256(p) => Ok(p256::PublicKey::from_sec1_bytes(p)
                .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?
                .to_public_key_der()
                .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?
                .into_vec()),
            Self::P384(p) => Ok(p384::PublicKey::from_sec1_bytes(p)
                .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?
                .to_public_key_der()
                .map_err(|_| CardError::Crypto(CryptoStep::PublicKey))?
                .into_vec()),
            // RFC 8410 §4: SEQUENCE { SEQUENCE { OID }, BIT STRING (0 unused bits) key }.
            Self::Ed25519(k) => Ok([&hex_lit::ED25519_PREFIX[..], k].concat()),
            Self::X25519(k) => Ok([&hex_lit::X25519_PREFIX[..], k].concat()),
        }
    }

    /// Parses SubjectPublicKeyInfo DER (as found in a certificate).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CardError> {
        use x509_parser::prelude::FromDer;
        let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(der)
            .map_err(|_| CardError::BadCertificate)?;
        Self::from_spki(&spki)
    }

    pub(crate) fn from_spki(
        spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>,
    ) -> Result<Self, CardError> {
        let unsupported = || CardError::InvalidInput(Invalid::UnsupportedPublicKey);
        let bits: &[u8] = &spki.subject_public_key.data;
        match spki.algorithm.algorithm.to_id_string().as_str() {
            OID_RSA => match spki.parsed() {
                Ok(x509_parser::public_key::PublicKey::RSA(k)) => Ok(Self::Rsa {
                    n: strip_zeros(k.modulus),
                    e: strip_zeros(k.exponent),
                }),
                _ => Err(CardError::BadCertificate),
            },
            OID_EC => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| x509_parser::der_parser::oid::Oid::try_from(p).ok())
                    .map(|o| o.to_id_string())
                    .ok_or(CardError::BadCertificate)?;
                match curve.as_str() {
                    OID_P256 if bits.len() == 65 => Ok(Self::P256(bits.to_vec())),
                    OID_P384 if bits.len() == 97 => Ok(Self::P384(bits.to_vec())),
                    _ => Err(unsupported()),
                }
            }
            OID_ED25519 => Ok(Self::Ed25519(
                bits.try_into().map_err(|_| CardError::BadCertificate)?,
            )),
            OID_X25519 => Ok(Self::X25519(
                bits.try_into().map_err(|_| CardError::BadCertificate)?,
            )),
            _ => Err(unsupported()),
        }
    }
}

mod hex_lit {
    /// `30 2A 30 05 06 03 2B 65 70 03 21 00` (RFC 8410 Ed25519 SPKI header).
    pub const ED25519_PREFIX: [u8; 12] = [
        0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    /// `30 2A 30 05 06 03 2B 65 6E 03 21 00` (RFC 8410 X25519 SPKI header).
    pub const X25519_PREFIX: [u8; 12] = [
        0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x6E, 0x03, 0x21, 0x00,
    ];
}

/// A private key to import into a slot (YubiKey IMPORT KEY, INS `FE`).
#[non_exhaustive]
pub enum PrivateKey {
    /// RSA (2048/3072/4096).
    Rsa(Box<rsa::RsaPrivateKey>),
    /// P-256.
    P256(p256::SecretKey),
    /// P-384.
    P384(p384::SecretKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
    /// X25519.
    X25519(x25519_dalek::StaticSecret),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey(***)")
    }
}

fn left_pad(b: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let b = &b[b.iter().position(|x| *x != 0).unwrap_or(b.len())..];
    if b.len() > len {
        return Err(CardError::InvalidInput(Invalid::KeyComponentTooLong));
    }
    let mut out = Zeroizing::new(vec![0u8; len]);
    out[len - b.len()..].copy_from_slice(b);
    Ok(out)
}

impl PrivateKey {
    /// The key's public half.
    pub fn public_key(&self) -> Result<PublicKey, CardError> {
        use rsa::traits::PublicKeyParts;
        Ok(match self {
            Self::Rsa(k) => PublicKey::Rsa {
                n: k.n().to_bytes_be(),
                e: k.e().to_bytes_be(),
            },
            Self::P256(k) => PublicKey::P256(
                p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                    &k.public_key(),
                    false,
                )
                .as_bytes()
                .to_vec(),
            ),
            Self::P384(k) => PublicKey::P384(
                p384::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                    &k.public_key(),
                    false,
                )
                .as_bytes()
                .to_vec(),
            ),
            Self::Ed25519(k) => PublicKey::Ed25519(k.verifying_key().to_bytes()),
            Self::X25519(k) => PublicKey::X25519(x25519_dalek::PublicKey::from(k).to_bytes()),
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Result<KeyAlgorithm, CardError> {
        Ok(self.public_key()?.algorithm())
    }

    /// The IMPORT KEY data: RSA `01 p | 02 q | 03 dP | 04 dQ | 05 qInv` (each half the modulus
    /// length), EC `06 d`, Ed25519 `07 seed`, X25519 `08 scalar`.
    pub fn import_template(&self) -> Result<Zeroizing<Vec<u8>>, CardError> {
        use rsa::traits::{PrivateKeyParts, PublicKeyParts};
        let mut out = Zeroizing::new(Vec::new());
        let mut push = |tag: u32, v: &[u8]| {
            out.extend_from_slice(&Zeroizing::new(tlv::encode(tag, v)));
        };
        match self {
            Self::Rsa(k) => {
                let mut k = k.clone();
                k.precompute()
                    .map_err(|_| CardError::Crypto(CryptoStep::KeyImport))?;
                let primes = k.primes();
                let (Some(p), Some(q)) = (primes.first(), primes.get(1)) else {
                    return Err(CardError::InvalidInput(Invalid::NotTwoPrimeRsa));
                };
                if primes.len() != 2 {
                    return Err(CardError::InvalidInput(Invalid::NotTwoPrimeRsa));
                }
                let half = k.size() / 2;
                let dp = k.dp().ok_or(CardError::Crypto(CryptoStep::KeyImport))?;
                let dq = k.dq().ok_or(CardError::Crypto(CryptoStep::KeyImport))?;
                let qinv = k.qinv().ok_or(CardError::Crypto(CryptoStep::KeyImport))?;
                let (_, qinv) = qinv.to_bytes_be();
                let qinv = Zeroizing::new(qinv);
                push(0x01, &left_pad(&Zeroizing::new(p.to_bytes_be()), half)?);
                push(0x02, &left_pad(&Zeroizing::new(q.to_bytes_be()), half)?);
                push(0x03, &left_pad(&Zeroizing::new(dp.to_bytes_be()), half)?);
                push(0x04, &left_pad(&Zeroizing::new(dq.to_bytes_be()), half)?);
                push(0x05, &left_pad(&qinv, half)?);
            }
            Self::P256(k) => push(0x06, &Zeroizing::new(k.to_bytes().to_vec())),
            Self::P384(k) => push(0x06, &Zeroizing::new(k.to_bytes().to_vec())),
            Self::Ed25519(k) => push(0x07, &Zeroizing::new(k.to_bytes().to_vec())),
            Self::X25519(k) => push(0x08, &Zeroizing::new(k.to_bytes().to_vec())),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_template_and_spki() {
        let mut n = vec![0xC0];
        n.extend(vec![0x11; 255]);
        let data = [tlv::encode(0x81, &n), tlv::encode(0x82, &[1, 0, 1])].concat();
        let resp = tlv::encode(0x7F49, &data);
        let k = PublicKey::from_generate_response(KeyAlgorithm::Rsa2048, &resp).unwrap();
        assert_eq!(k.algorithm(), KeyAlgorithm::Rsa2048);
        let der = k.to_spki_der().unwrap();
        assert_eq!(PublicKey::from_spki_der(&der).unwrap(), k);
        // Wrong size for the algorithm.
        assert!(PublicKey::from_generate_response(KeyAlgorithm::Rsa3072, &resp).is_err());
    }

    #[test]
    fn ec_and_edwards() {
        let sk = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let pk = PrivateKey::P256(sk).public_key().unwrap();
        let PublicKey::P256(point) = &pk else {
            panic!()
        };
        let resp = tlv::encode(0x7F49, &tlv::encode(0x86, point));
        let parsed = PublicKey::from_generate_response(KeyAlgorithm::EccP256, &resp).unwrap();
        assert_eq!(parsed, pk);
        assert_eq!(
            PublicKey::from_spki_der(&pk.to_spki_der().unwrap()).unwrap(),
            pk
        );
        let ed = PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]));
        let edp = ed.public_key().unwrap();
        let der = edp.to_spki_der().unwrap();
        // Cross-check our hand-written RFC 8410 encoding with ed25519-dalek's.
        use ed25519_dalek::pkcs8::EncodePublicKey;
        let theirs = ed25519_dalek::VerifyingKey::from_bytes(&match edp {
            PublicKey::Ed25519(k) => k,
            _ => unreachable!(),
        })
        .unwrap()
        .to_public_key_der()
        .unwrap();
        assert_eq!(der, theirs.as_bytes());
        assert_eq!(PublicKey::from_spki_der(&der).unwrap(), edp);
        let x = PrivateKey::X25519(x25519_dalek::StaticSecret::from([3u8; 32]));
        let xp = x.public_key().unwrap();
        assert_eq!(
            PublicKey::from_spki_der(&xp.to_spki_der().unwrap()).unwrap(),
            xp
        );
    }

    #[test]
    fn malformed_templates() {
        for (alg, bad) in [
            (
                KeyAlgorithm::EccP256,
                &[0x7F, 0x49, 0x03, 0x86, 0x01, 0x04][..],
            ),
            (KeyAlgorithm::EccP256, &[0x7F, 0x49, 0x05, 0x86][..]),
            (KeyAlgorithm::Ed25519, &[0x7F, 0x49, 0x02, 0x86, 0x00][..]),
            (KeyAlgorithm::Rsa2048, &[0x7F, 0x49, 0x00][..]),
            (KeyAlgorithm::Rsa2048, &[0x53, 0x00][..]),
            (KeyAlgorithm::X25519, &[][..]),
        ] {
            assert!(PublicKey::from_generate_response(alg, bad).is_err());
        }
    }

    #[test]
    fn import_templates() {
        let ed = PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]));
        let t = ed.import_template().unwrap();
        assert_eq!(&t[..2], &[0x07, 0x20]);
        let ec = PrivateKey::P384(p384::SecretKey::from_slice(&[5u8; 48]).unwrap());
        assert_eq!(&ec.import_template().unwrap()[..2], &[0x06, 0x30]);
        assert!(!format!("{ec:?}").contains('5'));
    }
}
