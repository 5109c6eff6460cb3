//! CA key material on disk, `init`, CSR checks, issuance per purpose and the CRL.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ::time::{Date, Duration as TimeDuration, Month, OffsetDateTime};
use rand_core::{OsRng, RngCore};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint,
    CustomExtension, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SanType,
    SerialNumber, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
};
use x509_parser::prelude::{
    FromDer, GeneralName, ParsedExtension, SubjectPublicKeyInfo, X509CertificationRequest, X509Name,
};

use super::config::{CaConfig, CnStyle, IssuingKey};
use super::der;
use super::identity::Identity;
use super::store::{Issued, Store};
use super::{CaError, Purpose, Rejection};
pub use crate::enroll::renew::REMOTE_RENEWAL_POLICY_OID;

/// Largest CSR accepted (a 4096-bit RSA CSR is about 1.7 KB).
pub const MAX_CSR_LEN: usize = 16 * 1024;

/// File names inside a CA directory.
pub mod files {
    /// Configuration.
    pub const CONFIG: &str = "config.toml";
    /// Root CA certificate (PEM) — the trust anchor clients are given.
    pub const ROOT_CERT: &str = "root.pem";
    /// Root CA key (PKCS#8 PEM, 0600).
    pub const ROOT_KEY: &str = "root.key";
    /// Issuing CA certificate (PEM).
    pub const ISSUING_CERT: &str = "issuing.pem";
    /// Issuing CA key (PKCS#8 PEM, 0600).
    pub const ISSUING_KEY: &str = "issuing.key";
    /// EST server TLS certificate chain (leaf, issuing; PEM).
    pub const TLS_CERT: &str = "tls.pem";
    /// EST server TLS key (PKCS#8 PEM, 0600).
    pub const TLS_KEY: &str = "tls.key";
    /// SQLite store.
    pub const DB: &str = "ca.sqlite";
    /// Current CRL (DER).
    pub const CRL: &str = "crl.der";
}

/// A CA directory opened for issuing.
pub struct Authority {
    dir: PathBuf,
    /// Configuration.
    pub config: CaConfig,
    root_der: Vec<u8>,
    issuing_der: Vec<u8>,
    issuing_key: KeyPair,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn write_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), CaError> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| CaError::io(path, e))?;
    f.write_all(contents).map_err(|e| CaError::io(path, e))?;
    f.sync_all().map_err(|e| CaError::io(path, e))
}

/// Replaces a file atomically (write to a temporary name, fsync, rename).
fn replace_file(path: &Path, contents: &[u8]) -> Result<(), CaError> {
    let tmp = path.with_extension("tmp");
    let _ = fs::remove_file(&tmp);
    write_file(&tmp, contents, 0o644)?;
    fs::rename(&tmp, path).map_err(|e| CaError::io(path, e))
}

fn read_text(path: &Path) -> Result<String, CaError> {
    fs::read_to_string(path).map_err(|e| CaError::io(path, e))
}

/// Extracts the first certificate of a PEM file as DER.
pub fn pem_to_der(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// PEM encoding with 64-column lines.
pub fn der_to_pem(der: &[u8], label: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A positive serial of 16 random bytes (>= 64 bits of entropy, RFC 5280 §4.1.2.2 <= 20 octets).
fn random_serial() -> (SerialNumber, String) {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // Positive, and no leading zero byte, so the hex form is the DER content.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    (SerialNumber::from_slice(&bytes), hex::encode_upper(bytes))
}

/// The end of an end-entity certificate's validity: `validity_days` when the configuration fixes it,
/// else `validity_months` calendar months.
fn end_entity_not_after(
    now: OffsetDateTime,
    cfg: &super::config::Issuance,
) -> Result<OffsetDateTime, CaError> {
    match cfg.validity_days {
        Some(days) => now
            .checked_add(time::Duration::days(i64::from(days)))
            .ok_or_else(|| CaError::Internal("validity overflow".into())),
        None => add_months(now, cfg.validity_months),
    }
}

fn add_months(t: OffsetDateTime, months: u32) -> Result<OffsetDateTime, CaError> {
    let total = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + i64::from(months);
    let year = i32::try_from(total / 12).map_err(|_| CaError::Internal("year overflow".into()))?;
    let month = Month::try_from(u8::try_from(total % 12 + 1).unwrap_or(1))
        .map_err(|e| CaError::Internal(e.to_string()))?;
    let mut day = t.day();
    loop {
        if let Ok(date) = Date::from_calendar_date(year, month, day) {
            return Ok(t.replace_date(date));
        }
        day = day.saturating_sub(1);
        if day == 0 {
            return Err(CaError::Internal("no valid day in month".into()));
        }
    }
}

fn datetime(unix: i64) -> Result<OffsetDateTime, CaError> {
    OffsetDateTime::from_unix_timestamp(unix).map_err(|e| CaError::Internal(e.to_string()))
}

fn ca_dn(cn: &str, organization: &str) -> Result<DistinguishedName, CaError> {
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into()?),
    );
    dn.push(DnType::OrganizationName, organization);
    dn.push(DnType::CommonName, cn);
    Ok(dn)
}

/// A new issuing CA key. rcgen's ring backend cannot generate RSA keys, so RSA comes from the
/// `rsa` crate (already used host-side) as PKCS#8 and is loaded into rcgen, which signs with it
/// (sha256WithRSAEncryption).
fn generate_issuing_key(kind: IssuingKey) -> Result<KeyPair, CaError> {
    match kind {
        IssuingKey::EcdsaP384 => Ok(KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384)?),
        IssuingKey::Rsa3072 => {
            use rsa::pkcs8::EncodePrivateKey as _;
            let key = rsa::RsaPrivateKey::new(&mut OsRng, 3072)
                .map_err(|e| CaError::Internal(format!("RSA key generation: {e}")))?;
            let der = key
                .to_pkcs8_der()
                .map_err(|e| CaError::Internal(format!("RSA key encoding: {e}")))?;
            Ok(KeyPair::try_from(der.as_bytes())?)
        }
    }
}

/// The subject CN in the configured layout.
pub fn common_name(identity: &Identity, style: CnStyle) -> String {
    match style {
        CnStyle::Sello => identity.common_name(),
        CnStyle::Fnmt => identity.common_name_fnmt(),
    }
}

/// The subject of a natural-person certificate (ETSI EN 319 412-2 §4.2.4, Spanish form).
pub fn subject_dn(identity: &Identity, style: CnStyle) -> Result<DistinguishedName, CaError> {
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into()?),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(identity.serial_number().try_into()?),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 42]),
        identity.given_name.as_str(),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 4]),
        identity.surnames.as_str(),
    );
    dn.push(DnType::CommonName, common_name(identity, style));
    Ok(dn)
}

/// Parses a revocation reason name (RFC 5280 §5.3.1). `certificateHold` and `removeFromCRL` are not
/// accepted: revocation here is irreversible.
pub fn parse_reason(name: &str) -> Option<RevocationReason> {
    Some(match name {
        "unspecified" => RevocationReason::Unspecified,
        "keyCompromise" => RevocationReason::KeyCompromise,
        "caCompromise" => RevocationReason::CaCompromise,
        "affiliationChanged" => RevocationReason::AffiliationChanged,
        "superseded" => RevocationReason::Superseded,
        "cessationOfOperation" => RevocationReason::CessationOfOperation,
        "privilegeWithdrawn" => RevocationReason::PrivilegeWithdrawn,
        _ => return None,
    })
}

/// Reason names accepted by [`parse_reason`].
pub const REASONS: &[&str] = &[
    "unspecified",
    "keyCompromise",
    "caCompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "privilegeWithdrawn",
];

/// A CSR that passed every check: what issuance may use from it (the public key only).
#[derive(Debug)]
pub struct CheckedCsr {
    /// SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
}

impl Authority {
    /// `sello-ca init`: creates `dir` with a root CA, an issuing CA, the EST server's TLS
    /// certificate, the configuration, an empty store and an empty CRL. Refuses a non-empty `dir`.
    pub fn init(dir: &Path, config: CaConfig) -> Result<(), CaError> {
        config.validate().map_err(CaError::Config)?;
        if dir.exists()
            && fs::read_dir(dir)
                .map_err(|e| CaError::io(dir, e))?
                .next()
                .is_some()
        {
            return Err(CaError::Config(crate::tr!(
                "ca-dir-not-empty",
                path = dir.display().to_string()
            )));
        }
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| CaError::io(dir, e))?;
        // An existing empty directory keeps its mode through create(): the store holds names,
        // NIFs and e-mails, so it is made 0700 here (or init fails if that is not allowed).
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| CaError::io(dir, e))?;

        let now = OffsetDateTime::now_utc() - TimeDuration::minutes(5);
        let names = &config.names;

        let root_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384)?;
        let mut root = CertificateParams::default();
        root.distinguished_name = ca_dn(&names.root_common_name, &names.organization)?;
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        root.not_before = now;
        root.not_after = add_months(now, 12 * 10)?;
        root.serial_number = Some(random_serial().0);
        let root_cert = root.self_signed(&root_key)?;
        let root_issuer = Issuer::new(root, &root_key);

        let issuing_key = generate_issuing_key(config.issuance.issuing_key)?;
        let mut issuing = CertificateParams::default();
        issuing.distinguished_name = ca_dn(&names.issuing_common_name, &names.organization)?;
        issuing.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        issuing.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        issuing.not_before = now;
        issuing.not_after = add_months(now, 12 * 8)?;
        issuing.serial_number = Some(random_serial().0);
        issuing.use_authority_key_identifier_extension = true;
        let issuing_cert = issuing.signed_by(&issuing_key, &root_issuer)?;
        let issuing_issuer = Issuer::new(issuing, &issuing_key);

        let tls_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut tls = CertificateParams::new(config.server.tls_names.clone())?;
        let mut tls_dn = DistinguishedName::new();
        tls_dn.push(DnType::OrganizationName, names.organization.as_str());
        tls_dn.push(
            DnType::CommonName,
            "Sello Local Test EST server - NOT FOR PRODUCTION",
        );
        tls.distinguished_name = tls_dn;
        tls.is_ca = IsCa::ExplicitNoCa;
        tls.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        tls.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        tls.not_before = now;
        tls.not_after = end_entity_not_after(now, &config.issuance)?;
        tls.serial_number = Some(random_serial().0);
        tls.use_authority_key_identifier_extension = true;
        let tls_cert = tls.signed_by(&tls_key, &issuing_issuer)?;

        write_file(
            &dir.join(files::ROOT_KEY),
            root_key.serialize_pem().as_bytes(),
            0o600,
        )?;
        write_file(
            &dir.join(files::ISSUING_KEY),
            issuing_key.serialize_pem().as_bytes(),
            0o600,
        )?;
        write_file(
            &dir.join(files::TLS_KEY),
            tls_key.serialize_pem().as_bytes(),
            0o600,
        )?;
        write_file(
            &dir.join(files::ROOT_CERT),
            root_cert.pem().as_bytes(),
            0o644,
        )?;
        write_file(
            &dir.join(files::ISSUING_CERT),
            issuing_cert.pem().as_bytes(),
            0o644,
        )?;
        let chain = format!("{}{}", tls_cert.pem(), issuing_cert.pem());
        write_file(&dir.join(files::TLS_CERT), chain.as_bytes(), 0o644)?;
        write_file(
            &dir.join(files::CONFIG),
            config.to_toml()?.as_bytes(),
            0o600,
        )?;

        let authority = Self::open(dir)?;
        let mut store = Store::open(&dir.join(files::DB))?;
        authority.write_crl(&mut store)?;
        Ok(())
    }

    /// Opens an existing CA directory.
    pub fn open(dir: &Path) -> Result<Self, CaError> {
        let config = CaConfig::load(&dir.join(files::CONFIG))?;
        let cert = |name: &str| -> Result<Vec<u8>, CaError> {
            let path = dir.join(name);
            pem_to_der(&read_text(&path)?, "CERTIFICATE").ok_or_else(|| {
                CaError::Config(crate::tr!(
                    "ca-no-pem-certificate",
                    path = path.display().to_string()
                ))
            })
        };
        let root_der = cert(files::ROOT_CERT)?;
        let issuing_der = cert(files::ISSUING_CERT)?;
        let issuing_key = KeyPair::from_pem(&read_text(&dir.join(files::ISSUING_KEY))?)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            root_der,
            issuing_der,
            issuing_key,
        })
    }

    /// The CA directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The certificates `/cacerts` returns: issuing CA, then root (RFC 7030 §4.1.3).
    pub fn ca_certs(&self) -> Vec<Vec<u8>> {
        vec![self.issuing_der.clone(), self.root_der.clone()]
    }

    /// Answers an OCSP request (RFC 6960) about this CA's certificates from the store, signed
    /// by the issuing CA. Every failure is an `OCSPResponse` with an error status.
    pub fn ocsp_response(&self, store: &Store, request: &[u8], now: i64) -> Vec<u8> {
        use super::ocsp;
        let request = match ocsp::parse_request(request) {
            Ok(r) => r,
            Err(f) => return f.response(),
        };
        let answer = || -> Result<Vec<u8>, CaError> {
            let (_, cert) = x509_parser::parse_x509_certificate(&self.issuing_der)
                .map_err(|e| CaError::Internal(format!("issuing certificate: {e}")))?;
            let tbs = &cert.tbs_certificate;
            let issuer = ocsp::Issuer {
                name: tbs.subject.as_raw(),
                key: &tbs.subject_pki.subject_public_key.data,
            };
            let next_update = i64::from(self.config.issuance.crl_validity_hours) * 3600;
            let data = ocsp::response_data(&request, &issuer, now, next_update, |serial| {
                store.certificate(serial).ok().flatten()
            });
            let alg = self.issuing_key.algorithm();
            // AlgorithmIdentifier: ECDSA without parameters (RFC 5758 §3.2), RSA with NULL
            // (RFC 4055 §5).
            let (alg_oid, null): (&[u64], bool) = if alg == &PKCS_ECDSA_P384_SHA384 {
                (&[1, 2, 840, 10045, 4, 3, 3], false)
            } else if alg == &PKCS_ECDSA_P256_SHA256 {
                (&[1, 2, 840, 10045, 4, 3, 2], false)
            } else if alg == &rcgen::PKCS_RSA_SHA256 {
                (&[1, 2, 840, 113549, 1, 1, 11], true)
            } else {
                return Err(CaError::Internal(
                    "OCSP signing: unsupported issuing key algorithm".into(),
                ));
            };
            let oid = der::oid(alg_oid).ok_or_else(|| CaError::Internal("signature OID".into()))?;
            let alg_der = if null {
                der::seq(&[&oid, &[0x05, 0x00]])
            } else {
                der::seq(&[&oid])
            };
            let signature = rcgen::SigningKey::sign(&self.issuing_key, &data)?;
            Ok(ocsp::response(&data, &alg_der, &signature))
        };
        answer().unwrap_or_else(|e| {
            eprintln!(
                "sello-ca: {}",
                crate::tr!("ca-log-ocsp-failed", error = e.to_string())
            );
            ocsp::Failure::InternalError.response()
        })
    }

    /// The issuing CA certificate (DER), for AIA caIssuers.
    pub fn issuing_cert(&self) -> &[u8] {
        &self.issuing_der
    }

    fn issuer(&self) -> Result<Issuer<'_, &KeyPair>, CaError> {
        Ok(Issuer::from_ca_cert_der(
            &self.issuing_der.as_slice().into(),
            &self.issuing_key,
        )?)
    }

    /// Checks a PKCS#10 CSR against the registered identity: key type and size, signature, subject
    /// in the Spanish natural-person form, e-mail as the only SAN. Returns only the public key:
    /// nothing else from the CSR reaches the certificate.
    pub fn check_csr(&self, csr_der: &[u8], identity: &Identity) -> Result<CheckedCsr, CaError> {
        if csr_der.len() > MAX_CSR_LEN {
            return Err(Rejection::Malformed("CSR larger than 16 KiB".into()).into());
        }
        let (rest, csr) = X509CertificationRequest::from_der(csr_der).map_err(|e| {
            Rejection::Malformed(format!("body is not a DER PKCS#10 CSR (RFC 2986): {e}"))
        })?;
        if !rest.is_empty() {
            return Err(Rejection::Malformed("trailing bytes after the CSR".into()).into());
        }
        let info = &csr.certification_request_info;
        check_key(&info.subject_pki)?;
        csr.verify_signature().map_err(|e| {
            Rejection::Forbidden(format!(
                "CSR signature does not verify with its own key: {e}"
            ))
        })?;
        check_subject(&info.subject, identity)?;
        check_san(&csr, identity)?;
        Ok(CheckedCsr {
            spki: info.subject_pki.raw.to_vec(),
        })
    }

    /// Issues a certificate for `identity` over the checked public key. Serial, validity, key
    /// usages, EKU, policies, qcStatements, CRL DP and AIA all come from the configuration.
    pub fn issue(
        &self,
        identity: &Identity,
        csr: &CheckedCsr,
        purpose: Purpose,
        now: i64,
    ) -> Result<Issued, CaError> {
        self.issue_with_origin(identity, csr, purpose, now, false)
    }

    /// Issues a certificate obtained by remote renewal (`simplereenroll`): as [`Self::issue`],
    /// plus the policy OID [`REMOTE_RENEWAL_POLICY_OID`] so a client can tell, from the
    /// certificate alone, that its next renewal needs a visit to a registration point.
    pub fn issue_renewal(
        &self,
        identity: &Identity,
        csr: &CheckedCsr,
        purpose: Purpose,
        now: i64,
    ) -> Result<Issued, CaError> {
        self.issue_with_origin(identity, csr, purpose, now, true)
    }

    fn issue_with_origin(
        &self,
        identity: &Identity,
        csr: &CheckedCsr,
        purpose: Purpose,
        now: i64,
        remote_renewal: bool,
    ) -> Result<Issued, CaError> {
        let cfg = &self.config.issuance;
        let not_before = datetime(now - 60)?;
        let not_after = end_entity_not_after(datetime(now)?, cfg)?;
        let (serial, serial_hex) = random_serial();
        let mut p = CertificateParams::default();
        p.serial_number = Some(serial);
        p.not_before = not_before;
        p.not_after = not_after;
        p.distinguished_name = subject_dn(identity, cfg.cn_style)?;
        p.subject_alt_names = vec![SanType::Rfc822Name(identity.email.as_str().try_into()?)];
        p.is_ca = IsCa::ExplicitNoCa;
        p.use_authority_key_identifier_extension = true;
        p.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![cfg.crl_url.clone()],
        }];
        let policies = match purpose {
            Purpose::Auth => {
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
                if cfg.auth_email_protection {
                    p.extended_key_usages
                        .push(ExtendedKeyUsagePurpose::EmailProtection);
                }
                &cfg.auth_policy_oids
            }
            Purpose::Sign => {
                p.key_usages = vec![KeyUsagePurpose::ContentCommitment];
                &cfg.sign_policy_oids
            }
            Purpose::Enc => {
                // RFC 8550 §4.4.2 / RFC 5280 §4.2.1.3: RSA keys transport content-encryption
                // keys, EC keys agree on them.
                p.key_usages = vec![if spki_is_rsa(&csr.spki) {
                    KeyUsagePurpose::KeyEncipherment
                } else {
                    KeyUsagePurpose::KeyAgreement
                }];
                p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
                &Vec::new()
            }
        };
        let mut policies = policies.clone();
        if remote_renewal {
            policies.push(REMOTE_RENEWAL_POLICY_OID.to_owned());
        }
        if !policies.is_empty() {
            p.custom_extensions.push(policies_extension(
                &policies,
                cfg.cps_url.as_deref(),
                cfg.user_notice.as_deref(),
            )?);
        }
        if purpose == Purpose::Sign && cfg.qc_statements {
            p.custom_extensions.push(qc_statements_extension(
                cfg.qc_pds_url.as_deref(),
                cfg.qc_retention_years,
            )?);
        }
        if cfg.aia_ca_issuers_url.is_some() || cfg.ocsp_url.is_some() {
            p.custom_extensions.push(aia_extension(
                cfg.ocsp_url.as_deref(),
                cfg.aia_ca_issuers_url.as_deref(),
            )?);
        }
        let spki = rcgen::SubjectPublicKeyInfo::from_der(&csr.spki)?;
        let cert = p.signed_by(&spki, &self.issuer()?)?;
        Ok(Issued {
            serial: serial_hex,
            der: cert.der().to_vec(),
            not_before: not_before.unix_timestamp(),
            not_after: not_after.unix_timestamp(),
            common_name: common_name(identity, cfg.cn_style),
        })
    }

    /// Builds, signs and writes the CRL (RFC 5280 §5) from the store; returns its DER.
    pub fn write_crl(&self, store: &mut Store) -> Result<Vec<u8>, CaError> {
        let now = OffsetDateTime::now_utc();
        let mut revoked_certs = Vec::new();
        for record in store.revoked()? {
            let serial = hex::decode(&record.serial)
                .map_err(|_| CaError::Internal(format!("bad stored serial {}", record.serial)))?;
            revoked_certs.push(RevokedCertParams {
                serial_number: SerialNumber::from_slice(&serial),
                revocation_time: datetime(record.revoked_at.unwrap_or(0))?,
                reason_code: record.revocation_reason.as_deref().and_then(parse_reason),
                invalidity_date: None,
            });
        }
        let params = CertificateRevocationListParams {
            this_update: now,
            next_update: now
                + TimeDuration::hours(i64::from(self.config.issuance.crl_validity_hours)),
            crl_number: SerialNumber::from(store.next_crl_number()?),
            issuing_distribution_point: None,
            revoked_certs,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let crl = params.signed_by(&self.issuer()?)?;
        let der = crl.der().to_vec();
        replace_file(&self.dir.join(files::CRL), &der)?;
        Ok(der)
    }
}

/// Whether a (checked) SubjectPublicKeyInfo holds an RSA key.
fn spki_is_rsa(der: &[u8]) -> bool {
    SubjectPublicKeyInfo::from_der(der).is_ok_and(|(_, spki)| {
        matches!(
            spki.parsed(),
            Ok(x509_parser::public_key::PublicKey::RSA(_))
        )
    })
}

fn check_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<(), CaError> {
    const P256: &str = "1.2.840.10045.3.1.7";
    const P384: &str = "1.3.132.0.34";
    let refuse = |why: String| -> CaError {
        Rejection::Forbidden(format!(
            "{why}; allowed keys are RSA of 2048 bits or more, or ECDSA on P-256 or P-384"
        ))
        .into()
    };
    match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let bits = rsa.key_size();
            if bits < 2048 {
                return Err(refuse(format!("RSA key of {bits} bits is too weak")));
            }
            if bits > 8192 {
                return Err(refuse(format!("RSA key of {bits} bits is too large")));
            }
            Ok(())
        }
        Ok(x509_parser::public_key::PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            if curve == P256 || curve == P384 {
                Ok(())
            } else {
                Err(refuse(format!("EC curve '{curve}' is not allowed")))
            }
        }
        Ok(_) => Err(refuse(format!(
            "key algorithm {} is not allowed",
            spki.algorithm.algorithm.to_id_string()
        ))),
        Err(e) => Err(Rejection::Malformed(format!("CSR public key does not parse: {e}")).into()),
    }
}

fn check_subject(subject: &X509Name<'_>, identity: &Identity) -> Result<(), CaError> {
    // (OID, name, expected value, must be PrintableString)
    let expected = [
        ("2.5.4.6", "C", "ES".to_string(), true),
        ("2.5.4.5", "serialNumber", identity.serial_number(), true),
        ("2.5.4.42", "GN", identity.given_name.clone(), false),
        ("2.5.4.4", "SN", identity.surnames.clone(), false),
        ("2.5.4.3", "CN", identity.common_name(), false),
    ];
    // The CSR may carry the CN in either layout; the certificate gets the configured one.
    let fnmt_cn = identity.common_name_fnmt();
    let mut seen = Vec::new();
    for atv in subject.iter_attributes() {
        let oid = atv.attr_type().to_id_string();
        let Some((_, name, value, printable)) = expected.iter().find(|(o, ..)| *o == oid) else {
            return Err(Rejection::Forbidden(format!(
                "subject mismatch: attribute {oid} is not part of the natural-person subject \
                 (C, serialNumber, GN, SN, CN)"
            ))
            .into());
        };
        if seen.contains(name) {
            return Err(
                Rejection::Forbidden(format!("subject mismatch: {name} appears twice")).into(),
            );
        }
        seen.push(*name);
        let got = atv.as_str().map_err(|_| {
            Rejection::Forbidden(format!("subject mismatch: {name} is not a string"))
        })?;
        if got != value && !(*name == "CN" && got == fnmt_cn) {
            return Err(Rejection::Forbidden(format!(
                "subject mismatch: {name} is '{got}', which is not the registered identity's"
            ))
            .into());
        }
        // PrintableString is universal tag 19.
        if *printable && atv.attr_value().tag().0 != 19 {
            return Err(Rejection::Forbidden(format!(
                "subject mismatch: {name} must be a PrintableString"
            ))
            .into());
        }
    }
    for (_, name, ..) in &expected {
        if !seen.contains(name) {
            return Err(
                Rejection::Forbidden(format!("subject mismatch: {name} is missing")).into(),
            );
        }
    }
    Ok(())
}

fn check_san(csr: &X509CertificationRequest<'_>, identity: &Identity) -> Result<(), CaError> {
    let mut emails = Vec::new();
    for ext in csr.requested_extensions().into_iter().flatten() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext {
            for name in &san.general_names {
                match name {
                    GeneralName::RFC822Name(e) => emails.push(e.to_string()),
                    other => {
                        return Err(Rejection::Forbidden(format!(
                            "subjectAltName may only hold the registered e-mail, found {other}"
                        ))
                        .into())
                    }
                }
            }
        }
    }
    match emails.as_slice() {
        [one] if one.eq_ignore_ascii_case(&identity.email) => Ok(()),
        [] => Err(Rejection::Forbidden(
            "subjectAltName rfc822Name with the registered e-mail is missing".into(),
        )
        .into()),
        [one] => Err(Rejection::Forbidden(format!(
            "subjectAltName e-mail '{one}' is not the registered e-mail"
        ))
        .into()),
        _ => Err(Rejection::Forbidden("subjectAltName holds more than one e-mail".into()).into()),
    }
}

fn oid_der(dotted: &str) -> Result<Vec<u8>, CaError> {
    der::parse_dotted_oid(dotted)
        .and_then(|arcs| der::oid(&arcs))
        .ok_or_else(|| CaError::Config(crate::tr!("ca-config-bad-oid", oid = dotted)))
}

/// certificatePolicies (RFC 5280 §4.2.1.4). The first OID is the CA's own policy and carries
/// the qualifiers: the CPS URI (id-qt-cps) and a user notice (id-qt-unotice, explicitText as
/// UTF8String); the others (e.g. ETSI QCP-n-qscd 0.4.0.194112.1.2) are identifiers only.
fn policies_extension(
    oids: &[String],
    cps: Option<&str>,
    notice: Option<&str>,
) -> Result<CustomExtension, CaError> {
    let mut qualifiers = Vec::new();
    if let Some(url) = cps {
        qualifiers.push(der::seq(&[
            &oid_der("1.3.6.1.5.5.7.2.1")?,
            &der::tlv(0x16, url.as_bytes()),
        ]));
    }
    if let Some(text) = notice {
        qualifiers.push(der::seq(&[
            &oid_der("1.3.6.1.5.5.7.2.2")?,
            &der::seq(&[&der::tlv(0x0c, text.as_bytes())]),
        ]));
    }
    let mut infos = Vec::new();
    for (i, o) in oids.iter().enumerate() {
        let oid = oid_der(o)?;
        if i == 0 && !qualifiers.is_empty() {
            let refs: Vec<&[u8]> = qualifiers.iter().map(Vec::as_slice).collect();
            infos.push(der::seq(&[&oid, &der::seq(&refs)]));
        } else {
            infos.push(der::seq(&[&oid]));
        }
    }
    let refs: Vec<&[u8]> = infos.iter().map(Vec::as_slice).collect();
    Ok(CustomExtension::from_oid_content(
        &[2, 5, 29, 32],
        der::seq(&refs),
    ))
}

/// qcStatements (RFC 3739 §3.2.6) with QcCompliance, QcSSCD and QcType = esign
/// (ETSI EN 319 412-5 §4.2.1, §4.2.2, §4.2.3), QcRetentionPeriod (§4.3.3) and QcPDS (§4.3.4)
/// when configured.
fn qc_statements_extension(
    pds_url: Option<&str>,
    retention_years: Option<u8>,
) -> Result<CustomExtension, CaError> {
    let mut statements = vec![
        der::seq(&[&oid_der("0.4.0.1862.1.1")?]),
        der::seq(&[&oid_der("0.4.0.1862.1.4")?]),
        der::seq(&[
            &oid_der("0.4.0.1862.1.6")?,
            &der::seq(&[&oid_der("0.4.0.1862.1.6.1")?]),
        ]),
    ];
    if let Some(years) = retention_years {
        statements.push(der::seq(&[
            &oid_der("0.4.0.1862.1.3")?,
            &der::small_int(years),
        ]));
    }
    if let Some(url) = pds_url {
        let location = der::seq(&[&der::tlv(0x16, url.as_bytes()), &der::tlv(0x13, b"en")]);
        statements.push(der::seq(&[
            &oid_der("0.4.0.1862.1.5")?,
            &der::seq(&[&location]),
        ]));
    }
    let refs: Vec<&[u8]> = statements.iter().map(Vec::as_slice).collect();
    Ok(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 3],
        der::seq(&refs),
    ))
}

/// authorityInfoAccess (RFC 5280 §4.2.2.1): the OCSP responder, then caIssuers.
fn aia_extension(ocsp: Option<&str>, ca_issuers: Option<&str>) -> Result<CustomExtension, CaError> {
    let mut entries = Vec::new();
    if let Some(url) = ocsp {
        entries.push(der::seq(&[
            &oid_der("1.3.6.1.5.5.7.48.1")?,
            &der::tlv(0x86, url.as_bytes()),
        ]));
    }
    if let Some(url) = ca_issuers {
        entries.push(der::seq(&[
            &oid_der("1.3.6.1.5.5.7.48.2")?,
            &der::tlv(0x86, url.as_bytes()),
        ]));
    }
    let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    Ok(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        der::seq(&refs),
    ))
}
