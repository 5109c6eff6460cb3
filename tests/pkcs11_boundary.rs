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
