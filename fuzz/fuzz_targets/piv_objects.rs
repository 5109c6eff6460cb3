//! PIV data-object parsers of the host driver (certificate containers incl. gzip, application
//! property template, CHUID, CCC, discovery, YubiKey metadata, public-key templates, Sello's
//! contents record, YubiKey tools' ADMIN DATA and PIN-protected key) on arbitrary card bytes:
//! errors, never panics; a record that parses encodes back to a record that parses to the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sello::card::piv::objects::{
    parse_cert_container, ApplicationProperties, Ccc, Chuid, ContentsRecord, Discovery, Metadata,
};
use sello::card::piv::mgmt::{decode_protected, AdminData};
use sello::card::piv::PublicKey;
use sello::card::KeyAlgorithm;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 10 {
        0 => drop(parse_cert_container(rest)),
        1 => drop(ApplicationProperties::parse(rest)),
        2 => drop(Chuid::parse(rest)),
        3 => drop(Ccc::parse(rest)),
        4 => drop(Discovery::parse(rest)),
        5 => drop(Metadata::parse(rest)),
        6 => {
            if let Ok(r) = ContentsRecord::parse(rest) {
                assert_eq!(ContentsRecord::parse(&r.encode()).ok(), Some(r));
            }
        }
        8 => {
            if let Ok(a) = AdminData::parse(rest) {
                assert_eq!(AdminData::parse(&a.encode()).ok(), Some(a));
            }
        }
        9 => drop(decode_protected(rest)),
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
