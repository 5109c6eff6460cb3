//! The card management key (`9B`): single-block ECB encryption for the challenge-response of
//! SP 800-73-4 Part 2, 3.2.4 (Appendix A.1, A.2), with 3DES (`03`) or AES-128/192/256
//! (`08`/`0A`/`0C`, SP 800-78-4 Table 6-1).

use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

use super::sw::{Sw, SW_WRONG_DATA};

/// 3DES (TDEA, three keys).
pub(crate) const ALG_3DES: u8 = 0x03;
/// AES-128.
pub(crate) const ALG_AES128: u8 = 0x08;
/// AES-192.
pub(crate) const ALG_AES192: u8 = 0x0A;
/// AES-256.
pub(crate) const ALG_AES256: u8 = 0x0C;

/// Key length in bytes for a symmetric algorithm, `None` if it is not one.
pub(crate) fn key_len(alg: u8) -> Option<usize> {
    match alg {
        ALG_3DES => Some(24),
        ALG_AES128 => Some(16),
        ALG_AES192 => Some(24),
        ALG_AES256 => Some(32),
        _ => None,
    }
}

/// Block length in bytes (the witness and challenge length).
pub(crate) fn block_len(alg: u8) -> usize {
    if alg == ALG_3DES {
        8
    } else {
        16
    }
}

/// Encrypts (`decrypt == false`) or decrypts one block with the management key.
pub(crate) fn crypt_block(alg: u8, key: &[u8], block: &[u8], decrypt: bool) -> Result<Vec<u8>, Sw> {
    if block.len() != block_len(alg) || key_len(alg) != Some(key.len()) {
        return Err(SW_WRONG_DATA);
    }
    let mut buf = block.to_vec();
    macro_rules! run {
        ($cipher:ty) => {{
            let c = <$cipher>::new_from_slice(key).map_err(|_| SW_WRONG_DATA)?;
            let b = GenericArray::from_mut_slice(&mut buf);
            if decrypt {
                c.decrypt_block(b)
            } else {
                c.encrypt_block(b)
            }
        }};
    }
    match alg {
        ALG_3DES => run!(des::TdesEde3),
        ALG_AES128 => run!(aes::Aes128),
        ALG_AES192 => run!(aes::Aes192),
        ALG_AES256 => run!(aes::Aes256),
        _ => return Err(SW_WRONG_DATA),
    }
    Ok(buf)
}
