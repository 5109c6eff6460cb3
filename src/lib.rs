//! Sello: smart-card middleware.
//!
//! Layers, from the bottom up (see `docs/architecture.md`):
//! `apdu` (sans-IO encoding) -> `transport` (PC/SC, in-process) -> `card` (drivers, PIV) -> `cli`.
//! `pin` is a leaf used by `card` and above. `virtual_card` is a separate PIV implementation that
//! depends on nothing but its own code, so it cannot mirror the driver's bugs.
#![deny(unsafe_code)]

/// `--version` of every Sello binary: the version, the commit it was built from ("unknown"
/// outside a git tree) and the features built in (set by `build.rs`).
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("SELLO_GIT_COMMIT"),
    "; features: ",
    env!("SELLO_FEATURES"),
    ")"
);

pub mod apdu;
pub mod browser;
#[cfg(feature = "ca")]
pub mod ca;
pub mod card;
pub mod cli;
pub mod daemon;
pub mod doctor;
pub mod enroll;
pub mod i18n;
pub mod pin;
pub mod pkcs11;
pub mod profile;
pub mod transport;
#[cfg(feature = "virtual-card")]
pub mod virtual_card;
