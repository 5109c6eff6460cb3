//! A PIV card in software: the PIV Card Application of NIST SP 800-73-4 (Parts 1 and 2) with the
//! YubiKey extensions, reachable through pcscd via vpcd ([`vpcd`], [`rig`]) or in-process
//! ([`VirtualCard::transmit`]).
//!
//! The applet has its own command parser (`apdu`) and BER-TLV code (`tlv`); it never uses the
//! host-side driver, so it cannot mirror the driver's bugs. Every input is bounds-checked: malformed
//! commands produce status words, never panics.
//!
//! | INS | command | notes |
//! |---|---|---|
//! | `A4` | SELECT | full AID, or right-truncated down to the RID `A0 00 00 03 08` |
//! | `CB` / `DB` | GET / PUT DATA | any 1–3 byte tag; PUT needs `9B`; empty value deletes; PIN-read objects need the PIN |
//! | `20` | VERIFY | PIN `80`; empty = status (`9000` / `63Cx` / `6983`); P1 `FF` = logout |
//! | `24` / `2C` | CHANGE REFERENCE DATA / RESET RETRY COUNTER | PIN `80`, PUK `81` |
//! | `87` | GENERAL AUTHENTICATE | `9B` mutual/external (3DES, AES-128/192/256; P1 `00` = 3DES); raw RSA, ECDSA (DER out), Ed25519, ECDH, X25519 |
//! | `47` | GENERATE ASYMMETRIC KEY PAIR | RSA 1024–4096, P-256, P-384, Ed25519, X25519; `AA`/`AB` policies |
//! | `C0` | GET RESPONSE | after `61xx` |
//! | `FD` `F8` `F7` | YubiKey version 5.7.1, serial, metadata | |
//! | `FF` `FA` `FB` | YubiKey set management key, set retries, reset | |
//! | `F9` `FE` `F6` | YubiKey attest, import key, move/delete key | |
//!
//! [`Compat`] modes make the applet behave like other PIV cards of the field (older YubiKeys, plain
//! PIV cards, a JavaCard applet with partial metadata): `sello-vcard --compat MODE`.
//!
//! Security status (volatile; cleared by power-off and reset, kept across SELECT): PIN verified
//! until logout; the `9C` key (PIN policy "always") needs a VERIFY before each use; management-key
//! authentication lasts for the session. Retry counters are persisted before the response leaves.

mod apdu;
mod attest;
mod cli;
pub mod compat;
mod keys;
mod mgmt;
pub mod rig;
mod state;
mod sw;
mod tlv;
pub mod vpcd;

use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

pub use cli::{cli_main, command, definition, run};
pub use compat::Compat;
pub use state::{
    CardState, ManagementKey, Reference, Secret, SlotKey, StateError, DEFAULT_MGMT_KEY,
    DEFAULT_PIN, DEFAULT_PUK, PIV_AID,
};

use apdu::Command;
use keys::{KeyAlg, PrivateKey};
use state::{pad8, ORIGIN_GENERATED, ORIGIN_IMPORTED, TAG_DISCOVERY};
use sw::*;
use tlv::{find, parse_all, tlv, TlvReader};

/// The default ATR: `3B 8B 80 01` + historical bytes `80 F9 A0 00 00 03 08 00 00 10 00` + TCK.
///
/// The historical bytes are a compact-TLV (ISO/IEC 7816-4 §8.1.1.2) carrying the PIV AID under tag
/// `F` (application identifier). OpenSC 0.23 `card-piv.c` (`piv_match_card_continued`) recognises
/// exactly this as `SC_CARD_TYPE_PIV_II_HIST` and sets no card-issue flags for it, so OpenSC uses
/// its plain PIV code paths with P-256 and P-384 enabled. A "Yubikey"/"YubiKey" ATR would instead make
/// OpenSC treat the token as a YubiKey (NEO: `CI_NO_EC384`, drops P-384), and an unknown ATR lands in
/// `SC_CARD_TYPE_PIV_II_GENERIC` with `CI_VERIFY_LC0_FAIL` (no PIN-status query). yubico-piv-tool
/// ignores the ATR (it talks to the applet: SELECT, `FD` version, `F8` serial).
pub const DEFAULT_ATR: [u8; 16] = default_atr();

const fn default_atr() -> [u8; 16] {
    let mut atr = [
        0x3B, 0x8B, 0x80, 0x01, 0x80, 0xF9, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00,
        0x00,
    ];
    let mut tck = 0u8;
    let mut i = 1;
    while i < 15 {
        tck ^= atr[i];
        i += 1;
    }
    atr[15] = tck;
    atr
}

/// The firmware version reported by GET VERSION (`FD`): 5.7.1, so tools enable Ed25519, X25519,
/// metadata and the other 5.x features.
pub const FIRMWARE_VERSION: [u8; 3] = [5, 7, 1];

/// Largest data object PUT DATA accepts (a YubiKey 5 takes 3052 bytes; we are a little roomier).
const MAX_OBJECT_LEN: usize = 4096;
/// Largest command a chain may assemble.
const MAX_CHAIN_LEN: usize = 65536;

/// PIN policy: never.
const PIN_NEVER: u8 = 0x01;
/// PIN policy: once per session.
const PIN_ONCE: u8 = 0x02;
/// PIN policy: always (before each use).
const PIN_ALWAYS: u8 = 0x03;

/// Errors opening a virtual card.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VcardError {
    /// The state file could not be read or written.
    #[error("{}", crate::tr!("vcard-card-state", path = path.display().to_string()))]
    State {
        /// The state file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: StateError,
    },
}

#[derive(Default)]
struct Chain {
    ins: u8,
    p1: u8,
    p2: u8,
    data: Zeroizing<Vec<u8>>,
}

/// Volatile security state: gone on reset and power-off (SP 800-73-4 Part 2, 2.4 "security status").
#[derive(Default)]
struct Session {
    pin_verified: bool,
    /// The PIN was verified and no "PIN always" key has been used since.
    pin_fresh: bool,
    mgmt_authenticated: bool,
    /// Plain witness awaiting its return in mutual authentication.
    mgmt_witness: Option<Zeroizing<Vec<u8>>>,
    /// Challenge awaiting its encryption in external authentication.
    mgmt_challenge: Option<Zeroizing<Vec<u8>>>,
    chain: Option<Chain>,
    /// Response bytes not yet fetched with GET RESPONSE.
    pending: Vec<u8>,
}

/// Deliberate misbehaviour, to test the host's checks against faulty cards
/// (`sello-vcard --fault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Fault {
    /// GENERATE ASYMMETRIC KEY PAIR answers with a key another slot already holds (same
    /// algorithm), as a card whose key generator repeats itself.
    RepeatKey,
}

/// A virtual PIV card: persistent [`CardState`], optional backing file, volatile session.
pub struct VirtualCard {
    state: CardState,
    path: Option<PathBuf>,
    session: Session,
    dirty: bool,
    fault: Option<Fault>,
    /// Which card of the field it plays ([`Compat`]); not persisted.
    compat: Compat,
}

type Res = Result<Vec<u8>, Sw>;

impl VirtualCard {
    /// A card with the given state, not file-backed.
    pub fn new(state: CardState) -> Self {
        Self {
            state,
            path: None,
            session: Session::default(),
            dirty: false,
            fault: None,
            compat: Compat::default(),
        }
    }

    /// Makes the card misbehave as `fault` says (tests of the host's checks).
    pub fn set_fault(&mut self, fault: Option<Fault>) {
        self.fault = fault;
    }

    /// A fresh token with factory defaults and the given serial.
    pub fn factory(serial: u32) -> Self {
        Self::new(CardState::factory(serial))
    }

    /// Loads the state file at `path`, or creates a factory card (random serial) there.
    pub fn open(path: &Path) -> Result<Self, VcardError> {
        Self::open_or_create(path, || CardState::factory(random_serial()))
    }

    /// Loads the state file at `path`, or saves `make()` there first.
    pub fn open_or_create(
        path: &Path,
        make: impl FnOnce() -> CardState,
    ) -> Result<Self, VcardError> {
        let err = |source| VcardError::State {
            path: path.to_path_buf(),
            source,
        };
        // Copies left by a kill during a write hold the card's secrets: never leave them.
        CardState::remove_leftovers(path).map_err(|e| err(StateError::Io(e)))?;
        let state = if path.exists() {
            CardState::load(path).map_err(err)?
        } else {
            let state = make();
            state.save(path).map_err(err)?;
            state
        };
        let mut card = Self::new(state);
        card.path = Some(path.to_path_buf());
        Ok(card)
    }

    /// The persistent state (for inspection and tests).
    pub fn state(&self) -> &CardState {
        &self.state
    }

    /// Makes the card behave like another card of the field ([`Compat`]).
    pub fn set_compat(&mut self, compat: Compat) {
        self.compat = compat;
    }

    /// The compatibility mode.
    pub fn compat(&self) -> Compat {
        self.compat
    }

    /// Replaces the ATR (`None`: [`DEFAULT_ATR`]); persisted with the next state change.
    pub fn set_atr(&mut self, atr: Option<Vec<u8>>) {
        self.state.atr = atr;
    }

    /// The answer-to-reset.
    pub fn atr(&self) -> Vec<u8> {
        self.state
            .atr
            .clone()
            .unwrap_or_else(|| DEFAULT_ATR.to_vec())
    }

    /// Powers the card on: volatile security state cleared; returns the ATR.
    pub fn power_on(&mut self) -> Vec<u8> {
        self.session = Session::default();
        self.atr()
    }

    /// Warm reset: like [`VirtualCard::power_on`].
    pub fn reset(&mut self) -> Vec<u8> {
        self.power_on()
    }

    /// Powers the card off: volatile security state cleared.
    pub fn power_off(&mut self) {
        self.session = Session::default();
    }

    /// Processes one command APDU and returns the response APDU (data ‖ SW1 SW2). State changes are
    /// persisted (atomically) before the response is returned when the card is file-backed.
    pub fn transmit(&mut self, command: &[u8]) -> Vec<u8> {
        let (mut data, sw) = self.process(command);
        data.extend_from_slice(&sw.to_be_bytes());
        data
    }

    fn process(&mut self, raw: &[u8]) -> (Vec<u8>, Sw) {
        let cmd = match Command::parse(raw) {
            Ok(cmd) => cmd,
            Err(sw) => {
                self.session.chain = None;
                return (Vec::new(), sw);
            }
        };
        if cmd.cla & !0x10 != 0 {
            self.session.chain = None;
            return (Vec::new(), SW_CLA_NOT_SUPPORTED);
        }
        if cmd.ins == 0xC0 && cmd.cla == 0 {
            return self.get_response(&cmd);
        }
        self.session.pending.clear();
        let cmd = match self.assemble_chain(cmd) {
            Ok(Some(cmd)) => cmd,
            Ok(None) => return (Vec::new(), SW_OK),
            Err(sw) => return (Vec::new(), sw),
        };
        if !(cmd.ins == 0x87 && cmd.p2 == 0x9B) {
            self.session.mgmt_witness = None;
            self.session.mgmt_challenge = None;
        }
        self.dirty = false;
        let result = self.dispatch(&cmd);
        if self.dirty {
            self.dirty = false;
            if let Some(path) = &self.path {
                if self.state.save(path).is_err() {
                    return (Vec::new(), SW_MEMORY_FAILURE);
                }
            }
        }
        match result {
            Ok(data) => self.respond(data, cmd.max_response()),
            Err(sw) => (Vec::new(), sw),
        }
    }

    /// Command chaining (ISO/IEC 7816-4 §5.1.1.1; SP 800-73-4 Part 2, 3): CLA `10` on all but the
    /// last command of a chain. Returns the assembled command once the last one arrives.
    fn assemble_chain(&mut self, cmd: Command) -> Result<Option<Command>, Sw> {
        let same = |c: &Chain| c.ins == cmd.ins && c.p1 == cmd.p1 && c.p2 == cmd.p2;
        let mut chain = match self.session.chain.take() {
            Some(c) if same(&c) => c,
            // A different command abandons the chain (ISO/IEC 7816-4: the chain is broken).
            Some(_) if cmd.cla & 0x10 == 0 => return Ok(Some(cmd)),
            _ => Chain {
                ins: cmd.ins,
                p1: cmd.p1,
                p2: cmd.p2,
                data: Zeroizing::new(Vec::new()),
            },
        };
        if chain.data.len() + cmd.data.len() > MAX_CHAIN_LEN {
            return Err(SW_WRONG_LENGTH);
        }
        chain.data.extend_from_slice(&cmd.data);
        if cmd.cla & 0x10 != 0 {
            self.session.chain = Some(chain);
            return Ok(None);
        }
        Ok(Some(Command {
            cla: 0,
            data: chain.data,
            ..cmd
        }))
    }

    /// Splits a long response into `61xx` pieces (ISO/IEC 7816-4 §5.1.3; SP 800-73-4 Part 2, 3).
    fn respond(&mut self, mut data: Vec<u8>, max: usize) -> (Vec<u8>, Sw) {
        if data.len() <= max {
            return (data, SW_OK);
        }
        self.session.pending = data.split_off(max);
        let sw = 0x6100 | (self.session.pending.len().min(256) & 0xFF) as Sw;
        (data, sw)
    }

    /// GET RESPONSE (`C0`, ISO/IEC 7816-4 §7.6.1).
    fn get_response(&mut self, cmd: &Command) -> (Vec<u8>, Sw) {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return (Vec::new(), SW_WRONG_P1P2);
        }
        if self.session.pending.is_empty() {
            return (Vec::new(), SW_CONDITIONS);
        }
        let pending = std::mem::take(&mut self.session.pending);
        self.respond(pending, cmd.ne.unwrap_or(256))
    }

    fn dispatch(&mut self, cmd: &Command) -> Res {
        self.compat.check_ins(cmd.ins)?;
        match cmd.ins {
            0xA4 => self.select(cmd),
            0xCB => self.get_data(cmd),
            0xDB => self.put_data(cmd),
            0x20 => self.verify(cmd),
            0x24 => self.change_reference(cmd),
            0x2C => self.reset_retry_counter(cmd),
            0x87 => self.general_authenticate(cmd),
            0x47 => self.generate(cmd),
            0xFD => self
                .compat
                .version()
                .map(|v| v.to_vec())
                .ok_or(SW_INS_NOT_SUPPORTED),
            0xF8 => Ok(self.state.serial.to_be_bytes().to_vec()),
            0xF7 => self.metadata(cmd),
            0xFF => self.set_management_key(cmd),
            0xFA => self.set_retries(cmd),
            0xFB => self.factory_reset(cmd),
            0xF9 => self.attest(cmd),
            0xFE => self.import_key(cmd),
            0xF6 => self.move_key(cmd),
            _ => Err(SW_INS_NOT_SUPPORTED),
        }
    }

    /// SELECT (SP 800-73-4 Part 2, 3.1.1): the full AID or a right-truncated one (ISO/IEC 7816-4
    /// §5.3.1.2 partial AID selection) of at least the 5-byte RID, which is what yubico-piv-tool
    /// sends (`A0 00 00 03 08`); SP 800-73-4 names the 9-byte form without version. Answers the
    /// application property template (Part 2, Table 3).
    ///
    /// Re-selecting keeps the security status (OpenSC flags cards that lose it on SELECT as a
    /// defect, `CI_PIV_AID_LOSE_STATE`).
    fn select(&mut self, cmd: &Command) -> Res {
        if cmd.p1 != 0x04 || cmd.p2 != 0x00 {
            return Err(SW_WRONG_P1P2);
        }
        let n = cmd.data.len();
        if !(5..=PIV_AID.len()).contains(&n) || PIV_AID.get(..n) != Some(cmd.data.as_slice()) {
            return Err(SW_NOT_FOUND);
        }
        let algs: Vec<u8> = self
            .compat
            .announced_algorithms()
            .iter()
            .flat_map(|a| tlv(0x80, &[*a]))
            .chain(tlv(0x06, &[]))
            .collect();
        let apt = [
            tlv(0x4F, PIV_AID.get(5..).unwrap_or_default()),
            tlv(0x79, &tlv(0x4F, PIV_AID.get(..5).unwrap_or_default())),
            tlv(0x50, b"Sello Virtual PIV"),
            tlv(0x5F50, b"https://sello.invalid/vcard"),
            tlv(0xAC, &algs),
        ]
        .concat();
        Ok(tlv(0x61, &apt))
    }

    /// Reads the tag list `5C L tag` of GET/PUT DATA (SP 800-73-4 Part 2, 3.1.2).
    fn object_tag(reader: &mut TlvReader<'_>) -> Result<u32, Sw> {
        let tag = reader.expect(0x5C)?;
        if tag.is_empty() || tag.len() > 3 {
            return Err(SW_WRONG_DATA);
        }
        Ok(tag.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
    }

    /// GET DATA (SP 800-73-4 Part 2, 3.1.2). Objects with the "PIN" read rule (Part 1, Table 3:
    /// fingerprints, facial image, printed information, iris) need the PIN.
    fn get_data(&mut self, cmd: &Command) -> Res {
        if (cmd.p1, cmd.p2) != (0x3F, 0xFF) {
            return Err(SW_WRONG_P1P2);
        }
        let mut reader = TlvReader::new(&cmd.data);
        let tag = Self::object_tag(&mut reader)?;
        if !reader.is_empty() {
            return Err(SW_WRONG_DATA);
        }
        self.compat.check_object(tag)?;
        if matches!(tag, 0x5FC103 | 0x5FC108 | 0x5FC109 | 0x5FC121) && !self.session.pin_verified {
            return Err(SW_SECURITY_STATUS);
        }
        if let Some(obj) = self.state.objects.get(&tag) {
            return Ok(obj.clone());
        }
        if tag == 0x5FC10C {
            return self.key_history();
        }
        Err(SW_NOT_FOUND)
    }

    /// The Key History object (SP 800-73-4 Part 1, 3.3.3) when none was written: counts the retired
    /// key slots that hold a certificate, so middleware knows to look at them.
    fn key_history(&self) -> Res {
        let on_card = (0x5FC10Du32..=0x5FC120)
            .filter(|t| self.state.objects.contains_key(t))
            .count();
        if on_card == 0 {
            return Err(SW_NOT_FOUND);
        }
        let body = [tlv(0xC1, &[on_card as u8]), tlv(0xC2, &[0]), tlv(0xFE, &[])].concat();
        Ok(tlv(0x53, &body))
    }

    /// PUT DATA (SP 800-73-4 Part 2, 3.3.1): needs the card management key. An empty value deletes
    /// the object (as YubiKeys do).
    fn put_data(&mut self, cmd: &Command) -> Res {
        if (cmd.p1, cmd.p2) != (0x3F, 0xFF) {
            return Err(SW_WRONG_P1P2);
        }
        if !self.session.mgmt_authenticated {
            return Err(SW_SECURITY_STATUS);
        }
        let mut reader = TlvReader::new(&cmd.data);
        let tag = Self::object_tag(&mut reader)?;
        self.compat.check_object(tag)?;
        let object = reader.remaining();
        let (inner_tag, value) = reader.next_tlv()?;
        if !reader.is_empty() {
            return Err(SW_WRONG_DATA);
        }
        let expected = match tag {
            TAG_DISCOVERY => 0x7E,
            0x7F61 => 0x7F61,
            _ => 0x53,
        };
        if inner_tag != expected {
            return Err(SW_WRONG_DATA);
        }
        if object.len() > MAX_OBJECT_LEN {
            return Err(SW_NOT_ENOUGH_MEMORY);
        }
        if value.is_empty() {
            self.state.objects.remove(&tag);
        } else {
            self.state.objects.insert(tag, object.to_vec());
        }
        self.dirty = true;
        Ok(Vec::new())
    }

    /// Checks a PIN or PUK against its reference with retry-counter semantics (SP 800-73-4 Part 2,
    /// 3.2.1): `63Cx` on a mismatch, `6983` once blocked; a match restores the counter.
    fn check_reference(&mut self, puk: bool, candidate: &[u8]) -> Result<(), Sw> {
        if candidate.len() != 8 {
            return Err(SW_WRONG_DATA);
        }
        let reference = if puk {
            &mut self.state.puk
        } else {
            &mut self.state.pin
        };
        if reference.retries_left == 0 {
            return Err(SW_AUTH_BLOCKED);
        }
        if ct_eq(reference.value.expose(), candidate) {
            if reference.retries_left != reference.max_retries {
                reference.retries_left = reference.max_retries;
                self.dirty = true;
            }
            Ok(())
        } else {
            reference.retries_left -= 1;
            let left = reference.retries_left;
            self.dirty = true;
            if !puk {
                self.session.pin_verified = false;
                self.session.pin_fresh = false;
            }
            Err(tries_left(left))
        }
    }

    /// VERIFY (SP 800-73-4 Part 2, 3.2.1): PIN `80`; no data reports the status; P1 `FF` logs out.
    fn verify(&mut self, cmd: &Command) -> Res {
        if cmd.p2 != 0x80 {
            return Err(SW_REF_NOT_FOUND);
        }
        match (cmd.p1, cmd.data.is_empty()) {
            (0xFF, true) => {
                self.session.pin_verified = false;
                self.session.pin_fresh = false;
                Ok(Vec::new())
            }
            (0x00, true) => {
                if self.session.pin_verified {
                    Ok(Vec::new())
                } else if self.state.pin.retries_left == 0 {
                    Err(SW_AUTH_BLOCKED)
                } else {
                    Err(tries_left(self.state.pin.retries_left))
                }
            }
            (0x00, false) => {
                self.check_reference(false, &cmd.data)?;
                self.session.pin_verified = true;
                self.session.pin_fresh = true;
                Ok(Vec::new())
            }
            _ => Err(SW_WRONG_P1P2),
        }
    }

    /// CHANGE REFERENCE DATA (SP 800-73-4 Part 2, 3.2.2) for the PIN `80` or PUK `81`.
    fn change_reference(&mut self, cmd: &Command) -> Res {
        let puk = match (cmd.p1, cmd.p2) {
            (0x00, 0x80) => false,
            (0x00, 0x81) => true,
            (0x00, _) => return Err(SW_REF_NOT_FOUND),
            _ => return Err(SW_WRONG_P1P2),
        };
        let (old, new) = split_16(&cmd.data)?;
        if !pin_format_ok(new) {
            return Err(SW_WRONG_DATA);
        }
        self.check_reference(puk, old)?;
        let reference = if puk {
            &mut self.state.puk
        } else {
            &mut self.state.pin
        };
        reference.value = Secret::from_slice(new);
        reference.is_default = false;
        self.dirty = true;
        if !puk {
            self.session.pin_verified = true;
        }
        Ok(Vec::new())
    }

    /// RESET RETRY COUNTER (SP 800-73-4 Part 2, 3.2.3): PUK ‖ new PIN.
    fn reset_retry_counter(&mut self, cmd: &Command) -> Res {
        match (cmd.p1, cmd.p2) {
            (0x00, 0x80) => {}
            (0x00, _) => return Err(SW_REF_NOT_FOUND),
            _ => return Err(SW_WRONG_P1P2),
        }
        let (puk, new_pin) = split_16(&cmd.data)?;
        if !pin_format_ok(new_pin) {
            return Err(SW_WRONG_DATA);
        }
        self.check_reference(true, puk)?;
        let pin = &mut self.state.pin;
        pin.value = Secret::from_slice(new_pin);
        pin.retries_left = pin.max_retries;
        pin.is_default = false;
        self.dirty = true;
        Ok(Vec::new())
    }

    /// GENERAL AUTHENTICATE (SP 800-73-4 Part 2, 3.2.4): the dynamic authentication template `7C`.
    fn general_authenticate(&mut self, cmd: &Command) -> Res {
        let mut reader = TlvReader::new(&cmd.data);
        let template = reader.expect(0x7C)?;
        if !reader.is_empty() {
            return Err(SW_WRONG_DATA);
        }
        let items = parse_all(template)?;
        if cmd.p2 == 0x9B {
            self.authenticate_management(cmd.p1, &items)
        } else {
            self.private_key_operation(cmd.p1, cmd.p2, &items)
        }
    }

    /// Card management key authentication (SP 800-73-4 Part 2, Appendix A.1 external and A.2 mutual;
    /// YubiKey uses mutual): `80 00` asks for an encrypted witness, `80 W 81 C` returns it with a host
    /// challenge; `81 00` asks for a challenge, `82 E(C)` answers it.
    fn authenticate_management(&mut self, alg: u8, items: &[(u32, &[u8])]) -> Res {
        let mk = &self.state.management_key;
        // SP 800-78-4 Table 6-1: '00' is the legacy identifier of 3TDEA, which OpenSC sends to
        // fetch a challenge as random bytes (`00 87 00 9B 7C 02 81 00`).
        let alg = if alg == 0x00 { mgmt::ALG_3DES } else { alg };
        if !self.compat.has_management_algorithm(alg) {
            return Err(SW_WRONG_P1P2);
        }
        if alg != mk.algorithm {
            return Err(SW_WRONG_P1P2);
        }
        let key = Zeroizing::new(mk.key.expose().to_vec());
        let bs = mgmt::block_len(alg);
        let witness = find(items, 0x80);
        let challenge = find(items, 0x81);
        let response = find(items, 0x82);
        match (witness, challenge, response) {
            (Some([]), None, _) => {
                let w = random_bytes(bs);
                let enc = mgmt::crypt_block(alg, &key, &w, false)?;
                self.session.mgmt_witness = Some(w);
                self.session.mgmt_authenticated = false;
                Ok(tlv(0x7C, &tlv(0x80, &enc)))
            }
            (Some(w), Some(c), _) if !w.is_empty() && !c.is_empty() => {
                let expected = self.session.mgmt_witness.take().ok_or(SW_CONDITIONS)?;
                if !ct_eq(&expected, w) {
                    self.session.mgmt_authenticated = false;
                    return Err(SW_SECURITY_STATUS);
                }
                let enc = mgmt::crypt_block(alg, &key, c, false)?;
                self.session.mgmt_authenticated = true;
                Ok(tlv(0x7C, &tlv(0x82, &enc)))
            }
            (None, Some([]), None) => {
                let c = random_bytes(bs);
                let out = tlv(0x7C, &tlv(0x81, &c));
                self.session.mgmt_challenge = Some(c);
                self.session.mgmt_authenticated = false;
                Ok(out)
            }
            (None, None, Some(r)) if !r.is_empty() => {
                let c = self.session.mgmt_challenge.take().ok_or(SW_CONDITIONS)?;
                let expected = Zeroizing::new(mgmt::crypt_block(alg, &key, &c, false)?);
                if !ct_eq(&expected, r) {
                    self.session.mgmt_authenticated = false;
                    return Err(SW_SECURITY_STATUS);
                }
                self.session.mgmt_authenticated = true;
                Ok(Vec::new())
            }
            _ => Err(SW_WRONG_DATA),
        }
    }

    /// Sign / decrypt (`81`) and key agreement (`85`) with a slot's private key, after the key's PIN
    /// policy is met (SP 800-73-4 Part 1, Table 4b: 9C needs the PIN right before each use).
    fn private_key_operation(&mut self, alg: u8, slot: u8, items: &[(u32, &[u8])]) -> Res {
        if !is_asymmetric_slot(slot) {
            return Err(SW_WRONG_P1P2);
        }
        self.compat.check_key_reference(slot)?;
        let key = self.state.keys.get(&slot).ok_or(SW_REF_NOT_FOUND)?;
        if key.algorithm != alg {
            return Err(SW_WRONG_DATA);
        }
        let allowed = match key.pin_policy {
            PIN_NEVER => true,
            PIN_ALWAYS => self.session.pin_verified && self.session.pin_fresh,
            _ => self.session.pin_verified,
        };
        if !allowed {
            return Err(SW_SECURITY_STATUS);
        }
        let kalg = KeyAlg::from_id(key.algorithm).ok_or(SW_WRONG_DATA)?;
        let private = PrivateKey::load(kalg, key.private.expose())?;
        let always = key.pin_policy == PIN_ALWAYS;
        if find(items, 0x82) != Some(&[]) {
            return Err(SW_WRONG_DATA);
        }
        let result = match (find(items, 0x81), find(items, 0x85)) {
            (Some(c), None) if !c.is_empty() => private.sign(c)?,
            (None, Some(p)) if !p.is_empty() => private.agree(p)?.to_vec(),
            _ => return Err(SW_WRONG_DATA),
        };
        if always {
            self.session.pin_fresh = false;
        }
        Ok(tlv(0x7C, &tlv(0x82, &result)))
    }

    /// Parses the optional YubiKey PIN (`AA`) and touch (`AB`) policies; `00` means the default.
    fn policies(slot: u8, items: &[(u32, &[u8])]) -> Result<(u8, u8), Sw> {
        let pin = match find(items, 0xAA) {
            None | Some([0]) => default_pin_policy(slot),
            Some([p @ (PIN_NEVER | PIN_ONCE | PIN_ALWAYS)]) => *p,
            Some(_) => return Err(SW_WRONG_DATA),
        };
        let touch = match find(items, 0xAB) {
            None | Some([0]) => 0x01,
            Some([t @ 0x01..=0x03]) => *t,
            Some(_) => return Err(SW_WRONG_DATA),
        };
        Ok((pin, touch))
    }

    /// GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2, 3.3.2): needs the management key; returns
    /// the public key template `7F49`.
    fn generate(&mut self, cmd: &Command) -> Res {
        if cmd.p1 != 0x00 || !is_asymmetric_slot(cmd.p2) {
            return Err(SW_WRONG_P1P2);
        }
        self.compat.check_key_reference(cmd.p2)?;
        if !self.session.mgmt_authenticated {
            return Err(SW_SECURITY_STATUS);
        }
        let mut reader = TlvReader::new(&cmd.data);
        let control = reader.expect(0xAC)?;
        if !reader.is_empty() {
            return Err(SW_WRONG_DATA);
        }
        let items = parse_all(control)?;
        let alg = match find(&items, 0x80) {
            Some([id]) if self.compat.has_key_algorithm(*id) => {
                KeyAlg::from_id(*id).ok_or(SW_FUNC_NOT_SUPPORTED)?
            }
            Some([_]) => return Err(SW_FUNC_NOT_SUPPORTED),
            _ => return Err(SW_WRONG_DATA),
        };
        let (pin_policy, touch_policy) = Self::policies(cmd.p2, &items)?;
        let repeated = match self.fault {
            Some(Fault::RepeatKey) => self
                .state
                .keys
                .iter()
                .find(|(slot, k)| {
                    **slot != cmd.p2
                        && **slot != attest::ATTESTATION_SLOT
                        && k.algorithm == alg.id()
                })
                .map(|(_, k)| PrivateKey::load(alg, k.private.expose()))
                .transpose()?,
            None => None,
        };
        let key = match repeated {
            Some(k) => k,
            None => PrivateKey::generate(alg)?,
        };
        self.store_key(cmd.p2, &key, pin_policy, touch_policy, ORIGIN_GENERATED)?;
        Ok(tlv(0x7F49, &key.public_template_content()))
    }

    fn store_key(
        &mut self,
        slot: u8,
        key: &PrivateKey,
        pin: u8,
        touch: u8,
        origin: u8,
    ) -> Result<(), Sw> {
        self.state.keys.insert(
            slot,
            SlotKey {
                algorithm: key.alg().id(),
                pin_policy: pin,
                touch_policy: touch,
                origin,
                private: key.to_secret()?,
            },
        );
        self.dirty = true;
        Ok(())
    }

    /// YubiKey IMPORT KEY (`FE`, P1 algorithm, P2 slot): needs the management key.
    fn import_key(&mut self, cmd: &Command) -> Res {
        if !(is_asymmetric_slot(cmd.p2) || cmd.p2 == attest::ATTESTATION_SLOT) {
            return Err(SW_WRONG_P1P2);
        }
        self.compat.check_key_reference(cmd.p2)?;
        if !self.session.mgmt_authenticated {
            return Err(SW_SECURITY_STATUS);
        }
        if !self.compat.has_key_algorithm(cmd.p1) {
            return Err(SW_WRONG_P1P2);
        }
        let alg = KeyAlg::from_id(cmd.p1).ok_or(SW_WRONG_P1P2)?;
        let items = parse_all(&cmd.data)?;
        let (pin_policy, touch_policy) = Self::policies(cmd.p2, &items)?;
        let key = PrivateKey::import(alg, &items)?;
        self.store_key(cmd.p2, &key, pin_policy, touch_policy, ORIGIN_IMPORTED)?;
        Ok(Vec::new())
    }

    /// YubiKey GET METADATA (`F7`, P2 key reference): `01` algorithm, `02` policy, `03` origin,
    /// `04` public key, `05` default flag, `06` retries (total, remaining).
    fn metadata(&mut self, cmd: &Command) -> Res {
        if cmd.p1 != 0x00 {
            return Err(SW_WRONG_P1P2);
        }
        if self.compat.partial_metadata() {
            return self.partial_metadata(cmd.p2);
        }
        match cmd.p2 {
            0x80 | 0x81 => {
                let r = if cmd.p2 == 0x80 {
                    &self.state.pin
                } else {
                    &self.state.puk
                };
                Ok([
                    tlv(0x01, &[0xFF]),
                    tlv(0x05, &[u8::from(r.is_default)]),
                    tlv(0x06, &[r.max_retries, r.retries_left]),
                ]
                .concat())
            }
            0x9B => {
                let mk = &self.state.management_key;
                Ok([
                    tlv(0x01, &[mk.algorithm]),
                    tlv(0x02, &[0x00, mk.touch_policy]),
                    tlv(0x05, &[u8::from(mk.is_default)]),
                ]
                .concat())
            }
            slot if is_asymmetric_slot(slot) || slot == attest::ATTESTATION_SLOT => {
                let key = self.state.keys.get(&slot).ok_or(SW_NOT_FOUND)?;
                let kalg = KeyAlg::from_id(key.algorithm).ok_or(SW_WRONG_DATA)?;
                let private = PrivateKey::load(kalg, key.private.expose())?;
                Ok([
                    tlv(0x01, &[key.algorithm]),
                    tlv(0x02, &[key.pin_policy, key.touch_policy]),
                    tlv(0x03, &[key.origin]),
                    tlv(0x04, &private.public_template_content()),
                ]
                .concat())
            }
            _ => Err(SW_WRONG_P1P2),
        }
    }

    /// GET METADATA of the partial applet ([`Compat::AppletPartialMetadata`]): never the algorithm
    /// (`01`) or the public key (`04`); PIN/PUK `05 01 d 06 02 total remaining`, management key
    /// `02 02 00 touch 05 01 d`, a key slot `02 02 pin touch 03 01 origin` with origin `00` for
    /// an empty slot.
    fn partial_metadata(&self, slot: u8) -> Res {
        match slot {
            0x80 | 0x81 => {
                let r = if slot == 0x80 {
                    &self.state.pin
                } else {
                    &self.state.puk
                };
                Ok([
                    tlv(0x05, &[u8::from(r.is_default)]),
                    tlv(0x06, &[r.max_retries, r.retries_left]),
                ]
                .concat())
            }
            0x9B => {
                let mk = &self.state.management_key;
                Ok([
                    tlv(0x02, &[0x00, mk.touch_policy]),
                    tlv(0x05, &[u8::from(mk.is_default)]),
                ]
                .concat())
            }
            slot if is_asymmetric_slot(slot) => {
                self.compat.check_key_reference(slot)?;
                Ok(match self.state.keys.get(&slot) {
                    Some(key) => [
                        tlv(0x02, &[key.pin_policy, key.touch_policy]),
                        tlv(0x03, &[key.origin]),
                    ]
                    .concat(),
                    None => [
                        tlv(0x02, &[default_pin_policy(slot), 0x01]),
                        tlv(0x03, &[0x00]),
                    ]
                    .concat(),
                })
            }
            _ => Err(SW_WRONG_P1P2),
        }
    }

    /// YubiKey SET MANAGEMENT KEY (`FF`, P1 `FF`, P2 `FF` or `FE` = touch): data `alg 9B len key`.
    fn set_management_key(&mut self, cmd: &Command) -> Res {
        let touch = match (cmd.p1, cmd.p2) {
            (0xFF, 0xFF) => 0x01,
            (0xFF, 0xFE) => 0x02,
            _ => return Err(SW_WRONG_P1P2),
        };
        if !self.session.mgmt_authenticated {
            return Err(SW_SECURITY_STATUS);
        }
        let (alg, key) = match cmd.data.as_slice() {
            [alg, 0x9B, len, key @ ..] if usize::from(*len) == key.len() => (*alg, key),
            _ => return Err(SW_WRONG_DATA),
        };
        if mgmt::key_len(alg) != Some(key.len()) || !self.compat.has_management_algorithm(alg) {
            return Err(SW_WRONG_DATA);
        }
        self.state.management_key = ManagementKey {
            algorithm: alg,
            key: Secret::from_slice(key),
            touch_policy: touch,
            is_default: alg == mgmt::ALG_3DES && key == DEFAULT_MGMT_KEY,
        };
        self.dirty = true;
        Ok(Vec::new())
    }

    /// YubiKey SET PIN RETRIES (`FA`, P1 PIN tries, P2 PUK tries): needs the management key and the
    /// PIN; PIN and PUK return to their defaults, as on a YubiKey.
    fn set_retries(&mut self, cmd: &Command) -> Res {
        if cmd.p1 == 0 || cmd.p2 == 0 {
            return Err(SW_WRONG_P1P2);
        }
        if !self.session.mgmt_authenticated || !self.session.pin_verified {
            return Err(SW_SECURITY_STATUS);
        }
        self.state.pin = state_reference(DEFAULT_PIN, cmd.p1);
        self.state.puk = state_reference(DEFAULT_PUK, cmd.p2);
        self.session.pin_verified = false;
        self.session.pin_fresh = false;
        self.dirty = true;
        Ok(Vec::new())
    }

    /// YubiKey RESET (`FB`): only when both PIN and PUK are blocked. Keys, objects and secrets return
    /// to factory state; the serial, ATR and attestation key stay.
    fn factory_reset(&mut self, cmd: &Command) -> Res {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return Err(SW_WRONG_P1P2);
        }
        if self.state.pin.retries_left != 0 || self.state.puk.retries_left != 0 {
            return Err(SW_CONDITIONS);
        }
        let mut fresh = CardState::factory(self.state.serial);
        fresh.atr = self.state.atr.take();
        if let Some(att) = self.state.keys.remove(&attest::ATTESTATION_SLOT) {
            fresh.keys.insert(attest::ATTESTATION_SLOT, att);
        }
        if let Some(cert) = self.state.objects.remove(&state::TAG_ATTESTATION_CERT) {
            fresh.objects.insert(state::TAG_ATTESTATION_CERT, cert);
        }
        self.state = fresh;
        self.session = Session::default();
        self.dirty = true;
        Ok(Vec::new())
    }

    /// YubiKey 5.7 MOVE KEY (`F6`, P1 destination or `FF` to delete, P2 source): needs the
    /// management key; the destination must be empty; the attestation key cannot move.
    fn move_key(&mut self, cmd: &Command) -> Res {
        if !is_asymmetric_slot(cmd.p2) || !(cmd.p1 == 0xFF || is_asymmetric_slot(cmd.p1)) {
            return Err(SW_WRONG_P1P2);
        }
        self.compat.check_key_reference(cmd.p2)?;
        if cmd.p1 != 0xFF {
            self.compat.check_key_reference(cmd.p1)?;
        }
        if !self.session.mgmt_authenticated {
            return Err(SW_SECURITY_STATUS);
        }
        if cmd.p1 != 0xFF && self.state.keys.contains_key(&cmd.p1) {
            return Err(SW_WRONG_DATA);
        }
        let key = self.state.keys.remove(&cmd.p2).ok_or(SW_REF_NOT_FOUND)?;
        if cmd.p1 != 0xFF {
            self.state.keys.insert(cmd.p1, key);
        }
        self.dirty = true;
        Ok(Vec::new())
    }

    /// YubiKey ATTEST (`F9`, P1 slot): a certificate for a key generated on the card.
    fn attest(&mut self, cmd: &Command) -> Res {
        if !is_asymmetric_slot(cmd.p1) || cmd.p2 != 0 {
            return Err(SW_WRONG_P1P2);
        }
        self.compat.check_key_reference(cmd.p1)?;
        let version = self.compat.version().ok_or(SW_INS_NOT_SUPPORTED)?;
        attest::attest(&self.state, cmd.p1, version)
    }
}

fn state_reference(value: &[u8], retries: u8) -> Reference {
    Reference {
        value: Secret::from_slice(&pad8(value)),
        max_retries: retries,
        retries_left: retries,
        is_default: true,
    }
}

/// Asymmetric key references (SP 800-73-4 Part 1, Table 4b): 9A, 9C, 9D, 9E and retired 82–95.
fn is_asymmetric_slot(slot: u8) -> bool {
    matches!(slot, 0x9A | 0x9C | 0x9D | 0x9E | 0x82..=0x95)
}

/// PIV access rules as PIN policies: 9C "PIN always", 9E none, the rest "PIN once".
fn default_pin_policy(slot: u8) -> u8 {
    match slot {
        0x9C => PIN_ALWAYS,
        0x9E => PIN_NEVER,
        _ => PIN_ONCE,
    }
}

/// PIN/PUK format (SP 800-73-4 Part 2, 2.4.3): 6–8 bytes, padded with `FF` to 8.
fn pin_format_ok(value: &[u8]) -> bool {
    let len = value.iter().position(|b| *b == 0xFF).unwrap_or(value.len());
    value.len() == 8 && (6..=8).contains(&len) && value.iter().skip(len).all(|b| *b == 0xFF)
}

fn split_16(data: &[u8]) -> Result<(&[u8], &[u8]), Sw> {
    if data.len() != 16 {
        return Err(SW_WRONG_DATA);
    }
    Ok(data.split_at(8))
}

/// Constant-time equality (the lengths are not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_bytes(n: usize) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(vec![0u8; n]);
    OsRng.fill_bytes(&mut v);
    v
}

fn random_serial() -> u32 {
    10_000_000 + OsRng.next_u32() % 90_000_000
}

#[cfg(test)]
mod tests;
