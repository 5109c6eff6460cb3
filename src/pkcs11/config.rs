//! Module configuration. Today only the defaults are used; Sello's config file will fill this in
//! (the pinentry mode and the on-disk cache plug in here).

/// How the module obtains the PIN for private-key operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PinMode {
    /// Standard PKCS#11: the application calls `C_Login` (and `CKU_CONTEXT_SPECIFIC` for keys
    /// that need the PIN for every use).
    #[default]
    Standard,
    /// The token does not demand `C_Login`; the module asks through a pinentry program when a
    /// private-key operation needs the PIN (not implemented yet: behaves as `Standard`).
    Pinentry,
}

/// Configuration of the PKCS#11 module.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// How the PIN is obtained.
    pub pin_mode: PinMode,
    /// Minimum PIN length announced in the token info (PIV: 6).
    pub min_pin_len: usize,
    /// Maximum PIN length announced in the token info (PIV: 8).
    pub max_pin_len: usize,
    /// Longest time the reader watcher blocks before looking at its stop flag (milliseconds);
    /// `C_Finalize` wakes it at once with `SCardCancel`, and card events wake it at once too.
    pub watch_interval_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            pin_mode: PinMode::Standard,
            min_pin_len: 6,
            max_pin_len: 8,
            watch_interval_ms: 1000,
        }
    }
}

impl Config {
    /// The configuration in force: defaults for now (the config file comes with the pinentry
    /// mode).
    pub fn load() -> Self {
        Self::default()
    }
}
