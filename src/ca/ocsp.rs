//! OCSP responder (RFC 6960) for the certificates this CA issued: the request is parsed with a
//! bounds-checked DER reader, each CertID is matched against the issuing CA (SHA-1 or SHA-256
//! name and key hashes) and looked up in the store; the BasicOCSPResponse is signed by the
//! issuing CA itself (§4.2.2.2: no delegated responder certificate needed), responder ID by key
//! hash, and a request nonce (§4.4.1) is echoed.

use sha1::Digest as _;

use super::der::{self, Tlv};
use super::store::CertRecord;

/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1).
const NONCE_OID: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 1, 2];
/// id-pkix-ocsp-basic.
const BASIC_OID: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 1, 1];
const SHA1_OID: &[u64] = &[1, 3, 14, 3, 2, 26];
const SHA256_OID: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];

/// OCSPResponseStatus (RFC 6960 §4.2.1) of an answer without response bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 1: the request does not parse.
    MalformedRequest,
    /// 2: the responder failed.
    InternalError,
}

impl Failure {
    /// The complete DER `OCSPResponse` carrying only this status.
    pub fn response(self) -> Vec<u8> {
        let code = match self {
            Failure::MalformedRequest => 1,
            Failure::InternalError => 2,
        };
        der::seq(&[&der::tlv(0x0a, &[code])])
    }
}

/// One certificate asked about.
#[derive(Debug, Clone)]
pub struct CertId {
    /// The CertID as sent, echoed in the answer.
    pub raw: Vec<u8>,
    hash_oid: Vec<u8>,
    name_hash: Vec<u8>,
    key_hash: Vec<u8>,
    /// Serial as upper-case hex of the INTEGER's content octets.
    pub serial: String,
}

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The certificates asked about.
    pub ids: Vec<CertId>,
    /// The nonce extension as sent (a whole `Extension`), to echo.
    pub nonce: Option<Vec<u8>>,
}

/// Parses an `OCSPRequest` (RFC 6960 §4.1.1). Signed requests are accepted; the signature is
/// not needed (the answers are public).
pub fn parse_request(input: &[u8]) -> Result<Request, Failure> {
    let bad = |_: &'static str| Failure::MalformedRequest;
    let request = Tlv::one(input, 0x30).map_err(bad)?;
    let mut outer = request.children();
    let tbs = outer.next_tag(0x30).map_err(bad)?;
    let mut fields = tbs.children();
    fields.skip_tag(0xa0).map_err(bad)?; // version
    fields.skip_tag(0xa1).map_err(bad)?; // requestorName
    let list = fields.next_tag(0x30).map_err(bad)?;
    let mut ids = Vec::new();
    let mut entries = list.children();
    while !entries.is_empty() {
        let single = entries.next_tag(0x30).map_err(bad)?;
        let cert_id = single.children().next_tag(0x30).map_err(bad)?;
        let mut parts = cert_id.children();
        let alg = parts.next_tag(0x30).map_err(bad)?;
        let hash_oid = alg.children().next_tag(0x06).map_err(bad)?.whole.to_vec();
        let name_hash = parts.next_tag(0x04).map_err(bad)?.content.to_vec();
        let key_hash = parts.next_tag(0x04).map_err(bad)?.content.to_vec();
        let serial = parts.next_tag(0x02).map_err(bad)?.content;
        ids.push(CertId {
            raw: cert_id.whole.to_vec(),
            hash_oid,
            name_hash,
            key_hash,
            serial: hex::encode_upper(serial),
        });
    }
    if ids.is_empty() {
        return Err(Failure::MalformedRequest);
    }
    let mut nonce = None;
    if let Ok(exts) = fields.next_tag(0xa2) {
        let nonce_oid = der::oid(NONCE_OID).ok_or(Failure::InternalError)?;
        let list = exts.children().next_tag(0x30).map_err(bad)?;
        let mut items = list.children();
        while !items.is_empty() {
            let ext = items.next_tag(0x30).map_err(bad)?;
            if ext.children().next_tag(0x06).map_err(bad)?.whole == nonce_oid.as_slice() {
                nonce = Some(ext.whole.to_vec());
            }
        }
    }
    Ok(Request { ids, nonce })
}

/// What the responder knows about the issuing CA.
#[derive(Debug)]
pub struct Issuer<'a> {
    /// DER of the issuing CA's subject Name.
    pub name: &'a [u8],
    /// The issuing CA's subjectPublicKey BIT STRING value (without the unused-bits octet).
    pub key: &'a [u8],
}

impl Issuer<'_> {
    fn matches(&self, id: &CertId) -> bool {
        let sha1 = der::oid(SHA1_OID).unwrap_or_default();
        let sha256 = der::oid(SHA256_OID).unwrap_or_default();
        let (name, key) = if id.hash_oid == sha1 {
            (
                sha1::Sha1::digest(self.name).to_vec(),
                sha1::Sha1::digest(self.key).to_vec(),
            )
        } else if id.hash_oid == sha256 {
            (
                sha2::Sha256::digest(self.name).to_vec(),
                sha2::Sha256::digest(self.key).to_vec(),
            )
        } else {
            return false;
        };
        name == id.name_hash && key == id.key_hash
    }
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2).
fn generalized_time(unix: i64) -> Vec<u8> {
    let t = ::time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
    let text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    der::tlv(0x18, text.as_bytes())
}

/// RFC 5280 §5.3.1 CRLReason code of a stored reason name.
fn reason_code(name: &str) -> Option<u8> {
    Some(match name {
        "unspecified" => 0,
        "keyCompromise" => 1,
        "caCompromise" => 2,
        "affiliationChanged" => 3,
        "superseded" => 4,
        "cessationOfOperation" => 5,
        "privilegeWithdrawn" => 9,
        _ => return None,
    })
}

/// Builds the `tbsResponseData` for `request`: `lookup` gives the store's record of a serial.
/// Returns the DER to sign.
pub fn response_data(
    request: &Request,
    issuer: &Issuer<'_>,
    now: i64,
    next_update_secs: i64,
    mut lookup: impl FnMut(&str) -> Option<CertRecord>,
) -> Vec<u8> {
    let mut singles = Vec::new();
    for id in &request.ids {
        let record = if issuer.matches(id) {
            lookup(&id.serial)
        } else {
            None
        };
        let status = match record {
            None => der::tlv(0x82, &[]),
            Some(r) => match r.revoked_at {
                None => der::tlv(0x80, &[]),
                Some(at) => {
                    let mut info = generalized_time(at);
                    if let Some(code) = r.revocation_reason.as_deref().and_then(reason_code) {
                        info.extend(der::tlv(0xa0, &der::tlv(0x0a, &[code])));
                    }
                    der::tlv(0xa1, &info)
                }
            },
        };
        let next = der::tlv(0xa0, &generalized_time(now + next_update_secs));
        singles.push(der::seq(&[&id.raw, &status, &generalized_time(now), &next]));
    }
    let refs: Vec<&[u8]> = singles.iter().map(Vec::as_slice).collect();
    let responder = der::tlv(0xa2, &der::tlv(0x04, &sha1::Sha1::digest(issuer.key)));
    let mut parts = vec![responder, generalized_time(now), der::seq(&refs)];
    if let Some(nonce) = &request.nonce {
        parts.push(der::tlv(0xa1, &der::seq(&[nonce])));
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    der::seq(&refs)
}

/// Wraps signed response data into a successful `OCSPResponse`.
pub fn response(tbs: &[u8], signature_algorithm: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(signature);
    let basic = der::seq(&[tbs, signature_algorithm, &der::tlv(0x03, &bits)]);
    let basic_oid = der::oid(BASIC_OID).unwrap_or_default();
    let bytes = der::seq(&[&basic_oid, &der::tlv(0x04, &basic)]);
    der::seq(&[&der::tlv(0x0a, &[0]), &der::tlv(0xa0, &bytes)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_requests_are_errors_not_panics() {
        for input in [
            &b""[..],
            &[0x30, 0x00],
            &[0x30, 0x05, 0x30, 0x03, 0x30, 0x01],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x02, 0x30, 0x00],
        ] {
            assert!(parse_request(input).is_err(), "{input:?}");
        }
        assert_eq!(
            Failure::MalformedRequest.response(),
            [0x30, 0x03, 0x0a, 0x01, 0x01]
        );
    }

    #[test]
    fn generalized_time_format() {
        assert_eq!(&generalized_time(0)[2..], b"19700101000000Z");
    }
}
