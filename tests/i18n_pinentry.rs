//! The PIN dialog of `libsello.so` (pinentry mode) in the holder's language: the module loaded
//! in a process whose `LANG` is Spanish asks in Spanish, with the tries left in Spanish
//! plurals. The pinentry is a shell script (a real process boundary) that logs what it is sent.
//! Its own process: the module reads the language once.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
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

#[test]
fn pin_dialog_in_spanish() {
    let b = Bench::start();
    provision(&b, false);
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.path("cache"));
    std::env::remove_var("LC_ALL");
    std::env::remove_var("LC_MESSAGES");
    std::env::set_var("LANG", "es_ES.UTF-8");

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
    let s = p.open_ro_session(slot).expect("session");
    let ec = key(&s, ObjectClass::PRIVATE_KEY, 2);

    // The signature key asks before each signature: the dialog says what for, in Spanish.
    s.sign(&Mechanism::EcdsaSha256, ec, b"firma")
        .expect("9C signature");
    let lines = log(&pe_log);
    let desc = lines
        .iter()
        .find(|l| l.starts_with("SETDESC "))
        .expect("SETDESC sent");
    assert!(desc.contains("Introduzca el PIN de Alice Holder"), "{desc}");
    assert!(
        desc.contains("para una firma con su clave de firma de documentos"),
        "{desc}"
    );
    assert!(desc.contains("%0Ale quedan 3 intentos"), "{desc}");

    // A wrong PIN: the next dialog says so, with the tries left (plural, then singular).
    for (left, want) in [(2, "le quedan 2 intentos"), (1, "le queda 1 intento")] {
        std::fs::write(&pin_file, "999999").expect("pin file");
        assert_eq!(
            rv(s.sign(&Mechanism::EcdsaSha256, ec, b"wrong")),
            RvError::PinIncorrect
        );
        let before = log(&pe_log).len();
        std::fs::write(&pin_file, "cancel").expect("pin file");
        assert_eq!(
            rv(s.sign(&Mechanism::EcdsaSha256, ec, b"cancel")),
            RvError::FunctionCanceled
        );
        let lines = log(&pe_log);
        let new = &lines[before..];
        assert!(
            new.iter()
                .any(|l| l.starts_with("SETERROR PIN incorrecto; ") && l.contains(want)),
            "{left}: {new:?}"
        );
    }
    std::fs::write(&pin_file, PIN).expect("pin file");
    s.sign(&Mechanism::EcdsaSha256, ec, b"right")
        .expect("right PIN");
}
