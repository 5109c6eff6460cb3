//! The local CA `sello-ca` (feature `ca`): a root and an issuing CA on disk, a SQLite store of
//! identities, one-time enrollment codes and certificates, issuance per slot purpose, revocation
//! and CRL, and an EST server (RFC 7030 with the RFC 8951 clarifications).
//!
//! It exists so the whole activation flow runs on one machine and registration points can train;
//! its names say "NOT FOR PRODUCTION" and its policy OIDs sit under the example arc 2.999.

pub mod cli;
pub mod config;
mod der;
pub mod http;
pub mod identity;
pub mod issue;
pub mod ocsp;
pub mod server;
pub mod store;
pub mod throttle;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::tr;

pub use config::CaConfig;
pub use identity::{validate_nif, EnrollmentCode, Identity};
pub use issue::Authority;
pub use store::{CertRecord, Origin, Store};

/// Which key slot a certificate is for; chosen by the EST label (RFC 7030 §3.2.2):
/// `/.well-known/est/auth/simpleenroll` or `/.well-known/est/sign/simpleenroll`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Authentication (PIV 9A): digitalSignature, clientAuth (+ emailProtection).
    Auth,
    /// Qualified-style signature (PIV 9C): nonRepudiation (contentCommitment).
    Sign,
    /// Key management for S/MIME (PIV 9D): keyEncipherment (RSA) or keyAgreement (EC),
    /// emailProtection.
    Enc,
}

impl Purpose {
    /// The EST label.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Auth => "auth",
            Purpose::Sign => "sign",
            Purpose::Enc => "enc",
        }
    }

    /// Parses an EST label.
    pub fn from_label(label: &str) -> Option<Self> {
        match label {
            "auth" => Some(Purpose::Auth),
            "sign" => Some(Purpose::Sign),
            "enc" => Some(Purpose::Enc),
            _ => None,
        }
    }
}

/// A request the CA refuses, with the reason sent to the client (and shown to the operator).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// 400: the request cannot be parsed.
    Malformed(String),
    /// 401: identity/code or client certificate not accepted.
    Unauthorized(String),
    /// 403: authenticated, but policy forbids it.
    Forbidden(String),
    /// 404: no such endpoint / label.
    NotFound(String),
    /// 415: wrong Content-Type.
    UnsupportedMediaType(String),
    /// 429: too many failed attempts; retry after this many seconds.
    TooManyAttempts(u64),
}

impl Rejection {
    /// HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Malformed(_) => 400,
            Rejection::Unauthorized(_) => 401,
            Rejection::Forbidden(_) => 403,
            Rejection::NotFound(_) => 404,
            Rejection::UnsupportedMediaType(_) => 415,
            Rejection::TooManyAttempts(_) => 429,
        }
    }

    /// The reason, for the text body.
    pub fn reason(&self) -> &str {
        match self {
            Rejection::Malformed(r)
            | Rejection::Unauthorized(r)
            | Rejection::Forbidden(r)
            | Rejection::NotFound(r)
            | Rejection::UnsupportedMediaType(r) => r,
            Rejection::TooManyAttempts(_) => {
                "too many failed attempts from this client or for this identity; retry later"
            }
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason(), self.status())
    }
}

/// Errors of the CA layer, worded for the operator in their language; a [`Rejection`]'s reason
/// is the English text the HTTP client gets too.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// A request refused by policy or authentication.
    #[error("{}", tr!("ca-error-rejected", reason = .0.to_string()))]
    Rejected(Rejection),
    /// File system.
    #[error("{path}: {source}")]
    Io {
        /// File involved.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Bad configuration or command-line input.
    #[error("{0}")]
    Config(String),
    /// Unknown certificate etc.
    #[error("{0}")]
    NotFound(String),
    /// The database.
    #[error("{}", tr!("ca-error-store", error = .0.to_string()))]
    Store(#[from] rusqlite::Error),
    /// Certificate building / signing.
    #[error("{}", tr!("ca-error-certificate", error = .0.to_string()))]
    Certificate(#[from] rcgen::Error),
    /// TLS setup.
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// A broken invariant.
    #[error("{}", tr!("ca-error-internal", error = .0.as_str()))]
    Internal(String),
}

impl From<Rejection> for CaError {
    fn from(r: Rejection) -> Self {
        CaError::Rejected(r)
    }
}

impl CaError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        CaError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Current Unix time in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Current Unix time in milliseconds (the throttle's clock in the server).
pub fn unix_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
