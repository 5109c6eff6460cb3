//! Transport layer: how command APDUs reach a card.
//!
//! - [`CardTransport`] is one connection to one card (PC/SC in [`pcsc`], in-process in
//!   `memory`). Its only operation is [`CardTransport::transaction`]: every public card operation
//!   runs inside exactly one transaction, so no other application can interleave APDUs.
//! - [`Transport`] wraps a `CardTransport` with the parts every card shares: the exchange rules of
//!   [`exchange`] (61xx GET RESPONSE, 6Cxx, command chaining, extended length) and the APDU
//!   [`trace`] (counter and redacting log). Drivers talk to a [`Channel`], never to raw bytes.

pub mod atr;
pub mod exchange;
#[cfg(feature = "virtual-card")]
pub mod memory;
pub mod pcsc;
pub mod trace;

pub use exchange::{Channel, ExchangeConfig};
pub use trace::{ApduCounter, Tracer};

use crate::apdu::ApduError;
use std::sync::Arc;

/// Errors of the transport layer. Messages are meant for people; none contains APDU data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The PC/SC service is not reachable.
    #[error("pcscd is not running (no PC/SC service)")]
    NoService,
    /// No reader is connected.
    #[error("no smart-card reader found")]
    NoReaders,
    /// A reader name that does not exist.
    #[error("reader {0:?} not found")]
    ReaderNotFound(String),
    /// The reader went away.
    #[error("the reader is no longer available")]
    ReaderUnavailable,
    /// The reader is empty.
    #[error("no card in the reader")]
    NoCard,
    /// The card was pulled out (possibly in the middle of an operation).
    #[error("card removed during the operation")]
    CardRemoved,
    /// Another application reset the card during the operation; its state (selected application,
    /// PIN status) is lost. The connection has been re-established.
    #[error("the card was reset by another application; log in again")]
    CardReset,
    /// Another application holds the card exclusively.
    #[error("the card is in exclusive use by another application")]
    SharingViolation,
    /// The card does not answer.
    #[error("the card does not respond")]
    Unresponsive,
    /// A wait for a reader event timed out.
    #[error("timed out waiting for the reader")]
    Timeout,
    /// The card broke the transmission protocol (e.g. announces more data forever).
    #[error("card protocol error: {0}")]
    Protocol(&'static str),
    /// Malformed bytes from the card.
    #[error("malformed card response")]
    Malformed(#[source] ApduError),
    /// Any other PC/SC failure.
    #[error("PC/SC error during {context}: {message}")]
    Pcsc {
        /// What we were doing.
        context: &'static str,
        /// The PC/SC error text.
        message: String,
    },
}

impl From<ApduError> for TransportError {
    fn from(e: ApduError) -> Self {
        Self::Malformed(e)
    }
}

/// One open transaction on a card: raw bytes in, raw bytes out. Implementations do not interpret
/// APDUs; [`Channel`] does.
pub trait RawTransaction {
    /// Sends one command APDU and returns the response APDU (data ‖ SW1 SW2).
    fn transmit_raw(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError>;
    /// Whether the card was reset (or removed and reinserted) since the previous transaction of
    /// this connection: the selected application and every security status are gone.
    fn card_was_reset(&self) -> bool;
}

/// A connection to one card.
///
/// `transaction` borrows `&mut self`, so at most one transaction is open per connection; the
/// transaction ends (PC/SC `LeaveCard`) when the returned value is dropped.
pub trait CardTransport: Send {
    /// The reader's name (as PC/SC reports it).
    fn reader_name(&self) -> &str;
    /// The card's answer-to-reset (updated after a reconnect).
    fn atr(&self) -> &[u8];
    /// Whether the link can carry extended-length APDUs (false for T=0).
    fn supports_extended_link(&self) -> bool {
        true
    }
    /// Begins a transaction. A reset by another application is handled here by reconnecting and
    /// is reported through [`RawTransaction::card_was_reset`].
    fn transaction(&mut self) -> Result<Box<dyn RawTransaction + '_>, TransportError>;
}

/// A card connection together with its exchange rules and its APDU tracer.
pub struct Transport {
    inner: Box<dyn CardTransport>,
    tracer: Arc<Tracer>,
    config: ExchangeConfig,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("reader", &self.inner.reader_name())
            .field("config", &self.config)
            .finish()
    }
}

impl Transport {
    /// Wraps a connection. Extended length is used when the ATR announces it (ISO 7816-4 §8.1.1.2.7,
    /// third software function table) and the link allows it; tracing follows `SELLO_APDU_LOG`.
    pub fn new(inner: Box<dyn CardTransport>) -> Self {
        let extended =
            inner.supports_extended_link() && atr::Atr::parse(inner.atr()).supports_extended();
        Self {
            inner,
            tracer: Arc::new(Tracer::from_env()),
            config: ExchangeConfig {
                extended_length: extended,
                ..ExchangeConfig::default()
            },
        }
    }

    /// Opens a PC/SC connection (shared mode) to the named reader.
    pub fn open_pcsc(reader: &str) -> Result<Self, TransportError> {
        Ok(Self::new(Box::new(pcsc::PcscTransport::connect(reader)?)))
    }

    /// The reader's name.
    pub fn reader_name(&self) -> &str {
        self.inner.reader_name()
    }

    /// The card's ATR.
    pub fn atr(&self) -> &[u8] {
        self.inner.atr()
    }

    /// The exchange rules in force.
    pub fn config(&self) -> &ExchangeConfig {
        &self.config
    }

    /// Forces extended length on or off (a driver that knows its card better than the ATR).
    pub fn set_extended_length(&mut self, on: bool) {
        self.config.extended_length = on && self.inner.supports_extended_link();
    }

    /// The tracer (shared: clone the `Arc` to read the APDU count from elsewhere).
    pub fn tracer(&self) -> &Arc<Tracer> {
        &self.tracer
    }

    /// Replaces the tracer, e.g. to share one counter between connections.
    pub fn set_tracer(&mut self, tracer: Arc<Tracer>) {
        self.tracer = tracer;
    }

    /// Begins a transaction: one per public card operation.
    pub fn transaction(&mut self) -> Result<Channel<'_>, TransportError> {
        let raw = self.inner.transaction()?;
        Ok(Channel::new(raw, &self.tracer, &self.config))
    }
}
