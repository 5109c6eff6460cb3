//! PC/SC transport: the only module that uses the `pcsc` crate.
//!
//! Connections are always `SCARD_SHARE_SHARED` (browsers and other tools share the card), with
//! T=0 or T=1; every transaction ends with `SCARD_LEAVE_CARD`, and so does disconnecting (the
//! `pcsc` crate would reset the card on drop, logging every other application out). libpcsclite
//! honours `PCSCLITE_CSOCK_NAME`, so a private pcscd is reached without anything here.

use super::{CardTransport, PcscCall, RawTransaction, TransportError};
use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use std::ffi::{CStr, CString};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

/// How many times a transaction start is retried after a reset/reinsertion before giving up.
const MAX_RECONNECTS: usize = 2;
/// After a response without status word: how often, and how far apart, the reader is asked
/// whether the card is still there (2.5 s in all; only on this failure path).
const EMPTY_RESPONSE_POLLS: usize = 25;
const EMPTY_RESPONSE_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Maps a PC/SC error to a transport error a person understands.
fn map_err(context: PcscCall, e: pcsc::Error) -> TransportError {
    use pcsc::Error as E;
    match e {
        E::NoService | E::ServiceStopped | E::InvalidHandle if context == PcscCall::Establish => {
            TransportError::NoService
        }
        E::NoService | E::ServiceStopped | E::CommError => TransportError::NoService,
        E::NoReadersAvailable => TransportError::NoReaders,
        E::UnknownReader | E::ReaderUnavailable => TransportError::ReaderUnavailable,
        E::NoSmartcard => TransportError::NoCard,
        E::RemovedCard => TransportError::CardRemoved,
        E::ResetCard => TransportError::CardReset,
        E::SharingViolation => TransportError::SharingViolation,
        E::UnresponsiveCard | E::UnpoweredCard => TransportError::Unresponsive,
        E::Timeout => TransportError::Timeout,
        other => TransportError::Pcsc {
            context,
            message: other.to_string(),
        },
    }
}

/// Held (shared) while a PC/SC context is set up or released. These are the calls during which
/// libpcsclite holds its process-wide lock across an exchange with pcscd; every other call takes
/// it only for a lookup in memory. A `fork()` handler that holds this gate exclusively
/// ([`exclude_context_changes`]) therefore never leaves a child with that lock taken, and never
/// waits for a card or for a blocking status-change wait: those run outside the gate.
static CONTEXT_GATE: RwLock<()> = RwLock::new(());

fn context_gate() -> RwLockReadGuard<'static, ()> {
    // The gate guards no data: a poisoned gate is still a gate.
    CONTEXT_GATE.read().unwrap_or_else(PoisonError::into_inner)
}

/// Waits until no thread of this process is setting up or releasing a PC/SC context (an
/// exchange of milliseconds with pcscd, never card I/O) and keeps new ones out while held: for a
/// `pthread_atfork` prepare handler.
pub fn exclude_context_changes() -> RwLockWriteGuard<'static, ()> {
    CONTEXT_GATE.write().unwrap_or_else(PoisonError::into_inner)
}

/// Drops `x` (which may release the last handle of a PC/SC context) inside the gate.
fn release<T>(x: T) {
    let _g = context_gate();
    drop(x);
}

fn establish() -> Result<Context, TransportError> {
    let _g = context_gate();
    Context::establish(Scope::User).map_err(|e| map_err(PcscCall::Establish, e))
}

/// A reader and what is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader's name.
    pub name: String,
    /// Whether a card is present.
    pub card_present: bool,
    /// The card's ATR when present.
    pub atr: Option<Vec<u8>>,
}

/// Lists readers and whether each holds a card. No readers gives an empty list.
pub fn list_readers() -> Result<Vec<ReaderInfo>, TransportError> {
    let ctx = establish()?;
    let r = list_readers_in(&ctx);
    release(ctx);
    r
}

fn list_readers_in(ctx: &Context) -> Result<Vec<ReaderInfo>, TransportError> {
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(map_err(PcscCall::ListReaders, e)),
    };
    let mut states: Vec<ReaderState> = names
        .iter()
        .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
        .collect();
    ctx.get_status_change(Duration::ZERO, &mut states)
        .or_else(|e| match e {
            pcsc::Error::Timeout => Ok(()),
            e => Err(map_err(PcscCall::ReaderStatus, e)),
        })?;
    Ok(states
        .iter()
        .map(|s| {
            let present = s.event_state().contains(State::PRESENT);
            ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: present,
                atr: present.then(|| s.atr().to_vec()),
            }
        })
        .collect())
}

/// A shared connection to the card in one reader.
pub struct PcscTransport {
    card: Option<pcsc::Card>,
    reader: String,
    atr: Vec<u8>,
    t0: bool,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .field("atr", &hex::encode_upper(&self.atr))
            .finish()
    }
}

impl PcscTransport {
    /// Connects (shared, T=0 or T=1) to the card in `reader`.
    pub fn connect(reader: &str) -> Result<Self, TransportError> {
        let ctx = establish()?;
        let r = Self::connect_in(&ctx, reader);
        release(ctx);
        r
    }

    fn connect_in(ctx: &Context, reader: &str) -> Result<Self, TransportError> {
        let name =
            CString::new(reader).map_err(|_| TransportError::ReaderNotFound(reader.to_owned()))?;
        let card = ctx
            .connect(&name, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| match e {
                pcsc::Error::UnknownReader => TransportError::ReaderNotFound(reader.into()),
                e => map_err(PcscCall::Connect, e),
            })?;
        let (atr, t0) = match card_status(&card) {
            Ok(v) => v,
            Err(e) => {
                release(card);
                return Err(e);
            }
        };
        Ok(Self {
            card: Some(card),
            reader: reader.to_owned(),
            atr,
            t0,
        })
    }

    /// Connects to the first reader that holds a card.
    pub fn connect_first() -> Result<Self, TransportError> {
        let readers = list_readers()?;
        if readers.is_empty() {
            return Err(TransportError::NoReaders);
        }
        let reader = readers
            .iter()
            .find(|r| r.card_present)
            .ok_or(TransportError::NoCard)?;
        Self::connect(&reader.name)
    }
}

fn card_status(card: &pcsc::Card) -> Result<(Vec<u8>, bool), TransportError> {
    let st = card
        .status2_owned()
        .map_err(|e| map_err(PcscCall::CardStatus, e))?;
    Ok((
        st.atr().to_vec(),
        st.protocol2() == Some(pcsc::Protocol::T0),
    ))
}

impl Drop for PcscTransport {
    fn drop(&mut self) {
        if let Some(card) = self.card.take() {
            // Never reset a shared card: other applications keep their state. The card holds
            // the last handle of its context.
            let _g = context_gate();
            if let Err((card, _)) = card.disconnect(Disposition::LeaveCard) {
                drop(card);
            }
        }
    }
}

struct PcscTransaction<'a> {
    tx: pcsc::Transaction<'a>,
    was_reset: bool,
    buf: Vec<u8>,
}

impl RawTransaction for PcscTransaction<'_> {
    fn transmit_raw(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.tx.transmit(cmd, &mut self.buf) {
            Ok(r) if r.len() >= 2 => Ok(r.to_vec()),
            // No status word: some readers (vpcd among them) answer this way when the card
            // vanished mid-exchange, before the reader state says so.
            Ok(_) => Err(self.diagnose(TransportError::Unresponsive)),
            // pcscd ends our transaction when the card goes away.
            Err(
                e @ (pcsc::Error::NotTransacted
                | pcsc::Error::RemovedCard
                | pcsc::Error::NoSmartcard
                | pcsc::Error::UnknownError
                | pcsc::Error::InvalidHandle),
            ) => Err(self.diagnose(map_err(PcscCall::Transmit, e))),
            Err(pcsc::Error::ResetCard) => {
                // Reset by another application mid-operation: reconnect so the next
                // transaction works, and report the loss of state.
                let _ =
                    self.tx
                        .reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard);
                self.was_reset = true;
                Err(TransportError::CardReset)
            }
            Err(e) => Err(map_err(PcscCall::Transmit, e)),
        }
    }

    fn card_was_reset(&self) -> bool {
        self.was_reset
    }
}

impl PcscTransaction<'_> {
    /// After a failed exchange: asks the reader, for a bounded time, whether the card is gone.
    /// Returns `CardRemoved` if so, `otherwise` if the card stays present.
    fn diagnose(&self, otherwise: TransportError) -> TransportError {
        for _ in 0..EMPTY_RESPONSE_POLLS {
            match self.tx.status2_owned() {
                Ok(st) if st.status().contains(pcsc::Status::PRESENT) => {
                    std::thread::sleep(EMPTY_RESPONSE_POLL_INTERVAL);
                }
                Ok(_)
                | Err(
                    pcsc::Error::RemovedCard
                    | pcsc::Error::NoSmartcard
                    | pcsc::Error::ReaderUnavailable
                    | pcsc::Error::ResetCard,
                ) => return TransportError::CardRemoved,
                Err(_) => return otherwise,
            }
        }
        otherwise
    }
}

impl CardTransport for PcscTransport {
    fn reader_name(&self) -> &str {
        &self.reader
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn supports_extended_link(&self) -> bool {
        !self.t0
    }

    fn transaction(&mut self) -> Result<Box<dyn RawTransaction + '_>, TransportError> {
        let Self { card, atr, t0, .. } = self;
        let mut card = card.as_mut().ok_or(TransportError::CardRemoved)?;
        let mut was_reset = false;
        let mut attempts = 0;
        let tx = loop {
            match card.transaction2() {
                Ok(tx) => break tx,
                Err((c, e @ (pcsc::Error::ResetCard | pcsc::Error::RemovedCard)))
                    if attempts < MAX_RECONNECTS =>
                {
                    // Reset by someone else, or pulled and reinserted: reconnect without
                    // resetting again and tell the driver its state is gone.
                    attempts += 1;
                    was_reset = true;
                    if let Err(re) =
                        c.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
                    {
                        return Err(match (e, re) {
                            (_, pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard) => {
                                TransportError::CardRemoved
                            }
                            (_, re) => map_err(PcscCall::Reconnect, re),
                        });
                    }
                    let (new_atr, new_t0) = card_status(c)?;
                    *atr = new_atr;
                    *t0 = new_t0;
                    card = c;
                }
                Err((_, e)) => return Err(map_err(PcscCall::BeginTransaction, e)),
            }
        };
        Ok(Box::new(PcscTransaction {
            tx,
            was_reset,
            buf: vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        }))
    }
}

/// A change seen by [`ReaderMonitor::wait`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReaderEvent {
    /// A reader appeared.
    ReaderAdded(String),
    /// A reader went away.
    ReaderRemoved(String),
    /// A card was inserted (or the monitor started with one present).
    CardInserted {
        /// Reader name.
        reader: String,
        /// The card's ATR.
        atr: Vec<u8>,
    },
    /// A card was removed.
    CardRemoved {
        /// Reader name.
        reader: String,
    },
}

/// Interrupts a [`ReaderMonitor::wait`] from another thread (`SCardCancel`).
#[derive(Clone)]
pub struct MonitorCanceller(Option<Context>);

impl Drop for MonitorCanceller {
    fn drop(&mut self) {
        release(self.0.take());
    }
}

impl std::fmt::Debug for MonitorCanceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MonitorCanceller")
    }
}

impl MonitorCanceller {
    /// Makes the pending (or next) wait return at once with no events.
    pub fn cancel(&self) -> Result<(), TransportError> {
        match &self.0 {
            Some(c) => c.cancel().map_err(|e| map_err(PcscCall::CancelWait, e)),
            None => Ok(()),
        }
    }
}

/// Watches readers and cards (`SCardGetStatusChange`, with `\\?PnP?\Notification` for reader
/// arrival and removal).
pub struct ReaderMonitor {
    /// Always `Some` until dropped (then released inside the gate).
    ctx: Option<Context>,
    states: Vec<ReaderState>,
    initial: bool,
}

impl std::fmt::Debug for ReaderMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderMonitor")
            .field("readers", &self.states.len())
            .finish()
    }
}

impl Drop for ReaderMonitor {
    fn drop(&mut self) {
        release(self.ctx.take());
    }
}

impl ReaderMonitor {
    /// Starts monitoring. The first [`wait`](Self::wait) reports the readers and cards present.
    pub fn new() -> Result<Self, TransportError> {
        let ctx = establish()?;
        Ok(Self {
            ctx: Some(ctx),
            states: vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)],
            initial: true,
        })
    }

    /// A handle another thread can use to interrupt a blocking [`wait`](Self::wait).
    pub fn canceller(&self) -> MonitorCanceller {
        MonitorCanceller(self.ctx.clone())
    }

    fn is_pnp(name: &CStr) -> bool {
        name == pcsc::PNP_NOTIFICATION()
    }

    /// Waits up to `timeout` for a change; an empty list means nothing changed in time.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<ReaderEvent>, TransportError> {
        let mut events = Vec::new();
        self.refresh_readers(&mut events)?;
        if !events.is_empty() && !self.initial {
            return Ok(events);
        }
        let wait = if self.initial {
            Duration::ZERO
        } else {
            timeout
        };
        let Some(ctx) = self.ctx.as_ref() else {
            return Ok(events);
        };
        match ctx.get_status_change(wait, &mut self.states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                if !self.initial {
                    return Ok(events);
                }
            }
            Err(pcsc::Error::Cancelled) => return Ok(events),
            Err(pcsc::Error::UnknownReader) => {
                // A reader vanished between listing and waiting: report it next round.
                return Ok(events);
            }
            Err(e) => return Err(map_err(PcscCall::WaitForChange, e)),
        }
        self.initial = false;
        for s in &mut self.states {
            if Self::is_pnp(s.name()) {
                s.sync_current_state();
                continue;
            }
            let before = s.current_state();
            let now = s.event_state();
            let name = s.name().to_string_lossy().into_owned();
            let was = before.contains(State::PRESENT);
            let is = now.contains(State::PRESENT);
            if is && !was {
                events.push(ReaderEvent::CardInserted {
                    reader: name,
                    atr: s.atr().to_vec(),
                });
            } else if was && !is {
                events.push(ReaderEvent::CardRemoved { reader: name });
            }
            s.sync_current_state();
        }
        // Reader list changes announced by the PnP entry are picked up on the next refresh.
        self.refresh_readers(&mut events)?;
        Ok(events)
    }

    fn refresh_readers(&mut self, events: &mut Vec<ReaderEvent>) -> Result<(), TransportError> {
        let Some(ctx) = self.ctx.as_ref() else {
            return Ok(());
        };
        let names = match ctx.list_readers_owned() {
            Ok(n) => n,
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(e) => return Err(map_err(PcscCall::ListReaders, e)),
        };
        self.states.retain(|s| {
            let keep = Self::is_pnp(s.name()) || names.iter().any(|n| n.as_c_str() == s.name());
            if !keep {
                events.push(ReaderEvent::ReaderRemoved(
                    s.name().to_string_lossy().into_owned(),
                ));
            }
            keep
        });
        for n in names {
            if !self.states.iter().any(|s| s.name() == n.as_c_str()) {
                events.push(ReaderEvent::ReaderAdded(n.to_string_lossy().into_owned()));
                self.states.push(ReaderState::new(n, State::UNAWARE));
            }
        }
        Ok(())
    }
}
