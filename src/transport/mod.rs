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

/// Errors of the transport layer. Messages are meant for people, in their language
/// (`crate::i18n`); none contains APDU data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The PC/SC service is not reachable.
    #[error("{}", crate::tr!("err-transport-no-service"))]
    NoService,
    /// No reader is connected.
    #[error("{}", crate::tr!("err-transport-no-readers"))]
    NoReaders,
    /// A reader name that does not exist.
    #[error("{}", crate::tr!("err-transport-reader-not-found", reader = .0.as_str()))]
    ReaderNotFound(String),
    /// The reader went away.
    #[error("{}", crate::tr!("err-transport-reader-unavailable"))]
    ReaderUnavailable,
    /// The reader is empty.
    #[error("{}", crate::tr!("err-transport-no-card"))]
    NoCard,
    /// The card was pulled out (possibly in the middle of an operation).
    #[error("{}", crate::tr!("err-transport-card-removed"))]
    CardRemoved,
    /// Another application reset the card during the operation; its state (selected application,
    /// PIN status) is lost. The connection has been re-established.
    #[error("{}", crate::tr!("err-transport-card-reset"))]
    CardReset,
    /// Another application holds the card exclusively.
    #[error("{}", crate::tr!("err-transport-sharing-violation"))]
    SharingViolation,
    /// The card does not answer.
    #[error("{}", crate::tr!("err-transport-unresponsive"))]
    Unresponsive,
    /// A wait for a reader event timed out.
    #[error("{}", crate::tr!("err-transport-timeout"))]
    Timeout,
    /// The card broke the transmission protocol (e.g. announces more data forever).
    #[error("{}", crate::tr!("err-transport-protocol", why = .0.to_string()))]
    Protocol(ProtocolFault),
    /// Malformed bytes from the card.
    #[error("{}", crate::tr!("err-transport-malformed"))]
    Malformed(#[source] ApduError),
    /// Any other PC/SC failure. `message` is the PC/SC library's own (English) text.
    #[error("{}", crate::tr!("err-transport-pcsc", call = context.to_string(), message = message.as_str()))]
    Pcsc {
        /// What we were doing.
        context: PcscCall,
        /// The PC/SC error text.
        message: String,
    },
}

/// How a card broke the transmission rules ([`TransportError::Protocol`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolFault {
    /// A command chain with no block to send.
    EmptyChain,
    /// `61xx` again and again, beyond the configured number of GET RESPONSE rounds.
    EndlessMoreData,
    /// More response data than the configured maximum.
    ResponseTooLong,
}

impl std::fmt::Display for ProtocolFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::EmptyChain => crate::tr!("err-protocol-empty-chain"),
            Self::EndlessMoreData => crate::tr!("err-protocol-endless-more-data"),
            Self::ResponseTooLong => crate::tr!("err-protocol-response-too-long"),
        })
    }
}

/// The PC/SC call that failed ([`TransportError::Pcsc`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PcscCall {
    /// `SCardEstablishContext`.
    Establish,
    /// `SCardListReaders`.
    ListReaders,
    /// `SCardGetStatusChange` without waiting.
    ReaderStatus,
    /// `SCardConnect`.
    Connect,
    /// `SCardStatus`.
    CardStatus,
    /// `SCardTransmit`.
    Transmit,
    /// `SCardReconnect`.
    Reconnect,
    /// `SCardBeginTransaction`.
    BeginTransaction,
    /// `SCardCancel`.
    CancelWait,
    /// `SCardGetStatusChange`, waiting.
    WaitForChange,
}

impl std::fmt::Display for PcscCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::Establish => crate::tr!("err-pcsc-establish"),
            Self::ListReaders => crate::tr!("err-pcsc-list-readers"),
            Self::ReaderStatus => crate::tr!("err-pcsc-reader-status"),
            Self::Connect => crate::tr!("err-pcsc-connect"),
            Self::CardStatus => crate::tr!("err-pcsc-card-status"),
            Self::Transmit => crate::tr!("err-pcsc-transmit"),
            Self::Reconnect => crate::tr!("err-pcsc-reconnect"),
            Self::BeginTransaction => crate::tr!("err-pcsc-begin-transaction"),
            Self::CancelWait => crate::tr!("err-pcsc-cancel-wait"),
            Self::WaitForChange => crate::tr!("err-pcsc-wait-for-change"),
        })
    }
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
