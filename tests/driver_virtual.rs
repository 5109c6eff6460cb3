//! PIV driver against the in-process virtual card (no pcscd): every shared scenario of
//! `driver_scenarios` as its own test, plus what only an in-process card can do (pull it out after
//! exactly N APDUs). `driver_pcsc.rs` runs the same scenarios through a real pcscd.
// Helpers outside `#[test]` functions unwrap too: a failing helper is a failing test.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod driver_scenarios;

use driver_scenarios::{admin, extended_atr, Bench};
use sello::card::piv::{PinPolicy, PivCard, Slot, TouchPolicy};
use sello::card::{CardDriver, CardError, KeyAlgorithm};
use sello::transport::memory::{virtual_card, MemoryControl, MemoryTransport};
use sello::transport::{Transport, TransportError};
use sello::virtual_card::VirtualCard;

/// Cards living in this process; each fresh card is a new one.
#[derive(Default)]
struct InProcess {
    last: Option<MemoryControl<VirtualCard>>,
}

impl InProcess {
    fn card(&mut self) -> (PivCard, MemoryControl<VirtualCard>) {
        let (t, ctl) = virtual_card(10_000_001);
        self.last = Some(ctl.clone());
        (PivCard::open(t).expect("PIV card opens"), ctl)
    }
}

impl Bench for InProcess {
    fn fresh_card(&mut self) -> PivCard {
        self.card().0
    }

    fn extended_card(&mut self) -> PivCard {
        let mut vc = VirtualCard::factory(10_000_002);
        vc.set_atr(Some(extended_atr()));
        let (t, _) = MemoryTransport::new(vc);
        PivCard::open(Transport::new(Box::new(t))).expect("PIV card opens")
    }

    fn connect(&mut self) -> Transport {
        // The in-process transport owns its card: a second card of the same kind stands in.
        virtual_card(10_000_005).0
    }

    fn reset_by_other(&mut self) {
        self.last
            .as_ref()
            .expect("a fresh card first")
            .reset_by_other();
    }
}

macro_rules! in_process_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                driver_scenarios::$name(&mut InProcess::default());
            }
        )*
    };
}
for_each_scenario!(in_process_tests);

#[test]
fn card_removed_mid_operation() {
    let (mut c, ctl) = InProcess::default().card();
    admin(&mut c);
    let pk = c
        .generate_key(
            Slot::AUTHENTICATION,
            KeyAlgorithm::EccP256,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .unwrap();
    let cert = c.attest(Slot::AUTHENTICATION).unwrap();
    c.write_certificate(Slot::AUTHENTICATION, &cert, false, Some(&pk))
        .unwrap();
    // A second, larger write (uncompressed cert padded by a chain of blocks) cut after 2 APDUs.
    let cert2 = c.attest(Slot::AUTHENTICATION).unwrap();
    ctl.remove_after(2);
    let e = c
        .write_certificate(Slot::AUTHENTICATION, &cert2, false, Some(&pk))
        .unwrap_err();
    assert!(e.is_card_removed(), "{e}");
    assert!(
        sello::i18n::with_language("en", || e.to_string())
            .contains("card removed during the operation"),
        "{e}"
    );
    // While out: a clear error.
    let e = c.pin_status().unwrap_err();
    assert!(
        matches!(e, CardError::Transport(TransportError::CardRemoved)),
        "{e}"
    );
    ctl.insert();
    // Back in: re-selected, logged out, and the old certificate intact (the chain was dropped).
    let got = c.read_certificate(Slot::AUTHENTICATION).unwrap().unwrap();
    assert_eq!(got.der, cert);
    assert!(CardDriver::take_reset_event(&mut c));
    assert!(!c.is_management_authenticated());
}

/// A card that answers "not supported / not applicable" to optional commands (the partial
/// applet: metadata without tag 01, retired slots 8D–95 refused with 6A86, unknown objects with
/// 6A81): nothing fails, and nothing it refused is asked again in the same session.
#[test]
fn refused_optional_commands_are_absent_and_not_sent_again() {
    let mut vc = VirtualCard::factory(10_000_003);
    vc.set_compat(sello::virtual_card::Compat::AppletPartialMetadata);
    let (t, _) = MemoryTransport::new(vc);
    let mut c = PivCard::open(Transport::new(Box::new(t))).unwrap();
    admin(&mut c);
    c.generate_key(
        Slot::AUTHENTICATION,
        KeyAlgorithm::EccP256,
        PinPolicy::Default,
        TouchPolicy::Default,
    )
    .unwrap();
    // PIN metadata without the algorithm: the counter still reads.
    let pins = c.pin_status().unwrap();
    assert_eq!(pins.pin.map(|r| (r.remaining, r.total)), Some((3, Some(3))));
    let before = c.apdu_count();
    let slots = c.key_slots().unwrap();
    let first = c.apdu_count() - before;
    // 9A holds a key (origin "generated", algorithm unknown without a certificate); the empty
    // slots' "origin 00" answers are no keys.
    assert_eq!(slots.len(), 1, "{slots:?}");
    assert_eq!(slots[0].key.0, 0x9A);
    assert_eq!(slots[0].generated, Some(true));
    let before = c.apdu_count();
    c.key_slots().unwrap();
    let second = c.apdu_count() - before;
    // The 9 retired slots 8D–95 answered 6A86 once; the second walk does not ask them again.
    assert_eq!(first - second, 9, "first {first}, second {second}");
    // An object the card does not know reads as absent, once.
    assert_eq!(c.contents_record().unwrap(), None);
    let before = c.apdu_count();
    assert_eq!(c.contents_record().unwrap(), None);
    assert_eq!(c.apdu_count() - before, 0);
}
