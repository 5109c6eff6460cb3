//! `sello doctor` through the real stack (private pcscd, virtual card, yubico-piv-tool and openssl
//! to prepare the card), with each link broken in turn, and the all-green case.

mod rig;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

use rig::{text, Bench, OPENSC_PKCS11};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

/// A temp home with one Firefox profile (an NSS database) and an empty CA directory, so the
/// machine's /etc/sello/ca and real home never leak into a test.
struct Env {
    home: tempfile::TempDir,
    ca_dir: PathBuf,
}

impl Env {
    fn new() -> Self {
        let home = tempfile::tempdir().expect("home");
        let profile = home.path().join(".mozilla/firefox/p.default");
        fs::create_dir_all(&profile).expect("profile");
        fs::write(
            home.path().join(".mozilla/firefox/profiles.ini"),
            "[Profile0]\nName=default\nIsRelative=1\nPath=p.default\n",
        )
        .expect("profiles.ini");
        let out = std::process::Command::new("certutil")
            .args(["-N", "--empty-password", "-d"])
            .arg(format!("sql:{}", profile.display()))
            .output()
            .expect("certutil");
        assert!(out.status.success(), "{}", text(&out));
        let ca_dir = home.path().join("ca");
        fs::create_dir_all(&ca_dir).expect("ca dir");
        Self { home, ca_dir }
    }

    /// Registers a stand-in module (OpenSC's) in the browsers.
    fn install(&self) {
        let out = std::process::Command::new(SELLO)
            .args(["browser", "install", "--module", OPENSC_PKCS11])
            .env("HOME", self.home.path())
            .output()
            .expect("sello");
        assert!(out.status.success(), "{}", text(&out));
    }
}

fn doctor(b: &Bench, env: &Env, extra: &[&str]) -> Output {
    b.rig
        .command(SELLO)
        .arg("doctor")
        .args(extra)
        .env("HOME", env.home.path())
        .env("LC_ALL", "C")
        .env("SELLO_CA_DIR", &env.ca_dir)
        .env_remove("SELLO_READER")
        .env_remove("SELLO_CONFIG")
        .env_remove("XDG_CONFIG_HOME")
        .current_dir(b.dir())
        .output()
        .expect("sello doctor runs")
}

fn doctor_json(b: &Bench, env: &Env, extra: &[&str]) -> (bool, Value) {
    let mut all = extra.to_vec();
    all.push("--json");
    let out = doctor(b, env, &all);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&out)));
    (out.status.success(), v)
}

/// The check with this id.
fn check<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {v}"))
}

fn status<'a>(v: &'a Value, id: &str) -> &'a str {
    check(v, id)["status"].as_str().expect("status")
}

const ORDER: [&str; 11] = [
    "pcscd",
    "reader",
    "card",
    "pin",
    "certificate",
    "validity",
    "chain",
    "revocation",
    "browser",
    "p11kit",
    "pinentry",
];

fn assert_shape(v: &Value) {
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ORDER, "{v}");
    for c in v["checks"].as_array().expect("checks") {
        assert!(c["title"].is_string() && c["finding"].is_string(), "{c}");
        let s = c["status"].as_str().expect("status");
        assert!(["ok", "warn", "fail", "skipped"].contains(&s), "{c}");
        if s == "fail" || s == "warn" {
            assert!(c["advice"].is_string(), "advice missing: {c}");
        }
    }
}

/// Generates a P-256 key in `slot` with yubico-piv-tool and imports a certificate for it from
/// the bench CA, valid for `days`.
fn card_certificate(b: &Bench, slot: &str, days: &str) {
    b.yk(&[
        "-a", "generate", "-s", slot, "-A", "ECCP256", "-o", "key.pem",
    ]);
    b.issue_for_days("key.pem", "Doctor Test Holder", days, "cert.pem");
    b.yk(&["-a", "import-certificate", "-s", slot, "-i", "cert.pem"]);
}

/// A card whose authentication (9A) and signature (9C) certificates are valid for a year, from
/// the bench CA.
fn good_card() -> Bench {
    let b = Bench::start();
    b.make_ca();
    // citizen-piv wants both keys: a valid signature certificate in 9C.
    card_certificate(&b, "9c", "365");
    card_certificate(&b, "9a", "365");
    b
}

fn ca_arg(b: &Bench) -> String {
    b.path("ca.crt").display().to_string()
}

#[test]
fn all_green() {
    let b = good_card();
    let env = Env::new();
    env.install();
    // The CA comes from the CA directory here (and from --ca in the other tests).
    fs::copy(b.path("ca.crt"), env.ca_dir.join("citizen-ca.pem")).expect("copy ca");
    // A PIN dialog the module can show: a configured program (a stand-in; the check only looks).
    let program = env.home.path().join("pinentry-stand-in");
    fs::write(&program, "#!/bin/sh\n").expect("stand-in");
    fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
    let config = env.home.path().join(".config/sello");
    fs::create_dir_all(&config).expect("config dir");
    fs::write(
        config.join("sello.toml"),
        format!("[pkcs11]\npinentry = \"{}\"\n", program.display()),
    )
    .expect("config");
    let (ok, v) = doctor_json(&b, &env, &[]);
    assert!(ok, "{v}");
    assert_eq!(v["ok"], true);
    assert_shape(&v);
    for id in ORDER {
        assert_eq!(status(&v, id), "ok", "{id}: {v}");
    }
    assert!(
        check(&v, "chain")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("Sello Test CA"),
        "{v}"
    );
    let out = doctor(&b, &env, &[]);
    let h = text(&out);
    assert!(out.status.success(), "{h}");
    assert!(
        h.contains("Everything needed to use your card is in place"),
        "{h}"
    );
    assert!(
        h.contains("PIV (profile citizen-piv) card 10000001 in \"Virtual PCD 00 00\""),
        "{h}"
    );
}

#[test]
fn no_smart_card_service() {
    let b = Bench::start();
    let env = Env::new();
    env.install();
    let out = b
        .rig
        .command(SELLO)
        .env("LC_ALL", "C") // English messages (asserted), whatever the locale
        .args(["doctor", "--json"])
        .env("HOME", env.home.path())
        .env("SELLO_CA_DIR", &env.ca_dir)
        .env("PCSCLITE_CSOCK_NAME", b.path("no-such-pcscd.comm"))
        .output()
        .expect("doctor");
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_shape(&v);
    assert_eq!(status(&v, "pcscd"), "fail");
    assert!(
        check(&v, "pcscd")["advice"]
            .as_str()
            .unwrap_or("")
            .contains("sudo systemctl start pcscd"),
        "{v}"
    );
    for id in ["reader", "card", "pin", "certificate", "validity", "chain"] {
        assert_eq!(status(&v, id), "skipped", "{id}: {v}");
        assert!(
            check(&v, id)["finding"]
                .as_str()
                .unwrap_or("")
                .contains("Smart-card service"),
            "{v}"
        );
    }
    // The browser check needs no card: it still runs.
    assert_eq!(status(&v, "browser"), "ok", "{v}");
}

#[test]
fn no_card_in_the_reader() {
    let mut b = Bench::start();
    let env = Env::new();
    env.install();
    b.rig.remove_card(0).expect("remove card");
    let (ok, v) = doctor_json(&b, &env, &[]);
    assert!(!ok);
    assert_shape(&v);
    assert_eq!(status(&v, "pcscd"), "ok");
    assert_eq!(status(&v, "reader"), "ok");
    assert_eq!(status(&v, "card"), "fail", "{v}");
    assert!(
        check(&v, "card")["advice"]
            .as_str()
            .unwrap_or("")
            .contains("Insert your card"),
        "{v}"
    );
    assert_eq!(status(&v, "pin"), "skipped");
    // A reader named on the command line that does not exist.
    let (ok, v) = doctor_json(&b, &env, &["--reader", "Nonexistent Reader"]);
    assert!(!ok);
    assert_eq!(status(&v, "reader"), "fail", "{v}");
    assert_eq!(status(&v, "card"), "skipped", "{v}");
}

#[test]
fn blocked_pin_and_last_try() {
    let b = good_card();
    let env = Env::new();
    env.install();
    let ca = ca_arg(&b);
    for _ in 0..2 {
        b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    }
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca]);
    assert!(ok, "a warning is not a failure: {v}");
    assert_eq!(status(&v, "pin"), "warn", "{v}");
    assert!(
        check(&v, "pin")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("1 PIN try left"),
        "{v}"
    );
    // The doctor spent no try: still one left.
    let (_, again) = doctor_json(&b, &env, &["--ca", &ca]);
    assert_eq!(status(&again, "pin"), "warn", "{again}");

    b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca]);
    assert!(!ok);
    assert_shape(&v);
    assert_eq!(status(&v, "pin"), "fail", "{v}");
    assert!(
        check(&v, "pin")["advice"]
            .as_str()
            .unwrap_or("")
            .contains("sello pin unblock"),
        "{v}"
    );
    // The certificates do not need the PIN: they are still checked.
    assert_eq!(status(&v, "certificate"), "ok", "{v}");
    assert_eq!(status(&v, "chain"), "ok", "{v}");
    let h = text(&doctor(&b, &env, &["--ca", &ca]));
    assert!(h.contains("[ FAIL] PIN: The PIN is blocked."), "{h}");
}

#[test]
fn no_certificate_on_the_card() {
    let b = Bench::start();
    let env = Env::new();
    env.install();
    let (ok, v) = doctor_json(&b, &env, &[]);
    assert!(!ok);
    assert_shape(&v);
    assert_eq!(status(&v, "card"), "ok", "{v}");
    assert_eq!(status(&v, "pin"), "ok", "{v}");
    assert_eq!(status(&v, "certificate"), "fail", "{v}");
    assert!(
        check(&v, "certificate")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("authentication (9A)"),
        "{v}"
    );
    assert!(
        check(&v, "certificate")["advice"]
            .as_str()
            .unwrap_or("")
            .contains("registration point"),
        "{v}"
    );
    assert_eq!(status(&v, "validity"), "skipped");
    assert_eq!(status(&v, "chain"), "skipped");
}

#[test]
fn certificate_for_another_key() {
    // A key generated on the card, then a certificate for a different (software) key written
    // over it: the card's key metadata gives it away.
    let b = Bench::start();
    b.make_ca();
    // citizen-piv wants both keys: a valid signature certificate in 9C.
    card_certificate(&b, "9c", "365");
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", "key.pem",
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
            "-days",
            "365",
            "-out",
            "other.pem",
        ],
    );
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "other.pem"]);
    let env = Env::new();
    env.install();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca_arg(&b)]);
    assert!(!ok);
    assert_eq!(status(&v, "certificate"), "fail", "{v}");
    assert!(
        check(&v, "certificate")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("does not belong to the key"),
        "{v}"
    );
}

#[test]
fn certificate_expiring_soon() {
    let b = Bench::start();
    b.make_ca();
    // citizen-piv wants both keys: a valid signature certificate in 9C.
    card_certificate(&b, "9c", "365");
    card_certificate(&b, "9a", "10");
    let env = Env::new();
    env.install();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca_arg(&b)]);
    assert!(ok, "{v}");
    assert_eq!(status(&v, "validity"), "warn", "{v}");
    let f = check(&v, "validity")["finding"].as_str().unwrap_or("");
    assert!(
        f.contains("expires in 9 days") || f.contains("expires in 10 days"),
        "{v}"
    );
    assert_eq!(status(&v, "chain"), "ok", "{v}");
}

#[test]
fn expired_certificate() {
    let b = Bench::start();
    b.make_ca();
    // citizen-piv wants both keys: a valid signature certificate in 9C.
    card_certificate(&b, "9c", "365");
    // An openssl CA issues a certificate whose whole life lies in the past (openssl 3.0's
    // `x509 -req` cannot set dates; `ca -startdate/-enddate` can). Its key is a software key:
    // the doctor checks dates, not key possession.
    fs::create_dir_all(b.path("db")).expect("db");
    b.write("db/index.txt", b"");
    b.write("db/serial", b"01\n");
    b.write(
        "ca.cnf",
        b"[ca]\ndefault_ca = test\n[test]\ndatabase = db/index.txt\nnew_certs_dir = db\n\
          serial = db/serial\ndefault_md = sha256\npolicy = any\nemail_in_dn = no\n\
          unique_subject = no\n[any]\ncommonName = supplied\n",
    );
    b.ok(
        "openssl",
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.crt",
            "-keyfile",
            "ca.key",
            "-in",
            "holder.csr",
            "-out",
            "expired.pem",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-notext",
        ],
    );
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "expired.pem"]);
    let env = Env::new();
    env.install();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca_arg(&b)]);
    assert!(!ok);
    assert_shape(&v);
    assert_eq!(status(&v, "validity"), "fail", "{v}");
    assert!(
        check(&v, "validity")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("expired on 2021-01-01"),
        "{v}"
    );
    // Issued by the known CA all the same.
    assert_eq!(status(&v, "chain"), "ok", "{v}");
}

#[test]
fn unknown_ca_and_forged_issuer() {
    let b = good_card();
    let env = Env::new();
    env.install();
    // No CA configured at all: a warning, not a failure.
    let (ok, v) = doctor_json(&b, &env, &[]);
    assert!(ok, "{v}");
    assert_eq!(status(&v, "chain"), "warn", "{v}");

    // Another CA entirely.
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
            "other.key",
            "-out",
            "other.crt",
            "-subj",
            "/CN=Some Other CA",
            "-days",
            "30",
        ],
    );
    let other = b.path("other.crt").display().to_string();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &other]);
    assert!(!ok);
    assert_eq!(status(&v, "chain"), "fail", "{v}");
    assert!(
        check(&v, "chain")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("unknown CA"),
        "{v}"
    );

    // A CA with the right name but another key (RSA, so the key type differs too): the
    // signature does not verify.
    b.ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "forged.key",
            "-out",
            "forged.crt",
            "-subj",
            "/CN=Sello Test CA",
            "-days",
            "30",
        ],
    );
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
            "forged-ec.key",
            "-out",
            "forged-ec.crt",
            "-subj",
            "/CN=Sello Test CA",
            "-days",
            "30",
        ],
    );
    for forged in ["forged.crt", "forged-ec.crt"] {
        let f = b.path(forged).display().to_string();
        let (ok, v) = doctor_json(&b, &env, &["--ca", &f]);
        assert!(!ok);
        assert_eq!(status(&v, "chain"), "fail", "{forged}: {v}");
        assert!(
            check(&v, "chain")["finding"]
                .as_str()
                .unwrap_or("")
                .contains("signature does not match"),
            "{v}"
        );
        // With the real CA beside it, the certificate is trusted.
        let (ok, v) = doctor_json(&b, &env, &["--ca", &f, "--ca", &ca_arg(&b)]);
        assert!(ok, "{v}");
        assert_eq!(status(&v, "chain"), "ok", "{v}");
    }
}

#[test]
fn module_not_registered() {
    let b = good_card();
    let env = Env::new();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca_arg(&b)]);
    assert!(!ok);
    assert_shape(&v);
    assert_eq!(status(&v, "chain"), "ok", "{v}");
    assert_eq!(status(&v, "browser"), "fail", "{v}");
    assert!(
        check(&v, "browser")["finding"]
            .as_str()
            .unwrap_or("")
            .contains("Firefox profile \"default\""),
        "{v}"
    );
    assert!(
        check(&v, "browser")["advice"]
            .as_str()
            .unwrap_or("")
            .contains("sello browser install"),
        "{v}"
    );
    env.install();
    let (ok, v) = doctor_json(&b, &env, &["--ca", &ca_arg(&b)]);
    assert!(ok, "{v}");
}

/// The PIN dialog check (issue 10 §3) needs no card: on a desktop without a graphical
/// pinentry it warns and names the package (a failure in pinentry mode); with one it names it.
#[test]
fn pin_dialog_for_the_session() {
    let env = Env::new();
    let bin = env.home.path().join("bin");
    fs::create_dir_all(&bin).expect("bin");
    let run = || {
        let out = std::process::Command::new(SELLO)
            .args(["doctor", "--json"])
            .env("HOME", env.home.path())
            .env("SELLO_CA_DIR", &env.ca_dir)
            .env(
                "PCSCLITE_CSOCK_NAME",
                env.home.path().join("no-such-pcscd.comm"),
            )
            .env("DISPLAY", ":99")
            .env("PATH", &bin)
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("GPG_TTY")
            .env_remove("SELLO_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("doctor");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_shape(&v);
        check(&v, "pinentry").clone()
    };
    let c = run();
    assert_eq!(c["status"], "warn", "{c}");
    assert!(
        c["finding"]
            .as_str()
            .unwrap_or("")
            .contains("pinentry-gnome3"),
        "{c}"
    );
    let config = env.home.path().join(".config/sello");
    fs::create_dir_all(&config).expect("config dir");
    fs::write(
        config.join("sello.toml"),
        "[pkcs11]\npin_mode = \"pinentry\"\n",
    )
    .expect("config");
    assert_eq!(run()["status"], "fail");
    let gtk = bin.join("pinentry-gtk-2");
    fs::write(&gtk, "#!/bin/sh\n").expect("stand-in");
    fs::set_permissions(&gtk, fs::Permissions::from_mode(0o755)).expect("chmod");
    let c = run();
    assert_eq!(c["status"], "ok", "{c}");
    assert!(
        c["finding"]
            .as_str()
            .unwrap_or("")
            .contains("pinentry-gtk-2"),
        "{c}"
    );
}
