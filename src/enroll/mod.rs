//! Enrollment: the CSR built with `rcgen` and signed by the card ([`csr`]), the check of what a CA
//! returns ([`chain`]), the resumable activation workflow ([`activation`]) with its journal
//! ([`journal`]), and the [`Enroller`] seam through which a CA is reached — EST (RFC 7030) in
//! production (the `est` client), the in-process [`local::LocalIssuer`] for training and tests.

pub mod activation;
#[cfg(feature = "est-client")]
pub mod card_client_key;
pub mod chain;
pub mod csr;
#[cfg(feature = "est-client")]
pub mod est;
#[cfg(feature = "est-client")]
pub mod est_enroller;
pub mod journal;
pub mod keycheck;
pub mod local;
#[cfg(feature = "est-client")]
pub mod renew;
#[cfg(feature = "est-client")]
pub mod revocation;
pub mod verify;

use zeroize::Zeroizing;

pub use crate::profile::Purpose;

/// A one-time enrollment code (a secret: zeroized, never printed, never in argv or logs).
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollmentCode(Zeroizing<String>);

impl EnrollmentCode {
    /// Wraps a code as typed (surrounding whitespace removed).
    pub fn new(code: &str) -> Self {
        Self(Zeroizing::new(code.trim().to_owned()))
    }

    /// The code, for the enrollment protocol only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnrollmentCode(***)")
    }
}

/// "the request waits for approval at the CA (retry after 30 s)", in the user's language.
fn pending_text(retry_after_secs: Option<u64>) -> String {
    match retry_after_secs {
        Some(secs) => crate::tr!("enroll-ca-pending-retry", secs = secs),
        None => crate::tr!("enroll-ca-pending"),
    }
}

/// Why an enrollment did not give a certificate. Messages come from the CA or the network and
/// must never contain the enrollment code; the wording around them is in the user's language
/// (`locales/*/enroll.ftl`), the CA's own text is shown as the CA sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnrollError {
    /// The CA cannot be reached (connection refused, timeout, TLS failure). Retrying later is fine.
    #[error("{}", crate::tr!("enroll-ca-unreachable", reason = .0.as_str()))]
    Unreachable(String),
    /// The CA refused the request; the reason is for the operator (wrong/expired/used code,
    /// subject mismatch, ...). Retrying the same request will not help.
    #[error("{}", crate::tr!("enroll-ca-rejected", reason = .0.as_str()))]
    Rejected(String),
    /// The request waits for manual approval at the CA (EST `202 Accepted`).
    #[error("{}", pending_text(*.retry_after_secs))]
    Pending {
        /// The CA's `Retry-After`, in seconds.
        retry_after_secs: Option<u64>,
    },
    /// The CA answered with an error that is neither a refusal of the holder or the credentials
    /// nor a pending approval: a malformed or unacceptable request (`400`, `404`, `415`...) or a
    /// failure of the CA itself (`5xx`). Reported with the CA's status and text as they are.
    #[error("{}", crate::tr!("enroll-ca-error", status = .status.to_string(), message = .message.as_str()))]
    CaError {
        /// HTTP status.
        status: u16,
        /// The CA's text.
        message: String,
    },
    /// The CA answered something that is not a certificate response.
    #[error("{}", crate::tr!("enroll-ca-protocol", reason = .0.as_str()))]
    Protocol(String),
}

/// A certification authority reachable for enrollment: EST `simpleenroll` (RFC 7030 §4.2.1) in
/// production, [`local::LocalIssuer`] in training and tests.
pub trait Enroller {
    /// Submits a PKCS#10 request (DER) for a key of the given purpose; returns the certificate
    /// chain (DER), leaf first. The caller verifies everything that comes back.
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError>;

    /// Whether [`Enroller::enroll`] needs a one-time enrollment code first. The activation asks
    /// the operator for it (terminal or standard input) only when an enrollment is still due.
    fn needs_code(&self) -> bool {
        false
    }

    /// Gives the enrollment code (called at most once, before the first `enroll`).
    fn set_code(&mut self, code: EnrollmentCode) {
        drop(code);
    }
}
