//! `config.toml` of a CA directory.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CaError;
use crate::tr;

/// The whole configuration file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaConfig {
    /// Names of the two CAs.
    pub names: Names,
    /// What issued certificates carry.
    pub issuance: Issuance,
    /// The EST and CRL servers.
    pub server: Server,
}

/// CA names. They must never pass for a real authority's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Root CA common name.
    pub root_common_name: String,
    /// Issuing CA common name.
    pub issuing_common_name: String,
    /// Organization of both CAs.
    pub organization: String,
}

/// Issuance policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuance {
    /// Validity of end-entity certificates, in months.
    pub validity_months: u32,
    /// Validity of end-entity certificates in days; when set it replaces `validity_months`. A fixed
    /// number of days, unlike months, does not depend on the month issuance happens in (short-lived
    /// pilot certificates, tests of the expiry warnings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_days: Option<u32>,
    /// Days an enrollment code stays valid.
    pub code_valid_days: u32,
    /// certificatePolicies OIDs for authentication certificates.
    pub auth_policy_oids: Vec<String>,
    /// certificatePolicies OIDs for signature certificates.
    pub sign_policy_oids: Vec<String>,
    /// Add emailProtection to the authentication certificate's EKU.
    pub auth_email_protection: bool,
    /// Add qcStatements (QcCompliance, QcSSCD, QcType esign) to signature certificates.
    pub qc_statements: bool,
    /// CRL distribution point URL put in every issued certificate.
    pub crl_url: String,
    /// AIA caIssuers URL (RFC 5280 §4.2.2.1): where the issuing CA certificate is served.
    #[serde(default)]
    pub aia_ca_issuers_url: Option<String>,
    /// AIA OCSP URL (RFC 6960): the responder `sello-ca serve` runs beside the CRL.
    #[serde(default)]
    pub ocsp_url: Option<String>,
    /// Hours between `thisUpdate` and `nextUpdate` of the CRL.
    pub crl_validity_hours: u32,
    /// Layout of the subject CN.
    #[serde(default)]
    pub cn_style: CnStyle,
    /// Key type of the issuing CA, chosen at `init` (recorded here; changing it later has no
    /// effect).
    #[serde(default)]
    pub issuing_key: IssuingKey,
    /// CPS URI (RFC 5280 §4.2.1.4 id-qt-cps) put on the CA's own policy (the first OID of each
    /// list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cps_url: Option<String>,
    /// User notice explicit text (id-qt-unotice) put on the CA's own policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_notice: Option<String>,
    /// QcPDS (ETSI EN 319 412-5 §4.3.4): URL of the PKI disclosure statement, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qc_pds_url: Option<String>,
    /// QcRetentionPeriod (ETSI EN 319 412-5 §4.3.3): years registration data is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qc_retention_years: Option<u8>,
}

/// Key type of the issuing CA.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum IssuingKey {
    /// ECDSA P-384, ecdsa-with-SHA384 signatures.
    #[default]
    #[value(name = "ecdsa-p384")]
    EcdsaP384,
    /// RSA 3072 bits, sha256WithRSAEncryption (PKCS#1 v1.5) signatures, for relying parties
    /// that expect an RSA hierarchy as FNMT's and the DNIe's are.
    #[value(name = "rsa-3072")]
    #[serde(rename = "rsa-3072")]
    Rsa3072,
}

/// How the subject CN is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CnStyle {
    /// `<given name> <surnames> - NIF:<NIF>` (the form Sello's CSRs carry).
    #[default]
    Sello,
    /// FNMT style: `<SURNAMES> <GIVEN NAME> - <NIF>`, upper case.
    Fnmt,
}

/// Servers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// EST over HTTPS.
    pub listen: String,
    /// CRL over plain HTTP.
    pub crl_listen: String,
    /// DNS names / IP addresses in the EST server's TLS certificate.
    pub tls_names: Vec<String>,
    /// Simulated manual approval: answer `202 Accepted` this many times per (identity, purpose)
    /// before issuing (RFC 7030 §4.2.3). 0 disables it.
    #[serde(default)]
    pub pending_polls: u32,
    /// `Retry-After` seconds sent with a `202`, and with a `503` when a listener is full.
    #[serde(default = "default_retry_after")]
    pub retry_after_secs: u32,
    /// Connections served at once, per listener (EST and CRL count separately). Past it a
    /// connection is answered `503` with `Retry-After`.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Seconds for a TLS handshake and for each request header (and the idle time allowed
    /// between keep-alive requests).
    #[serde(default = "default_header_timeout")]
    pub header_timeout_secs: u32,
    /// Seconds for a request body.
    #[serde(default = "default_body_timeout")]
    pub body_timeout_secs: u32,
    /// First wait after the free wrong-code attempts, doubled at each further failure
    /// (`ca::throttle`; the caps stay 15 min per identity and 1 h per client address).
    #[serde(default = "default_attempt_delay")]
    pub attempt_delay_secs: u32,
}

fn default_attempt_delay() -> u32 {
    1
}

fn default_retry_after() -> u32 {
    1
}

fn default_max_connections() -> usize {
    2048
}

fn default_header_timeout() -> u32 {
    10
}

fn default_body_timeout() -> u32 {
    30
}

impl CaConfig {
    /// The defaults written by `sello-ca init`.
    pub fn default_for(listen: &str, crl_listen: &str) -> Self {
        Self {
            names: Names {
                root_common_name: "Sello Local Test Root CA - NOT FOR PRODUCTION".into(),
                issuing_common_name: "Sello Local Test Issuing CA - NOT FOR PRODUCTION".into(),
                organization: "Sello test deployment - NOT FOR PRODUCTION".into(),
            },
            issuance: Issuance {
                validity_months: 30,
                validity_days: None,
                code_valid_days: 15,
                // 2.999 is the ISO/ITU-T example arc: these OIDs can never collide with a real policy.
                // Signature certificates also name ETSI QCP-n-qscd (EN 319 411-2), as qualified
                // certificates on a QSCD do.
                auth_policy_oids: vec!["2.999.7030.1.1".into()],
                sign_policy_oids: vec!["2.999.7030.1.2".into(), "0.4.0.194112.1.2".into()],
                auth_email_protection: true,
                qc_statements: true,
                crl_url: format!("http://{crl_listen}/crl"),
                aia_ca_issuers_url: Some(format!("http://{crl_listen}/issuing.cer")),
                ocsp_url: Some(format!("http://{crl_listen}/ocsp")),
                crl_validity_hours: 24,
                cn_style: CnStyle::Sello,
                issuing_key: IssuingKey::EcdsaP384,
                cps_url: Some("https://sello.invalid/cps".into()),
                user_notice: Some(
                    "Sello local test certificate - NOT FOR PRODUCTION - no legal effect".into(),
                ),
                qc_pds_url: Some("https://sello.invalid/pds/en".into()),
                qc_retention_years: Some(15),
            },
            server: Server {
                listen: listen.into(),
                crl_listen: crl_listen.into(),
                tls_names: vec!["localhost".into(), "127.0.0.1".into()],
                pending_polls: 0,
                retry_after_secs: 1,
                max_connections: default_max_connections(),
                header_timeout_secs: default_header_timeout(),
                body_timeout_secs: default_body_timeout(),
                attempt_delay_secs: default_attempt_delay(),
            },
        }
    }

    /// Reads and validates `config.toml`.
    pub fn load(path: &Path) -> Result<Self, CaError> {
        let text = std::fs::read_to_string(path).map_err(|e| CaError::io(path, e))?;
        let config: Self = toml::from_str(&text)
            .map_err(|e| CaError::Config(format!("{}: {e}", path.display())))?;
        config
            .validate()
            .map_err(|e| CaError::Config(format!("{}: {e}", path.display())))?;
        Ok(config)
    }

    /// Checks values a typo could make dangerous.
    pub fn validate(&self) -> Result<(), String> {
        let i = &self.issuance;
        if i.validity_months == 0 || i.validity_months > 60 {
            return Err(tr!(
                "ca-config-range",
                key = "issuance.validity_months",
                min = 1,
                max = 60
            ));
        }
        if i.validity_days.is_some_and(|d| d == 0 || d > 1830) {
            return Err(tr!(
                "ca-config-range",
                key = "issuance.validity_days",
                min = 1,
                max = 1830
            ));
        }
        if i.code_valid_days > 365 {
            return Err(tr!(
                "ca-config-at-most",
                key = "issuance.code_valid_days",
                max = 365
            ));
        }
        for oid in i.auth_policy_oids.iter().chain(&i.sign_policy_oids) {
            if super::der::parse_dotted_oid(oid).is_none() {
                return Err(tr!("ca-config-bad-oid", oid = oid.as_str()));
            }
        }
        if !i.crl_url.starts_with("http://") {
            return Err(tr!(
                "ca-config-http-url",
                key = "issuance.crl_url",
                url = i.crl_url.as_str(),
                rfc = "RFC 5280 §4.2.1.13"
            ));
        }
        let s = &self.server;
        if s.max_connections == 0 || s.max_connections > 65_536 {
            return Err(tr!(
                "ca-config-range",
                key = "server.max_connections",
                min = 1,
                max = 65_536
            ));
        }
        if s.attempt_delay_secs == 0 || s.attempt_delay_secs > 900 {
            return Err(tr!(
                "ca-config-range",
                key = "server.attempt_delay_secs",
                min = 1,
                max = 900
            ));
        }
        if s.header_timeout_secs == 0 || s.body_timeout_secs == 0 {
            let key = if s.header_timeout_secs == 0 {
                "server.header_timeout_secs"
            } else {
                "server.body_timeout_secs"
            };
            return Err(tr!("ca-config-positive", key = key));
        }
        for url in [&i.ocsp_url, &i.aia_ca_issuers_url].into_iter().flatten() {
            if !url.starts_with("http://") {
                return Err(tr!(
                    "ca-config-http-url",
                    key = "issuance.ocsp_url / aia_ca_issuers_url",
                    url = url.as_str(),
                    rfc = "RFC 5280 §4.2.2.1"
                ));
            }
        }
        for url in [&i.cps_url, &i.qc_pds_url].into_iter().flatten() {
            if !url.is_ascii() || !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(tr!(
                    "ca-config-ascii-url",
                    key = "issuance.cps_url / qc_pds_url",
                    url = url.as_str()
                ));
            }
        }
        if i.user_notice
            .as_ref()
            .is_some_and(|t| t.chars().count() > 200)
        {
            return Err(tr!(
                "ca-config-notice-too-long",
                key = "issuance.user_notice",
                max = 200
            ));
        }
        if i.crl_validity_hours == 0 {
            return Err(tr!(
                "ca-config-positive",
                key = "issuance.crl_validity_hours"
            ));
        }
        Ok(())
    }

    /// Serialises for writing.
    pub fn to_toml(&self) -> Result<String, CaError> {
        toml::to_string_pretty(self).map_err(|e| CaError::Config(e.to_string()))
    }
}
