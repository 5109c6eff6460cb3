//! The EST client against CAs that misbehave: one that answers garbage, one that accepts the
//! connection and never answers, one that is not there. Each gives a clear error within bounds.
#![cfg(feature = "est-client")]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use sello::enroll::est::{EstClient, EstClientConfig, EstError, TrustAnchor};

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
    let err = client(port, Duration::from_secs(5))
        .cacerts(None)
        .expect_err("garbage");
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = err.to_string();
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
        err.to_string().contains("did not answer within 1s"),
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
    assert!(err.to_string().contains("cannot connect"), "{err}");
}
