//! The module's error type and its one mapping to `CK_RV` (PKCS#11 3.0 §5.1, "Return values").

use crate::card::CardError;
use crate::transport::TransportError;
use cryptoki_sys::*;

/// An error of the PKCS#11 layer: either a return value the spec names directly, or a card
/// error mapped in [`Error::rv`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A PKCS#11 return value decided by the module's own rules.
    #[error("PKCS#11 error 0x{0:08X}")]
    Rv(CK_RV),
    /// The card (or the reader) failed.
    #[error(transparent)]
    Card(#[from] CardError),
}

/// Results of the PKCS#11 layer.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The `CK_RV` this error is reported as. The only place a card error becomes a return value.
    pub fn rv(&self) -> CK_RV {
        match self {
            Self::Rv(rv) => *rv,
            Self::Card(e) => card_rv(e),
        }
    }
}

/// Card errors to `CK_RV` (PKCS#11 3.0 §5.1.2–5.1.6).
fn card_rv(e: &CardError) -> CK_RV {
    match e {
        CardError::WrongPin { .. } | CardError::WrongPuk { .. } => CKR_PIN_INCORRECT,
        CardError::PinBlocked | CardError::PukBlocked => CKR_PIN_LOCKED,
        CardError::Pin(_) => CKR_PIN_LEN_RANGE,
        CardError::SecurityStatusNotSatisfied => CKR_USER_NOT_LOGGED_IN,
        CardError::UnsupportedCard => CKR_TOKEN_NOT_RECOGNIZED,
        CardError::InvalidInput(_) => CKR_DATA_LEN_RANGE,
        CardError::NotSupported(_) => CKR_FUNCTION_FAILED,
        CardError::Transport(t) => match t {
            TransportError::CardRemoved
            | TransportError::NoCard
            | TransportError::ReaderUnavailable
            | TransportError::ReaderNotFound(_) => CKR_DEVICE_REMOVED,
            // Another application reset the card: our login is gone.
            TransportError::CardReset => CKR_USER_NOT_LOGGED_IN,
            _ => CKR_DEVICE_ERROR,
        },
        _ => CKR_DEVICE_ERROR,
    }
}

/// Shorthand for `Err(Error::Rv(rv))`.
pub fn fail<T>(rv: CK_RV) -> Result<T> {
    Err(Error::Rv(rv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_map_to_spec_codes() {
        assert_eq!(
            Error::from(CardError::WrongPin { tries_left: 2 }).rv(),
            CKR_PIN_INCORRECT
        );
        assert_eq!(Error::from(CardError::PinBlocked).rv(), CKR_PIN_LOCKED);
        assert_eq!(
            Error::from(CardError::Transport(TransportError::CardRemoved)).rv(),
            CKR_DEVICE_REMOVED
        );
        assert_eq!(Error::Rv(CKR_ARGUMENTS_BAD).rv(), CKR_ARGUMENTS_BAD);
    }
}
