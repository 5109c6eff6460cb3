//! Secret types: PIN, PUK and card management key.
//!
//! Each holds its bytes in [`Zeroizing`] memory, prints `***` in `Debug`, has no `Display`, and
//! never appears in an error message. Validation follows NIST SP 800-73-4 Part 2, 3.2.1 (PIN and
//! PUK reference data: 6–8 bytes for the PIN, 8 for the PUK, padded with `FF` to 8 bytes).

use zeroize::Zeroizing;

/// Keeps the secrets this process will hold (PINs, PUKs, operator secrets, management keys) out
/// of core files and away from same-user debuggers: `RLIMIT_CORE` 0 (soft and hard) and
/// `PR_SET_DUMPABLE` 0 (which also makes `/proc/PID` root-owned and refuses `ptrace` by
/// unprivileged peers). Called first thing by `sello` and `sellod`, before any secret is read.
pub fn forbid_core_dumps() -> std::io::Result<()> {
    use rustix::process::{set_dumpable_behavior, setrlimit, DumpableBehavior, Resource, Rlimit};
    setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    Ok(())
}

/// Why a PIN, PUK or key was refused before reaching the card (no secret inside; the message is
/// in the user's language, `crate::i18n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// Wrong number of characters.
    #[error("{}", length_text(what, *min, *max, *got))]
    Length {
        /// "PIN" or "PUK" (the same word in every language).
        what: &'static str,
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Actual length.
        got: usize,
    },
    /// A character outside printable ASCII (which would be ambiguous across keyboards).
    #[error("{}", crate::tr!("err-pin-charset", what = *.0))]
    Charset(&'static str),
    /// A management key of the wrong length for its algorithm.
    #[error("{}", crate::tr!("err-pin-key-length", algorithm = *algorithm, expected = *expected, got = *got))]
    KeyLength {
        /// Algorithm name.
        algorithm: &'static str,
        /// Expected length in bytes.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A management-key algorithm name that is not known.
    #[error("{}", crate::tr!("err-pin-unknown-algorithm"))]
    UnknownAlgorithm,
    /// A management key that is not valid hex.
    #[error("{}", crate::tr!("err-pin-key-hex"))]
    KeyHex,
}

/// "PIN must be 6–8 characters long, got 4" ("PUK must be 8 characters long, got 4" when the
/// length is fixed), in the user's language.
fn length_text(what: &str, min: usize, max: usize, got: usize) -> String {
    if min == max {
        crate::tr!("err-pin-length-exact", what = what, len = min, got = got)
    } else {
        crate::tr!(
            "err-pin-length",
            what = what,
            min = min,
            max = max,
            got = got
        )
    }
}

/// Padded length of PIN and PUK reference data (SP 800-73-4 Part 2, 3.2.1).
pub const PADDED_LEN: usize = 8;

fn check(what: &'static str, s: &[u8], min: usize, max: usize) -> Result<(), PinError> {
    if s.len() < min || s.len() > max {
        return Err(PinError::Length {
            what,
            min,
            max,
            got: s.len(),
        });
    }
    if !s.iter().all(|b| (0x20..0x7F).contains(b)) {
        return Err(PinError::Charset(what));
    }
    Ok(())
}

fn padded(s: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0xFF; PADDED_LEN]);
    out[..s.len()].copy_from_slice(s);
    out
}

macro_rules! secret_debug {
    ($t:ty) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), "(***)"))
            }
        }
    };
}

/// A PIV card-holder PIN: 6–8 printable ASCII characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(Zeroizing<Vec<u8>>);
secret_debug!(Pin);

impl Pin {
    /// Minimum PIN length.
    pub const MIN: usize = 6;
    /// Maximum PIN length.
    pub const MAX: usize = 8;

    /// Validates a PIN.
    pub fn new(pin: &str) -> Result<Self, PinError> {
        check("PIN", pin.as_bytes(), Self::MIN, Self::MAX)?;
        Ok(Self(Zeroizing::new(pin.as_bytes().to_vec())))
    }

    /// Validates a PIN given as bytes (e.g. from PKCS#11 `C_Login`).
    pub fn from_bytes(pin: &[u8]) -> Result<Self, PinError> {
        check("PIN", pin, Self::MIN, Self::MAX)?;
        Ok(Self(Zeroizing::new(pin.to_vec())))
    }

    /// The PIN padded with `FF` to 8 bytes, as VERIFY expects.
    pub fn padded(&self) -> Zeroizing<Vec<u8>> {
        padded(&self.0)
    }

    /// Whether this is the factory default `123456`.
    pub fn is_default(&self) -> bool {
        self.0.as_slice() == b"123456"
    }
}

/// A PIV PIN unblocking key: 8 printable ASCII characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Puk(Zeroizing<Vec<u8>>);
secret_debug!(Puk);

impl Puk {
    /// PUK length.
    pub const LEN: usize = 8;

    /// Validates a PUK.
    pub fn new(puk: &str) -> Result<Self, PinError> {
        Self::from_bytes(puk.as_bytes())
    }

    /// Validates a PUK given as bytes.
    pub fn from_bytes(puk: &[u8]) -> Result<Self, PinError> {
        check("PUK", puk, Self::LEN, Self::LEN)?;
        Ok(Self(Zeroizing::new(puk.to_vec())))
    }

    /// The PUK padded to 8 bytes.
    pub fn padded(&self) -> Zeroizing<Vec<u8>> {
        padded(&self.0)
    }

    /// Whether this is the factory default `12345678`.
    pub fn is_default(&self) -> bool {
        self.0.as_slice() == b"12345678"
    }
}

/// Symmetric algorithm of the card management key (SP 800-78-4 Table 6-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManagementAlgorithm {
    /// Three-key triple DES (`03`).
    TripleDes,
    /// AES-128 (`08`).
    Aes128,
    /// AES-192 (`0A`).
    Aes192,
    /// AES-256 (`0C`).
    Aes256,
}

impl ManagementAlgorithm {
    /// The PIV algorithm identifier.
    pub fn id(self) -> u8 {
        match self {
            Self::TripleDes => 0x03,
            Self::Aes128 => 0x08,
            Self::Aes192 => 0x0A,
            Self::Aes256 => 0x0C,
        }
    }

    /// From a PIV algorithm identifier.
    pub fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0x03 => Self::TripleDes,
            0x08 => Self::Aes128,
            0x0A => Self::Aes192,
            0x0C => Self::Aes256,
            _ => return None,
        })
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::TripleDes | Self::Aes192 => 24,
            Self::Aes128 => 16,
            Self::Aes256 => 32,
        }
    }

    /// Cipher block length in bytes (the challenge length of mutual authentication).
    pub fn block_len(self) -> usize {
        match self {
            Self::TripleDes => 8,
            _ => 16,
        }
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::TripleDes => "3DES",
            Self::Aes128 => "AES-128",
            Self::Aes192 => "AES-192",
            Self::Aes256 => "AES-256",
        }
    }
}

impl std::str::FromStr for ManagementAlgorithm {
    type Err = PinError;

    /// "3DES" ("tdes"), "AES-128", "AES-192", "AES-256" (case and dashes ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Ok(match n.as_str() {
            "3des" | "tdes" | "tripledes" => Self::TripleDes,
            "aes128" => Self::Aes128,
            "aes192" => Self::Aes192,
            "aes256" => Self::Aes256,
            _ => return Err(PinError::UnknownAlgorithm),
        })
    }
}

impl std::fmt::Display for ManagementAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The factory-default management key (YubiKey and most PIV test cards), 3DES.
pub const DEFAULT_MANAGEMENT_KEY: [u8; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
];

/// A card management key (key reference `9B`) with its algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct ManagementKey {
    algorithm: ManagementAlgorithm,
    key: Zeroizing<Vec<u8>>,
}
secret_debug!(ManagementKey);

impl ManagementKey {
    /// A key from raw bytes; the length must match the algorithm.
    pub fn new(algorithm: ManagementAlgorithm, key: &[u8]) -> Result<Self, PinError> {
        if key.len() != algorithm.key_len() {
            return Err(PinError::KeyLength {
                algorithm: algorithm.name(),
                expected: algorithm.key_len(),
                got: key.len(),
            });
        }
        Ok(Self {
            algorithm,
            key: Zeroizing::new(key.to_vec()),
        })
    }

    /// A key from hex (spaces and colons ignored).
    pub fn from_hex(algorithm: ManagementAlgorithm, hex_text: &str) -> Result<Self, PinError> {
        let clean: Zeroizing<String> = Zeroizing::new(
            hex_text
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ':')
                .collect(),
        );
        let bytes = Zeroizing::new(hex::decode(clean.as_str()).map_err(|_| PinError::KeyHex)?);
        Self::new(algorithm, &bytes)
    }

    /// The factory-default 3DES key `0102030405060708` ×3.
    pub fn default_3des() -> Self {
        Self {
            algorithm: ManagementAlgorithm::TripleDes,
            key: Zeroizing::new(DEFAULT_MANAGEMENT_KEY.to_vec()),
        }
    }

    /// A fresh random key (from the OS generator).
    pub fn generate(algorithm: ManagementAlgorithm) -> Self {
        use rand_core::RngCore;
        let mut key = Zeroizing::new(vec![0u8; algorithm.key_len()]);
        rand_core::OsRng.fill_bytes(&mut key);
        Self { algorithm, key }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ManagementAlgorithm {
        self.algorithm
    }

    /// Whether this is the well-known factory key (refused by production profiles).
    pub fn is_default(&self) -> bool {
        self.key.as_slice() == DEFAULT_MANAGEMENT_KEY
    }

    /// The key bytes: for the card layer, and to show a freshly generated key to the operator
    /// once. Never log them.
    pub fn expose(&self) -> &[u8] {
        &self.key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_rules_and_padding() {
        assert!(Pin::new("12345").is_err());
        assert!(Pin::new("123456789").is_err());
        assert_eq!(Pin::new("12é456").unwrap_err(), PinError::Charset("PIN"));
        let p = Pin::new("123456").unwrap();
        assert_eq!(&*p.padded(), b"123456\xff\xff");
        assert!(p.is_default());
        assert_eq!(format!("{p:?}"), "Pin(***)");
        assert!(Puk::new("1234567").is_err());
        let k = Puk::new("12345678").unwrap();
        assert_eq!(&*k.padded(), b"12345678");
        assert!(!format!("{k:?}").contains('1'));
    }

    #[test]
    fn errors_carry_no_secret_in_any_language() {
        for lang in ["en", "es", "ca", "ca-valencia"] {
            crate::i18n::with_language(lang, || {
                let e = Pin::new("1234567890").unwrap_err().to_string();
                assert!(!e.contains("1234567890"), "{lang}: {e}");
                let e = Puk::new("98765").unwrap_err().to_string();
                assert!(!e.contains("98765"), "{lang}: {e}");
                let e = ManagementKey::from_hex(ManagementAlgorithm::Aes128, "00112233")
                    .unwrap_err()
                    .to_string();
                assert!(!e.contains("00112233"), "{lang}: {e}");
            });
        }
    }

    #[test]
    fn length_rules_in_the_users_language_with_plurals() {
        let short = Pin::new("12345").unwrap_err();
        let one = Pin::new("1").unwrap_err();
        let puk = Puk::new("1234567").unwrap_err();
        let text = |lang, e: &PinError| crate::i18n::with_language(lang, || e.to_string());
        assert_eq!(
            text("en", &short),
            "the PIN must be 6 to 8 characters long; it has 5"
        );
        assert_eq!(
            text("es", &short),
            "el PIN debe tener entre 6 y 8 caracteres; tiene 5"
        );
        assert_eq!(
            text("es", &one),
            "el PIN debe tener entre 6 y 8 caracteres; tiene 1"
        );
        assert_eq!(
            text("ca-valencia", &short),
            "el PIN ha de tindre entre 6 i 8 caràcters; en té 5"
        );
        assert_eq!(
            text("ca", &short),
            "el PIN ha de tenir entre 6 i 8 caràcters; en té 5"
        );
        assert_eq!(text("es", &puk), "el PUK debe tener 8 caracteres; tiene 7");
        assert_eq!(
            text("ca-valencia", &puk),
            "el PUK ha de tindre 8 caràcters; en té 7"
        );
        let key = ManagementKey::from_hex(ManagementAlgorithm::Aes128, "00112233").unwrap_err();
        assert_eq!(
            text("es", &key),
            "la clave de gestión AES-128 debe tener 16 bytes; tiene 4"
        );
        assert_eq!(
            text("ca-valencia", &PinError::Charset("PIN")),
            "el PIN només pot contindre caràcters ASCII imprimibles"
        );
    }

    #[test]
    fn management_keys() {
        let k = ManagementKey::from_hex(
            ManagementAlgorithm::TripleDes,
            "010203040506070801020304050607080102030405060708",
        )
        .unwrap();
        assert!(k.is_default());
        assert_eq!(k, ManagementKey::default_3des());
        assert_eq!(format!("{k:?}"), "ManagementKey(***)");
        let g = ManagementKey::generate(ManagementAlgorithm::Aes256);
        assert_eq!(g.expose().len(), 32);
        assert!(ManagementKey::from_hex(ManagementAlgorithm::Aes128, "zz").is_err());
        for id in [3u8, 8, 0x0A, 0x0C] {
            let alg = ManagementAlgorithm::from_id(id).unwrap();
            assert_eq!(alg.id(), id);
            assert_eq!(alg.name().parse(), Ok(alg));
        }
        assert!("aes512".parse::<ManagementAlgorithm>().is_err());
    }
}
