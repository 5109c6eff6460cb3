//! Card drivers: the profile-independent [`CardDriver`] operations and the registry that picks a
//! driver for a card. PIV ([`piv`]) is the one implementation so far.

pub mod piv;
mod terms;

use crate::apdu::{ApduError, StatusWord};
use crate::pin::{Pin, PinError, Puk};
use crate::transport::{Transport, TransportError};
use zeroize::Zeroizing;

pub use piv::keys::PublicKey;
pub use terms::{CardData, CryptoStep, Invalid, Missing, NameKind, Operation, ResetBlocker};

/// "wrong PIN, 2 tries left", in the user's language.
fn wrong_pin_text(left: u8) -> String {
    crate::tr!("card-wrong-pin", left = left)
}

/// "wrong PUK, 2 tries left", in the user's language.
fn wrong_puk_text(left: u8) -> String {
    crate::tr!("card-wrong-puk", left = left)
}

/// Errors of the card layer. Messages are for people, in their language (`crate::i18n`), and
/// never contain a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// Talking to the card failed (removed, reset, pcscd gone, ...).
    #[error("{}", crate::tr!("err-card-transport", error = .0.to_string()))]
    Transport(#[source] TransportError),
    /// VERIFY failed; the PIN is not blocked yet.
    #[error("{}", wrong_pin_text(*.tries_left))]
    WrongPin {
        /// Remaining tries.
        tries_left: u8,
    },
    /// The PIN is blocked.
    #[error("{}", crate::tr!("card-pin-blocked"))]
    PinBlocked,
    /// The PUK was wrong; not blocked yet.
    #[error("{}", wrong_puk_text(*.tries_left))]
    WrongPuk {
        /// Remaining tries.
        tries_left: u8,
    },
    /// The PUK is blocked.
    #[error("{}", crate::tr!("card-puk-blocked"))]
    PukBlocked,
    /// Card management key authentication failed.
    #[error("{}", crate::tr!("err-card-management-key-auth-failed"))]
    ManagementKeyAuthFailed,
    /// The operation needs a PIN or management-key authentication first.
    #[error("{}", crate::tr!("err-card-security-status"))]
    SecurityStatusNotSatisfied,
    /// The object, key or application does not exist on the card.
    #[error("{0}")]
    NotFound(Missing),
    /// The card has no application this crate can drive.
    #[error("{}", crate::tr!("err-card-unsupported-card"))]
    UnsupportedCard,
    /// The card does not implement the operation.
    #[error("{}", crate::tr!("err-card-not-supported", operation = .0.to_string()))]
    NotSupported(Operation),
    /// The card answered an operation with an unexpected status word.
    #[error("{}", crate::tr!("err-card-refused", operation = operation.to_string(), status = status.to_string()))]
    Refused {
        /// The operation.
        operation: Operation,
        /// The status word.
        status: StatusWord,
    },
    /// The card sent data we cannot parse.
    #[error("{}", crate::tr!("err-card-malformed", what = what.to_string()))]
    Malformed {
        /// What was being parsed.
        what: CardData,
        /// The parse error.
        #[source]
        source: ApduError,
    },
    /// The caller asked for something impossible (wrong data length, unsupported algorithm).
    #[error("{}", crate::tr!("err-card-invalid-input", why = .0.to_string()))]
    InvalidInput(Invalid),
    /// A PIN, PUK or key refused before reaching the card.
    #[error("{}", crate::tr!("err-card-pin"))]
    Pin(#[from] PinError),
    /// The card answered the management-key challenge wrongly: it does not hold our key.
    #[error("{}", crate::tr!("err-card-auth-failed"))]
    CardAuthFailed,
    /// A certificate's public key is not the key in the slot.
    #[error("{}", crate::tr!("err-card-certificate-key-mismatch", slot = format!("{:02X}", slot)))]
    CertificateKeyMismatch {
        /// Key reference.
        slot: u8,
    },
    /// A certificate that does not parse as X.509.
    #[error("{}", crate::tr!("err-card-bad-certificate"))]
    BadCertificate,
    /// Reset refused on the host side.
    #[error("{}", crate::tr!("err-card-reset-refused", why = .0.to_string()))]
    ResetRefused(ResetBlocker),
    /// A host-side cryptographic step failed.
    #[error("{}", crate::tr!("err-card-crypto", step = .0.to_string()))]
    Crypto(CryptoStep),
}

impl From<TransportError> for CardError {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl CardError {
    /// Whether the error means the card is gone (pulled out or reader removed).
    pub fn is_card_removed(&self) -> bool {
        matches!(
            self,
            Self::Transport(
                TransportError::CardRemoved
                    | TransportError::NoCard
                    | TransportError::ReaderUnavailable
            )
        )
    }

    /// Builds the `Malformed` variant for a parse error (used with `map_err`).
    pub(crate) fn malformed(what: CardData) -> impl FnOnce(ApduError) -> Self {
        move |source| Self::Malformed { what, source }
    }
}

/// A key reference on the card (for PIV the key reference byte, e.g. `9A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyRef(pub u8);

/// Asymmetric key algorithms (SP 800-78-4 Table 6-2, plus the YubiKey 5.7 identifiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA 1024 (`06`), read-only support.
    Rsa1024,
    /// RSA 2048 (`07`).
    Rsa2048,
    /// RSA 3072 (`05`).
    Rsa3072,
    /// RSA 4096 (`16`).
    Rsa4096,
    /// ECC P-256 (`11`).
    EccP256,
    /// ECC P-384 (`14`).
    EccP384,
    /// Ed25519 (`E0`).
    Ed25519,
    /// X25519 (`E1`).
    X25519,
}

impl KeyAlgorithm {
    /// The PIV algorithm identifier.
    pub fn piv_id(self) -> u8 {
        match self {
            Self::Rsa1024 => 0x06,
            Self::Rsa2048 => 0x07,
            Self::Rsa3072 => 0x05,
            Self::Rsa4096 => 0x16,
            Self::EccP256 => 0x11,
            Self::EccP384 => 0x14,
            Self::Ed25519 => 0xE0,
            Self::X25519 => 0xE1,
        }
    }

    /// From a PIV algorithm identifier.
    pub fn from_piv_id(id: u8) -> Option<Self> {
        Some(match id {
            0x06 => Self::Rsa1024,
            0x07 => Self::Rsa2048,
            0x05 => Self::Rsa3072,
            0x16 => Self::Rsa4096,
            0x11 => Self::EccP256,
            0x14 => Self::EccP384,
            0xE0 => Self::Ed25519,
            0xE1 => Self::X25519,
            _ => return None,
        })
    }

    /// RSA modulus length in bytes, if RSA.
    pub fn rsa_len(self) -> Option<usize> {
        match self {
            Self::Rsa1024 => Some(128),
            Self::Rsa2048 => Some(256),
            Self::Rsa3072 => Some(384),
            Self::Rsa4096 => Some(512),
            _ => None,
        }
    }

    /// Field length in bytes for the EC algorithms.
    pub fn field_len(self) -> Option<usize> {
        match self {
            Self::EccP256 | Self::Ed25519 | Self::X25519 => Some(32),
            Self::EccP384 => Some(48),
            _ => None,
        }
    }

    /// A short name ("RSA-2048", "P-256", ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa1024 => "RSA-1024",
            Self::Rsa2048 => "RSA-2048",
            Self::Rsa3072 => "RSA-3072",
            Self::Rsa4096 => "RSA-4096",
            Self::EccP256 => "P-256",
            Self::EccP384 => "P-384",
            Self::Ed25519 => "Ed25519",
            Self::X25519 => "X25519",
        }
    }
}

/// A name that does not denote a known value (for `FromStr` of CLI arguments).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::tr!("err-unknown-name", what = what.to_string(), given = given.as_str(), expected = *expected))]
pub struct UnknownName {
    /// What was being parsed.
    pub what: NameKind,
    /// The input.
    pub given: String,
    /// The accepted names.
    pub expected: &'static str,
}

/// Lower-case, without `-`, `_` and spaces: "RSA-2048" and "rsa2048" compare equal.
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

impl std::str::FromStr for KeyAlgorithm {
    type Err = UnknownName;

    /// Accepts "RSA-2048", "rsa2048", "P-256", "eccp256", "secp384r1", "Ed25519", "X25519", ...
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match normalize(s).as_str() {
            "rsa1024" => Self::Rsa1024,
            "rsa2048" | "rsa" => Self::Rsa2048,
            "rsa3072" => Self::Rsa3072,
            "rsa4096" => Self::Rsa4096,
            "p256" | "eccp256" | "secp256r1" | "prime256v1" => Self::EccP256,
            "p384" | "eccp384" | "secp384r1" => Self::EccP384,
            "ed25519" => Self::Ed25519,
            "x25519" => Self::X25519,
            _ => {
                return Err(UnknownName {
                    what: NameKind::KeyAlgorithm,
                    given: s.to_owned(),
                    expected: "RSA-2048, RSA-3072, RSA-4096, P-256, P-384, Ed25519, X25519",
                })
            }
        })
    }
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Remaining and total tries of a PIN or PUK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    /// Tries left (0 = blocked).
    pub remaining: u8,
    /// Tries allowed in total, when the card says.
    pub total: Option<u8>,
}

/// The card-holder verification state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinStatus {
    /// The card confirmed the PIN is verified in the current card session.
    pub verified: bool,
    /// PIN tries (`None` when the card only says "verified", or cannot be asked).
    pub pin: Option<Retries>,
    /// PUK tries (only cards with metadata report them).
    pub puk: Option<Retries>,
    /// Whether the PIN is still the factory default, when the card says.
    pub pin_is_default: Option<bool>,
    /// Whether the PUK is still the factory default, when the card says.
    pub puk_is_default: Option<bool>,
}

impl PinStatus {
    /// Whether the PIN is blocked.
    pub fn pin_blocked(&self) -> bool {
        self.pin.is_some_and(|r| r.remaining == 0)
    }
    /// Whether the PUK is known to be blocked.
    pub fn puk_blocked(&self) -> bool {
        self.puk.is_some_and(|r| r.remaining == 0)
    }
}

/// Identification of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardInfo {
    /// Driver name ("PIV").
    pub driver: &'static str,
    /// Reader name.
    pub reader: String,
    /// The ATR.
    pub atr: Vec<u8>,
    /// Application label, if any.
    pub label: Option<String>,
    /// Serial number (decimal), when the card reports one.
    pub serial: Option<String>,
    /// Firmware/application version, when the card reports one.
    pub version: Option<String>,
}

/// A key slot and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySlot {
    /// Key reference.
    pub key: KeyRef,
    /// Human name ("PIV Authentication", ...).
    pub name: &'static str,
    /// The key's algorithm (from metadata or from the certificate).
    pub algorithm: Option<KeyAlgorithm>,
    /// The public key, when the card reveals it (metadata) or the certificate carries it.
    pub public_key: Option<PublicKey>,
    /// The certificate (DER), if stored.
    pub certificate: Option<Vec<u8>>,
    /// Whether the key was generated on the card (`Some(false)`: imported); `None` when the
    /// card does not say (no metadata).
    pub generated: Option<bool>,
}

impl KeySlot {
    /// A slot known from its certificate alone: algorithm and public key come from the
    /// certificate (what OpenSC's PIV emulation shows, and what a cache can rebuild without the
    /// card).
    pub fn from_certificate(key: KeyRef, der: Vec<u8>) -> Self {
        let public_key = x509_parser::parse_x509_certificate(&der)
            .ok()
            .and_then(|(_, x)| PublicKey::from_spki(x.public_key()).ok());
        Self {
            key,
            name: piv::Slot(key.0).name(),
            algorithm: public_key.as_ref().map(PublicKey::algorithm),
            public_key,
            certificate: Some(der),
            generated: None,
        }
    }
}

/// What a token shows, read for the PKCS#11 module's cache (issue 4, "Fast and frugal").
#[derive(Debug, Clone, Default)]
pub struct CardContents {
    /// A fingerprint of the card's contents that changes whenever a certificate object (or what
    /// says which objects exist) changes; `None` when the driver cannot make one (no caching).
    pub fingerprint: Option<Vec<u8>>,
    /// The key slots with certificates; `None` when the fingerprint equals the one the caller
    /// already knows (nothing was read).
    pub slots: Option<Vec<KeySlot>>,
}

/// A record of the card's contents that Sello left on the card after its last change of them
/// (PIV: [`piv::ContentsRecord`]); see [`CardDriver::sealed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Identification, with serial and version as the record gives them (no APDU spent).
    pub info: CardInfo,
    /// A fingerprint of the record: equal fingerprints, equal contents (as far as Sello wrote
    /// them).
    pub fingerprint: Vec<u8>,
    /// The record as read, for [`CardDriver::unseal`].
    pub record: Vec<u8>,
}

/// The operations every card driver offers, whatever the card's profile. Each call is one card
/// transaction. A PIN is never retried or cached by a driver.
pub trait CardDriver: Send {
    /// Driver name.
    fn driver_name(&self) -> &'static str;
    /// Identification: label, serial, version.
    fn info(&mut self) -> Result<CardInfo, CardError>;
    /// Key slots holding a key or a certificate.
    fn key_slots(&mut self) -> Result<Vec<KeySlot>, CardError>;
    /// PIN/PUK state, without spending a try.
    fn pin_status(&mut self) -> Result<PinStatus, CardError>;
    /// Verifies the PIN (one attempt).
    fn verify_pin(&mut self, pin: &Pin) -> Result<(), CardError>;
    /// Drops the PIN verification.
    fn logout(&mut self) -> Result<(), CardError>;
    /// Changes the PIN.
    fn change_pin(&mut self, old: &Pin, new: &Pin) -> Result<(), CardError>;
    /// Unblocks the PIN with the PUK and sets a new one.
    fn unblock_pin(&mut self, puk: &Puk, new: &Pin) -> Result<(), CardError>;
    /// Reads a key's certificate (DER).
    fn read_certificate(&mut self, key: KeyRef) -> Result<Option<Vec<u8>>, CardError>;
    /// Signs prepared input (RSA: a padded block of modulus length; ECDSA: a hash; EdDSA: the
    /// message). With `pin`, VERIFY precedes the signature in the same transaction (keys that
    /// need the PIN for every use).
    fn sign_raw(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Vec<u8>, CardError>;
    /// Raw RSA decryption (the caller removes the padding).
    fn decrypt_raw(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError>;
    /// Key agreement (ECDH): the shared secret with `peer` (an uncompressed point, or an X25519
    /// key). With `pin`, VERIFY precedes it in the same transaction.
    fn key_agreement(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        peer: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError> {
        let _ = (key, algorithm, peer, pin);
        Err(CardError::NotSupported(Operation::KeyAgreement))
    }
    /// Changes the PUK.
    fn change_puk(&mut self, old: &Puk, new: &Puk) -> Result<(), CardError> {
        let _ = (old, new);
        Err(CardError::NotSupported(Operation::ChangePuk))
    }
    /// PIN tries left, learned without sending VERIFY (e.g. from key metadata); `None` when the
    /// card cannot tell that way. Never spends a try and never reveals another application's
    /// login.
    fn pin_retries(&mut self) -> Result<Option<Retries>, CardError> {
        Ok(None)
    }
    /// PUK tries left, learned without using the PUK (e.g. from key metadata); `None` when the
    /// card cannot tell that way.
    fn puk_retries(&mut self) -> Result<Option<Retries>, CardError> {
        Ok(None)
    }
    /// Whether the card was reset (by another application, or reinserted) since the last call:
    /// login state is lost.
    fn take_reset_event(&mut self) -> bool;
    /// APDUs sent so far on this connection.
    fn apdu_count(&self) -> u64;
    /// Identification for a token: label and serial, and the version only when asked (it can be
    /// cached with the contents).
    fn identity(&mut self, with_version: bool) -> Result<CardInfo, CardError> {
        let _ = with_version;
        self.info()
    }
    /// The firmware/application version.
    fn firmware_version(&mut self) -> Result<Option<String>, CardError> {
        Ok(self.info()?.version)
    }
    /// The key slots with certificates and a content fingerprint. With `known`, a fingerprint
    /// from an earlier read, the driver first checks it cheaply and reads nothing more when the
    /// contents are unchanged (`slots: None`).
    fn contents(&mut self, known: Option<&[u8]>) -> Result<CardContents, CardError> {
        let _ = known;
        Ok(CardContents {
            fingerprint: None,
            slots: Some(self.key_slots()?),
        })
    }
    /// Sello's record of the card's contents, when the card holds a valid one (one GET DATA).
    /// `None` when the card has none, or one this code cannot read.
    fn sealed(&mut self) -> Result<Option<Sealed>, CardError> {
        Ok(None)
    }
    /// Reads the key slots a record lists — only those, each certificate with one GET DATA — and
    /// checks every certificate against the record. `None` when the card differs from its record
    /// (another tool changed it): the caller then reads it with [`CardDriver::contents`].
    fn unseal(&mut self, sealed: &Sealed) -> Result<Option<Vec<KeySlot>>, CardError> {
        let _ = sealed;
        Ok(None)
    }
}

/// Picks a driver for the card behind `transport`: PIV when SELECT of the PIV AID succeeds.
pub fn open(transport: Transport) -> Result<Box<dyn CardDriver>, CardError> {
    match piv::PivCard::open(transport) {
        Ok(card) => Ok(Box::new(card)),
        Err(CardError::NotFound(_)) => Err(CardError::UnsupportedCard),
        Err(e) => Err(e),
    }
}

/// Opens the card in a PC/SC reader (shared mode) with the driver that fits it.
pub fn open_reader(reader: &str) -> Result<Box<dyn CardDriver>, CardError> {
    open(Transport::open_pcsc(reader)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names() {
        for alg in [
            KeyAlgorithm::Rsa1024,
            KeyAlgorithm::Rsa2048,
            KeyAlgorithm::Rsa3072,
            KeyAlgorithm::Rsa4096,
            KeyAlgorithm::EccP256,
            KeyAlgorithm::EccP384,
            KeyAlgorithm::Ed25519,
            KeyAlgorithm::X25519,
        ] {
            assert_eq!(alg.name().parse::<KeyAlgorithm>(), Ok(alg));
            assert_eq!(KeyAlgorithm::from_piv_id(alg.piv_id()), Some(alg));
        }
        assert_eq!("eccp256".parse(), Ok(KeyAlgorithm::EccP256));
        let e = "dsa".parse::<KeyAlgorithm>().unwrap_err();
        let en = crate::i18n::with_language("en", || e.to_string());
        assert!(en.contains("unknown key algorithm \"dsa\""), "{en}");
        let es = crate::i18n::with_language("es", || e.to_string());
        assert!(
            es.starts_with("«dsa» no es un nombre válido de algoritmo de clave"),
            "{es}"
        );
    }

    fn text(lang: &str, e: &CardError) -> String {
        crate::i18n::with_language(lang, || e.to_string())
    }

    #[test]
    fn card_errors_in_the_users_language() {
        let refused = CardError::Refused {
            operation: Operation::GetData,
            status: StatusWord::ConditionsNotSatisfied,
        };
        assert_eq!(
            text("en", &refused),
            "the card refused reading a data object (GET DATA): conditions of use not satisfied (6985)"
        );
        assert_eq!(
            text("es", &refused),
            "la tarjeta ha rechazado la lectura de un objeto de datos (GET DATA): \
             condiciones de uso no satisfechas (6985)"
        );
        assert_eq!(
            text("ca-valencia", &refused),
            "la targeta ha rebutjat la lectura d'un objecte de dades (GET DATA): \
             condicions d'ús no satisfetes (6985)"
        );
        let missing = CardError::NotFound(Missing::Key);
        assert_eq!(text("es", &missing), "no hay ninguna clave en esta ranura");
        assert_eq!(text("ca", &missing), "no hi ha cap clau en aquesta ranura");
        assert_eq!(
            text("ca-valencia", &missing),
            "no hi ha cap clau en esta ranura"
        );
        let removed = CardError::Transport(TransportError::CardRemoved);
        assert_eq!(
            text("es", &removed),
            "ha fallado la comunicación con la tarjeta: se ha retirado la tarjeta durante la operación"
        );
        let malformed = CardError::Malformed {
            what: CardData::Response(Operation::GetSerial),
            source: ApduError::FieldLength {
                expected: 4,
                got: 3,
            },
        };
        assert_eq!(
            text("ca-valencia", &malformed),
            "la targeta ha enviat la resposta a la consulta del seu número de sèrie (GET SERIAL) \
             amb un format incorrecte"
        );
    }

    #[test]
    fn numbers_and_plurals_follow_the_language() {
        let ct = |expected| CardError::InvalidInput(Invalid::CiphertextLength { expected, got: 3 });
        assert_eq!(
            text("en", &ct(256)),
            "invalid request: the ciphertext must be 256 bytes, got 3"
        );
        assert_eq!(
            text("es", &ct(1)),
            "petición no válida: el texto cifrado debe tener 1 byte; tiene 3"
        );
        assert_eq!(
            text("ca-valencia", &ct(256)),
            "petició no vàlida: el text xifrat ha de tindre 256 bytes; en té 3"
        );
        let short = ApduError::Truncated {
            needed: 1,
            available: 0,
        };
        assert_eq!(
            crate::i18n::with_language("es", || short.to_string()),
            "datos truncados: faltaba 1 byte y hay 0"
        );
        let short = ApduError::Truncated {
            needed: 4,
            available: 2,
        };
        assert_eq!(
            crate::i18n::with_language("ca", || short.to_string()),
            "dades truncades: en faltaven 4 bytes i n'hi ha 2"
        );
    }

    /// Every variant a card driver builds renders in every language without falling back to a
    /// message id (which would mean a missing or misspelt translation).
    #[test]
    fn no_card_message_falls_back_to_its_id() {
        let errors = [
            CardError::NotSupported(Operation::ContentsRecord),
            CardError::ResetRefused(ResetBlocker::PukUnknown),
            CardError::Crypto(CryptoStep::KeyImport),
            CardError::InvalidInput(Invalid::CannotMove {
                from: 0x9A,
                to: 0x9B,
            }),
            CardError::CertificateKeyMismatch { slot: 0x9C },
            CardError::Transport(TransportError::Protocol(
                crate::transport::ProtocolFault::EndlessMoreData,
            )),
            CardError::Transport(TransportError::Pcsc {
                context: crate::transport::PcscCall::BeginTransaction,
                message: "Internal error.".into(),
            }),
            CardError::Pin(PinError::KeyHex),
        ];
        for lang in ["en", "es", "ca", "ca-valencia"] {
            for e in &errors {
                let t = text(lang, e);
                assert!(!t.contains("err-"), "{lang}: {t}");
            }
        }
        assert_eq!(
            text("ca-valencia", &errors[4]),
            "la clau pública del certificat no coincidix amb la clau de la ranura 9C"
        );
        assert_eq!(
            text("es", &errors[6]),
            "ha fallado la comunicación con la tarjeta: error de PC/SC al iniciar una \
             transacción con la tarjeta: Internal error."
        );
    }
}
