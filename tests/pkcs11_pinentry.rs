//! The pinentry mode of `libsello.so` (issue 4, "PIN without the browser's dialog"): with
//! `pin_mode = "pinentry"` in Sello's config file the token does not demand `C_Login`, and
//! when a key needs the PIN the module runs the configured pinentry program and speaks Assuan
//! with it. The program here is a small shell script written for the test — a real process
//! boundary — that answers the PIN found in a file and logs every line it was sent.
//!
//! libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, so the scenarios share one rig and
//! run in sequence inside one test.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use rig::Bench;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::{module_path, provision, PIN};

const FAKE_PINENTRY: &str = r##"#!/bin/sh
# A pinentry for tests: Assuan on stdin/stdout, PIN from $FAKE_PINENTRY_PIN_FILE ("cancel" to
# cancel), every received line appended to $FAKE_PINENTRY_LOG.
echo "OK Pleased to meet you"
while IFS= read -r line; do
  printf '%s\n' "$line" >> "$FAKE_PINENTRY_LOG"
  case "$line" in
    GETPIN)
      pin=$(cat "$FAKE_PINENTRY_PIN_FILE")
      if [ "$pin" = cancel ]; then
        echo "ERR 83886179 Operation cancelled <Pinentry>"
      else
        echo "# a comment the client must skip"
        echo "S PASSWORD_FROM_CACHE"
        echo "D $pin"
        echo "OK"
      fi ;;
    BYE) echo "OK closing connection"; exit 0 ;;
    *) echo "OK" ;;
  esac
done
"##;

fn rv<T: std::fmt::Debug>(r: Result<T, Error>) -> RvError {
    match r {
        Err(Error::Pkcs11(rv, _)) => rv,
        other => panic!("expected a PKCS#11 error, got {other:?}"),
    }
}

fn key(s: &Session, class: ObjectClass, id: u8) -> ObjectHandle {
    let found = s
        .find_objects(&[Attribute::Class(class), Attribute::Id(vec![id])])
        .expect("find");
    assert_eq!(found.len(), 1, "{class:?} with id {id}");
    found[0]
}

/// Lines the fake pinentry received so far.
fn log(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn getpins(path: &Path) -> usize {
    log(path).iter().filter(|l| *l == "GETPIN").count()
}

#[test]
fn pinentry_mode() {
    let b = Bench::start();
    provision(&b, false);
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.path("cache"));

    let program = b.path("fake-pinentry");
    std::fs::write(&program, FAKE_PINENTRY).expect("write script");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let pin_file = b.path("pin");
    let pe_log = b.path("pinentry.log");
    std::fs::write(&pin_file, PIN).expect("pin file");
    std::env::set_var("FAKE_PINENTRY_PIN_FILE", &pin_file);
    std::env::set_var("FAKE_PINENTRY_LOG", &pe_log);
    let config = b.path("sello.toml");
    std::fs::write(
        &config,
        format!(
            "[pkcs11]\npin_mode = \"pinentry\"\npinentry = \"{}\"\n",
            program.display()
        ),
    )
    .expect("config");
    std::env::set_var("SELLO_CONFIG", &config);

    let p = Pkcs11::new(module_path()).expect("load libsello.so");
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .expect("C_Initialize");
    let slot = *p
        .get_slots_with_token()
        .expect("slots")
        .first()
        .expect("a token");

    // The token does not demand C_Login; it has a protected authentication path.
    let info = p.get_token_info(slot).expect("token info");
    assert!(!info.login_required(), "{info:?}");
    assert!(info.protected_authentication_path(), "{info:?}");

    let s = p.open_ro_session(slot).expect("session");
    // Private keys show without login (Chromium looks for the key of a certificate without
    // logging in).
    let rsa = key(&s, ObjectClass::PRIVATE_KEY, 1);
    let ec = key(&s, ObjectClass::PRIVATE_KEY, 2);
    assert_eq!(getpins(&pe_log), 0, "nothing asked before a key is used");

    // First use of the 9A key: one dialog, naming the card and the tries left; Assuan escaping
    // of the newline in the description.
    let sig = s
        .sign(&Mechanism::Sha256RsaPkcs, rsa, b"no C_Login")
        .expect("sign after the pinentry dialog");
    assert_eq!(sig.len(), 256);
    assert_eq!(getpins(&pe_log), 1);
    let lines = log(&pe_log);
    let desc = lines
        .iter()
        .find(|l| l.starts_with("SETDESC "))
        .expect("SETDESC sent");
    assert!(desc.contains("Alice Holder"), "{desc}");
    assert!(desc.contains("%0A3 tries left"), "{desc}");
    assert!(lines.iter().any(|l| l == "SETPROMPT PIN:"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "BYE"), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.starts_with("SETERROR")),
        "{lines:?}"
    );
    // The card is now verified for this process: the 9A key is not asked for again.
    s.sign(&Mechanism::Sha256RsaPkcs, rsa, b"again")
        .expect("second signature");
    assert_eq!(getpins(&pe_log), 1, "9A asked once per login");

    // The 9C key asks before every signature.
    for n in 2..=3 {
        s.sign(&Mechanism::EcdsaSha256, ec, b"signature key")
            .expect("9C signature");
        assert_eq!(getpins(&pe_log), n, "9C asks every time");
    }

    // A wrong PIN fails that one operation, is never retried, and the next dialog says so.
    std::fs::write(&pin_file, "999999").expect("pin file");
    assert_eq!(
        rv(s.sign(&Mechanism::EcdsaSha256, ec, b"wrong")),
        RvError::PinIncorrect
    );
    assert_eq!(getpins(&pe_log), 4, "one dialog, no retry");
    assert!(p.get_token_info(slot).expect("info").user_pin_count_low());
    std::fs::write(&pin_file, PIN).expect("pin file");
    let before = log(&pe_log).len();
    s.sign(&Mechanism::EcdsaSha256, ec, b"right")
        .expect("right PIN");
    let lines = log(&pe_log);
    let new = &lines[before..];
    assert!(
        new.iter()
            .any(|l| l.starts_with("SETERROR Wrong PIN. 2 tries left")),
        "{new:?}"
    );
    assert!(
        new.iter()
            .any(|l| l.starts_with("SETDESC ") && l.contains("2 tries left")),
        "{new:?}"
    );
    assert!(!p.get_token_info(slot).expect("info").user_pin_count_low());

    // Cancelling the dialog cancels the operation.
    std::fs::write(&pin_file, "cancel").expect("pin file");
    assert_eq!(
        rv(s.sign(&Mechanism::EcdsaSha256, ec, b"cancel")),
        RvError::FunctionCanceled
    );
    std::fs::write(&pin_file, PIN).expect("pin file");

    // An application that does call C_Login on a protected authentication path passes NULL:
    // the module asks through pinentry.
    let rw = p.open_rw_session(slot).expect("rw session");
    rw.logout().expect("logout");
    let n = getpins(&pe_log);
    rw.login(UserType::User, None)
        .expect("C_Login(NULL) asks pinentry");
    assert_eq!(getpins(&pe_log), n + 1);
    assert_eq!(
        rv(rw.login(UserType::User, Some(&AuthPin::new(PIN.into())))),
        RvError::UserAlreadyLoggedIn
    );
    drop(rw);
    drop(s);
    p.finalize().expect("C_Finalize");
}
