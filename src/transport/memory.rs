//! In-process transport: a card living in this process (the virtual PIV card), so driver tests run
//! without pcscd. It can simulate what a shared reader does to us: another application resetting
//! the card, and the card being pulled out (also after N more APDUs, i.e. mid-operation).

use super::{CardTransport, RawTransaction, TransportError};
use std::sync::{Arc, Mutex, MutexGuard};

/// A card that can be driven in-process.
pub trait InProcessCard: Send {
    /// Resets the card and returns its ATR.
    fn reset(&mut self) -> Vec<u8>;
    /// Processes one command APDU and returns the response APDU.
    fn transmit(&mut self, cmd: &[u8]) -> Vec<u8>;
}

impl InProcessCard for crate::virtual_card::VirtualCard {
    fn reset(&mut self) -> Vec<u8> {
        crate::virtual_card::VirtualCard::reset(self)
    }
    fn transmit(&mut self, cmd: &[u8]) -> Vec<u8> {
        crate::virtual_card::VirtualCard::transmit(self, cmd)
    }
}

/// An in-process factory-fresh virtual PIV card (serial `serial`) behind a [`super::Transport`],
/// with its control handle.
pub fn virtual_card(
    serial: u32,
) -> (
    super::Transport,
    MemoryControl<crate::virtual_card::VirtualCard>,
) {
    let (t, ctl) = MemoryTransport::new(crate::virtual_card::VirtualCard::factory(serial));
    (super::Transport::new(Box::new(t)), ctl)
}

struct Shared<C> {
    card: C,
    present: bool,
    /// A reset by "another application" is pending: the next transaction sees it.
    pending_reset: bool,
    /// Remove the card after this many more APDUs.
    remove_after: Option<usize>,
}

/// A handle for tests to act on the card from "outside" (another process, the user's hand).
pub struct MemoryControl<C> {
    shared: Arc<Mutex<Shared<C>>>,
}

impl<C> Clone for MemoryControl<C> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

fn lock<C>(m: &Mutex<Shared<C>>) -> MutexGuard<'_, Shared<C>> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<C: InProcessCard> MemoryControl<C> {
    /// Another application resets the card (its state is lost at once; we notice at our next
    /// transaction, as with PC/SC).
    pub fn reset_by_other(&self) {
        let mut s = lock(&self.shared);
        s.card.reset();
        s.pending_reset = true;
    }

    /// Pulls the card out.
    pub fn remove(&self) {
        lock(&self.shared).present = false;
    }

    /// Pulls the card out after `n` more APDUs (to cut an operation in the middle).
    pub fn remove_after(&self, n: usize) {
        lock(&self.shared).remove_after = Some(n);
    }

    /// Puts the card back (it powers up again: a reset).
    pub fn insert(&self) {
        let mut s = lock(&self.shared);
        if !s.present {
            s.present = true;
            s.remove_after = None;
            s.card.reset();
            s.pending_reset = true;
        }
    }

    /// Runs `f` on the card itself (inspect or change its state directly).
    pub fn with_card<T>(&self, f: impl FnOnce(&mut C) -> T) -> T {
        f(&mut lock(&self.shared).card)
    }
}

/// The in-process transport.
pub struct MemoryTransport<C> {
    shared: Arc<Mutex<Shared<C>>>,
    atr: Vec<u8>,
    name: String,
}

impl<C: InProcessCard> MemoryTransport<C> {
    /// Powers the card up and connects to it. Returns the transport and a control handle.
    pub fn new(mut card: C) -> (Self, MemoryControl<C>) {
        let atr = card.reset();
        let shared = Arc::new(Mutex::new(Shared {
            card,
            present: true,
            pending_reset: false,
            remove_after: None,
        }));
        (
            Self {
                shared: Arc::clone(&shared),
                atr,
                name: "Sello In-Process Card 00 00".into(),
            },
            MemoryControl { shared },
        )
    }
}

struct MemoryTransaction<'a, C> {
    shared: MutexGuard<'a, Shared<C>>,
    was_reset: bool,
}

impl<C: InProcessCard> RawTransaction for MemoryTransaction<'_, C> {
    fn transmit_raw(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
        if let Some(n) = self.shared.remove_after {
            if n == 0 {
                self.shared.present = false;
                self.shared.remove_after = None;
            } else {
                self.shared.remove_after = Some(n - 1);
            }
        }
        if !self.shared.present {
            return Err(TransportError::CardRemoved);
        }
        Ok(self.shared.card.transmit(cmd))
    }

    fn card_was_reset(&self) -> bool {
        self.was_reset
    }
}

impl<C: InProcessCard + 'static> CardTransport for MemoryTransport<C> {
    fn reader_name(&self) -> &str {
        &self.name
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn transaction(&mut self) -> Result<Box<dyn RawTransaction + '_>, TransportError> {
        // The lock is the transaction: "another process" (the control handle) waits for it.
        let mut shared = lock(&self.shared);
        if !shared.present {
            return Err(TransportError::CardRemoved);
        }
        let was_reset = std::mem::take(&mut shared.pending_reset);
        Ok(Box::new(MemoryTransaction { shared, was_reset }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apdu::Command;
    use crate::transport::Transport;

    /// Echo card: answers the INS byte, then 9000.
    struct Echo;
    impl InProcessCard for Echo {
        fn reset(&mut self) -> Vec<u8> {
            vec![0x3B, 0x00]
        }
        fn transmit(&mut self, cmd: &[u8]) -> Vec<u8> {
            vec![cmd.get(1).copied().unwrap_or(0), 0x90, 0x00]
        }
    }

    #[test]
    fn reset_and_removal_are_reported() {
        let (t, ctl) = MemoryTransport::new(Echo);
        let mut t = Transport::new(Box::new(t));
        {
            let mut ch = t.transaction().unwrap();
            assert!(!ch.card_was_reset());
            assert_eq!(ch.transmit(&Command::new(0x42)).unwrap().data(), &[0x42]);
        }
        ctl.reset_by_other();
        assert!(t.transaction().unwrap().card_was_reset());
        assert!(!t.transaction().unwrap().card_was_reset());
        ctl.remove_after(1);
        {
            let mut ch = t.transaction().unwrap();
            assert!(ch.transmit(&Command::new(1)).is_ok());
            assert!(matches!(
                ch.transmit(&Command::new(2)),
                Err(TransportError::CardRemoved)
            ));
        }
        assert!(matches!(t.transaction(), Err(TransportError::CardRemoved)));
        ctl.insert();
        assert!(t.transaction().unwrap().card_was_reset());
        assert_eq!(t.tracer().count(), 3);
    }
}
