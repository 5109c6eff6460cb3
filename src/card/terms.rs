//! What the card layer's errors name — an operation, a piece of card data, a missing object, a
//! caller's mistake — as small enums whose `Display` is a message in the user's language
//! (`crate::i18n`), so an error is translated whole rather than with English fragments glued in.

use std::fmt;

use super::KeyAlgorithm;

/// A card operation: what the card refused ([`super::CardError::Refused`]) or does not support
/// ([`super::CardError::NotSupported`]). Command names (GET DATA, ...) stay in the message as
/// they are in the specification (NIST SP 800-73-4 Part 2, 3; the YubiKey extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// SELECT of the PIV application.
    Select,
    /// GET DATA.
    GetData,
    /// PUT DATA.
    PutData,
    /// VERIFY with the PIN.
    Verify,
    /// VERIFY without data: the PIN status.
    PinStatus,
    /// VERIFY with P1 `FF`: logout.
    Logout,
    /// CHANGE REFERENCE DATA (PIN or PUK).
    ChangeReference,
    /// RESET RETRY COUNTER (unblock the PIN).
    ResetRetryCounter,
    /// GENERATE ASYMMETRIC KEY PAIR.
    GenerateKey,
    /// GENERAL AUTHENTICATE: signing.
    Sign,
    /// GENERAL AUTHENTICATE: decryption.
    Decrypt,
    /// GENERAL AUTHENTICATE: key agreement (ECDH).
    KeyAgreement,
    /// GENERAL AUTHENTICATE with the management key.
    ManagementKeyAuth,
    /// SET MANAGEMENT KEY (YubiKey).
    SetManagementKey,
    /// SET PIN RETRIES (YubiKey).
    SetRetries,
    /// RESET of the PIV application (YubiKey).
    Reset,
    /// ATTEST (YubiKey).
    Attest,
    /// ATTEST of a key that was not generated on the card (YubiKey refuses it).
    AttestImported,
    /// IMPORT KEY (YubiKey).
    ImportKey,
    /// MOVE KEY (YubiKey 5.7).
    MoveKey,
    /// GET VERSION (YubiKey).
    GetVersion,
    /// GET SERIAL (YubiKey).
    GetSerial,
    /// GET METADATA (YubiKey 5.3).
    GetMetadata,
    /// Key metadata as a feature (YubiKey 5.3 or later).
    KeyMetadata,
    /// Changing the PUK.
    ChangePuk,
    /// Generating a key of this algorithm or with this policy in this slot.
    GenerateThisKey,
    /// Setting a management key of this algorithm.
    ManagementKeyAlgorithm,
    /// Importing a key of this algorithm into this slot.
    ImportThisKey,
    /// Keeping Sello's contents record (object `5F5E10`).
    ContentsRecord,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::Select => crate::tr!("err-op-select"),
            Self::GetData => crate::tr!("err-op-get-data"),
            Self::PutData => crate::tr!("err-op-put-data"),
            Self::Verify => crate::tr!("err-op-verify"),
            Self::PinStatus => crate::tr!("err-op-pin-status"),
            Self::Logout => crate::tr!("err-op-logout"),
            Self::ChangeReference => crate::tr!("err-op-change-reference"),
            Self::ResetRetryCounter => crate::tr!("err-op-reset-retry-counter"),
            Self::GenerateKey => crate::tr!("err-op-generate-key"),
            Self::Sign => crate::tr!("err-op-sign"),
            Self::Decrypt => crate::tr!("err-op-decrypt"),
            Self::KeyAgreement => crate::tr!("err-op-key-agreement"),
            Self::ManagementKeyAuth => crate::tr!("err-op-management-key-auth"),
            Self::SetManagementKey => crate::tr!("err-op-set-management-key"),
            Self::SetRetries => crate::tr!("err-op-set-retries"),
            Self::Reset => crate::tr!("err-op-reset"),
            Self::Attest => crate::tr!("err-op-attest"),
            Self::AttestImported => crate::tr!("err-op-attest-imported"),
            Self::ImportKey => crate::tr!("err-op-import-key"),
            Self::MoveKey => crate::tr!("err-op-move-key"),
            Self::GetVersion => crate::tr!("err-op-get-version"),
            Self::GetSerial => crate::tr!("err-op-get-serial"),
            Self::GetMetadata => crate::tr!("err-op-get-metadata"),
            Self::KeyMetadata => crate::tr!("err-op-key-metadata"),
            Self::ChangePuk => crate::tr!("err-op-change-puk"),
            Self::GenerateThisKey => crate::tr!("err-op-generate-this-key"),
            Self::ManagementKeyAlgorithm => crate::tr!("err-op-management-key-algorithm"),
            Self::ImportThisKey => crate::tr!("err-op-import-this-key"),
            Self::ContentsRecord => crate::tr!("err-op-contents-record"),
        })
    }
}

/// Card data that did not parse ([`super::CardError::Malformed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardData {
    /// The card's answer to an operation.
    Response(Operation),
    /// The application property template (answer to SELECT).
    ApplicationTemplate,
    /// The CHUID (`5FC102`).
    Chuid,
    /// The CCC (`5FC107`).
    Ccc,
    /// The discovery object (`7E`).
    Discovery,
    /// Sello's contents record (`5F5E10`).
    ContentsRecord,
    /// A certificate container (`53 { 70 71 FE }`).
    CertificateContainer,
    /// A gzip-compressed certificate.
    CompressedCertificate,
    /// A data object's `53` container.
    DataObject,
    /// A public key (`7F49` template or metadata).
    PublicKey,
    /// ADMIN DATA (`5FFF00`).
    AdminData,
    /// PRINTED (`5FC109`) holding the PIN-protected management key.
    Printed,
}

impl fmt::Display for CardData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::Response(op) => crate::tr!("err-data-response", operation = op.to_string()),
            Self::ApplicationTemplate => crate::tr!("err-data-application-template"),
            Self::Chuid => crate::tr!("err-data-chuid"),
            Self::Ccc => crate::tr!("err-data-ccc"),
            Self::Discovery => crate::tr!("err-data-discovery"),
            Self::ContentsRecord => crate::tr!("err-data-contents-record"),
            Self::CertificateContainer => crate::tr!("err-data-certificate-container"),
            Self::CompressedCertificate => crate::tr!("err-data-compressed-certificate"),
            Self::DataObject => crate::tr!("err-data-data-object"),
            Self::PublicKey => crate::tr!("err-data-public-key"),
            Self::AdminData => crate::tr!("err-data-admin-data"),
            Self::Printed => crate::tr!("err-data-printed"),
        })
    }
}

/// What is not on the card ([`super::CardError::NotFound`]); its message is the whole sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// The PIV application.
    PivApplication,
    /// A key in the slot asked for.
    Key,
    /// A PIN-protected copy of the management key.
    ProtectedManagementKey,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::PivApplication => crate::tr!("err-missing-piv-application"),
            Self::Key => crate::tr!("err-missing-key"),
            Self::ProtectedManagementKey => crate::tr!("err-missing-protected-management-key"),
        })
    }
}

/// Why a reset is refused before it reaches the card ([`super::CardError::ResetRefused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetBlocker {
    /// The PIN still works.
    PinNotBlocked,
    /// The card does not say whether the PUK is blocked.
    PukUnknown,
    /// The PUK still works.
    PukNotBlocked,
}

impl fmt::Display for ResetBlocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::PinNotBlocked => crate::tr!("err-reset-pin-not-blocked"),
            Self::PukUnknown => crate::tr!("err-reset-puk-unknown"),
            Self::PukNotBlocked => crate::tr!("err-reset-puk-not-blocked"),
        })
    }
}

/// A host-side cryptographic step that failed ([`super::CardError::Crypto`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptoStep {
    /// gzip compression of a certificate.
    Compression,
    /// Reading or encoding a public key.
    PublicKey,
    /// Preparing a private key for import.
    KeyImport,
    /// Setting up the management-key cipher.
    ManagementKey,
    /// Reading a signature the card returned.
    Signature,
}

impl fmt::Display for CryptoStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::Compression => crate::tr!("err-crypto-compression"),
            Self::PublicKey => crate::tr!("err-crypto-public-key"),
            Self::KeyImport => crate::tr!("err-crypto-key-import"),
            Self::ManagementKey => crate::tr!("err-crypto-management-key"),
            Self::Signature => crate::tr!("err-crypto-signature"),
        })
    }
}

/// A request the card layer cannot carry out as asked ([`super::CardError::InvalidInput`]).
/// Slots are key references (`9A`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invalid {
    /// The slot has no certificate object.
    NoCertificateObject {
        /// Key reference.
        slot: u8,
    },
    /// The slot cannot hold an asymmetric key.
    NotAKeySlot {
        /// Key reference.
        slot: u8,
    },
    /// A key cannot move between these slots.
    CannotMove {
        /// Source key reference.
        from: u8,
        /// Destination key reference.
        to: u8,
    },
    /// Keys of this algorithm cannot sign.
    CannotSign(KeyAlgorithm),
    /// Keys of this algorithm cannot decrypt.
    CannotDecrypt(KeyAlgorithm),
    /// Keys of this algorithm cannot do key agreement.
    CannotAgree(KeyAlgorithm),
    /// Keys of this algorithm cannot authenticate a TLS client.
    CannotAuthenticateTls(KeyAlgorithm),
    /// No certificate was given for a TLS client key.
    NoClientCertificate,
    /// Input to an RSA signature that is not one block.
    SignInputLength {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// A ciphertext that is not one RSA block.
    CiphertextLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// A peer public key of the wrong size for key agreement.
    PeerKeyLength {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// PIN or PUK retry counts outside 1–255.
    RetryCounts,
    /// A public key of a type the card layer does not know.
    UnsupportedPublicKey,
    /// An RSA key with other than two primes.
    NotTwoPrimeRsa,
    /// A private key component longer than its algorithm allows.
    KeyComponentTooLong,
    /// An RSA modulus too short for a PKCS#1 v1.5 SHA-256 signature.
    RsaModulusTooShort,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slot = |s: &u8| format!("{s:02X}");
        f.write_str(&match self {
            Self::NoCertificateObject { slot: s } => {
                crate::tr!("err-invalid-no-certificate-object", slot = slot(s))
            }
            Self::NotAKeySlot { slot: s } => {
                crate::tr!("err-invalid-not-a-key-slot", slot = slot(s))
            }
            Self::CannotMove { from, to } => {
                crate::tr!("err-invalid-cannot-move", from = slot(from), to = slot(to))
            }
            Self::CannotSign(a) => crate::tr!("err-invalid-cannot-sign", algorithm = a.name()),
            Self::CannotDecrypt(a) => {
                crate::tr!("err-invalid-cannot-decrypt", algorithm = a.name())
            }
            Self::CannotAgree(a) => crate::tr!("err-invalid-cannot-agree", algorithm = a.name()),
            Self::CannotAuthenticateTls(a) => {
                crate::tr!("err-invalid-cannot-authenticate-tls", algorithm = a.name())
            }
            Self::NoClientCertificate => crate::tr!("err-invalid-no-client-certificate"),
            Self::SignInputLength {
                algorithm,
                expected,
                got,
            } => crate::tr!(
                "err-invalid-sign-input-length",
                algorithm = algorithm.name(),
                expected = *expected,
                got = *got
            ),
            Self::CiphertextLength { expected, got } => crate::tr!(
                "err-invalid-ciphertext-length",
                expected = *expected,
                got = *got
            ),
            Self::PeerKeyLength {
                algorithm,
                expected,
                got,
            } => crate::tr!(
                "err-invalid-peer-key-length",
                algorithm = algorithm.name(),
                expected = *expected,
                got = *got
            ),
            Self::RetryCounts => crate::tr!("err-invalid-retry-counts"),
            Self::UnsupportedPublicKey => crate::tr!("err-invalid-unsupported-public-key"),
            Self::NotTwoPrimeRsa => crate::tr!("err-invalid-not-two-prime-rsa"),
            Self::KeyComponentTooLong => crate::tr!("err-invalid-key-component-too-long"),
            Self::RsaModulusTooShort => crate::tr!("err-invalid-rsa-modulus-too-short"),
        })
    }
}

/// What a name given on the command line should have named ([`super::UnknownName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameKind {
    /// A key algorithm.
    KeyAlgorithm,
    /// A slot.
    Slot,
    /// A PIN policy.
    PinPolicy,
    /// A touch policy.
    TouchPolicy,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::KeyAlgorithm => crate::tr!("err-name-key-algorithm"),
            Self::Slot => crate::tr!("err-name-slot"),
            Self::PinPolicy => crate::tr!("err-name-pin-policy"),
            Self::TouchPolicy => crate::tr!("err-name-touch-policy"),
        })
    }
}
