//! EST client (RFC 7030, with the RFC 8951 clarifications), blocking, over rustls (ring).
//!
//! - `cacerts` (§4.1), `csrattrs` (§4.5), `simpleenroll` (§4.2.1, HTTP Basic inside TLS with the
//!   identity and the one-time enrollment code) and `simplereenroll` (§4.2.2, TLS client
//!   authentication with the current certificate, whose key may live on a smart card: see
//!   [`ClientKey`]).
//! - The server is trusted explicitly: a PEM trust anchor or a pinned SHA-256 fingerprint of the
//!   server certificate ([`TrustAnchor`]); there is no fallback to system roots.
//! - `202 Accepted` + `Retry-After` (§4.2.3) is polled a bounded number of times, each wait
//!   reported through a callback; 401 and other 4xx/5xx carry the server's text in the error;
//!   base64 bodies may contain line breaks and `Content-Transfer-Encoding` is ignored (RFC 8951 §3);
//!   connect, read and overall timeouts turn a hanging CA into an error.
//! - The enrollment code is zeroized and never appears in `Debug`, logs or error messages.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureAlgorithm,
    SignatureScheme, StreamOwned,
};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Largest response header block accepted.
const MAX_RESPONSE_HEADER: usize = 16 * 1024;
/// Largest response body accepted.
const MAX_RESPONSE_BODY: usize = 1024 * 1024;
/// Longest server text quoted in an error.
const MAX_QUOTED: usize = 600;

/// Errors of the EST client. Server texts are quoted (truncated, control characters removed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EstError {
    /// Bad client-side input (URL, label, trust anchor).
    #[error("EST client configuration: {0}")]
    Config(String),
    /// TCP connection failed.
    #[error("cannot connect to the CA at {addr}: {source}")]
    Connect {
        /// host:port.
        addr: String,
        /// Cause.
        #[source]
        source: io::Error,
    },
    /// The CA did not answer in time.
    #[error("the CA at {addr} did not answer within {after:?} ({during})")]
    Timeout {
        /// host:port.
        addr: String,
        /// The timeout that fired.
        after: Duration,
        /// What was going on.
        during: &'static str,
    },
    /// TLS failed (untrusted certificate, not a TLS server, client key failure...).
    #[error("TLS with the CA at {addr} failed: {reason}")]
    Tls {
        /// host:port.
        addr: String,
        /// rustls' reason, with a hint.
        reason: String,
    },
    /// The CA answered something that is not the expected HTTP / EST content.
    #[error("the CA at {addr} answered garbage: {reason}")]
    Protocol {
        /// host:port.
        addr: String,
        /// What was wrong.
        reason: String,
    },
    /// 401: identity/code or client certificate refused.
    #[error("the CA refused the credentials (401): {message}")]
    Unauthorized {
        /// The CA's text.
        message: String,
    },
    /// Another 4xx: the request was refused; the CA's text says why.
    #[error("the CA refused the request ({status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The CA's text.
        message: String,
    },
    /// 5xx.
    #[error("the CA failed ({status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The CA's text.
        message: String,
    },
    /// Still `202 Accepted` after the allowed number of polls.
    #[error("the request is still waiting for approval after {polls} polls; try again later")]
    StillPending {
        /// Polls made.
        polls: u32,
    },
    /// I/O error other than a timeout.
    #[error("I/O with the CA at {addr}: {source}")]
    Io {
        /// host:port.
        addr: String,
        /// Cause.
        #[source]
        source: io::Error,
    },
}

/// Result alias.
pub type Result<T, E = EstError> = std::result::Result<T, E>;

/// How the CA's TLS server is authenticated. No system roots, ever.
#[derive(Clone)]
pub enum TrustAnchor {
    /// Trust anchors (DER), e.g. the local CA's root certificate.
    Certificates(Vec<Vec<u8>>),
    /// SHA-256 of the server's end-entity certificate (DER). Handshake signatures are still
    /// verified with that certificate's key.
    PinnedSha256([u8; 32]),
}

impl fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustAnchor::Certificates(c) => write!(f, "Certificates({} anchors)", c.len()),
            TrustAnchor::PinnedSha256(p) => write!(f, "PinnedSha256({})", hex::encode(p)),
        }
    }
}

impl TrustAnchor {
    /// Reads every `CERTIFICATE` block of a PEM file.
    pub fn from_pem_file(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EstError::Config(format!("{}: {e}", path.display())))?;
        let certs = pem_certificates(&text);
        if certs.is_empty() {
            return Err(EstError::Config(format!(
                "{}: no PEM CERTIFICATE found",
                path.display()
            )));
        }
        Ok(TrustAnchor::Certificates(certs))
    }

    /// Parses a fingerprint in hex, with or without colons (`AB:CD:...`, as `openssl x509
    /// -fingerprint -sha256` prints it).
    pub fn from_fingerprint(text: &str) -> Result<Self> {
        let hex_only: String = text
            .chars()
            .filter(|c| *c != ':' && !c.is_whitespace())
            .collect();
        let bytes = hex::decode(&hex_only)
            .map_err(|_| EstError::Config("fingerprint is not hex".into()))?;
        let pin: [u8; 32] = bytes
            .try_into()
            .map_err(|_| EstError::Config("a SHA-256 fingerprint has 32 bytes".into()))?;
        Ok(TrustAnchor::PinnedSha256(pin))
    }
}

/// Every `CERTIFICATE` block of a PEM text, as DER.
pub fn pem_certificates(text: &str) -> Vec<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(stop) = after.find(END) else { break };
        if let Ok(der) = decode_base64_lenient(&after.as_bytes()[..stop]) {
            out.push(der);
        }
        rest = &after[stop + END.len()..];
    }
    out
}

/// Algorithm of a [`ClientKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientKeyAlgorithm {
    /// RSA (any size the card supports; the CA wants >= 2048).
    Rsa,
    /// ECDSA on P-256.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
}

/// TLS signature schemes a [`ClientKey`] may be asked for (RFC 8446 §4.2.3). The key hashes and
/// pads (a card with raw RSA: host-side PKCS#1 v1.5 or PSS padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsSignatureScheme {
    /// RSASSA-PSS, SHA-256, MGF1-SHA-256, salt length 32 (TLS 1.3 needs PSS for RSA).
    RsaPssSha256,
    /// RSASSA-PSS, SHA-384, salt length 48.
    RsaPssSha384,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (TLS 1.2 only).
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384 (TLS 1.2 only).
    RsaPkcs1Sha384,
    /// ECDSA P-256 with SHA-256; signature DER-encoded (`Ecdsa-Sig-Value`).
    EcdsaP256Sha256,
    /// ECDSA P-384 with SHA-384; signature DER-encoded.
    EcdsaP384Sha384,
}

impl TlsSignatureScheme {
    fn to_rustls(self) -> SignatureScheme {
        match self {
            TlsSignatureScheme::RsaPssSha256 => SignatureScheme::RSA_PSS_SHA256,
            TlsSignatureScheme::RsaPssSha384 => SignatureScheme::RSA_PSS_SHA384,
            TlsSignatureScheme::RsaPkcs1Sha256 => SignatureScheme::RSA_PKCS1_SHA256,
            TlsSignatureScheme::RsaPkcs1Sha384 => SignatureScheme::RSA_PKCS1_SHA384,
            TlsSignatureScheme::EcdsaP256Sha256 => SignatureScheme::ECDSA_NISTP256_SHA256,
            TlsSignatureScheme::EcdsaP384Sha384 => SignatureScheme::ECDSA_NISTP384_SHA384,
        }
    }
}

/// The key behind TLS client authentication for `simplereenroll`. A smart card implements it
/// (the private key never leaves the card); tests implement it with an in-memory key.
pub trait ClientKey: Send + Sync + fmt::Debug {
    /// The certificate chain to send, end-entity first (DER).
    fn certificate_chain(&self) -> Vec<Vec<u8>>;
    /// The key's algorithm.
    fn algorithm(&self) -> ClientKeyAlgorithm;
    /// The schemes this key can produce, in order of preference.
    fn schemes(&self) -> Vec<TlsSignatureScheme> {
        match self.algorithm() {
            ClientKeyAlgorithm::Rsa => vec![
                TlsSignatureScheme::RsaPssSha256,
                TlsSignatureScheme::RsaPssSha384,
                TlsSignatureScheme::RsaPkcs1Sha256,
                TlsSignatureScheme::RsaPkcs1Sha384,
            ],
            ClientKeyAlgorithm::EcdsaP256 => vec![TlsSignatureScheme::EcdsaP256Sha256],
            ClientKeyAlgorithm::EcdsaP384 => vec![TlsSignatureScheme::EcdsaP384Sha384],
        }
    }
    /// Signs `message` (not yet hashed) with `scheme`.
    fn sign(
        &self,
        scheme: TlsSignatureScheme,
        message: &[u8],
    ) -> std::result::Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>;
}

/// rustls `ResolvesClientCert` over a [`ClientKey`].
#[derive(Debug)]
struct ClientKeyResolver {
    key: Arc<dyn ClientKey>,
}

impl ResolvesClientCert for ClientKeyResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let offered_ok = self
            .key
            .schemes()
            .iter()
            .any(|s| sigschemes.contains(&s.to_rustls()));
        if !offered_ok {
            return None;
        }
        let chain = self
            .key
            .certificate_chain()
            .into_iter()
            .map(CertificateDer::from)
            .collect();
        Some(Arc::new(CertifiedKey::new(
            chain,
            Arc::new(ClientKeySigning {
                key: Arc::clone(&self.key),
            }),
        )))
    }

    fn has_certs(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct ClientKeySigning {
    key: Arc<dyn ClientKey>,
}

impl SigningKey for ClientKeySigning {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        self.key
            .schemes()
            .into_iter()
            .find(|s| offered.contains(&s.to_rustls()))
            .map(|scheme| {
                Box::new(ClientKeySigner {
                    key: Arc::clone(&self.key),
                    scheme,
                }) as Box<dyn Signer>
            })
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self.key.algorithm() {
            ClientKeyAlgorithm::Rsa => SignatureAlgorithm::RSA,
            ClientKeyAlgorithm::EcdsaP256 | ClientKeyAlgorithm::EcdsaP384 => {
                SignatureAlgorithm::ECDSA
            }
        }
    }
}

#[derive(Debug)]
struct ClientKeySigner {
    key: Arc<dyn ClientKey>,
    scheme: TlsSignatureScheme,
}

impl Signer for ClientKeySigner {
    fn sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, rustls::Error> {
        self.key
            .sign(self.scheme, message)
            .map_err(|e| rustls::Error::General(format!("client key could not sign: {e}")))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme.to_rustls()
    }
}

/// Server verification by a pinned SHA-256 of the end-entity certificate.
#[derive(Debug)]
struct PinnedVerifier {
    pin: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        let diff = got.iter().zip(&self.pin).fold(0u8, |a, (x, y)| a | (x ^ y));
        if diff == 0 {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "server certificate SHA-256 {} does not match the pinned fingerprint",
                hex::encode(got)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The one-time enrollment code as the client holds it: zeroized on drop, `Debug` prints `***`.
pub struct EnrollmentSecret(Zeroizing<String>);

impl EnrollmentSecret {
    /// Wraps the code.
    pub fn new(code: &str) -> Self {
        Self(Zeroizing::new(code.to_string()))
    }
}

impl fmt::Debug for EnrollmentSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrollmentSecret(***)")
    }
}

/// A `202 Accepted` the client is about to wait out.
#[derive(Debug, Clone)]
pub struct PendingNotice {
    /// 1-based poll number.
    pub attempt: u32,
    /// Polls allowed in total.
    pub max_attempts: u32,
    /// How long the client waits before asking again.
    pub wait: Duration,
    /// The CA's text, if any.
    pub message: String,
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct EstClientConfig {
    /// `https://host[:port]` (no path: the EST paths are fixed by RFC 7030 §3.2.2).
    pub server: String,
    /// How the server is authenticated.
    pub trust: TrustAnchor,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of each read/write.
    pub io_timeout: Duration,
    /// Bound on one whole request/response exchange.
    pub request_timeout: Duration,
    /// How many `202` answers are waited out before giving up.
    pub max_polls: u32,
    /// Longest honoured `Retry-After` (longer ones are shortened to this).
    pub max_retry_after: Duration,
}

impl EstClientConfig {
    /// Defaults: 10 s connect, 30 s per read, 120 s per exchange, 10 polls, waits of at most 5 min.
    pub fn new(server: &str, trust: TrustAnchor) -> Self {
        Self {
            server: server.to_string(),
            trust,
            connect_timeout: Duration::from_secs(10),
            io_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            max_polls: 10,
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// What `/csrattrs` returned (RFC 7030 §4.5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrAttrs {
    /// The DER `CsrAttrs` (empty when the server has none: 204/404).
    pub der: Vec<u8>,
    /// Top-level OIDs and attribute types, dotted.
    pub oids: Vec<String>,
}

/// An EST client bound to one server.
pub struct EstClient {
    host: String,
    port: u16,
    config: EstClientConfig,
    tls: Arc<ClientConfig>,
    tls_with_key: Option<Arc<ClientConfig>>,
}

impl fmt::Debug for EstClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EstClient")
            .field("server", &self.addr())
            .field("client_key", &self.tls_with_key.is_some())
            .finish()
    }
}

fn tls_builder(
    trust: &TrustAnchor,
) -> Result<rustls::ConfigBuilder<ClientConfig, rustls::client::WantsClientCert>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| EstError::Config(e.to_string()))?;
    Ok(match trust {
        TrustAnchor::Certificates(certs) => {
            let mut roots = RootCertStore::empty();
            for c in certs {
                roots
                    .add(CertificateDer::from(c.clone()))
                    .map_err(|e| EstError::Config(format!("trust anchor rejected: {e}")))?;
            }
            builder.with_root_certificates(roots)
        }
        TrustAnchor::PinnedSha256(pin) => {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
                    pin: *pin,
                    provider,
                }))
        }
    })
}

impl EstClient {
    /// A client without a TLS client key (`cacerts`, `csrattrs`, `simpleenroll`).
    pub fn new(config: EstClientConfig) -> Result<Self> {
        let rest = config
            .server
            .strip_prefix("https://")
            .ok_or_else(|| EstError::Config("server URL must start with https://".into()))?;
        let authority = rest.trim_end_matches('/');
        if authority.contains('/') || authority.contains('@') || authority.is_empty() {
            return Err(EstError::Config(
                "server URL must be https://host[:port] without a path".into(),
            ));
        }
        let parse_port = |p: &str| {
            p.parse::<u16>()
                .map_err(|_| EstError::Config(format!("bad port '{p}'")))
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            // [IPv6]:port or [IPv6]
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| EstError::Config("unterminated '[' in server URL".into()))?;
            match after.strip_prefix(':') {
                Some(p) => (h.to_string(), parse_port(p)?),
                None if after.is_empty() => (h.to_string(), 443),
                None => return Err(EstError::Config("garbage after ']' in server URL".into())),
            }
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h.to_string(), parse_port(p)?),
                None => (authority.to_string(), 443),
            }
        };
        if host.is_empty() {
            return Err(EstError::Config("server URL has no host".into()));
        }
        let tls = Arc::new(tls_builder(&config.trust)?.with_no_client_auth());
        Ok(Self {
            host,
            port,
            config,
            tls,
            tls_with_key: None,
        })
    }

    /// Adds the TLS client key used by [`EstClient::simplereenroll`].
    pub fn with_client_key(mut self, key: Arc<dyn ClientKey>) -> Result<Self> {
        let config = tls_builder(&self.config.trust)?
            .with_client_cert_resolver(Arc::new(ClientKeyResolver { key }));
        self.tls_with_key = Some(Arc::new(config));
        Ok(self)
    }

    fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// `GET /cacerts` (RFC 7030 §4.1): the CA certificates (DER), as the server orders them.
    pub fn cacerts(&self, label: Option<&str>) -> Result<Vec<Vec<u8>>> {
        let response = self.exchange("GET", &est_path(label, "cacerts")?, &[], &[], false)?;
        match response.status {
            200 => self.certs_from(&response),
            _ => Err(self.status_error(&response, None)),
        }
    }

    /// `GET /csrattrs` (RFC 7030 §4.5). 204 and 404 mean "no attributes".
    pub fn csrattrs(&self, label: Option<&str>) -> Result<CsrAttrs> {
        let response = self.exchange("GET", &est_path(label, "csrattrs")?, &[], &[], false)?;
        match response.status {
            200 => {
                let der = decode_base64_lenient(&response.body)
                    .map_err(|e| self.protocol(format!("csrattrs body is not base64: {e}")))?;
                let oids = parse_csr_attrs(&der)
                    .ok_or_else(|| self.protocol("csrattrs body is not a DER CsrAttrs".into()))?;
                Ok(CsrAttrs { der, oids })
            }
            204 | 404 => Ok(CsrAttrs {
                der: Vec::new(),
                oids: Vec::new(),
            }),
            _ => Err(self.status_error(&response, None)),
        }
    }

    /// `POST /simpleenroll` (RFC 7030 §4.2.1) with HTTP Basic `identity:code` inside TLS.
    /// Returns the certificates of the response (the issued one first as the server sends it).
    /// Each `202` wait is announced through `on_wait` before sleeping.
    pub fn simpleenroll(
        &self,
        label: Option<&str>,
        identity: &str,
        code: &EnrollmentSecret,
        csr_der: &[u8],
        on_wait: &mut dyn FnMut(&PendingNotice),
    ) -> Result<Vec<Vec<u8>>> {
        if identity.contains(':') {
            return Err(EstError::Config("identity must not contain ':'".into()));
        }
        let mut credentials = Zeroizing::new(String::with_capacity(64));
        credentials.push_str(identity);
        credentials.push(':');
        credentials.push_str(&code.0);
        let mut authorization = Zeroizing::new(String::from("Basic "));
        authorization
            .push_str(&base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes()));
        let path = est_path(label, "simpleenroll")?;
        self.enroll(
            &path,
            Some(&authorization),
            csr_der,
            false,
            Some(&code.0),
            on_wait,
        )
    }

    /// `POST /simplereenroll` (RFC 7030 §4.2.2), authenticated by TLS with the client key given
    /// to [`EstClient::with_client_key`].
    pub fn simplereenroll(
        &self,
        label: Option<&str>,
        csr_der: &[u8],
        on_wait: &mut dyn FnMut(&PendingNotice),
    ) -> Result<Vec<Vec<u8>>> {
        if self.tls_with_key.is_none() {
            return Err(EstError::Config(
                "simplereenroll needs a client key (EstClient::with_client_key)".into(),
            ));
        }
        let path = est_path(label, "simplereenroll")?;
        self.enroll(&path, None, csr_der, true, None, on_wait)
    }

    fn enroll(
        &self,
        path: &str,
        authorization: Option<&str>,
        csr_der: &[u8],
        with_key: bool,
        secret: Option<&str>,
        on_wait: &mut dyn FnMut(&PendingNotice),
    ) -> Result<Vec<Vec<u8>>> {
        let body = base64::engine::general_purpose::STANDARD.encode(csr_der);
        let mut headers = vec![("Content-Type", "application/pkcs10")];
        if let Some(a) = authorization {
            headers.push(("Authorization", a));
        }
        let mut polls = 0u32;
        loop {
            let response = self.exchange("POST", path, &headers, body.as_bytes(), with_key)?;
            match response.status {
                200 => return self.certs_from(&response),
                202 => {
                    polls += 1;
                    if polls > self.config.max_polls {
                        return Err(EstError::StillPending {
                            polls: self.config.max_polls,
                        });
                    }
                    let wait = retry_after(response.header("retry-after"))
                        .min(self.config.max_retry_after);
                    on_wait(&PendingNotice {
                        attempt: polls,
                        max_attempts: self.config.max_polls,
                        wait,
                        message: quote(&response.body, secret),
                    });
                    std::thread::sleep(wait);
                }
                _ => return Err(self.status_error(&response, secret)),
            }
        }
    }

    fn protocol(&self, reason: String) -> EstError {
        EstError::Protocol {
            addr: self.addr(),
            reason,
        }
    }

    fn status_error(&self, response: &HttpResponse, secret: Option<&str>) -> EstError {
        let message = quote(&response.body, secret);
        match response.status {
            401 => EstError::Unauthorized { message },
            s @ 400..=499 => EstError::Rejected { status: s, message },
            s @ 500..=599 => EstError::Server { status: s, message },
            s => self.protocol(format!("unexpected HTTP status {s}: {message}")),
        }
    }

    fn certs_from(&self, response: &HttpResponse) -> Result<Vec<Vec<u8>>> {
        let ct = response.header("content-type").unwrap_or_default();
        if !ct
            .to_ascii_lowercase()
            .starts_with("application/pkcs7-mime")
        {
            return Err(self.protocol(format!(
                "expected application/pkcs7-mime, got Content-Type '{}'",
                sanitize(ct)
            )));
        }
        let der = decode_base64_lenient(&response.body)
            .map_err(|e| self.protocol(format!("PKCS#7 body is not base64: {e}")))?;
        let certs = parse_certs_only(&der).map_err(|e| self.protocol(e))?;
        if certs.is_empty() {
            return Err(self.protocol("PKCS#7 holds no certificate".into()));
        }
        for cert in &certs {
            x509_parser::parse_x509_certificate(cert).map_err(|e| {
                self.protocol(format!(
                    "PKCS#7 holds something that is not a certificate: {e}"
                ))
            })?;
        }
        Ok(certs)
    }

    /// One HTTP/1.1 request over a fresh TLS connection (`Connection: close`).
    fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        with_key: bool,
    ) -> Result<HttpResponse> {
        let addr = self.addr();
        let started = Instant::now();
        let tcp = self.connect()?;
        tcp.set_read_timeout(Some(self.config.io_timeout))
            .and_then(|()| tcp.set_write_timeout(Some(self.config.io_timeout)))
            .and_then(|()| tcp.set_nodelay(true))
            .map_err(|e| EstError::Io {
                addr: addr.clone(),
                source: e,
            })?;
        let config = match (with_key, &self.tls_with_key) {
            (true, Some(c)) => Arc::clone(c),
            _ => Arc::clone(&self.tls),
        };
        let name = ServerName::try_from(self.host.clone())
            .map_err(|_| EstError::Config(format!("'{}' is not a valid server name", self.host)))?;
        let conn = ClientConnection::new(config, name).map_err(|e| EstError::Tls {
            addr: addr.clone(),
            reason: e.to_string(),
        })?;
        let mut tls = StreamOwned::new(conn, tcp);

        let mut request = Zeroizing::new(Vec::with_capacity(body.len() + 512));
        request.extend_from_slice(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: sello-est/{}\r\nAccept: */*\r\nConnection: close\r\nContent-Length: {}\r\n",
                self.host_header(),
                env!("CARGO_PKG_VERSION"),
                body.len()
            )
            .as_bytes(),
        );
        for (n, v) in headers {
            request.extend_from_slice(n.as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(v.as_bytes());
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(body);
        tls.write_all(&request)
            .and_then(|()| tls.flush())
            .map_err(|e| self.io_error(e, "TLS handshake / sending the request"))?;
        read_response(&mut tls, started, self.config.request_timeout).map_err(|e| match e {
            ReadFailure::Io(e) => self.io_error(e, "waiting for the response"),
            ReadFailure::Garbage(reason) => self.protocol(reason),
            ReadFailure::Deadline => EstError::Timeout {
                addr: addr.clone(),
                after: self.config.request_timeout,
                during: "overall request deadline",
            },
        })
    }

    fn host_header(&self) -> String {
        if self.port == 443 {
            self.host.clone()
        } else {
            self.addr()
        }
    }

    fn connect(&self) -> Result<TcpStream> {
        let addr = self.addr();
        let addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| EstError::Connect {
                addr: addr.clone(),
                source: e,
            })?;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address for host");
        for a in addrs {
            match TcpStream::connect_timeout(&a, self.config.connect_timeout) {
                Ok(s) => return Ok(s),
                Err(e) if is_timeout(&e) => {
                    return Err(EstError::Timeout {
                        addr,
                        after: self.config.connect_timeout,
                        during: "connecting",
                    })
                }
                Err(e) => last = e,
            }
        }
        Err(EstError::Connect { addr, source: last })
    }

    fn io_error(&self, e: io::Error, during: &'static str) -> EstError {
        let addr = self.addr();
        if is_timeout(&e) {
            return EstError::Timeout {
                addr,
                after: self.config.io_timeout,
                during,
            };
        }
        if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            let hint = match tls {
                rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                    " (the server does not speak TLS, or answered garbage)"
                }
                rustls::Error::InvalidCertificate(_) => {
                    " (the server certificate is not trusted by the configured trust anchor)"
                }
                _ => "",
            };
            return EstError::Tls {
                addr,
                reason: format!("{tls}{hint}"),
            };
        }
        if e.kind() == io::ErrorKind::UnexpectedEof {
            return EstError::Protocol {
                addr,
                reason: format!("connection closed while {during}"),
            };
        }
        EstError::Io { addr, source: e }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn est_path(label: Option<&str>, op: &str) -> Result<String> {
    match label {
        None => Ok(format!("/.well-known/est/{op}")),
        Some(l)
            if !l.is_empty()
                && l.len() <= 64
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(format!("/.well-known/est/{l}/{op}"))
        }
        Some(_) => Err(EstError::Config(
            "a CA label is letters, digits, '-' and '_' (RFC 7030 §3.2.2)".into(),
        )),
    }
}

/// `Retry-After` as delta-seconds (RFC 9110 §10.2.3); an HTTP-date or garbage means 60 s.
fn retry_after(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(60))
}

/// Server text made safe to show: lossy UTF-8, control characters dropped, truncated, and the
/// secret (should a server echo it) masked.
fn quote(body: &[u8], secret: Option<&str>) -> String {
    let text = String::from_utf8_lossy(body);
    let mut text = sanitize(text.trim());
    if let Some(s) = secret.filter(|s| !s.is_empty()) {
        text = text.replace(s, "***");
    }
    if text.chars().count() > MAX_QUOTED {
        text = text.chars().take(MAX_QUOTED).collect::<String>() + "...";
    }
    if text.is_empty() {
        "(no explanation given)".into()
    } else {
        text
    }
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

/// base64 ignoring whitespace and line breaks (RFC 8951 §3.1).
pub fn decode_base64_lenient(data: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let compact: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| e.to_string())
}

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

enum ReadFailure {
    Io(io::Error),
    Garbage(String),
    Deadline,
}

/// Fuzzing entry point (`fuzz/fuzz_targets/est_response.rs`): reads `data` as a server's whole
/// answer, then decodes its body the way `simpleenroll` does. Returns the certificates found.
#[doc(hidden)]
pub fn fuzz_server_answer(data: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    let mut stream = io::Cursor::new(data);
    let response = read_response(&mut stream, Instant::now(), Duration::from_secs(5))
        .map_err(|_| "unreadable response".to_owned())?;
    let _ = response.header("content-type");
    let der = decode_base64_lenient(&response.body)?;
    parse_certs_only(&der)
}

/// Reads a whole HTTP/1.1 response: status line, headers, then a body framed by
/// `Content-Length`, chunked transfer coding, or the end of the connection.
fn read_response(
    stream: &mut impl Read,
    started: Instant,
    deadline: Duration,
) -> std::result::Result<HttpResponse, ReadFailure> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut eof = false;
    let mut fill = |buf: &mut Vec<u8>, eof: &mut bool| -> std::result::Result<(), ReadFailure> {
        if started.elapsed() > deadline {
            return Err(ReadFailure::Deadline);
        }
        match stream.read(&mut chunk) {
            Ok(0) => *eof = true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            // A peer closing without close_notify: treat as EOF; framing decides if that is fine.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => *eof = true,
            Err(e) => return Err(ReadFailure::Io(e)),
        }
        if buf.len() > MAX_RESPONSE_HEADER + MAX_RESPONSE_BODY {
            return Err(ReadFailure::Garbage("response larger than 1 MiB".into()));
        }
        Ok(())
    };
    let header_end = loop {
        let prefix = &buf[..buf.len().min(7)];
        if !b"HTTP/1.".starts_with(prefix) {
            return Err(ReadFailure::Garbage(format!(
                "not an HTTP response (starts with {:?})",
                String::from_utf8_lossy(&buf[..buf.len().min(16)])
            )));
        }
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if buf.len() > MAX_RESPONSE_HEADER {
            return Err(ReadFailure::Garbage(
                "response header larger than 16 KiB".into(),
            ));
        }
        if eof {
            return Err(ReadFailure::Garbage(if buf.is_empty() {
                "connection closed without a response".into()
            } else {
                "connection closed in the middle of the response header".into()
            }));
        }
        fill(&mut buf, &mut eof)?;
    };
    let head = std::str::from_utf8(&buf[..header_end])
        .map_err(|_| ReadFailure::Garbage("response header is not text".into()))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts
        .next()
        .filter(|s| s.len() == 3)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..=599).contains(s));
    let (true, Some(status)) = (version.starts_with("HTTP/1."), status) else {
        return Err(ReadFailure::Garbage(format!(
            "malformed status line '{}'",
            sanitize(&status_line.chars().take(80).collect::<String>())
        )));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (n, v) = line
            .split_once(':')
            .ok_or_else(|| ReadFailure::Garbage("malformed response header line".into()))?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let response_header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let chunked = response_header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = match response_header("content-length") {
        Some(v) if !chunked => Some(
            v.parse::<usize>()
                .map_err(|_| ReadFailure::Garbage("Content-Length is not a number".into()))?,
        ),
        _ => None,
    };
    if length.is_some_and(|l| l > MAX_RESPONSE_BODY) {
        return Err(ReadFailure::Garbage(
            "response body larger than 1 MiB".into(),
        ));
    }
    let body_start = header_end + 4;
    let body = if let Some(length) = length {
        while buf.len() - body_start < length {
            if eof {
                return Err(ReadFailure::Garbage(
                    "connection closed before the whole body arrived".into(),
                ));
            }
            fill(&mut buf, &mut eof)?;
        }
        buf[body_start..body_start + length].to_vec()
    } else if chunked {
        loop {
            match decode_chunked(&buf[body_start..]) {
                Ok(Some(body)) => break body,
                Ok(None) if eof => {
                    return Err(ReadFailure::Garbage(
                        "connection closed inside a chunked body".into(),
                    ))
                }
                Ok(None) => fill(&mut buf, &mut eof)?,
                Err(e) => return Err(ReadFailure::Garbage(e)),
            }
        }
    } else {
        while !eof {
            fill(&mut buf, &mut eof)?;
        }
        buf[body_start..].to_vec()
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Decodes a complete chunked body (RFC 9112 §7.1); `Ok(None)` when more bytes are needed.
fn decode_chunked(mut data: &[u8]) -> std::result::Result<Option<Vec<u8>>, String> {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&data[..line_end]).map_err(|_| "bad chunk size line")?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "bad chunk size")?;
        if size > MAX_RESPONSE_BODY || body.len() + size > MAX_RESPONSE_BODY {
            return Err("chunked body larger than 1 MiB".into());
        }
        let rest = &data[line_end + 2..];
        if size == 0 {
            // Trailers end with an empty line.
            return Ok(rest.windows(2).any(|w| w == b"\r\n").then_some(body));
        }
        if rest.len() < size + 2 {
            return Ok(None);
        }
        if &rest[size..size + 2] != b"\r\n" {
            return Err("chunk not followed by CRLF".into());
        }
        body.extend_from_slice(&rest[..size]);
        data = &rest[size + 2..];
    }
}

/// A bounds-checked DER reader (X.690): definite lengths only.
pub(crate) mod der {
    /// One element: tag, content and the whole encoding.
    pub(crate) struct Tlv<'a> {
        pub(crate) tag: u8,
        pub(crate) content: &'a [u8],
        pub(crate) raw: &'a [u8],
    }

    /// Reads one element from the front of `input`, returning it and the rest.
    pub(crate) fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), String> {
        let (&tag, rest) = input.split_first().ok_or("truncated DER (tag)")?;
        if tag & 0x1f == 0x1f {
            return Err("multi-byte DER tags are not expected here".into());
        }
        let (&first, rest) = rest.split_first().ok_or("truncated DER (length)")?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 {
                return Err("indefinite length (BER) is not DER".into());
            }
            if n > 4 || rest.len() < n {
                return Err("DER length too large or truncated".into());
            }
            let (len_bytes, rest) = rest.split_at(n);
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, rest)
        };
        if rest.len() < len {
            return Err("DER element longer than its container".into());
        }
        let header_len = input.len() - rest.len();
        let (content, after) = rest.split_at(len);
        Ok((
            Tlv {
                tag,
                content,
                raw: &input[..header_len + len],
            },
            after,
        ))
    }

    /// Reads one element of the expected tag.
    pub(crate) fn expect<'a>(
        input: &'a [u8],
        tag: u8,
        what: &str,
    ) -> Result<(Tlv<'a>, &'a [u8]), String> {
        let (tlv, rest) = read(input)?;
        if tlv.tag != tag {
            return Err(format!(
                "{what}: expected tag {tag:#04x}, found {:#04x}",
                tlv.tag
            ));
        }
        Ok((tlv, rest))
    }

    /// Dotted form of an OID's content octets.
    pub(crate) fn oid_to_string(content: &[u8]) -> Option<String> {
        let mut arcs: Vec<u64> = Vec::new();
        let mut value: u64 = 0;
        for (i, b) in content.iter().enumerate() {
            value = value.checked_mul(128)? | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                if arcs.is_empty() {
                    let first = (value / 40).min(2);
                    arcs.push(first);
                    arcs.push(value - first * 40);
                } else {
                    arcs.push(value);
                }
                value = 0;
            } else if i + 1 == content.len() {
                return None;
            }
        }
        if arcs.is_empty() {
            return None;
        }
        Some(
            arcs.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        )
    }
}

/// The certificates of a certs-only CMS SignedData (RFC 5652 §5, RFC 7030 §4.1.3), as DER.
pub fn parse_certs_only(input: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
    let (content_info, rest) = der::expect(input, 0x30, "ContentInfo")?;
    if !rest.is_empty() {
        return Err("trailing bytes after ContentInfo".into());
    }
    let (oid, rest) = der::expect(content_info.content, 0x06, "contentType")?;
    if der::oid_to_string(oid.content).as_deref() != Some(SIGNED_DATA) {
        return Err("ContentInfo is not id-signedData".into());
    }
    let (explicit, _) = der::expect(rest, 0xa0, "content [0]")?;
    let (signed_data, _) = der::expect(explicit.content, 0x30, "SignedData")?;
    let (_version, rest) = der::expect(signed_data.content, 0x02, "version")?;
    let (_digests, rest) = der::expect(rest, 0x31, "digestAlgorithms")?;
    let (_encap, mut rest) = der::expect(rest, 0x30, "encapContentInfo")?;
    let mut certs = Vec::new();
    if rest.first() == Some(&0xa0) {
        let (set, after) = der::read(rest)?;
        let mut items = set.content;
        while !items.is_empty() {
            let (cert, next) = der::read(items)?;
            if cert.tag == 0x30 {
                certs.push(cert.raw.to_vec());
            }
            items = next;
        }
        rest = after;
    }
    let _ = rest;
    Ok(certs)
}

/// Top-level OIDs and attribute types of a DER CsrAttrs (RFC 7030 §4.5.2).
pub fn parse_csr_attrs(input: &[u8]) -> Option<Vec<String>> {
    let (outer, rest) = der::expect(input, 0x30, "CsrAttrs").ok()?;
    if !rest.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut items = outer.content;
    while !items.is_empty() {
        let (item, next) = der::read(items).ok()?;
        match item.tag {
            0x06 => out.push(der::oid_to_string(item.content)?),
            0x30 => {
                let (oid, _) = der::expect(item.content, 0x06, "attribute type").ok()?;
                out.push(der::oid_to_string(oid.content)?);
            }
            _ => return None,
        }
        items = next;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies() {
        assert_eq!(
            decode_chunked(b"4\r\nMIIB\r\n2;x=y\r\nAA\r\n0\r\n\r\n").expect("valid"),
            Some(b"MIIBAA".to_vec())
        );
        assert_eq!(decode_chunked(b"4\r\nMI").expect("partial"), None);
        assert!(decode_chunked(b"zz\r\n").is_err());
    }

    #[test]
    fn responses_are_parsed_or_refused() {
        let ok = b"HTTP/1.1 202 Accepted\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\nhi";
        let r = read_response(&mut &ok[..], Instant::now(), Duration::from_secs(5))
            .ok()
            .expect("parses");
        assert_eq!(r.status, 202);
        assert_eq!(retry_after(r.header("retry-after")), Duration::from_secs(3));
        for garbage in [
            &b"SSH-2.0-OpenSSH\r\n\r\n"[..],
            b"HTTP/1.1 99x\r\n\r\n",
            b"",
        ] {
            assert!(matches!(
                read_response(&mut &garbage[..], Instant::now(), Duration::from_secs(5)),
                Err(ReadFailure::Garbage(_))
            ));
        }
    }

    #[test]
    fn quote_masks_secret_and_controls() {
        assert_eq!(
            quote(b"bad code abcDEF2345\x1b[31m\n", Some("abcDEF2345")),
            "bad code ***[31m"
        );
        assert_eq!(quote(b"", None), "(no explanation given)");
    }

    #[test]
    fn labels_and_urls() {
        assert_eq!(
            est_path(Some("sign"), "simpleenroll").expect("ok"),
            "/.well-known/est/sign/simpleenroll"
        );
        assert!(est_path(Some("../x"), "cacerts").is_err());
        let trust = TrustAnchor::PinnedSha256([0; 32]);
        assert!(EstClient::new(EstClientConfig::new("http://a", trust.clone())).is_err());
        let c =
            EstClient::new(EstClientConfig::new("https://127.0.0.1:8443", trust)).expect("valid");
        assert_eq!(c.addr(), "127.0.0.1:8443");
        let trust = TrustAnchor::PinnedSha256([0; 32]);
        for (url, addr) in [
            ("https://[::1]:9443", "[::1]:9443"),
            ("https://[::1]", "[::1]:443"),
            ("https://ca.example/", "ca.example:443"),
        ] {
            let c = EstClient::new(EstClientConfig::new(url, trust.clone())).expect(url);
            assert_eq!(c.addr(), addr);
        }
        for bad in [
            "https://",
            "https://h:x",
            "https://[::1",
            "https://h/path",
            "https://u@h",
        ] {
            assert!(
                EstClient::new(EstClientConfig::new(bad, trust.clone())).is_err(),
                "{bad}"
            );
        }
        assert!(format!("{:?}", EnrollmentSecret::new("s3cret")).contains("***"));
    }

    #[test]
    fn der_oids() {
        assert_eq!(
            der::oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).as_deref(),
            Some("1.2.840.113549.1.7.2")
        );
        assert!(parse_certs_only(&[0x30, 0x80]).is_err());
        assert!(parse_certs_only(&[0x30]).is_err());
    }
}
