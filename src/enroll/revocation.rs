//! Revocation status of a certificate: OCSP (RFC 6960) at the responder its Authority
//! Information Access names, else the CRL at its distribution point (RFC 5280 §5, §4.2.1.13);
//! over plain HTTP within a time bound, the answer's signature checked against the
//! certificate's issuer (or an OCSP responder certificate the issuer delegated to, RFC 6960
//! §4.2.2.2), and cached until its nextUpdate.
//!
//! The answer is one of: good (listed nowhere on a current CRL signed by the issuer), revoked
//! (with date and reason), or unknown with the reason — "offline" when the distribution point
//! cannot be reached in time. Nothing here ever fails a command: a holder offline still sees
//! the rest of the card.
//!
//! The OCSP request carries no nonce (the RFC 5019 profile), so answers can be cached; an answer
//! is used only while thisUpdate ≤ now ≤ nextUpdate (5 minutes of clock skew allowed).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::revocation_list::CertificateRevocationList;

use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    TbsRequest,
};

use crate::card::PublicKey;

/// Default time bound for fetching one CRL.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest CRL accepted (bytes).
const MAX_CRL: u64 = 4 * 1024 * 1024;

/// A certificate's revocation status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Not revoked, according to the issuer's OCSP responder or current CRL.
    Good {
        /// "OCSP" or "CRL".
        method: &'static str,
        /// The responder's or the CRL's URL.
        source: String,
        /// The CRL's nextUpdate (Unix time), when it has one.
        next_update: Option<i64>,
    },
    /// Revoked, according to the issuer's OCSP responder or CRL.
    Revoked {
        /// "OCSP" or "CRL".
        method: &'static str,
        /// Revocation date (Unix time).
        at: i64,
        /// RFC 5280 §5.3.1 reason, when given.
        reason: Option<String>,
        /// The CRL's URL.
        source: String,
    },
    /// The certificate names no CRL distribution point: there is nothing to ask.
    NotPublished,
    /// Not known.
    Unknown {
        /// Why, for people ("offline: ...", "no CRL distribution point", ...).
        why: String,
        /// Whether the reason is that the distribution point could not be reached.
        offline: bool,
    },
}

impl Status {
    /// Machine name: `good`, `revoked`, `unknown`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Good { .. } => "good",
            Self::Revoked { .. } => "revoked",
            Self::NotPublished => "not-published",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// One line for people, in their language.
    pub fn describe(&self) -> String {
        use crate::tr;
        match self {
            Self::Good { method, .. } => tr!("revocation-good", method = method.to_string()),
            Self::Revoked { at, reason, .. } => tr!(
                "revocation-revoked",
                date = crate::i18n::date(*at),
                reason = reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            Self::NotPublished => tr!("revocation-not-published"),
            Self::Unknown { why, offline: true } => {
                tr!("revocation-unknown-offline", why = why.as_str())
            }
            Self::Unknown { why, .. } => tr!("revocation-unknown", why = why.as_str()),
        }
    }

    /// JSON for `--json` outputs.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Good {
                method,
                source,
                next_update,
            } => json!({
                "status": "good", "method": method, "source": source, "next_update": next_update,
            }),
            Self::Revoked {
                method,
                at,
                reason,
                source,
            } => json!({
                "status": "revoked", "method": method, "revoked_at": date(*at), "reason": reason,
                "source": source,
            }),
            Self::NotPublished => json!({"status": "not-published"}),
            Self::Unknown { why, offline } => {
                json!({"status": "unknown", "reason": why, "offline": offline})
            }
        }
    }
}

fn date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_else(|_| ts.to_string())
}

/// Checks revocation through CRLs: a time bound per download, a cache directory, a clock.
#[derive(Debug, Clone)]
pub struct Checker {
    /// Time bound for one download.
    pub timeout: Duration,
    /// Where CRLs are kept until their nextUpdate (`None`: no cache).
    pub cache_dir: Option<PathBuf>,
    /// Unix time "now".
    pub now: i64,
}

impl Checker {
    /// A checker with the default time bound and the user's cache
    /// (`$XDG_CACHE_HOME/sello/crl`, else `~/.cache/sello/crl`).
    pub fn new(now: i64) -> Self {
        let cache_dir = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("sello").join("crl"));
        Self {
            timeout: DEFAULT_TIMEOUT,
            cache_dir,
            now,
        }
    }

    /// The status of `cert_der`, whose issuer is one of `issuers` (DER certificates, e.g. the
    /// trusted CA certificates).
    pub fn status(&self, cert_der: &[u8], issuers: &[Vec<u8>]) -> Status {
        let unknown = |why: String| Status::Unknown {
            why,
            offline: false,
        };
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(cert_der) else {
            return unknown(crate::tr!("enroll-revocation-cert-unparsable"));
        };
        let issuer = issuers.iter().find_map(|d| {
            let (_, c) = x509_parser::parse_x509_certificate(d).ok()?;
            (c.subject().as_raw() == cert.issuer().as_raw() && issued_by(&cert, &c))
                .then(|| d.clone())
        });
        let Some(issuer) = issuer else {
            return unknown(crate::tr!("enroll-revocation-issuer-unknown"));
        };
        // OCSP first; any failure of it falls back to the CRL.
        let mut last = None;
        for url in ocsp_urls(&cert) {
            match self.ocsp(&url, &cert, &issuer) {
                Ok(st) => return st,
                Err(s) => last = Some(s),
            }
        }
        let urls = crl_urls(&cert);
        if urls.is_empty() {
            return last.unwrap_or(Status::NotPublished);
        }
        let mut last = last.unwrap_or_else(|| unknown(crate::tr!("enroll-revocation-no-crl")));
        for url in urls {
            match self.crl(&url, &issuer) {
                Ok(crl) => return self.lookup(&cert, &crl, &url),
                Err(s) => last = s,
            }
        }
        last
    }

    fn lookup(&self, cert: &X509Certificate<'_>, crl_der: &[u8], url: &str) -> Status {
        let Ok((_, crl)) = x509_parser::parse_x509_crl(crl_der) else {
            return Status::Unknown {
                why: crate::tr!("enroll-revocation-crl-unparsable"),
                offline: false,
            };
        };
        let serial = cert.raw_serial();
        if let Some(r) = crl
            .iter_revoked_certificates()
            .find(|r| trim(r.raw_serial()) == trim(serial))
        {
            return Status::Revoked {
                method: "CRL",
                at: r.revocation_date.timestamp(),
                reason: r.reason_code().map(|(_, c)| reason_name(c.0).to_owned()),
                source: url.to_owned(),
            };
        }
        Status::Good {
            method: "CRL",
            source: url.to_owned(),
            next_update: crl.next_update().map(|t| t.timestamp()),
        }
    }

    /// A current CRL from `url` signed by `issuer`: from the cache while it is current, else
    /// downloaded (and cached).
    fn crl(&self, url: &str, issuer: &[u8]) -> Result<Vec<u8>, Status> {
        let cached = self.cache_path(url);
        if let Some(p) = &cached {
            if let Ok(der) = std::fs::read(p) {
                if self.check_crl(&der, issuer).is_ok() {
                    return Ok(der);
                }
            }
        }
        let der = fetch(url, self.timeout).map_err(|why| Status::Unknown { why, offline: true })?;
        self.check_crl(&der, issuer)
            .map_err(|why| Status::Unknown {
                why,
                offline: false,
            })?;
        if let Some(p) = &cached {
            // Only a cache: a failure to write it changes nothing but speed.
            if let Some(dir) = p.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = write_atomically(p, &der);
        }
        Ok(der)
    }

    /// A CRL is usable when it parses, `issuer` signed it, and it is current.
    fn check_crl(&self, der: &[u8], issuer: &[u8]) -> Result<(), String> {
        let (_, crl) = x509_parser::parse_x509_crl(der)
            .map_err(|_| crate::tr!("enroll-revocation-crl-unparsable"))?;
        let (_, ca) = x509_parser::parse_x509_certificate(issuer)
            .map_err(|_| crate::tr!("enroll-revocation-ca-unparsable"))?;
        if crl.issuer().as_raw() != ca.subject().as_raw() {
            return Err(crate::tr!("enroll-revocation-crl-wrong-issuer"));
        }
        verify_crl(&crl, &ca)?;
        if crl.last_update().timestamp() > self.now + 300 {
            return Err(crate::tr!("enroll-revocation-crl-future"));
        }
        match crl.next_update() {
            Some(n) if n.timestamp() < self.now => Err(crate::tr!(
                "enroll-revocation-crl-outdated",
                date = crate::i18n::date(n.timestamp())
            )),
            _ => Ok(()),
        }
    }

    /// The OCSP answer for `cert` from `url` (cached while current). `Err` carries the
    /// "unknown" status to report if the CRL cannot answer either.
    fn ocsp(&self, url: &str, cert: &X509Certificate<'_>, issuer: &[u8]) -> Result<Status, Status> {
        let unknown = |why: String, offline: bool| Status::Unknown { why, offline };
        let (_, ca) = x509_parser::parse_x509_certificate(issuer)
            .map_err(|_| unknown(crate::tr!("enroll-revocation-ca-unparsable"), false))?;
        let id = cert_id(cert, &ca).map_err(|e| unknown(e, false))?;
        let cached = self.cache_dir.as_ref().map(|d| {
            let mut h = Sha256::new();
            h.update(url.as_bytes());
            h.update(id.issuer_key_hash.as_bytes());
            h.update(id.serial_number.as_bytes());
            d.join(format!("{}.ocsp", hex::encode(h.finalize())))
        });
        if let Some(p) = &cached {
            if let Ok(der) = std::fs::read(p) {
                if let Ok(st) = self.ocsp_answer(&der, &id, &ca, url) {
                    return Ok(st);
                }
            }
        }
        let request = ocsp_request(&id).map_err(|e| unknown(e, false))?;
        let der = post(url, &request, self.timeout).map_err(|e| unknown(e, true))?;
        let st = self
            .ocsp_answer(&der, &id, &ca, url)
            .map_err(|e| unknown(e, false))?;
        if let Some(p) = &cached {
            if let Some(dir) = p.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = write_atomically(p, &der);
        }
        Ok(st)
    }

    /// Checks an OCSP response (RFC 6960 §3.2): successful, basic, signed by the issuer or a
    /// responder it delegated to, about `id`, current; its status.
    fn ocsp_answer(
        &self,
        der: &[u8],
        id: &CertId,
        ca: &X509Certificate<'_>,
        url: &str,
    ) -> Result<Status, String> {
        use x509_cert::der::{Decode, Encode};
        let r = OcspResponse::from_der(der)
            .map_err(|e| crate::tr!("enroll-revocation-ocsp-unparsable", error = e.to_string()))?;
        if r.response_status != OcspResponseStatus::Successful {
            return Err(crate::tr!(
                "enroll-revocation-ocsp-status",
                status = format!("{:?}", r.response_status)
            ));
        }
        let bytes = r
            .response_bytes
            .ok_or_else(|| crate::tr!("enroll-revocation-ocsp-empty"))?;
        if bytes.response_type.to_string() != OCSP_BASIC {
            return Err(crate::tr!("enroll-revocation-ocsp-not-basic"));
        }
        let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
            .map_err(|e| crate::tr!("enroll-revocation-ocsp-unparsable", error = e.to_string()))?;
        let tbs = basic
            .tbs_response_data
            .to_der()
            .map_err(|e| format!("the OCSP answer: {e}"))?;
        let alg = basic.signature_algorithm.oid.to_string();
        let sig = basic.signature.raw_bytes();
        let by = |key_spki: &[u8]| {
            PublicKey::from_spki_der(key_spki).ok().is_some_and(|k| {
                crate::enroll::verify::verify_signature(&tbs, &alg, sig, &k).is_ok()
            })
        };
        let signed = by(ca.public_key().raw)
            || basic.certs.iter().flatten().any(|c| {
                let Ok(d) = c.to_der() else { return false };
                let Ok((_, rc)) = x509_parser::parse_x509_certificate(&d) else {
                    return false;
                };
                delegated_responder(&rc, ca, self.now) && by(rc.public_key().raw)
            });
        if !signed {
            return Err(crate::tr!("enroll-revocation-ocsp-not-signed"));
        }
        let single = basic
            .tbs_response_data
            .responses
            .iter()
            .find(|s| same_id(&s.cert_id, id))
            .ok_or_else(|| crate::tr!("enroll-revocation-ocsp-other-certificate"))?;
        let secs = |t: &x509_ocsp::OcspGeneralizedTime| t.0.to_unix_duration().as_secs() as i64;
        if secs(&single.this_update) > self.now + 300 {
            return Err(crate::tr!("enroll-revocation-ocsp-future"));
        }
        let next_update = single.next_update.as_ref().map(secs);
        if next_update.unwrap_or(secs(&single.this_update) + 300) + 300 < self.now {
            return Err(crate::tr!("enroll-revocation-ocsp-outdated"));
        }
        Ok(match &single.cert_status {
            CertStatus::Good(_) => Status::Good {
                method: "OCSP",
                source: url.to_owned(),
                next_update,
            },
            CertStatus::Revoked(info) => Status::Revoked {
                method: "OCSP",
                at: secs(&info.revocation_time),
                reason: info
                    .revocation_reason
                    .map(|r| reason_name(r as u32 as u8).to_owned()),
                source: url.to_owned(),
            },
            CertStatus::Unknown(_) => {
                return Err("the OCSP responder does not know the certificate".into())
            }
        })
    }

    fn cache_path(&self, url: &str) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        Some(dir.join(format!(
            "{}.crl",
            hex::encode(Sha256::digest(url.as_bytes()))
        )))
    }
}

fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, data)?;
    std::fs::rename(&tmp, path)
}

/// The CRL's signature made by the issuer's key (RFC 5280 §5.1.1.3).
fn verify_crl(
    crl: &CertificateRevocationList<'_>,
    issuer: &X509Certificate<'_>,
) -> Result<(), String> {
    let key = PublicKey::from_spki_der(issuer.public_key().raw)
        .map_err(|e| format!("the CA's public key: {e}"))?;
    crate::enroll::verify::verify_signature(
        crl.tbs_cert_list.as_ref(),
        &crl.signature_algorithm.algorithm.to_id_string(),
        &crl.signature_value.data,
        &key,
    )
    .map_err(|e| crate::tr!("enroll-revocation-crl-signature", error = e.to_string()))
}

/// OID of the basic OCSP response (RFC 6960 §4.2.1).
const OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
/// id-ad-ocsp (RFC 5280 §4.2.2.1).
const AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
/// id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
const KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

/// The http:// OCSP responders of the certificate's Authority Information Access.
fn ocsp_urls(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut urls = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
            for ad in &aia.accessdescs {
                if ad.access_method.to_id_string() == AD_OCSP {
                    if let GeneralName::URI(u) = &ad.access_location {
                        if u.starts_with("http://") {
                            urls.push((*u).to_owned());
                        }
                    }
                }
            }
        }
    }
    urls
}

/// The CertID of `cert` (RFC 6960 §4.1.1): SHA-1 of the issuer's name and of its public key
/// (the BIT STRING's value), and the serial.
fn cert_id(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Result<CertId, String> {
    use sha1::Sha1;
    use x509_cert::der::asn1::{Any, ObjectIdentifier, OctetString};
    let bad = |e: x509_cert::der::Error| format!("OCSP request: {e}");
    Ok(CertId {
        hash_algorithm: x509_cert::spki::AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.3.14.3.2.26"),
            parameters: Some(Any::null()),
        },
        issuer_name_hash: OctetString::new(Sha1::digest(issuer.subject().as_raw()).to_vec())
            .map_err(bad)?,
        issuer_key_hash: OctetString::new(
            Sha1::digest(&issuer.public_key().subject_public_key.data).to_vec(),
        )
        .map_err(bad)?,
        serial_number: x509_cert::serial_number::SerialNumber::new(cert.raw_serial())
            .map_err(bad)?,
    })
}

fn same_id(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && trim(a.serial_number.as_bytes()) == trim(b.serial_number.as_bytes())
}

/// An unsigned OCSP request for one certificate, without nonce.
fn ocsp_request(id: &CertId) -> Result<Vec<u8>, String> {
    use x509_cert::der::Encode;
    OcspRequest {
        tbs_request: TbsRequest {
            version: Default::default(),
            requestor_name: None,
            request_list: vec![Request {
                req_cert: id.clone(),
                single_request_extensions: None,
            }],
            request_extensions: None,
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(|e| format!("OCSP request: {e}"))
}

/// A responder certificate the CA delegated OCSP signing to (RFC 6960 §4.2.2.2): issued by the
/// CA, valid now, with the id-kp-OCSPSigning extended key usage.
fn delegated_responder(rc: &X509Certificate<'_>, ca: &X509Certificate<'_>, now: i64) -> bool {
    let eku = rc.extensions().iter().any(|e| match e.parsed_extension() {
        ParsedExtension::ExtendedKeyUsage(k) => {
            k.ocsp_signing || k.other.iter().any(|o| o.to_id_string() == KP_OCSP_SIGNING)
        }
        _ => false,
    });
    let v = rc.validity();
    eku && rc.issuer().as_raw() == ca.subject().as_raw()
        && issued_by(rc, ca)
        && v.not_before.timestamp() <= now
        && now <= v.not_after.timestamp()
}

/// Whether `ca`'s key made `cert`'s signature (RFC 5280 §4.1.1.3).
fn issued_by(cert: &X509Certificate<'_>, ca: &X509Certificate<'_>) -> bool {
    PublicKey::from_spki_der(ca.public_key().raw).is_ok_and(|k| {
        crate::enroll::verify::verify_signature(
            cert.tbs_certificate.as_ref(),
            &cert.signature_algorithm.algorithm.to_id_string(),
            &cert.signature_value.data,
            &k,
        )
        .is_ok()
    })
}

/// POST an OCSP request (RFC 6960 Appendix A.1) within `timeout`; the answer's body.
fn post(url: &str, body: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/ocsp-request")
        .send(body)
        .map_err(|e| {
            crate::tr!(
                "enroll-revocation-unreachable",
                url = url,
                error = e.to_string()
            )
        })?;
    resp.body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec()
        .map_err(|e| format!("{url}: {e}"))
}

/// The http:// URLs of the certificate's CRL distribution points.
fn crl_urls(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut urls = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::CRLDistributionPoints(points) = ext.parsed_extension() {
            for p in points.iter() {
                if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
                    for n in names {
                        if let GeneralName::URI(u) = n {
                            if u.starts_with("http://") {
                                urls.push((*u).to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    urls
}

/// GET `url` within `timeout`; the body, at most [`MAX_CRL`] bytes.
fn fetch(url: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut resp = agent.get(url).call().map_err(|e| {
        crate::tr!(
            "enroll-revocation-unreachable",
            url = url,
            error = e.to_string()
        )
    })?;
    resp.body_mut()
        .with_config()
        .limit(MAX_CRL)
        .read_to_vec()
        .map_err(|e| format!("{url}: {e}"))
}

/// Serial numbers compare without leading zero bytes (DER INTEGER sign padding).
fn trim(serial: &[u8]) -> &[u8] {
    let start = serial.iter().position(|b| *b != 0).unwrap_or(serial.len());
    &serial[start..]
}

/// RFC 5280 §5.3.1 reason names.
fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_reasons_and_descriptions() {
        assert_eq!(trim(&[0, 0, 5]), &[5]);
        assert_eq!(trim(&[0]), &[] as &[u8]);
        assert_eq!(reason_name(1), "keyCompromise");
        let r = Status::Revoked {
            method: "CRL",
            at: 0,
            reason: Some("keyCompromise".into()),
            source: "http://x/crl".into(),
        };
        assert_eq!(
            crate::i18n::with_language("en", || r.describe()),
            "REVOKED on 1970-01-01 (keyCompromise)"
        );
        assert_eq!(r.code(), "revoked");
        let u = Status::Unknown {
            why: "x could not be reached".into(),
            offline: true,
        };
        assert!(crate::i18n::with_language("en", || u.describe()).starts_with("unknown (offline"));
        assert_eq!(u.to_json()["offline"], true);
    }

    #[test]
    fn unreachable_distribution_point_is_offline_and_bounded() {
        // A port nothing listens on: refused at once, reported as offline.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let url = format!("http://127.0.0.1:{port}/crl");
        let e =
            crate::i18n::with_language("en", || fetch(&url, Duration::from_secs(2)).unwrap_err());
        assert!(e.contains("could not be reached"), "{e}");
        // The same, for a holder reading Valencian: the URL is data, the wording is theirs.
        let va = crate::i18n::with_language("ca_ES.UTF-8@valencia", || {
            fetch(&url, Duration::from_secs(2)).unwrap_err()
        });
        assert!(
            va.starts_with(&format!("no es pot accedir a {url}: ")),
            "{va}"
        );
    }
}
