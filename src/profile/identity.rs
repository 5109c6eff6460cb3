//! The card holder's identity as a Spanish natural person: NIF or NIE (with its check letter),
//! given name, surnames and e-mail. Shared by activation (the CSR subject) and the CA (issuance
//! checks), so both accept and refuse exactly the same values.
//!
//! The check letter is `"TRWAGMYFPDXBNJZSQVHLCKE"[n mod 23]` where `n` is the NIF's eight digits,
//! or for an NIE the seven digits prefixed with 0, 1 or 2 for X, Y or Z (Real Decreto 1553/2005,
//! art. 11; Orden INT/2058/2008 for the NIE).

use std::fmt;

/// The 23 check letters, indexed by the number modulo 23.
const CHECK_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Why an identity field was refused. Messages, in the user's language (`crate::i18n`), name the
/// field and never echo a secret (none of these fields is secret, but they are personal data:
/// the value is not repeated either).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// Not 8 digits + letter (NIF) nor X/Y/Z + 7 digits + letter (NIE).
    #[error("{}", crate::tr!("err-identity-nif-format"))]
    NifFormat,
    /// The check letter does not match the number.
    #[error("{}", crate::tr!("err-identity-nif-check-letter", expected = expected.to_string()))]
    NifCheckLetter {
        /// The letter the number calls for.
        expected: char,
    },
    /// A name field is empty or holds control characters.
    #[error("{}", match .0 {
        NameField::GivenName => crate::tr!("err-identity-given-name"),
        NameField::Surnames => crate::tr!("err-identity-surnames"),
    })]
    Name(NameField),
    /// The e-mail address is not a plain ASCII `local@domain.tld`.
    #[error("{}", crate::tr!("err-identity-email"))]
    Email,
}

/// A name field of an [`Identity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameField {
    /// Given name(s).
    GivenName,
    /// Surname(s).
    Surnames,
}

/// Which kind of Spanish identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// Número de Identificación Fiscal of a Spanish national (DNI number + letter).
    Nif,
    /// Número de Identidad de Extranjero.
    Nie,
}

/// A validated NIF or NIE, upper case, without separators (e.g. `12345678Z`, `X1234567L`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nif {
    value: String,
    kind: IdKind,
}

impl Nif {
    /// Validates a NIF/NIE. Spaces and hyphens are ignored and letters may be lower case.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let clean: String = text
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = clean.as_bytes();
        if bytes.len() != 9 || !bytes.is_ascii() {
            return Err(IdentityError::NifFormat);
        }
        let (kind, prefix) = match bytes[0] {
            b'X' => (IdKind::Nie, 0u32),
            b'Y' => (IdKind::Nie, 1),
            b'Z' => (IdKind::Nie, 2),
            b'0'..=b'9' => (IdKind::Nif, 0),
            _ => return Err(IdentityError::NifFormat),
        };
        let digits = match kind {
            IdKind::Nif => &bytes[..8],
            IdKind::Nie => &bytes[1..8],
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(IdentityError::NifFormat);
        }
        let n = digits
            .iter()
            .fold(prefix, |acc, d| acc * 10 + u32::from(d - b'0'));
        let expected = char::from(CHECK_LETTERS[(n % 23) as usize]);
        let letter = char::from(bytes[8]);
        if !letter.is_ascii_uppercase() {
            return Err(IdentityError::NifFormat);
        }
        if letter != expected {
            return Err(IdentityError::NifCheckLetter { expected });
        }
        Ok(Self { value: clean, kind })
    }

    /// NIF or NIE.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Nif {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// A card holder: the values a subject template may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// NIF or NIE.
    pub nif: Nif,
    /// Given name(s), as on the identity document.
    pub given_name: String,
    /// Surname(s), as on the identity document.
    pub surnames: String,
    /// E-mail address (goes into the certificate as a SAN rfc822Name).
    pub email: Option<String>,
}

impl Identity {
    /// Validates every field.
    pub fn new(
        nif: &str,
        given_name: &str,
        surnames: &str,
        email: Option<&str>,
    ) -> Result<Self, IdentityError> {
        Ok(Self {
            nif: Nif::parse(nif)?,
            given_name: name(given_name, NameField::GivenName)?,
            surnames: name(surnames, NameField::Surnames)?,
            email: email.map(validate_email).transpose()?,
        })
    }

    /// The value of a template variable: `nif`, `given_name`, `surnames`, `email`.
    pub fn variable(&self, var: &str) -> Option<&str> {
        match var {
            "nif" => Some(self.nif.as_str()),
            "given_name" => Some(&self.given_name),
            "surnames" => Some(&self.surnames),
            "email" => self.email.as_deref(),
            _ => None,
        }
    }
}

/// Template variables an identity provides.
pub const VARIABLES: [&str; 4] = ["nif", "given_name", "surnames", "email"];

fn name(value: &str, field: NameField) -> Result<String, IdentityError> {
    // Collapse runs of spaces: "María  José" and "María José" are the same name.
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() || v.chars().any(char::is_control) || v.chars().count() > 64 {
        return Err(IdentityError::Name(field));
    }
    Ok(v)
}

fn validate_email(value: &str) -> Result<String, IdentityError> {
    let v = value.trim();
    let (local, domain) = v.split_once('@').ok_or(IdentityError::Email)?;
    let ok_char = |c: char| c.is_ascii_graphic() && c != '@';
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || !local.chars().all(ok_char)
        || !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        || v.len() > 254
    {
        return Err(IdentityError::Email);
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nif_and_nie_check_letters() {
        for good in [
            "12345678Z",
            "00000000T",
            "99999999R",
            "X1234567L",
            "Y1234567X",
            "Z1234567R",
        ] {
            assert!(Nif::parse(good).is_ok(), "{good}");
        }
        assert_eq!(Nif::parse("x-1234567-l").unwrap().as_str(), "X1234567L");
        assert_eq!(Nif::parse("X1234567L").unwrap().kind(), IdKind::Nie);
        assert_eq!(
            Nif::parse("12345678A"),
            Err(IdentityError::NifCheckLetter { expected: 'Z' })
        );
        assert_eq!(
            Nif::parse("X1234567T"),
            Err(IdentityError::NifCheckLetter { expected: 'L' })
        );
        for bad in [
            "1234567Z",
            "123456789Z",
            "A1234567L",
            "1234567AZ",
            "",
            "12345678ñ",
            "X12345678L",
        ] {
            assert!(Nif::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_in_the_users_language_without_the_value() {
        let letter = Nif::parse("12345678A").unwrap_err();
        let text = |lang, e: &IdentityError| crate::i18n::with_language(lang, || e.to_string());
        assert_eq!(
            text("en", &letter),
            "the NIF/NIE check letter is wrong (expected Z)"
        );
        assert_eq!(
            text("es", &letter),
            "la letra de control del NIF/NIE es incorrecta (debería ser Z)"
        );
        assert_eq!(
            text("ca-valencia", &letter),
            "la lletra de control del NIF/NIE és incorrecta (hauria de ser Z)"
        );
        let name = Identity::new("12345678Z", "A", "\u{7}", None).unwrap_err();
        assert_eq!(
            text("ca-valencia", &name),
            "els cognoms estan buits o contenen caràcters de control"
        );
        for lang in ["en", "es", "ca", "ca-valencia"] {
            let e = Identity::new("12345678Z", "A", "B", Some("ana@x")).unwrap_err();
            assert!(!text(lang, &e).contains("ana@x"), "{lang}");
        }
    }

    #[test]
    fn identity_fields() {
        let id = Identity::new(
            "12345678Z",
            " María  José ",
            "García López",
            Some("mj@example.es"),
        )
        .unwrap();
        assert_eq!(id.given_name, "María José");
        assert_eq!(id.variable("nif"), Some("12345678Z"));
        assert_eq!(
            Identity::new("12345678Z", "", "X", None),
            Err(IdentityError::Name(NameField::GivenName))
        );
        for bad in [
            "a",
            "a@b",
            "@example.es",
            "a@.es",
            "a b@example.es",
            "a@exa_mple.es",
        ] {
            assert_eq!(
                Identity::new("12345678Z", "A", "B", Some(bad)),
                Err(IdentityError::Email),
                "{bad}"
            );
        }
    }
}
