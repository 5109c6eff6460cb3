//! Revocation status by OCSP (RFC 6960), judged by an independent responder: `openssl ocsp`
//! serving an index file for a throwaway openssl CA, whose certificates (for keys generated on
//! the virtual card by yubico-piv-tool) name it in their Authority Information Access. `sello
//! status` shows good, then revoked once the index says so (openssl's own OCSP client agrees),
//! keeps a current answer in its cache, refuses an answer signed by another key, and says
//! "unknown (offline" when the responder is gone.
#![cfg(all(feature = "est-client", feature = "virtual-card"))]

mod rig;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

/// A running `openssl ocsp` responder; killed on drop.
struct Responder(Child);

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `openssl ocsp` on `port` with `index`, signing with `signer`/`key`; returns once it
/// accepts connections (it says so on its standard error).
fn responder(b: &Bench, port: u16, index: &str, signer: &str, key: &str) -> Responder {
    let mut child = b
        .rig
        .command("openssl")
        .args([
            "ocsp",
            "-index",
            index,
            "-port",
            &port.to_string(),
            "-rsigner",
            signer,
            "-rkey",
            key,
            "-CA",
            "ca.crt",
            "-ndays",
            "1",
        ])
        .current_dir(b.dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl ocsp starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines
            .next()
            .expect("openssl ocsp said nothing")
            .expect("readable");
        if line
            .to_ascii_lowercase()
            .contains("waiting for ocsp client connections")
        {
            break;
        }
        assert!(!line.contains("Error"), "openssl ocsp: {line}");
    }
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Responder(child)
}

fn serial_of(b: &Bench, cert: &str) -> String {
    let out = b.ok("openssl", &["x509", "-in", cert, "-noout", "-serial"]);
    out.trim()
        .trim_start_matches("serial=")
        .lines()
        .next()
        .expect("serial")
        .to_owned()
}

fn status(b: &Bench, cache: &str) -> String {
    let out = b
        .rig
        .command(SELLO)
        .env("LC_ALL", "C") // English messages (asserted), whatever the locale
        .args(["status"])
        .current_dir(b.dir())
        .env("SELLO_CA_DIR", b.path("ca-dir"))
        .env("XDG_CACHE_HOME", b.path(cache))
        .output()
        .expect("sello runs");
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

#[test]
fn ocsp_good_then_revoked_cached_forged_and_offline() {
    let b = Bench::start();
    b.make_ca();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    b.write(
        "ocsp.ext",
        format!("authorityInfoAccess = OCSP;URI:{url}\n").as_bytes(),
    );
    for slot in ["9a", "9c"] {
        b.yk(&[
            "-a",
            "generate",
            "-s",
            slot,
            "-A",
            "ECCP256",
            "-o",
            &format!("{slot}.pub"),
        ]);
        b.ok(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                "holder.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-force_pubkey",
                &format!("{slot}.pub"),
                "-subj",
                &format!("/CN=Holder {slot}"),
                "-days",
                "30",
                "-extfile",
                "ocsp.ext",
                "-out",
                &format!("{slot}.crt"),
            ],
        );
        b.yk(&[
            "-a",
            "import-certificate",
            "-s",
            slot,
            "-i",
            &format!("{slot}.crt"),
        ]);
    }
    std::fs::create_dir_all(b.path("ca-dir")).expect("ca dir");
    std::fs::copy(b.path("ca.crt"), b.path("ca-dir/ca.crt")).expect("copy CA");
    let s9a = serial_of(&b, "9a.crt");
    let s9c = serial_of(&b, "9c.crt");
    let index = |revoked_9a: bool| {
        let a = if revoked_9a {
            format!(
                "R\t491231235959Z\t250101000000Z,keyCompromise\t{s9a}\tunknown\t/CN=Holder 9a\n"
            )
        } else {
            format!("V\t491231235959Z\t\t{s9a}\tunknown\t/CN=Holder 9a\n")
        };
        format!("{a}V\t491231235959Z\t\t{s9c}\tunknown\t/CN=Holder 9c\n")
    };
    let openssl_says = |cert: &str| {
        b.ok(
            "openssl",
            &[
                "ocsp", "-issuer", "ca.crt", "-cert", cert, "-url", &url, "-CAfile", "ca.crt",
            ],
        )
    };

    // Both good.
    b.write("index.txt", index(false).as_bytes());
    let r = responder(&b, port, "index.txt", "ca.crt", "ca.key");
    assert!(openssl_says("9a.crt").contains("9a.crt: good"));
    let t = status(&b, "cache-1");
    assert_eq!(
        t.matches("revocation: not revoked (OCSP)").count(),
        2,
        "{t}"
    );
    drop(r);

    // 9A revoked at the responder: openssl and sello agree; a fresh cache asks again.
    b.write("index-revoked.txt", index(true).as_bytes());
    let r = responder(&b, port, "index-revoked.txt", "ca.crt", "ca.key");
    assert!(openssl_says("9a.crt").contains("9a.crt: revoked"));
    let t = status(&b, "cache-2");
    assert!(
        t.contains("revocation: REVOKED on 2025-01-01 (keyCompromise)"),
        "{t}"
    );
    assert!(t.contains("revocation: not revoked (OCSP)"), "9C: {t}");
    // The first cache still holds a current "good" answer (nextUpdate in a day).
    let t = status(&b, "cache-1");
    assert_eq!(
        t.matches("revocation: not revoked (OCSP)").count(),
        2,
        "{t}"
    );
    drop(r);

    // An answer signed by a key that is not the CA's is refused.
    b.ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "forger.key",
            "-out",
            "forger.crt",
            "-subj",
            "/CN=Sello Test CA",
            "-days",
            "30",
        ],
    );
    let r = responder(&b, port, "index.txt", "forger.crt", "forger.key");
    let t = status(&b, "cache-3");
    assert_eq!(
        t.matches("not signed by the certificate's CA").count(),
        2,
        "{t}"
    );
    drop(r);

    // The responder is gone: unknown (offline), not an error.
    let t = status(&b, "cache-4");
    assert_eq!(t.matches("revocation: unknown (offline").count(), 2, "{t}");
}
