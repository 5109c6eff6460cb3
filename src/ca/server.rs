//! The EST server (RFC 7030, with the RFC 8951 clarifications) over HTTPS (rustls), and the CRL,
//! OCSP (RFC 6960) and caIssuers over plain HTTP. HTTP/1.1 is hyper's on a tokio runtime, with a
//! connection budget per listener (`503` + `Retry-After` past it) and header, body and handshake
//! timeouts; routing, signing and the store are synchronous, on tokio's blocking pool.
//!
//! Endpoints (RFC 7030 §3.2.2; the optional label selects the slot purpose, `auth` by default):
//! - `GET  /.well-known/est[/<label>]/cacerts`        certs-only CMS, base64 (§4.1.3)
//! - `GET  /.well-known/est[/<label>]/csrattrs`       CsrAttrs, base64 (§4.5.2)
//! - `POST /.well-known/est[/<label>]/simpleenroll`   HTTP Basic (NIF + one-time code) (§4.2.1)
//! - `POST /.well-known/est[/<label>]/simplereenroll` TLS client certificate (§4.2.2)
//! - `GET  /crl` (on both listeners)                  DER CRL (RFC 5280 §5)
//! - `POST /ocsp`, `GET /ocsp/<base64>` (plain port)  OCSP (RFC 6960 Appendix A)
//! - `GET  /issuing.cer` (plain port)                 issuing CA certificate (AIA caIssuers)

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use zeroize::Zeroizing;

use super::config::Server as ServerConfigToml;
use super::http::{self, Request, Response};
use super::identity::EnrollmentCode;
use super::issue::{files, pem_to_der, Authority};
use super::store::{Store, NOT_RECOGNISED};
use super::throttle::{Policy, Throttle};
use super::{der, unix_now, unix_now_ms, CaError, Purpose, Rejection};

/// The accept backlog of each listener (the kernel caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: i32 = 4096;

/// Per-listener limits, from `[server]` in config.toml.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Connections served at once on one listener.
    max_connections: usize,
    /// Time for the TLS handshake, and for each request's header block (also the idle time
    /// allowed between keep-alive requests).
    header_timeout: Duration,
    /// Time for a request body once its header is in.
    body_timeout: Duration,
    /// Longest life of one connection, however busy.
    connection_lifetime: Duration,
    /// `Retry-After` seconds sent with a `503`.
    retry_after_busy: u32,
}

impl From<&ServerConfigToml> for Limits {
    fn from(s: &ServerConfigToml) -> Self {
        Self {
            max_connections: s.max_connections.max(1),
            header_timeout: Duration::from_secs(u64::from(s.header_timeout_secs.max(1))),
            body_timeout: Duration::from_secs(u64::from(s.body_timeout_secs.max(1))),
            connection_lifetime: Duration::from_secs(
                u64::from(s.header_timeout_secs.max(1)) * 4
                    + u64::from(s.body_timeout_secs.max(1)) * 2,
            ),
            retry_after_busy: s.retry_after_secs.max(1),
        }
    }
}

/// Lets the process hold as many sockets as its hard limit allows (the soft limit is often
/// 1024, below what a listener's budget may need).
fn raise_open_file_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        let _ = setrlimit(Resource::Nofile, limit);
    }
}

/// Who is at the other end of a connection.
#[derive(Debug)]
struct Peer {
    /// The TLS client certificate (end entity), if one was sent and verified.
    cert: Option<Vec<u8>>,
    /// The client's address.
    client: Option<std::net::IpAddr>,
}

fn to_hyper(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(
                b"internal error in the CA: bad response header\n",
            )));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}

const PKCS7: &str = "application/pkcs7-mime; smime-type=certs-only";
const OCSP_RESPONSE: &str = "application/ocsp-response";

/// Decodes `%XX` escapes (RFC 3986 §2.1) of an OCSP GET path; anything else is kept.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The running server's shared state.
pub struct EstServer {
    authority: Authority,
    store: Mutex<Store>,
    tls: Arc<ServerConfig>,
    /// Simulated manual approval: 202 answers given per (NIF, purpose).
    pending: Mutex<HashMap<(String, Purpose), u32>>,
    /// Enrollment-code attempts per client address and per identity.
    throttle: Mutex<Throttle>,
}

impl std::fmt::Debug for EstServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstServer").finish_non_exhaustive()
    }
}

/// Every PEM block with this label, as DER.
pub fn pem_all(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find(&begin) {
        let block = &rest[pos..];
        if let Some(der) = pem_to_der(block, label) {
            out.push(der);
        }
        rest = &block[begin.len()..];
    }
    out
}

/// Listeners bound by [`EstServer::bind`].
#[derive(Debug)]
pub struct Listeners {
    /// EST over HTTPS.
    pub est: TcpListener,
    /// CRL over HTTP.
    pub crl: TcpListener,
}

impl EstServer {
    /// Loads the CA directory and builds the TLS configuration: the server chain from `tls.pem`,
    /// client certificates optional and, when sent, verified against the root CA (RFC 7030 §3.3.2).
    pub fn open(dir: &Path) -> Result<Self, CaError> {
        let authority = Authority::open(dir)?;
        let store = Store::open(&dir.join(files::DB))?;
        let chain_path = dir.join(files::TLS_CERT);
        let chain_text =
            std::fs::read_to_string(&chain_path).map_err(|e| CaError::io(&chain_path, e))?;
        let chain: Vec<CertificateDer<'static>> = pem_all(&chain_text, "CERTIFICATE")
            .into_iter()
            .map(CertificateDer::from)
            .collect();
        let key_path = dir.join(files::TLS_KEY);
        let key_text = Zeroizing::new(
            std::fs::read_to_string(&key_path).map_err(|e| CaError::io(&key_path, e))?,
        );
        let key = pem_to_der(&key_text, "PRIVATE KEY").ok_or_else(|| {
            CaError::Config(crate::tr!(
                "ca-no-pkcs8-key",
                path = key_path.display().to_string()
            ))
        })?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key));

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // The issuing CA is an anchor too: a client that sends only its end-entity
        // certificate (RFC 7030 §3.3.2 does not require the chain) is verified against the CA
        // that issued it, which this server knows.
        let mut roots = RootCertStore::empty();
        for ca in authority.ca_certs() {
            roots.add(CertificateDer::from(ca))?;
        }
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .allow_unauthenticated()
                .build()
                .map_err(|e| {
                    CaError::Config(crate::tr!("ca-client-verifier", error = e.to_string()))
                })?;
        let tls = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)?;
        let throttle_policy = Policy {
            base_ms: u64::from(authority.config.server.attempt_delay_secs) * 1000,
            ..Policy::default()
        };
        Ok(Self {
            authority,
            store: Mutex::new(store),
            tls: Arc::new(tls),
            pending: Mutex::new(HashMap::new()),
            throttle: Mutex::new(Throttle::new(throttle_policy)),
        })
    }

    /// Binds the listeners (configured addresses unless overridden). The accept backlog is
    /// raised to [`LISTEN_BACKLOG`] so a burst of clients waits in the kernel's queue instead of
    /// being refused.
    pub fn bind(
        &self,
        listen: Option<&str>,
        crl_listen: Option<&str>,
    ) -> Result<Listeners, CaError> {
        let cfg = &self.authority.config.server;
        let bind = |addr: &str| {
            let listener = TcpListener::bind(addr).map_err(|e| {
                CaError::Config(crate::tr!(
                    "ca-cannot-listen",
                    address = addr,
                    error = e.to_string()
                ))
            })?;
            // listen(2) again on a listening socket only changes its backlog (Linux).
            rustix::net::listen(&listener, LISTEN_BACKLOG).map_err(|e| {
                CaError::Config(crate::tr!(
                    "ca-cannot-listen",
                    address = addr,
                    error = e.to_string()
                ))
            })?;
            Ok::<_, CaError>(listener)
        };
        Ok(Listeners {
            est: bind(listen.unwrap_or(&cfg.listen))?,
            crl: bind(crl_listen.unwrap_or(&cfg.crl_listen))?,
        })
    }

    /// Serves both listeners until the process ends, on a tokio runtime with hyper's HTTP/1.1.
    pub fn run(self: Arc<Self>, listeners: Listeners) -> Result<(), CaError> {
        raise_open_file_limit();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| CaError::Internal(format!("async runtime: {e}")))?;
        runtime.block_on(async move {
            let est = tokio::spawn(Arc::clone(&self).serve_listener(listeners.est, true));
            let crl = tokio::spawn(self.serve_listener(listeners.crl, false));
            for task in [est, crl] {
                task.await
                    .map_err(|e| CaError::Internal(format!("listener task: {e}")))??;
            }
            Ok(())
        })
    }

    /// Accepts on one listener. Each listener has its own connection budget, so clients
    /// holding one port (idle connections on the CRL port) never starve the other. Over the
    /// budget, a connection is still answered, with `503` and `Retry-After`, from a second,
    /// smaller budget; only past both is it closed unanswered.
    async fn serve_listener(
        self: Arc<Self>,
        listener: TcpListener,
        tls: bool,
    ) -> Result<(), CaError> {
        let addr = listener
            .local_addr()
            .map_err(|e| CaError::Config(crate::tr!("ca-listener", error = e.to_string())))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| CaError::Config(format!("{addr}: {e}")))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| CaError::Config(format!("{addr}: {e}")))?;
        let limits = Limits::from(&self.authority.config.server);
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        let overflow = Arc::new(Semaphore::new(limits.max_connections.div_ceil(4).max(1)));
        let acceptor = tls.then(|| TlsAcceptor::from(Arc::clone(&self.tls)));
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or similar: give finishing connections time to free
                    // theirs rather than spinning on accept.
                    eprintln!(
                        "sello-ca: {}",
                        crate::tr!(
                            "ca-log-accept-failed",
                            address = addr.to_string(),
                            error = e.to_string()
                        )
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let (permit, busy) = match Arc::clone(&slots).try_acquire_owned() {
                Ok(p) => (p, false),
                Err(_) => match Arc::clone(&overflow).try_acquire_owned() {
                    Ok(p) => (p, true),
                    Err(_) => continue,
                },
            };
            let server = Arc::clone(&self);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                server.connection(stream, acceptor, busy, limits).await;
                drop(permit);
            });
        }
    }

    /// One connection: the TLS handshake (bounded by the header timeout), then HTTP/1.1 with
    /// keep-alive, a header-read timeout and a cap on the connection's whole life.
    async fn connection(
        self: Arc<Self>,
        stream: tokio::net::TcpStream,
        acceptor: Option<TlsAcceptor>,
        busy: bool,
        limits: Limits,
    ) {
        let client = stream.peer_addr().ok().map(|a| a.ip());
        match acceptor {
            Some(acceptor) => {
                let Ok(Ok(tls)) =
                    tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await
                else {
                    return;
                };
                let cert = tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .map(|c| c.to_vec());
                let peer = Peer { cert, client };
                self.http(TokioIo::new(tls), peer, busy, true, limits).await;
            }
            None => {
                let peer = Peer { cert: None, client };
                self.http(TokioIo::new(stream), peer, busy, false, limits)
                    .await
            }
        }
    }

    async fn http<I>(self: Arc<Self>, io: I, peer: Peer, busy: bool, est: bool, limits: Limits)
    where
        I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    {
        let peer = Arc::new(peer);
        let service = hyper::service::service_fn(move |req| {
            let server = Arc::clone(&self);
            let peer = Arc::clone(&peer);
            async move {
                Ok::<_, std::convert::Infallible>(server.handle(req, peer, busy, est, limits).await)
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(http::MAX_HEADER_BYTES)
            // Old EST clients match header names case-sensitively (`Content-Type`).
            .title_case_headers(true)
            .keep_alive(!busy);
        let conn = builder.serve_connection(io, service);
        let _ = tokio::time::timeout(limits.connection_lifetime, conn).await;
    }

    /// Reads the body (bounded in size and time), routes on a blocking thread (the store and
    /// signing are synchronous) and converts the answer.
    async fn handle(
        self: Arc<Self>,
        req: hyper::Request<Incoming>,
        peer: Arc<Peer>,
        busy: bool,
        est: bool,
        limits: Limits,
    ) -> hyper::Response<Full<Bytes>> {
        if busy {
            return to_hyper(
                Response::text(
                    503,
                    "the CA is serving as many connections as it can; retry",
                )
                .with_header("Retry-After", &limits.retry_after_busy.to_string()),
            );
        }
        let (parts, body) = req.into_parts();
        let body = Limited::new(body, http::MAX_BODY_BYTES);
        let body = match tokio::time::timeout(limits.body_timeout, body.collect()).await {
            Err(_) => return to_hyper(Response::text(408, "request body not received in time")),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return to_hyper(Response::text(413, "request body larger than 64 KiB"))
            }
            Ok(Err(_)) => return to_hyper(Response::text(400, "request body could not be read")),
            Ok(Ok(collected)) => collected.to_bytes().to_vec(),
        };
        let mut headers = Vec::with_capacity(parts.headers.len());
        for (name, value) in &parts.headers {
            let Ok(value) = value.to_str() else {
                return to_hyper(Response::text(400, "a header value is not visible ASCII"));
            };
            headers.push((name.as_str().to_ascii_lowercase(), value.to_string()));
        }
        let request = Request {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            headers,
            body,
            client: peer.client,
        };
        let response = tokio::task::spawn_blocking(move || {
            if est {
                self.route(&request, peer.cert.as_deref())
            } else {
                self.route_plain(&request)
            }
        })
        .await
        .unwrap_or_else(|_| Response::text(500, "internal error in the CA; see its log"));
        to_hyper(response)
    }

    /// The plain-HTTP listener: the CRL, OCSP (RFC 6960 Appendix A: POST, or GET with the
    /// base64 request in the path) and the issuing CA certificate (AIA caIssuers).
    pub fn route_plain(&self, req: &Request) -> Response {
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/crl") => self.crl(),
            ("GET", "/issuing.cer") => Response::new(
                200,
                "application/pkix-cert",
                self.authority.issuing_cert().to_vec(),
            ),
            ("POST", "/ocsp") => {
                let ct = req.header("content-type").unwrap_or_default();
                if !ct.eq_ignore_ascii_case("application/ocsp-request") {
                    return Response::text(415, "Content-Type must be application/ocsp-request");
                }
                self.ocsp(&req.body)
            }
            ("GET", path) if path.starts_with("/ocsp/") => {
                let encoded = percent_decode(&path["/ocsp/".len()..]);
                match base64::engine::general_purpose::STANDARD.decode(encoded) {
                    Ok(der) => self.ocsp(&der),
                    Err(_) => Response::new(
                        200,
                        OCSP_RESPONSE,
                        super::ocsp::Failure::MalformedRequest.response(),
                    ),
                }
            }
            (_, "/crl" | "/issuing.cer") => {
                Response::text(405, "use GET").with_header("Allow", "GET")
            }
            _ => Response::text(
                404,
                "served here: GET /crl, GET /issuing.cer, OCSP at /ocsp",
            ),
        }
    }

    fn ocsp(&self, request: &[u8]) -> Response {
        let Ok(store) = self.store.lock() else {
            return Response::new(
                200,
                OCSP_RESPONSE,
                super::ocsp::Failure::InternalError.response(),
            );
        };
        let der = self.authority.ocsp_response(&store, request, unix_now());
        Response::new(200, OCSP_RESPONSE, der)
    }

    /// Routes one request; every failure becomes a status with a text body saying why.
    pub fn route(&self, req: &Request, peer_cert: Option<&[u8]>) -> Response {
        if req.path == "/crl" {
            return if req.method == "GET" {
                self.crl()
            } else {
                Response::text(405, "use GET for /crl")
            };
        }
        let Some(rest) = req.path.strip_prefix("/.well-known/est/") else {
            return Response::text(
                404,
                "not an EST path (RFC 7030 §3.2.2: /.well-known/est/...)",
            );
        };
        let (label, op) = match rest.split_once('/') {
            Some((label, op)) => (Some(label), op),
            None => (None, rest),
        };
        let purpose = match label {
            None => Purpose::Auth,
            Some(l) => match Purpose::from_label(l) {
                Some(p) => p,
                None => {
                    return Response::text(
                        404,
                        &format!("unknown CA label '{l}'; use 'auth' or 'sign'"),
                    )
                }
            },
        };
        let expected_method = match op {
            "cacerts" | "csrattrs" => "GET",
            "simpleenroll" | "simplereenroll" => "POST",
            _ => return Response::text(404, &format!("unknown EST operation '{op}'")),
        };
        if req.method != expected_method {
            return Response::text(405, &format!("{op} needs {expected_method}"))
                .with_header("Allow", expected_method);
        }
        let result = match op {
            "cacerts" => Ok(pkcs7_response(&self.authority.ca_certs())),
            "csrattrs" => Ok(
                Response::new(200, "application/csrattrs", b64_lines(&csr_attrs()))
                    .with_header("Content-Transfer-Encoding", "base64"),
            ),
            "simpleenroll" => self.simpleenroll(req, purpose),
            _ => self.simplereenroll(req, purpose, peer_cert),
        };
        match result {
            Ok(r) => r,
            Err(CaError::Rejected(rej)) => {
                let r = Response::text(rej.status(), rej.reason());
                match rej {
                    Rejection::Unauthorized(_) => {
                        r.with_header("WWW-Authenticate", "Basic realm=\"sello-ca EST\"")
                    }
                    Rejection::TooManyAttempts(secs) => {
                        r.with_header("Retry-After", &secs.to_string())
                    }
                    _ => r,
                }
            }
            Err(e) => {
                // The client gets a fixed English text; the operator the details.
                eprintln!(
                    "sello-ca: {}",
                    crate::tr!("ca-log-request-failed", error = e.to_string())
                );
                Response::text(500, "internal error in the CA; see its log")
            }
        }
    }

    fn crl(&self) -> Response {
        let path = self.authority.dir().join(files::CRL);
        let max_age = u64::from(self.authority.config.issuance.crl_validity_hours) * 1800;
        let stale = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age.as_secs() > max_age);
        if stale {
            if let Ok(mut store) = self.store.lock() {
                if let Err(e) = self.authority.write_crl(&mut store) {
                    eprintln!(
                        "sello-ca: {}",
                        crate::tr!("ca-log-crl-failed", error = e.to_string())
                    );
                }
            }
        }
        match std::fs::read(&path) {
            Ok(der) => Response::new(200, "application/pkix-crl", der),
            Err(_) => Response::text(500, "CRL not available"),
        }
    }

    /// `simpleenroll` behind the attempt limits: a blocked client or identity is answered 429
    /// before its code is looked at; an unknown identity and a wrong code count alike.
    fn simpleenroll(&self, req: &Request, purpose: Purpose) -> Result<Response, CaError> {
        let (nif, code) = basic_auth(req)?;
        let csr = csr_body(req)?;
        let throttle = || {
            self.throttle
                .lock()
                .map_err(|_| CaError::Internal("throttle lock poisoned".into()))
        };
        throttle()?
            .check(req.client, &nif, unix_now_ms())
            .map_err(Rejection::TooManyAttempts)?;
        let result = self.simpleenroll_with(&nif, &code, &csr, purpose);
        match &result {
            Err(CaError::Rejected(Rejection::Unauthorized(r))) if r == NOT_RECOGNISED => {
                throttle()?.failure(req.client, &nif, unix_now_ms());
            }
            Ok(_) => throttle()?.success(req.client, &nif),
            Err(_) => {}
        }
        result
    }

    fn simpleenroll_with(
        &self,
        nif: &str,
        code: &EnrollmentCode,
        csr: &[u8],
        purpose: Purpose,
    ) -> Result<Response, CaError> {
        let now = unix_now();
        let mut store = self
            .store
            .lock()
            .map_err(|_| CaError::Internal("store lock poisoned".into()))?;
        let polls = self.authority.config.server.pending_polls;
        if polls > 0 {
            store.check_code(nif, code, purpose, now)?;
            let mut pending = self
                .pending
                .lock()
                .map_err(|_| CaError::Internal("pending lock poisoned".into()))?;
            let count = pending
                .entry((nif.to_ascii_uppercase(), purpose))
                .or_insert(0);
            if *count < polls {
                *count += 1;
                let retry = self.authority.config.server.retry_after_secs.to_string();
                return Ok(Response::text(
                    202,
                    "request accepted and waiting for manual approval; retry later",
                )
                .with_header("Retry-After", &retry));
            }
        }
        let authority = &self.authority;
        let issued = store.enroll_with_code(nif, code, purpose, now, |identity, refused| {
            let checked = authority.check_csr(csr, identity)?;
            refused.check(&checked.spki, false)?;
            authority.issue(identity, &checked, purpose, now)
        })?;
        eprintln!(
            "sello-ca: {}",
            crate::tr!(
                "ca-log-issued-in-person",
                purpose = purpose.label(),
                serial = issued.serial.as_str(),
                nif = nif
            )
        );
        Ok(pkcs7_response(&[issued.der]))
    }

    fn simplereenroll(
        &self,
        req: &Request,
        purpose: Purpose,
        peer_cert: Option<&[u8]>,
    ) -> Result<Response, CaError> {
        let Some(peer) = peer_cert else {
            return Err(Rejection::Unauthorized(
                "simplereenroll needs TLS client authentication with the current certificate \
                 (RFC 7030 §3.3.2)"
                    .into(),
            )
            .into());
        };
        let (_, cert) = x509_parser::parse_x509_certificate(peer)
            .map_err(|_| Rejection::Unauthorized("client certificate does not parse".into()))?;
        // Only a certificate made for TLS client authentication authenticates (RFC 5280
        // §4.2.1.12); the signature certificate has no clientAuth.
        let client_auth = cert
            .extended_key_usage()
            .ok()
            .flatten()
            .is_some_and(|eku| eku.value.client_auth);
        if !client_auth {
            return Err(Rejection::Forbidden(
                "the client certificate has no clientAuth extended key usage; renew with the \
                 authentication certificate"
                    .into(),
            )
            .into());
        }
        let serial = hex::encode_upper(cert.tbs_certificate.raw_serial());
        let csr = csr_body(req)?;
        let now = unix_now();
        let mut store = self
            .store
            .lock()
            .map_err(|_| CaError::Internal("store lock poisoned".into()))?;
        let authority = &self.authority;
        let issued = store.reenroll(&serial, purpose, now, |identity, _current, refused| {
            let checked = authority.check_csr(&csr, identity)?;
            refused.check(&checked.spki, true)?;
            authority.issue_renewal(identity, &checked, purpose, now)
        })?;
        // The renewal revoked the certificate it replaces: publish that at once.
        if let Err(e) = authority.write_crl(&mut store) {
            eprintln!(
                "sello-ca: {}",
                crate::tr!("ca-log-crl-failed-after-renewal", error = e.to_string())
            );
        }
        eprintln!(
            "sello-ca: {}",
            crate::tr!(
                "ca-log-issued-renewal",
                purpose = purpose.label(),
                serial = issued.serial.as_str(),
                old = serial.as_str()
            )
        );
        Ok(pkcs7_response(&[issued.der]))
    }
}

/// base64 on one line without line breaks (RFC 4648 §4). RFC 8951 §3 tells receivers to ignore
/// line breaks, but not every client does: strongSwan 5.9.8 `pki --est` decodes the text as it
/// comes and misreads everything after the first break.
fn b64_lines(der: &[u8]) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .encode(der)
        .into_bytes()
}

fn pkcs7_response(certs: &[Vec<u8>]) -> Response {
    Response::new(200, PKCS7, b64_lines(&der::certs_only_signed_data(certs)))
        .with_header("Content-Transfer-Encoding", "base64")
}

/// CsrAttrs (RFC 7030 §4.5.2): the signature algorithms we accept and the EC curves allowed.
fn csr_attrs() -> Vec<u8> {
    let oid = |arcs: &[u64]| der::oid(arcs).unwrap_or_default();
    let sha256_rsa = oid(&[1, 2, 840, 113549, 1, 1, 11]);
    let ecdsa_sha256 = oid(&[1, 2, 840, 10045, 4, 3, 2]);
    let ecdsa_sha384 = oid(&[1, 2, 840, 10045, 4, 3, 3]);
    let ec_public_key = oid(&[1, 2, 840, 10045, 2, 1]);
    let p256 = oid(&[1, 2, 840, 10045, 3, 1, 7]);
    let p384 = oid(&[1, 3, 132, 0, 34]);
    let curves = der::seq(&[&ec_public_key, &der::set(&[&p256, &p384])]);
    der::seq(&[&sha256_rsa, &ecdsa_sha256, &ecdsa_sha384, &curves])
}

/// Decodes `Authorization: Basic` into (NIF, code). The code is zeroized when dropped.
fn basic_auth(req: &Request) -> Result<(String, EnrollmentCode), CaError> {
    let unauthorized = |why: &str| -> CaError { Rejection::Unauthorized(why.into()).into() };
    let header = req.header("authorization").ok_or_else(|| {
        unauthorized("simpleenroll needs HTTP Basic authentication: NIF as user, enrollment code as password")
    })?;
    let Some(encoded) = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
    else {
        return Err(unauthorized("only HTTP Basic authentication is accepted"));
    };
    let decoded = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| unauthorized("malformed Basic credentials"))?,
    );
    let text =
        std::str::from_utf8(&decoded).map_err(|_| unauthorized("malformed Basic credentials"))?;
    let (user, code) = text
        .split_once(':')
        .ok_or_else(|| unauthorized("malformed Basic credentials"))?;
    Ok((user.trim().to_string(), EnrollmentCode::from_secret(code)))
}

/// The CSR of an enroll request: `application/pkcs10`, base64 with or without line breaks;
/// `Content-Transfer-Encoding` is ignored (RFC 8951 §3).
fn csr_body(req: &Request) -> Result<Vec<u8>, CaError> {
    let ct = req.header("content-type").unwrap_or_default();
    if !ct.to_ascii_lowercase().starts_with("application/pkcs10") {
        return Err(Rejection::UnsupportedMediaType(format!(
            "Content-Type must be application/pkcs10, got '{ct}'"
        ))
        .into());
    }
    let compact: Vec<u8> = req
        .body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return Err(
            Rejection::Malformed("empty body: a base64 PKCS#10 CSR is expected".into()).into(),
        );
    }
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| {
            Rejection::Malformed(format!(
                "body is not base64 (RFC 7030 §4.2.1, RFC 8951 §3): {e}"
            ))
            .into()
        })
}

/// Fuzzing entry (fuzz/fuzz_targets/ca_request.rs): the bytes as an OCSP request, then as a
/// client's `Authorization` value and body split at the first newline, through the credential
/// and CSR decoders. Errors, never panics.
pub fn fuzz_request(data: &[u8]) {
    let _ = super::ocsp::parse_request(data);
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (head, body) = data.split_at(split);
    let request = Request {
        method: "POST".into(),
        path: "/.well-known/est/simpleenroll".into(),
        headers: vec![
            (
                "authorization".into(),
                String::from_utf8_lossy(head).into_owned(),
            ),
            ("content-type".into(), "application/pkcs10".into()),
        ],
        body: body.to_vec(),
        client: None,
    };
    let _ = basic_auth(&request);
    let _ = csr_body(&request);
}
