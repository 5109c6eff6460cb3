//! OpenSC's `pkcs11-tool` (a tool we did not write) drives `libsello.so` against the virtual card
//! through a private pcscd; signatures are checked with `openssl`.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use rig::Bench;
use support::{module, provision, PIN, PUK};

fn p11(b: &Bench, args: &[&str]) -> String {
    let m = module();
    let mut all = vec!["--module", m.as_str()];
    all.extend_from_slice(args);
    b.ok("pkcs11-tool", &all)
}

fn p11_fails(b: &Bench, args: &[&str]) -> String {
    let m = module();
    let mut all = vec!["--module", m.as_str()];
    all.extend_from_slice(args);
    b.fails("pkcs11-tool", &all)
}

#[test]
fn list_info_objects_and_mechanisms() {
    let b = Bench::start();
    provision(&b, false);
    let slots = p11(&b, &["-L"]);
    assert!(slots.contains("Virtual PCD 00 00"), "{slots}");
    assert!(
        slots.contains("token label        : Alice Holder"),
        "{slots}"
    );
    assert!(slots.contains("serial num         : 10000001"), "{slots}");
    assert!(slots.contains("login required"), "{slots}");
    let info = p11(&b, &["-I"]);
    assert!(info.contains("Sello"), "{info}");
    let objects = p11(&b, &["-O"]);
    assert!(objects.contains("Certificate Object"), "{objects}");
    assert!(objects.contains("CN=Alice Holder"), "{objects}");
    assert!(
        objects.contains("Public Key Object; RSA 2048 bits"),
        "{objects}"
    );
    assert!(objects.contains("Public Key Object; EC"), "{objects}");
    assert!(
        !objects.contains("Private Key Object"),
        "private keys hidden before login: {objects}"
    );
    let logged = p11(&b, &["-O", "--login", "--pin", PIN]);
    assert!(logged.contains("Private Key Object; RSA"), "{logged}");
    assert!(logged.contains("Private Key Object; EC"), "{logged}");
    let mechs = p11(&b, &["-M"]);
    for m in [
        "RSA-PKCS,",
        "RSA-X-509",
        "RSA-PKCS-PSS",
        "SHA256-RSA-PKCS-PSS",
        "ECDSA,",
        "ECDSA-SHA256",
        "ECDH1-DERIVE",
        "RSA-PKCS-OAEP",
    ] {
        assert!(mechs.contains(m), "{m} missing: {mechs}");
    }
}

#[test]
fn signatures_verify_with_openssl() {
    let b = Bench::start();
    provision(&b, false);
    b.write("data", b"the quick brown fox signs with a PIV card");

    // RSA PKCS#1 v1.5 over raw data with the 9A key (CKA_ID 01).
    p11(
        &b,
        &[
            "--sign", "--id", "01", "-m", "RSA-PKCS", "--login", "--pin", PIN, "-i", "data", "-o",
            "rsa.sig",
        ],
    );
    let recovered = b.ok(
        "openssl",
        &[
            "pkeyutl",
            "-verifyrecover",
            "-pubin",
            "-inkey",
            "9a.pem",
            "-in",
            "rsa.sig",
            "-out",
            "rsa.rec",
        ],
    );
    let _ = recovered;
    assert_eq!(b.read("rsa.rec"), b.read("data"));

    // RSA-PSS with SHA-256, hashed on the host.
    p11(
        &b,
        &[
            "--sign",
            "--id",
            "01",
            "-m",
            "SHA256-RSA-PKCS-PSS",
            "--login",
            "--pin",
            PIN,
            "-i",
            "data",
            "-o",
            "pss.sig",
        ],
    );
    let v = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pem",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:-1",
            "-signature",
            "pss.sig",
            "data",
        ],
    );
    assert!(v.contains("Verified OK"), "{v}");

    // ECDSA with the 9C key (CKA_ID 02, PIN before each use: pkcs11-tool logs in again with
    // CKU_CONTEXT_SPECIFIC).
    b.ok(
        "openssl",
        &["dgst", "-sha256", "-binary", "-out", "data.sha256", "data"],
    );
    p11(
        &b,
        &[
            "--sign",
            "--id",
            "02",
            "-m",
            "ECDSA",
            "--login",
            "--pin",
            PIN,
            "--signature-format",
            "openssl",
            "-i",
            "data.sha256",
            "-o",
            "ec.sig",
        ],
    );
    let v = b.ok(
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "9c.pem",
            "-in",
            "data.sha256",
            "-sigfile",
            "ec.sig",
        ],
    );
    assert!(v.contains("Signature Verified Successfully"), "{v}");
}

#[test]
fn pkcs11_tool_self_test() {
    let b = Bench::start();
    provision(&b, false);
    let out = p11(&b, &["--test", "--login", "--pin", PIN]);
    assert!(out.contains("No errors"), "{out}");
}

#[test]
fn change_pin_block_and_init_pin_with_puk() {
    let b = Bench::start();
    provision(&b, false);
    p11(&b, &["--change-pin", "--pin", PIN, "--new-pin", "24681357"]);
    p11_fails(&b, &["--login", "--pin", PIN, "-O"]);
    p11(&b, &["--login", "--pin", "24681357", "-O"]);
    // Block the PIN: three wrong tries; the token flags follow the card's counter.
    p11_fails(&b, &["--login", "--pin", "000000", "-O"]);
    let low = p11(&b, &["-L"]);
    assert!(low.contains("user PIN count low"), "{low}");
    p11_fails(&b, &["--login", "--pin", "000000", "-O"]);
    let last = p11(&b, &["-L"]);
    assert!(last.contains("final user PIN try"), "{last}");
    p11_fails(&b, &["--login", "--pin", "000000", "-O"]);
    let locked = p11(&b, &["-L"]);
    assert!(locked.contains("user PIN locked"), "{locked}");
    let refused = p11_fails(&b, &["--login", "--pin", "24681357", "-O"]);
    assert!(refused.contains("CKR_PIN_LOCKED"), "{refused}");
    // Unblock with the PUK (CKU_SO) and set a new PIN.
    p11(
        &b,
        &[
            "--login",
            "--login-type",
            "so",
            "--so-pin",
            PUK,
            "--init-pin",
            "--new-pin",
            "13572468",
        ],
    );
    p11(&b, &["--login", "--pin", "13572468", "-O"]);
    let ok = p11(&b, &["-L"]);
    assert!(!ok.contains("user PIN locked"), "{ok}");
}

/// The SO PIN flags follow the card's PUK counter: read with GET METADATA when the token is
/// loaded (a try spent by another tool shows), then from the answers to our own PUK operations.
#[test]
fn so_pin_flags_follow_the_puk_counter() {
    let b = Bench::start();
    provision(&b, false);
    let fresh = p11(&b, &["-L"]);
    assert!(!fresh.contains("SO PIN"), "{fresh}");
    // Another tool spends a PUK try: the next load reads the counter from the card.
    b.yk_fails(&["-a", "unblock-pin", "-P", "87654321", "-N", "13572468"]);
    let low = p11(&b, &["-L"]);
    assert!(low.contains("SO PIN count low"), "{low}");
    assert!(!low.contains("final SO PIN try"), "{low}");
    // A wrong PUK through our own C_InitPIN.
    let so = |puk: &str| {
        p11_fails(
            &b,
            &[
                "--login",
                "--login-type",
                "so",
                "--so-pin",
                puk,
                "--init-pin",
                "--new-pin",
                "13572468",
            ],
        )
    };
    let wrong = so("87654321");
    assert!(wrong.contains("CKR_PIN_INCORRECT"), "{wrong}");
    let last = p11(&b, &["-L"]);
    assert!(last.contains("final SO PIN try"), "{last}");
    so("87654321");
    let locked = p11(&b, &["-L"]);
    assert!(locked.contains("SO PIN locked"), "{locked}");
    let refused = so(PUK);
    assert!(refused.contains("CKR_PIN_LOCKED"), "{refused}");
}

/// `CKA_LOCAL` follows the key's origin (metadata): true for keys generated on the card (9A,
/// 9C), false for an imported one (9D). pkcs11-tool lists it as "local" under "Access".
#[test]
fn cka_local_true_only_for_keys_generated_on_the_card() {
    let b = Bench::start();
    provision(&b, false);
    b.ok(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "9d-key.pem",
        ],
    );
    let key = b.path("9d-key.pem").display().to_string();
    let public = b.path("9d.pem").display().to_string();
    b.ok(
        "openssl",
        &["pkey", "-in", &key, "-pubout", "-out", &public],
    );
    b.yk(&["-a", "import-key", "-s", "9d", "-i", &key]);
    b.issue("9d.pem", "Alice Encryption", "9d.crt");
    b.yk(&["-a", "import-certificate", "-s", "9d", "-i", "9d.crt"]);
    let listing = p11(&b, &["-O", "--login", "--pin", PIN]);
    // (object kind, ID) -> whether "local" is among its access flags.
    let mut local = std::collections::BTreeMap::new();
    let (mut kind, mut id) = (String::new(), String::new());
    for line in listing.lines() {
        if !line.starts_with(' ') {
            kind = line.split(';').next().unwrap_or("").to_owned();
            continue;
        }
        let line = line.trim();
        if let Some(i) = line.strip_prefix("ID:") {
            id = i.trim().to_owned();
        } else if let Some(a) = line.strip_prefix("Access:") {
            let is_local = a.split(',').any(|f| f.trim() == "local");
            local.insert((kind.clone(), id.clone()), is_local);
        }
    }
    let private = |id: &str| local.get(&("Private Key Object".to_owned(), id.to_owned()));
    assert_eq!(private("01"), Some(&true), "{listing}");
    assert_eq!(private("02"), Some(&true), "{listing}");
    assert_eq!(private("03"), Some(&false), "{listing}");
    let public = local.get(&("Public Key Object".to_owned(), "03".to_owned()));
    assert_eq!(public, Some(&false), "{listing}");
}

/// OpenSC's `pkcs11-spy.so` in front of our module: it writes its own function list into the
/// `CK_INTERFACE` that `C_GetInterface` returns (it used to crash on our read-only static). The
/// listing must work and the spy's log must show our module's calls.
#[test]
fn works_behind_opensc_pkcs11_spy() {
    const SPY: &str = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so";
    let b = Bench::start();
    provision(&b, false);
    let log = b.path("spy.log");
    let out = b
        .rig
        .command("pkcs11-tool")
        .args(["--module", SPY, "-L", "-O"])
        .env("PKCS11SPY", module())
        .env("PKCS11SPY_OUTPUT", &log)
        .current_dir(b.dir())
        .output()
        .expect("run pkcs11-tool");
    let text = rig::text(&out);
    assert!(out.status.success(), "{}: {text}", out.status);
    assert!(text.contains("token label        : Alice Holder"), "{text}");
    assert!(text.contains("CN=Alice Holder"), "{text}");
    let spied = std::fs::read_to_string(&log).expect("spy log");
    for call in [
        "C_GetInterface",
        "C_Initialize",
        "C_GetSlotList",
        "C_GetTokenInfo",
        "C_FindObjectsInit",
        "C_GetAttributeValue",
        "C_Finalize",
    ] {
        assert!(
            spied.contains(call),
            "{call} missing from the spy log:\n{spied}"
        );
    }
    assert!(spied.contains("Alice Holder"), "{spied}");
}

/// The token's PIN length range comes from the card's profile: `citizen-piv` (embedded) says
/// 6–8; a user profile of the same name that says 7–8 replaces it.
#[test]
fn pin_length_from_the_card_profile() {
    let b = Bench::start();
    provision(&b, false);
    let profiles = b.path("profiles");
    let list = |tag: &str| {
        let out = b
            .rig
            .command("pkcs11-tool")
            .args(["--module", module().as_str(), "-L"])
            .env("SELLO_PROFILE_DIR", &profiles)
            .current_dir(b.dir())
            .output()
            .expect("run pkcs11-tool");
        let text = rig::text(&out);
        assert!(out.status.success(), "{tag}: {text}");
        text
    };
    let embedded = list("embedded");
    assert!(embedded.contains("pin min/max        : 6/8"), "{embedded}");
    std::fs::create_dir_all(&profiles).expect("profile dir");
    let text = sello::profile::EMBEDDED[0]
        .1
        .replacen("min_length = 6", "min_length = 7", 1);
    std::fs::write(profiles.join("citizen-piv.toml"), text).expect("user profile");
    let user = list("user");
    assert!(user.contains("pin min/max        : 7/8"), "{user}");
}

/// PINs outside the profile's range never reach the card, and a new PIN must follow the
/// profile's rule: with a user `citizen-piv` that says 7–8 digits, the card's own (correct)
/// 6-digit PIN is refused by `C_Login` without a try spent; `C_SetPIN` and `C_InitPIN` refuse a
/// short new PIN (`CKR_PIN_LEN_RANGE`) and one with letters (`CKR_PIN_INVALID`).
#[test]
fn pins_follow_the_card_profile() {
    let b = Bench::start();
    provision(&b, false);
    let profiles = b.path("profiles");
    std::fs::create_dir_all(&profiles).expect("profile dir");
    let text = sello::profile::EMBEDDED[0]
        .1
        .replacen("min_length = 6", "min_length = 7", 1);
    std::fs::write(profiles.join("citizen-piv.toml"), text).expect("user profile");
    let run = |args: &[&str]| {
        let m = module();
        let out = b
            .rig
            .command("pkcs11-tool")
            .args(["--module", m.as_str()])
            .args(args)
            .env("SELLO_PROFILE_DIR", &profiles)
            .current_dir(b.dir())
            .output()
            .expect("run pkcs11-tool");
        (out.status.success(), rig::text(&out))
    };
    let refused = |args: &[&str], rv: &str| {
        let (ok, text) = run(args);
        assert!(!ok && text.contains(rv), "{args:?}: expected {rv}: {text}");
    };
    let tries_untouched = |tag: &str| {
        let (ok, text) = run(&["-L"]);
        assert!(ok, "{text}");
        assert!(text.contains("pin min/max        : 7/8"), "{tag}: {text}");
        assert!(
            !text.contains("count low"),
            "{tag}: a try was spent: {text}"
        );
    };

    // The card's PIN is 123456: were it sent, the login would succeed.
    refused(&["--login", "--pin", PIN, "-O"], "CKR_PIN_LEN_RANGE");
    tries_untouched("login");
    // A PIN the profile allows (set with a tool that does not read profiles).
    b.yk(&["-a", "change-pin", "-P", PIN, "-N", "24681357"]);
    for (new, rv) in [
        ("135792", "CKR_PIN_LEN_RANGE"),
        ("1357abcd", "CKR_PIN_INVALID"),
    ] {
        refused(&["--change-pin", "--pin", "24681357", "--new-pin", new], rv);
    }
    tries_untouched("change");
    let so = |new: &'static str| {
        [
            "--login",
            "--login-type",
            "so",
            "--so-pin",
            PUK,
            "--init-pin",
            "--new-pin",
            new,
        ]
    };
    refused(&so("135724"), "CKR_PIN_LEN_RANGE");
    refused(&so("1357abcd"), "CKR_PIN_INVALID");
    tries_untouched("init");
    // Nothing was changed: the PIN is still the one set above; a PIN of the rule is taken.
    let (ok, text) = run(&["--login", "--pin", "24681357", "-O"]);
    assert!(ok, "{text}");
    let (ok, text) = run(&["--change-pin", "--pin", "24681357", "--new-pin", "1357924"]);
    assert!(ok, "{text}");
    let (ok, text) = run(&so("97531864"));
    assert!(ok, "{text}");
    let (ok, text) = run(&["--login", "--pin", "97531864", "-O"]);
    assert!(ok, "{text}");
}

/// `(label, ID)` of every certificate in `pkcs11-tool -O` output.
fn certificates(listing: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_cert = false;
    let mut label = String::new();
    for line in listing.lines() {
        if !line.starts_with(' ') {
            in_cert = line.starts_with("Certificate Object");
            continue;
        }
        let line = line.trim();
        if !in_cert {
            continue;
        }
        if let Some(l) = line.strip_prefix("label:") {
            label = l.trim().to_owned();
        } else if let Some(id) = line.strip_prefix("ID:") {
            out.push((label.clone(), id.trim().to_owned()));
        }
    }
    out.sort();
    out
}

#[test]
fn same_certificate_ids_and_labels_as_opensc() {
    let b = Bench::start();
    provision(&b, true);
    let ours = certificates(&p11(&b, &["-O"]));
    let opensc = certificates(&b.ok("pkcs11-tool", &["--module", rig::OPENSC_PKCS11, "-O"]));
    assert_eq!(ours.len(), 3, "{ours:?}");
    assert_eq!(ours, opensc);
}
