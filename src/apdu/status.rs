//! Status words (ISO/IEC 7816-4 §5.6, NIST SP 800-73-4 Part 2 Table 6) as a typed enum.

/// A status word (SW1 SW2). Known values carry their data; anything else is kept in `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusWord {
    /// `9000`: normal processing.
    Success,
    /// `61xx`: more response bytes are available (GET RESPONSE); `61 00` means 256 or more.
    BytesRemaining(usize),
    /// `6Cxx`: wrong Le; resend with Le = xx (`6C 00` means 256).
    WrongLe(usize),
    /// `63Cx`: verification failed, `tries` attempts left.
    VerifyFail {
        /// Remaining tries.
        tries: u8,
    },
    /// `6581`: memory failure.
    MemoryFailure,
    /// `6700`: wrong length.
    WrongLength,
    /// `6882`: secure messaging not supported.
    SecureMessagingNotSupported,
    /// `6883`: last command of a chain expected.
    LastCommandOfChainExpected,
    /// `6884`: command chaining not supported.
    ChainingNotSupported,
    /// `6982`: security status not satisfied.
    SecurityStatusNotSatisfied,
    /// `6983`: authentication method blocked.
    AuthenticationBlocked,
    /// `6984`: reference data not usable.
    ReferenceDataNotUsable,
    /// `6985`: conditions of use not satisfied.
    ConditionsNotSatisfied,
    /// `6986`: command not allowed.
    CommandNotAllowed,
    /// `6A80`: incorrect parameters in the data field.
    IncorrectData,
    /// `6A81`: function not supported.
    FunctionNotSupported,
    /// `6A82`: file or application not found.
    NotFound,
    /// `6A84`: not enough memory.
    NotEnoughMemory,
    /// `6A86`: incorrect P1/P2.
    IncorrectP1P2,
    /// `6A88`: referenced data not found.
    ReferenceDataNotFound,
    /// `6D00`: instruction not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// `6F00`: no precise diagnosis.
    NoPreciseDiagnosis,
    /// Any other status word.
    Other(u16),
}

impl StatusWord {
    /// Decodes SW1 SW2.
    pub fn from_u16(sw: u16) -> Self {
        let [sw1, sw2] = sw.to_be_bytes();
        match (sw1, sw2) {
            (0x90, 0x00) => Self::Success,
            (0x61, n) => Self::BytesRemaining(if n == 0 { 256 } else { n as usize }),
            (0x6C, n) => Self::WrongLe(if n == 0 { 256 } else { n as usize }),
            (0x63, n) if n & 0xF0 == 0xC0 => Self::VerifyFail { tries: n & 0x0F },
            _ => match sw {
                0x6581 => Self::MemoryFailure,
                0x6700 => Self::WrongLength,
                0x6882 => Self::SecureMessagingNotSupported,
                0x6883 => Self::LastCommandOfChainExpected,
                0x6884 => Self::ChainingNotSupported,
                0x6982 => Self::SecurityStatusNotSatisfied,
                0x6983 => Self::AuthenticationBlocked,
                0x6984 => Self::ReferenceDataNotUsable,
                0x6985 => Self::ConditionsNotSatisfied,
                0x6986 => Self::CommandNotAllowed,
                0x6A80 => Self::IncorrectData,
                0x6A81 => Self::FunctionNotSupported,
                0x6A82 => Self::NotFound,
                0x6A84 => Self::NotEnoughMemory,
                0x6A86 => Self::IncorrectP1P2,
                0x6A88 => Self::ReferenceDataNotFound,
                0x6D00 => Self::InsNotSupported,
                0x6E00 => Self::ClaNotSupported,
                0x6F00 => Self::NoPreciseDiagnosis,
                other => Self::Other(other),
            },
        }
    }

    /// Encodes SW1 SW2.
    pub fn to_u16(self) -> u16 {
        match self {
            Self::Success => 0x9000,
            Self::BytesRemaining(n) => 0x6100 | (n.min(256) as u16 & 0xFF),
            Self::WrongLe(n) => 0x6C00 | (n.min(256) as u16 & 0xFF),
            Self::VerifyFail { tries } => 0x63C0 | u16::from(tries & 0x0F),
            Self::MemoryFailure => 0x6581,
            Self::WrongLength => 0x6700,
            Self::SecureMessagingNotSupported => 0x6882,
            Self::LastCommandOfChainExpected => 0x6883,
            Self::ChainingNotSupported => 0x6884,
            Self::SecurityStatusNotSatisfied => 0x6982,
            Self::AuthenticationBlocked => 0x6983,
            Self::ReferenceDataNotUsable => 0x6984,
            Self::ConditionsNotSatisfied => 0x6985,
            Self::CommandNotAllowed => 0x6986,
            Self::IncorrectData => 0x6A80,
            Self::FunctionNotSupported => 0x6A81,
            Self::NotFound => 0x6A82,
            Self::NotEnoughMemory => 0x6A84,
            Self::IncorrectP1P2 => 0x6A86,
            Self::ReferenceDataNotFound => 0x6A88,
            Self::InsNotSupported => 0x6D00,
            Self::ClaNotSupported => 0x6E00,
            Self::NoPreciseDiagnosis => 0x6F00,
            Self::Other(sw) => sw,
        }
    }

    /// Whether this is `9000`.
    pub fn is_success(self) -> bool {
        self == Self::Success
    }
}

/// The meaning in the user's language, then the code: "wrong length (6700)".
impl std::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Success => crate::tr!("err-sw-success"),
            Self::BytesRemaining(_) => crate::tr!("err-sw-bytes-remaining"),
            Self::WrongLe(_) => crate::tr!("err-sw-wrong-le"),
            Self::VerifyFail { .. } => crate::tr!("err-sw-verify-fail"),
            Self::MemoryFailure => crate::tr!("err-sw-memory-failure"),
            Self::WrongLength => crate::tr!("err-sw-wrong-length"),
            Self::SecureMessagingNotSupported => crate::tr!("err-sw-no-secure-messaging"),
            Self::LastCommandOfChainExpected => crate::tr!("err-sw-last-of-chain-expected"),
            Self::ChainingNotSupported => crate::tr!("err-sw-no-chaining"),
            Self::SecurityStatusNotSatisfied => crate::tr!("err-sw-security-status"),
            Self::AuthenticationBlocked => crate::tr!("err-sw-authentication-blocked"),
            Self::ReferenceDataNotUsable => crate::tr!("err-sw-reference-not-usable"),
            Self::ConditionsNotSatisfied => crate::tr!("err-sw-conditions-not-satisfied"),
            Self::CommandNotAllowed => crate::tr!("err-sw-command-not-allowed"),
            Self::IncorrectData => crate::tr!("err-sw-incorrect-data"),
            Self::FunctionNotSupported => crate::tr!("err-sw-function-not-supported"),
            Self::NotFound => crate::tr!("err-sw-not-found"),
            Self::NotEnoughMemory => crate::tr!("err-sw-not-enough-memory"),
            Self::IncorrectP1P2 => crate::tr!("err-sw-incorrect-p1p2"),
            Self::ReferenceDataNotFound => crate::tr!("err-sw-reference-not-found"),
            Self::InsNotSupported => crate::tr!("err-sw-ins-not-supported"),
            Self::ClaNotSupported => crate::tr!("err-sw-cla-not-supported"),
            Self::NoPreciseDiagnosis => crate::tr!("err-sw-no-precise-diagnosis"),
            Self::Other(_) => crate::tr!("err-sw-other"),
        };
        write!(f, "{text} ({:04X})", self.to_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_status_word() {
        for sw in 0u16..=0xFFFF {
            let parsed = StatusWord::from_u16(sw);
            assert_eq!(parsed.to_u16(), sw, "{sw:04X} -> {parsed:?}");
        }
    }

    #[test]
    fn typed_values() {
        assert_eq!(
            StatusWord::from_u16(0x63C2),
            StatusWord::VerifyFail { tries: 2 }
        );
        assert_eq!(
            StatusWord::from_u16(0x6100),
            StatusWord::BytesRemaining(256)
        );
        assert_eq!(StatusWord::from_u16(0x6C10), StatusWord::WrongLe(16));
        assert_eq!(
            StatusWord::from_u16(0x6983),
            StatusWord::AuthenticationBlocked
        );
        assert_eq!(StatusWord::from_u16(0x6399), StatusWord::Other(0x6399));
        let en = crate::i18n::with_language("en", || StatusWord::WrongLength.to_string());
        assert_eq!(en, "wrong length (6700)");
        let es = crate::i18n::with_language("es", || StatusWord::WrongLength.to_string());
        assert_eq!(es, "longitud incorrecta (6700)");
    }
}
