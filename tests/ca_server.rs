//! `sello-ca` as a server other programs talk to, judged by curl and `openssl s_client`: empty
//! lines around requests (RFC 9112 §2.2), keep-alive, renewal with only the leaf certificate,
//! per-listener connection budgets with `503` + `Retry-After`, idle connections.
#![cfg(feature = "ca")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, SanType};

const BIN: &str = env!("CARGO_BIN_EXE_sello-ca");

mod rig;

use rig::ca::LocalCa as Ca;

const NIF: &str = "12345678Z";
const GIVEN: &str = "Ana";
const SURNAMES: &str = "Ruiz Gil";
const EMAIL: &str = "ana@example.org";

fn csr_b64(key: &KeyPair) -> String {
    use base64::Engine as _;
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("ES".try_into().expect("printable")),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(format!("IDCES-{NIF}").try_into().expect("printable")),
    );
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), GIVEN);
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), SURNAMES);
    dn.push(
        DnType::CommonName,
        format!("{GIVEN} {SURNAMES} - NIF:{NIF}"),
    );
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::Rfc822Name(EMAIL.try_into().expect("ia5"))];
    let der = params.serialize_request(key).expect("csr").der().to_vec();
    base64::engine::general_purpose::STANDARD.encode(der)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("utf8").to_string()
}

fn sh(script: &str) -> (bool, String, String) {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Sends `input` through `openssl s_client` and returns what the server answered.
fn s_client(ca: &Ca, input: &[u8], extra: &[&str]) -> String {
    let mut child = Command::new("openssl")
        .args(["s_client", "-quiet", "-connect", &ca.est, "-CAfile"])
        .arg(ca.path("root.pem"))
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl s_client");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let out = child.wait_with_output().expect("s_client output");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Enrolls a certificate with curl (HTTP Basic) and returns (key PEM path, leaf PEM path).
fn enroll_with_curl(ca: &Ca, code: &str, label: &str, key: &KeyPair) -> (String, String) {
    let csr = write(ca.dir.path(), &format!("{label}.csr.b64"), &csr_b64(key));
    let leaf = ca.dir.path().join(format!("{label}.pem"));
    let (ok, _, err) = sh(&format!(
        "curl -sS --fail --cacert {} --user '{NIF}:{code}' -H 'Content-Type: application/pkcs10' \
         --data-binary @{csr} https://{}/.well-known/est/{label}/simpleenroll \
         | base64 -d | openssl pkcs7 -inform DER -print_certs -out {}",
        ca.path("root.pem"),
        ca.est,
        leaf.display()
    ));
    assert!(ok, "{err}");
    let key_path = write(ca.dir.path(), &format!("{label}.key"), &key.serialize_pem());
    (key_path, leaf.to_str().expect("utf8").to_string())
}

/// `simplereenroll` with curl's client certificate; returns (HTTP status, body).
fn reenroll_with_curl(ca: &Ca, cert: &str, key: &str, new_key: &KeyPair) -> (String, String) {
    let csr = write(ca.dir.path(), "renew.csr.b64", &csr_b64(new_key));
    let (_, out, err) = sh(&format!(
        "curl -sS --cacert {} --cert {cert} --key {key} -w '\n%{{http_code}}' \
         -H 'Content-Type: application/pkcs10' --data-binary @{csr} \
         https://{}/.well-known/est/auth/simplereenroll",
        ca.path("root.pem"),
        ca.est
    ));
    let (body, status) = out.rsplit_once('\n').unwrap_or(("", ""));
    (status.to_string(), format!("{body}{err}"))
}

#[test]
fn empty_lines_around_requests_are_ignored_and_connections_kept_alive() {
    let ca = Ca::start(BIN, |c| c);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let body = csr_b64(&key);
    let auth = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{NIF}:{code}"))
    };
    // A CRLF before the first request line, a CRLF after the POST body (counted in no
    // Content-Length), then a second request on the same connection, also followed by CRLF.
    let input = format!(
        "\r\nPOST /.well-known/est/auth/simpleenroll HTTP/1.1\r\nHost: x\r\n\
         Authorization: Basic {auth}\r\nContent-Type: application/pkcs10\r\n\
         Content-Length: {}\r\n\r\n{body}\r\n\
         GET /.well-known/est/cacerts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\r\n",
        body.len()
    );
    let out = s_client(&ca, input.as_bytes(), &[]);
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
    assert!(!out.contains("400"), "{out}");

    // The same on the plain CRL port, read with a bare socket.
    let mut s = TcpStream::connect(&ca.crl).expect("connect");
    s.write_all(
        b"\r\n\r\nGET /crl HTTP/1.1\r\nHost: x\r\n\r\n\r\n\
          GET /crl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\r\n",
    )
    .expect("write");
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).expect("read");
    let text = String::from_utf8_lossy(&resp);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
}

#[test]
fn renewal_with_only_the_leaf_certificate_and_the_policy_around_it() {
    let ca = Ca::start(BIN, |c| c);
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let (key_path, leaf) = enroll_with_curl(&ca, &code, "auth", &key);
    let sign_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let (sign_key_path, sign_leaf) = enroll_with_curl(&ca, &code, "sign", &sign_key);
    let leaf_text = std::fs::read_to_string(&leaf).expect("leaf");
    assert_eq!(leaf_text.matches("BEGIN CERTIFICATE").count(), 1);
    let fresh = || KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");

    // The signature certificate (no clientAuth EKU) does not authenticate a renewal.
    let (status, body) = reenroll_with_curl(&ca, &sign_leaf, &sign_key_path, &fresh());
    assert_eq!(status, "403", "{body}");
    assert!(body.contains("clientAuth"), "{body}");
    // A renewal that keeps the current key is refused.
    let (status, body) = reenroll_with_curl(&ca, &leaf, &key_path, &key);
    assert_eq!(status, "403", "{body}");
    assert!(body.contains("new key"), "{body}");
    // curl sends exactly the certificate in --cert: the leaf, no chain. Accepted.
    let (status, body) = reenroll_with_curl(&ca, &leaf, &key_path, &fresh());
    assert_eq!(status, "200", "{body}");
    let renewed = write(ca.dir.path(), "renewed.b64", &body);
    let (ok, out, err) = sh(&format!(
        "base64 -d {renewed} | openssl pkcs7 -inform DER -print_certs"
    ));
    assert!(ok && out.contains("IDCES-12345678Z"), "{out}{err}");
    // The replaced certificate is on the CRL as superseded at once (openssl verify -crl_check).
    let crl = ca.dir.path().join("fetched.crl");
    let (ok, _, err) = sh(&format!(
        "curl -sS --fail -o {} http://{}/crl",
        crl.display(),
        ca.crl
    ));
    assert!(ok, "{err}");
    let (_, out, err) = sh(&format!(
        "openssl crl -inform DER -in {crl} -out {crl}.pem && \
         openssl verify -crl_check -CAfile {} -untrusted {} -CRLfile {crl}.pem {leaf}; \
         openssl crl -in {crl}.pem -noout -text",
        ca.path("root.pem"),
        ca.path("issuing.pem"),
        crl = crl.display()
    ));
    let all = format!("{out}{err}");
    assert!(all.contains("certificate revoked"), "{all}");
    assert!(all.contains("Superseded"), "{all}");
}

#[test]
fn a_full_listener_answers_503_with_retry_after_and_the_other_keeps_serving() {
    let ca = Ca::start(BIN, |c| {
        c.replace("retry_after_secs = 1", "retry_after_secs = 7")
            .replace("max_connections = 2048", "max_connections = 4")
    });
    // Four idle connections fill the CRL listener's budget (accepted in arrival order).
    let idle: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&ca.crl).expect("connect"))
        .collect();
    let (_, out, _) = sh(&format!(
        "curl -sS -D - -o /dev/null -w '%{{http_code}}' http://{}/crl",
        ca.crl
    ));
    assert!(out.ends_with("503"), "{out}");
    assert!(out.contains("Retry-After: 7"), "{out}");
    // The EST listener has its own budget.
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail --cacert {} https://{}/.well-known/est/cacerts | base64 -d \
         | openssl pkcs7 -inform DER -print_certs -noout",
        ca.path("root.pem"),
        ca.est
    ));
    assert!(ok, "{err}");
    assert!(out.contains("Issuing CA"), "{out}");
    drop(idle);
}

#[test]
fn a_thousand_idle_connections_do_not_stop_service() {
    let ca = Ca::start(BIN, |c| c);
    let idle: Vec<TcpStream> = (0..1000)
        .map(|i| TcpStream::connect(if i % 2 == 0 { &ca.crl } else { &ca.est }).expect("connect"))
        .collect();
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail -o /dev/null -w '%{{http_code}}' http://{}/crl",
        ca.crl
    ));
    assert!(ok && out == "200", "{out} {err}");
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail -o /dev/null -w '%{{http_code}}' --cacert {} https://{}/.well-known/est/cacerts",
        ca.path("root.pem"),
        ca.est
    ));
    assert!(ok && out == "200", "{out} {err}");
    drop(idle);
}

/// strongSwan's `pki` (Debian strongswan-pki, its curl and openssl plugins): a third-party EST
/// client (RFC 7030) enrolls with HTTP Basic, then renews sending only its leaf certificate.
#[test]
fn strongswan_pki_enrolls_and_renews_with_only_its_leaf() {
    let ca = Ca::start(BIN, |c| c);
    let work = ca.dir.path();
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let dn = format!("C=ES, serialNumber=IDCES-{NIF}, G={GIVEN}, SN={SURNAMES}, CN={GIVEN} {SURNAMES} - NIF:{NIF}");
    let req = |name: &str| {
        let (ok, _, err) = sh(&format!(
            "cd {w} && pki --gen --type ecdsa --size 256 > {name}.key && \
             pki --req --in {name}.key --type ecdsa --dn '{dn}' --san {EMAIL} --outform pem > {name}.csr",
            w = work.display()
        ));
        assert!(ok, "{err}");
    };
    req("first");
    let (ok, out, err) = sh(&format!(
        "cd {w} && pki --est --url https://{est} --in first.csr --cacert {root} --cacert {issuing} \
         --userpass '{NIF}:{code}' --outform pem > first.pem && openssl x509 -in first.pem -noout -subject",
        w = work.display(),
        est = ca.est,
        root = ca.path("root.pem"),
        issuing = ca.path("issuing.pem"),
    ));
    assert!(ok, "{err}");
    assert!(err.contains("Issued certificate is trusted"), "{err}");
    assert!(out.contains("IDCES-12345678Z"), "{out}");

    req("second");
    let (ok, out, err) = sh(&format!(
        "cd {w} && pki --est --url https://{est} --in second.csr --cacert {root} --cacert {issuing} \
         --cert first.pem --key first.key --outform pem > second.pem && \
         openssl x509 -in second.pem -noout -subject -ext certificatePolicies",
        w = work.display(),
        est = ca.est,
        root = ca.path("root.pem"),
        issuing = ca.path("issuing.pem"),
    ));
    assert!(ok, "{err}");
    assert!(err.contains("Issued certificate is trusted"), "{err}");
    // The remote-renewal policy marks the second certificate.
    assert!(out.contains("2.999.7030.2.1"), "{out}");
    let list = ca_list(&ca);
    assert!(list.contains("remote-renewal"), "{list}");
}

fn ca_list(ca: &Ca) -> String {
    Ca::run_ok(BIN, &["list", "--dir", &ca.path("")])
}

/// The OCSP responder judged by `openssl ocsp`: good, revoked (with its reason), unknown, SHA-1
/// and SHA-256 CertIDs, the signature verified against the root; GET requests (RFC 6960
/// Appendix A.1) with curl; AIA carries the OCSP and caIssuers URLs and caIssuers is served.
#[test]
fn openssl_ocsp_sees_good_revoked_and_unknown() {
    let ca = Ca::start(BIN, |c| c);
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let (_, leaf) = enroll_with_curl(&ca, &code, "auth", &key);
    let work = ca.dir.path().display().to_string();
    let (ok, out, err) = sh(&format!(
        "openssl x509 -in {leaf} -noout -ext authorityInfoAccess"
    ));
    assert!(ok, "{err}");
    assert!(
        out.contains("OCSP - URI:http://127.0.0.1:8080/ocsp")
            && out.contains("CA Issuers - URI:http://127.0.0.1:8080/issuing.cer"),
        "{out}"
    );
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail http://{}/issuing.cer | openssl x509 -inform DER -noout -subject",
        ca.crl
    ));
    assert!(ok && out.contains("Issuing CA"), "{out}{err}");

    let ocsp = |what: &str| {
        let (_, out, err) = sh(&format!(
            "openssl ocsp -issuer {} {what} -url http://{}/ocsp -CAfile {}",
            ca.path("issuing.pem"),
            ca.crl,
            ca.path("root.pem")
        ));
        format!("{out}{err}")
    };
    let out = ocsp(&format!("-cert {leaf}"));
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains(": good"), "{out}");
    let out = ocsp(&format!("-sha256 -cert {leaf}"));
    assert!(
        out.contains("Response verify OK") && out.contains(": good"),
        "{out}"
    );
    let out = ocsp("-serial 0x1234");
    assert!(
        out.contains("Response verify OK") && out.contains("0x1234: unknown"),
        "{out}"
    );

    // GET with the base64 request in the path, percent-encoded.
    let (ok, _, err) = sh(&format!(
        "cd {work} && openssl ocsp -issuer {} -cert {leaf} -no_nonce -reqout get.req && \
         b64=$(base64 -w0 get.req | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g') && \
         curl -sS --fail -o get.resp \"http://{}/ocsp/$b64\"",
        ca.path("issuing.pem"),
        ca.crl
    ));
    assert!(ok, "{err}");
    let (_, out, err) = sh(&format!(
        "cd {work} && openssl ocsp -respin get.resp -issuer {} -cert {leaf} -CAfile {}",
        ca.path("issuing.pem"),
        ca.path("root.pem")
    ));
    let all = format!("{out}{err}");
    assert!(
        all.contains("Response verify OK") && all.contains(": good"),
        "{all}"
    );

    let (ok, serial, err) = sh(&format!(
        "openssl x509 -in {leaf} -noout -serial | cut -d= -f2"
    ));
    assert!(ok, "{err}");
    Ca::run_ok(
        BIN,
        &[
            "revoke",
            "--dir",
            &ca.path(""),
            serial.trim(),
            "--reason",
            "keyCompromise",
        ],
    );
    let out = ocsp(&format!("-cert {leaf}"));
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(
        out.contains(": revoked") && out.contains("Reason: keyCompromise"),
        "{out}"
    );

    // Garbage is answered with malformedRequest, not a dropped connection.
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail -H 'Content-Type: application/ocsp-request' --data-binary 'nonsense' \
         http://{}/ocsp | od -An -tx1",
        ca.crl
    ));
    assert!(ok, "{err}");
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["30", "03", "0a", "01", "01"]
    );
}

/// The signature certificate's content beside real Spanish qualified certificates (FNMT, DNIe),
/// read back by openssl: FNMT-style CN when configured, the CA's policy with CPS URI and user
/// notice plus ETSI QCP-n-qscd, qcStatements with QcRetentionPeriod and QcPDS, AIA.
#[test]
fn certificate_content_close_to_spanish_qualified_certificates() {
    let ca = Ca::start(BIN, |c| {
        c.replace("cn_style = \"sello\"", "cn_style = \"fnmt\"")
    });
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let (_, leaf) = enroll_with_curl(&ca, &code, "sign", &key);
    let (ok, out, err) = sh(&format!("openssl x509 -in {leaf} -noout -text"));
    assert!(ok, "{err}");
    assert!(out.contains("CN = RUIZ GIL ANA - 12345678Z"), "{out}");
    for expected in [
        "Policy: 2.999.7030.1.2",
        "CPS: https://sello.invalid/cps",
        "Explicit Text: Sello local test certificate - NOT FOR PRODUCTION",
        "Policy: 0.4.0.194112.1.2",
        "OCSP - URI:http://127.0.0.1:8080/ocsp",
        "CA Issuers - URI:http://127.0.0.1:8080/issuing.cer",
        "Non Repudiation",
    ] {
        assert!(out.contains(expected), "{expected} missing: {out}");
    }
    let (ok, out, err) = sh(&format!(
        "off=$(openssl asn1parse -in {leaf} | grep -A1 qcStatements | tail -1 | cut -d: -f1 | tr -d ' ') \
         && openssl asn1parse -in {leaf} -strparse $off"
    ));
    assert!(ok, "{err}");
    for expected in [
        ":0.4.0.1862.1.1",
        ":0.4.0.1862.1.4",
        ":0.4.0.1862.1.6.1",
        ":0.4.0.1862.1.3",
        "INTEGER           :0F",
        ":0.4.0.1862.1.5",
        "IA5STRING         :https://sello.invalid/pds/en",
        "PRINTABLESTRING   :en",
    ] {
        assert!(out.contains(expected), "{expected} missing: {out}");
    }
}

/// `init --issuing-key rsa-3072`: an RSA issuing CA (sha256WithRSAEncryption) whose
/// certificates, CRL and OCSP answers openssl verifies.
#[test]
fn rsa_issuing_key_signs_certificates_crls_and_ocsp() {
    let ca = Ca::start_with(BIN, &["--issuing-key", "rsa-3072"], |c| c);
    let config = std::fs::read_to_string(ca.dir().join("config.toml")).expect("config");
    assert!(config.contains("issuing_key = \"rsa-3072\""), "{config}");
    let code = ca.enroll_code(NIF, GIVEN, SURNAMES, EMAIL, None);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let (_, leaf) = enroll_with_curl(&ca, &code, "auth", &key);
    let (root, issuing) = (ca.path("root.pem"), ca.path("issuing.pem"));
    let (ok, out, err) = sh(&format!(
        "openssl x509 -in {issuing} -noout -text | grep -E 'Public-Key' && \
         openssl x509 -in {leaf} -noout -text | grep -m1 'Signature Algorithm' && \
         openssl verify -CAfile {root} -untrusted {issuing} {leaf}"
    ));
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("3072 bit") && out.contains("sha256WithRSAEncryption"),
        "{out}"
    );
    assert!(out.contains(": OK"), "{out}");
    let crl = ca.dir.path().join("rsa.crl");
    let (ok, out, err) = sh(&format!(
        "curl -sS --fail -o {crl} http://{}/crl && \
         openssl crl -inform DER -in {crl} -noout -CAfile {issuing}; \
         openssl ocsp -issuer {issuing} -cert {leaf} -url http://{}/ocsp -CAfile {root}",
        ca.crl,
        ca.crl,
        crl = crl.display()
    ));
    let all = format!("{out}{err}");
    assert!(ok, "{all}");
    assert!(all.contains("verify OK"), "{all}");
    assert!(
        all.contains("Response verify OK") && all.contains(": good"),
        "{all}"
    );
}
