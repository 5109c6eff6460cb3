//! The private pcscd rig itself: two cards, fixture state files, cleanup, and the `sandbox` command.
#![cfg(feature = "virtual-card")]

mod rig;

use std::path::PathBuf;
use std::process::Command;

use rig::{text, Bench, OPENSC_PKCS11};
use sello::virtual_card::rig::{Rig, RigError, RigOptions};

const VCARD: &str = env!("CARGO_BIN_EXE_sello-vcard");

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/vcard")
        .join(name)
}

#[test]
fn two_cards_in_two_readers() {
    assert!(
        matches!(
            Rig::start(RigOptions::new(VCARD).cards(3)),
            Err(RigError::TooManyCards(3))
        ),
        "vpcd has two slots per pcscd"
    );
    let rig = Rig::start(RigOptions::new(VCARD).cards(2)).expect("rig");
    let names: Vec<&str> = (0..2).map(|i| rig.reader_name(i).expect("name")).collect();
    assert_eq!(names, ["Virtual PCD 00 00", "Virtual PCD 00 01"]);
    let out = rig
        .command("opensc-tool")
        .arg("-l")
        .output()
        .expect("opensc-tool");
    let listing = text(&out);
    for name in &names {
        assert!(
            listing.contains(&format!("Yes             {name}")),
            "{name} in:\n{listing}"
        );
    }
    for (i, name) in names.iter().enumerate() {
        let out = rig
            .command("yubico-piv-tool")
            .args(["-r", name, "-a", "status"])
            .output()
            .expect("yubico-piv-tool");
        let status = text(&out);
        assert!(
            status.contains(&format!("Serial Number:\t{}", 10_000_001 + i)),
            "card {i}:\n{status}"
        );
    }
}

#[test]
fn a_fixture_state_file_is_served() {
    let mut opts = RigOptions::new(VCARD);
    opts.state_files = vec![fixture("provisioned.json")];
    let rig = Rig::start(opts).expect("rig");
    let work = tempfile::tempdir().expect("work");
    let run = |program: &str, args: &[&str]| {
        let out = rig
            .command(program)
            .args(args)
            .current_dir(work.path())
            .output()
            .expect("run");
        assert!(out.status.success(), "{program} {args:?}:\n{}", text(&out));
        text(&out)
    };
    std::fs::write(work.path().join("data"), b"card authentication").expect("write");
    // 9E (card authentication, PIN never): OpenSC signs without a login.
    run(
        "pkcs11-tool",
        &[
            "--module",
            OPENSC_PKCS11,
            "--login",
            "--pin",
            "123456",
            "--sign",
            "--id",
            "04",
            "-m",
            "ECDSA-SHA256",
            "-i",
            "data",
            "-o",
            "sig",
            "--signature-format",
            "openssl",
        ],
    );
    let pubkey = fixture("provisioned-9e.pub.pem");
    let pubkey = pubkey.to_str().expect("utf-8 path");
    let verified = run(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            pubkey,
            "-signature",
            "sig",
            "data",
        ],
    );
    assert!(verified.contains("Verified OK"), "{verified}");
    // The 9D certificate is the fixture's.
    let reader = rig.reader_name(0).expect("reader");
    run(
        "yubico-piv-tool",
        &[
            "-r",
            reader,
            "-a",
            "read-certificate",
            "-s",
            "9d",
            "-o",
            "9d.crt",
        ],
    );
    assert_eq!(
        std::fs::read(work.path().join("9d.crt")).expect("read"),
        std::fs::read(fixture("provisioned-9d.crt")).expect("fixture")
    );
    // The rig copied the fixture: the original is untouched by the card.
    assert_ne!(
        rig.state_path(0),
        Some(fixture("provisioned.json").as_path())
    );
}

/// `sello-vcard` with its messages in the language `lang` (a POSIX locale name, as `LANG` holds
/// it), whatever the machine's locale is.
fn vcard_in(lang: &str) -> Command {
    let mut cmd = Command::new(VCARD);
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang);
    cmd
}

#[test]
fn sandbox_runs_a_command_against_a_card() {
    let out = Command::new(VCARD)
        .env("LC_ALL", "C")
        .args(["sandbox", "--", "opensc-tool", "-n"])
        .output()
        .expect("sandbox");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Personal Identity Verification Card"), "{t}");
    assert!(
        t.contains("sello-vcard sandbox: card 0 in \"Virtual PCD 00 00\""),
        "{t}"
    );
    // The command's exit code comes back; the operator reads the sandbox's lines in Spanish, and
    // the socket line still holds the variable's `NAME=value` whole, as the command sees it.
    let out = vcard_in("es_ES.UTF-8")
        .args([
            "sandbox",
            "--cards",
            "2",
            "--",
            "sh",
            "-c",
            "opensc-tool -l | grep -c Yes; echo \"PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME\"; exit 3",
        ])
        .output()
        .expect("sandbox");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("2"), "{}", text(&out));
    let setting = lines.next().expect("the socket variable");
    assert!(setting.len() > "PCSCLITE_CSOCK_NAME=".len(), "{setting}");
    let expected = [
        "sello-vcard sandbox: tarjeta 0 en «Virtual PCD 00 00»".to_owned(),
        "sello-vcard sandbox: tarjeta 1 en «Virtual PCD 00 01»".to_owned(),
        format!("sello-vcard sandbox: socket de pcscd: {setting}"),
    ];
    let sandbox_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("sello-vcard sandbox: "))
        .collect();
    assert_eq!(sandbox_lines, expected, "{stderr}");
}

#[test]
fn vcard_errors_and_start_up_line_follow_the_language() {
    // Valencian: a bad --atr (before any card or reader exists).
    let out = vcard_in("ca_ES.UTF-8@valencia")
        .args(["--atr", "3B:ZZ"])
        .output()
        .expect("sello-vcard");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("sello-vcard: error: --atr no és hexadecimal: "),
        "{stderr}"
    );
    // Spanish, with a number: a sandbox of three cards is refused before pcscd starts.
    let out = vcard_in("es_ES.UTF-8")
        .args(["sandbox", "--cards", "3", "--", "true"])
        .output()
        .expect("sello-vcard");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sello-vcard: error: no se puede arrancar el entorno aislado (un pcscd privado con \
         tarjetas virtuales): un banco de pruebas admite de 1 a 2 tarjetas, no 3\n"
    );
    // The start-up line of a card served from memory, in Valencian (where it differs from
    // central Catalan), then its first attempt to reach vpcd (nothing listens on port 1).
    let mut child = vcard_in("ca_ES.UTF-8@valencia")
        .args(["--vpcd", "127.0.0.1:1", "--serial", "12345678"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sello-vcard");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = |what: &str| {
        let mut l = String::new();
        std::io::BufRead::read_line(&mut stderr, &mut l).expect(what);
        l
    };
    let start = line("start-up line");
    let waiting = line("vpcd line");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        start,
        "sello-vcard: número de sèrie 12345678, yubikey-5.7, estat només en memòria (es perd \
         en eixir)\n"
    );
    assert!(
        waiting.starts_with("sello-vcard: esperant vpcd a 127.0.0.1:1: "),
        "{waiting}"
    );
}

#[test]
fn pulled_card_leaves_an_empty_reader() {
    let mut b = Bench::start();
    b.rig.remove_card(0).expect("remove");
    let listing = b.ok("opensc-tool", &["-l"]);
    assert!(
        listing.contains("No              Virtual PCD 00 00"),
        "{listing}"
    );
    b.rig.insert_card(0).expect("insert");
    let listing = b.ok("opensc-tool", &["-l"]);
    assert!(
        listing.contains("Yes             Virtual PCD 00 00"),
        "{listing}"
    );
}

#[test]
fn dropping_the_rig_stops_everything() {
    let rig = Rig::start(RigOptions::new(VCARD).cards(2)).expect("rig");
    let pids = rig.pids();
    assert_eq!(pids.len(), 3, "pcscd and two cards");
    let dir = rig.dir().to_path_buf();
    let socket = rig.socket_path();
    assert!(socket.exists());
    drop(rig);
    for pid in pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "process {pid} still there"
        );
    }
    assert!(!dir.exists(), "rig directory removed");
}
