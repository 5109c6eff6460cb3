//! Parsers and encoders for PIV data: the application property template, CHUID, CCC, discovery
//! object, certificate containers and the YubiKey metadata. All sans-IO, all bounds-checked.

use super::types::{PinPolicy, TouchPolicy};
use crate::apdu::{tlv, ApduError, TlvFault};
use crate::card::{CardData, CardError, CryptoStep, KeyAlgorithm, Operation, PublicKey, Retries};
use crate::pin::ManagementAlgorithm;
use std::io::Read;

/// A fixed-size field of card data that has another size.
fn field_length(expected: usize, got: usize) -> ApduError {
    ApduError::FieldLength { expected, got }
}

/// Largest certificate accepted after decompression (a bound against gzip bombs).
pub const MAX_CERT_LEN: usize = 64 * 1024;

/// The SELECT response: application property template (SP 800-73-4 Part 2, 3.1.1, Table 3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationProperties {
    /// Application identifier (PIX `4F`, or the full AID from the allocation authority `79/4F`).
    pub aid: Vec<u8>,
    /// Application label (`50`).
    pub label: Option<String>,
    /// Application URL (`5F50`).
    pub url: Option<String>,
    /// Cryptographic algorithms supported (`AC/80`), raw identifiers.
    pub algorithms: Vec<u8>,
}

impl ApplicationProperties {
    /// Parses `61 L {...}` (or its contents, as some cards omit the wrapper).
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = || CardError::malformed(CardData::ApplicationTemplate);
        let body = match data.first() {
            Some(0x61) => tlv::expect_single(data, 0x61).map_err(m())?,
            _ => data,
        };
        let mut out = Self::default();
        for t in tlv::iter(body) {
            let t = t.map_err(m())?;
            match t.tag {
                0x4F => out.aid = t.value.to_vec(),
                0x79 => {
                    if let Some(aid) = tlv::find(t.value, 0x4F).map_err(m())? {
                        out.aid = aid.to_vec();
                    }
                }
                0x50 => out.label = Some(String::from_utf8_lossy(t.value).into_owned()),
                0x5F50 => out.url = Some(String::from_utf8_lossy(t.value).into_owned()),
                0xAC => {
                    for a in t.children() {
                        let a = a.map_err(m())?;
                        if a.tag == 0x80 {
                            out.algorithms.extend_from_slice(a.value);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Card Holder Unique Identifier (SP 800-73-4 Part 1, Appendix A, Table 9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chuid {
    /// FASC-N (`30`, 25 bytes BCD-encoded).
    pub fascn: Option<Vec<u8>>,
    /// Organizational identifier (`32`).
    pub org_id: Option<Vec<u8>>,
    /// GUID (`34`, 16 bytes).
    pub guid: Option<[u8; 16]>,
    /// Expiration date (`35`, `YYYYMMDD`).
    pub expiry: Option<String>,
    /// Cardholder UUID (`36`).
    pub cardholder_uuid: Option<[u8; 16]>,
    /// Whether an issuer signature (`3E`) is present (and non-empty).
    pub signed: bool,
}

impl Chuid {
    /// Parses the value of the CHUID container (contents of `53`).
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = || CardError::malformed(CardData::Chuid);
        let mut out = Self::default();
        for t in tlv::iter(data) {
            let t = t.map_err(m())?;
            match t.tag {
                0x30 => out.fascn = Some(t.value.to_vec()),
                0x32 => out.org_id = Some(t.value.to_vec()),
                0x34 => out.guid = t.value.try_into().ok(),
                0x35 => out.expiry = Some(String::from_utf8_lossy(t.value).into_owned()),
                0x36 => out.cardholder_uuid = t.value.try_into().ok(),
                0x3E => out.signed = !t.value.is_empty(),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Builds a CHUID value (contents of `53`) with the given GUID and expiry, unsigned, with a
    /// fixed placeholder FASC-N (callers with a real issuer write their own CHUID via `write_object`).
    pub fn encode(guid: &[u8; 16], expiry_yyyymmdd: &str) -> Vec<u8> {
        const FASCN: [u8; 25] = [
            0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68, 0x58,
            0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB,
        ];
        [
            tlv::encode(0x30, &FASCN),
            tlv::encode(0x34, guid),
            tlv::encode(0x35, expiry_yyyymmdd.as_bytes()),
            tlv::encode(0x3E, &[]),
            tlv::encode(0xFE, &[]),
        ]
        .concat()
    }
}

/// Card Capability Container (SP 800-73-4 Part 1, Appendix A, Table 8), the fields used here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ccc {
    /// Card identifier (`F0`).
    pub card_identifier: Vec<u8>,
    /// Capability container version (`F1`).
    pub container_version: Option<u8>,
    /// The raw contents.
    pub raw: Vec<u8>,
}

impl Ccc {
    /// Parses the value of the CCC container.
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = || CardError::malformed(CardData::Ccc);
        let mut out = Self {
            raw: data.to_vec(),
            ..Self::default()
        };
        for t in tlv::iter(data) {
            let t = t.map_err(m())?;
            match t.tag {
                0xF0 => out.card_identifier = t.value.to_vec(),
                0xF1 => out.container_version = t.value.first().copied(),
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Discovery object (SP 800-73-4 Part 1, 3.3.2, Table 18): AID and PIN usage policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The PIV AID (`4F`).
    pub aid: Vec<u8>,
    /// PIN usage policy (`5F2F`), two bytes.
    pub pin_usage_policy: [u8; 2],
}

impl Discovery {
    /// Parses `7E L { 4F aid, 5F2F policy }` (or its contents).
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = || CardError::malformed(CardData::Discovery);
        let body = match data.first() {
            Some(0x7E) => tlv::expect_single(data, 0x7E).map_err(m())?,
            _ => data,
        };
        let aid = tlv::require(body, 0x4F).map_err(m())?.to_vec();
        let policy = tlv::require(body, 0x5F2F).map_err(m())?;
        let pin_usage_policy = match policy {
            [a, b, ..] => [*a, *b],
            _ => {
                return Err(CardError::Malformed {
                    what: CardData::Discovery,
                    source: ApduError::Truncated {
                        needed: 2,
                        available: policy.len(),
                    },
                })
            }
        };
        Ok(Self {
            aid,
            pin_usage_policy,
        })
    }

    /// The PIV application PIN satisfies the card's access rules (first byte bit 7).
    pub fn piv_pin(&self) -> bool {
        self.pin_usage_policy[0] & 0x40 != 0
    }
    /// A global PIN satisfies the access rules (first byte bit 6).
    pub fn global_pin(&self) -> bool {
        self.pin_usage_policy[0] & 0x20 != 0
    }
    /// On-card biometric comparison is supported (first byte bit 5).
    pub fn occ(&self) -> bool {
        self.pin_usage_policy[0] & 0x10 != 0
    }
    /// The global PIN is the primary PIN (second byte `0x20`).
    pub fn global_pin_primary(&self) -> bool {
        self.pin_usage_policy[1] == 0x20
    }
}

/// Sello's contents record (data object [`super::ObjectId::SELLO_CONTENTS`]): what the token
/// shows, as Sello computed it from the card itself right after its last change of the card's
/// keys or certificates. Sello deletes the record before every such change and writes it again
/// when the change is complete, so a record present on the card always describes the contents
/// Sello left there. Like the "cardcf" freshness file of Windows smart-card minidrivers, it lets
/// a reader of the card trust its cache with one GET DATA instead of probing every object; tools
/// that do not know of it (yubico-piv-tool, OpenSC) change the card without updating it.
///
/// Value of `53`: `80 01 format`, `81 04 serial`, `82 03 version` (optional), then one `A0` per
/// slot the token shows: `83 01 slot`, `84 20 SHA-256 of the certificate object as GET DATA
/// returns it` (absent: a key without a certificate), `85 01 origin` (`01` generated on the
/// card, `02` imported; absent: unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentsRecord {
    /// The card's serial (GET SERIAL) when the record was written.
    pub serial: u32,
    /// The firmware version, when the card reports one.
    pub version: Option<super::Version>,
    /// The slots, in token order.
    pub slots: Vec<RecordSlot>,
}

/// One slot of a [`ContentsRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSlot {
    /// The key reference.
    pub slot: u8,
    /// SHA-256 of the certificate object; `None` for a key without a certificate.
    pub certificate: Option<[u8; 32]>,
    /// `Some(true)`: generated on the card; `Some(false)`: imported; `None`: unknown.
    pub generated: Option<bool>,
}

impl ContentsRecord {
    /// The format this code writes and reads.
    pub const FORMAT: u8 = 1;
    /// At most this many slots (4 PIV keys + 20 retired).
    const MAX_SLOTS: usize = 24;

    /// Parses the value of the record's container (contents of `53`). A record of another
    /// format is an error (the reader then ignores it).
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let bad = |why: crate::apdu::ApduError| CardError::Malformed {
            what: CardData::ContentsRecord,
            source: why,
        };
        let m = || CardError::malformed(CardData::ContentsRecord);
        if tlv::require(data, 0x80).map_err(m())? != [Self::FORMAT] {
            return Err(bad(ApduError::BadTlv(TlvFault::UnknownFormat)));
        }
        let raw_serial = tlv::require(data, 0x81).map_err(m())?;
        let serial = <[u8; 4]>::try_from(raw_serial)
            .map(u32::from_be_bytes)
            .map_err(|_| bad(field_length(4, raw_serial.len())))?;
        let version = match tlv::find(data, 0x82).map_err(m())? {
            None => None,
            Some(&[major, minor, patch]) => Some(super::Version {
                major,
                minor,
                patch,
            }),
            Some(v) => return Err(bad(field_length(3, v.len()))),
        };
        let mut slots = Vec::new();
        for t in tlv::iter(data) {
            let t = t.map_err(m())?;
            if t.tag != 0xA0 {
                continue;
            }
            if slots.len() == Self::MAX_SLOTS {
                return Err(bad(ApduError::BadTlv(TlvFault::TooManyEntries)));
            }
            let body = t.value;
            let slot = match tlv::require(body, 0x83).map_err(m())? {
                [s] => *s,
                s => return Err(bad(field_length(1, s.len()))),
            };
            let certificate = match tlv::find(body, 0x84).map_err(m())? {
                None => None,
                Some(h) => {
                    Some(<[u8; 32]>::try_from(h).map_err(|_| bad(field_length(32, h.len())))?)
                }
            };
            let generated = match tlv::find(body, 0x85).map_err(m())? {
                None => None,
                Some([1]) => Some(true),
                Some([2]) => Some(false),
                Some(_) => return Err(bad(ApduError::BadTlv(TlvFault::UnknownValue))),
            };
            if slots.iter().any(|s: &RecordSlot| s.slot == slot) {
                return Err(bad(ApduError::BadTlv(TlvFault::RepeatedEntry)));
            }
            slots.push(RecordSlot {
                slot,
                certificate,
                generated,
            });
        }
        Ok(Self {
            serial,
            version,
            slots,
        })
    }

    /// The value of the record's container (contents of `53`).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = tlv::encode(0x80, &[Self::FORMAT]);
        out.extend(tlv::encode(0x81, &self.serial.to_be_bytes()));
        if let Some(v) = self.version {
            out.extend(tlv::encode(0x82, &[v.major, v.minor, v.patch]));
        }
        for s in &self.slots {
            let mut body = tlv::encode(0x83, &[s.slot]);
            if let Some(h) = &s.certificate {
                body.extend(tlv::encode(0x84, h));
            }
            if let Some(g) = s.generated {
                body.extend(tlv::encode(0x85, &[if g { 1 } else { 2 }]));
            }
            out.extend(tlv::encode(0xA0, &body));
        }
        out
    }
}

/// A certificate as stored on the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// The certificate, DER (decompressed).
    pub der: Vec<u8>,
    /// Whether it was stored gzip-compressed (`71 01 01`).
    pub compressed: bool,
}

/// Parses a certificate container `{ 70 cert | 71 info | FE lrc }` (contents of `53`,
/// SP 800-73-4 Part 1, Appendix A, Table 10). An empty container yields `None`.
pub fn parse_cert_container(data: &[u8]) -> Result<Option<StoredCertificate>, CardError> {
    let m = || CardError::malformed(CardData::CertificateContainer);
    if data.is_empty() {
        return Ok(None);
    }
    let Some(cert) = tlv::find(data, 0x70).map_err(m())? else {
        return Ok(None);
    };
    if cert.is_empty() {
        return Ok(None);
    }
    let info = tlv::find(data, 0x71).map_err(m())?.unwrap_or(&[]);
    let compressed = info.first().is_some_and(|b| b & 0x01 != 0);
    let der = if compressed {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(cert)
            .take(MAX_CERT_LEN as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| CardError::Malformed {
                what: CardData::CompressedCertificate,
                source: ApduError::BadTlv(TlvFault::BadCompression),
            })?;
        if out.len() > MAX_CERT_LEN {
            return Err(CardError::Malformed {
                what: CardData::CompressedCertificate,
                source: ApduError::BadTlv(TlvFault::TooLarge),
            });
        }
        out
    } else {
        cert.to_vec()
    };
    Ok(Some(StoredCertificate { der, compressed }))
}

/// Encodes a certificate container, gzip-compressing when asked (`71 01 01`).
pub fn encode_cert_container(der: &[u8], compress: bool) -> Result<Vec<u8>, CardError> {
    let (body, info) = if compress {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(der)
            .map_err(|_| CardError::Crypto(CryptoStep::Compression))?;
        (
            gz.finish()
                .map_err(|_| CardError::Crypto(CryptoStep::Compression))?,
            1u8,
        )
    } else {
        (der.to_vec(), 0u8)
    };
    Ok([
        tlv::encode(0x70, &body),
        tlv::encode(0x71, &[info]),
        tlv::encode(0xFE, &[]),
    ]
    .concat())
}

/// Where a key came from (YubiKey metadata tag `03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Generated on the card (`01`).
    Generated,
    /// Imported (`02`).
    Imported,
    /// Other value.
    Other(u8),
}

/// The algorithm reported by metadata: asymmetric, management key, or PIN/PUK (`FF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataAlgorithm {
    /// An asymmetric key.
    Key(KeyAlgorithm),
    /// The management key.
    Management(ManagementAlgorithm),
    /// PIN or PUK (`FF`).
    Pin,
    /// Anything else.
    Other(u8),
}

/// YubiKey GET METADATA response (INS `F7`), every field the card may send. Every field is
/// optional: PIV applets other than the YubiKey's answer only some tags (e.g. `05 01 01 06 02 05
/// 05` for the PIN, without the algorithm), and what is missing is derived elsewhere (the
/// algorithm from the certificate or the GENERATE answer, tries from an empty VERIFY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// `01` algorithm.
    pub algorithm: Option<MetadataAlgorithm>,
    /// `02` PIN policy (first byte).
    pub pin_policy: Option<PinPolicy>,
    /// `02` touch policy (second byte).
    pub touch_policy: Option<TouchPolicy>,
    /// `03` origin.
    pub origin: Option<KeyOrigin>,
    /// `04` public key.
    pub public_key: Option<PublicKey>,
    /// `05` whether the value is still the factory default (PIN, PUK, management key).
    pub is_default: Option<bool>,
    /// `06` retries (PIN/PUK): total and remaining.
    pub retries: Option<Retries>,
}

impl Metadata {
    /// Parses the TLV list of a GET METADATA response; a tag that is missing (or empty) leaves
    /// its field `None`. Only a TLV list that does not parse is an error.
    pub fn parse(data: &[u8]) -> Result<Self, CardError> {
        let m = || CardError::malformed(CardData::Response(Operation::GetMetadata));
        let algorithm = tlv::find(data, 0x01)
            .map_err(m())?
            .and_then(|v| v.first().copied())
            .map(|alg| {
                if alg == 0xFF {
                    MetadataAlgorithm::Pin
                } else if let Some(k) = KeyAlgorithm::from_piv_id(alg) {
                    MetadataAlgorithm::Key(k)
                } else if let Some(k) = ManagementAlgorithm::from_id(alg) {
                    MetadataAlgorithm::Management(k)
                } else {
                    MetadataAlgorithm::Other(alg)
                }
            });
        let mut out = Self {
            algorithm,
            pin_policy: None,
            touch_policy: None,
            origin: None,
            public_key: None,
            is_default: None,
            retries: None,
        };
        for t in tlv::iter(data) {
            let t = t.map_err(m())?;
            match (t.tag, t.value) {
                (0x02, [pin, touch, ..]) => {
                    out.pin_policy = PinPolicy::from_byte(*pin);
                    out.touch_policy = TouchPolicy::from_byte(*touch);
                }
                (0x02, [pin]) => out.pin_policy = PinPolicy::from_byte(*pin),
                (0x03, [o, ..]) => {
                    out.origin = Some(match o {
                        1 => KeyOrigin::Generated,
                        2 => KeyOrigin::Imported,
                        o => KeyOrigin::Other(*o),
                    })
                }
                (0x04, v) => {
                    if let Some(MetadataAlgorithm::Key(k)) = algorithm {
                        out.public_key = Some(PublicKey::from_template(k, v)?);
                    }
                }
                (0x05, [d, ..]) => out.is_default = Some(*d != 0),
                (0x06, [total, remaining, ..]) => {
                    out.retries = Some(Retries {
                        remaining: *remaining,
                        total: Some(*total),
                    })
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_record_round_trip_and_refusals() {
        let r = ContentsRecord {
            serial: 10_000_001,
            version: Some(super::super::Version {
                major: 5,
                minor: 7,
                patch: 1,
            }),
            slots: vec![
                RecordSlot {
                    slot: 0x9A,
                    certificate: Some([7; 32]),
                    generated: Some(true),
                },
                RecordSlot {
                    slot: 0x9D,
                    certificate: None,
                    generated: Some(false),
                },
                RecordSlot {
                    slot: 0x82,
                    certificate: Some([1; 32]),
                    generated: None,
                },
            ],
        };
        let bytes = r.encode();
        assert_eq!(ContentsRecord::parse(&bytes).unwrap(), r);
        let no_version = ContentsRecord {
            version: None,
            slots: Vec::new(),
            ..r.clone()
        };
        assert_eq!(
            ContentsRecord::parse(&no_version.encode()).unwrap(),
            no_version
        );
        // Another format, a short serial, a short hash, a slot twice, unknown origin, junk.
        let bad = [
            "800102810400989681",
            "8001018103009896",
            "800101810400989681A0058301",
            "800101810400989681A00783019A84020102",
            "800101810400989681A003830182A003830182",
            "800101810400989681A006830182850103",
            "FF",
            "",
        ];
        for b in bad {
            let b = hex::decode(b.trim()).unwrap();
            assert!(ContentsRecord::parse(&b).is_err(), "{}", hex::encode(&b));
        }
    }

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn select_response_yubikey_style() {
        // 61 11 | 4F 06 000010000100 | 79 07 4F 05 A000000308
        let r = h("61 11 4F06000010000100 79074F05A000000308");
        let p = ApplicationProperties::parse(&r).unwrap();
        assert_eq!(p.aid, h("A000000308"));
        // With label, URL and algorithms.
        let body = [
            tlv::encode(0x4F, &h("000010000100")),
            tlv::encode(0x50, b"Sello PIV"),
            tlv::encode(0x5F50, b"https://sello.invalid"),
            tlv::encode(0xAC, &h("800107 800111 06012B")),
        ]
        .concat();
        let p = ApplicationProperties::parse(&tlv::encode(0x61, &body)).unwrap();
        assert_eq!(p.label.as_deref(), Some("Sello PIV"));
        assert_eq!(p.url.as_deref(), Some("https://sello.invalid"));
        assert_eq!(p.algorithms, vec![0x07, 0x11]);
        assert!(ApplicationProperties::parse(&h("61 05 4F")).is_err());
        assert!(ApplicationProperties::parse(&h("")).unwrap().aid.is_empty());
    }

    #[test]
    fn chuid_round_trip_and_malformed() {
        let guid = [0xAB; 16];
        let v = Chuid::encode(&guid, "20301231");
        let c = Chuid::parse(&v).unwrap();
        assert_eq!(c.guid, Some(guid));
        assert_eq!(c.expiry.as_deref(), Some("20301231"));
        assert_eq!(c.fascn.as_ref().map(Vec::len), Some(25));
        assert!(!c.signed);
        assert!(Chuid::parse(&h("3019 D4")).is_err());
    }

    #[test]
    fn discovery() {
        // SP 800-73-4 Part 1 example: 7E 12 4F 0B A0000003080000100001 00 5F2F 02 4000
        let d = Discovery::parse(&h("7E12 4F0BA0000003080000100001 00 5F2F024000")).unwrap();
        assert!(d.piv_pin());
        assert!(!d.global_pin());
        assert!(!d.global_pin_primary());
        assert_eq!(d.aid.len(), 11);
        assert!(Discovery::parse(&h("7E05 4F03A00000")).is_err());
        assert!(Discovery::parse(&h("7E07 4F01A0 5F2F0140")).is_err());
    }

    #[test]
    fn ccc() {
        let c = Ccc::parse(&h("F015A000000116FF021122334455667788990011223344 F10121")).unwrap();
        assert_eq!(c.card_identifier.len(), 21);
        assert_eq!(c.container_version, Some(0x21));
    }

    #[test]
    fn cert_containers() {
        let der = vec![
            0x30, 0x82, 0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9,
        ];
        for compress in [false, true] {
            let c = encode_cert_container(&der, compress).unwrap();
            let p = parse_cert_container(&c).unwrap().unwrap();
            assert_eq!(p.der, der);
            assert_eq!(p.compressed, compress);
        }
        assert_eq!(parse_cert_container(&[]).unwrap(), None);
        assert_eq!(parse_cert_container(&h("7000 7101 00 FE00")).unwrap(), None);
        assert!(parse_cert_container(&h("7005 0102")).is_err());
        // Claims gzip but is not.
        assert!(parse_cert_container(&h("7003 010203 710101 FE00")).is_err());
    }

    #[test]
    fn gzip_bomb_is_refused() {
        let big = vec![0u8; MAX_CERT_LEN * 4];
        let c = encode_cert_container(&big, true).unwrap();
        assert!(c.len() < 2048);
        assert!(parse_cert_container(&c).is_err());
    }

    #[test]
    fn metadata() {
        // PIN: 01 FF, 05 01 (default), 06 02 03 02 (3 total, 2 remaining).
        let m = Metadata::parse(&h("0101FF 050101 06020302")).unwrap();
        assert_eq!(m.algorithm, Some(MetadataAlgorithm::Pin));
        assert_eq!(m.is_default, Some(true));
        assert_eq!(
            m.retries,
            Some(Retries {
                remaining: 2,
                total: Some(3)
            })
        );
        // Management key: AES-192, touch never.
        let m = Metadata::parse(&h("01010A 02020001 050100")).unwrap();
        assert_eq!(
            m.algorithm,
            Some(MetadataAlgorithm::Management(ManagementAlgorithm::Aes192))
        );
        assert_eq!(m.touch_policy, Some(TouchPolicy::Never));
        // Ed25519 key with public key, generated, PIN always, touch cached.
        let mut v = h("0101E0 02020303 030101");
        v.extend(tlv::encode(0x04, &tlv::encode(0x86, &[0x11; 32])));
        let m = Metadata::parse(&v).unwrap();
        assert_eq!(
            m.algorithm,
            Some(MetadataAlgorithm::Key(KeyAlgorithm::Ed25519))
        );
        assert_eq!(m.pin_policy, Some(PinPolicy::Always));
        assert_eq!(m.touch_policy, Some(TouchPolicy::Cached));
        assert_eq!(m.origin, Some(KeyOrigin::Generated));
        assert_eq!(m.public_key, Some(PublicKey::Ed25519([0x11; 32])));
        for bad in ["0101", "0101E0 0405860111", "06"] {
            assert!(Metadata::parse(&h(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn partial_metadata() {
        // A PIV applet's PIN answer without the algorithm: default, 5 of 5 tries.
        let m = Metadata::parse(&h("050101 06020505")).unwrap();
        assert_eq!(m.algorithm, None);
        assert_eq!(m.is_default, Some(true));
        assert_eq!(
            m.retries,
            Some(Retries {
                remaining: 5,
                total: Some(5)
            })
        );
        // Its answer for an empty slot: policies and origin 00 only.
        let m = Metadata::parse(&h("02020201 030100")).unwrap();
        assert_eq!(m.algorithm, None);
        assert_eq!(m.pin_policy, Some(PinPolicy::Once));
        assert_eq!(m.origin, Some(KeyOrigin::Other(0)));
        assert_eq!(m.public_key, None);
        // Nothing at all, or an empty algorithm: still no error.
        assert_eq!(Metadata::parse(&[]).unwrap().algorithm, None);
        assert_eq!(Metadata::parse(&h("0100")).unwrap().algorithm, None);
    }

    #[test]
    fn random_input_never_panics() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5e110);
        let seeds: [&[u8]; 5] = [
            &h("61 11 4F06000010000100 79074F05A000000308"),
            &h("7E12 4F0BA0000003080000100001 00 5F2F024000"),
            &h("0101E0 02020303 030101 04228620") as &[u8],
            &Chuid::encode(&[1; 16], "20301231"),
            &encode_cert_container(&[0x30; 40], true).unwrap(),
        ];
        for _ in 0..20_000 {
            let seed = seeds[rng.gen_range(0..seeds.len())];
            let mut v = seed.to_vec();
            for _ in 0..rng.gen_range(1..4) {
                match rng.gen_range(0..3) {
                    0 if !v.is_empty() => {
                        let i = rng.gen_range(0..v.len());
                        v[i] = rng.gen();
                    }
                    1 if !v.is_empty() => v.truncate(rng.gen_range(0..v.len())),
                    _ => v.push(rng.gen()),
                }
            }
            let _ = ApplicationProperties::parse(&v);
            let _ = Chuid::parse(&v);
            let _ = Ccc::parse(&v);
            let _ = Discovery::parse(&v);
            let _ = Metadata::parse(&v);
            let _ = parse_cert_container(&v);
            for alg in [
                KeyAlgorithm::Rsa2048,
                KeyAlgorithm::EccP256,
                KeyAlgorithm::X25519,
            ] {
                let _ = PublicKey::from_generate_response(alg, &v);
            }
            let _ = PublicKey::from_spki_der(&v);
        }
    }
}
