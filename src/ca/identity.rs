//! Registered identities (Spanish natural persons) and one-time enrollment codes.

use std::fmt;

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Check letters of the DNI/NIF and NIE: `LETTERS[n mod 23]`.
const CHECK_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Validates a NIF (8 digits + check letter) or NIE (X/Y/Z + 7 digits + check letter, with X/Y/Z
/// read as 0/1/2) and returns it normalised to upper case.
pub fn validate_nif(input: &str) -> Result<String, String> {
    let nif = input.trim().to_ascii_uppercase();
    let bytes = nif.as_bytes();
    if bytes.len() != 9 {
        return Err(format!(
            "NIF/NIE must be 9 characters (8 digits + letter, or X/Y/Z + 7 digits + letter), got {}",
            bytes.len()
        ));
    }
    let (body, letter) = bytes.split_at(8);
    let mut digits = String::with_capacity(8);
    for (i, &b) in body.iter().enumerate() {
        match (i, b) {
            (0, b'X') => digits.push('0'),
            (0, b'Y') => digits.push('1'),
            (0, b'Z') => digits.push('2'),
            (_, b'0'..=b'9') => digits.push(b as char),
            _ => {
                return Err(format!(
                    "NIF/NIE has an invalid character at position {}",
                    i + 1
                ))
            }
        }
    }
    let number: u32 = digits
        .parse()
        .map_err(|_| "NIF/NIE number does not parse".to_string())?;
    let expected = CHECK_LETTERS[(number % 23) as usize];
    match letter.first() {
        Some(&l) if l == expected => Ok(nif),
        Some(&l) if l.is_ascii_uppercase() => Err(format!(
            "NIF/NIE check letter is '{}' but the number requires '{}'",
            l as char, expected as char
        )),
        _ => Err("NIF/NIE must end in a check letter".to_string()),
    }
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
        let nif = validate_nif(nif)?;
        let given_name = given_name.trim();
        let surnames = surnames.trim();
        let email = email.trim();
        if given_name.is_empty() || surnames.is_empty() {
            return Err("given name and surnames must not be empty".into());
        }
        if given_name.len() > 64 || surnames.len() > 64 {
            return Err("given name and surnames are limited to 64 bytes each".into());
        }
        if given_name
            .chars()
            .chain(surnames.chars())
            .any(char::is_control)
        {
            return Err("names must not contain control characters".into());
        }
        let valid_email = email.len() <= 128
            && email.is_ascii()
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(email.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.contains('@'));
        if !valid_email {
            return Err("e-mail address must look like local@domain.tld (ASCII)".into());
        }
        Ok(Self {
            nif,
            given_name: given_name.to_string(),
            surnames: surnames.to_string(),
            email: email.to_string(),
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
