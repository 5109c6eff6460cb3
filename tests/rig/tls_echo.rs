//! A TLS server that demands a client certificate from a given CA and answers every request with
//! a small HTML page describing the client's certificate and the handshake: what a browser test
//! asserts on. rustls (ring) with a [`WebPkiClientVerifier`] over the CA, wrapped so the
//! CertificateRequest offers only the signature schemes the test wants to force (RSA-PSS for
//! TLS 1.3, PKCS#1 v1.5 for TLS 1.2), and so the scheme the client actually used is recorded.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};
use sha2::{Digest, Sha256};

/// Which TLS version the listener speaks, and so which client signature schemes it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// TLS 1.3 only; the client must sign with RSA-PSS (RFC 8446 §4.2.3).
    V13Pss,
    /// TLS 1.2 only; the client must sign with RSA PKCS#1 v1.5 (RFC 5246 §7.4.1.4.1).
    V12Pkcs1,
}

impl Tls {
    fn schemes(self) -> Vec<SignatureScheme> {
        match self {
            Tls::V13Pss => vec![
                SignatureScheme::RSA_PSS_SHA256,
                SignatureScheme::RSA_PSS_SHA384,
                SignatureScheme::RSA_PSS_SHA512,
            ],
            Tls::V12Pkcs1 => vec![
                SignatureScheme::RSA_PKCS1_SHA256,
                SignatureScheme::RSA_PKCS1_SHA384,
                SignatureScheme::RSA_PKCS1_SHA512,
            ],
        }
    }
}

/// The client certificate verifier of the test CA, offering only `schemes` and remembering the
/// scheme of the client's CertificateVerify.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ClientCertVerifier>,
    schemes: Vec<SignatureScheme>,
    used: Arc<Mutex<Vec<SignatureScheme>>>,
}

impl Recording {
    fn note(&self, s: SignatureScheme) {
        if let Ok(mut v) = self.used.lock() {
            v.push(s);
        }
    }
}

impl ClientCertVerifier for Recording {
    fn offer_client_auth(&self) -> bool {
        true
    }
    fn client_auth_mandatory(&self) -> bool {
        true
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.inner
            .verify_client_cert(end_entity, intermediates, now)
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if !self.schemes.contains(&dss.scheme) {
            return Err(rustls::Error::PeerMisbehaved(
                rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
            ));
        }
        self.note(dss.scheme);
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if !self.schemes.contains(&dss.scheme) {
            return Err(rustls::Error::PeerMisbehaved(
                rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
            ));
        }
        self.note(dss.scheme);
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// A running echo server on `127.0.0.1:port`.
pub struct EchoServer {
    /// The port it listens on.
    pub port: u16,
    /// The signature schemes clients used in their CertificateVerify.
    pub used: Arc<Mutex<Vec<SignatureScheme>>>,
    /// Handshake and I/O errors, for diagnostics.
    pub errors: Arc<Mutex<Vec<String>>>,
}

impl EchoServer {
    /// The page's URL.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    /// The `https://127.0.0.1:PORT` origin.
    pub fn origin(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The schemes clients used so far.
    pub fn used(&self) -> Vec<SignatureScheme> {
        self.used.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The errors seen so far.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Starts a server with `server_chain`/`server_key` (DER) that accepts client certificates
    /// issued by `ca` (DER). The accept thread lives as long as the test process.
    pub fn start(
        tls: Tls,
        ca: CertificateDer<'static>,
        server_chain: Vec<CertificateDer<'static>>,
        server_key: PrivateKeyDer<'static>,
    ) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(ca).expect("test CA is a valid trust anchor");
        let inner = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .expect("client verifier");
        let used = Arc::new(Mutex::new(Vec::new()));
        let verifier = Arc::new(Recording {
            inner,
            schemes: tls.schemes(),
            used: used.clone(),
        });
        let versions: &[&'static rustls::SupportedProtocolVersion] = match tls {
            Tls::V13Pss => &[&rustls::version::TLS13],
            Tls::V12Pkcs1 => &[&rustls::version::TLS12],
        };
        let config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .expect("protocol versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(server_chain, server_key)
            .expect("server certificate and key");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let errors = Arc::new(Mutex::new(Vec::new()));
        let errs = errors.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let config = config.clone();
                let errs = errs.clone();
                std::thread::spawn(move || {
                    if let Err(e) = serve(config, tcp) {
                        if let Ok(mut v) = errs.lock() {
                            v.push(e);
                        }
                    }
                });
            }
        });
        Self { port, used, errors }
    }
}

/// One connection: handshake, read the request head, answer with the page, close.
fn serve(config: Arc<ServerConfig>, tcp: TcpStream) -> Result<(), String> {
    tcp.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let conn = rustls::ServerConnection::new(config).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut request = String::new();
    {
        let mut reader = BufReader::new(&mut tls);
        loop {
            let mut line = String::new();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| format!("reading the request: {e}"))?;
            if n == 0 || line == "\r\n" || line == "\n" {
                break;
            }
            request.push_str(&line);
        }
    }
    let version = tls
        .conn
        .protocol_version()
        .map(|v| format!("{v:?}"))
        .unwrap_or_default();
    let certs = tls.conn.peer_certificates().unwrap_or_default();
    let mut body = String::from("<html><body><h1>Sello echo</h1>\n");
    let _ = writeln!(body, "<p id=\"version\">{version}</p>");
    match certs.first() {
        Some(der) => {
            let subject = x509_parser::parse_x509_certificate(der)
                .map(|(_, c)| c.subject().to_string())
                .unwrap_or_else(|e| format!("unparsable: {e}"));
            let _ = writeln!(body, "<p id=\"subject\">{}</p>", escape(&subject));
            let _ = writeln!(
                body,
                "<p id=\"sha256\">{}</p>",
                hex::encode(Sha256::digest(der))
            );
        }
        None => body.push_str("<p id=\"subject\">no client certificate</p>\n"),
    }
    body.push_str("</body></html>\n");
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(response.as_bytes())
        .map_err(|e| format!("writing the page: {e}"))?;
    tls.conn.send_close_notify();
    tls.flush().map_err(|e| e.to_string())?;
    Ok(())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The SHA-256 of a DER certificate as the page shows it.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}
