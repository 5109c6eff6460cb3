//! Enrollment: the EST client (RFC 7030); the activation workflow joins later.

#[cfg(feature = "est-client")]
pub mod est;
