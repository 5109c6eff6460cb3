//! The C boundary of `libsello.so` as C programs see it: small C programs (compiled here with
//! `cc`) load the built module with `dlopen` and call its exports directly, each in its own
//! process, so a hang or an abort is the program's exit status, not this test's.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rig::Bench;
use support::{module, provision, PIN};

/// A C program from `tests/pkcs11_support/`, compiled into the scratch directory.
fn compile(b: &Bench, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pkcs11_support")
        .join(format!("{name}.c"));
    let exe = b.path(name);
    let out = Command::new("cc")
        .args(["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-O1", "-o"])
        .arg(&exe)
        .arg(&src)
        .args(["-ldl", "-lpthread"])
        .output()
        .expect("cc runs");
    assert!(out.status.success(), "cc {name}.c:\n{}", rig::text(&out));
    exe
}

/// Runs `exe args` with the rig's environment. A program still running after `watchdog` is
/// killed and reported: this detects a hang, it measures nothing.
fn run_watched(b: &Bench, exe: &Path, args: &[&str], watchdog: Duration) -> Output {
    let mut child = b
        .rig
        .command(exe)
        .args(args)
        .current_dir(b.dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("program starts");
    let deadline = Instant::now() + watchdog;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "{} {args:?} hung (killed after {watchdog:?}):\n{}",
                exe.display(),
                rig::text(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// Issue #13: `fork()` after `C_Initialize` returns in every state — idle (the watcher blocked
/// in `SCardGetStatusChange`), while another thread signs, while another thread waits for a
/// slot event — and the child can initialize the module again and see the token. Both with the
/// module's watcher thread (flags 2) and without threads of its own (flags 3, p11-kit's way).
#[test]
fn fork_returns_in_every_state() {
    let b = Bench::start();
    provision(&b, false);
    let exe = compile(&b, "fork");
    for flags in ["2", "3"] {
        let out = run_watched(&b, &exe, &[&module(), flags, PIN], Duration::from_secs(120));
        let text = rig::text(&out);
        assert!(out.status.success(), "flags {flags}:\n{text}");
        for state in ["idle", "signing", "waiting for slot events"] {
            assert!(
                text.contains(&format!("fork ok: {state}")),
                "flags {flags}: {text}"
            );
        }
        assert!(text.contains("done"), "{text}");
    }
}

/// Issue #13 "caller-supplied values" and issue #10 §5: every export, before and after
/// `C_Initialize`, with NULL pointers, session 0, an invalid slot, lengths of 2^40, 2^63-1 and
/// `CK_UNAVAILABLE_INFORMATION`, templates with such lengths and counts, and `C_FindObjects`
/// with `ULONG_MAX` after a partial read. Nothing may crash or abort the process, the answers
/// follow §5.1's order, and the module prints nothing (a caught panic included).
#[test]
fn no_argument_crashes_the_process() {
    let b = Bench::start();
    provision(&b, false);
    let exe = compile(&b, "boundary");
    let out = run_watched(&b, &exe, &[&module()], Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "status {}:\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    assert!(stdout.contains("0 failures"), "{stdout}");
    assert!(stderr.is_empty(), "the module printed:\n{stderr}");
}

/// Issue #10 §5: `C_DigestInit/Digest/DigestUpdate/DigestKey/DigestFinal` in software for SHA-1,
/// SHA-2 and SHA-3, with the state rules of the other operations (checked by a C program);
/// every digest, one part and many, equals openssl's; OpenSC's `pkcs11-tool --hash` gets the
/// same as openssl through the module.
#[test]
fn digests_agree_with_openssl() {
    let b = Bench::start();
    provision(&b, false);
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    b.write("data.bin", &data);
    let exe = compile(&b, "digest");
    let data_path = b.path("data.bin").display().to_string();
    let out = run_watched(&b, &exe, &[&module(), &data_path], Duration::from_secs(120));
    let text = rig::text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 failures"), "{text}");
    for alg in [
        "sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-384", "sha3-512",
    ] {
        let want = b.ok("openssl", &["dgst", &format!("-{alg}"), "-r", "data.bin"]);
        let want = want.split_whitespace().next().expect("openssl digest");
        assert!(text.contains(&format!("{alg} {want}\n")), "{alg}: {text}");
        assert!(
            text.contains(&format!("{alg}-parts {want}\n")),
            "{alg}: {text}"
        );
    }
    for (mech, alg) in [
        ("SHA256", "sha256"),
        ("SHA-1", "sha1"),
        ("SHA512", "sha512"),
    ] {
        let m = module();
        b.ok(
            "pkcs11-tool",
            &[
                "--module",
                &m,
                "--hash",
                "-m",
                mech,
                "--input-file",
                "data.bin",
                "--output-file",
                "p11.digest",
            ],
        );
        b.ok(
            "openssl",
            &[
                "dgst",
                &format!("-{alg}"),
                "-binary",
                "-out",
                "ossl.digest",
                "data.bin",
            ],
        );
        assert_eq!(b.read("p11.digest"), b.read("ossl.digest"), "{mech}");
    }
}

/// Issue #10 §1: initialized the way p11-kit and GnuTLS do (`CKF_LIBRARY_CANT_CREATE_OS_THREADS
/// | CKF_OS_LOCKING_OK`), the module creates no thread and still follows the card: a removal is
/// a slot event (a blocking `C_WaitForSlotEvent` on the caller's thread sees it), closes the
/// token's sessions and empties the slot; the card back is an event and a new session works.
/// The only test of this binary that loads the module in-process (libpcsclite reads its socket
/// variable once per process).
#[test]
fn without_threads_removal_and_insertion_are_seen() {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::error::{Error, RvError};

    let mut b = Bench::start();
    provision(&b, false);
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.rig.cache_dir());
    let p = Pkcs11::new(support::module_path()).expect("load");
    p.initialize(CInitializeArgs::new(
        CInitializeFlags::OS_LOCKING_OK | CInitializeFlags::LIBRARY_CANT_CREATE_OS_THREADS,
    ))
    .expect("C_Initialize with flags 3");
    let slot = *p
        .get_slots_with_token()
        .expect("slots")
        .first()
        .expect("a token");
    let s = p.open_ro_session(slot).expect("session");
    // No reader thread of the module's (Linux keeps the first 15 bytes of a thread's name;
    // other tests of this binary may start threads of their own meanwhile).
    let module_threads = std::fs::read_dir("/proc/self/task")
        .expect("tasks")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim_end() == "sello-pkcs11-re")
        .count();
    assert_eq!(module_threads, 0, "the module started its reader thread");
    assert_eq!(p.get_slot_event().expect("no event yet"), None);

    b.rig.remove_card(0).expect("remove");
    assert_eq!(p.wait_for_slot_event().expect("removal"), slot);
    assert!(p.get_slots_with_token().expect("slots").is_empty());
    assert!(matches!(
        s.get_session_info(),
        Err(Error::Pkcs11(RvError::SessionHandleInvalid, _))
    ));
    assert!(matches!(
        p.get_token_info(slot),
        Err(Error::Pkcs11(RvError::TokenNotPresent, _))
    ));

    b.rig.insert_card(0).expect("insert");
    assert_eq!(p.wait_for_slot_event().expect("insertion"), slot);
    assert_eq!(p.get_slots_with_token().expect("slots"), vec![slot]);
    let s = p.open_ro_session(slot).expect("a new session");
    assert!(s.get_session_info().is_ok());
    drop(s);
    p.finalize().expect("C_Finalize");
}
