//! PIV driver through the real pcscd: a private pcscd + vpcd + `sello-vcard` (the rig).
//!
//! libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, so everything runs in one test
//! function against one rig: first what only a real reader shows (reader listing and monitoring,
//! a reset by another process, the card pulled while another thread works, interoperability with
//! yubico-piv-tool), then every shared scenario of `driver_scenarios` (the ones `driver_virtual.rs`
//! runs in-process), each on a card put back into its factory state.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod driver_scenarios;

use driver_scenarios::{extended_atr, Bench};
use sello::virtual_card::CardState;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use sello::card::piv::{PinPolicy, PivCard, PublicKey, Slot, TouchPolicy};
use sello::card::{CardDriver, CardError, KeyAlgorithm};
use sello::pin::{ManagementKey, Pin};
use sello::transport::pcsc::{list_readers, ReaderEvent, ReaderMonitor};
use sello::transport::{Transport, TransportError};
use sello::virtual_card::rig::{Rig, RigOptions};
use sha2::{Digest, Sha256};
use std::time::Duration;

fn pin() -> Pin {
    Pin::new("123456").unwrap()
}

fn verify_p256(pk: &PublicKey, msg: &[u8], sig: &[u8]) {
    use p256::ecdsa::signature::Verifier;
    let PublicKey::P256(p) = pk else {
        panic!("not P-256")
    };
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(p).unwrap();
    vk.verify(msg, &p256::ecdsa::Signature::from_der(sig).unwrap())
        .expect("signature verifies");
}

/// The rig as a [`Bench`]: card 0 (serial 10000001, default ATR) serves the fresh cards, card 1
/// (serial 10000002) the extended-length ones. Before each card is handed out it is pulled, given a
/// factory state file and inserted again, so scenarios stay independent.
struct ThroughPcscd<'a> {
    rig: &'a mut Rig,
}

impl ThroughPcscd<'_> {
    fn reader(&self, i: usize) -> String {
        self.rig.reader_name(i).unwrap().to_owned()
    }

    fn open(&self, i: usize) -> PivCard {
        PivCard::open(Transport::open_pcsc(&self.reader(i)).unwrap()).expect("PIV card opens")
    }
}

impl Bench for ThroughPcscd<'_> {
    fn fresh_card(&mut self) -> PivCard {
        self.rig.factory_reset(0).expect("factory state in card 0");
        self.open(0)
    }

    fn extended_card(&mut self) -> PivCard {
        let mut state = CardState::factory(10_000_002);
        state.atr = Some(extended_atr());
        self.rig.replace_state(1, &state).expect("card 1 replaced");
        self.open(1)
    }

    fn connect(&mut self) -> Transport {
        Transport::open_pcsc(&self.reader(0)).unwrap()
    }

    fn reset_by_other(&mut self) {
        let out = self
            .rig
            .command("opensc-tool")
            .args(["-r", &self.reader(0), "--reset"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
}

#[test]
fn piv_through_pcscd() {
    let mut rig =
        Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).cards(2)).expect("rig");
    // Before any PC/SC call in this process.
    std::env::set_var("PCSCLITE_CSOCK_NAME", rig.socket_path());
    reader_behaviour(&mut rig);

    // Every shared scenario; a failing one does not hide the others.
    let mut failed = Vec::new();
    for (name, scenario) in driver_scenarios::ALL {
        let started = Instant::now();
        let mut bench = ThroughPcscd { rig: &mut rig };
        let ok = catch_unwind(AssertUnwindSafe(|| scenario(&mut bench))).is_ok();
        eprintln!(
            "scenario {name} through pcscd: {} in {:.1?}",
            if ok { "ok" } else { "FAILED" },
            started.elapsed()
        );
        if !ok {
            failed.push(*name);
        }
    }
    assert!(
        failed.is_empty(),
        "scenarios failed through pcscd: {failed:?}\n--- pcscd log ---\n{}",
        rig.pcscd_log()
    );
}

/// What only a real reader shows: listing, monitoring, a reset by another process, removal while
/// another thread works, and yubico-piv-tool on the same card.
fn reader_behaviour(rig: &mut Rig) {
    let reader = rig.reader_name(0).unwrap().to_owned();

    // Readers and monitor.
    let readers = list_readers().unwrap();
    let ours = readers
        .iter()
        .find(|r| r.name == reader)
        .expect("our reader");
    assert!(ours.card_present);
    let mut monitor = ReaderMonitor::new().unwrap();
    let initial = monitor.wait(Duration::from_millis(100)).unwrap();
    assert!(
        initial
            .iter()
            .any(|e| matches!(e, ReaderEvent::CardInserted { reader: r, .. } if *r == reader)),
        "{initial:?}"
    );

    // A blocking wait can be interrupted from another thread.
    let canceller = monitor.canceller();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        canceller.cancel().unwrap();
    });
    let started = std::time::Instant::now();
    assert!(monitor.wait(Duration::from_secs(30)).unwrap().is_empty());
    assert!(started.elapsed() < Duration::from_secs(10));
    t.join().unwrap();

    // Open by reader name, identify, status.
    let mut card = PivCard::open(Transport::open_pcsc(&reader).unwrap()).unwrap();
    let info = CardDriver::info(&mut card).unwrap();
    assert_eq!(info.serial.as_deref(), Some("10000001"));
    assert_eq!(info.version.as_deref(), Some("5.7.1"));
    assert_eq!(info.reader, reader);
    let st = card.pin_status().unwrap();
    assert_eq!(st.pin.unwrap().remaining, 3);

    // PIN, management key, key generation, signature, certificate.
    assert!(matches!(
        card.verify_pin(&Pin::new("999999").unwrap()),
        Err(CardError::WrongPin { tries_left: 2 })
    ));
    card.verify_pin(&pin()).unwrap();
    card.authenticate(&ManagementKey::default_3des()).unwrap();
    let pk = card
        .generate_key(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            PinPolicy::Once,
            TouchPolicy::Never,
        )
        .unwrap();
    let msg = b"through pcscd";
    let sig = card
        .sign(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            &Sha256::digest(msg),
            None,
        )
        .unwrap();
    verify_p256(&pk, msg, &sig);
    let cert = card.attest(Slot::AUTHENTICATION).unwrap();
    card.write_certificate(Slot::AUTHENTICATION, &cert, true, Some(&pk))
        .unwrap();
    assert_eq!(
        card.read_certificate(Slot::AUTHENTICATION)
            .unwrap()
            .unwrap()
            .der,
        cert
    );
    let slots = CardDriver::key_slots(&mut card).unwrap();
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0].algorithm, Some(KeyAlgorithm::EccP256));
    assert!(card.apdu_count() > 10);

    // Another process resets the card: the driver re-selects and reports the lost login.
    assert!(card.pin_status().unwrap().verified);
    let out = rig
        .command("opensc-tool")
        .args(["-r", &reader, "--reset"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let st = card.pin_status().unwrap();
    assert!(!st.verified, "login must be lost after a reset");
    assert!(CardDriver::take_reset_event(&mut card));
    assert!(!card.is_management_authenticated());
    assert!(matches!(
        card.sign(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            &Sha256::digest(msg),
            None
        ),
        Err(CardError::SecurityStatusNotSatisfied)
    ));
    let sig = card
        .sign(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            &Sha256::digest(msg),
            Some(&pin()),
        )
        .unwrap();
    verify_p256(&pk, msg, &sig);

    // Card removed while operations run in another thread: a clear error, no hang.
    let worker = std::thread::spawn(move || {
        for _ in 0..10_000 {
            if let Err(e) = card.read_certificate(Slot::AUTHENTICATION) {
                return (card, e);
            }
        }
        panic!("card never went away");
    });
    std::thread::sleep(Duration::from_millis(300));
    rig.remove_card(0).unwrap();
    let (mut card, err) = worker.join().unwrap();
    assert!(err.is_card_removed(), "unexpected error: {err}");
    let msg_text = sello::i18n::with_language("en", || err.to_string());
    assert!(
        msg_text.contains("card removed") || msg_text.contains("no card"),
        "{msg_text}"
    );
    let events = monitor.wait(Duration::from_secs(2)).unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ReaderEvent::CardRemoved { reader: r } if *r == reader)),
        "{events:?}"
    );
    // While out: every operation fails clearly.
    let e = card.pin_status().unwrap_err();
    assert!(e.is_card_removed(), "{e}");

    // Back in: the same driver object reconnects, re-selects, is logged out; state consistent.
    rig.insert_card(0).unwrap();
    let st = card.pin_status().unwrap();
    assert!(!st.verified);
    assert_eq!(
        card.read_certificate(Slot::AUTHENTICATION)
            .unwrap()
            .unwrap()
            .der,
        cert
    );
    let meta = card.metadata(Slot::AUTHENTICATION).unwrap().unwrap();
    assert_eq!(meta.public_key.as_ref(), Some(&pk));

    // Interoperability with a tool we did not write (yubico-piv-tool, same pcscd): it reads the
    // certificate we wrote, and we read the key it generates (same SPKI DER).
    let tmp = rig.dir().join("interop");
    std::fs::create_dir_all(&tmp).unwrap();
    card.authenticate(&ManagementKey::default_3des()).unwrap();
    card.write_certificate(Slot::AUTHENTICATION, &cert, false, Some(&pk))
        .unwrap();
    let yk = |args: &[&str]| {
        let out = rig
            .command("yubico-piv-tool")
            .arg("-r")
            .arg(&reader)
            .args(args)
            .current_dir(&tmp)
            .output()
            .unwrap();
        assert!(out.status.success(), "yubico-piv-tool {args:?}: {out:?}");
    };
    yk(&[
        "-a",
        "read-certificate",
        "-s",
        "9a",
        "-K",
        "DER",
        "-o",
        "9a.der",
    ]);
    assert_eq!(std::fs::read(tmp.join("9a.der")).unwrap(), cert);
    yk(&[
        "-a", "generate", "-s", "9e", "-A", "ECCP384", "-o", "9e.pem",
    ]);
    let pem = std::fs::read_to_string(tmp.join("9e.pem")).unwrap();
    let (_, der) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    let theirs = PublicKey::from_spki_der(&der.contents).unwrap();
    let meta = card.metadata(Slot::CARD_AUTHENTICATION).unwrap().unwrap();
    assert_eq!(meta.public_key.as_ref(), Some(&theirs));
    assert_eq!(theirs.to_spki_der().unwrap(), der.contents);

    // Unknown reader: a clear error.
    match Transport::open_pcsc("No Such Reader 00 00") {
        Err(TransportError::ReaderNotFound(name)) => assert_eq!(name, "No Such Reader 00 00"),
        other => panic!("unexpected {other:?}"),
    }
}
