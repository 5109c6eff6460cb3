//! Response APDU and BER-TLV parsing of arbitrary card bytes: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sello::apdu::{tlv, Response};

fn walk(data: &[u8], depth: u32) {
    for t in tlv::iter(data) {
        let Ok(t) = t else { return };
        // Any value may itself be read as TLVs (constructed tags): recurse, bounded.
        if depth < 8 {
            walk(t.value, depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = Response::from_bytes(data) {
        walk(r.data(), 0);
        let _ = tlv::find(r.data(), 0x53);
        let _ = tlv::expect_single(r.data(), 0x7C);
    }
});
