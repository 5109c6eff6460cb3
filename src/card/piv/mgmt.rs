//! Host side of card management key authentication (SP 800-73-4 Part 2, Appendix A.1, "mutual
//! authentication"; 3DES per SP 800-67, AES per FIPS 197; one block in ECB mode).

use crate::card::CardError;
use crate::pin::{ManagementAlgorithm, ManagementKey};
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use zeroize::Zeroizing;

fn run<C: BlockEncrypt + BlockDecrypt + KeyInit>(
    key: &[u8],
    block: &[u8],
    encrypt: bool,
) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let c = C::new_from_slice(key).map_err(|_| CardError::Crypto("management key length"))?;
    let mut b = cipher::Block::<C>::default();
    if block.len() != b.len() {
        return Err(CardError::InvalidInput(format!(
            "card sent a {}-byte block for a {}-byte cipher",
            block.len(),
            b.len()
        )));
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

#[cfg(test)]
mod tests {
    use super::*;

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
