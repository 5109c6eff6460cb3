//! Compatibility modes: the virtual card behaves like the PIV cards found in the field, so the
//! suite covers cards Sello did not write (`sello-vcard --compat MODE`).
//!
//! | mode | version | what differs from `yubikey-5.7` |
//! |---|---|---|
//! | `yubikey-5.7` | 5.7.1 | (everything) |
//! | `yubikey-5.4` | 5.4.3 | no MOVE KEY (`F6`), no Ed25519/X25519 |
//! | `yubikey-4` | 4.3.7 | also no metadata (`F7`), management key 3DES only |
//! | `piv-plain` | — | no vendor command at all (`FD F8 F7 FF FA FB F9 FE F6` answer `6D00`), no Ed25519/X25519 |
//! | `applet-partial-metadata` | 5.4.0 | no MOVE KEY, no SET PIN RETRIES (`FA`; PIN and PUK keep 5 tries), no Ed25519/X25519; metadata without the algorithm (`01`) or public key (`04`) tags, an empty slot answers `02 02 pp tt 03 01 00`; retired slots 82–8C only (8D–95 answer `6A86`); data objects it does not know answer `6A81` |

use clap::ValueEnum;

use super::sw::{Sw, SW_FUNC_NOT_SUPPORTED, SW_INS_NOT_SUPPORTED, SW_WRONG_P1P2};

/// Which card the virtual card plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Compat {
    /// A YubiKey 5 with firmware 5.7 (every command this applet implements).
    #[default]
    #[value(name = "yubikey-5.7")]
    Yubikey57,
    /// A YubiKey 5 with firmware 5.4: no MOVE KEY, no Ed25519/X25519.
    #[value(name = "yubikey-5.4")]
    Yubikey54,
    /// A YubiKey 4: no metadata, no MOVE KEY, management key 3DES only.
    #[value(name = "yubikey-4")]
    Yubikey4,
    /// A plain SP 800-73-4 card: no vendor command.
    #[value(name = "piv-plain")]
    PivPlain,
    /// A JavaCard PIV applet with partial metadata, no MOVE KEY or SET PIN RETRIES (5 tries),
    /// retired slots 82–8C only, unknown objects refused.
    #[value(name = "applet-partial-metadata")]
    AppletPartialMetadata,
}

/// Vendor (YubiKey) instructions.
const VENDOR_INS: [u8; 9] = [0xFD, 0xF8, 0xF7, 0xFF, 0xFA, 0xFB, 0xF9, 0xFE, 0xF6];

/// The data objects of SP 800-73-4 Part 1, Table 3 (plus the discovery object `7E` and the
/// biometric group template `7F61`), the ones an applet that "refuses unknown data objects" knows.
fn is_standard_object(tag: u32) -> bool {
    matches!(tag, 0x7E | 0x7F61 | 0x5FC101..=0x5FC117 | 0x5FC121..=0x5FC123)
}

impl Compat {
    /// The answer to GET VERSION (`FD`); `None` when the card has no such command.
    pub fn version(self) -> Option<[u8; 3]> {
        match self {
            Self::Yubikey57 => Some(super::FIRMWARE_VERSION),
            Self::Yubikey54 => Some([5, 4, 3]),
            Self::Yubikey4 => Some([4, 3, 7]),
            Self::PivPlain => None,
            Self::AppletPartialMetadata => Some([5, 4, 0]),
        }
    }

    /// `Err(6D00)` for an instruction this card does not implement.
    pub fn check_ins(self, ins: u8) -> Result<(), Sw> {
        let missing = match self {
            Self::Yubikey57 => false,
            Self::Yubikey54 => ins == 0xF6,
            Self::AppletPartialMetadata => matches!(ins, 0xF6 | 0xFA),
            Self::Yubikey4 => matches!(ins, 0xF6 | 0xF7),
            Self::PivPlain => VENDOR_INS.contains(&ins),
        };
        if missing {
            Err(SW_INS_NOT_SUPPORTED)
        } else {
            Ok(())
        }
    }

    /// Whether the card has asymmetric algorithm `alg` (Ed25519 `E0` and X25519 `E1` came with
    /// firmware 5.7).
    pub fn has_key_algorithm(self, alg: u8) -> bool {
        self == Self::Yubikey57 || !matches!(alg, 0xE0 | 0xE1)
    }

    /// Whether the card takes a management key of algorithm `alg` (AES came with firmware 5.4).
    pub fn has_management_algorithm(self, alg: u8) -> bool {
        self != Self::Yubikey4 || alg == super::mgmt::ALG_3DES
    }

    /// `Err(6A86)` for a key reference the card does not have (retired slots 8D–95 on the
    /// partial applet).
    pub fn check_key_reference(self, slot: u8) -> Result<(), Sw> {
        if self == Self::AppletPartialMetadata && (0x8D..=0x95).contains(&slot) {
            Err(SW_WRONG_P1P2)
        } else {
            Ok(())
        }
    }

    /// `Err(6A81)` for a data object the card does not know (GET and PUT DATA).
    pub fn check_object(self, tag: u32) -> Result<(), Sw> {
        if self == Self::AppletPartialMetadata && !is_standard_object(tag) {
            Err(SW_FUNC_NOT_SUPPORTED)
        } else {
            Ok(())
        }
    }

    /// PIN and PUK tries of a factory-fresh card (the partial applet keeps 5 and cannot change
    /// them: it has no SET PIN RETRIES).
    pub fn factory_retries(self) -> u8 {
        if self == Self::AppletPartialMetadata {
            5
        } else {
            3
        }
    }

    /// Whether metadata answers carry only some tags (no `01` algorithm, no `04` public key).
    pub fn partial_metadata(self) -> bool {
        self == Self::AppletPartialMetadata
    }

    /// The algorithms announced in the SELECT answer's `AC` template.
    pub fn announced_algorithms(self) -> Vec<u8> {
        [0x03u8, 0x08, 0x0A, 0x0C, 0x06, 0x07, 0x05, 0x16, 0x11, 0x14]
            .into_iter()
            .filter(|a| self.has_management_algorithm(*a))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtual_card::{CardState, VirtualCard};

    /// The partial applet answers GET METADATA with the very bytes of issue #14.
    #[test]
    fn partial_applet_metadata_bytes() {
        let mut state = CardState::factory(10_000_001);
        for r in [&mut state.pin, &mut state.puk] {
            r.max_retries = Compat::AppletPartialMetadata.factory_retries();
            r.retries_left = r.max_retries;
        }
        let mut card = VirtualCard::new(state);
        card.set_compat(Compat::AppletPartialMetadata);
        assert_eq!(
            card.transmit(&[0x00, 0xF7, 0x00, 0x80, 0x00]),
            [0x05, 0x01, 0x01, 0x06, 0x02, 0x05, 0x05, 0x90, 0x00]
        );
        assert_eq!(
            card.transmit(&[0x00, 0xF7, 0x00, 0x9A, 0x00]),
            [0x02, 0x02, 0x02, 0x01, 0x03, 0x01, 0x00, 0x90, 0x00]
        );
        assert_eq!(card.transmit(&[0x00, 0xF7, 0x00, 0x8D, 0x00]), [0x6A, 0x86]);
        assert_eq!(card.transmit(&[0x00, 0xF6, 0xFF, 0x9A]), [0x6D, 0x00]);
        assert_eq!(card.transmit(&[0x00, 0xFA, 0x05, 0x05]), [0x6D, 0x00]);
        // GET DATA of Sello's record object: not a PIV object.
        assert_eq!(
            card.transmit(&[0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0x5E, 0x10, 0x00]),
            [0x6A, 0x81]
        );
        assert_eq!(
            card.transmit(&[0x00, 0xFD, 0x00, 0x00, 0x00]),
            [5, 4, 0, 0x90, 0x00]
        );
    }

    #[test]
    fn standard_objects_and_retired_slots() {
        let c = Compat::AppletPartialMetadata;
        assert!(c.check_object(0x5FC105).is_ok());
        assert!(c.check_object(0x5FC10C).is_ok());
        // Retired certificates 82 (5FC10D) to 8C (5FC117) only.
        assert!(c.check_object(0x5FC117).is_ok());
        assert_eq!(c.check_object(0x5FC118), Err(SW_FUNC_NOT_SUPPORTED));
        assert_eq!(c.check_object(0x5F5E10), Err(SW_FUNC_NOT_SUPPORTED));
        assert!(Compat::Yubikey57.check_object(0x5F5E10).is_ok());
        assert!(c.check_key_reference(0x8C).is_ok());
        assert_eq!(c.check_key_reference(0x8D), Err(SW_WRONG_P1P2));
        assert_eq!(Compat::PivPlain.check_ins(0xFD), Err(SW_INS_NOT_SUPPORTED));
        assert!(Compat::PivPlain.check_ins(0x87).is_ok());
        assert_eq!(Compat::Yubikey4.check_ins(0xF7), Err(SW_INS_NOT_SUPPORTED));
        assert!(!Compat::Yubikey4.has_management_algorithm(0x08));
        assert!(!Compat::Yubikey54.has_key_algorithm(0xE0));
    }
}
