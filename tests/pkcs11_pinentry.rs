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
use support::{module_path, provision, wrong_pin, PIN};

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

    // First use of the 9A key, by four threads at once: one dialog (the others wait for it and
    // find the card verified), naming the card and the tries left; Assuan escaping of the
    // newline in the description.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let p = p.clone();
            std::thread::spawn(move || {
                let s = p.open_ro_session(slot).expect("session");
                s.sign(&Mechanism::Sha256RsaPkcs, rsa, b"no C_Login")
                    .expect("sign after the pinentry dialog")
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("thread").len(), 256);
    }
    assert_eq!(getpins(&pe_log), 1, "one dialog for four threads");
    let lines = log(&pe_log);
    let desc = lines
        .iter()
        .find(|l| l.starts_with("SETDESC "))
        .expect("SETDESC sent");
    assert!(desc.contains("Alice Holder"), "{desc}");
    // The module runs in this process, so in this process's language.
    let three = sello::tr!("tries-left", left = 3);
    assert!(desc.contains(&format!("%0A{three}")), "{desc}");
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
            .any(|l| l.starts_with(&format!("SETERROR {}", wrong_pin(2)))),
        "{new:?}"
    );
    assert!(
        new.iter()
            .any(|l| l.starts_with("SETDESC ") && l.contains(&sello::tr!("tries-left", left = 2))),
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

/// The real `pinentry-tty` (Debian package pinentry-tty) under a pseudo-terminal from
/// `script(1)`: `pkcs11-tool --login` without `--pin` on our protected-authentication-path token
/// calls `C_Login(NULL)`, the module runs pinentry-tty on `$GPG_TTY`, the test types the PIN when
/// the prompt shows, and the signature verifies with openssl. Skipped (with a note) when
/// pinentry-tty or script is missing.
#[test]
fn real_pinentry_tty_under_a_pty() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let pinentry_tty = Path::new("/usr/bin/pinentry-tty");
    if !pinentry_tty.exists() || !Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: pinentry-tty or script(1) not installed (scripts/install-deps)");
        return;
    }
    let b = Bench::start();
    provision(&b, false);
    let config = b.path("sello.toml");
    std::fs::write(
        &config,
        "[pkcs11]\npin_mode = \"pinentry\"\npinentry = \"/usr/bin/pinentry-tty\"\n",
    )
    .expect("config");
    b.write("data", b"signed after a pinentry-tty dialog");
    let inner = format!(
        "export GPG_TTY=$(tty); exec pkcs11-tool --module {} --login --sign --id 01 \
         -m SHA256-RSA-PKCS -i data -o sig",
        support::module()
    );
    let mut child = b
        .rig
        .command("script")
        .args(["-qfec", &inner, "/dev/null"])
        .env("SELLO_CONFIG", &config)
        .env("XDG_CACHE_HOME", b.path("cache"))
        .env("LC_ALL", "C")
        .current_dir(b.dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    // Read the terminal until pinentry-tty's prompt shows, then type the PIN.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut typed = false;
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(chunk) => screen.extend_from_slice(&chunk),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if !typed && String::from_utf8_lossy(&screen).contains("PIN:") {
            std::thread::sleep(std::time::Duration::from_millis(200));
            stdin
                .write_all(format!("{PIN}\n").as_bytes())
                .expect("type the PIN");
            typed = true;
        }
    }
    let _ = child.kill();
    let status = child.wait().expect("script exits");
    let screen = String::from_utf8_lossy(&screen).into_owned();
    assert!(typed, "no PIN prompt seen:\n{screen}");
    assert!(
        screen.contains("Alice Holder"),
        "the dialog names the card:\n{screen}"
    );
    assert!(screen.contains("3 tries left"), "{screen}");
    assert!(b.path("sig").exists(), "no signature ({status}):\n{screen}");
    b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pem",
            "-signature",
            "sig",
            "data",
        ],
    );
}
