//! The exit statuses of `sello`: one list, stable across releases, documented in
//! `docs/exit-codes.md` and in the man page (`EXIT STATUS`, from [`Exit::table`]).

use crate::card::CardError;
use crate::enroll::EnrollError;
use crate::tr;
use crate::transport::TransportError;

/// What a `sello` run ended with. The numbers never change meaning; new ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// The command did what was asked.
    Ok,
    /// Any failure without a more specific status below.
    Error,
    /// The command line is wrong (unknown command or option, missing value); clap's own code.
    Usage,
    /// No reader, no card in the reader, or the card was removed during the command.
    NoCard,
    /// The card refused the PIN (or PUK); tries are left.
    WrongPin,
    /// The PIN (or PUK) is blocked.
    PinBlocked,
    /// The certification authority refused the request (enrollment code, credentials, subject).
    CaRefused,
}

impl Exit {
    /// Every status, in numeric order.
    pub const ALL: [Exit; 7] = [
        Exit::Ok,
        Exit::Error,
        Exit::Usage,
        Exit::NoCard,
        Exit::WrongPin,
        Exit::PinBlocked,
        Exit::CaRefused,
    ];

    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Error => 1,
            Exit::Usage => 2,
            Exit::NoCard => 3,
            Exit::WrongPin => 4,
            Exit::PinBlocked => 5,
            Exit::CaRefused => 6,
        }
    }

    /// One line saying what the status means, in the current language (the codes never change).
    pub fn meaning(self) -> String {
        match self {
            Exit::Ok => tr!("help-exit-ok"),
            Exit::Error => tr!("help-exit-error"),
            Exit::Usage => tr!("help-exit-usage"),
            Exit::NoCard => tr!("help-exit-no-card"),
            Exit::WrongPin => tr!("help-exit-wrong-pin"),
            Exit::PinBlocked => tr!("help-exit-pin-blocked"),
            Exit::CaRefused => tr!("help-exit-ca-refused"),
        }
    }

    /// The table shown under `EXIT STATUS` in `sello --help` and the man page.
    pub fn table() -> String {
        let mut s = tr!("help-exit-heading");
        s.push('\n');
        for e in Exit::ALL {
            s.push_str(&format!("  {}  {}\n", e.code(), e.meaning()));
        }
        s
    }

    /// The status for a failed command: the first cause in the error chain that has a specific
    /// status decides; anything else is [`Exit::Error`].
    pub fn of(e: &anyhow::Error) -> Exit {
        e.chain().find_map(Self::of_cause).unwrap_or(Exit::Error)
    }

    /// [`Exit::of`] for an error that is not (yet) an `anyhow::Error`: walks its `source()` chain.
    pub fn of_error(e: &(dyn std::error::Error + 'static)) -> Exit {
        std::iter::successors(Some(e), |c| c.source())
            .find_map(Self::of_cause)
            .unwrap_or(Exit::Error)
    }

    fn of_cause(cause: &(dyn std::error::Error + 'static)) -> Option<Exit> {
        if let Some(r) = cause.downcast_ref::<super::Reported>() {
            return Some(r.0);
        }
        if cause.is::<super::NoCard>() {
            return Some(Exit::NoCard);
        }
        if let Some(e) = cause.downcast_ref::<CardError>() {
            return match e {
                CardError::WrongPin { .. } | CardError::WrongPuk { .. } => Some(Exit::WrongPin),
                CardError::PinBlocked | CardError::PukBlocked => Some(Exit::PinBlocked),
                _ => None,
            };
        }
        if let Some(e) = cause.downcast_ref::<TransportError>() {
            return match e {
                TransportError::NoReaders
                | TransportError::NoCard
                | TransportError::CardRemoved => Some(Exit::NoCard),
                _ => None,
            };
        }
        if let Some(EnrollError::Rejected(_)) = cause.downcast_ref::<EnrollError>() {
            return Some(Exit::CaRefused);
        }
        #[cfg(feature = "est-client")]
        if let Some(
            crate::enroll::est::EstError::Unauthorized { .. }
            | crate::enroll::est::EstError::Rejected { .. },
        ) = cause.downcast_ref::<crate::enroll::est::EstError>()
        {
            return Some(Exit::CaRefused);
        }
        None
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_in_order() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, (0..Exit::ALL.len() as u8).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_specific_cause_decides() {
        let e = anyhow::Error::from(CardError::WrongPin { tries_left: 2 }).context("changing PIN");
        assert_eq!(Exit::of(&e), Exit::WrongPin);
        let e = anyhow::Error::from(CardError::PukBlocked);
        assert_eq!(Exit::of(&e), Exit::PinBlocked);
        let e = anyhow::Error::from(EnrollError::Rejected("code expired".into()));
        assert_eq!(Exit::of(&e), Exit::CaRefused);
        let e = anyhow::anyhow!("something else");
        assert_eq!(Exit::of(&e), Exit::Error);
    }
}
