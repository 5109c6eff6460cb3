//! The whole activation and renewal against a second EST server that Sello did not write: Cisco
//! libEST's `estserver` (Debian 13's libest-utils, fetched by scripts/fetch-libest into
//! target/libest), signing with its built-in OpenSSL CA code under an `openssl ca` configuration.
//! It knows one HTTP Basic account (`estuser`/`estpwd`), so the deployment's profile names that
//! account as the user and the operator types its password as the code; with `-o` a trusted TLS
//! client certificate replaces HTTP authentication, which both the operator-card bootstrap and
//! `simplereenroll` use. openssl checks the certificates written to the card.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use rig::{text, Bench};
use sello::virtual_card::rig::{Rig, RigOptions};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const HOLDER_PIN: &str = "24681357";
const OPERATOR_PIN: &str = "123456";

/// estserver with its CA in a temporary directory.
struct LibEst {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for LibEst {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn libest_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/libest/root");
    assert!(
        root.join("usr/bin/estserver").exists(),
        "libEST's estserver is missing: run scripts/fetch-libest (scripts/install-deps does)"
    );
    root
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl LibEst {
    fn start() -> Self {
        let root = libest_root();
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("newcerts")).expect("dir");
        std::fs::write(d.join("index.txt"), "").expect("index");
        std::fs::write(d.join("serial"), "1000\n").expect("serial");
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=libEST test CA",
                "-days",
                "30",
            ],
        );
        openssl(
            d,
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
                "/CN=127.0.0.1",
            ],
        );
        std::fs::write(d.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").expect("ext");
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "1",
                "-days",
                "30",
                "-extfile",
                "server.ext",
                "-out",
                "server.pem",
            ],
        );
        // The CA's issuance: the subject as requested (order and all attributes kept), the
        // e-mail SAN copied from the request, both key usages the citizen profile's slots need.
        std::fs::write(
            d.join("ca.cnf"),
            format!(
                "[ ca ]\ndefault_ca = est\n\n[ est ]\ndir = {}\ndatabase = $dir/index.txt\n\
                 new_certs_dir = $dir/newcerts\nserial = $dir/serial\ncertificate = $dir/ca.pem\n\
                 private_key = $dir/ca.key\ndefault_md = sha256\ndefault_days = 365\n\
                 policy = policy_any\ncopy_extensions = copy\nx509_extensions = leaf\n\
                 preserve = yes\nunique_subject = no\n\n[ policy_any ]\ncountryName = optional\n\
                 serialNumber = optional\ngivenName = optional\nsurname = optional\n\
                 commonName = supplied\n\n[ leaf ]\nbasicConstraints = CA:FALSE\n\
                 keyUsage = critical, digitalSignature, nonRepudiation\n\
                 extendedKeyUsage = clientAuth, emailProtection\n\
                 subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
                d.display()
            ),
        )
        .expect("ca.cnf");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        // estserver prints through stdio: line-buffered by stdbuf so the readiness line arrives.
        let mut child = Command::new("stdbuf")
            .arg("-oL")
            .arg(root.join("usr/bin/estserver"))
            .args(["-o", "-c", "server.pem", "-k", "server.key", "-p"])
            .arg(port.to_string())
            .current_dir(d)
            .env("LD_LIBRARY_PATH", root.join("usr/lib/x86_64-linux-gnu"))
            .env("EST_CACERTS_RESP", d.join("ca.pem"))
            .env("EST_TRUSTED_CERTS", d.join("ca.pem"))
            .env("EST_OPENSSL_CACONFIG", d.join("ca.cnf"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("estserver runs");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Launching EST server") {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("estserver started");
        Self { child, port, dir }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .path()
            .join(name)
            .to_str()
            .expect("utf8")
            .to_owned()
    }

    fn listening(&self) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }
}

fn sello(b: &Bench, args: &[&str], stdin: &str) -> Output {
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .env("SELLO_PROFILE_DIR", b.path("profiles"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

fn profile(b: &Bench, enrollment: &str) {
    std::fs::create_dir_all(b.path("profiles")).expect("dir");
    let shipped = include_str!("../card-profiles/citizen-piv.toml");
    b.write(
        "profiles/citizen-piv.toml",
        // libEST's example server serves no CA labels (path segments): the deployment says so.
        format!(
            "{shipped}\n[enrollment]\n{enrollment}\nca_labels = {{ authentication = \"\", signature = \"\" }}\n"
        )
        .as_bytes(),
    );
}

fn activate_args<'a>(est: &'a LibEst, reader: &'a str, url: &'a str, ca: &'a str) -> Vec<&'a str> {
    let _ = est;
    vec![
        "activate",
        "--direct",
        "--reader",
        reader,
        "--pin-stdin",
        "--nif",
        "12345678Z",
        "--given-name",
        "Joan",
        "--surnames",
        "Puig Ferrer",
        "--email",
        "joan@example.org",
        "--algorithm",
        "P-256",
        "--est",
        url,
        "--est-trust",
        ca,
        "--proxy",
        "none",
        "--mgmt-secret-file",
        "master.secret",
    ]
}

/// The certificate in `slot` (yubico-piv-tool), verified by openssl against the libEST CA.
fn verified_by_openssl(b: &Bench, reader: &str, est: &LibEst, slot: &str) -> String {
    let pem = b.ok(
        "yubico-piv-tool",
        &["-r", reader, "-a", "read-certificate", "-s", slot],
    );
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    let file = format!("{slot}.pem");
    b.write(&file, &pem.as_bytes()[begin..]);
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", &est.path("ca.pem"), &file],
    );
    assert!(v.contains(": OK"), "{v}");
    b.ok(
        "openssl",
        &["x509", "-in", &file, "-noout", "-serial", "-subject"],
    )
}

#[test]
fn activation_with_http_basic_then_renewal_against_libest() {
    let est = LibEst::start();
    let b = Bench::start();
    b.write("master.secret", b"operator master secret for the tests\n");
    // The CA's accounts are not NIFs: the deployment names its RA account, the code is its password.
    profile(&b, "basic_user = \"estuser\"\npassword = \"code\"");
    let reader = b.rig.reader_name(0).expect("reader").to_string();
    let (url, ca) = (est.url(), est.path("ca.pem"));

    // A wrong password: libEST's refusal reaches the operator, nothing is written.
    let args = activate_args(&est, &reader, &url, &ca);
    let out = sello(&b, &args, &format!("{HOLDER_PIN}\nnot-the-password\n"));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("refused"), "{}", text(&out));

    let out = sello(&b, &args, &format!("{HOLDER_PIN}\nestpwd\n"));
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    let auth = verified_by_openssl(&b, &reader, &est, "9a");
    verified_by_openssl(&b, &reader, &est, "9c");
    assert!(auth.contains("Joan Puig Ferrer - NIF:12345678Z"), "{auth}");

    let renew = [
        "renew",
        "--reader",
        &reader,
        "--est",
        &url,
        "--est-trust",
        &ca,
        "--proxy",
        "none",
        "--mgmt-secret-file",
        "master.secret",
        "--pin-stdin",
        "--force",
    ];
    // A CA error at renewal (libEST answers 404 to a CA label it does not serve) is reported as
    // the CA's error, not as a refusal sending the holder to a registration point.
    let shipped = include_str!("../card-profiles/citizen-piv.toml");
    let labelled =
        format!("{shipped}\n[enrollment]\nbasic_user = \"estuser\"\npassword = \"code\"\n");
    let unlabelled = std::fs::read(b.path("profiles/citizen-piv.toml")).expect("profile");
    b.write("profiles/citizen-piv.toml", labelled.as_bytes());
    let out = sello(&b, &renew, &format!("{HOLDER_PIN}\n"));
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("the CA reported an error (HTTP 404)"), "{t}");
    assert!(!t.contains("visit a registration point"), "{t}");
    b.write("profiles/citizen-piv.toml", &unlabelled);

    // Renewal through simplereenroll, authenticated by the card's 9A key and certificate.
    let out = sello(&b, &renew, &format!("{HOLDER_PIN}\n"));
    assert!(out.status.success(), "renewal failed:\n{}", text(&out));
    let renewed = verified_by_openssl(&b, &reader, &est, "9a");
    assert_ne!(
        auth.lines().next(),
        renewed.lines().next(),
        "the serial did not change"
    );
    assert!(est.listening());
}

#[test]
fn operator_card_bootstrap_without_http_authentication_against_libest() {
    let est = LibEst::start();
    let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2))
        .expect("rig starts");
    let b = Bench {
        rig,
        work: tempfile::tempdir().expect("work dir"),
    };
    b.write("master.secret", b"operator master secret for the tests\n");
    let operator = b.rig.reader_name(0).expect("reader").to_string();
    let holder = b.rig.reader_name(1).expect("reader").to_string();
    let (url, ca) = (est.url(), est.path("ca.pem"));

    // The operator's card: key generated on it by yubico-piv-tool, certified by the libEST CA.
    let pubkey = b.ok(
        "yubico-piv-tool",
        &[
            "-r", &operator, "-a", "generate", "-s", "9a", "-A", "ECCP256",
        ],
    );
    b.write("operator.pub", pubkey.as_bytes());
    openssl(
        b.dir(),
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "throwaway.key",
            "-out",
            "throwaway.csr",
            "-subj",
            "/CN=throwaway",
        ],
    );
    openssl(
        b.dir(),
        &[
            "x509",
            "-req",
            "-in",
            "throwaway.csr",
            "-CA",
            &ca,
            "-CAkey",
            &est.path("ca.key"),
            "-set_serial",
            "77",
            "-force_pubkey",
            "operator.pub",
            "-subj",
            "/CN=Operator 0042",
            "-days",
            "30",
            "-out",
            "operator.pem",
        ],
    );
    b.ok(
        "yubico-piv-tool",
        &[
            "-r",
            &operator,
            "-a",
            "import-certificate",
            "-s",
            "9a",
            "-i",
            "operator.pem",
        ],
    );

    // No HTTP Basic at all: only the operator's card authenticates the enrollment.
    profile(
        &b,
        "basic_user = \"\"\npassword = \"none\"\nclient_certificate = \"operator-card\"",
    );
    let mut args = activate_args(&est, &holder, &url, &ca);
    args.extend_from_slice(&["--operator-reader", &operator]);
    // No enrollment code is asked: the operator's PIN, then the holder's.
    let out = sello(&b, &args, &format!("{OPERATOR_PIN}\n{HOLDER_PIN}\n"));
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    verified_by_openssl(&b, &holder, &est, "9a");
    verified_by_openssl(&b, &holder, &est, "9c");
}
