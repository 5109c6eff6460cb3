//! A local, in-process issuing CA for training points and tests: a P-256 CA key on the host,
//! certificates made with `rcgen`. It checks the CSR's proof of possession, copies the subject
//! and e-mail from it (a training CA has no registry of identities — the production CA checks
//! them), and sets serial, validity and usages itself, never from the request.
//!
//! Its name says what it is: certificates from it cannot pass for a real authority's.

use std::path::Path;

use p256::ecdsa::signature::Signer;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyUsagePurpose, PublicKeyData, SanType,
    SignatureAlgorithm, SigningKey,
};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::card::PublicKey;
use crate::enroll::csr::{check_csr, signature_algorithm};
use crate::enroll::{EnrollError, Enroller, Purpose};

/// The CA's subject CN.
pub const CA_NAME: &str = "Sello Training CA - NOT A REAL AUTHORITY";
/// Validity of issued certificates (30 months, as the production CA).
const VALIDITY_DAYS: i64 = 913;

/// A host-held P-256 key as an rcgen signing key.
struct HostKey {
    key: p256::ecdsa::SigningKey,
    point: Vec<u8>,
}

impl HostKey {
    fn new(key: p256::ecdsa::SigningKey) -> Self {
        let point = key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec();
        Self { key, point }
    }
}

impl PublicKeyData for HostKey {
    fn der_bytes(&self) -> &[u8] {
        &self.point
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl SigningKey for HostKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let sig: p256::ecdsa::Signature = self.key.sign(msg);
        Ok(sig.to_der().as_bytes().to_vec())
    }
}

/// A subject public key taken from a CSR.
struct RequestKey {
    bits: Vec<u8>,
    alg: &'static SignatureAlgorithm,
}

impl PublicKeyData for RequestKey {
    fn der_bytes(&self) -> &[u8] {
        &self.bits
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.alg
    }
}

impl RequestKey {
    fn from_public(key: &PublicKey) -> Result<Self, EnrollError> {
        let spki = key
            .to_spki_der()
            .map_err(|e| EnrollError::Rejected(e.to_string()))?;
        let (_, parsed) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki)
            .map_err(|_| EnrollError::Rejected("bad public key".into()))?;
        Ok(Self {
            bits: parsed.subject_public_key.data.to_vec(),
            alg: signature_algorithm(key.algorithm()),
        })
    }
}

/// The local issuing CA.
pub struct LocalIssuer {
    key: p256::ecdsa::SigningKey,
    ca_params: CertificateParams,
    ca_der: Vec<u8>,
    issued: usize,
}

/// Errors creating or opening a local CA.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalCaError {
    /// File I/O.
    #[error("{}", crate::tr!("enroll-local-io", path = .path.as_str(), error = .source.to_string()))]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A file with the wrong content.
    #[error("{}", crate::tr!("enroll-local-format", path = .0.as_str()))]
    Format(String),
    /// rcgen failed.
    #[error("{}", crate::tr!("enroll-local-build", reason = .0.as_str()))]
    Build(String),
}

/// RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
fn key_id(bits: &[u8]) -> KeyIdMethod {
    use sha1::Digest;
    KeyIdMethod::PreSpecified(sha1::Sha1::digest(bits).to_vec())
}

/// An X.509 name as rcgen parameters, keeping each value's string type.
fn dn_from_name(name: &x509_parser::x509::X509Name<'_>) -> Result<DistinguishedName, String> {
    let mut dn = DistinguishedName::new();
    for attr in name.iter_attributes() {
        let oid: Vec<u64> = attr
            .attr_type()
            .iter()
            .map(|arcs| arcs.collect())
            .ok_or("bad attribute type")?;
        let text = attr.as_str().map_err(|_| "a name value is not a string")?;
        let value = match attr.attr_value().header.tag() {
            x509_parser::der_parser::asn1_rs::Tag::PrintableString => {
                DnValue::PrintableString(text.try_into().map_err(|_| "bad PrintableString")?)
            }
            _ => DnValue::Utf8String(text.to_owned()),
        };
        dn.push(DnType::from_oid(&oid), value);
    }
    Ok(dn)
}

fn ca_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into().expect("\"ES\" is a PrintableString")),
    );
    dn.push(DnType::OrganizationName, "Sello training");
    dn.push(DnType::CommonName, CA_NAME);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

impl LocalIssuer {
    /// A new CA with a fresh key (valid 5 years).
    pub fn generate() -> Result<Self, LocalCaError> {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let mut params = ca_params();
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::minutes(5);
        params.not_after = now + time::Duration::days(5 * 365);
        params.serial_number = Some(random_serial().into());
        let host = HostKey::new(key.clone());
        params.key_identifier_method = key_id(&host.point);
        let cert = params
            .self_signed(&host)
            .map_err(|e| LocalCaError::Build(e.to_string()))?;
        Ok(Self {
            key,
            ca_params: params,
            ca_der: cert.der().to_vec(),
            issued: 0,
        })
    }

    /// Writes `ca.pem` (certificate) and `ca.key` (PKCS#8, mode 0600) into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), LocalCaError> {
        let io = |path: &Path| {
            let p = path.display().to_string();
            move |source| LocalCaError::Io { path: p, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let cert_path = dir.join("ca.pem");
        std::fs::write(&cert_path, pem_encode("CERTIFICATE", &self.ca_der))
            .map_err(io(&cert_path))?;
        let key_path = dir.join("ca.key");
        let pem = self
            .key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| LocalCaError::Build("key encoding".into()))?;
        write_private(&key_path, pem.as_bytes()).map_err(io(&key_path))
    }

    /// Opens the CA in `dir` (`ca.pem`, `ca.key`).
    pub fn open(dir: &Path) -> Result<Self, LocalCaError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| LocalCaError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let key_pem = zeroize::Zeroizing::new(read("ca.key")?);
        let key = p256::ecdsa::SigningKey::from_pkcs8_pem(&key_pem)
            .map_err(|_| LocalCaError::Format(dir.join("ca.key").display().to_string()))?;
        let cert_pem = read("ca.pem")?;
        let bad_cert = || LocalCaError::Format(dir.join("ca.pem").display().to_string());
        let ca_der = pem_decode(&cert_pem).ok_or_else(bad_cert)?;
        let (_, cert) = x509_parser::parse_x509_certificate(&ca_der).map_err(|_| bad_cert())?;
        let host = HostKey::new(key.clone());
        if cert.public_key().subject_public_key.data.as_ref() != host.point.as_slice() {
            return Err(LocalCaError::Build(
                "ca.key is not the key of the certificate in ca.pem".into(),
            ));
        }
        let mut params = ca_params();
        params.distinguished_name = dn_from_name(cert.subject()).map_err(LocalCaError::Build)?;
        params.key_identifier_method = match cert
            .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
        {
            Ok(Some(ext)) => match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => KeyIdMethod::PreSpecified(k.0.to_vec()),
                _ => key_id(&host.point),
            },
            _ => key_id(&host.point),
        };
        let ca_der = ca_der.clone();
        Ok(Self {
            key,
            ca_params: params,
            ca_der,
            issued: 0,
        })
    }

    /// The CA certificate (DER): the trust anchor to configure.
    pub fn ca_cert_der(&self) -> &[u8] {
        &self.ca_der
    }

    /// Certificates issued by this instance.
    pub fn issued(&self) -> usize {
        self.issued
    }

    /// Issues a certificate for the CSR: proof of possession checked, subject and e-mail copied,
    /// usages per purpose.
    pub fn issue(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<u8>, EnrollError> {
        let checked = check_csr(csr_der).map_err(|e| EnrollError::Rejected(e.to_string()))?;
        self.issue_for_key(purpose, csr_der, &checked.public_key)
    }

    /// Like [`LocalIssuer::issue`] but certifies `key` instead of the CSR's key — what a broken
    /// or hostile CA would do; tests use it to prove such a certificate never reaches the card.
    pub fn issue_for_key(
        &mut self,
        purpose: Purpose,
        csr_der: &[u8],
        key: &PublicKey,
    ) -> Result<Vec<u8>, EnrollError> {
        let (_, req) =
            x509_parser::certification_request::X509CertificationRequest::from_der(csr_der)
                .map_err(|_| EnrollError::Rejected("not a PKCS#10 request".into()))?;
        let info = &req.certification_request_info;
        let mut params = CertificateParams::default();
        let dn = dn_from_name(&info.subject).map_err(|m| EnrollError::Rejected(m.to_owned()))?;
        params.distinguished_name = dn;
        if let Some(exts) = req.requested_extensions() {
            for ext in exts {
                if let ParsedExtension::SubjectAlternativeName(san) = ext {
                    for g in &san.general_names {
                        if let GeneralName::RFC822Name(m) = g {
                            params.subject_alt_names.push(SanType::Rfc822Name(
                                (*m).try_into().map_err(|_| {
                                    EnrollError::Rejected("bad e-mail address".into())
                                })?,
                            ));
                        }
                    }
                }
            }
        }
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::minutes(1);
        params.not_after = now + time::Duration::days(VALIDITY_DAYS);
        params.serial_number = Some(random_serial().into());
        params.is_ca = IsCa::ExplicitNoCa;
        params.use_authority_key_identifier_extension = true;
        let is_rsa = key.algorithm().rsa_len().is_some();
        match purpose {
            Purpose::Authentication => {
                params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                if is_rsa {
                    params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
                }
                params.extended_key_usages = vec![
                    ExtendedKeyUsagePurpose::ClientAuth,
                    ExtendedKeyUsagePurpose::EmailProtection,
                ];
            }
            Purpose::Signature => {
                params.key_usages = vec![KeyUsagePurpose::ContentCommitment];
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
            }
            Purpose::Encryption => {
                params.key_usages = vec![if is_rsa {
                    KeyUsagePurpose::KeyEncipherment
                } else {
                    KeyUsagePurpose::KeyAgreement
                }];
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
            }
        }
        let subject_key = RequestKey::from_public(key)?;
        params.key_identifier_method = key_id(&subject_key.bits);
        let issuer = Issuer::from_params(&self.ca_params, HostKey::new(self.key.clone()));
        let cert = params
            .signed_by(&subject_key, &issuer)
            .map_err(|e| EnrollError::Protocol(e.to_string()))?;
        self.issued += 1;
        Ok(cert.der().to_vec())
    }
}

impl Enroller for LocalIssuer {
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        let leaf = self.issue(purpose, csr_der)?;
        Ok(vec![leaf, self.ca_der.clone()])
    }
}

/// A positive random 128-bit serial (RFC 5280 §4.1.2.2; CA/B BR 7.1: at least 64 random bits).
fn random_serial() -> Vec<u8> {
    let mut serial = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
    serial[0] = (serial[0] & 0x7F) | 0x01;
    serial.to_vec()
}

/// PEM encoding (RFC 7468) of DER.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    rcgen_pem(label, der)
}

fn rcgen_pem(label: &str, der: &[u8]) -> String {
    // rcgen's `pem` feature brings the `pem` crate; use it rather than another encoder.
    let p = pem::Pem::new(label, der.to_vec());
    pem::encode_config(
        &p,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The first PEM block's DER (any label); `None` when there is none.
pub fn pem_decode(text: &str) -> Option<Vec<u8>> {
    pem::parse(text).ok().map(|p| p.contents().to_vec())
}

/// The public key of a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as the journals record them;
/// `None` when it does not parse.
pub fn pem_public_key(text: &str) -> Option<crate::card::PublicKey> {
    pem_decode(text).and_then(|d| crate::card::PublicKey::from_spki_der(&d).ok())
}

/// Every PEM block's DER, in order.
pub fn pem_decode_all(text: &str) -> Vec<Vec<u8>> {
    pem::parse_many(text)
        .map(|v| v.into_iter().map(|p| p.contents().to_vec()).collect())
        .unwrap_or_default()
}

fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)
}
