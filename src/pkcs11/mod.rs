//! The PKCS#11 module (`libsello.so`): slots, tokens, sessions, objects and mechanisms over the
//! card drivers, so browsers and signing tools use a PIV card as they use OpenSC's module
//! (PKCS#11 2.40 and 3.0; issue 4).
//!
//! - `ffi` holds every C export and is the only module with `unsafe`.
//! - `module` keeps the state (slots per reader, sessions) and implements each function safely.
//! - `token` reads a card once after insertion; polling answers from memory.
//! - `object` builds the certificate / public key / private key objects per key slot.
//! - `mechanism` and `crypto` do hashing and padding on the host; `digest` is `C_Digest*`.
//!
//! See `docs/pkcs11.md` for behaviour, choices and limits.

mod cache;
pub mod config;
mod crypto;
mod digest;
pub mod error;
mod ffi;
pub mod log;
mod mechanism;
mod module;
mod object;
pub mod pinentry;
mod token;

pub use config::{Config, PinMode};
pub use error::Error;
