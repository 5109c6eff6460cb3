//! The virtual card says what its state file holds (secrets in the clear) and cleans the full
//! copies a kill during a state write leaves behind.
#![cfg(feature = "virtual-card")]

use std::path::Path;

use sello::virtual_card::{CardState, VirtualCard};

#[test]
fn help_warns_that_the_state_file_holds_secrets_in_the_clear() {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_sello-vcard"))
        .arg("--help")
        .env("LC_ALL", "C")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in ["in the clear", "PIN, PUK", "management key", "private keys"] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn leftover_state_copies_are_removed_at_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("card.json");
    let card =
        VirtualCard::open_or_create(&state, || CardState::factory(10_000_001)).expect("card");
    drop(card);
    let copy = |name: &str| {
        std::fs::copy(&state, dir.path().join(name)).expect("copy");
    };
    // What a kill between the temporary file's write and its rename leaves: a full copy.
    copy(".card.json.tmpA1b2C3");
    // The name earlier versions used (tempfile's default).
    copy(".tmpQ9w8E7");
    // Not ours: a file of another program with a look-alike name, and any other file.
    std::fs::write(dir.path().join(".tmpZZZZZZ"), b"someone else's").expect("write");
    std::fs::write(dir.path().join("notes.txt"), b"keep").expect("write");

    let card = VirtualCard::open_or_create(&state, || panic!("the state exists")).expect("card");
    assert_eq!(card.state().serial, 10_000_001);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".tmpZZZZZZ", "card.json", "notes.txt"]);
    assert!(Path::new(&state).exists());
}
