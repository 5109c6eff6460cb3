//! Status words the applet returns (ISO/IEC 7816-4 §5.1.3, SP 800-73-4 Part 2, Table 6 and Appendix A).

/// A status word, `SW1 << 8 | SW2`.
pub type Sw = u16;

/// Normal processing.
pub const SW_OK: Sw = 0x9000;
/// Memory failure (the state file could not be written).
pub const SW_MEMORY_FAILURE: Sw = 0x6581;
/// Wrong length.
pub const SW_WRONG_LENGTH: Sw = 0x6700;
/// Security status not satisfied.
pub const SW_SECURITY_STATUS: Sw = 0x6982;
/// Authentication method blocked.
pub const SW_AUTH_BLOCKED: Sw = 0x6983;
/// Conditions of use not satisfied.
pub const SW_CONDITIONS: Sw = 0x6985;
/// Incorrect parameters in the command data field.
pub const SW_WRONG_DATA: Sw = 0x6A80;
/// Function not supported.
pub const SW_FUNC_NOT_SUPPORTED: Sw = 0x6A81;
/// File or application not found / data object not found.
pub const SW_NOT_FOUND: Sw = 0x6A82;
/// Not enough memory space.
pub const SW_NOT_ENOUGH_MEMORY: Sw = 0x6A84;
/// Incorrect parameters P1-P2.
pub const SW_WRONG_P1P2: Sw = 0x6A86;
/// Referenced data or reference data not found.
pub const SW_REF_NOT_FOUND: Sw = 0x6A88;
/// Instruction not supported.
pub const SW_INS_NOT_SUPPORTED: Sw = 0x6D00;
/// Class not supported.
pub const SW_CLA_NOT_SUPPORTED: Sw = 0x6E00;

/// `63Cx`: verification failed, `x` tries left (SP 800-73-4 Part 2, 3.2.1).
pub fn tries_left(tries: u8) -> Sw {
    0x63C0 | Sw::from(tries.min(15))
}
