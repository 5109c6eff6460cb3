//! Renewal on a PIV card without MOVE KEY (YubiKey firmware before 5.7, other PIV cards): Sello
//! refuses, with the reason, before anything changes — the holder keeps a working key — rather
//! than overwriting the key in place before a new certificate exists.
//!
//! The card is the virtual card's applet, activated in-process with a real in-process issuer,
//! seen through a thin wrapper that answers GET VERSION with 5.4.3 and does not know INS F6, as
//! such cards do. (The smallest switch until the virtual card's own compat modes land.)
#![cfg(all(feature = "est-client", feature = "virtual-card"))]
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sello::card::piv::{PivCard, Slot};
use sello::enroll::activation::{
    Activation, ActivationError, ActivationRequest, ActivationUi, OperatorSecret, Step, StepResult,
};
use sello::enroll::est::{EstClientConfig, PendingNotice, TrustAnchor};
use sello::enroll::journal::JournalStore;
use sello::enroll::local::LocalIssuer;
use sello::enroll::renew::{
    Refusal, RenewError, RenewRequest, RenewStep, RenewUi, Renewal, RenewalStore,
};
use sello::enroll::EnrollmentCode;
use sello::pin::Puk;
use sello::profile::{self, Identity, SecretRule};
use sello::transport::memory::{InProcessCard, MemoryTransport};
use sello::transport::Transport;
use sello::virtual_card::VirtualCard;
use zeroize::Zeroizing;

const PIN: &str = "246810";
const MASTER: &[u8] = b"operator master secret for tests";

/// The applet as a pre-5.7 YubiKey shows it: version 5.4.3, no MOVE KEY.
struct Firmware54(VirtualCard);

impl InProcessCard for Firmware54 {
    fn reset(&mut self) -> Vec<u8> {
        self.0.reset()
    }
    fn transmit(&mut self, cmd: &[u8]) -> Vec<u8> {
        match cmd.get(1) {
            Some(0xFD) => vec![5, 4, 3, 0x90, 0x00],
            Some(0xF6) => vec![0x6D, 0x00],
            _ => self.0.transmit(cmd),
        }
    }
}

struct Ui;

impl ActivationUi for Ui {
    fn new_pin(&mut self, _: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        Ok(Zeroizing::new(PIN.into()))
    }
    fn current_pin(&mut self) -> Result<Zeroizing<String>, ActivationError> {
        Ok(Zeroizing::new(PIN.into()))
    }
    fn new_puk(&mut self, _: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        unreachable!("citizen-piv generates the PUK")
    }
    fn show_puk(&mut self, _: &Puk) {}
    fn enrollment_code(&mut self) -> Result<EnrollmentCode, ActivationError> {
        Ok(EnrollmentCode::new("Ab3dE6gH9k"))
    }
    fn step_started(&mut self, _: Step) {}
    fn step_finished(&mut self, _: &StepResult) {}
}

#[derive(Default)]
struct RenewScript {
    pins_asked: usize,
}

impl RenewUi for RenewScript {
    fn pin(&mut self) -> Result<Zeroizing<String>, RenewError> {
        self.pins_asked += 1;
        Ok(Zeroizing::new(PIN.into()))
    }
    fn pending(&mut self, _: &PendingNotice) {}
    fn step(&mut self, _: &RenewStep) {}
}

#[test]
fn a_card_without_move_key_is_refused_before_anything_changes() {
    let (t, _ctl) = MemoryTransport::new(Firmware54(VirtualCard::factory(10_000_054)));
    let mut card = PivCard::open(Transport::new(Box::new(t))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = JournalStore::new(dir.path().join("activations"));
    let mut ca = LocalIssuer::generate().unwrap();
    let profile = profile::find(&profile::load_all_from(None).unwrap(), "citizen-piv").unwrap();
    let request = ActivationRequest {
        profile: profile.clone(),
        identity: Identity::new(
            "12345678Z",
            "Lucía",
            "Fernández Ruiz",
            Some("lucia@example.es"),
        )
        .unwrap(),
        algorithms: HashMap::new(),
        trust_anchors: vec![ca.ca_cert_der().to_vec()],
        replace_existing: false,
    };
    let secret = OperatorSecret::Master(Zeroizing::new(MASTER.to_vec()));
    Activation::begin(&mut card, &request, &secret, &store)
        .unwrap()
        .run(&mut ca, &mut Ui)
        .unwrap();
    assert_eq!(card.version().unwrap().minor, 4);
    let before = card.read_certificate(Slot(0x9A)).unwrap().unwrap().der;
    let (_, c) = x509_parser::parse_x509_certificate(&before).unwrap();
    let now = c.validity().not_after.timestamp() - 30 * 86_400;

    let renew = RenewRequest {
        profile,
        slots: vec![Slot(0x9A), Slot(0x9C)],
        trust_anchors: vec![ca.ca_cert_der().to_vec()],
        est: EstClientConfig::new(
            "https://127.0.0.1:9",
            TrustAnchor::from_fingerprint(&"00".repeat(32)).unwrap(),
        ),
        force: false,
        window_days: 60,
        now,
    };
    let card = Arc::new(Mutex::new(card));
    let renewals = RenewalStore::beside(store.dir());
    let mut ui = RenewScript::default();
    let err = Renewal::begin(Arc::clone(&card), &renew, &renewals)
        .unwrap()
        .run(&OperatorSecret::None, &mut ui)
        .unwrap_err();
    match &err {
        RenewError::Refused {
            refusal: Refusal::CannotStage(why),
            ..
        } => assert!(
            why.contains("firmware 5.4.3") && why.contains("MOVE KEY"),
            "{why}"
        ),
        other => panic!("not refused for the card: {other}"),
    }
    let msg = sello::i18n::with_language("en", || err.to_string());
    assert!(msg.contains("renew at a registration point"), "{msg}");
    // Refused before the PIN was asked; nothing staged, the certificate and key unchanged.
    assert_eq!(ui.pins_asked, 0);
    let mut card = card.lock().unwrap();
    assert!(
        card.metadata(Slot(0x95)).unwrap().is_none(),
        "a key was staged"
    );
    assert_eq!(
        card.read_certificate(Slot(0x9A)).unwrap().unwrap().der,
        before
    );
    assert_eq!(card.pin_status().unwrap().pin.unwrap().remaining, 3);
}
