//! `libsello.so` in the GnuTLS / p11-kit world (issue 10 §1, "loadable everywhere"): GnuTLS's
//! `p11tool` with the module directly (`--provider`; GnuTLS initializes modules with
//! `CKF_LIBRARY_CANT_CREATE_OS_THREADS | CKF_OS_LOCKING_OK`) and through p11-kit's module
//! registry, OpenSC's `pkcs11-tool` through `p11-kit-proxy.so`,
//! `gnutls-cli` authenticating to an `openssl s_server` that requires a client certificate with
//! an RFC 7512 `pkcs11:` URL, and OpenSSL 3 signing through libp11's pkcs11 engine. Every
//! signature is judged by tools we did not write.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use rig::Bench;
use support::{module, provision, PIN};

/// p11-kit's proxy module as Debian installs it (package p11-kit-modules).
const P11KIT_PROXY: &str = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";
/// libp11's OpenSSL engine (package libengine-pkcs11-openssl).
const PKCS11_ENGINE: &str = "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so";

/// The token as RFC 7512 names it.
const TOKEN: &str = "pkcs11:token=Alice%20Holder";

fn p11tool(b: &Bench, provider: &str, args: &[&str]) -> String {
    let mut all = vec!["--provider", provider];
    all.extend_from_slice(args);
    b.ok("p11tool", &all)
}

/// Runs `program args` where p11-kit knows only our module: a private mount namespace shows
/// p11-kit a system module directory holding just the module file `sello browser install`
/// writes, so the host's configuration is neither read nor changed (p11-kit skips user
/// configuration for root).
fn with_p11kit(b: &Bench, program: &str, args: &[&str]) -> String {
    let dir = b.path("p11kit-modules");
    std::fs::create_dir_all(&dir).expect("modules dir");
    std::fs::write(
        dir.join("sello.module"),
        sello::browser::p11kit_module_text(Path::new(&module())),
    )
    .expect("module file");
    let mut script = format!(
        "mount --bind '{}' /usr/share/p11-kit/modules && exec {program}",
        dir.display()
    );
    for a in args {
        script.push_str(&format!(" '{a}'"));
    }
    b.ok(
        "unshare",
        &["-m", "--propagation", "private", "sh", "-c", &script],
    )
}

/// GnuTLS without `--provider` loads the modules p11-kit registers.
fn p11tool_via_p11kit(b: &Bench, args: &[&str]) -> String {
    with_p11kit(b, "p11tool", args)
}

/// OpenSC's `pkcs11-tool` with p11-kit's proxy module as its module.
fn pkcs11_tool_via_proxy(b: &Bench, args: &[&str]) -> String {
    let mut all = vec!["--module", P11KIT_PROXY];
    all.extend_from_slice(args);
    with_p11kit(b, "pkcs11-tool", &all)
}

#[test]
fn p11tool_lists_and_signs_directly_and_through_p11kit() {
    let b = Bench::start();
    provision(&b, true);
    let m = module();
    for (how, list) in [
        ("direct", p11tool(&b, &m, &["--list-tokens"])),
        ("p11-kit", p11tool_via_p11kit(&b, &["--list-tokens"])),
    ] {
        assert!(list.contains("Label: Alice Holder"), "{how}: {list}");
        assert!(list.contains("Serial: 10000001"), "{how}: {list}");
    }
    let all = p11tool(&b, &m, &["--list-all", TOKEN]);
    for want in [
        "Label: Certificate for PIV Authentication",
        "Label: PIV AUTH pubkey",
        "Type: X.509 Certificate",
    ] {
        assert!(all.contains(want), "{want}: {all}");
    }
    for (how, certs) in [
        ("direct", p11tool(&b, &m, &["--list-all-certs", TOKEN])),
        (
            "p11-kit",
            p11tool_via_p11kit(&b, &["--list-all-certs", TOKEN]),
        ),
    ] {
        for slot in ["PIV Authentication", "Digital Signature", "Key Management"] {
            assert!(
                certs.contains(&format!("Label: Certificate for {slot}")),
                "{how} {slot}: {certs}"
            );
        }
    }
    // The certificate GnuTLS exports is the one yubico-piv-tool imported.
    let pem = p11tool(&b, &m, &["--export", &format!("{TOKEN};id=%01;type=cert")]);
    b.write("exported.pem", pem.as_bytes());
    let fingerprint = |f: &str| b.ok("openssl", &["x509", "-in", f, "-noout", "-fingerprint"]);
    assert_eq!(fingerprint("exported.pem"), fingerprint("9a.crt"));
    // --test-sign signs with the private key and verifies with the matching public key (GnuTLS),
    // for each signing key: 9A (RSA) and 9C (P-256, its PIN asked again for every signature).
    // 9D's EC key is for key agreement only (CKA_SIGN false).
    for id in ["%01", "%02"] {
        let url = format!("{TOKEN};id={id};type=private");
        for (how, out) in [
            (
                "direct",
                p11tool(&b, &m, &["--login", "--set-pin", PIN, "--test-sign", &url]),
            ),
            (
                "p11-kit",
                p11tool_via_p11kit(&b, &["--login", "--set-pin", PIN, "--test-sign", &url]),
            ),
        ] {
            assert!(
                out.contains("Verifying against public key") && out.contains("ok"),
                "{how} {id}: {out}"
            );
        }
    }
}

/// p11-kit's proxy module (what p11-kit-aware applications load) passes our token on: OpenSC's
/// `pkcs11-tool` lists it and runs its self-test (signatures, verified by pkcs11-tool with
/// OpenSSL) through `p11-kit-proxy.so`.
#[test]
fn pkcs11_tool_through_the_p11kit_proxy() {
    let b = Bench::start();
    provision(&b, false);
    let slots = pkcs11_tool_via_proxy(&b, &["-L"]);
    assert!(
        slots.contains("token label        : Alice Holder"),
        "{slots}"
    );
    let objects = pkcs11_tool_via_proxy(&b, &["-O"]);
    assert!(objects.contains("Certificate Object"), "{objects}");
    let test = pkcs11_tool_via_proxy(&b, &["--test", "--login", "--pin", PIN]);
    assert!(test.contains("No errors"), "{test}");
}

/// A server certificate from the bench CA, for `openssl s_server`.
fn server_certificate(b: &Bench) {
    b.ok(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    b.ok(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-out",
            "server.crt",
        ],
    );
}

/// `openssl s_server` on loopback requiring a client certificate from the bench CA; returns
/// once it accepts connections.
fn tls_server(b: &Bench) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept"])
        .arg(port.to_string())
        .args([
            "-cert",
            "server.crt",
            "-key",
            "server.key",
            "-CAfile",
            "ca.crt",
            "-Verify",
            "1",
            "-verify_return_error",
            "-naccept",
            "1",
            "-www",
        ])
        .current_dir(b.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("s_server starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while out.read_line(&mut line).expect("s_server output") > 0 {
        if line.contains("ACCEPT") {
            break;
        }
        line.clear();
    }
    assert!(line.contains("ACCEPT"), "s_server did not start");
    child.stdout = Some(out.into_inner());
    (child, port)
}

#[test]
fn gnutls_cli_client_auth_with_a_pkcs11_url() {
    let b = Bench::start();
    provision(&b, false);
    server_certificate(&b);
    let (server, port) = tls_server(&b);
    let cert = format!("{TOKEN};id=%01;type=cert");
    let key = format!("{TOKEN};id=%01;type=private");
    let mut client = b
        .rig
        .command("gnutls-cli")
        .args(["--insecure", "--port", &port.to_string()])
        .args(["--provider", &module()])
        .args(["--x509certfile", &cert, "--x509keyfile", &key])
        .arg("127.0.0.1")
        .env("GNUTLS_PIN", PIN)
        .current_dir(b.dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gnutls-cli starts");
    client
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .expect("request");
    let out = client.wait_with_output().expect("gnutls-cli");
    let text = rig::text(&out);
    let server = server.wait_with_output().expect("s_server");
    let server_text = rig::text(&server);
    // The server checked the card's certificate against the CA and the handshake signature
    // made with the card's 9A key.
    assert!(
        text.contains("Handshake was completed"),
        "{text}\n{server_text}"
    );
    assert!(text.contains("HTTP/1.0 200 ok"), "{text}\n{server_text}");
    assert!(server_text.contains("CN = Alice Holder"), "{server_text}");
    assert!(server_text.contains("verify return:1"), "{server_text}");
}

#[test]
fn openssl_signs_through_the_pkcs11_engine() {
    let b = Bench::start();
    provision(&b, false);
    b.write("data.txt", b"signed through libp11's pkcs11 engine");
    let key = format!("{TOKEN};id=%01;type=private;pin-value={PIN}");
    let out = b
        .rig
        .command("openssl")
        .args([
            "dgst", "-sha256", "-engine", "pkcs11", "-keyform", "engine", "-sign", &key, "-out",
            "data.sig", "data.txt",
        ])
        .env("PKCS11_MODULE_PATH", module())
        .current_dir(b.dir())
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "{}", rig::text(&out));
    assert!(Path::new(PKCS11_ENGINE).exists());
    b.ok(
        "openssl",
        &[
            "x509", "-in", "9a.crt", "-noout", "-pubkey", "-out", "9a.pub",
        ],
    );
    let verified = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pub",
            "-signature",
            "data.sig",
            "data.txt",
        ],
    );
    assert!(verified.contains("Verified OK"), "{verified}");
}

/// OpenSSL 3's `s_client` authenticates with the 9A key through libp11's pkcs11 engine and a
/// `pkcs11:` URI, to the same `s_server` that requires a client certificate.
#[test]
fn openssl_s_client_client_auth_through_the_pkcs11_engine() {
    let b = Bench::start();
    provision(&b, false);
    server_certificate(&b);
    let (server, port) = tls_server(&b);
    let key = format!("{TOKEN};id=%01;type=private;pin-value={PIN}");
    let mut client = b
        .rig
        .command("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-engine", "pkcs11", "-keyform", "engine", "-key", &key])
        .args(["-cert", "9a.crt", "-CAfile", "ca.crt", "-ign_eof"])
        .env("PKCS11_MODULE_PATH", module())
        .current_dir(b.dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("s_client starts");
    client
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .expect("request");
    let out = client.wait_with_output().expect("s_client");
    let text = rig::text(&out);
    let server_text = rig::text(&server.wait_with_output().expect("s_server"));
    assert!(text.contains("HTTP/1.0 200 ok"), "{text}\n{server_text}");
    assert!(server_text.contains("CN = Alice Holder"), "{server_text}");
    assert!(server_text.contains("verify return:1"), "{server_text}");
}
