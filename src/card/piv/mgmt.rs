//! Host side of card management key authentication (SP 800-73-4 Part 2, Appendix A.1, "mutual
//! authentication"; 3DES per SP 800-67, AES per FIPS 197; one block in ECB mode), and the
//! PIN-protected management key as YubiKey tools keep it.
//!
//! # PIN-protected management key (the layout of yubikey-manager and yubico-piv-tool)
//! - ADMIN DATA, object `5FFF00`, readable without the PIN: `53 { 80 { 81 01 flags } }`
//!   ("PivmanData"; yubikey-manager also knows `82` salt and `83` PIN timestamp, kept here when
//!   present). Flag `02`: the management key is stored in the protected object; flag `01`: the
//!   PUK is blocked on purpose.
//! - PRINTED information, object `5FC109`, read rule "PIN" (SP 800-73-4 Part 1, Table 3):
//!   `53 { 88 { 89 L key } }` ("PivmanProtectedData").
//!
//! The key's algorithm is not stored: the card's metadata for `9B` says it (YubiKey 5.3+);
//! without metadata, the key length decides (24 bytes: 3DES, as those tools assume).

use crate::apdu::{tlv, ApduError};
use crate::card::{CardData, CardError, CryptoStep, Operation};
use crate::pin::{ManagementAlgorithm, ManagementKey};
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use zeroize::Zeroizing;

fn run<C: BlockEncrypt + BlockDecrypt + KeyInit>(
    key: &[u8],
    block: &[u8],
    encrypt: bool,
) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let c = C::new_from_slice(key).map_err(|_| CardError::Crypto(CryptoStep::ManagementKey))?;
    let mut b = cipher::Block::<C>::default();
    if block.len() != b.len() {
        return Err(CardError::Malformed {
            what: CardData::Response(Operation::ManagementKeyAuth),
            source: ApduError::FieldLength {
                expected: b.len(),
                got: block.len(),
            },
        });
    }
    b.copy_from_slice(block);
    if encrypt {
        c.encrypt_block(&mut b);
    } else {
        c.decrypt_block(&mut b);
    }
    let out = Zeroizing::new(b.to_vec());
    b.iter_mut().for_each(|x| *x = 0);
    Ok(out)
}

/// Encrypts (or decrypts) one block with the management key.
pub fn ecb(
    key: &ManagementKey,
    block: &[u8],
    encrypt: bool,
) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let k = key.expose();
    match key.algorithm() {
        ManagementAlgorithm::TripleDes => run::<des::TdesEde3>(k, block, encrypt),
        ManagementAlgorithm::Aes128 => run::<aes::Aes128>(k, block, encrypt),
        ManagementAlgorithm::Aes192 => run::<aes::Aes192>(k, block, encrypt),
        ManagementAlgorithm::Aes256 => run::<aes::Aes256>(k, block, encrypt),
    }
}

/// Constant-time comparison of the card's answer to our challenge.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// ADMIN DATA flag: the management key is stored in the PIN-protected object.
pub const FLAG_MGM_KEY_PROTECTED: u8 = 0x02;
/// ADMIN DATA flag: the PUK was blocked on purpose.
pub const FLAG_PUK_BLOCKED: u8 = 0x01;

/// The ADMIN DATA object (`5FFF00`) value, "PivmanData": `80 { 81 01 flags [82 salt] [83 ts] }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminData {
    /// `81` flags (absent: none).
    pub flags: Option<u8>,
    /// `82` salt of a PIN-derived key (kept as found).
    pub salt: Option<Vec<u8>>,
    /// `83` PIN timestamp (kept as found).
    pub pin_timestamp: Option<Vec<u8>>,
}

impl AdminData {
    /// Parses the value inside the `53` container.
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = CardError::malformed(CardData::AdminData);
        let inner = tlv::expect_single(data, 0x80).map_err(m)?;
        let flags =
            match tlv::find(inner, 0x81).map_err(CardError::malformed(CardData::AdminData))? {
                Some([f]) => Some(*f),
                Some(f) => {
                    return Err(CardError::Malformed {
                        what: CardData::AdminData,
                        source: ApduError::FieldLength {
                            expected: 1,
                            got: f.len(),
                        },
                    })
                }
                None => None,
            };
        let field = |tag| {
            tlv::find(inner, tag)
                .map(|v| v.map(<[u8]>::to_vec))
                .map_err(CardError::malformed(CardData::AdminData))
        };
        Ok(Self {
            flags,
            salt: field(0x82)?,
            pin_timestamp: field(0x83)?,
        })
    }

    /// The value to put inside the `53` container.
    pub fn encode(&self) -> Vec<u8> {
        let mut inner = Vec::new();
        if let Some(f) = self.flags {
            inner.extend(tlv::encode(0x81, &[f]));
        }
        if let Some(s) = &self.salt {
            inner.extend(tlv::encode(0x82, s));
        }
        if let Some(t) = &self.pin_timestamp {
            inner.extend(tlv::encode(0x83, t));
        }
        tlv::encode(0x80, &inner)
    }

    /// Whether flag `02` says the management key is in the PIN-protected object.
    pub fn key_protected(&self) -> bool {
        self.flags.unwrap_or(0) & FLAG_MGM_KEY_PROTECTED != 0
    }
}

/// The PRINTED object's value holding the key: `88 { 89 L key }` ("PivmanProtectedData").
pub fn encode_protected(key: &ManagementKey) -> Zeroizing<Vec<u8>> {
    let inner = Zeroizing::new(tlv::encode(0x89, key.expose()));
    Zeroizing::new(tlv::encode(0x88, &inner))
}

/// The key bytes from the PRINTED object's value (`None`: the object holds no `89` key).
pub fn decode_protected(data: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, CardError> {
    let inner = tlv::expect_single(data, 0x88).map_err(CardError::malformed(CardData::Printed))?;
    Ok(tlv::find(inner, 0x89)
        .map_err(CardError::malformed(CardData::Printed))?
        .map(|k| Zeroizing::new(k.to_vec())))
}

/// The algorithm of a stored key of `len` bytes when the card does not say (no metadata).
pub fn algorithm_for_len(len: usize) -> Option<ManagementAlgorithm> {
    match len {
        16 => Some(ManagementAlgorithm::Aes128),
        24 => Some(ManagementAlgorithm::TripleDes),
        32 => Some(ManagementAlgorithm::Aes256),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_data_and_protected_key_layout() {
        // What yubikey-manager writes for "change-management-key --protect": flags 02.
        let a = AdminData {
            flags: Some(FLAG_MGM_KEY_PROTECTED),
            ..AdminData::default()
        };
        assert_eq!(hex::encode(a.encode()), "8003810102");
        let back = AdminData::parse(&a.encode()).unwrap();
        assert!(back.key_protected());
        assert_eq!(back, a);
        // Salt and timestamp survive a round trip; no flags means not protected.
        let raw = hex::decode("800a8204000102038302abcd").unwrap();
        let b = AdminData::parse(&raw).unwrap();
        assert!(!b.key_protected());
        assert_eq!(b.salt.as_deref(), Some(&[0u8, 1, 2, 3][..]));
        assert_eq!(b.encode(), raw);
        assert!(AdminData::parse(&hex::decode("800481020102").unwrap()).is_err());
        assert!(AdminData::parse(&hex::decode("8105").unwrap()).is_err());

        let k = ManagementKey::from_hex(
            ManagementAlgorithm::Aes192,
            "000102030405060708090a0b0c0d0e0f1011121314151617",
        )
        .unwrap();
        let p = encode_protected(&k);
        assert_eq!(
            hex::encode(&*p),
            "881a8918000102030405060708090a0b0c0d0e0f1011121314151617"
        );
        assert_eq!(&*decode_protected(&p).unwrap().unwrap(), k.expose());
        assert!(decode_protected(&hex::decode("8800").unwrap())
            .unwrap()
            .is_none());
        assert!(decode_protected(&hex::decode("8903010203").unwrap()).is_err());
        assert!(decode_protected(&hex::decode("88058903").unwrap()).is_err());
        assert_eq!(algorithm_for_len(24), Some(ManagementAlgorithm::TripleDes));
        assert_eq!(algorithm_for_len(7), None);
    }

    /// The whole path on the in-process virtual card: stored with the management key, read back
    /// only after the PIN, used to authenticate; the key never appears in the APDU trace.
    #[cfg(feature = "virtual-card")]
    #[test]
    fn protected_key_on_the_virtual_card_is_pin_guarded_and_never_traced() {
        use crate::card::piv::{ObjectId, PivCard};
        use crate::pin::Pin;
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Log(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Log {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (t, _ctl) = crate::transport::memory::virtual_card(10_000_001);
        let log = Log::default();
        t.tracer().set_sink(Some(Box::new(log.clone())));
        let mut card = PivCard::open(t).unwrap();
        let pin = Pin::new("123456").unwrap();
        // Nothing stored yet: refused before any VERIFY (no PIN try spent).
        assert!(matches!(
            card.authenticate_with_pin(&pin),
            Err(CardError::NotFound(_))
        ));
        card.authenticate(&ManagementKey::default_3des()).unwrap();
        let key = ManagementKey::generate(ManagementAlgorithm::Aes192);
        card.store_protected_management_key(&key).unwrap();
        card.set_management_key(&key, false).unwrap();
        assert!(card.admin_data().unwrap().unwrap().key_protected());
        // The card enforces the PIN on PRINTED.
        card.logout().unwrap();
        assert!(matches!(
            card.read_object(ObjectId::PRINTED),
            Err(CardError::SecurityStatusNotSatisfied)
        ));
        // A wrong PIN costs one try and opens nothing.
        assert!(matches!(
            card.authenticate_with_pin(&Pin::new("654321").unwrap()),
            Err(CardError::WrongPin { tries_left: 2 })
        ));
        assert!(!card.is_management_authenticated());
        card.authenticate_with_pin(&pin).unwrap();
        assert!(card.is_management_authenticated());
        let trace = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(trace.contains("redacted"), "{trace}");
        assert!(
            !trace.contains(&hex::encode_upper(key.expose())),
            "the management key is in the APDU trace"
        );
    }

    #[test]
    fn known_answers() {
        // FIPS 197 Appendix C.1: AES-128.
        let k = ManagementKey::from_hex(
            ManagementAlgorithm::Aes128,
            "000102030405060708090a0b0c0d0e0f",
        )
        .unwrap();
        let pt = hex::decode("00112233445566778899aabbccddeeff").unwrap();
        let ct = ecb(&k, &pt, true).unwrap();
        assert_eq!(hex::encode(&*ct), "69c4e0d86a7b0430d8cdb78070b4c55a");
        assert_eq!(&*ecb(&k, &ct, false).unwrap(), &pt[..]);
        // 3DES round trip with the default key, and a block of the wrong size.
        let d = ManagementKey::default_3des();
        let ct = ecb(&d, &[1, 2, 3, 4, 5, 6, 7, 8], true).unwrap();
        assert_eq!(&*ecb(&d, &ct, false).unwrap(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(ecb(&d, &[0; 16], true).is_err());
        assert!(ct_eq(&[1, 2], &[1, 2]));
        assert!(!ct_eq(&[1, 2], &[1, 3]));
        assert!(!ct_eq(&[1], &[1, 3]));
    }
}
