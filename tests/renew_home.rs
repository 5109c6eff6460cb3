//! The citizen renews at home with the PIN alone (issue #11). The operator activates the card at
//! the registration point with the master secret; the citizen profile also leaves a PIN-protected
//! copy of the card's management key on the card, in the layout YubiKey tools use (ADMIN DATA
//! `5FFF00` flag `02`, the key in PRINTED `5FC109`). Then, in a fresh `$HOME` and state directory
//! without any operator secret, `sello renew` renews through EST `simplereenroll`; a second
//! remote renewal is refused with the CA's rule in plain words. Judged by yubico-piv-tool (the
//! objects, the PIN rule on `5FC109`), OpenSC's piv-tool (the stored key opens the card), openssl
//! (the chain) and OpenSC's PKCS#11 module (the new key signs).
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod daemon_support;
mod rig;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use daemon_support::{wait_cards, Sellod};

use rig::ca::LocalCa;
use rig::{text, Bench};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";

/// `sello ARGS` with `stdin`, in the scratch directory, with the state directory `state`.
fn sello(b: &Bench, state: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = b.rig.command(SELLO);
    cmd.args(args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", state)
        // English messages whatever the machine's locale (tests may override it).
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

/// The operator's activation at the registration point (master secret, EST enrollment code).
fn activate_at_registration_point(b: &Bench, ca: &LocalCa) {
    let out = activate(b, ca, &[]);
    let t = text(&out);
    assert!(out.status.success(), "activation failed:\n{t}");
    assert!(
        t.contains("with a PIN-protected copy for the holder"),
        "the activation does not say it left the holder's copy:\n{t}"
    );
}

/// `sello activate` by the operator, with `extra` arguments.
fn activate(b: &Bench, ca: &LocalCa, extra: &[&str]) -> Output {
    b.write("master.secret", b"operator master secret for the tests\n");
    let code = ca.enroll_code(
        NIF,
        "María José",
        "García Pérez",
        "mj.garcia@example.org",
        None,
    );
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let mut args = vec![
        "activate",
        "--pin-stdin",
        "--nif",
        NIF,
        "--given-name",
        "María José",
        "--surnames",
        "García Pérez",
        "--email",
        "mj.garcia@example.org",
        "--algorithm",
        "P-256",
        "--est",
        &url,
        "--est-trust",
        &root,
        "--mgmt-secret-file",
        "master.secret",
    ];
    args.extend_from_slice(extra);
    let cache = b.path("operator-cache");
    sello(
        b,
        &b.path("operator-state"),
        &args,
        &format!("{PIN}\n{code}\n"),
        &[("XDG_CACHE_HOME", cache.to_str().expect("utf8"))],
    )
}

/// A CA whose certificates name the CRL it serves (a free port chosen first).
fn ca_with_crl(b: &Bench) -> LocalCa {
    ca_with_crl_and(b, |c| c)
}

/// [`ca_with_crl`] with more changes to the CA's configuration.
fn ca_with_crl_and(b: &Bench, edit: impl FnOnce(String) -> String) -> LocalCa {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let ca = LocalCa::start_with_crl_port(SELLO_CA, port, |c| {
        edit(c.replace(
            "crl_url = \"http://127.0.0.1:8080/crl\"",
            &format!("crl_url = \"http://127.0.0.1:{port}/crl\""),
        ))
    });
    assert_eq!(ca.crl, format!("127.0.0.1:{port}"));
    // The holder's trusted CA certificates, as the package installs them in /etc/sello/ca.
    let dir = b.path("ca-dir");
    std::fs::create_dir_all(&dir).expect("ca dir");
    for f in ["root.pem", "issuing.pem"] {
        std::fs::copy(ca.path(f), dir.join(f)).expect("copy CA certificate");
    }
    ca
}

fn ca_list(ca: &LocalCa) -> Vec<serde_json::Value> {
    let list = LocalCa::run_ok(SELLO_CA, &["list", "--dir", &ca.path(""), "--json"]);
    serde_json::from_str::<serde_json::Value>(&list)
        .expect("JSON list")
        .as_array()
        .expect("array")
        .clone()
}

/// The certificate in a slot, as PEM (yubico-piv-tool, not our code).
fn cert_pem(b: &Bench, slot: &str) -> String {
    let pem = b.yk(&["-a", "read-certificate", "-s", slot]);
    let begin = pem.find("-----BEGIN CERTIFICATE-----").expect("PEM");
    pem[begin..].to_string()
}

fn not_after(pem: &str) -> i64 {
    let der = pem::parse(pem).expect("pem").into_contents();
    let (_, c) = x509_parser::parse_x509_certificate(&der).expect("x509");
    c.validity().not_after.timestamp()
}

/// The hex yubico-piv-tool prints for `read-object` (the value inside the `53` container).
fn object_hex(out: &str) -> String {
    out.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no hex in:\n{out}"))
        .to_ascii_lowercase()
}

/// OpenSC's `piv-tool -A M:9B:<alg>` mutual authentication with the key in `file`.
fn piv_tool_admin(b: &Bench, file: &str) -> Output {
    b.rig
        .command("piv-tool")
        .args(["-r", "0", "-A", "M:9B:0A"])
        .env("PIV_EXT_AUTH_KEY", b.path(file))
        .current_dir(b.dir())
        .output()
        .expect("piv-tool runs")
}

#[test]
fn citizen_renews_at_home_with_the_pin_alone_then_a_second_remote_renewal_is_refused_then_revoked()
{
    let b = Bench::start();
    let ca = ca_with_crl(&b);
    activate_at_registration_point(&b, &ca);

    // The layout YubiKey tools read: ADMIN DATA with flag 02 ("management key stored"), readable
    // without the PIN; PRINTED refused without the PIN, `88 { 89 18 key }` with it.
    let admin = object_hex(&b.yk(&["-a", "read-object", "--id", "0x5FFF00"]));
    assert_eq!(admin, "8003810102", "ADMIN DATA");
    b.yk_fails(&["-a", "read-object", "--id", "0x5FC109"]);
    let printed = object_hex(&b.yk(&[
        "-a",
        "verify-pin",
        "-P",
        PIN,
        "-a",
        "read-object",
        "--id",
        "0x5FC109",
    ]));
    assert!(printed.starts_with("881a8918"), "PRINTED: {printed}");
    let key = &printed[8..];
    assert_eq!(key.len(), 48);

    // The stored key is the card's management key (AES-192): OpenSC's piv-tool authenticates
    // with it, and not with the same key with one bit changed.
    b.write("stored.key", key.as_bytes());
    let out = piv_tool_admin(&b, "stored.key");
    assert!(out.status.success(), "piv-tool -A failed:\n{}", text(&out));
    let mut wrong = hex::decode(key).expect("hex");
    wrong[0] ^= 1;
    b.write("wrong.key", hex::encode(wrong).as_bytes());
    let out = piv_tool_admin(&b, "wrong.key");
    assert!(
        !out.status.success(),
        "piv-tool accepted a wrong key:\n{}",
        text(&out)
    );

    // At home: a fresh $HOME and state directory, no operator secret anywhere. The CA's address
    // and trust come from the environment the package sets; the citizen types the PIN only.
    let home = b.path("home");
    std::fs::create_dir_all(&home).expect("home");
    let home_state = home.join(".local/state/sello");
    let old_9a = cert_pem(&b, "9a");
    let old_9c = cert_pem(&b, "9c");
    let inside_window = (not_after(&old_9a) - 30 * 86_400).to_string();
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let home_env = |now: &str| {
        vec![
            ("HOME", home.to_str().expect("utf8").to_owned()),
            ("SELLO_EST_URL", url.clone()),
            ("SELLO_EST_TRUST", root.clone()),
            ("SELLO_TEST_NOW", now.to_owned()),
        ]
    };
    let env = home_env(&inside_window);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sello(
        &b,
        &home_state,
        &["renew", "--pin-stdin"],
        &format!("{PIN}\n"),
        &env,
    );
    let t = text(&out);
    assert!(out.status.success(), "renewal at home failed:\n{t}");
    assert!(!t.contains(PIN), "PIN echoed:\n{t}");
    assert!(!t.contains(key), "management key shown:\n{t}");
    assert!(t.contains("renewed"), "{t}");
    assert!(
        t.contains("the next renewal needs a visit to a registration point"),
        "{t}"
    );
    let journal =
        std::fs::read_to_string(home_state.join("renewals/10000001.json")).expect("journal");
    assert!(!journal.contains(key), "management key in the journal");

    // New keys and certificates, chaining to the CA (openssl), and the new 9A key signs
    // through OpenSC's module.
    let new_9a = cert_pem(&b, "9a");
    let new_9c = cert_pem(&b, "9c");
    assert_ne!(new_9a, old_9a);
    assert_ne!(new_9c, old_9c);
    b.write("9a.pem", new_9a.as_bytes());
    b.write("old9a.pem", old_9a.as_bytes());
    let pubkey = |f: &str| b.ok("openssl", &["x509", "-in", f, "-noout", "-pubkey"]);
    assert_ne!(pubkey("9a.pem"), pubkey("old9a.pem"), "same key");
    let issuing = ca.path("issuing.pem");
    let v = b.ok(
        "openssl",
        &["verify", "-CAfile", &root, "-untrusted", &issuing, "9a.pem"],
    );
    assert!(v.contains(": OK"), "{v}");
    b.sign_with_opensc_and_verify(PIN, "ECDSA-SHA256", b"signed in after renewal\n", "9a.pem");
    // The PIN-protected copy survives the renewal (the management key did not change).
    let admin = object_hex(&b.yk(&["-a", "read-object", "--id", "0x5FFF00"]));
    assert_eq!(admin, "8003810102");

    // A second renewal from home, inside the new certificate's window: refused before the PIN
    // is asked, in plain words, the card untouched.
    let again = (not_after(&new_9a) - 30 * 86_400).to_string();
    let env = home_env(&again);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sello(&b, &home_state, &["renew", "--pin-stdin"], "", &env);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("your certificate was last renewed from home")
            && t.contains("the next renewal needs a visit to a registration point"),
        "{t}"
    );
    assert!(!t.contains("holder's PIN"), "the PIN was asked:\n{t}");
    assert_eq!(cert_pem(&b, "9a"), new_9a);

    // Past expiry: the same, with the date.
    let expired = (not_after(&new_9a) + 86_400).to_string();
    let env = home_env(&expired);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sello(&b, &home_state, &["renew", "--pin-stdin"], "", &env);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("your certificate expired on")
            && t.contains("renewal needs a visit to a registration point"),
        "{t}"
    );

    // Before revocation, `sello status` (the real clock, the CA's current CRL) says not revoked.
    let ca_dir = b.path("ca-dir");
    let status_env = |cache: &str| {
        vec![
            ("HOME", home.to_str().expect("utf8").to_owned()),
            (
                "XDG_CACHE_HOME",
                home.join(cache).to_str().expect("utf8").to_owned(),
            ),
            ("SELLO_CA_DIR", ca_dir.to_str().expect("utf8").to_owned()),
        ]
    };
    let status = |cache: &str| {
        let env = status_env(cache);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = sello(&b, &home_state, &["status"], "", &env);
        assert!(out.status.success(), "{}", text(&out));
        text(&out)
    };
    let t = status("cache-before");
    assert_eq!(t.matches("revocation: not revoked (CRL)").count(), 2, "{t}");

    // The operator revokes the renewed 9A certificate at the CA.
    let serial = ca_list(&ca)
        .iter()
        .find(|c| c["purpose"] == "auth" && c["origin"] == "remote-renewal")
        .and_then(|c| c["serial"].as_str().map(str::to_owned))
        .expect("renewed auth certificate listed");
    LocalCa::run_ok(
        SELLO_CA,
        &[
            "revoke",
            "--dir",
            &ca.path(""),
            &serial,
            "--reason",
            "keyCompromise",
        ],
    );
    // openssl, with the CA's CRL, agrees it is revoked.
    b.ok(
        "curl",
        &["-sSf", "-o", "ca.crl", &format!("http://{}/crl", ca.crl)],
    );
    b.ok(
        "openssl",
        &["crl", "-inform", "DER", "-in", "ca.crl", "-out", "crl.pem"],
    );
    let v = b.run(
        "openssl",
        &[
            "verify",
            "-crl_check",
            "-CRLfile",
            "crl.pem",
            "-CAfile",
            &root,
            "-untrusted",
            &issuing,
            "9a.pem",
        ],
    );
    assert!(text(&v).contains("certificate revoked"), "{}", text(&v));

    // `sello status` shows it (a fresh cache, so the new CRL is fetched).
    let t = status("cache-after");
    assert!(t.contains("revocation: REVOKED on"), "{t}");
    assert!(t.contains("(keyCompromise)"), "{t}");
    // `sello cert show` too (from the cache just filled), in words and in JSON.
    let env = status_env("cache-after");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sello(&b, &home_state, &["cert", "show", "--slot", "9A"], "", &env);
    assert!(
        text(&out).contains("Revocation: REVOKED on"),
        "{}",
        text(&out)
    );
    let out = sello(&b, &home_state, &["--json", "cert", "show"], "", &env);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let states: Vec<&str> = v["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .filter_map(|c| c["revocation"]["status"].as_str())
        .collect();
    assert!(
        states.contains(&"revoked") && states.contains(&"good"),
        "{v}"
    );
    assert!(t.contains("revocation: not revoked (CRL)"), "9C: {t}");

    // Renewal is refused, before the PIN is asked, whatever the dates.
    let env = home_env(&(not_after(&new_9a) - 30 * 86_400).to_string());
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.retain(|(k, _)| *k != "SELLO_TEST_NOW");
    let out = sello(&b, &home_state, &["renew", "--pin-stdin"], "", &env);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("your certificate is REVOKED on") && t.contains("never renewed"),
        "{t}"
    );
    assert_eq!(cert_pem(&b, "9a"), new_9a);

    // `sello doctor` fails the revocation check and says what to do.
    let env = status_env("cache-doctor");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sello(&b, &home_state, &["doctor", "--json"], "", &env);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let check = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == "revocation")
        .expect("a revocation check")
        .clone();
    assert_eq!(check["status"], "fail", "{v}");
    assert!(
        check["advice"]
            .as_str()
            .unwrap_or_default()
            .contains("Registration Point"),
        "{check}"
    );

    // Offline: the CA's CRL service is unreachable from a fresh cache; the cache still answers.
    // (Checked below, once the CA is gone.)

    // Reusing the card at the registration point: refused while the 9C certificate is still
    // valid and not revoked, the card untouched.
    let out = activate(&b, &ca, &["--reuse"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("cannot be reused") && t.contains("revoke it at the CA first"),
        "{t}"
    );
    assert_eq!(cert_pem(&b, "9a"), new_9a);
    assert_eq!(cert_pem(&b, "9c"), new_9c);
    let serial_9c = ca_list(&ca)
        .iter()
        .find(|c| c["purpose"] != "auth" && c["origin"] == "remote-renewal")
        .and_then(|c| c["serial"].as_str().map(str::to_owned))
        .expect("renewed signature certificate listed");
    LocalCa::run_ok(
        SELLO_CA,
        &[
            "revoke",
            "--dir",
            &ca.path(""),
            &serial_9c,
            "--reason",
            "superseded",
        ],
    );
    // Now every certificate is revoked: the card is activated again, the holder keeps the PIN.
    let out = activate(&b, &ca, &["--reuse"]);
    let t = text(&out);
    assert!(out.status.success(), "reuse failed:\n{t}");
    assert!(t.contains("Reusing card 10000001"), "{t}");
    assert_eq!(t.matches("is REVOKED on").count(), 2, "{t}");
    assert!(
        t.contains("the earlier activation journal is kept as"),
        "{t}"
    );
    assert!(
        t.contains("with a PIN-protected copy for the holder"),
        "{t}"
    );
    let fresh_9a = cert_pem(&b, "9a");
    let fresh_9c = cert_pem(&b, "9c");
    assert_ne!(fresh_9a, new_9a);
    assert_ne!(fresh_9c, new_9c);
    b.write("fresh9a.pem", fresh_9a.as_bytes());
    assert_ne!(
        pubkey("fresh9a.pem"),
        pubkey("9a.pem"),
        "the key was not replaced"
    );
    let v = b.ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            &root,
            "-untrusted",
            &issuing,
            "fresh9a.pem",
        ],
    );
    assert!(v.contains(": OK"), "{v}");
    let txt = b.ok(
        "openssl",
        &["x509", "-in", "fresh9a.pem", "-noout", "-text"],
    );
    assert!(
        !txt.contains("2.999.7030.2.1"),
        "issued in person, not a remote renewal"
    );
    b.sign_with_opensc_and_verify(
        PIN,
        "ECDSA-SHA256",
        b"the card lives again\n",
        "fresh9a.pem",
    );
    let t = status("cache-reused");
    assert_eq!(t.matches("revocation: not revoked (CRL)").count(), 2, "{t}");

    // The CA is gone: a fresh cache cannot learn anything ("unknown (offline"); the cache
    // filled before still answers, until the CRL's nextUpdate.
    drop(ca);
    let t = status("cache-offline");
    assert_eq!(t.matches("revocation: unknown (offline").count(), 2, "{t}");
    let t = status("cache-reused");
    assert_eq!(t.matches("revocation: not revoked (CRL)").count(), 2, "{t}");
}

#[test]
fn a_wrong_pin_at_home_costs_one_try_and_changes_nothing() {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    activate_at_registration_point(&b, &ca);
    let old_9a = cert_pem(&b, "9a");
    let now = (not_after(&old_9a) - 30 * 86_400).to_string();
    let home = b.path("home");
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let out = sello(
        &b,
        &home.join("state"),
        &["renew", "--pin-stdin"],
        "11112222\n",
        &[
            ("HOME", home.to_str().expect("utf8")),
            ("SELLO_EST_URL", &url),
            ("SELLO_EST_TRUST", &root),
            ("SELLO_TEST_NOW", &now),
        ],
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("wrong PIN, 2 tries left"), "{t}");
    assert!(!t.contains("11112222"), "PIN echoed:\n{t}");
    assert_eq!(cert_pem(&b, "9a"), old_9a);
    let status = b.yk(&["-a", "status"]);
    assert!(status.contains("PIN tries left:\t2"), "{status}");
}

#[test]
fn sellod_inventory_shows_revocation_and_the_holder_renews_through_it_with_the_pin_alone() {
    const READER: &str = "Virtual PCD 00 00";
    let b = Bench::start();
    // Certificates for 20 days: inside the renewal window and the daemon's 30-day warning.
    let ca = ca_with_crl_and(&b, |c| {
        c.replace(
            "validity_months = 30",
            "validity_months = 30\nvalidity_days = 20",
        )
    });
    activate_at_registration_point(&b, &ca);
    let old_9a = cert_pem(&b, "9a");
    let ca_dir = b.path("ca-dir");
    let home = b.path("home");
    std::fs::create_dir_all(&home).expect("home");
    let d = Sellod::start_with_env(
        &b.rig,
        &home,
        &[
            ("SELLO_CA_DIR", ca_dir.to_str().expect("utf8")),
            ("XDG_CACHE_HOME", home.join("cache").to_str().expect("utf8")),
        ],
    );
    // The inventory: both certificates, not revoked according to the CA's CRL.
    let r = wait_cards(&mut d.client(), Duration::from_secs(30), |r| {
        r.iter()
            .any(|x| x["reader"] == READER && x["card"]["serial"].is_string())
    });
    let card = r["readers"]
        .as_array()
        .expect("readers")
        .iter()
        .find(|x| x["reader"] == READER)
        .expect("our reader")["card"]
        .clone();
    let states: Vec<&str> = card["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .filter_map(|c| c["revocation"]["status"].as_str())
        .collect();
    assert_eq!(states, ["good", "good"], "{card}");
    // The holder takes the renewal the daemon offers (its expiry warning: tests/daemon_activate.rs): `sello renew --via-daemon`, the PIN alone (no operator secret).
    std::fs::copy(ca.path("root.pem"), b.path("root.pem")).expect("copy root");
    let socket = d.socket.display().to_string();
    let out = sello(
        &b,
        &home.join("state-cli"),
        &[
            "--json",
            "renew",
            "--via-daemon",
            "--reader",
            READER,
            "--pin-stdin",
            "--est",
            &ca.est_url(),
            "--est-trust",
            "root.pem",
        ],
        &format!("{PIN}\n"),
        &[("SELLO_SOCKET", &socket)],
    );
    let t = text(&out);
    assert!(
        out.status.success(),
        "renewal failed:\n{t}\n{}",
        d.log_text()
    );
    assert!(!t.contains(PIN), "PIN echoed:\n{t}");
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("a result line"),
    )
    .expect("JSON");
    assert_eq!(last["renewal"], "complete", "{t}");
    let new_9a = cert_pem(&b, "9a");
    assert_ne!(new_9a, old_9a);
    b.write("9a.pem", new_9a.as_bytes());
    let v = b.ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            &ca.path("root.pem"),
            "-untrusted",
            &ca.path("issuing.pem"),
            "9a.pem",
        ],
    );
    assert!(v.contains(": OK"), "{v}");
}

#[test]
fn pin_protected_profile_activates_without_an_operator_secret_and_renews_with_the_pin() {
    let b = Bench::start();
    let ca = ca_with_crl(&b);
    // A profile whose management key is random and kept only on the card, behind the PIN.
    let profiles = b.path("profiles");
    std::fs::create_dir_all(&profiles).expect("profiles");
    std::fs::write(
        profiles.join("pin-only.toml"),
        include_str!("../card-profiles/citizen-piv.toml")
            .replace("name = \"citizen-piv\"", "name = \"pin-only\"")
            .replace("mode = \"derived\"", "mode = \"pin-protected\""),
    )
    .expect("profile");
    let profile_dir = profiles.to_str().expect("utf8");
    let code = ca.enroll_code(
        NIF,
        "María José",
        "García Pérez",
        "mj.garcia@example.org",
        None,
    );
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let activate = |stdin: &str, env: &[(&str, &str)]| {
        let mut env = env.to_vec();
        env.push(("SELLO_PROFILE_DIR", profile_dir));
        sello(
            &b,
            &b.path("operator-state"),
            &[
                "activate",
                "--direct",
                "--profile",
                "pin-only",
                "--pin-stdin",
                "--nif",
                NIF,
                "--given-name",
                "María José",
                "--surnames",
                "García Pérez",
                "--email",
                "mj.garcia@example.org",
                "--algorithm",
                "P-256",
                "--est",
                &url,
                "--est-trust",
                &root,
            ],
            stdin,
            &env,
        )
    };
    // Interrupted just before the certificates are written...
    let out = activate(
        &format!("{PIN}\n{code}\n"),
        &[("SELLO_TEST_ABORT_AT", "before-write")],
    );
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("test abort at before-write"), "{t}");
    assert!(
        t.contains(
            "factory key replaced by a random key (AES-192), kept on the card behind the PIN"
        ),
        "{t}"
    );
    // ...and resumed: only the holder's PIN opens the card now, asked once (one line of input).
    let out = activate(&format!("{PIN}\n"), &[]);
    let t = text(&out);
    assert!(out.status.success(), "resume failed:\n{t}");
    assert!(
        t.contains("PIN-protected key on the card, opened with the PIN"),
        "{t}"
    );
    // The factory key no longer opens the card (yubico-piv-tool's default key); the stored one
    // does (OpenSC's piv-tool).
    b.yk_fails(&["-a", "set-chuid"]);
    let printed = object_hex(&b.yk(&[
        "-a",
        "verify-pin",
        "-P",
        PIN,
        "-a",
        "read-object",
        "--id",
        "0x5FC109",
    ]));
    b.write("stored.key", &printed.as_bytes()[8..]);
    let out = piv_tool_admin(&b, "stored.key");
    assert!(out.status.success(), "piv-tool -A failed:\n{}", text(&out));

    // At home: the PIN alone.
    let old_9a = cert_pem(&b, "9a");
    let now = (not_after(&old_9a) - 30 * 86_400).to_string();
    let home = b.path("home");
    let out = sello(
        &b,
        &home.join("state"),
        &["renew", "--profile", "pin-only", "--pin-stdin"],
        &format!("{PIN}\n"),
        &[
            ("HOME", home.to_str().expect("utf8")),
            ("SELLO_PROFILE_DIR", profile_dir),
            ("SELLO_EST_URL", &url),
            ("SELLO_EST_TRUST", &root),
            ("SELLO_TEST_NOW", &now),
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "renewal failed:\n{t}");
    assert_ne!(cert_pem(&b, "9a"), old_9a);
}

#[test]
fn a_revoked_card_with_pin_and_puk_blocked_is_reset_and_reused() {
    let b = Bench::start();
    let ca = ca_with_crl(&b);
    activate_at_registration_point(&b, &ca);
    let old_9a = cert_pem(&b, "9a");
    for c in ca_list(&ca) {
        let serial = c["serial"].as_str().expect("serial");
        LocalCa::run_ok(
            SELLO_CA,
            &[
                "revoke",
                "--dir",
                &ca.path(""),
                serial,
                "--reason",
                "cessationOfOperation",
            ],
        );
    }
    // The holder forgot both: PIN and PUK blocked (yubico-piv-tool, three wrong tries each).
    for _ in 0..3 {
        b.yk_fails(&["-a", "verify-pin", "-P", "00000000"]);
    }
    for _ in 0..3 {
        b.yk_fails(&["-a", "unblock-pin", "-P", "00000000", "-N", "11111111"]);
    }
    let st = b.yk(&["-a", "status"]);
    assert!(st.contains("PIN tries left:\t0"), "{st}");

    let out = activate(&b, &ca, &["--reuse"]);
    let t = text(&out);
    assert!(out.status.success(), "reuse failed:\n{t}");
    assert!(t.contains("reset to its factory state"), "{t}");
    assert_eq!(t.matches("is REVOKED on").count(), 2, "{t}");
    assert!(t.contains("PUK: "), "no new PUK shown:\n{t}");
    // The holder's new PIN works (yubico-piv-tool); new certificates, issued in person.
    b.yk(&["-a", "verify-pin", "-P", PIN]);
    let new_9a = cert_pem(&b, "9a");
    assert_ne!(new_9a, old_9a);
    b.write("9a.pem", new_9a.as_bytes());
    let v = b.ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            &ca.path("root.pem"),
            "-untrusted",
            &ca.path("issuing.pem"),
            "9a.pem",
        ],
    );
    assert!(v.contains(": OK"), "{v}");
    // The holder's copy of the (derived) management key is back.
    let admin = object_hex(&b.yk(&["-a", "read-object", "--id", "0x5FFF00"]));
    assert_eq!(admin, "8003810102");
}
