//! Sans-IO APDU layer (ISO/IEC 7816-4): command encoding (short and extended length), responses,
//! typed status words and BER-TLV. Nothing here touches a reader.

pub mod reader;
pub mod status;
pub mod tlv;

pub use reader::Reader;
pub use status::StatusWord;

use zeroize::Zeroizing;

/// Errors of the APDU layer: malformed bytes from the card, or a command that cannot be encoded.
/// Messages are in the user's language (`crate::i18n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApduError {
    /// A response shorter than the two status bytes.
    #[error("{}", crate::tr!("err-apdu-response-too-short", got = *.0))]
    ResponseTooShort(usize),
    /// Input ended before a field that its header announced.
    #[error("{}", crate::tr!("err-apdu-truncated", needed = *needed, available = *available))]
    Truncated {
        /// Bytes the field needed.
        needed: usize,
        /// Bytes left in the input.
        available: usize,
    },
    /// A BER-TLV tag, length or value that is not well-formed.
    #[error("{}", crate::tr!("err-apdu-bad-tlv", why = .0.to_string()))]
    BadTlv(TlvFault),
    /// A field of a fixed size that has another size.
    #[error("{}", crate::tr!("err-apdu-field-length", expected = *expected, got = *got))]
    FieldLength {
        /// The size the field must have, in bytes.
        expected: usize,
        /// Its size, in bytes.
        got: usize,
    },
    /// An expected TLV tag was not present.
    #[error("{}", crate::tr!("err-apdu-missing-tag", tag = format!("{:X}", .0)))]
    MissingTag(u32),
    /// Command data longer than the chosen encoding can carry.
    #[error("{}", crate::tr!("err-apdu-data-too-long", got = *.0))]
    DataTooLong(usize),
}

/// What is wrong with card data in [`ApduError::BadTlv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlvFault {
    /// A tag longer than three bytes.
    LongTag,
    /// The BER indefinite length (`80`), which card data never uses.
    IndefiniteLength,
    /// A length field longer than three bytes.
    LongLength,
    /// A format or version byte this crate does not know.
    UnknownFormat,
    /// A value outside the ones the field allows.
    UnknownValue,
    /// More entries than the object may hold.
    TooManyEntries,
    /// More data than the object may hold.
    TooLarge,
    /// The same entry twice.
    RepeatedEntry,
    /// Compressed data that does not decompress.
    BadCompression,
}

impl std::fmt::Display for TlvFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::LongTag => crate::tr!("err-tlv-long-tag"),
            Self::IndefiniteLength => crate::tr!("err-tlv-indefinite-length"),
            Self::LongLength => crate::tr!("err-tlv-long-length"),
            Self::UnknownFormat => crate::tr!("err-tlv-unknown-format"),
            Self::UnknownValue => crate::tr!("err-tlv-unknown-value"),
            Self::TooManyEntries => crate::tr!("err-tlv-too-many-entries"),
            Self::TooLarge => crate::tr!("err-tlv-too-large"),
            Self::RepeatedEntry => crate::tr!("err-tlv-repeated-entry"),
            Self::BadCompression => crate::tr!("err-tlv-bad-compression"),
        })
    }
}

/// Maximum data in a short command APDU (ISO 7816-4 §5.1).
pub const SHORT_MAX_DATA: usize = 255;
/// Maximum data in an extended command APDU (ISO 7816-4 §5.1).
pub const EXTENDED_MAX_DATA: usize = 65_535;

/// Whether the data field of a command holds a secret (PIN, PUK, key material) that must never
/// reach a log or trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sensitivity {
    /// The data may be traced.
    #[default]
    Public,
    /// The data is redacted in traces.
    Secret,
}

/// A command APDU under construction, e.g. `Command::new(0x20).p2(0x80).secret_data(pin)`.
///
/// The data buffer is zeroized when the command is dropped, whatever it holds.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte; chaining (0x10) is added by the transport layer, never set by callers.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    data: Zeroizing<Vec<u8>>,
    /// Expected response length: `None` for no response data, `Some(0)` for "as much as there is"
    /// (256 in short form, 65 536 in extended form).
    pub le: Option<usize>,
    /// Whether [`Command::data`] must be redacted in traces.
    pub sensitivity: Sensitivity,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Command");
        d.field("cla", &format_args!("{:02X}", self.cla))
            .field("ins", &format_args!("{:02X}", self.ins))
            .field("p1", &format_args!("{:02X}", self.p1))
            .field("p2", &format_args!("{:02X}", self.p2));
        match self.sensitivity {
            Sensitivity::Secret => {
                d.field("data", &format_args!("*** ({} bytes)", self.data.len()))
            }
            Sensitivity::Public => {
                d.field("data", &format_args!("{}", hex::encode_upper(&*self.data)))
            }
        };
        d.field("le", &self.le).finish()
    }
}

impl Command {
    /// A command with CLA 00, the given INS and P1 = P2 = 0, no data, no Le.
    pub fn new(ins: u8) -> Self {
        Self {
            cla: 0,
            ins,
            p1: 0,
            p2: 0,
            data: Zeroizing::new(Vec::new()),
            le: None,
            sensitivity: Sensitivity::Public,
        }
    }

    /// Sets the class byte.
    pub fn cla(mut self, cla: u8) -> Self {
        self.cla = cla;
        self
    }

    /// Sets P1.
    pub fn p1(mut self, p1: u8) -> Self {
        self.p1 = p1;
        self
    }

    /// Sets P2.
    pub fn p2(mut self, p2: u8) -> Self {
        self.p2 = p2;
        self
    }

    /// Sets public command data.
    pub fn data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = Zeroizing::new(data.into());
        self
    }

    /// Sets command data that holds a secret: redacted in traces, zeroized on drop.
    pub fn secret_data(mut self, data: Zeroizing<Vec<u8>>) -> Self {
        self.data = data;
        self.sensitivity = Sensitivity::Secret;
        self
    }

    /// Sets Le; 0 means "all available".
    pub fn le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// The command data.
    pub fn data_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Whether the data is secret.
    pub fn is_secret(&self) -> bool {
        self.sensitivity == Sensitivity::Secret
    }

    /// Whether this command needs the extended-length form (ISO 7816-4 §5.1): more than 255 data
    /// bytes or an Le above 256.
    pub fn needs_extended(&self) -> bool {
        self.data.len() > SHORT_MAX_DATA || self.le.is_some_and(|le| le > 256)
    }

    /// Encodes the command. `extended` selects the extended-length form for Lc/Le; a short
    /// encoding of data above 255 bytes is an error (the transport chains instead).
    ///
    /// The result may hold a secret: it is returned zeroizing.
    pub fn to_bytes(&self, extended: bool) -> Result<Zeroizing<Vec<u8>>, ApduError> {
        let n = self.data.len();
        let limit = if extended {
            EXTENDED_MAX_DATA
        } else {
            SHORT_MAX_DATA
        };
        if n > limit {
            return Err(ApduError::DataTooLong(n));
        }
        let mut out = Zeroizing::new(Vec::with_capacity(n + 9));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if extended {
            // Case 2E/3E/4E: one 00 byte, then two-byte Lc and/or Le.
            if n > 0 {
                out.push(0);
                out.extend_from_slice(&u16_be(n));
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                if n == 0 {
                    out.push(0);
                }
                // Le 65 536 is encoded as 00 00.
                out.extend_from_slice(&u16_be(if le >= 65_536 { 0 } else { le }));
            }
        } else {
            if n > 0 {
                out.push(n as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                // Le 256 (or "all") is encoded as 00.
                out.push(if le >= 256 { 0 } else { le as u8 });
            }
        }
        Ok(out)
    }
}

fn u16_be(n: usize) -> [u8; 2] {
    [(n >> 8) as u8, n as u8]
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    data: Vec<u8>,
    status: StatusWord,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("data", &format_args!("{} bytes", self.data.len()))
            .field("status", &self.status)
            .finish()
    }
}

impl Response {
    /// Builds a response from its parts.
    pub fn new(data: Vec<u8>, status: StatusWord) -> Self {
        Self { data, status }
    }

    /// Parses `data ‖ SW1 SW2` as received from a reader.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ApduError> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Self {
                data: data.to_vec(),
                status: StatusWord::from_u16(u16::from_be_bytes([*sw1, *sw2])),
            }),
            _ => Err(ApduError::ResponseTooShort(bytes.len())),
        }
    }

    /// The response data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Takes the response data.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// The status word.
    pub fn status(&self) -> StatusWord {
        self.status
    }

    /// Whether the status is `9000`.
    pub fn is_success(&self) -> bool {
        self.status == StatusWord::Success
    }

    /// Encodes `data ‖ SW1 SW2`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&self.status.to_u16().to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case1_short() {
        let c = Command::new(0x20).p1(0xFF).p2(0x80);
        assert_eq!(&*c.to_bytes(false).unwrap(), &[0x00, 0x20, 0xFF, 0x80]);
    }

    #[test]
    fn case2_short_and_extended() {
        let c = Command::new(0xCB).p1(0x3F).p2(0xFF).le(0);
        assert_eq!(&*c.to_bytes(false).unwrap(), &[0, 0xCB, 0x3F, 0xFF, 0]);
        assert_eq!(&*c.to_bytes(true).unwrap(), &[0, 0xCB, 0x3F, 0xFF, 0, 0, 0]);
        let c = Command::new(0xCB).le(0x1234);
        assert!(c.needs_extended());
        assert_eq!(&*c.to_bytes(true).unwrap(), &[0, 0xCB, 0, 0, 0, 0x12, 0x34]);
    }

    #[test]
    fn case3_and_4() {
        let c = Command::new(0xA4).p1(4).data(vec![0xA0, 0x00]);
        assert_eq!(&*c.to_bytes(false).unwrap(), &[0, 0xA4, 4, 0, 2, 0xA0, 0]);
        let c = c.le(0);
        assert_eq!(
            &*c.to_bytes(false).unwrap(),
            &[0, 0xA4, 4, 0, 2, 0xA0, 0, 0]
        );
        assert_eq!(
            &*c.to_bytes(true).unwrap(),
            &[0, 0xA4, 4, 0, 0, 0, 2, 0xA0, 0, 0, 0]
        );
    }

    #[test]
    fn long_data_needs_extended() {
        let c = Command::new(0xDB).data(vec![0u8; 300]);
        assert!(c.needs_extended());
        assert_eq!(c.to_bytes(false), Err(ApduError::DataTooLong(300)));
        let e = c.to_bytes(true).unwrap();
        assert_eq!(&e[4..7], &[0, 0x01, 0x2C]);
        assert_eq!(e.len(), 7 + 300);
    }

    #[test]
    fn secret_is_redacted_in_debug() {
        let c = Command::new(0x20)
            .p2(0x80)
            .secret_data(Zeroizing::new(b"123456\xff\xff".to_vec()));
        let s = format!("{c:?}");
        assert!(!s.contains("313233"), "{s}");
        assert!(s.contains("***"));
    }

    #[test]
    fn response_parse() {
        let r = Response::from_bytes(&[1, 2, 0x63, 0xC2]).unwrap();
        assert_eq!(r.data(), &[1, 2]);
        assert_eq!(r.status(), StatusWord::VerifyFail { tries: 2 });
        assert_eq!(r.to_bytes(), vec![1, 2, 0x63, 0xC2]);
        assert_eq!(
            Response::from_bytes(&[0x90]),
            Err(ApduError::ResponseTooShort(1))
        );
    }
}
