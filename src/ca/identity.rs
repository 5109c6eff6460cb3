//! Registered identities (Spanish natural persons) and one-time enrollment codes.

use std::fmt;

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Validates a NIF or NIE (check letter included) and returns it normalised to upper case. The
/// rules are the profile module's, so activation and the CA accept exactly the same values.
pub fn validate_nif(input: &str) -> Result<String, String> {
    crate::profile::Nif::parse(input)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| e.to_string())
}

/// A registered natural person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// NIF or NIE, upper case, validated.
    pub nif: String,
    /// Given name(s), e.g. "María José".
    pub given_name: String,
    /// Surnames, e.g. "García Pérez".
    pub surnames: String,
    /// E-mail address put in the SAN as rfc822Name.
    pub email: String,
}

impl Identity {
    /// Builds an identity after validating every field.
    pub fn new(nif: &str, given_name: &str, surnames: &str, email: &str) -> Result<Self, String> {
        // The same validation and normalisation as activation's (`profile::Identity`), so a
        // registered identity and the subject a card's CSR carries compare equal.
        let id = crate::profile::Identity::new(nif, given_name, surnames, Some(email))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            nif: id.nif.as_str().to_owned(),
            given_name: id.given_name,
            surnames: id.surnames,
            email: id.email.unwrap_or_default(),
        })
    }

    /// `serialNumber` attribute value (ETSI EN 319 412-1 §5.1.3 semantics identifier "IDC" + "ES").
    pub fn serial_number(&self) -> String {
        format!("IDCES-{}", self.nif)
    }

    /// `CN` value in the Spanish natural-person form.
    pub fn common_name(&self) -> String {
        format!("{} {} - NIF:{}", self.given_name, self.surnames, self.nif)
    }

    /// `CN` value in FNMT's layout: surnames, given name, NIF, upper case.
    pub fn common_name_fnmt(&self) -> String {
        format!("{} {} - {}", self.surnames, self.given_name, self.nif).to_uppercase()
    }
}

/// Alphabet for enrollment codes: no 0/O/o, 1/I/l, so a code read aloud or typed is unambiguous.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
/// Length of an enrollment code (about 58 bits of entropy).
pub const CODE_LEN: usize = 10;

/// A one-time enrollment code. Zeroized on drop; `Debug` never prints it.
pub struct EnrollmentCode(Zeroizing<String>);

impl EnrollmentCode {
    /// Draws a fresh code from the OS CSPRNG (rejection sampling: no modulo bias).
    pub fn generate() -> Self {
        let mut code = Zeroizing::new(String::with_capacity(CODE_LEN));
        let limit = 256 - (256 % CODE_ALPHABET.len());
        while code.len() < CODE_LEN {
            let mut byte = [0u8; 1];
            OsRng.fill_bytes(&mut byte);
            let b = byte[0] as usize;
            if b < limit {
                code.push(CODE_ALPHABET[b % CODE_ALPHABET.len()] as char);
            }
        }
        Self(code)
    }

    /// Wraps a code typed by someone (not validated: a wrong code simply does not match).
    pub fn from_secret(code: &str) -> Self {
        Self(Zeroizing::new(code.to_string()))
    }

    /// The code itself, to show it once to the operator.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Salted SHA-256, the only form stored.
    pub fn hash(&self, salt: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"sello-ca enrollment code v1\0");
        h.update(salt);
        h.update(self.0.as_bytes());
        h.finalize().into()
    }
}

impl fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrollmentCode(***)")
    }
}

/// Constant-time equality of two byte strings of equal length.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nif_and_nie_check_letters() {
        assert_eq!(validate_nif("12345678z").as_deref(), Ok("12345678Z"));
        assert!(validate_nif("12345678A").is_err());
        // NIE X1234567L: 01234567 mod 23 = 19 -> 'L'
        assert_eq!(validate_nif("X1234567L").as_deref(), Ok("X1234567L"));
        assert!(validate_nif("Y1234567L").is_err());
        assert!(validate_nif("A1234567L").is_err());
        assert!(validate_nif("1234567Z").is_err());
    }

    #[test]
    fn codes_are_from_the_alphabet_and_distinct() {
        let a = EnrollmentCode::generate();
        let b = EnrollmentCode::generate();
        assert_eq!(a.expose().len(), CODE_LEN);
        assert!(a.expose().bytes().all(|c| CODE_ALPHABET.contains(&c)));
        assert_ne!(a.expose(), b.expose());
        assert_eq!(format!("{a:?}"), "EnrollmentCode(***)");
        assert!(ct_eq(
            &a.hash(b"s"),
            &EnrollmentCode::from_secret(a.expose()).hash(b"s")
        ));
        assert!(!ct_eq(&a.hash(b"s"), &a.hash(b"t")));
    }
}
