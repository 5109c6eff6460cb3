//! Host-side cryptography for the module: hashing, PKCS#1 v1.5 and PSS encoding for signatures,
//! PKCS#1 v1.5 and OAEP decoding after raw decryption (constant time), and ECDSA signature
//! conversion. The card only ever does the raw private-key operation.

use crate::apdu::tlv;
use cryptoki_sys::*;
use rand_core::{OsRng, RngCore};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

use super::error::{fail, Result};

/// Hash algorithms the mechanisms use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// From a digest mechanism (`CKM_SHA256`, ...), as used in PSS/OAEP parameters.
    pub fn from_mechanism(m: CK_MECHANISM_TYPE) -> Option<Self> {
        Some(match m {
            CKM_SHA_1 => Self::Sha1,
            CKM_SHA224 => Self::Sha224,
            CKM_SHA256 => Self::Sha256,
            CKM_SHA384 => Self::Sha384,
            CKM_SHA512 => Self::Sha512,
            _ => return None,
        })
    }

    /// From an MGF1 identifier (`CKG_MGF1_SHA256`, ...).
    pub fn from_mgf(m: CK_RSA_PKCS_MGF_TYPE) -> Option<Self> {
        Some(match m {
            CKG_MGF1_SHA1 => Self::Sha1,
            CKG_MGF1_SHA224 => Self::Sha224,
            CKG_MGF1_SHA256 => Self::Sha256,
            CKG_MGF1_SHA384 => Self::Sha384,
            CKG_MGF1_SHA512 => Self::Sha512,
            _ => return None,
        })
    }

    /// Output length in bytes.
    pub fn len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// One-shot digest.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finish()
    }

    /// The DER DigestInfo prefix (RFC 8017 §9.2, note 1).
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Self::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
            Self::Sha224 => &[
                0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x04, 0x05, 0x00, 0x04, 0x1c,
            ],
            Self::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Self::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Self::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    /// DigestInfo for a hash value.
    pub fn digest_info(self, hash: &[u8]) -> Vec<u8> {
        [self.digest_info_prefix(), hash].concat()
    }
}

/// A running hash (for multi-part `C_SignUpdate`).
#[derive(Clone)]
pub enum Hasher {
    /// SHA-1.
    Sha1(Sha1),
    /// SHA-224.
    Sha224(Sha224),
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-384.
    Sha384(Sha384),
    /// SHA-512.
    Sha512(Sha512),
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher")
    }
}

impl Hasher {
    /// A fresh hash.
    pub fn new(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Sha1 => Self::Sha1(Sha1::new()),
            HashAlg::Sha224 => Self::Sha224(Sha224::new()),
            HashAlg::Sha256 => Self::Sha256(Sha256::new()),
            HashAlg::Sha384 => Self::Sha384(Sha384::new()),
            HashAlg::Sha512 => Self::Sha512(Sha512::new()),
        }
    }

    /// Absorbs data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// EMSA-PKCS1-v1_5 block for signing (RFC 8017 §9.2 steps 3–5): `00 01 FF.. 00 T`, `k` bytes.
pub fn pkcs1_v15_sign_pad(t: &[u8], k: usize) -> Result<Vec<u8>> {
    if t.len() + 11 > k {
        return fail(CKR_DATA_LEN_RANGE);
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(k - t.len() - 1, 0xFF);
    em.push(0x00);
    em.extend_from_slice(t);
    Ok(em)
}

/// Raw RSA input (`CKM_RSA_X_509`): left-padded with zeros to `k` bytes.
pub fn raw_rsa_block(data: &[u8], k: usize) -> Result<Vec<u8>> {
    if data.len() > k {
        return fail(CKR_DATA_LEN_RANGE);
    }
    let mut em = vec![0u8; k - data.len()];
    em.extend_from_slice(data);
    Ok(em)
}

/// MGF1 (RFC 8017 §B.2.1).
fn mgf1(hash: HashAlg, seed: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + hash.len()));
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut h = Hasher::new(hash);
        h.update(seed);
        h.update(&counter.to_be_bytes());
        out.extend_from_slice(&h.finish());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of the message hash `m_hash`, for a modulus of `mod_bits`
/// bits; returned left-padded to the modulus length in bytes, ready for the raw RSA operation.
pub fn pss_encode(
    m_hash: &[u8],
    hash: HashAlg,
    mgf_hash: HashAlg,
    salt_len: usize,
    mod_bits: usize,
) -> Result<Vec<u8>> {
    if m_hash.len() != hash.len() {
        return fail(CKR_DATA_LEN_RANGE);
    }
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let h_len = hash.len();
    if em_len < h_len + salt_len + 2 {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    }
    let mut salt = vec![0u8; salt_len];
    OsRng.fill_bytes(&mut salt);
    let mut h = Hasher::new(hash);
    h.update(&[0u8; 8]);
    h.update(m_hash);
    h.update(&salt);
    let hv = h.finish();
    let db_len = em_len - h_len - 1;
    let mut db = vec![0u8; db_len - salt_len - 1];
    db.push(0x01);
    db.extend_from_slice(&salt);
    let mask = mgf1(mgf_hash, &hv, db_len);
    for (d, m) in db.iter_mut().zip(mask.iter()) {
        *d ^= m;
    }
    let unused = 8 * em_len - em_bits;
    if let Some(first) = db.first_mut() {
        *first &= 0xFF >> unused;
    }
    let k = mod_bits.div_ceil(8);
    let mut out = vec![0u8; k - em_len];
    out.extend_from_slice(&db);
    out.extend_from_slice(&hv);
    out.push(0xBC);
    Ok(out)
}

/// EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2 step 3) in constant time: every byte of the block
/// is examined whatever its value, the separator is located with constant-time selection, and
/// any padding failure gives the same error after the same work (the Marvin attack).
pub fn pkcs1_v15_decrypt_unpad(em: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if em.len() < 11 || em.len() > u32::MAX as usize {
        return fail(CKR_ENCRYPTED_DATA_INVALID);
    }
    let mut good = Choice::from(1u8);
    good &= em.first().copied().unwrap_or(1).ct_eq(&0);
    good &= em.get(1).copied().unwrap_or(0).ct_eq(&2);
    let mut found = Choice::from(0u8);
    let mut sep: u32 = 0;
    for (i, b) in em.iter().enumerate().skip(2) {
        let zero = b.ct_eq(&0);
        let first_zero = zero & !found;
        sep.conditional_assign(&(i as u32), first_zero);
        found |= zero;
    }
    good &= found;
    // At least 8 bytes of non-zero padding: the separator is at index 10 or later.
    good &= sep.ct_gt(&9);
    if bool::from(good) {
        Ok(Zeroizing::new(
            em.get(sep as usize + 1..).unwrap_or_default().to_vec(),
        ))
    } else {
        fail(CKR_ENCRYPTED_DATA_INVALID)
    }
}

/// EME-OAEP decoding (RFC 8017 §7.1.2 step 3), constant time in the padding checks.
pub fn oaep_decode(
    em: &[u8],
    hash: HashAlg,
    mgf_hash: HashAlg,
    label: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let h_len = hash.len();
    let k = em.len();
    if k < 2 * h_len + 2 || k > u32::MAX as usize {
        return fail(CKR_ENCRYPTED_DATA_INVALID);
    }
    let l_hash = hash.digest(label);
    let y = em.first().copied().unwrap_or(1);
    let masked_seed = em.get(1..1 + h_len).unwrap_or_default();
    let masked_db = em.get(1 + h_len..).unwrap_or_default();
    let seed_mask = mgf1(mgf_hash, masked_db, h_len);
    let seed: Zeroizing<Vec<u8>> = Zeroizing::new(
        masked_seed
            .iter()
            .zip(seed_mask.iter())
            .map(|(a, b)| a ^ b)
            .collect(),
    );
    let db_mask = mgf1(mgf_hash, &seed, k - h_len - 1);
    let db: Zeroizing<Vec<u8>> = Zeroizing::new(
        masked_db
            .iter()
            .zip(db_mask.iter())
            .map(|(a, b)| a ^ b)
            .collect(),
    );
    let mut good = y.ct_eq(&0);
    good &= db.get(..h_len).unwrap_or_default().ct_eq(&l_hash);
    // After lHash: zero bytes, then 01, then the message.
    let mut found = Choice::from(0u8);
    let mut sep: u32 = 0;
    let mut bad_byte = Choice::from(0u8);
    for (i, b) in db.iter().enumerate().skip(h_len) {
        let one = b.ct_eq(&1);
        let zero = b.ct_eq(&0);
        let first_one = one & !found;
        sep.conditional_assign(&(i as u32), first_one);
        bad_byte |= !found & !zero & !one;
        found |= one;
    }
    good &= found & !bad_byte;
    if bool::from(good) {
        Ok(Zeroizing::new(
            db.get(sep as usize + 1..).unwrap_or_default().to_vec(),
        ))
    } else {
        fail(CKR_ENCRYPTED_DATA_INVALID)
    }
}

/// ECDSA signature from the card (DER `SEQUENCE { r INTEGER, s INTEGER }`) to PKCS#11's raw
/// `r ‖ s`, each left-padded to the field length (PKCS#11 3.0 §6.3.1).
pub fn ecdsa_der_to_raw(der: &[u8], field_len: usize) -> Result<Vec<u8>> {
    let bad = || super::error::Error::Rv(CKR_DEVICE_ERROR);
    let seq = tlv::expect_single(der, 0x30).map_err(|_| bad())?;
    let mut out = Vec::with_capacity(2 * field_len);
    let mut n = 0;
    for item in tlv::iter(seq) {
        let item = item.map_err(|_| bad())?;
        if item.tag != 0x02 || n == 2 {
            return Err(bad());
        }
        let start = item
            .value
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(item.value.len());
        let v = item.value.get(start..).unwrap_or_default();
        if v.len() > field_len {
            return Err(bad());
        }
        out.resize(out.len() + field_len - v.len(), 0);
        out.extend_from_slice(v);
        n += 1;
    }
    if n != 2 {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1_unpad_accepts_good_and_rejects_bad_uniformly() {
        let mut em = vec![0x00, 0x02];
        em.extend_from_slice(&[0x55; 20]);
        em.push(0);
        em.extend_from_slice(b"secret");
        assert_eq!(&pkcs1_v15_decrypt_unpad(&em).expect("valid")[..], b"secret");
        let mut bad = em.clone();
        bad[1] = 1;
        assert_eq!(
            pkcs1_v15_decrypt_unpad(&bad).map_err(|e| e.rv()).err(),
            Some(CKR_ENCRYPTED_DATA_INVALID)
        );
        // Separator too early (fewer than 8 padding bytes).
        let mut short = vec![0x00, 0x02, 1, 2, 3, 0];
        short.extend_from_slice(&[9; 20]);
        assert!(pkcs1_v15_decrypt_unpad(&short).is_err());
        // No separator at all.
        let none = [&[0u8, 2][..], &[7u8; 30][..]].concat();
        assert!(pkcs1_v15_decrypt_unpad(&none).is_err());
    }

    #[test]
    fn ecdsa_der_conversion() {
        let der = [0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x05];
        let raw = ecdsa_der_to_raw(&der, 4).expect("parses");
        assert_eq!(raw, [0, 0, 0, 0x81, 0, 0, 0, 5]);
        assert!(ecdsa_der_to_raw(&der[..5], 4).is_err());
    }

    #[test]
    fn pss_and_oaep_round_trip_with_rsa_crate() {
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPrivateKey::new(&mut OsRng, 1024).expect("key");
        let hash = Sha256::digest(b"hello").to_vec();
        let em = pss_encode(&hash, HashAlg::Sha256, HashAlg::Sha256, 32, 1024).expect("pss");
        let m = rsa::BigUint::from_bytes_be(&em);
        let s = rsa::hazmat::rsa_decrypt_and_check(&key, Some(&mut OsRng), &m).expect("raw");
        let sig = s.to_bytes_be();
        let mut sig = [vec![0u8; key.size() - sig.len()], sig].concat();
        let vk = rsa::pss::VerifyingKey::<Sha256>::new(key.to_public_key());
        use rsa::signature::Verifier;
        let parsed = rsa::pss::Signature::try_from(&sig[..]).expect("sig");
        vk.verify(b"hello", &parsed).expect("PSS verifies");
        sig.clear();

        let ct = key
            .to_public_key()
            .encrypt(&mut OsRng, rsa::Oaep::new::<Sha256>(), b"top")
            .expect("enc");
        let c = rsa::BigUint::from_bytes_be(&ct);
        let m = rsa::hazmat::rsa_decrypt_and_check(&key, Some(&mut OsRng), &c).expect("raw");
        let m = m.to_bytes_be();
        let em = [vec![0u8; key.size() - m.len()], m].concat();
        let pt = oaep_decode(&em, HashAlg::Sha256, HashAlg::Sha256, b"").expect("oaep");
        assert_eq!(&pt[..], b"top");
        let mut bad = em.clone();
        bad[5] ^= 1;
        assert!(oaep_decode(&bad, HashAlg::Sha256, HashAlg::Sha256, b"").is_err());
    }
}
