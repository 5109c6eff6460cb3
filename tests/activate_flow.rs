//! The activation workflow against the in-process virtual card with a real in-process issuer
//! (rcgen, test CA key): complete runs for RSA-2048 and P-256, resumption after the CA was
//! unreachable and the card pulled, after a crash between enrollment and the write, and refusal
//! of a certificate for another key.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use sello::card::piv::{PivCard, Slot};
use sello::card::{KeyAlgorithm, PublicKey};
use sello::enroll::activation::{
    Activation, ActivationError, ActivationRequest, ActivationUi, OperatorSecret, Step, StepResult,
};
use sello::enroll::journal::JournalStore;
use sello::enroll::local::{pem_decode, LocalIssuer};
use sello::enroll::{EnrollError, Enroller, EnrollmentCode, Purpose};
use sello::pin::{ManagementKey, Pin, Puk};
use sello::profile::{self, Identity, SecretRule};
use sello::transport::memory::{virtual_card, MemoryControl};
use sello::virtual_card::VirtualCard;
use zeroize::Zeroizing;

const PIN: &str = "246810";
const MASTER: &[u8] = b"operator master secret for tests";

#[derive(Default)]
struct ScriptUi {
    asked_new_pin: usize,
    asked_current_pin: usize,
    puk: Option<String>,
    finished: Vec<StepResult>,
}

impl ActivationUi for ScriptUi {
    fn new_pin(&mut self, _: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        self.asked_new_pin += 1;
        Ok(Zeroizing::new(PIN.into()))
    }
    fn current_pin(&mut self) -> Result<Zeroizing<String>, ActivationError> {
        self.asked_current_pin += 1;
        Ok(Zeroizing::new(PIN.into()))
    }
    fn new_puk(&mut self, _: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        unreachable!("citizen-piv generates the PUK")
    }
    fn show_puk(&mut self, puk: &Puk) {
        self.puk = Some(String::from_utf8(puk.padded().to_vec()).unwrap());
    }
    fn enrollment_code(&mut self) -> Result<EnrollmentCode, ActivationError> {
        Ok(EnrollmentCode::new("Ab3dE6gH9k"))
    }
    fn step_started(&mut self, _: Step) {}
    fn step_finished(&mut self, r: &StepResult) {
        self.finished.push(r.clone());
    }
}

struct Setup {
    card: PivCard,
    ctl: MemoryControl<VirtualCard>,
    store: JournalStore,
    _dir: tempfile::TempDir,
    ca: LocalIssuer,
}

fn setup() -> Setup {
    let (t, ctl) = virtual_card(10_000_042);
    let dir = tempfile::tempdir().unwrap();
    Setup {
        card: PivCard::open(t).unwrap(),
        ctl,
        store: JournalStore::new(dir.path().join("activations")),
        _dir: dir,
        ca: LocalIssuer::generate().unwrap(),
    }
}

fn request(ca: &LocalIssuer, alg: Option<KeyAlgorithm>) -> ActivationRequest {
    let profile = profile::find(&profile::load_all_from(None).unwrap(), "citizen-piv").unwrap();
    let mut algorithms = HashMap::new();
    if let Some(a) = alg {
        // As `sello activate --algorithm`: every key but the optional ones (9D).
        for k in profile.keys.iter().filter(|k| !k.optional) {
            algorithms.insert(k.slot, a);
        }
    }
    ActivationRequest {
        profile,
        identity: Identity::new(
            "12345678Z",
            "Lucía",
            "Fernández Ruiz",
            Some("lucia@example.es"),
        )
        .unwrap(),
        algorithms,
        replace_existing: false,
        trust_anchors: vec![ca.ca_cert_der().to_vec()],
    }
}

fn secret() -> OperatorSecret {
    OperatorSecret::Master(Zeroizing::new(MASTER.to_vec()))
}

fn activate(
    s: &mut Setup,
    req: &ActivationRequest,
    enroller: &mut dyn Enroller,
    ui: &mut ScriptUi,
) -> Result<sello::enroll::activation::ActivationReport, ActivationError> {
    let secret = secret();
    Activation::begin(&mut s.card, req, &secret, &s.store)?.run(enroller, ui)
}

/// Every profile slot holds a certificate whose key is the slot's key (metadata).
fn assert_card_consistent(card: &mut PivCard, alg: KeyAlgorithm) {
    for slot in [Slot::AUTHENTICATION, Slot::SIGNATURE] {
        let meta = card.metadata(slot).unwrap().unwrap();
        let key = meta.public_key.unwrap();
        assert_eq!(key.algorithm(), alg);
        let cert = card.read_certificate(slot).unwrap().unwrap();
        let (_, x) = x509_parser::parse_x509_certificate(&cert.der).unwrap();
        let cert_key = PublicKey::from_spki_der(x.public_key().raw).unwrap();
        assert_eq!(cert_key, key, "slot {slot}");
    }
}

fn complete_case(alg: KeyAlgorithm) {
    let mut s = setup();
    let req = request(&s.ca, Some(alg));
    let mut ca = LocalIssuer::generate().unwrap();
    std::mem::swap(&mut ca, &mut s.ca);
    let mut ui = ScriptUi::default();
    let report = activate(&mut s, &req, &mut ca, &mut ui).unwrap();
    assert_eq!(report.serial, "10000042");
    assert_eq!(ui.asked_new_pin, 1);
    assert!(
        report.steps.iter().all(|r| r.outcome.status() == "done"),
        "{:?}",
        report.steps
    );
    assert_eq!(ca.issued(), 2);
    assert_card_consistent(&mut s.card, alg);

    // The card now has the holder's PIN, a new PUK, the derived management key.
    let puk = ui.puk.clone().unwrap();
    assert_eq!(puk.len(), 8);
    assert_ne!(puk, "12345678");
    s.card.verify_pin(&Pin::new(PIN).unwrap()).unwrap();
    let derived = req
        .profile
        .management_key
        .derive(MASTER, "10000042")
        .unwrap();
    s.card.authenticate(&derived).unwrap();
    assert!(s.card.authenticate(&ManagementKey::default_3des()).is_err());

    // The journal holds no secret.
    let text = std::fs::read_to_string(&report.journal_path).unwrap();
    for secret in [
        PIN,
        puk.as_str(),
        "Ab3dE6gH9k",
        &hex::encode(derived.expose()),
    ] {
        assert!(!text.contains(secret), "journal leaks a secret");
    }
    assert!(text.contains("\"completed_at\""));

    // Running again changes nothing: every step already done, nothing issued or written. This
    // run is in Spanish: the steps are shown in Spanish, the journal goes on in English.
    let mut ui2 = ScriptUi::default();
    let again = sello::i18n::with_language("es_ES.UTF-8", || {
        activate(&mut s, &req, &mut ca, &mut ui2).unwrap()
    });
    assert_eq!(ca.issued(), 2);
    assert_eq!(ui2.asked_new_pin, 0);
    assert_eq!(ui2.asked_current_pin, 1);
    assert!(ui2.puk.is_none());
    assert!(
        again
            .steps
            .iter()
            .skip(1)
            .all(|r| r.outcome.status() == "already-done"),
        "{:?}",
        again.steps
    );
    assert_eq!(
        again.steps[0].outcome.detail(),
        "tarjeta 10000042, perfil citizen-piv, se reanuda"
    );
    let written = |r: &&sello::enroll::activation::StepResult| {
        r.step == sello::enroll::activation::Step::WriteCertificate(Slot::AUTHENTICATION)
    };
    let write = again.steps.iter().find(written).expect("write step");
    assert_eq!(
        write.outcome.detail(),
        "el certificado ya está en la tarjeta, idéntico"
    );
    let events = &again.journal.events;
    let resumed = events.iter().rev().find(|e| e.step == "identify").unwrap();
    assert_eq!(
        resumed.outcome,
        "card 10000042, profile citizen-piv, resuming"
    );
    let rewritten = events
        .iter()
        .rev()
        .find(|e| e.step == "write-certificate 9A")
        .unwrap();
    assert_eq!(
        rewritten.outcome,
        "already-done: certificate already on the card, identical"
    );
}

#[test]
fn complete_activation_rsa2048() {
    complete_case(KeyAlgorithm::Rsa2048);
}

#[test]
fn complete_activation_p256() {
    complete_case(KeyAlgorithm::EccP256);
}

struct Down;
impl Enroller for Down {
    fn enroll(&mut self, _: Purpose, _: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        Err(EnrollError::Unreachable("connection refused".into()))
    }
}

#[test]
fn ca_down_then_card_pulled_then_resumed_reuses_the_keys() {
    let mut s = setup();
    let req = request(&s.ca, Some(KeyAlgorithm::EccP256));
    let mut ui = ScriptUi::default();
    let e = activate(&mut s, &req, &mut Down, &mut ui).unwrap_err();
    assert!(matches!(e, ActivationError::Enroll { .. }), "{e}");
    let j = s.store.load("10000042").unwrap().unwrap();
    assert_eq!(j.keys.len(), 2);
    assert!(j
        .keys
        .iter()
        .all(|k| k.csr.is_some() && k.certificate.is_none()));
    let recorded: Vec<String> = j.keys.iter().map(|k| k.public_key.clone()).collect();

    // The card is pulled and put back.
    s.ctl.remove();
    assert!(s.card.serial().is_err());
    s.ctl.insert();

    let mut ca = LocalIssuer::generate().unwrap();
    let req = request(&ca, Some(KeyAlgorithm::EccP256));
    let mut ui = ScriptUi::default();
    let report = activate(&mut s, &req, &mut ca, &mut ui).unwrap();
    assert_eq!(ui.asked_new_pin, 0, "PIN already set: only verified");
    assert_eq!(ui.asked_current_pin, 1);
    assert!(ui.puk.is_none(), "PUK set in the first run");
    let now: Vec<String> = report
        .journal
        .keys
        .iter()
        .map(|k| k.public_key.clone())
        .collect();
    assert_eq!(now, recorded, "keys reused, not regenerated");
    let gen: Vec<_> = report
        .steps
        .iter()
        .filter(|r| matches!(r.step, Step::GenerateKey(_) | Step::Csr(_)))
        .map(|r| r.outcome.status())
        .collect();
    assert_eq!(gen, ["already-done"; 4]);
    assert_eq!(ca.issued(), 2);
    assert_card_consistent(&mut s.card, KeyAlgorithm::EccP256);
}

/// Issues, then "crashes" (the card disappears) before the certificate can be written.
struct IssueThenPull<'a> {
    ca: &'a mut LocalIssuer,
    ctl: &'a MemoryControl<VirtualCard>,
}
impl Enroller for IssueThenPull<'_> {
    fn enroll(&mut self, p: Purpose, csr: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        let chain = self.ca.enroll(p, csr)?;
        if p == Purpose::Signature {
            self.ctl.remove();
        }
        Ok(chain)
    }
}

#[test]
fn interrupted_before_the_write_resumes_without_enrolling_again() {
    let mut s = setup();
    let mut ca = LocalIssuer::generate().unwrap();
    let req = request(&ca, None);
    let mut ui = ScriptUi::default();
    let secret = secret();
    let ctl = &s.ctl;
    let e = {
        let mut en = IssueThenPull { ca: &mut ca, ctl };
        Activation::begin(&mut s.card, &req, &secret, &s.store)
            .unwrap()
            .run(&mut en, &mut ui)
            .unwrap_err()
    };
    assert!(matches!(e, ActivationError::Card { .. }), "{e}");
    assert_eq!(ca.issued(), 2);
    s.ctl.insert();
    assert!(s
        .card
        .read_certificate(Slot::AUTHENTICATION)
        .unwrap()
        .is_none());

    let mut ui = ScriptUi::default();
    let report = activate(&mut s, &req, &mut ca, &mut ui).unwrap();
    assert_eq!(
        ca.issued(),
        2,
        "the recorded certificates are used, no new enrollment"
    );
    let enroll: Vec<_> = report
        .steps
        .iter()
        .filter(|r| matches!(r.step, Step::Enroll(_)))
        .map(|r| r.outcome.status())
        .collect();
    assert_eq!(enroll, ["already-done", "already-done"]);
    assert_card_consistent(&mut s.card, KeyAlgorithm::Rsa2048);
}

/// A CA that certifies another key than the one in the request.
struct WrongKey(LocalIssuer, PublicKey);
impl Enroller for WrongKey {
    fn enroll(&mut self, p: Purpose, csr: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        Ok(vec![self.0.issue_for_key(p, csr, &self.1)?])
    }
}

#[test]
fn a_certificate_for_another_key_is_refused_and_never_written() {
    let mut s = setup();
    let other = {
        let (t, _c) = virtual_card(1);
        let mut c = PivCard::open(t).unwrap();
        c.authenticate(&ManagementKey::default_3des()).unwrap();
        c.generate_key(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            sello::card::piv::PinPolicy::Once,
            sello::card::piv::TouchPolicy::Default,
        )
        .unwrap()
    };
    let ca = LocalIssuer::generate().unwrap();
    let req = request(&ca, Some(KeyAlgorithm::EccP256));
    let mut bad = WrongKey(ca, other);
    let mut ui = ScriptUi::default();
    let e = activate(&mut s, &req, &mut bad, &mut ui).unwrap_err();
    assert!(matches!(e, ActivationError::Certificate { .. }), "{e}");
    let text = sello::i18n::with_language("en", || e.to_string());
    assert!(text.contains("nothing written"), "{text}");
    assert!(s
        .card
        .read_certificate(Slot::AUTHENTICATION)
        .unwrap()
        .is_none());
    assert!(s.card.read_certificate(Slot::SIGNATURE).unwrap().is_none());
    let j = s.store.load("10000042").unwrap().unwrap();
    assert!(j.keys.iter().all(|k| k.certificate.is_none()));
    // Defence in depth: even asked directly, the driver refuses to store a certificate whose key
    // is not the slot's key (it compares with the card's metadata).
    let csr = pem_decode(j.keys[0].csr.as_ref().unwrap()).unwrap();
    let wrong = bad
        .0
        .issue_for_key(Purpose::Authentication, &csr, &bad.1)
        .unwrap();
    let derived = req
        .profile
        .management_key
        .derive(MASTER, "10000042")
        .unwrap();
    s.card.authenticate(&derived).unwrap();
    assert!(matches!(
        s.card
            .write_certificate(Slot::AUTHENTICATION, &wrong, false, None),
        Err(sello::card::CardError::CertificateKeyMismatch { slot: 0x9A })
    ));
    assert!(s
        .card
        .read_certificate(Slot::AUTHENTICATION)
        .unwrap()
        .is_none());
    // The recorded key is the card's key.
    let k = PublicKey::from_spki_der(&pem_decode(&j.keys[0].public_key).unwrap()).unwrap();
    assert_eq!(
        Some(k),
        s.card
            .metadata(Slot::AUTHENTICATION)
            .unwrap()
            .unwrap()
            .public_key
    );
}

#[test]
fn disallowed_algorithm_and_journal_of_another_holder_are_refused() {
    let mut s = setup();
    let ca = LocalIssuer::generate().unwrap();
    let req = request(&ca, Some(KeyAlgorithm::EccP384));
    let secret = secret();
    // The refusal in the user's language: the profile, algorithm and slot are data.
    let refusal = |lang: &str, card: &mut PivCard| {
        sello::i18n::with_language(lang, || {
            Activation::begin(card, &req, &secret, &s.store)
                .err()
                .unwrap()
                .to_string()
        })
    };
    let text = refusal("en", &mut s.card);
    assert!(text.contains("does not allow P-384"), "{text}");
    let text = refusal("es_ES.UTF-8", &mut s.card);
    assert!(text.contains(" no permite P-384 en la ranura 9"), "{text}");
    let text = refusal("ca_ES.UTF-8@valencia", &mut s.card);
    assert!(text.contains(" no permet P-384 a la ranura 9"), "{text}");

    let req = request(&ca, None);
    let mut ui = ScriptUi::default();
    let _ = activate(&mut s, &req, &mut Down, &mut ui).unwrap_err();
    let mut other = request(&ca, None);
    other.identity = Identity::new("X1234567L", "Otra", "Persona", Some("o@example.es")).unwrap();
    let e = Activation::begin(&mut s.card, &other, &secret, &s.store)
        .err()
        .unwrap();
    assert!(matches!(e, ActivationError::JournalMismatch { .. }), "{e}");
}
