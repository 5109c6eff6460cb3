//! `sello-ca serve` under load (issue 9 §2): the real binary on loopback, driven by this
//! process. Not a timed test; run it with
//!
//! ```sh
//! cargo bench --features ca --bench ca_server
//! ```
//!
//! Scenarios, each on a fresh CA:
//! - `parallel enrollments`: N identities registered, then N threads each do one `simpleenroll`
//!   (P-256 CSR, HTTP Basic) with the EST client at the same moment. Counts certificates,
//!   refusals and transport errors (resets), and the wall time of the burst.
//! - `idle connections`: M TCP connections opened and left silent on the CRL listener and M on
//!   the EST listener, then K `cacerts` and K `GET /crl` requests; counts the answered ones.
//!
//! N = 200, M = 1000, K = 57 (the figures of the issue); override with SELLO_BENCH_ENROLLMENTS,
//! SELLO_BENCH_IDLE. Results go to stdout as a table (docs/ca.md, "Capacity").

#[path = "../tests/rig/ca.rs"]
#[allow(dead_code)]
mod ca;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ca::LocalCa;
use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, SanType};
use sello::enroll::est::{EnrollmentSecret, EstClient, EstClientConfig, EstError, TrustAnchor};

const BIN: &str = env!("CARGO_BIN_EXE_sello-ca");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A valid DNI number and letter for index `i`.
fn nif(i: usize) -> String {
    let n = 10_000_000 + i;
    let letter = b"TRWAGMYFPDXBNJZSQVHLCKE"[n % 23] as char;
    format!("{n}{letter}")
}

fn csr(nif: &str) -> Vec<u8> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into().expect("printable")),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(format!("IDCES-{nif}").try_into().expect("printable")),
    );
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), "Bench");
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), "Carga Paralela");
    dn.push(
        DnType::CommonName,
        format!("Bench Carga Paralela - NIF:{nif}"),
    );
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::Rfc822Name(
        format!("{nif}@example.org").try_into().expect("ia5"),
    )];
    params.serialize_request(&key).expect("csr").der().to_vec()
}

fn client(ca: &LocalCa) -> EstClient {
    let trust = TrustAnchor::from_pem_file(&ca.dir().join("root.pem")).expect("anchor");
    let mut config = EstClientConfig::new(&format!("https://{}", ca.est), trust);
    config.io_timeout = Duration::from_secs(60);
    EstClient::new(config).expect("client")
}

fn parallel_enrollments(n: usize) {
    let ca = LocalCa::start(BIN, |c| c);
    let mut jobs = Vec::new();
    for i in 0..n {
        let nif = nif(i);
        let code = ca.enroll_code(
            &nif,
            "Bench",
            "Carga Paralela",
            &format!("{nif}@example.org"),
            None,
        );
        jobs.push((nif.clone(), code, csr(&nif)));
    }
    let client = Arc::new(client(&ca));
    let barrier = Arc::new(Barrier::new(n + 1));
    let threads: Vec<_> = jobs
        .into_iter()
        .map(|(nif, code, csr)| {
            let client = Arc::clone(&client);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                client.simpleenroll(
                    Some("auth"),
                    &nif,
                    &EnrollmentSecret::new(&code),
                    &csr,
                    &mut |_| {},
                )
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let (mut issued, mut refused, mut transport) = (0, 0, 0);
    for t in threads {
        match t.join().expect("thread") {
            Ok(certs) if certs.len() == 1 => issued += 1,
            Ok(_) | Err(EstError::Rejected { .. }) | Err(EstError::Unauthorized { .. }) => {
                refused += 1
            }
            Err(e) => {
                transport += 1;
                eprintln!("transport error: {e}");
            }
        }
    }
    let wall = start.elapsed();
    println!(
        "| parallel enrollments | {n} | {issued} certificates | {refused} refused | {transport} transport errors | {:.1} s |",
        wall.as_secs_f64()
    );
}

fn get(addr: &str, tls: Option<&EstClient>) -> bool {
    match tls {
        Some(c) => c.cacerts(None).is_ok(),
        None => {
            let Ok(mut s) = TcpStream::connect(addr) else {
                return false;
            };
            let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
            if s.write_all(b"GET /crl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .is_err()
            {
                return false;
            }
            let mut resp = Vec::new();
            let _ = s.read_to_end(&mut resp);
            resp.starts_with(b"HTTP/1.1 200")
        }
    }
}

fn idle_connections(m: usize, k: usize) {
    let ca = LocalCa::start(BIN, |c| c);
    let idle: Vec<TcpStream> = (0..m)
        .flat_map(|_| [TcpStream::connect(&ca.crl), TcpStream::connect(&ca.est)])
        .filter_map(Result::ok)
        .collect();
    let client = client(&ca);
    let start = Instant::now();
    let crl_ok = (0..k).filter(|_| get(&ca.crl, None)).count();
    let est_ok = (0..k).filter(|_| get(&ca.est, Some(&client))).count();
    let wall = start.elapsed();
    println!(
        "| idle connections | {} open ({m} per listener) | GET /crl {crl_ok}/{k} | cacerts {est_ok}/{k} | | {:.1} s |",
        idle.len(),
        wall.as_secs_f64()
    );
    drop(idle);
}

fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let n = env_usize("SELLO_BENCH_ENROLLMENTS", 200);
    let m = env_usize("SELLO_BENCH_IDLE", 1000);
    println!("| scenario | size | result | | | wall |");
    println!("|---|---|---|---|---|---|");
    parallel_enrollments(n);
    idle_connections(m, 57);
}
