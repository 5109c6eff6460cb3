//! PIV data-object parsers of the host driver (certificate containers incl. gzip, application
//! property template, CHUID, CCC, discovery, YubiKey metadata, public-key templates) on arbitrary
//! card bytes: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sello::card::piv::objects::{
    parse_cert_container, ApplicationProperties, Ccc, Chuid, Discovery, Metadata,
};
use sello::card::piv::PublicKey;
use sello::card::KeyAlgorithm;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 7 {
        0 => drop(parse_cert_container(rest)),
        1 => drop(ApplicationProperties::parse(rest)),
        2 => drop(Chuid::parse(rest)),
        3 => drop(Ccc::parse(rest)),
        4 => drop(Discovery::parse(rest)),
        5 => drop(Metadata::parse(rest)),
        _ => {
            for alg in [
                KeyAlgorithm::Rsa2048,
                KeyAlgorithm::EccP256,
                KeyAlgorithm::EccP384,
                KeyAlgorithm::Ed25519,
            ] {
                drop(PublicKey::from_generate_response(alg, rest));
            }
        }
    }
});
