//! The persistent state of the virtual card: what a real card keeps in EEPROM across power cycles.
//!
//! Serialized as JSON (secrets as hex), written atomically (temp file, fsync, rename) so a crash
//! never leaves a half-written card behind.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::tlv::tlv;

/// Secret bytes: zeroized on drop, never printed, stored as hex in the state file.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Copies `bytes` into a new secret.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hex = Zeroizing::new(hex::encode(self.expose()));
        s.serialize_str(&hex)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let hex = Zeroizing::new(String::deserialize(d)?);
        let bytes = Zeroizing::new(hex::decode(hex.as_bytes()).map_err(serde::de::Error::custom)?);
        Ok(Self::from_slice(&bytes))
    }
}

mod hex_bytes {
    use serde::Serializer;

    pub(super) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
}

mod hex_map {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        v: &BTreeMap<u32, Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let m: BTreeMap<String, String> = v
            .iter()
            .map(|(k, v)| (format!("{k:X}"), hex::encode(v)))
            .collect();
        m.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<u32, Vec<u8>>, D::Error> {
        let m = BTreeMap::<String, String>::deserialize(d)?;
        m.into_iter()
            .map(|(k, v)| {
                let k = u32::from_str_radix(&k, 16).map_err(serde::de::Error::custom)?;
                let v = hex::decode(v).map_err(serde::de::Error::custom)?;
                Ok((k, v))
            })
            .collect()
    }
}

/// A PIN or PUK with its retry counter (SP 800-73-4 Part 2, 3.2.1–3.2.3).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reference {
    /// The value, padded with `FF` to 8 bytes as it travels in VERIFY.
    pub value: Secret,
    /// Tries allowed after a correct entry.
    pub max_retries: u8,
    /// Tries left; 0 means blocked.
    pub retries_left: u8,
    /// Still the factory value (reported by YubiKey GET METADATA tag `05`).
    pub is_default: bool,
}

impl Reference {
    fn new(value: &[u8], retries: u8) -> Self {
        Self {
            value: Secret::from_slice(&pad8(value)),
            max_retries: retries,
            retries_left: retries,
            is_default: true,
        }
    }
}

/// The card management key (`9B`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManagementKey {
    /// `03` 3DES, `08` AES-128, `0A` AES-192, `0C` AES-256.
    pub algorithm: u8,
    /// The key.
    pub key: Secret,
    /// YubiKey touch policy byte (stored, reported in metadata; no touch sensor here).
    pub touch_policy: u8,
    /// Still the factory key.
    pub is_default: bool,
}

/// An asymmetric key in one slot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SlotKey {
    /// PIV algorithm identifier.
    pub algorithm: u8,
    /// YubiKey PIN policy: `01` never, `02` once, `03` always.
    pub pin_policy: u8,
    /// YubiKey touch policy: `01` never, `02` always, `03` cached (stored only).
    pub touch_policy: u8,
    /// YubiKey origin: `01` generated on card, `02` imported.
    pub origin: u8,
    /// The private key (PKCS#1 DER for RSA, raw scalar/seed otherwise).
    pub private: Secret,
}

/// Key origin: generated on card.
pub const ORIGIN_GENERATED: u8 = 0x01;
/// Key origin: imported.
pub const ORIGIN_IMPORTED: u8 = 0x02;

/// Everything a card keeps across power cycles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CardState {
    /// State file format version.
    pub format: u32,
    /// Serial number (YubiKey GET SERIAL).
    pub serial: u32,
    /// ATR override; `None` uses [`super::DEFAULT_ATR`].
    #[serde(default, with = "opt_hex")]
    pub atr: Option<Vec<u8>>,
    /// Card holder PIN (`80`).
    pub pin: Reference,
    /// PIN unblocking key (`81`).
    pub puk: Reference,
    /// Card management key (`9B`).
    pub management_key: ManagementKey,
    /// Asymmetric keys by key reference (`9A`, `9C`, `9D`, `9E`, `82`–`95`, `F9`).
    pub keys: BTreeMap<u8, SlotKey>,
    /// Data objects by tag, each stored as the complete TLV GET DATA returns (`53 L ...`, `7E L ...`).
    #[serde(with = "hex_map")]
    pub objects: BTreeMap<u32, Vec<u8>>,
}

mod opt_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(bytes) => super::hex_bytes::serialize(bytes, s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| hex::decode(s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Factory PIN.
pub const DEFAULT_PIN: &[u8] = b"123456";
/// Factory PUK.
pub const DEFAULT_PUK: &[u8] = b"12345678";
/// Factory management key (3DES), the value every PIV token ships with.
pub const DEFAULT_MGMT_KEY: [u8; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
];
/// Default PIN and PUK retry counters.
pub const DEFAULT_RETRIES: u8 = 3;

/// Tag of the discovery object (SP 800-73-4 Part 1, 3.3.2).
pub const TAG_DISCOVERY: u32 = 0x7E;
/// Tag of the CHUID (SP 800-73-4 Part 1, 3.1.2).
pub const TAG_CHUID: u32 = 0x5FC102;
/// Tag of the Card Capability Container (SP 800-73-4 Part 1, 3.1.1).
pub const TAG_CCC: u32 = 0x5FC107;
/// YubiKey attestation certificate object (for the `F9` key).
pub const TAG_ATTESTATION_CERT: u32 = 0x5FFF01;

/// The PIV application identifier with version (SP 800-73-4 Part 1, 2.2).
pub const PIV_AID: [u8; 11] = [
    0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
];

impl CardState {
    /// The state of a fresh token: default PIN/PUK/management key, a CHUID, CCC and discovery
    /// object, and an attestation key with its certificate in `F9`.
    pub fn factory(serial: u32) -> Self {
        let mut state = Self {
            format: 1,
            serial,
            atr: None,
            pin: Reference::new(DEFAULT_PIN, DEFAULT_RETRIES),
            puk: Reference::new(DEFAULT_PUK, DEFAULT_RETRIES),
            management_key: ManagementKey {
                algorithm: super::mgmt::ALG_3DES,
                key: Secret::from_slice(&DEFAULT_MGMT_KEY),
                touch_policy: 0x01,
                is_default: true,
            },
            keys: BTreeMap::new(),
            objects: BTreeMap::new(),
        };
        state.install_factory_objects();
        super::attest::install_attestation_key(&mut state);
        state
    }

    /// Writes the CHUID, CCC and discovery object of a fresh card.
    pub(crate) fn install_factory_objects(&mut self) {
        let mut guid = [0u8; 16];
        OsRng.fill_bytes(&mut guid);
        let mut card_id = [0u8; 21];
        OsRng.fill_bytes(&mut card_id);
        // GSC-RID A0 00 00 01 16, manufacturer FF, card type 02 (Java Card), then a random ID.
        if let Some(head) = card_id.get_mut(..7) {
            head.copy_from_slice(&[0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02]);
        }
        self.objects.insert(TAG_CHUID, chuid(&guid));
        let ccc = [
            tlv(0xF0, &card_id),
            tlv(0xF1, &[0x21]),
            tlv(0xF2, &[0x21]),
            tlv(0xF3, &[]),
            tlv(0xF4, &[0x00]),
            tlv(0xF5, &[0x10]),
            tlv(0xF6, &[]),
            tlv(0xF7, &[]),
            tlv(0xFA, &[]),
            tlv(0xFB, &[]),
            tlv(0xFC, &[]),
            tlv(0xFD, &[]),
            tlv(0xFE, &[]),
        ]
        .concat();
        self.objects.insert(TAG_CCC, tlv(0x53, &ccc));
        // Discovery object: the PIV AID and PIN usage policy 40 00 (PIV Card Application PIN only).
        let discovery = [tlv(0x4F, &PIV_AID), tlv(0x5F2F, &[0x40, 0x00])].concat();
        self.objects.insert(TAG_DISCOVERY, tlv(0x7E, &discovery));
    }

    /// Removes the temporary copies a kill during [`CardState::save`] leaves beside the state
    /// file at `path` (each a full copy of the card, secrets included): `.NAME.tmpXXXXXX`, and
    /// `.tmpXXXXXX` files of earlier versions that hold a card state. Returns how many went.
    pub fn remove_leftovers(path: &Path) -> std::io::Result<usize> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let ours = tmp_prefix(path);
        let mut removed = 0;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let leftover = if name.starts_with(&ours) {
                true
            } else if name.len() == ".tmp".len() + 6 && name.starts_with(".tmp") {
                // tempfile's default name, used before: only if it is a card state.
                entry.file_type().is_ok_and(|t| t.is_file()) && Self::load(&entry.path()).is_ok()
            } else {
                false
            };
            if leftover {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Loads a state file.
    pub fn load(path: &Path) -> Result<Self, StateError> {
        let bytes = Zeroizing::new(fs::read(path).map_err(StateError::Io)?);
        serde_json::from_slice(&bytes).map_err(StateError::Format)
    }

    /// Writes the state atomically: a temp file in the same directory, fsync, rename, fsync dir.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let json = Zeroizing::new(serde_json::to_vec_pretty(self).map_err(StateError::Format)?);
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(&tmp_prefix(path))
            .tempfile_in(dir)
            .map_err(StateError::Io)?;
        tmp.write_all(&json).map_err(StateError::Io)?;
        tmp.as_file().sync_all().map_err(StateError::Io)?;
        tmp.persist(path).map_err(|e| StateError::Io(e.error))?;
        if let Ok(d) = fs::File::open(dir) {
            // Best effort: make the rename itself durable.
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Builds a CHUID (SP 800-73-4 Part 1, 3.1.2): FASC-N, GUID, expiration date, empty issuer
/// signature (a self-issued token has no issuer asymmetric signature), error detection code.
fn chuid(guid: &[u8; 16]) -> Vec<u8> {
    // The FASC-N of a non-federal issuer (agency 9999, system 9999, credential 999999), as
    // SP 800-73-4 Part 1 3.1.2 allows when no FASC-N is assigned.
    const FASC_N: [u8; 25] = [
        0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68, 0x58, 0x21,
        0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB,
    ];
    let body = [
        tlv(0x30, &FASC_N),
        tlv(0x34, guid),
        tlv(0x35, b"20351231"),
        tlv(0x3E, &[]),
        tlv(0xFE, &[]),
    ]
    .concat();
    tlv(0x53, &body)
}

/// Pads a PIN/PUK with `FF` to 8 bytes (SP 800-73-4 Part 2, 2.4.3).
pub(crate) fn pad8(value: &[u8]) -> Vec<u8> {
    let mut out = value.to_vec();
    out.resize(8.max(value.len()), 0xFF);
    out
}

/// Errors loading or saving a state file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Reading or writing the file failed.
    #[error("{}", crate::tr!("vcard-state-io"))]
    Io(#[source] std::io::Error),
    /// The file is not a valid card state.
    #[error("{}", crate::tr!("vcard-state-format"))]
    Format(#[source] serde_json::Error),
}

/// The name prefix of [`CardState::save`]'s temporary files for the state file at `path`.
fn tmp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp")
}
