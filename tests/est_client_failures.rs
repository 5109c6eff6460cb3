//! The EST client against CAs that misbehave: one that answers garbage, one that accepts the
//! connection and never answers, one that is not there. Each gives a clear error within bounds.
#![cfg(feature = "est-client")]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use sello::enroll::est::{EstClient, EstClientConfig, EstError, TrustAnchor};

/// Runs `f` with English messages, whatever the machine's locale.
fn en<R>(f: impl FnOnce() -> R) -> R {
    sello::i18n::with_language("en", f)
}

fn client(port: u16, io_timeout: Duration) -> EstClient {
    let mut config = EstClientConfig::new(
        &format!("https://127.0.0.1:{port}"),
        TrustAnchor::PinnedSha256([0; 32]),
    );
    config.connect_timeout = Duration::from_secs(2);
    config.io_timeout = io_timeout;
    EstClient::new(config).expect("client")
}

#[test]
fn garbage_answering_server_is_a_clear_error() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut buf = [0u8; 512];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"220 totally not an EST server\r\n\x00\xff\xfe garbage garbage\r\n");
        std::thread::sleep(Duration::from_millis(200));
    });
    let started = Instant::now();
    // English messages, whatever the machine's locale (the TLS hint is written when it fails).
    let err = en(|| client(port, Duration::from_secs(5)).cacerts(None)).expect_err("garbage");
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = en(|| err.to_string());
    assert!(
        matches!(err, EstError::Tls { .. } | EstError::Protocol { .. }),
        "{text}"
    );
    assert!(text.contains("does not speak TLS"), "{text}");
    server.join().expect("server thread");
}

#[test]
fn hanging_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let (s, _) = listener.accept().expect("accept");
        std::thread::sleep(Duration::from_secs(3));
        drop(s);
    });
    let started = Instant::now();
    let err = client(port, Duration::from_secs(1))
        .cacerts(None)
        .expect_err("hang");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert!(matches!(err, EstError::Timeout { .. }), "{err}");
    assert!(
        en(|| err.to_string()).contains("did not answer within 1s"),
        "{err}"
    );
    server.join().expect("server thread");
}

#[test]
fn absent_server_is_a_connect_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let err = client(port, Duration::from_secs(1))
        .cacerts(None)
        .expect_err("nothing listening");
    assert!(matches!(err, EstError::Connect { .. }), "{err}");
    assert!(en(|| err.to_string()).contains("cannot connect"), "{err}");
}

/// A TLS server (rcgen certificate, rustls) that reads the request and answers canned bytes, or
/// nothing at all. The client pins its certificate.
#[cfg(feature = "ca")]
mod over_tls {
    use super::*;
    use std::sync::Arc;

    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use sha2::{Digest, Sha256};

    fn serve(answer: Option<&'static [u8]>) -> (u16, [u8; 32], std::thread::JoinHandle<()>) {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let pin: [u8; 32] = Sha256::digest(cert.der()).into();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("config");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handle = std::thread::spawn(move || {
            let (tcp, _) = listener.accept().expect("accept");
            let conn = rustls::ServerConnection::new(Arc::new(config)).expect("conn");
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut buf = [0u8; 4096];
            let _ = tls.read(&mut buf);
            match answer {
                Some(bytes) => {
                    let _ = tls.write_all(bytes);
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
                None => std::thread::sleep(Duration::from_secs(3)),
            }
        });
        (port, pin, handle)
    }

    fn pinned(port: u16, pin: [u8; 32]) -> EstClient {
        let mut config = EstClientConfig::new(
            &format!("https://127.0.0.1:{port}"),
            TrustAnchor::PinnedSha256(pin),
        );
        config.io_timeout = Duration::from_secs(1);
        EstClient::new(config).expect("client")
    }

    #[test]
    fn garbage_http_over_tls() {
        let (port, pin, h) = serve(Some(b"\x00\x01 this is not HTTP at all, sorry\r\n\r\n"));
        let err = pinned(port, pin).cacerts(None).expect_err("garbage");
        assert!(matches!(err, EstError::Protocol { .. }), "{err}");
        assert!(
            en(|| err.to_string()).contains("not an HTTP response"),
            "{err}"
        );
        h.join().expect("server");
    }

    #[test]
    fn garbage_pkcs7_body() {
        let (port, pin, h) = serve(Some(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/pkcs7-mime\r\nContent-Length: 8\r\n\r\nAAAAAAAA",
        ));
        let err = pinned(port, pin).cacerts(None).expect_err("garbage body");
        assert!(matches!(err, EstError::Protocol { .. }), "{err}");
        h.join().expect("server");
    }

    #[test]
    fn server_error_text_is_reported_and_chunked_bodies_are_read() {
        let (port, pin, h) = serve(Some(
            b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nCA is in \r\nb\r\nmaintenance\r\n0\r\n\r\n",
        ));
        let err = pinned(port, pin).cacerts(None).expect_err("503");
        assert!(
            matches!(err, EstError::Server { status: 503, ref message } if message == "CA is in maintenance"),
            "{err}"
        );
        h.join().expect("server");
    }

    #[test]
    fn silent_tls_server_times_out() {
        let (port, pin, h) = serve(None);
        let started = Instant::now();
        let err = pinned(port, pin).cacerts(None).expect_err("silent");
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(matches!(err, EstError::Timeout { .. }), "{err}");
        assert!(
            en(|| err.to_string()).contains("waiting for the response"),
            "{err}"
        );
        h.join().expect("server");
    }
}
