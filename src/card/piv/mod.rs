//! PIV card driver (NIST SP 800-73-4 Part 2, plus the YubiKey PIV extensions).
//!
//! Every public method is one PC/SC transaction. The driver tracks what it believes of the card
//! session (application selected, PIN verified, management key authenticated) and drops that belief
//! when the transport reports a reset by another application or a removal; the next operation then
//! re-SELECTs the application. A PIN is never stored and never retried.
//!
//! ```no_run
//! use sello::card::piv::{PivCard, PinPolicy, Slot, TouchPolicy};
//! use sello::card::{CardDriver, KeyAlgorithm};
//! use sello::pin::{ManagementKey, Pin};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let readers = sello::transport::pcsc::list_readers()?;
//! let mut card = PivCard::open_reader(&readers[0].name)?;
//! let info = card.info()?; // serial, version, label
//! let pins = card.pin_status()?; // PIN/PUK tries, without spending one
//! for slot in card.key_slots()? {
//!     println!("{:02X} {:?} cert: {}", slot.key.0, slot.algorithm, slot.certificate.is_some());
//! }
//! card.authenticate(&ManagementKey::default_3des())?;
//! let public = card.generate_key(Slot::SIGNATURE, KeyAlgorithm::EccP256,
//!                                PinPolicy::Always, TouchPolicy::Never)?;
//! let spki = public.to_spki_der()?; // for the CSR
//! let hash = [0u8; 32];
//! let sig = card.sign(Slot::SIGNATURE, KeyAlgorithm::EccP256, &hash, Some(&Pin::new("123456")?))?;
//! # let _ = (info, pins, spki, sig);
//! # Ok(())
//! # }
//! ```

pub mod keys;
pub mod mgmt;
pub mod objects;
pub mod types;

pub use keys::{PrivateKey, PublicKey};
pub use objects::{
    ApplicationProperties, Ccc, Chuid, ContentsRecord, Discovery, KeyOrigin, Metadata,
    MetadataAlgorithm, RecordSlot, StoredCertificate,
};
pub use types::{ObjectId, PinPolicy, Slot, TouchPolicy, Version, PIV_AID};

use crate::apdu::{tlv, Command, Response, StatusWord};
use crate::card::{
    CardContents, CardData, CardDriver, CardError, CardInfo, Invalid, KeyAlgorithm, KeyRef,
    KeySlot, Missing, Operation, PinStatus, ResetBlocker, Retries, Sealed,
};
use crate::pin::{ManagementKey, Pin, Puk};
use crate::transport::{Channel, Transport, TransportError};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Instruction bytes (SP 800-73-4 Part 2, Table 7; YubiKey extensions).
mod ins {
    pub const SELECT: u8 = 0xA4;
    pub const GET_DATA: u8 = 0xCB;
    pub const PUT_DATA: u8 = 0xDB;
    pub const VERIFY: u8 = 0x20;
    pub const CHANGE_REFERENCE: u8 = 0x24;
    pub const RESET_RETRY: u8 = 0x2C;
    pub const GENERATE: u8 = 0x47;
    pub const GENERAL_AUTHENTICATE: u8 = 0x87;
    pub const GET_VERSION: u8 = 0xFD;
    pub const GET_SERIAL: u8 = 0xF8;
    pub const GET_METADATA: u8 = 0xF7;
    pub const SET_MGMKEY: u8 = 0xFF;
    pub const SET_PIN_RETRIES: u8 = 0xFA;
    pub const RESET: u8 = 0xFB;
    pub const ATTEST: u8 = 0xF9;
    pub const IMPORT_KEY: u8 = 0xFE;
    pub const MOVE_KEY: u8 = 0xF6;
}

/// What the driver believes about the card session.
#[derive(Debug, Default)]
struct Session {
    selected: bool,
    pin_verified: bool,
    mgmt_authenticated: bool,
    reset_event: bool,
    properties: Option<ApplicationProperties>,
    /// `None`: not asked yet; `Some(None)`: the card has no GET VERSION.
    version: Option<Option<Version>>,
    /// `None`: not asked yet.
    metadata_supported: Option<bool>,
    /// Optional commands this card answered "not supported / not applicable" (INS, and the
    /// object tag or key reference): absent for the rest of the session, never sent again.
    unsupported: std::collections::BTreeSet<(u8, u32)>,
}

impl Session {
    fn on_reset(&mut self) {
        self.selected = false;
        self.pin_verified = false;
        self.mgmt_authenticated = false;
        self.reset_event = true;
        // A reinserted card may be another card: forget what we learnt about this one.
        self.version = None;
        self.metadata_supported = None;
        self.unsupported.clear();
    }

    /// Whether the card said it does not support `ins` for `target` in this session.
    fn is_unsupported(&self, ins: u8, target: u32) -> bool {
        self.unsupported.contains(&(ins, target))
    }
}

/// Status words that, in answer to an optional command (metadata, a retired slot, key history,
/// a vendor object), mean "not supported / not applicable here": the thing is absent. Only a card
/// that does not answer, or answers nonsense, makes such a command fail.
fn not_applicable(status: StatusWord) -> bool {
    matches!(
        status,
        StatusWord::NotFound
            | StatusWord::ReferenceDataNotFound
            | StatusWord::IncorrectP1P2
            | StatusWord::FunctionNotSupported
            | StatusWord::InsNotSupported
            | StatusWord::ClaNotSupported
            | StatusWord::ConditionsNotSatisfied
    )
}

/// A PIV card.
pub struct PivCard {
    transport: Transport,
    state: Session,
}

impl std::fmt::Debug for PivCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PivCard")
            .field("reader", &self.transport.reader_name())
            .field("pin_verified", &self.state.pin_verified)
            .finish()
    }
}

fn refused(operation: Operation, status: StatusWord) -> CardError {
    match status {
        StatusWord::SecurityStatusNotSatisfied => CardError::SecurityStatusNotSatisfied,
        StatusWord::InsNotSupported | StatusWord::FunctionNotSupported => {
            CardError::NotSupported(operation)
        }
        status => CardError::Refused { operation, status },
    }
}

/// The data of a successful response, or the mapped error.
fn ok(r: Response, operation: Operation) -> Result<Vec<u8>, CardError> {
    if r.is_success() {
        Ok(r.into_data())
    } else {
        Err(refused(operation, r.status()))
    }
}

fn pin_result(status: StatusWord, puk: bool, op: Operation) -> Result<(), CardError> {
    match (status, puk) {
        (StatusWord::Success, _) => Ok(()),
        (StatusWord::VerifyFail { tries: 0 } | StatusWord::AuthenticationBlocked, false) => {
            Err(CardError::PinBlocked)
        }
        (StatusWord::VerifyFail { tries: 0 } | StatusWord::AuthenticationBlocked, true) => {
            Err(CardError::PukBlocked)
        }
        (StatusWord::VerifyFail { tries }, false) => Err(CardError::WrongPin { tries_left: tries }),
        (StatusWord::VerifyFail { tries }, true) => Err(CardError::WrongPuk { tries_left: tries }),
        (s, _) => Err(refused(op, s)),
    }
}

/// `7C L { 82 00, <tag> L data }` (SP 800-73-4 Part 2, 3.2.4, Table 7).
fn dynamic_auth(tag: u32, data: &[u8]) -> Zeroizing<Vec<u8>> {
    let inner = Zeroizing::new([tlv::encode(0x82, &[]), tlv::encode(tag, data)].concat());
    Zeroizing::new(tlv::encode(0x7C, &inner))
}

fn select(ch: &mut Channel<'_>) -> Result<ApplicationProperties, CardError> {
    let r = ch.transmit(
        &Command::new(ins::SELECT)
            .p1(0x04)
            .data(PIV_AID.to_vec())
            .le(0),
    )?;
    match r.status() {
        StatusWord::Success => ApplicationProperties::parse(r.data()),
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => {
            Err(CardError::NotFound(Missing::PivApplication))
        }
        s => Err(refused(Operation::Select, s)),
    }
}

/// Card management key mutual authentication (SP 800-73-4 Part 2, Appendix A.1), inside an open
/// transaction.
fn mutual_auth(
    ch: &mut Channel<'_>,
    s: &mut Session,
    key: &ManagementKey,
) -> Result<(), CardError> {
    s.mgmt_authenticated = false;
    let alg = key.algorithm();
    let ga = || {
        Command::new(ins::GENERAL_AUTHENTICATE)
            .p1(alg.id())
            .p2(Slot::CARD_MANAGEMENT.0)
            .le(0)
    };
    let step1 = Zeroizing::new(tlv::encode(0x7C, &tlv::encode(0x80, &[])));
    let r = ch.transmit(&ga().secret_data(step1))?;
    if !r.is_success() {
        return Err(match r.status() {
            StatusWord::AuthenticationBlocked => CardError::Refused {
                operation: Operation::ManagementKeyAuth,
                status: r.status(),
            },
            _ => CardError::ManagementKeyAuthFailed,
        });
    }
    let data = Zeroizing::new(r.into_data());
    let m = CardError::malformed(CardData::Response(Operation::ManagementKeyAuth));
    let inner = tlv::expect_single(&data, 0x7C).map_err(m)?;
    let witness = tlv::require(inner, 0x80).map_err(CardError::malformed(CardData::Response(
        Operation::ManagementKeyAuth,
    )))?;
    if witness.len() != alg.block_len() {
        // The card's key has another algorithm.
        return Err(CardError::ManagementKeyAuthFailed);
    }
    let decrypted = mgmt::ecb(key, witness, false)?;
    let mut challenge = Zeroizing::new(vec![0u8; alg.block_len()]);
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut challenge);
    let inner = Zeroizing::new(
        [
            Zeroizing::new(tlv::encode(0x80, &decrypted)).to_vec(),
            tlv::encode(0x81, &challenge),
        ]
        .concat(),
    );
    let step2 = Zeroizing::new(tlv::encode(0x7C, &inner));
    let r = ch.transmit(&ga().secret_data(step2))?;
    if !r.is_success() {
        return Err(CardError::ManagementKeyAuthFailed);
    }
    let data = Zeroizing::new(r.into_data());
    let inner = tlv::expect_single(&data, 0x7C).map_err(CardError::malformed(
        CardData::Response(Operation::ManagementKeyAuth),
    ))?;
    let answer = tlv::require(inner, 0x82).map_err(CardError::malformed(CardData::Response(
        Operation::ManagementKeyAuth,
    )))?;
    let expected = mgmt::ecb(key, &challenge, true)?;
    if !mgmt::ct_eq(answer, &expected) {
        return Err(CardError::CardAuthFailed);
    }
    s.mgmt_authenticated = true;
    Ok(())
}

/// GET DATA: `None` when the object is absent, also when the card does not know or refuses the
/// tag as not applicable ([`not_applicable`]; remembered for the session, not asked again).
fn get_data(
    ch: &mut Channel<'_>,
    s: &mut Session,
    id: ObjectId,
) -> Result<Option<Vec<u8>>, CardError> {
    if s.is_unsupported(ins::GET_DATA, id.0) {
        return Ok(None);
    }
    let body = tlv::encode(0x5C, &id.tag_bytes());
    let r = ch.transmit(
        &Command::new(ins::GET_DATA)
            .p1(0x3F)
            .p2(0xFF)
            .data(body)
            .le(0),
    )?;
    match r.status() {
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => Ok(None),
        st if not_applicable(st) => {
            s.unsupported.insert((ins::GET_DATA, id.0));
            Ok(None)
        }
        _ => ok(r, Operation::GetData).map(Some),
    }
}

/// The value of a `53` container (an empty response counts as an empty container).
fn container(data: &[u8]) -> Result<&[u8], CardError> {
    if data.is_empty() {
        return Ok(data);
    }
    tlv::expect_single(data, 0x53).map_err(CardError::malformed(CardData::DataObject))
}

fn verify(ch: &mut Channel<'_>, s: &mut Session, pin: &Pin) -> Result<(), CardError> {
    let r = ch.transmit(&Command::new(ins::VERIFY).p2(0x80).secret_data(pin.padded()))?;
    let res = pin_result(r.status(), false, Operation::Verify);
    s.pin_verified = res.is_ok();
    res
}

fn metadata(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<Metadata>, CardError> {
    Ok(metadata_raw(ch, s, slot)?.map(|(_, m)| m))
}

/// GET METADATA, with the card's raw answer (for the content fingerprint).
fn metadata_raw(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<(Vec<u8>, Metadata)>, CardError> {
    if s.metadata_supported == Some(false) {
        return Err(CardError::NotSupported(Operation::KeyMetadata));
    }
    if s.is_unsupported(ins::GET_METADATA, slot.0.into()) {
        return Ok(None);
    }
    let r = ch.transmit(&Command::new(ins::GET_METADATA).p2(slot.0).le(0))?;
    match r.status() {
        StatusWord::Success => {
            s.metadata_supported = Some(true);
            let m = Metadata::parse(r.data())?;
            // Applets that answer for an empty slot report origin `00` and nothing else of a
            // key (no algorithm, no public key): no key there.
            if m.origin == Some(KeyOrigin::Other(0))
                && m.algorithm.is_none()
                && m.public_key.is_none()
            {
                return Ok(None);
            }
            Ok(Some((r.into_data(), m)))
        }
        StatusWord::InsNotSupported
        | StatusWord::FunctionNotSupported
        | StatusWord::ClaNotSupported => {
            s.metadata_supported = Some(false);
            Err(CardError::NotSupported(Operation::KeyMetadata))
        }
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => {
            s.metadata_supported = Some(true);
            Ok(None)
        }
        // This reference only (e.g. a retired slot the card does not have).
        st if not_applicable(st) => {
            s.unsupported.insert((ins::GET_METADATA, slot.0.into()));
            Ok(None)
        }
        st => Err(refused(Operation::GetMetadata, st)),
    }
}

/// Metadata when the card has it; `None` for "no key" and for cards without metadata.
fn metadata_opt(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<Metadata>, CardError> {
    match metadata(ch, s, slot) {
        Err(CardError::NotSupported(_)) => Ok(None),
        other => other,
    }
}

fn read_cert(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<StoredCertificate>, CardError> {
    let id =
        slot.certificate_object()
            .ok_or(CardError::InvalidInput(Invalid::NoCertificateObject {
                slot: slot.0,
            }))?;
    match get_data(ch, s, id)? {
        None => Ok(None),
        Some(d) => objects::parse_cert_container(container(&d)?),
    }
}

fn pin_status(ch: &mut Channel<'_>, s: &mut Session) -> Result<PinStatus, CardError> {
    let r = ch.transmit(&Command::new(ins::VERIFY).p2(0x80))?;
    let (verified, mut pin) = match r.status() {
        StatusWord::Success => (true, None),
        StatusWord::VerifyFail { tries } => (
            false,
            Some(Retries {
                remaining: tries,
                total: None,
            }),
        ),
        StatusWord::AuthenticationBlocked => (
            false,
            Some(Retries {
                remaining: 0,
                total: None,
            }),
        ),
        // Cards that do not implement the empty-VERIFY query (OpenSC's `CI_VERIFY_LC0_FAIL`):
        // the state is unknown, not an error.
        StatusWord::WrongLength
        | StatusWord::IncorrectData
        | StatusWord::IncorrectP1P2
        | StatusWord::ConditionsNotSatisfied => (false, None),
        st => return Err(refused(Operation::PinStatus, st)),
    };
    s.pin_verified = verified;
    let mut out = PinStatus {
        verified,
        pin,
        puk: None,
        pin_is_default: None,
        puk_is_default: None,
    };
    if let Some(m) = metadata_opt(ch, s, Slot::PIN)? {
        if let Some(r) = m.retries {
            pin = Some(r);
        }
        out.pin = pin;
        out.pin_is_default = m.is_default;
    }
    if let Some(m) = metadata_opt(ch, s, Slot::PUK)? {
        out.puk = m.retries;
        out.puk_is_default = m.is_default;
    }
    Ok(out)
}

/// Prepares sign input: RSA must be a full block; ECDSA hashes are truncated (leftmost bytes,
/// FIPS 186-4 §6.4) or left-padded to the field length; EdDSA takes the message as is.
fn sign_input(alg: KeyAlgorithm, data: &[u8]) -> Result<Vec<u8>, CardError> {
    match alg {
        KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => {
            let n = alg.field_len().unwrap_or(32);
            if data.len() >= n {
                Ok(data[..n].to_vec())
            } else {
                let mut v = vec![0u8; n - data.len()];
                v.extend_from_slice(data);
                Ok(v)
            }
        }
        KeyAlgorithm::Ed25519 => Ok(data.to_vec()),
        KeyAlgorithm::X25519 => Err(CardError::InvalidInput(Invalid::CannotSign(
            KeyAlgorithm::X25519,
        ))),
        rsa => {
            let n = rsa.rsa_len().unwrap_or(0);
            if data.len() != n {
                return Err(CardError::InvalidInput(Invalid::SignInputLength {
                    algorithm: rsa,
                    expected: n,
                    got: data.len(),
                }));
            }
            Ok(data.to_vec())
        }
    }
}

fn general_authenticate(
    ch: &mut Channel<'_>,
    slot: Slot,
    alg: KeyAlgorithm,
    tag: u32,
    data: &[u8],
    secret: bool,
    op: Operation,
) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let body = dynamic_auth(tag, data);
    let cmd = Command::new(ins::GENERAL_AUTHENTICATE)
        .p1(alg.piv_id())
        .p2(slot.0)
        .le(0);
    let cmd = if secret {
        cmd.secret_data(body)
    } else {
        cmd.data(body.to_vec())
    };
    let r = ch.transmit(&cmd)?;
    match r.status() {
        StatusWord::Success => {
            let data = Zeroizing::new(r.into_data());
            let inner = tlv::expect_single(&data, 0x7C)
                .map_err(CardError::malformed(CardData::Response(op)))?;
            Ok(Zeroizing::new(
                tlv::require(inner, 0x82)
                    .map_err(CardError::malformed(CardData::Response(op)))?
                    .to_vec(),
            ))
        }
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => {
            Err(CardError::NotFound(Missing::Key))
        }
        st => Err(refused(op, st)),
    }
}

impl PivCard {
    /// SELECTs the PIV application on the card behind `transport`. A card without PIV gives
    /// `CardError::NotFound(Missing::PivApplication)`.
    pub fn open(transport: Transport) -> Result<Self, CardError> {
        let mut card = Self {
            transport,
            state: Session::default(),
        };
        card.run(|_, _| Ok(()))?;
        card.state.reset_event = false;
        Ok(card)
    }

    /// Opens the card in a PC/SC reader (shared mode).
    pub fn open_reader(reader: &str) -> Result<Self, CardError> {
        Self::open(Transport::open_pcsc(reader)?)
    }

    /// One transaction: re-SELECT after a reset, then `f`; a reset or removal seen during `f`
    /// drops the session state.
    fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Channel<'_>, &mut Session) -> Result<T, CardError>,
    ) -> Result<T, CardError> {
        let Self { transport, state } = self;
        let mut ch = match transport.transaction() {
            Ok(ch) => ch,
            Err(e) => {
                if matches!(e, TransportError::CardRemoved | TransportError::NoCard) {
                    state.on_reset();
                }
                return Err(e.into());
            }
        };
        if ch.card_was_reset() {
            state.on_reset();
        }
        let result = (|| {
            if !state.selected {
                state.properties = Some(select(&mut ch)?);
                state.selected = true;
            }
            f(&mut ch, state)
        })();
        if ch.card_was_reset()
            || matches!(
                result,
                Err(CardError::Transport(
                    TransportError::CardReset | TransportError::CardRemoved
                ))
            )
        {
            state.on_reset();
        }
        result
    }

    /// The transport (reader name, ATR, tracer).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The transport, mutably (e.g. to enable tracing or force extended length).
    pub fn transport_mut(&mut self) -> &mut Transport {
        &mut self.transport
    }

    /// The SELECT response of the current session.
    pub fn properties(&self) -> Option<&ApplicationProperties> {
        self.state.properties.as_ref()
    }

    /// Whether this driver verified the PIN in the current card session (as far as it knows;
    /// [`PivCard::pin_status`] asks the card).
    pub fn is_pin_verified(&self) -> bool {
        self.state.pin_verified
    }

    /// Whether the management key was authenticated in the current card session.
    pub fn is_management_authenticated(&self) -> bool {
        self.state.mgmt_authenticated
    }

    /// SELECT the PIV application again (SP 800-73-4 Part 2, 3.1.1).
    pub fn select(&mut self) -> Result<ApplicationProperties, CardError> {
        self.run(|ch, s| {
            let p = select(ch)?;
            s.properties = Some(p.clone());
            Ok(p)
        })
    }

    /// GET VERSION (YubiKey `FD`). Cached for the connection.
    pub fn version(&mut self) -> Result<Version, CardError> {
        self.run(get_version)?
            .ok_or(CardError::NotSupported(Operation::GetVersion))
    }

    /// GET SERIAL (YubiKey 5 `F8`): the serial number printed on the device.
    pub fn serial(&mut self) -> Result<u32, CardError> {
        self.run(|ch, _| get_serial(ch))
    }

    /// GET DATA of any object (SP 800-73-4 Part 2, 3.1.2): the raw response (usually `53 L ...`),
    /// `None` when absent.
    pub fn read_object(&mut self, id: ObjectId) -> Result<Option<Vec<u8>>, CardError> {
        self.run(|ch, s| get_data(ch, s, id))
    }

    /// PUT DATA (SP 800-73-4 Part 2, 3.3.2): stores `value` as the object's `53` container.
    /// Needs management-key authentication.
    pub fn write_object(&mut self, id: ObjectId, value: &[u8]) -> Result<(), CardError> {
        self.run(|ch, s| {
            if id != ObjectId::SELLO_CONTENTS {
                drop_record(ch, s)?;
            }
            put_data(ch, id, value)
        })
    }

    /// Reads the CHUID (SP 800-73-4 Part 1, 3.1.2).
    pub fn read_chuid(&mut self) -> Result<Option<Chuid>, CardError> {
        self.run(|ch, s| match get_data(ch, s, ObjectId::CHUID)? {
            None => Ok(None),
            Some(d) => Chuid::parse(container(&d)?).map(Some),
        })
    }

    /// Reads the Card Capability Container (SP 800-73-4 Part 1, 3.1.1).
    pub fn read_ccc(&mut self) -> Result<Option<Ccc>, CardError> {
        self.run(|ch, s| match get_data(ch, s, ObjectId::CCC)? {
            None => Ok(None),
            Some(d) => Ccc::parse(container(&d)?).map(Some),
        })
    }

    /// Reads the discovery object (SP 800-73-4 Part 1, 3.3.2).
    pub fn read_discovery(&mut self) -> Result<Option<Discovery>, CardError> {
        self.run(|ch, s| match get_data(ch, s, ObjectId::DISCOVERY)? {
            None => Ok(None),
            Some(d) => Discovery::parse(&d).map(Some),
        })
    }

    /// Reads a key's certificate (SP 800-73-4 Part 1, Appendix A, Table 10), decompressing it
    /// when stored with `71 01 01`.
    pub fn read_certificate(&mut self, slot: Slot) -> Result<Option<StoredCertificate>, CardError> {
        self.run(|ch, s| read_cert(ch, s, slot))
    }

    /// Writes a key's certificate. The certificate must parse as X.509; its public key must equal
    /// `expected` when given, and the key the card reports for the slot (metadata) when it
    /// reports one. Needs management-key authentication.
    pub fn write_certificate(
        &mut self,
        slot: Slot,
        der: &[u8],
        compress: bool,
        expected: Option<&PublicKey>,
    ) -> Result<(), CardError> {
        let id = slot.certificate_object().ok_or(CardError::InvalidInput(
            Invalid::NoCertificateObject { slot: slot.0 },
        ))?;
        let (_, cert) =
            x509_parser::parse_x509_certificate(der).map_err(|_| CardError::BadCertificate)?;
        let cert_key = PublicKey::from_spki(cert.public_key())?;
        if expected.is_some_and(|k| *k != cert_key) {
            return Err(CardError::CertificateKeyMismatch { slot: slot.0 });
        }
        let value = objects::encode_cert_container(der, compress)?;
        self.run(|ch, s| {
            if let Some(m) = metadata_opt(ch, s, slot)? {
                if m.public_key.is_some_and(|k| k != cert_key) {
                    return Err(CardError::CertificateKeyMismatch { slot: slot.0 });
                }
            }
            drop_record(ch, s)?;
            put_data(ch, id, &value)
        })
    }

    /// Deletes a key's certificate (empty container). Needs management-key authentication.
    pub fn delete_certificate(&mut self, slot: Slot) -> Result<(), CardError> {
        let id = slot.certificate_object().ok_or(CardError::InvalidInput(
            Invalid::NoCertificateObject { slot: slot.0 },
        ))?;
        self.run(|ch, s| {
            drop_record(ch, s)?;
            put_data(ch, id, &[])
        })
    }

    /// VERIFY the PIN (SP 800-73-4 Part 2, 3.2.1). One attempt; a failure reports the tries left.
    pub fn verify_pin(&mut self, pin: &Pin) -> Result<(), CardError> {
        self.run(|ch, s| verify(ch, s, pin))
    }

    /// PIN and PUK state without spending a try: VERIFY without data (SP 800-73-4 Part 2,
    /// 3.2.1), plus YubiKey metadata for totals and the PUK.
    pub fn pin_status(&mut self) -> Result<PinStatus, CardError> {
        self.run(pin_status)
    }

    /// Resets the PIN verification: VERIFY with P1 = `FF` (SP 800-73-4 Part 2, 3.2.1).
    pub fn logout(&mut self) -> Result<(), CardError> {
        self.run(|ch, s| {
            let r = ch.transmit(&Command::new(ins::VERIFY).p1(0xFF).p2(0x80))?;
            ok(r, Operation::Logout)?;
            s.pin_verified = false;
            Ok(())
        })
    }

    fn change_reference(
        &mut self,
        p2: u8,
        old: Zeroizing<Vec<u8>>,
        new: Zeroizing<Vec<u8>>,
    ) -> Result<(), CardError> {
        let mut data = Zeroizing::new(Vec::with_capacity(16));
        data.extend_from_slice(&old);
        data.extend_from_slice(&new);
        self.run(|ch, _| {
            let r = ch.transmit(&Command::new(ins::CHANGE_REFERENCE).p2(p2).secret_data(data))?;
            pin_result(r.status(), p2 == 0x81, Operation::ChangeReference)
        })
    }

    /// CHANGE REFERENCE DATA for the PIN (SP 800-73-4 Part 2, 3.2.2).
    pub fn change_pin(&mut self, old: &Pin, new: &Pin) -> Result<(), CardError> {
        self.change_reference(0x80, old.padded(), new.padded())
    }

    /// CHANGE REFERENCE DATA for the PUK (SP 800-73-4 Part 2, 3.2.2).
    pub fn change_puk(&mut self, old: &Puk, new: &Puk) -> Result<(), CardError> {
        self.change_reference(0x81, old.padded(), new.padded())
    }

    /// RESET RETRY COUNTER: unblocks the PIN with the PUK and sets a new PIN (SP 800-73-4
    /// Part 2, 3.2.3).
    pub fn unblock_pin(&mut self, puk: &Puk, new: &Pin) -> Result<(), CardError> {
        let mut data = Zeroizing::new(Vec::with_capacity(16));
        data.extend_from_slice(&puk.padded());
        data.extend_from_slice(&new.padded());
        self.run(|ch, _| {
            let r = ch.transmit(&Command::new(ins::RESET_RETRY).p2(0x80).secret_data(data))?;
            pin_result(r.status(), true, Operation::ResetRetryCounter)
        })
    }

    /// Card management key mutual authentication (SP 800-73-4 Part 2, Appendix A.1; GENERAL
    /// AUTHENTICATE 3.2.4): `7C{80 00}` → witness; `7C{80 decrypted witness, 81 challenge}` →
    /// `7C{82 encrypted challenge}`, checked here so a card that does not hold the key is caught.
    pub fn authenticate(&mut self, key: &ManagementKey) -> Result<(), CardError> {
        self.run(|ch, s| mutual_auth(ch, s, key))
    }

    /// Stores `key` (the card's current management key) for the holder the way YubiKey tools do
    /// ([`mgmt`]): PRINTED `5FC109` = `88 { 89 key }` (read rule "PIN"), then ADMIN DATA
    /// `5FFF00` with flag `02`, keeping any other ADMIN DATA field. One transaction; needs
    /// management-key authentication.
    pub fn store_protected_management_key(&mut self, key: &ManagementKey) -> Result<(), CardError> {
        self.run(|ch, s| {
            let admin = match get_data(ch, s, ObjectId::ADMIN_DATA) {
                Ok(Some(d)) if !container(&d)?.is_empty() => {
                    mgmt::AdminData::parse(container(&d)?)?
                }
                Ok(_) | Err(CardError::SecurityStatusNotSatisfied) => mgmt::AdminData::default(),
                Err(e) => return Err(e),
            };
            put_secret(ch, ObjectId::PRINTED, &mgmt::encode_protected(key))?;
            let admin = mgmt::AdminData {
                flags: Some(admin.flags.unwrap_or(0) | mgmt::FLAG_MGM_KEY_PROTECTED),
                ..admin
            };
            put_data(ch, ObjectId::ADMIN_DATA, &admin.encode())
        })
    }

    /// ADMIN DATA (`5FFF00`), `None` when the card has none.
    pub fn admin_data(&mut self) -> Result<Option<mgmt::AdminData>, CardError> {
        self.run(|ch, s| match get_data(ch, s, ObjectId::ADMIN_DATA)? {
            Some(d) if !container(&d)?.is_empty() => {
                Ok(Some(mgmt::AdminData::parse(container(&d)?)?))
            }
            _ => Ok(None),
        })
    }

    /// Authenticates with the PIN-protected management key, in one transaction: VERIFY the
    /// PIN (one attempt, never retried), GET DATA `5FC109` (which needs it), then mutual
    /// authentication with the key found there. The key read is zeroized when this returns.
    /// [`CardError::NotFound`] when ADMIN DATA does not say the key is stored.
    pub fn authenticate_with_pin(&mut self, pin: &Pin) -> Result<(), CardError> {
        self.run(|ch, s| {
            let admin = match get_data(ch, s, ObjectId::ADMIN_DATA)? {
                Some(d) if !container(&d)?.is_empty() => mgmt::AdminData::parse(container(&d)?)?,
                _ => mgmt::AdminData::default(),
            };
            if !admin.key_protected() {
                return Err(CardError::NotFound(Missing::ProtectedManagementKey));
            }
            verify(ch, s, pin)?;
            let data = get_secret(ch, ObjectId::PRINTED)?
                .ok_or(CardError::NotFound(Missing::ProtectedManagementKey))?;
            let raw = mgmt::decode_protected(container(&data)?)?
                .ok_or(CardError::NotFound(Missing::ProtectedManagementKey))?;
            let algorithm = match metadata_opt(ch, s, Slot::CARD_MANAGEMENT)? {
                Some(Metadata {
                    algorithm: Some(MetadataAlgorithm::Management(a)),
                    ..
                }) => a,
                _ => mgmt::algorithm_for_len(raw.len()).ok_or(CardError::Malformed {
                    what: CardData::Printed,
                    source: crate::apdu::ApduError::BadTlv(crate::apdu::TlvFault::UnknownValue),
                })?,
            };
            let key = ManagementKey::new(algorithm, &raw)?;
            mutual_auth(ch, s, &key)
        })
    }

    /// GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2, 3.3.2; policies are YubiKey tags `AA`,
    /// `AB`). Needs management-key authentication. Returns the new public key.
    pub fn generate_key(
        &mut self,
        slot: Slot,
        alg: KeyAlgorithm,
        pin_policy: PinPolicy,
        touch_policy: TouchPolicy,
    ) -> Result<PublicKey, CardError> {
        if !slot.is_key() {
            return Err(CardError::InvalidInput(Invalid::NotAKeySlot {
                slot: slot.0,
            }));
        }
        let mut inner = tlv::encode(0x80, &[alg.piv_id()]);
        if pin_policy != PinPolicy::Default {
            inner.extend(tlv::encode(0xAA, &[pin_policy.to_byte()]));
        }
        if touch_policy != TouchPolicy::Default {
            inner.extend(tlv::encode(0xAB, &[touch_policy.to_byte()]));
        }
        let body = tlv::encode(0xAC, &inner);
        self.run(|ch, s| {
            drop_record(ch, s)?;
            let r = ch.transmit(&Command::new(ins::GENERATE).p2(slot.0).data(body).le(0))?;
            match r.status() {
                StatusWord::Success => PublicKey::from_generate_response(alg, r.data()),
                StatusWord::IncorrectData | StatusWord::IncorrectP1P2 => {
                    Err(CardError::NotSupported(Operation::GenerateThisKey))
                }
                st => Err(refused(Operation::GenerateKey, st)),
            }
        })
    }

    /// Signs with GENERAL AUTHENTICATE (SP 800-73-4 Part 2, 3.2.4; Part 1 Appendix A.4): RSA
    /// input is a host-padded block, ECDSA input a hash (DER signature out), Ed25519 the message.
    /// With `pin`, VERIFY runs first in the same transaction.
    pub fn sign(
        &mut self,
        slot: Slot,
        alg: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Vec<u8>, CardError> {
        let input = sign_input(alg, data)?;
        self.run(|ch, s| {
            if let Some(pin) = pin {
                verify(ch, s, pin)?;
            }
            general_authenticate(ch, slot, alg, 0x81, &input, false, Operation::Sign)
                .map(|v| v.to_vec())
        })
    }

    /// Raw RSA decryption with GENERAL AUTHENTICATE; the caller removes the padding.
    pub fn decrypt(
        &mut self,
        slot: Slot,
        alg: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError> {
        let n = alg
            .rsa_len()
            .ok_or(CardError::InvalidInput(Invalid::CannotDecrypt(alg)))?;
        if data.len() != n {
            return Err(CardError::InvalidInput(Invalid::CiphertextLength {
                expected: n,
                got: data.len(),
            }));
        }
        self.run(|ch, s| {
            if let Some(pin) = pin {
                verify(ch, s, pin)?;
            }
            general_authenticate(ch, slot, alg, 0x81, data, true, Operation::Decrypt)
        })
    }

    /// Key agreement: GENERAL AUTHENTICATE with `85` (SP 800-73-4 Part 2, 3.2.4; SP 800-56A
    /// ECC CDH). `peer` is an uncompressed point (P-256/P-384) or a 32-byte X25519 key; the shared
    /// secret (x-coordinate) is returned.
    pub fn ecdh(
        &mut self,
        slot: Slot,
        alg: KeyAlgorithm,
        peer: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError> {
        let want = match alg {
            KeyAlgorithm::EccP256 => 65,
            KeyAlgorithm::EccP384 => 97,
            KeyAlgorithm::X25519 => 32,
            other => return Err(CardError::InvalidInput(Invalid::CannotAgree(other))),
        };
        if peer.len() != want {
            return Err(CardError::InvalidInput(Invalid::PeerKeyLength {
                algorithm: alg,
                expected: want,
                got: peer.len(),
            }));
        }
        self.run(|ch, s| {
            if let Some(pin) = pin {
                verify(ch, s, pin)?;
            }
            general_authenticate(ch, slot, alg, 0x85, peer, true, Operation::KeyAgreement)
        })
    }

    /// GET METADATA (YubiKey 5.3+ `F7`) for a key slot, `9B`, PIN `80` or PUK `81`. `None` when
    /// the slot is empty.
    pub fn metadata(&mut self, slot: Slot) -> Result<Option<Metadata>, CardError> {
        self.run(|ch, s| metadata(ch, s, slot))
    }

    /// SET MANAGEMENT KEY (YubiKey `FF`): data `alg 9B len key`, P2 `FE` to require touch.
    /// Needs management-key authentication with the current key.
    pub fn set_management_key(
        &mut self,
        new: &ManagementKey,
        require_touch: bool,
    ) -> Result<(), CardError> {
        let key = new.expose();
        let mut data = Zeroizing::new(Vec::with_capacity(key.len() + 3));
        data.extend_from_slice(&[new.algorithm().id(), 0x9B, key.len() as u8]);
        data.extend_from_slice(key);
        self.run(|ch, s| {
            let r = ch.transmit(
                &Command::new(ins::SET_MGMKEY)
                    .p1(0xFF)
                    .p2(if require_touch { 0xFE } else { 0xFF })
                    .secret_data(data),
            )?;
            match r.status() {
                StatusWord::Success => {
                    s.mgmt_authenticated = false;
                    Ok(())
                }
                StatusWord::IncorrectData | StatusWord::IncorrectP1P2 => {
                    Err(CardError::NotSupported(Operation::ManagementKeyAlgorithm))
                }
                st => Err(refused(Operation::SetManagementKey, st)),
            }
        })
    }

    /// SET PIN RETRIES (YubiKey `FA`). Needs management-key authentication and the PIN; the card
    /// then resets PIN and PUK to their factory defaults.
    pub fn set_pin_retries(&mut self, pin_tries: u8, puk_tries: u8) -> Result<(), CardError> {
        if pin_tries == 0 || puk_tries == 0 {
            return Err(CardError::InvalidInput(Invalid::RetryCounts));
        }
        self.run(|ch, s| {
            let r = ch.transmit(
                &Command::new(ins::SET_PIN_RETRIES)
                    .p1(pin_tries)
                    .p2(puk_tries),
            )?;
            ok(r, Operation::SetRetries)?;
            s.pin_verified = false;
            Ok(())
        })
    }

    /// RESET the PIV application (YubiKey `FB`): erases keys, certificates, PIN, PUK and
    /// management key. Refused here unless the card reports PIN and PUK both blocked.
    pub fn reset(&mut self) -> Result<(), CardError> {
        self.run(|ch, s| {
            let status = pin_status(ch, s)?;
            if !status.pin_blocked() {
                return Err(CardError::ResetRefused(ResetBlocker::PinNotBlocked));
            }
            match status.puk {
                None => return Err(CardError::ResetRefused(ResetBlocker::PukUnknown)),
                Some(r) if r.remaining != 0 => {
                    return Err(CardError::ResetRefused(ResetBlocker::PukNotBlocked))
                }
                Some(_) => {}
            }
            let r = ch.transmit(&Command::new(ins::RESET))?;
            ok(r, Operation::Reset)?;
            s.pin_verified = false;
            s.mgmt_authenticated = false;
            s.selected = false;
            Ok(())
        })
    }

    /// ATTEST (YubiKey `F9`): an X.509 certificate (DER) for a key generated on the card, signed
    /// by the attestation key in `F9`.
    pub fn attest(&mut self, slot: Slot) -> Result<Vec<u8>, CardError> {
        self.run(|ch, _| {
            let r = ch.transmit(&Command::new(ins::ATTEST).p1(slot.0).le(0))?;
            match r.status() {
                StatusWord::Success => Ok(r.into_data()),
                StatusWord::NotFound | StatusWord::ReferenceDataNotFound => {
                    Err(CardError::NotFound(Missing::Key))
                }
                StatusWord::IncorrectData | StatusWord::ConditionsNotSatisfied => {
                    Err(CardError::Refused {
                        operation: Operation::AttestImported,
                        status: r.status(),
                    })
                }
                st => Err(refused(Operation::Attest, st)),
            }
        })
    }

    /// IMPORT KEY (YubiKey `FE`, P1 algorithm, P2 slot). Needs management-key authentication.
    /// Returns the imported key's public half.
    pub fn import_key(
        &mut self,
        slot: Slot,
        key: &PrivateKey,
        pin_policy: PinPolicy,
        touch_policy: TouchPolicy,
    ) -> Result<PublicKey, CardError> {
        if !slot.is_key() {
            return Err(CardError::InvalidInput(Invalid::NotAKeySlot {
                slot: slot.0,
            }));
        }
        let public = key.public_key()?;
        let alg = public.algorithm();
        let mut data = key.import_template()?;
        if pin_policy != PinPolicy::Default {
            data.extend(tlv::encode(0xAA, &[pin_policy.to_byte()]));
        }
        if touch_policy != TouchPolicy::Default {
            data.extend(tlv::encode(0xAB, &[touch_policy.to_byte()]));
        }
        self.run(|ch, s| {
            drop_record(ch, s)?;
            let r = ch.transmit(
                &Command::new(ins::IMPORT_KEY)
                    .p1(alg.piv_id())
                    .p2(slot.0)
                    .secret_data(data),
            )?;
            match r.status() {
                StatusWord::Success => Ok(public),
                StatusWord::IncorrectData | StatusWord::IncorrectP1P2 => {
                    Err(CardError::NotSupported(Operation::ImportThisKey))
                }
                st => Err(refused(Operation::ImportKey, st)),
            }
        })
    }

    /// MOVE KEY (YubiKey 5.7 `F6`, P1 destination, P2 source): moves the private key of `from`
    /// into the empty slot `to` (policies travel with the key). Needs management-key
    /// authentication. Certificates are data objects and do not move.
    pub fn move_key(&mut self, from: Slot, to: Slot) -> Result<(), CardError> {
        if !from.is_key() || !to.is_key() || from == to {
            return Err(CardError::InvalidInput(Invalid::CannotMove {
                from: from.0,
                to: to.0,
            }));
        }
        self.move_or_delete(from, to.0)
    }

    /// Deletes the private key of `slot` (YubiKey 5.7 MOVE KEY with destination `FF`). Needs
    /// management-key authentication. The slot's certificate is left as it is.
    pub fn delete_key(&mut self, slot: Slot) -> Result<(), CardError> {
        if !slot.is_key() {
            return Err(CardError::InvalidInput(Invalid::NotAKeySlot {
                slot: slot.0,
            }));
        }
        self.move_or_delete(slot, 0xFF)
    }

    fn move_or_delete(&mut self, from: Slot, to: u8) -> Result<(), CardError> {
        self.run(|ch, s| {
            drop_record(ch, s)?;
            let r = ch.transmit(&Command::new(ins::MOVE_KEY).p1(to).p2(from.0))?;
            match r.status() {
                StatusWord::Success => Ok(()),
                StatusWord::NotFound | StatusWord::ReferenceDataNotFound => {
                    Err(CardError::NotFound(Missing::Key))
                }
                st => Err(refused(Operation::MoveKey, st)),
            }
        })
    }

    /// Every key slot that holds a key or a certificate, with algorithm, public key (from
    /// metadata, or from the certificate) and certificate. One transaction.
    pub fn key_slots(&mut self) -> Result<Vec<KeySlot>, CardError> {
        self.run(|ch, s| {
            let mut out = Vec::new();
            for slot in Slot::all_keys() {
                let meta = metadata_opt(ch, s, slot)?;
                let main = matches!(slot.0, 0x9A | 0x9C | 0x9D | 0x9E);
                // With metadata, retired slots without a key are skipped (saves 20 APDUs).
                let cert = if main || meta.is_some() || s.metadata_supported != Some(true) {
                    read_cert(ch, s, slot)?
                } else {
                    None
                };
                if meta.is_none() && cert.is_none() {
                    continue;
                }
                let cert_key = cert.as_ref().and_then(|c| {
                    x509_parser::parse_x509_certificate(&c.der)
                        .ok()
                        .and_then(|(_, x)| PublicKey::from_spki(x.public_key()).ok())
                });
                let public_key = meta
                    .as_ref()
                    .and_then(|m| m.public_key.clone())
                    .or(cert_key);
                let algorithm = match meta.as_ref().and_then(|m| m.algorithm) {
                    Some(MetadataAlgorithm::Key(a)) => Some(a),
                    _ => public_key.as_ref().map(PublicKey::algorithm),
                };
                out.push(KeySlot {
                    key: KeyRef(slot.0),
                    name: slot.name(),
                    algorithm,
                    generated: meta.as_ref().and_then(generated),
                    public_key,
                    certificate: cert.map(|c| c.der),
                });
            }
            Ok(out)
        })
    }
}

impl PivCard {
    /// Writes Sello's contents record ([`ContentsRecord`]) from what the card holds now: serial,
    /// version, and for every slot the token shows a hash of its certificate object and the
    /// key's origin. Call it when a change of keys or certificates is complete (every write of
    /// this driver deletes the record first). Needs management-key authentication. One
    /// transaction; returns the record written.
    pub fn seal_contents(&mut self) -> Result<ContentsRecord, CardError> {
        self.run(|ch, s| {
            if s.is_unsupported(ins::PUT_DATA, ObjectId::SELLO_CONTENTS.0) {
                return Err(CardError::NotSupported(Operation::ContentsRecord));
            }
            let serial = get_serial(ch)?;
            let version = get_version(ch, s)?;
            let history = get_data(ch, s, ObjectId::KEY_HISTORY)?;
            let mut slots = Vec::new();
            for slot in token_slots(history.as_deref()) {
                let Some(id) = slot.certificate_object() else {
                    continue;
                };
                let data = get_data(ch, s, id)?;
                let (certificate, generated) = if no_certificate(data.as_deref()) {
                    match key_without_certificate(ch, s, slot)? {
                        Some((_, m)) => (None, generated(&m)),
                        None => continue,
                    }
                } else {
                    let d = data.unwrap_or_default();
                    (Some(Sha256::digest(&d).into()), key_origin(ch, s, slot)?)
                };
                slots.push(RecordSlot {
                    slot: slot.0,
                    certificate,
                    generated,
                });
            }
            let record = ContentsRecord {
                serial,
                version,
                slots,
            };
            put_record(ch, s, &record.encode())?;
            Ok(record)
        })
    }

    /// Sello's contents record as the card holds it now (`None`: absent or unreadable).
    pub fn contents_record(&mut self) -> Result<Option<ContentsRecord>, CardError> {
        self.run(read_record).map(|r| r.map(|(rec, _)| rec))
    }
}

/// Deletes Sello's contents record before a change of the card's keys or certificates (same
/// transaction), so no record ever describes contents other than those Sello sealed. A card that
/// refuses the object (it never held one) is fine; a lost card is not.
fn drop_record(ch: &mut Channel<'_>, s: &mut Session) -> Result<(), CardError> {
    match put_record(ch, s, &[]) {
        Err(e @ CardError::Transport(_)) => Err(e),
        _ => Ok(()),
    }
}

/// PUT DATA of Sello's contents record. A card that refuses the object as not supported
/// ([`not_applicable`], e.g. `6A81` from an applet that refuses unknown data objects) is
/// remembered for the session: the record is not sent to it again, and the answer is
/// `NotSupported` at once.
fn put_record(ch: &mut Channel<'_>, s: &mut Session, value: &[u8]) -> Result<(), CardError> {
    let key = (ins::PUT_DATA, ObjectId::SELLO_CONTENTS.0);
    if s.unsupported.contains(&key) {
        return Err(CardError::NotSupported(Operation::ContentsRecord));
    }
    match put_data(ch, ObjectId::SELLO_CONTENTS, value) {
        Err(CardError::NotSupported(_)) => {
            s.unsupported.insert(key);
            Err(CardError::NotSupported(Operation::ContentsRecord))
        }
        Err(CardError::Refused { status, .. }) if not_applicable(status) => {
            s.unsupported.insert(key);
            Err(CardError::NotSupported(Operation::ContentsRecord))
        }
        other => other,
    }
}

/// GET DATA of the contents record: the record and its raw value, or `None` when absent or not
/// in a format this code reads.
fn read_record(
    ch: &mut Channel<'_>,
    s: &mut Session,
) -> Result<Option<(ContentsRecord, Vec<u8>)>, CardError> {
    let data = match get_data(ch, s, ObjectId::SELLO_CONTENTS) {
        Ok(Some(d)) => d,
        Ok(None) => return Ok(None),
        Err(e @ CardError::Transport(_)) => return Err(e),
        // A card that does not know the tag at all.
        Err(_) => return Ok(None),
    };
    Ok(container(&data)
        .ok()
        .and_then(|c| ContentsRecord::parse(c).ok())
        .map(|r| (r, data)))
}

/// The key slots a record lists, read and checked against it (see [`CardDriver::unseal`]).
fn unseal(
    ch: &mut Channel<'_>,
    s: &mut Session,
    record: &ContentsRecord,
) -> Result<Option<Vec<KeySlot>>, CardError> {
    let mut out = Vec::new();
    for r in &record.slots {
        let slot = Slot(r.slot);
        let Some(id) = slot.certificate_object() else {
            return Ok(None);
        };
        match &r.certificate {
            Some(hash) => {
                let Some(d) = get_data(ch, s, id)? else {
                    return Ok(None);
                };
                if Sha256::digest(&d).as_slice() != hash {
                    return Ok(None);
                }
                let Some(cert) = objects::parse_cert_container(container(&d)?)? else {
                    return Ok(None);
                };
                let mut k = KeySlot::from_certificate(KeyRef(slot.0), cert.der);
                k.generated = r.generated;
                out.push(k);
            }
            None => {
                let Some((_, m)) = key_without_certificate(ch, s, slot)? else {
                    return Ok(None);
                };
                out.push(keyless_slot(slot, m));
            }
        }
    }
    Ok(Some(out))
}

/// Bytes of each certificate object the content fingerprint covers. The start of a PIV
/// certificate container holds its total length (`53 82 LL LL`), the certificate's serial number
/// and the start of its issuer: a re-issued certificate (new serial, RFC 5280 §4.1.2.2) or one
/// of another length changes it. 128 bytes fit in the first answer of any card.
const PROBE_LEN: usize = 128;

/// The key slots a token shows: the four PIV keys, then the retired ones the key history
/// object says hold on-card certificates (SP 800-73-4 Part 1, 3.3.2: retired slots are used
/// from 82 upwards), as OpenSC's PIV driver does.
fn token_slots(history: Option<&[u8]>) -> Vec<Slot> {
    let retired = history
        .and_then(|h| container(h).ok())
        .and_then(|c| tlv::find(c, 0xC1).ok().flatten())
        .and_then(|v| v.first().copied())
        .unwrap_or(0)
        .min(20);
    [
        Slot::AUTHENTICATION,
        Slot::SIGNATURE,
        Slot::KEY_MANAGEMENT,
        Slot::CARD_AUTHENTICATION,
    ]
    .into_iter()
    .chain((1..=retired).filter_map(Slot::retired))
    .collect()
}

/// Adds one object to the fingerprint: its tag, whether it exists, and its first bytes.
fn fingerprint_object(h: &mut Sha256, id: ObjectId, data: Option<&[u8]>) {
    h.update(id.tag_bytes());
    match data {
        None => h.update([0u8]),
        Some(d) => {
            let p = d.get(..PROBE_LEN).unwrap_or(d);
            h.update([1u8]);
            h.update((p.len() as u16).to_be_bytes());
            h.update(p);
        }
    }
}

/// A key in one of the four PIV slots without a certificate, from metadata (YubiKey 5.3+; other
/// cards: none, as with OpenSC). Retired slots are not asked: only those with certificates
/// show, as the key history object lists them.
fn key_without_certificate(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<(Vec<u8>, Metadata)>, CardError> {
    if !matches!(slot.0, 0x9A | 0x9C | 0x9D | 0x9E) || s.metadata_supported == Some(false) {
        return Ok(None);
    }
    match metadata_raw(ch, s, slot) {
        Err(CardError::NotSupported(_)) => Ok(None),
        other => other,
    }
}

/// A key without a certificate, as its metadata shows it.
fn keyless_slot(slot: Slot, m: Metadata) -> KeySlot {
    let algorithm = match m.algorithm {
        Some(MetadataAlgorithm::Key(a)) => Some(a),
        _ => m.public_key.as_ref().map(PublicKey::algorithm),
    };
    KeySlot {
        key: KeyRef(slot.0),
        name: slot.name(),
        algorithm,
        generated: generated(&m),
        public_key: m.public_key,
        certificate: None,
    }
}

/// Whether metadata says the key was generated on the card (`None`: origin not reported).
fn generated(m: &Metadata) -> Option<bool> {
    m.origin.map(|o| o == KeyOrigin::Generated)
}

/// The origin of the key in a slot with a certificate, from metadata (YubiKey 5.3+; one APDU on
/// a cold read, then cached with the certificates). `None` on cards without metadata, and when
/// the card will not say: the origin is not worth failing a token load for.
fn key_origin(
    ch: &mut Channel<'_>,
    s: &mut Session,
    slot: Slot,
) -> Result<Option<bool>, CardError> {
    if s.metadata_supported == Some(false) {
        return Ok(None);
    }
    match metadata(ch, s, slot) {
        Ok(m) => Ok(m.as_ref().and_then(generated)),
        Err(e @ CardError::Transport(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// Whether a certificate object (whole, or its first answer) holds no certificate: absent, or
/// an empty container (how a deleted certificate looks on some cards).
fn no_certificate(data: Option<&[u8]>) -> bool {
    matches!(data, None | Some([] | [0x53, 0x00]))
}

/// Adds a key known from metadata to the fingerprint (a key generated without a certificate).
fn fingerprint_key(h: &mut Sha256, key: Option<&(Vec<u8>, Metadata)>) {
    match key {
        None => h.update([0u8]),
        Some((raw, _)) => {
            h.update([2u8]);
            h.update((raw.len() as u32).to_be_bytes());
            h.update(raw);
        }
    }
}

/// GET DATA, first answer only (no GET RESPONSE): `Some(None)` when absent, `None` when the
/// card answers something else (e.g. `6Cxx`): then the object is read in full.
fn probe(
    ch: &mut Channel<'_>,
    s: &mut Session,
    id: ObjectId,
) -> Result<Option<Option<Vec<u8>>>, CardError> {
    if s.is_unsupported(ins::GET_DATA, id.0) {
        return Ok(Some(None));
    }
    let body = tlv::encode(0x5C, &id.tag_bytes());
    let r = ch.transmit_first(
        &Command::new(ins::GET_DATA)
            .p1(0x3F)
            .p2(0xFF)
            .data(body)
            .le(0),
    )?;
    match r.status() {
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => Ok(Some(None)),
        StatusWord::Success | StatusWord::BytesRemaining(_) => Ok(Some(Some(r.into_data()))),
        st if not_applicable(st) => {
            s.unsupported.insert((ins::GET_DATA, id.0));
            Ok(Some(None))
        }
        _ => Ok(None),
    }
}

/// The token's contents in one transaction (see [`CardDriver::contents`]). The fingerprint
/// covers the key history object and the first [`PROBE_LEN`] bytes of every certificate object
/// the token shows. With a known fingerprint the objects are first probed (one short APDU each);
/// only when that differs are they read in full.
fn contents(
    ch: &mut Channel<'_>,
    s: &mut Session,
    known: Option<&[u8]>,
) -> Result<CardContents, CardError> {
    let history = get_data(ch, s, ObjectId::KEY_HISTORY)?;
    let slots = token_slots(history.as_deref());
    let start = || {
        let mut h = Sha256::new();
        h.update(b"sello piv contents v1");
        fingerprint_object(&mut h, ObjectId::KEY_HISTORY, history.as_deref());
        h
    };
    if let Some(known) = known {
        let mut h = start();
        let mut sure = true;
        for slot in &slots {
            let Some(id) = slot.certificate_object() else {
                continue;
            };
            let Some(cert) = probe(ch, s, id)? else {
                sure = false;
                break;
            };
            fingerprint_object(&mut h, id, cert.as_deref());
            if no_certificate(cert.as_deref()) {
                fingerprint_key(&mut h, key_without_certificate(ch, s, *slot)?.as_ref());
            }
        }
        if sure && h.finalize().as_slice() == known {
            return Ok(CardContents {
                fingerprint: Some(known.to_vec()),
                slots: None,
            });
        }
    }
    let mut h = start();
    let mut out = Vec::new();
    for slot in &slots {
        let Some(id) = slot.certificate_object() else {
            continue;
        };
        let data = get_data(ch, s, id)?;
        fingerprint_object(&mut h, id, data.as_deref());
        if no_certificate(data.as_deref()) {
            let key = key_without_certificate(ch, s, *slot)?;
            fingerprint_key(&mut h, key.as_ref());
            if let Some((_, m)) = key {
                out.push(keyless_slot(*slot, m));
            }
        } else if let Some(d) = data {
            if let Some(cert) = objects::parse_cert_container(container(&d)?)? {
                let mut k = KeySlot::from_certificate(KeyRef(slot.0), cert.der);
                k.generated = key_origin(ch, s, *slot)?;
                out.push(k);
            }
        }
    }
    Ok(CardContents {
        fingerprint: Some(h.finalize().to_vec()),
        slots: Some(out),
    })
}

/// GET VERSION, cached in the session (it cannot change without a new card).
fn get_version(ch: &mut Channel<'_>, s: &mut Session) -> Result<Option<Version>, CardError> {
    if let Some(v) = s.version {
        return Ok(v);
    }
    let r = ch.transmit(&Command::new(ins::GET_VERSION).le(0))?;
    let v = match r.status() {
        StatusWord::Success => match r.data() {
            [major, minor, patch, ..] => Some(Version {
                major: *major,
                minor: *minor,
                patch: *patch,
            }),
            _ => {
                return Err(CardError::Malformed {
                    what: CardData::Response(Operation::GetVersion),
                    source: crate::apdu::ApduError::Truncated {
                        needed: 3,
                        available: r.data().len(),
                    },
                })
            }
        },
        st if not_applicable(st) => None,
        st => return Err(refused(Operation::GetVersion, st)),
    };
    s.version = Some(v);
    Ok(v)
}

fn get_serial(ch: &mut Channel<'_>) -> Result<u32, CardError> {
    let r = ch.transmit(&Command::new(ins::GET_SERIAL).le(0))?;
    let d = ok(r, Operation::GetSerial)?;
    match d.as_slice() {
        [a, b, c, e] => Ok(u32::from_be_bytes([*a, *b, *c, *e])),
        _ => Err(CardError::Malformed {
            what: CardData::Response(Operation::GetSerial),
            source: crate::apdu::ApduError::FieldLength {
                expected: 4,
                got: d.len(),
            },
        }),
    }
}

/// PUT DATA of an object holding a secret (the PIN-protected management key): the command is
/// marked secret, so traces redact it, and its buffer is zeroized.
fn put_secret(ch: &mut Channel<'_>, id: ObjectId, value: &[u8]) -> Result<(), CardError> {
    let mut body = Zeroizing::new(tlv::encode(0x5C, &id.tag_bytes()));
    body.extend_from_slice(&Zeroizing::new(tlv::encode(0x53, value)));
    let r = ch.transmit(
        &Command::new(ins::PUT_DATA)
            .p1(0x3F)
            .p2(0xFF)
            .secret_data(body),
    )?;
    ok(r, Operation::PutData).map(drop)
}

/// GET DATA of an object holding a secret: traces redact the response; the data comes back in a
/// zeroizing buffer.
fn get_secret(ch: &mut Channel<'_>, id: ObjectId) -> Result<Option<Zeroizing<Vec<u8>>>, CardError> {
    let body = Zeroizing::new(tlv::encode(0x5C, &id.tag_bytes()));
    let r = ch.transmit(
        &Command::new(ins::GET_DATA)
            .p1(0x3F)
            .p2(0xFF)
            .secret_data(body)
            .le(0),
    )?;
    match r.status() {
        StatusWord::NotFound | StatusWord::ReferenceDataNotFound => Ok(None),
        _ => ok(r, Operation::GetData).map(|d| Some(Zeroizing::new(d))),
    }
}

fn put_data(ch: &mut Channel<'_>, id: ObjectId, value: &[u8]) -> Result<(), CardError> {
    let body = [tlv::encode(0x5C, &id.tag_bytes()), tlv::encode(0x53, value)].concat();
    let r = ch.transmit(&Command::new(ins::PUT_DATA).p1(0x3F).p2(0xFF).data(body))?;
    ok(r, Operation::PutData).map(drop)
}

impl CardDriver for PivCard {
    fn driver_name(&self) -> &'static str {
        "PIV"
    }

    fn info(&mut self) -> Result<CardInfo, CardError> {
        self.identity(true)
    }

    fn key_slots(&mut self) -> Result<Vec<KeySlot>, CardError> {
        PivCard::key_slots(self)
    }

    fn identity(&mut self, with_version: bool) -> Result<CardInfo, CardError> {
        let (version, serial) = self.run(|ch, s| {
            let version = if with_version {
                get_version(ch, s)?
            } else {
                None
            };
            let serial = match get_serial(ch) {
                Ok(n) => Some(n.to_string()),
                Err(CardError::NotSupported(_) | CardError::Refused { .. }) => None,
                Err(e) => return Err(e),
            };
            Ok((version.map(|v| v.to_string()), serial))
        })?;
        Ok(CardInfo {
            driver: "PIV",
            reader: self.transport.reader_name().to_owned(),
            atr: self.transport.atr().to_vec(),
            label: self.properties().and_then(|p| p.label.clone()),
            serial,
            version,
        })
    }

    fn firmware_version(&mut self) -> Result<Option<String>, CardError> {
        Ok(self.run(get_version)?.map(|v| v.to_string()))
    }

    fn contents(&mut self, known: Option<&[u8]>) -> Result<CardContents, CardError> {
        self.run(|ch, s| contents(ch, s, known))
    }

    fn sealed(&mut self) -> Result<Option<Sealed>, CardError> {
        let Some((record, raw)) = self.run(read_record)? else {
            return Ok(None);
        };
        let mut h = Sha256::new();
        h.update(b"sello piv contents record v1");
        h.update(&raw);
        Ok(Some(Sealed {
            info: CardInfo {
                driver: "PIV",
                reader: self.transport.reader_name().to_owned(),
                atr: self.transport.atr().to_vec(),
                label: self.properties().and_then(|p| p.label.clone()),
                serial: Some(record.serial.to_string()),
                version: record.version.map(|v| v.to_string()),
            },
            fingerprint: h.finalize().to_vec(),
            record: raw,
        }))
    }

    fn unseal(&mut self, sealed: &Sealed) -> Result<Option<Vec<KeySlot>>, CardError> {
        let Some(record) = container(&sealed.record)
            .ok()
            .and_then(|c| ContentsRecord::parse(c).ok())
        else {
            return Ok(None);
        };
        self.run(|ch, s| unseal(ch, s, &record))
    }

    fn pin_status(&mut self) -> Result<PinStatus, CardError> {
        PivCard::pin_status(self)
    }

    fn verify_pin(&mut self, pin: &Pin) -> Result<(), CardError> {
        PivCard::verify_pin(self, pin)
    }

    fn logout(&mut self) -> Result<(), CardError> {
        PivCard::logout(self)
    }

    fn change_pin(&mut self, old: &Pin, new: &Pin) -> Result<(), CardError> {
        PivCard::change_pin(self, old, new)
    }

    fn unblock_pin(&mut self, puk: &Puk, new: &Pin) -> Result<(), CardError> {
        PivCard::unblock_pin(self, puk, new)
    }

    fn read_certificate(&mut self, key: KeyRef) -> Result<Option<Vec<u8>>, CardError> {
        Ok(PivCard::read_certificate(self, Slot(key.0))?.map(|c| c.der))
    }

    fn sign_raw(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Vec<u8>, CardError> {
        self.sign(Slot(key.0), algorithm, data, pin)
    }

    fn decrypt_raw(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        data: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError> {
        self.decrypt(Slot(key.0), algorithm, data, pin)
    }

    fn key_agreement(
        &mut self,
        key: KeyRef,
        algorithm: KeyAlgorithm,
        peer: &[u8],
        pin: Option<&Pin>,
    ) -> Result<Zeroizing<Vec<u8>>, CardError> {
        self.ecdh(Slot(key.0), algorithm, peer, pin)
    }

    fn change_puk(&mut self, old: &Puk, new: &Puk) -> Result<(), CardError> {
        PivCard::change_puk(self, old, new)
    }

    fn pin_retries(&mut self) -> Result<Option<Retries>, CardError> {
        // YubiKey GET METADATA for the PIN reference (`F7 00 80`): tries without a VERIFY. A
        // card without metadata (or whose metadata leaves the counter out) is asked with an
        // empty VERIFY (SP 800-73-4 Part 2, 3.2.1: no PIN sent, no try spent), the way
        // `sello pin status` asks.
        match self.metadata(Slot::PIN) {
            Ok(Some(Metadata {
                retries: Some(r), ..
            })) => Ok(Some(r)),
            Ok(_) | Err(CardError::NotSupported(_)) => Ok(self.pin_status()?.pin),
            Err(e) => Err(e),
        }
    }

    fn puk_retries(&mut self) -> Result<Option<Retries>, CardError> {
        // GET METADATA for the PUK reference (`F7 00 81`); nothing is sent to a card known not
        // to have metadata.
        match self.metadata(Slot::PUK) {
            Ok(m) => Ok(m.and_then(|m| m.retries)),
            Err(CardError::NotSupported(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn take_reset_event(&mut self) -> bool {
        std::mem::take(&mut self.state.reset_event)
    }

    fn apdu_count(&self) -> u64 {
        self.transport.tracer().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_status_words() {
        let en = |e: CardError| crate::i18n::with_language("en", || e.to_string());
        assert!(pin_result(StatusWord::Success, false, Operation::Verify).is_ok());
        assert!(matches!(
            pin_result(
                StatusWord::VerifyFail { tries: 2 },
                false,
                Operation::Verify
            ),
            Err(CardError::WrongPin { tries_left: 2 })
        ));
        assert!(matches!(
            pin_result(
                StatusWord::VerifyFail { tries: 0 },
                false,
                Operation::Verify
            ),
            Err(CardError::PinBlocked)
        ));
        assert!(matches!(
            pin_result(StatusWord::AuthenticationBlocked, true, Operation::Verify),
            Err(CardError::PukBlocked)
        ));
        assert!(matches!(
            pin_result(StatusWord::VerifyFail { tries: 1 }, true, Operation::Verify),
            Err(CardError::WrongPuk { tries_left: 1 })
        ));
        assert_eq!(
            en(CardError::WrongPin { tries_left: 2 }),
            "wrong PIN, 2 tries left"
        );
        assert_eq!(
            en(CardError::WrongPin { tries_left: 1 }),
            "wrong PIN, 1 try left"
        );
        assert_eq!(
            en(CardError::PinBlocked),
            "PIN blocked: use the PUK to unblock it"
        );
        assert_eq!(
            en(CardError::from(TransportError::CardRemoved)),
            "card communication failed: card removed during the operation"
        );
    }

    #[test]
    fn sign_inputs() {
        assert_eq!(
            sign_input(KeyAlgorithm::EccP256, &[1; 20]).unwrap()[..12],
            [0; 12]
        );
        assert_eq!(
            sign_input(KeyAlgorithm::EccP256, &[1; 64]).unwrap().len(),
            32
        );
        assert_eq!(
            sign_input(KeyAlgorithm::EccP384, &[1; 32]).unwrap().len(),
            48
        );
        assert!(sign_input(KeyAlgorithm::Rsa2048, &[1; 255]).is_err());
        assert!(sign_input(KeyAlgorithm::X25519, &[1; 32]).is_err());
        assert_eq!(
            &*dynamic_auth(0x81, &[1, 2]),
            &[0x7C, 0x06, 0x82, 0x00, 0x81, 0x02, 1, 2]
        );
    }
}
