//! EST client (RFC 7030, with the RFC 8951 clarifications), blocking: ureq 3 for HTTP/1.1 over
//! Sello's own rustls (ring) configuration, plugged in as the TLS link of ureq's connector chain.
//!
//! - `cacerts` (§4.1), `csrattrs` (§4.5), `simpleenroll` (§4.2.1, HTTP Basic inside TLS as the
//!   deployment says: [`HttpAuth`], and/or a TLS client certificate, §3.3.2) and
//!   `simplereenroll` (§4.2.2, TLS client authentication with the current certificate, whose key
//!   may live on a smart card: see [`ClientKey`]).
//! - The server is trusted explicitly: a PEM trust anchor or a pinned SHA-256 fingerprint of the
//!   server certificate ([`TrustAnchor`]); there is no fallback to system roots.
//! - The PKCS#10 body is base64 in 64-column CRLF lines ([`base64_wrapped`]).
//! - `202 Accepted` + `Retry-After` (§4.2.3) is polled, and `503` + `Retry-After` retried, a
//!   bounded number of times, each wait reported through a callback; 401 and other 4xx/5xx carry
//!   the server's text in the error; base64 bodies may contain line breaks and
//!   `Content-Transfer-Encoding` is ignored (RFC 8951 §3); connect, read and overall timeouts
//!   turn a hanging CA into an error.
//! - HTTP proxies with `CONNECT` ([`ProxySetting`]: explicit, or `HTTPS_PROXY`/`NO_PROXY`).
//! - The enrollment code is zeroized and never appears in `Debug`, logs or error messages.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

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
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout,
    TcpConnector, Transport, TransportAdapter,
};
use zeroize::Zeroizing;

/// Largest response header block accepted.
const MAX_RESPONSE_HEADER: usize = 16 * 1024;
/// Largest response body accepted.
const MAX_RESPONSE_BODY: u64 = 1024 * 1024;
/// Longest server text quoted in an error.
const MAX_QUOTED: usize = 600;

/// What the client was doing when a timeout fired ([`EstError::Timeout`]'s `during`, a fixed
/// English key), in the user's language.
fn phase_text(during: &str) -> String {
    match during {
        "connecting" => crate::tr!("enroll-est-phase-connecting"),
        "overall request deadline" => crate::tr!("enroll-est-phase-deadline"),
        "sending the request" => crate::tr!("enroll-est-phase-sending"),
        "reading the response" => crate::tr!("enroll-est-phase-reading"),
        "waiting for the response" => crate::tr!("enroll-est-phase-waiting"),
        "talking to the CA" => crate::tr!("enroll-est-phase-talking"),
        other => other.to_owned(),
    }
}

/// Errors of the EST client. Server texts are quoted (truncated, control characters removed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EstError {
    /// Bad client-side input (URL, label, trust anchor).
    #[error("{}", crate::tr!("enroll-est-config", reason = .0.as_str()))]
    Config(String),
    /// TCP connection failed.
    #[error("{}", crate::tr!("enroll-est-connect", addr = .addr.as_str(), error = .source.to_string()))]
    Connect {
        /// host:port.
        addr: String,
        /// Cause.
        #[source]
        source: io::Error,
    },
    /// The CA did not answer in time.
    #[error("{}", crate::tr!("enroll-est-timeout", addr = .addr.as_str(), after = format!("{:?}", .after), during = phase_text(.during)))]
    Timeout {
        /// host:port.
        addr: String,
        /// The timeout that fired.
        after: Duration,
        /// What was going on.
        during: &'static str,
    },
    /// TLS failed (untrusted certificate, not a TLS server, client key failure...).
    #[error("{}", crate::tr!("enroll-est-tls", addr = .addr.as_str(), reason = .reason.as_str()))]
    Tls {
        /// host:port.
        addr: String,
        /// rustls' reason, with a hint.
        reason: String,
    },
    /// The CA answered something that is not the expected HTTP / EST content.
    #[error("{}", crate::tr!("enroll-est-protocol", addr = .addr.as_str(), reason = .reason.as_str()))]
    Protocol {
        /// host:port.
        addr: String,
        /// What was wrong.
        reason: String,
    },
    /// The HTTP proxy did not open a `CONNECT` tunnel to the CA.
    #[error("{}", crate::tr!("enroll-est-proxy", addr = .addr.as_str(), reason = .reason.as_str()))]
    Proxy {
        /// host:port of the CA.
        addr: String,
        /// The proxy's answer.
        reason: String,
    },
    /// 401: identity/code or client certificate refused.
    #[error("{}", crate::tr!("enroll-est-unauthorized", message = .message.as_str()))]
    Unauthorized {
        /// The CA's text.
        message: String,
    },
    /// Another 4xx: the request was refused; the CA's text says why.
    #[error("{}", crate::tr!("enroll-est-rejected", status = .status.to_string(), message = .message.as_str()))]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The CA's text.
        message: String,
    },
    /// 5xx.
    #[error("{}", crate::tr!("enroll-est-server", status = .status.to_string(), message = .message.as_str()))]
    Server {
        /// HTTP status.
        status: u16,
        /// The CA's text.
        message: String,
    },
    /// Still `202 Accepted` after the allowed number of polls.
    #[error("{}", crate::tr!("enroll-est-still-pending", polls = *.polls))]
    StillPending {
        /// Polls made.
        polls: u32,
    },
    /// I/O error other than a timeout.
    #[error("{}", crate::tr!("enroll-est-io", addr = .addr.as_str(), error = .source.to_string()))]
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
        let text = std::fs::read_to_string(path).map_err(|e| {
            EstError::Config(crate::tr!(
                "enroll-est-file-error",
                path = path.display().to_string(),
                error = e.to_string()
            ))
        })?;
        let certs = pem_certificates(&text);
        if certs.is_empty() {
            return Err(EstError::Config(crate::tr!(
                "enroll-est-no-pem",
                path = path.display().to_string()
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
            .map_err(|_| EstError::Config(crate::tr!("enroll-est-fingerprint-not-hex")))?;
        let pin: [u8; 32] = bytes
            .try_into()
            .map_err(|_| EstError::Config(crate::tr!("enroll-est-fingerprint-length")))?;
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

    /// The code, for the HTTP Basic credentials only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EnrollmentSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrollmentSecret(***)")
    }
}

/// Where the EST requests go: straight to the CA, or through an HTTP proxy with `CONNECT`
/// (RFC 9110 §9.3.6; TLS runs end to end through the tunnel, the proxy sees no content).
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// `HTTPS_PROXY` (or `https_proxy`), else `ALL_PROXY` (`all_proxy`); hosts listed in
    /// `NO_PROXY` (`no_proxy`) are reached directly. `HTTP_PROXY` is not used: it is for
    /// `http://` URLs and EST is always `https://`.
    #[default]
    FromEnvironment,
    /// Never a proxy, whatever the environment says.
    Direct,
    /// This proxy, `http://[user:password@]host[:port]`; `NO_PROXY` still applies.
    Url(String),
}

impl ProxySetting {
    /// From a command-line value: `none` (or `direct`) for no proxy, else a proxy URL.
    pub fn from_arg(value: &str) -> Self {
        match value.trim() {
            "none" | "direct" => ProxySetting::Direct,
            url => ProxySetting::Url(url.to_owned()),
        }
    }
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::FromEnvironment => f.write_str("FromEnvironment"),
            ProxySetting::Direct => f.write_str("Direct"),
            ProxySetting::Url(u) => write!(f, "Url({})", redact_userinfo(u)),
        }
    }
}

/// A proxy URL with its `user:password@` part masked, for messages.
fn redact_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_owned(),
        },
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        },
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct EstClientConfig {
    /// `https://host[:port]` (no path: the EST paths are fixed by RFC 7030 §3.2.2).
    pub server: String,
    /// How the server is authenticated.
    pub trust: TrustAnchor,
    /// TCP connect timeout (through a proxy: until the tunnel is open).
    pub connect_timeout: Duration,
    /// Timeout of each read/write, and of the wait for the response.
    pub io_timeout: Duration,
    /// Bound on one whole request/response exchange.
    pub request_timeout: Duration,
    /// How many `202` answers are waited out before giving up.
    pub max_polls: u32,
    /// How many `503 Service Unavailable` answers carrying `Retry-After` are waited out before
    /// the CA's error is reported (RFC 9110 §15.6.4). A `503` without `Retry-After` is reported
    /// at once.
    pub max_unavailable_retries: u32,
    /// Longest honoured `Retry-After` (longer ones are shortened to this).
    pub max_retry_after: Duration,
    /// Direct, or through an HTTP `CONNECT` proxy.
    pub proxy: ProxySetting,
}

impl EstClientConfig {
    /// Defaults: 10 s connect, 30 s per read, 120 s per exchange, 10 polls, 3 retries of a `503`,
    /// waits of at most 5 min, proxy from the environment.
    pub fn new(server: &str, trust: TrustAnchor) -> Self {
        Self {
            server: server.to_string(),
            trust,
            connect_timeout: Duration::from_secs(10),
            io_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            max_polls: 10,
            max_unavailable_retries: 3,
            max_retry_after: Duration::from_secs(300),
            proxy: ProxySetting::FromEnvironment,
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

/// How a `simpleenroll` request authenticates (RFC 7030 §3.2.3, §3.3.2). With a client key
/// ([`EstClient::with_client_key`]) the TLS client certificate is presented as well.
pub enum HttpAuth<'a> {
    /// HTTP Basic (RFC 7617) inside TLS.
    Basic {
        /// The user name (the NIF, an RA account...); must not contain ':'.
        user: &'a str,
        /// The password: the one-time enrollment code, or nothing.
        password: Option<&'a EnrollmentSecret>,
    },
    /// No HTTP authentication: the TLS client certificate alone.
    None,
}

/// A wait the client is about to make: `202 Accepted` (pending approval) or `503` with
/// `Retry-After` (the CA is busy).
#[derive(Debug, Clone)]
pub struct PendingNotice {
    /// 1-based attempt number.
    pub attempt: u32,
    /// Attempts allowed in total.
    pub max_attempts: u32,
    /// How long the client waits before asking again.
    pub wait: Duration,
    /// The HTTP status that caused the wait (202 or 503).
    pub status: u16,
    /// The CA's text, if any.
    pub message: String,
}

/// How the client waits between attempts; `std::thread::sleep` unless a test injects another.
pub type Sleeper = Arc<dyn Fn(Duration) + Send + Sync>;

/// An EST client bound to one server.
pub struct EstClient {
    base: String,
    addr: String,
    config: EstClientConfig,
    agent: ureq::Agent,
    agent_with_key: Option<ureq::Agent>,
    sleep: Sleeper,
}

impl fmt::Debug for EstClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EstClient")
            .field("server", &self.addr)
            .field("proxy", &self.config.proxy)
            .field("client_key", &self.agent_with_key.is_some())
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
                roots.add(CertificateDer::from(c.clone())).map_err(|e| {
                    EstError::Config(crate::tr!(
                        "enroll-est-anchor-rejected",
                        error = e.to_string()
                    ))
                })?;
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

/// The last link of the ureq connector chain (after the `CONNECT` proxy and TCP links): rustls
/// with our own [`ClientConfig`] (trust anchor or pin, optional card-backed client key), which
/// ureq's stock rustls link cannot take.
#[derive(Debug)]
struct TlsLink {
    config: Arc<ClientConfig>,
}

impl<In: Transport> Connector<In> for TlsLink {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails<'_>,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("the URL has no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_owned())
            .map_err(|_| ureq::Error::Tls("the CA's host is not a valid TLS server name"))?;
        let mut conn = ClientConnection::new(Arc::clone(&self.config), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = self
            .buffers
            .output()
            .get(..amount)
            .ok_or(ureq::Error::Tls("output larger than the buffer"))?;
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The proxy for requests to `server`, or `None` to go direct.
fn proxy_for(setting: &ProxySetting, server: &str) -> Result<Option<ureq::Proxy>> {
    let from_env = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let url = match setting {
        ProxySetting::Direct => return Ok(None),
        ProxySetting::Url(u) => u.trim().to_owned(),
        ProxySetting::FromEnvironment => {
            match from_env(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) {
                Some(u) => u.trim().to_owned(),
                None => return Ok(None),
            }
        }
    };
    let bad = |why: String| {
        EstError::Config(crate::tr!(
            "enroll-est-bad-proxy",
            proxy = redact_userinfo(&url),
            why = why
        ))
    };
    let parsed = ureq::Proxy::new(&url).map_err(|e| bad(e.to_string()))?;
    if parsed.protocol() != ureq::ProxyProtocol::Http {
        return Err(bad(crate::tr!("enroll-est-proxy-http-only")));
    }
    let mut builder = ureq::Proxy::builder(ureq::ProxyProtocol::Http)
        .host(parsed.host())
        .port(parsed.port());
    if let Some(user) = parsed.username() {
        builder = builder.username(user);
    }
    if let Some(password) = parsed.password() {
        builder = builder.password(password);
    }
    if let Some(list) = from_env(&["NO_PROXY", "no_proxy"]) {
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            builder = builder.no_proxy(entry);
        }
    }
    let proxy = builder.build().map_err(|e| bad(e.to_string()))?;
    let uri: ureq::http::Uri = server
        .parse()
        .map_err(|_| EstError::Config(crate::tr!("enroll-est-bad-url", url = sanitize(server))))?;
    Ok((!proxy.is_no_proxy(&uri)).then_some(proxy))
}

fn agent(config: &EstClientConfig, tls: Arc<ClientConfig>) -> Result<ureq::Agent> {
    let proxy = proxy_for(&config.proxy, &config.server)?;
    let http = ureq::config::Config::builder()
        .http_status_as_error(false)
        .https_only(true)
        .proxy(proxy)
        .timeout_connect(Some(config.connect_timeout))
        .timeout_per_read(Some(config.io_timeout))
        .timeout_per_write(Some(config.io_timeout))
        .timeout_recv_response(Some(config.io_timeout))
        .timeout_global(Some(config.request_timeout))
        // One connection per exchange: EST calls are few, and a CA that closes after each
        // answer (as sello-ca does) must not meet a stale pooled connection.
        .max_idle_connections(0)
        .max_response_header_size(MAX_RESPONSE_HEADER)
        .user_agent(format!("sello-est/{}", env!("CARGO_PKG_VERSION")))
        .accept("*/*")
        .build();
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(TlsLink { config: tls });
    Ok(ureq::Agent::with_parts(
        http,
        connector,
        DefaultResolver::default(),
    ))
}

/// The base64 of a PKCS#10 body: 64 columns, CRLF line ends (RFC 7030 §4.2.1 with RFC 8951
/// §3.1; RFC 7468 line length). Servers that decode line by line reject one long line.
pub fn base64_wrapped(der: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(flat.len() + flat.len() / 32 + 2);
    for line in flat.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push_str("\r\n");
    }
    out
}

impl EstClient {
    /// A client without a TLS client key (`cacerts`, `csrattrs`, `simpleenroll` with HTTP
    /// Basic).
    pub fn new(config: EstClientConfig) -> Result<Self> {
        let rest = config
            .server
            .strip_prefix("https://")
            .ok_or_else(|| EstError::Config(crate::tr!("enroll-est-url-not-https")))?;
        let authority = rest.trim_end_matches('/');
        if authority.contains('/') || authority.contains('@') || authority.is_empty() {
            return Err(EstError::Config(crate::tr!("enroll-est-url-has-path")));
        }
        let parse_port = |p: &str| {
            p.parse::<u16>()
                .map_err(|_| EstError::Config(crate::tr!("enroll-est-bad-port", port = p)))
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            // [IPv6]:port or [IPv6]
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| EstError::Config(crate::tr!("enroll-est-url-bracket")))?;
            match after.strip_prefix(':') {
                Some(p) => (h.to_string(), parse_port(p)?),
                None if after.is_empty() => (h.to_string(), 443),
                None => return Err(EstError::Config(crate::tr!("enroll-est-url-after-bracket"))),
            }
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h.to_string(), parse_port(p)?),
                None => (authority.to_string(), 443),
            }
        };
        if host.is_empty() {
            return Err(EstError::Config(crate::tr!("enroll-est-url-no-host")));
        }
        let addr = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let agent = agent(
            &config,
            Arc::new(tls_builder(&config.trust)?.with_no_client_auth()),
        )?;
        Ok(Self {
            base: format!("https://{authority}"),
            addr,
            config,
            agent,
            agent_with_key: None,
            sleep: Arc::new(std::thread::sleep),
        })
    }

    /// Adds the TLS client key: presented at `simplereenroll` (RFC 7030 §3.3.2, the current
    /// certificate) and at `simpleenroll` (e.g. an operator's certificate for the initial
    /// enrollment of a holder's card).
    pub fn with_client_key(mut self, key: Arc<dyn ClientKey>) -> Result<Self> {
        let tls = tls_builder(&self.config.trust)?
            .with_client_cert_resolver(Arc::new(ClientKeyResolver { key }));
        self.agent_with_key = Some(agent(&self.config, Arc::new(tls))?);
        Ok(self)
    }

    /// Replaces how the client waits out `202`/`503` answers (tests record the waits instead
    /// of sleeping).
    pub fn with_sleeper(mut self, sleep: Sleeper) -> Self {
        self.sleep = sleep;
        self
    }

    fn addr(&self) -> String {
        self.addr.clone()
    }

    /// `GET /cacerts` (RFC 7030 §4.1): the CA certificates (DER), as the server orders them.
    pub fn cacerts(&self, label: Option<&str>) -> Result<Vec<Vec<u8>>> {
        let response = self.exchange("GET", &est_path(label, "cacerts")?, None, &[], false)?;
        match response.status {
            200 => self.certs_from(&response),
            _ => Err(self.status_error(&response, None)),
        }
    }

    /// `GET /csrattrs` (RFC 7030 §4.5). 204 and 404 mean "no attributes".
    pub fn csrattrs(&self, label: Option<&str>) -> Result<CsrAttrs> {
        let response = self.exchange("GET", &est_path(label, "csrattrs")?, None, &[], false)?;
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

    /// `POST /simpleenroll` (RFC 7030 §4.2.1) with HTTP Basic `identity:code` inside TLS: the
    /// common case of [`EstClient::simpleenroll_with`].
    pub fn simpleenroll(
        &self,
        label: Option<&str>,
        identity: &str,
        code: &EnrollmentSecret,
        csr_der: &[u8],
        on_wait: &mut dyn FnMut(&PendingNotice),
    ) -> Result<Vec<Vec<u8>>> {
        let auth = HttpAuth::Basic {
            user: identity,
            password: Some(code),
        };
        self.simpleenroll_with(label, &auth, csr_der, on_wait)
    }

    /// `POST /simpleenroll` (RFC 7030 §4.2.1), authenticated by `auth` inside TLS, and by the
    /// client key when one was given ([`EstClient::with_client_key`], RFC 7030 §3.3.2).
    /// Returns the certificates of the response (the issued one first as the server sends it).
    /// Each `202`/`503` wait is announced through `on_wait` before sleeping.
    pub fn simpleenroll_with(
        &self,
        label: Option<&str>,
        auth: &HttpAuth<'_>,
        csr_der: &[u8],
        on_wait: &mut dyn FnMut(&PendingNotice),
    ) -> Result<Vec<Vec<u8>>> {
        let (authorization, secret) = match auth {
            HttpAuth::Basic { user, password } => {
                if user.contains(':') {
                    return Err(EstError::Config(crate::tr!("enroll-est-basic-user-colon")));
                }
                let mut credentials = Zeroizing::new(String::with_capacity(64));
                credentials.push_str(user);
                credentials.push(':');
                if let Some(p) = password {
                    credentials.push_str(&p.0);
                }
                let mut authorization = Zeroizing::new(String::from("Basic "));
                authorization.push_str(
                    &base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes()),
                );
                (Some(authorization), password.map(|p| p.0.as_str()))
            }
            HttpAuth::None => {
                if self.agent_with_key.is_none() {
                    return Err(EstError::Config(crate::tr!("enroll-est-needs-client-key")));
                }
                (None, None)
            }
        };
        let path = est_path(label, "simpleenroll")?;
        let with_key = self.agent_with_key.is_some();
        self.enroll(
            &path,
            authorization.as_deref().map(String::as_str),
            csr_der,
            with_key,
            secret,
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
        if self.agent_with_key.is_none() {
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
        let body = base64_wrapped(csr_der);
        let mut polls = 0u32;
        let mut unavailable = 0u32;
        loop {
            let response = self.exchange("POST", path, authorization, body.as_bytes(), with_key)?;
            let (attempt, max_attempts) = match response.status {
                200 => return self.certs_from(&response),
                202 => {
                    polls += 1;
                    if polls > self.config.max_polls {
                        return Err(EstError::StillPending {
                            polls: self.config.max_polls,
                        });
                    }
                    (polls, self.config.max_polls)
                }
                503 if response.header("retry-after").is_some()
                    && unavailable < self.config.max_unavailable_retries =>
                {
                    unavailable += 1;
                    (unavailable, self.config.max_unavailable_retries)
                }
                _ => return Err(self.status_error(&response, secret)),
            };
            let wait = retry_after(response.header("retry-after")).min(self.config.max_retry_after);
            on_wait(&PendingNotice {
                attempt,
                max_attempts,
                wait,
                status: response.status,
                message: quote(&response.body, secret),
            });
            (self.sleep)(wait);
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

    /// One HTTP/1.1 request (ureq over our rustls configuration, through the proxy if any).
    fn exchange(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
        with_key: bool,
    ) -> Result<HttpResponse> {
        let agent = match (with_key, &self.agent_with_key) {
            (true, Some(a)) => a,
            _ => &self.agent,
        };
        let url = format!("{}{path}", self.base);
        let result = if method == "POST" {
            let mut request = agent
                .post(&url)
                .header("Content-Type", "application/pkcs10");
            if let Some(a) = authorization {
                request = request.header("Authorization", a);
            }
            request.send(body)
        } else {
            agent.get(&url).call()
        };
        let mut response = result.map_err(|e| self.transport_error(e, with_key))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).trim().to_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BODY)
            .read_to_vec()
            .map_err(|e| self.transport_error(e, with_key))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    /// A ureq failure as an [`EstError`] that says what happened and where.
    fn transport_error(&self, e: ureq::Error, with_key: bool) -> EstError {
        let addr = self.addr();
        match e {
            // TLS 1.3: a server refusing the client certificate does so after the client's
            // Finished, so the client sees the connection closed under its request.
            ureq::Error::Io(io)
                if with_key
                    && matches!(
                        io.kind(),
                        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                    ) =>
            {
                EstError::Tls {
                    addr,
                    reason: crate::tr!("enroll-est-client-cert-refused", error = io.to_string()),
                }
            }
            ureq::Error::Timeout(t) => {
                let (after, during) = match t {
                    ureq::Timeout::Connect | ureq::Timeout::Resolve => {
                        (self.config.connect_timeout, "connecting")
                    }
                    ureq::Timeout::Global | ureq::Timeout::PerCall => {
                        (self.config.request_timeout, "overall request deadline")
                    }
                    ureq::Timeout::SendRequest
                    | ureq::Timeout::SendBody
                    | ureq::Timeout::PerWrite
                    | ureq::Timeout::Await100 => (self.config.io_timeout, "sending the request"),
                    ureq::Timeout::RecvBody => (self.config.io_timeout, "reading the response"),
                    _ => (self.config.io_timeout, "waiting for the response"),
                };
                EstError::Timeout {
                    addr,
                    after,
                    during,
                }
            }
            ureq::Error::Io(io) => self.io_error(io, "talking to the CA"),
            ureq::Error::HostNotFound => EstError::Connect {
                addr,
                source: io::Error::new(io::ErrorKind::NotFound, "host not found"),
            },
            ureq::Error::ConnectionFailed => EstError::Connect {
                addr,
                source: io::Error::new(io::ErrorKind::ConnectionRefused, "connection failed"),
            },
            ureq::Error::ConnectProxyFailed(reason) => EstError::Proxy {
                addr,
                reason: sanitize(&reason),
            },
            ureq::Error::Rustls(tls) => tls_error(addr, &tls),
            ureq::Error::Tls(reason) => EstError::Tls {
                addr,
                reason: reason.into(),
            },
            ureq::Error::Protocol(p) => EstError::Protocol {
                addr,
                reason: format!("not an HTTP response ({p})"),
            },
            ureq::Error::BodyExceedsLimit(_) => EstError::Protocol {
                addr,
                reason: "response body larger than 1 MiB".into(),
            },
            ureq::Error::LargeResponseHeader(..) => EstError::Protocol {
                addr,
                reason: "response header larger than 16 KiB".into(),
            },
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => EstError::Protocol {
                addr,
                reason: format!("redirects: {e}"),
            },
            other => EstError::Protocol {
                addr,
                reason: other.to_string(),
            },
        }
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
            return tls_error(addr, tls);
        }
        match e.kind() {
            io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound => {
                EstError::Connect { addr, source: e }
            }
            io::ErrorKind::UnexpectedEof => EstError::Protocol {
                addr,
                reason: crate::tr!("enroll-est-closed-while", during = phase_text(during)),
            },
            _ => EstError::Io { addr, source: e },
        }
    }
}

fn tls_error(addr: String, tls: &rustls::Error) -> EstError {
    let reason = match tls {
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            crate::tr!("enroll-est-tls-not-tls", error = tls.to_string())
        }
        rustls::Error::InvalidCertificate(_) => {
            crate::tr!("enroll-est-tls-untrusted", error = tls.to_string())
        }
        _ => tls.to_string(),
    };
    EstError::Tls { addr, reason }
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
        Some(_) => Err(EstError::Config(crate::tr!("enroll-est-bad-label"))),
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

/// Fuzzing entry point (`fuzz/fuzz_targets/est_response.rs`): decodes `data` as the body of a
/// server's answer the way `simpleenroll` does (lenient base64, certs-only CMS). The HTTP framing
/// is ureq's. Returns the certificates found.
#[doc(hidden)]
pub fn fuzz_server_answer(data: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    let der = decode_base64_lenient(data)?;
    parse_certs_only(&der)
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
    fn csr_base64_is_wrapped_at_64_columns_with_crlf() {
        let der: Vec<u8> = (0..=255u8).cycle().take(700).collect();
        let body = base64_wrapped(&der);
        let lines: Vec<&str> = body.split_terminator("\r\n").collect();
        assert!(lines.len() > 10);
        assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 64));
        assert!(lines.iter().all(|l| !l.contains('\n') && !l.is_empty()));
        assert!(body.ends_with("\r\n"));
        assert_eq!(
            decode_base64_lenient(body.as_bytes()).expect("decodes"),
            der
        );
        assert_eq!(retry_after(Some("3")), Duration::from_secs(3));
    }

    #[test]
    fn proxy_settings() {
        assert_eq!(
            redact_userinfo("http://op:s3cret@proxy.rp:3128"),
            "http://***@proxy.rp:3128"
        );
        assert!(!format!("{:?}", ProxySetting::Url("http://u:pw@p:1".into())).contains("pw"));
        let direct = proxy_for(&ProxySetting::Direct, "https://ca.example").expect("direct");
        assert!(direct.is_none());
        let p = proxy_for(
            &ProxySetting::Url("http://127.0.0.1:3128".into()),
            "https://ca.example:8443",
        )
        .expect("valid")
        .expect("a proxy");
        assert_eq!((p.host(), p.port()), ("127.0.0.1", 3128));
        let err = proxy_for(
            &ProxySetting::Url("socks5://u:pw@127.0.0.1:1080".into()),
            "https://ca.example",
        )
        .expect_err("socks refused");
        assert!(!err.to_string().contains("pw"), "{err}");
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
