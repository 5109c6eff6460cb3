//! The virtual card's command parser and applet on arbitrary command APDUs: every input gets a
//! response with a status word, never a panic. A few fixed commands first put the card in states
//! (PIV selected, PIN verified) where more code is reachable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

use sello::virtual_card::{CardState, VirtualCard};

static FACTORY: OnceLock<CardState> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let state = FACTORY.get_or_init(|| CardState::factory(1)).clone();
    let mut card = VirtualCard::new(state);
    card.power_on();
    let setup: &[&[u8]] = &[
        &[0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00],
        &[0x00, 0x20, 0x00, 0x80, 0x08, b'1', b'2', b'3', b'4', b'5', b'6', 0xFF, 0xFF],
    ];
    let depth = data.first().map_or(0, |b| (b % 3) as usize);
    for cmd in setup.iter().take(depth) {
        let _ = card.transmit(cmd);
    }
    // The rest is a sequence of length-prefixed commands.
    let mut rest = data.get(1..).unwrap_or_default();
    while let Some((&len, tail)) = rest.split_first() {
        let n = (len as usize).min(tail.len());
        let (cmd, next) = tail.split_at(n);
        let resp = card.transmit(cmd);
        assert!(resp.len() >= 2, "every response carries a status word");
        rest = next;
    }
});
