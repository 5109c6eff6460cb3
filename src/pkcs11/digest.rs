//! Message digests in software (PKCS#11 3.0 §5.11, `C_DigestInit` … `C_DigestFinal`): SHA-1,
//! SHA-2 and SHA-3. Nothing here touches the card; the hashing is RustCrypto's.

use super::error::{fail, Result};
use cryptoki_sys::*;
use sha2::digest::DynDigest;

/// The digest mechanisms and their output lengths, in `C_GetMechanismList` order.
pub const MECHANISMS: [(CK_MECHANISM_TYPE, usize); 8] = [
    (CKM_SHA_1, 20),
    (CKM_SHA224, 28),
    (CKM_SHA256, 32),
    (CKM_SHA384, 48),
    (CKM_SHA512, 64),
    (CKM_SHA3_256, 32),
    (CKM_SHA3_384, 48),
    (CKM_SHA3_512, 64),
];

/// `C_GetMechanismInfo` flags of a digest mechanism (no key sizes), or `None`.
pub fn flags(kind: CK_MECHANISM_TYPE) -> Option<CK_FLAGS> {
    MECHANISMS
        .iter()
        .any(|(k, _)| *k == kind)
        .then_some(CKF_DIGEST)
}

/// A digest operation in progress.
pub struct DigestOp {
    hasher: Box<dyn DynDigest + Send>,
    /// The output length.
    pub len: usize,
    /// `C_DigestUpdate` or `C_DigestKey` was called: only `C_DigestFinal` may end it.
    pub multi_part: bool,
}

impl std::fmt::Debug for DigestOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestOp")
            .field("len", &self.len)
            .field("multi_part", &self.multi_part)
            .finish()
    }
}

impl DigestOp {
    /// Starts `kind` (`CKR_MECHANISM_INVALID` for anything but the digests above).
    pub fn new(kind: CK_MECHANISM_TYPE) -> Result<Self> {
        let hasher: Box<dyn DynDigest + Send> = match kind {
            CKM_SHA_1 => Box::new(sha1::Sha1::default()),
            CKM_SHA224 => Box::new(sha2::Sha224::default()),
            CKM_SHA256 => Box::new(sha2::Sha256::default()),
            CKM_SHA384 => Box::new(sha2::Sha384::default()),
            CKM_SHA512 => Box::new(sha2::Sha512::default()),
            CKM_SHA3_256 => Box::new(sha3::Sha3_256::default()),
            CKM_SHA3_384 => Box::new(sha3::Sha3_384::default()),
            CKM_SHA3_512 => Box::new(sha3::Sha3_512::default()),
            _ => return fail(CKR_MECHANISM_INVALID),
        };
        let len = hasher.output_size();
        Ok(Self {
            hasher,
            len,
            multi_part: false,
        })
    }

    /// Hashes more data.
    pub fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// The digest; ends the operation.
    pub fn finish(self) -> Vec<u8> {
        self.hasher.finalize().into_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_the_hashers() {
        for (kind, len) in MECHANISMS {
            let op = DigestOp::new(kind).expect("digest");
            assert_eq!(op.len, len);
            assert_eq!(op.finish().len(), len);
            assert_eq!(flags(kind), Some(CKF_DIGEST));
        }
        assert!(DigestOp::new(CKM_RSA_PKCS).is_err());
        assert_eq!(flags(CKM_RSA_PKCS), None);
    }

    #[test]
    fn sha3_256_of_abc() {
        // FIPS 202 example value.
        let mut op = DigestOp::new(CKM_SHA3_256).expect("digest");
        op.update(b"abc");
        assert_eq!(
            hex::encode(op.finish()),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
    }
}
