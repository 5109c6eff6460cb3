//! Revocation status of a certificate from the CRL at its distribution point (RFC 5280 §5,
//! §4.2.1.13), fetched over plain HTTP within a time bound, its signature checked against the
//! certificate's issuer, and cached until the CRL's nextUpdate.
//!
//! The answer is one of: good (listed nowhere on a current CRL signed by the issuer), revoked
//! (with date and reason), or unknown with the reason — "offline" when the distribution point
//! cannot be reached in time. Nothing here ever fails a command: a holder offline still sees
//! the rest of the card.
//!
//! OCSP (RFC 6960) is not implemented yet: a certificate with only an OCSP URL shows "unknown".

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::revocation_list::CertificateRevocationList;

use crate::card::PublicKey;

/// Default time bound for fetching one CRL.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest CRL accepted (bytes).
const MAX_CRL: u64 = 4 * 1024 * 1024;

/// A certificate's revocation status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Not on the issuer's current CRL.
    Good {
        /// The CRL's URL.
        source: String,
        /// The CRL's nextUpdate (Unix time), when it has one.
        next_update: Option<i64>,
    },
    /// On the issuer's CRL.
    Revoked {
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

    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            Self::Good { .. } => "not revoked (CRL)".into(),
            Self::Revoked { at, reason, .. } => format!(
                "REVOKED on {}{}",
                date(*at),
                reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            Self::NotPublished => "not published (the certificate names no CRL)".into(),
            Self::Unknown { why, offline: true } => format!("unknown (offline: {why})"),
            Self::Unknown { why, .. } => format!("unknown ({why})"),
        }
    }

    /// JSON for `--json` outputs.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Good {
                source,
                next_update,
            } => json!({"status": "good", "source": source, "next_update": next_update}),
            Self::Revoked { at, reason, source } => json!({
                "status": "revoked", "revoked_at": date(*at), "reason": reason, "source": source,
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
            return unknown("the certificate does not parse".into());
        };
        let issuer = issuers.iter().find_map(|d| {
            let (_, c) = x509_parser::parse_x509_certificate(d).ok()?;
            (c.subject().as_raw() == cert.issuer().as_raw()
                && crate::doctor::chain::signed_by(&cert, &c) == Ok(true))
            .then(|| d.clone())
        });
        let Some(issuer) = issuer else {
            return unknown("its issuer is not among the trusted CA certificates".into());
        };
        let urls = crl_urls(&cert);
        if urls.is_empty() {
            return Status::NotPublished;
        }
        let mut last = unknown("no CRL".into());
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
                why: "the CRL does not parse".into(),
                offline: false,
            };
        };
        let serial = cert.raw_serial();
        if let Some(r) = crl
            .iter_revoked_certificates()
            .find(|r| trim(r.raw_serial()) == trim(serial))
        {
            return Status::Revoked {
                at: r.revocation_date.timestamp(),
                reason: r.reason_code().map(|(_, c)| reason_name(c.0).to_owned()),
                source: url.to_owned(),
            };
        }
        Status::Good {
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
        let (_, crl) =
            x509_parser::parse_x509_crl(der).map_err(|_| "the CRL does not parse".to_owned())?;
        let (_, ca) = x509_parser::parse_x509_certificate(issuer)
            .map_err(|_| "the CA certificate does not parse".to_owned())?;
        if crl.issuer().as_raw() != ca.subject().as_raw() {
            return Err("the CRL is not from the certificate's issuer".into());
        }
        verify_crl(&crl, &ca)?;
        if crl.last_update().timestamp() > self.now + 300 {
            return Err("the CRL is dated in the future".into());
        }
        match crl.next_update() {
            Some(n) if n.timestamp() < self.now => Err(format!(
                "the CRL is out of date (next update was due {})",
                date(n.timestamp())
            )),
            _ => Ok(()),
        }
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
    .map_err(|e| format!("the CRL's signature does not check: {e}"))
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
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| format!("{url} could not be reached: {e}"))?;
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
            at: 0,
            reason: Some("keyCompromise".into()),
            source: "http://x/crl".into(),
        };
        assert_eq!(r.describe(), "REVOKED on 1970-01-01 (keyCompromise)");
        assert_eq!(r.code(), "revoked");
        let u = Status::Unknown {
            why: "x could not be reached".into(),
            offline: true,
        };
        assert!(u.describe().starts_with("unknown (offline"));
        assert_eq!(u.to_json()["offline"], true);
    }

    #[test]
    fn unreachable_distribution_point_is_offline_and_bounded() {
        // A port nothing listens on: refused at once, reported as offline.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let e = fetch(
            &format!("http://127.0.0.1:{port}/crl"),
            Duration::from_secs(2),
        )
        .unwrap_err();
        assert!(e.contains("could not be reached"), "{e}");
    }
}
