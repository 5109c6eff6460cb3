//! A token: the card in one reader, as read once when it is first needed after insertion. Its
//! identity and objects never change while it stays in the reader; its PIN counters and login
//! state change only through this module's own card operations, so polling never touches the
//! card (issue 4, "Polling must not touch the card").

use super::cache;
use super::error::Result;
use super::object::{self, Object};
use crate::card::{self, CardDriver, CardError, Retries};
use crate::pin::Puk;
use cryptoki_sys::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// PIV PIN tries when the card does not say (SP 800-73-4 leaves it to the issuer; 3 is usual).
const DEFAULT_PIN_TRIES: u8 = 3;

/// What the module knows of the PIN and the login, kept current by its own card operations.
#[derive(Debug)]
pub struct LoginState {
    /// This process verified the PIN on this card since it was inserted or last reset.
    pub user: bool,
    /// `CKU_SO` login: the PUK, kept (zeroized on drop) until `C_InitPIN`/`C_SetPIN`/logout,
    /// because PIV has no way to check a PUK without using it.
    pub so_puk: Option<Puk>,
    /// PIN tries left, when known.
    pub pin_tries: Option<Retries>,
    /// PUK tries left, when known (metadata cards; then the answers to our PUK operations).
    pub puk_tries: Option<Retries>,
    /// The PIN and PUK counters were read from the card (once per token, when the token flags
    /// or a PIN dialog first need them; later this module's own PIN operations keep them
    /// current).
    pub pin_counter_read: bool,
    /// The last PIN from our pinentry dialog was wrong (the next dialog says so).
    pub pinentry_wrong: bool,
}

impl LoginState {
    /// Records the card's answer to a PIN operation.
    pub fn note_pin_result(&mut self, r: &std::result::Result<(), CardError>) {
        let total = self.pin_tries.and_then(|t| t.total);
        match r {
            Ok(()) => {
                self.pin_tries = Some(Retries {
                    remaining: total.unwrap_or(DEFAULT_PIN_TRIES),
                    total,
                })
            }
            Err(CardError::WrongPin { tries_left }) => {
                self.pin_tries = Some(Retries {
                    remaining: *tries_left,
                    total,
                })
            }
            Err(CardError::PinBlocked) => {
                self.pin_tries = Some(Retries {
                    remaining: 0,
                    total,
                })
            }
            Err(_) => {}
        }
    }

    /// Records the card's answer to an operation with the PUK (`C_InitPIN`, `C_SetPIN` as SO).
    /// A PUK the card accepted has its full count again.
    pub fn note_puk_result(&mut self, r: &std::result::Result<(), CardError>) {
        let total = self.puk_tries.and_then(|t| t.total);
        let remaining = match r {
            Ok(()) => total.unwrap_or(DEFAULT_PIN_TRIES),
            Err(CardError::WrongPuk { tries_left }) => *tries_left,
            Err(CardError::PukBlocked) => 0,
            Err(_) => return,
        };
        self.puk_tries = Some(Retries { remaining, total });
    }

    /// `CKF_USER_PIN_*` and `CKF_SO_PIN_*` flags from the counters (PKCS#11 3.0 §5.4, Table 7).
    pub fn flags(&self) -> CK_FLAGS {
        counter_flags(
            self.pin_tries,
            [
                CKF_USER_PIN_LOCKED,
                CKF_USER_PIN_FINAL_TRY,
                CKF_USER_PIN_COUNT_LOW,
            ],
        ) | counter_flags(
            self.puk_tries,
            [
                CKF_SO_PIN_LOCKED,
                CKF_SO_PIN_FINAL_TRY,
                CKF_SO_PIN_COUNT_LOW,
            ],
        )
    }
}

/// `[locked, final try, count low]` from a counter (none when unknown).
fn counter_flags(tries: Option<Retries>, [locked, last, low]: [CK_FLAGS; 3]) -> CK_FLAGS {
    let Some(t) = tries else { return 0 };
    let total = t.total.unwrap_or(DEFAULT_PIN_TRIES);
    match t.remaining {
        0 => locked,
        1 => last | low,
        n if n < total => low,
        _ => 0,
    }
}

/// A card in a reader, read once.
pub struct Token {
    /// Label: the holder's CN from the authentication certificate, else "PIV Card <serial>" in
    /// the user's language.
    pub label: String,
    /// Card serial (decimal), or "0".
    pub serial: String,
    /// Manufacturer field.
    pub manufacturer: String,
    /// Model field.
    pub model: String,
    /// Firmware version (major, minor), when the card reports it.
    pub firmware: (u8, u8),
    /// The PIN rule of the card's profile (`profile::for_card`: length range, characters);
    /// `None` when no single profile matches (the token info then says the configured range,
    /// PIV's 6–8).
    pub pin_rule: Option<crate::profile::SecretRule>,
    /// The objects (handles assigned, never reused).
    pub objects: Vec<Object>,
    /// The card connection; one operation at a time.
    pub card: Mutex<Box<dyn CardDriver>>,
    /// PIN counters and login state.
    pub login: Mutex<LoginState>,
    /// Set when the card is gone; every later operation fails fast.
    pub removed: AtomicBool,
    /// Serializes pinentry login dialogs (pinentry mode).
    pub dialog: Mutex<()>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.label)
            .field("serial", &self.serial)
            .field("objects", &self.objects.len())
            .finish()
    }
}

impl Token {
    /// Opens the card in `reader` and reads what the token shows: identity, key slots with
    /// certificates and public keys. The PIN and PUK counters are read later, when first needed
    /// ([`LoginState::pin_counter_read`]).
    ///
    /// The certificates come from the cache ([`super::cache`]) when it matches the card
    /// (memory, then disk when `disk_cache`). With `trust_record`, a card that holds Sello's
    /// contents record ([`crate::card::CardDriver::sealed`]) is matched by that record alone —
    /// SELECT and one GET DATA — and on a cache miss only the slots it lists are read, each
    /// checked against it. Otherwise, and for cards without a record, the driver's content
    /// fingerprint is checked ([`crate::card::CardDriver::contents`]).
    pub fn load(
        reader: &str,
        disk_cache: bool,
        trust_record: bool,
        next_handle: impl Fn() -> CK_OBJECT_HANDLE,
    ) -> Result<Self> {
        let mut card = card::open_reader(reader)?;
        let sealed = if trust_record { card.sealed()? } else { None };
        let (info, slots) = match sealed {
            Some(sealed) => match Self::from_record(card.as_mut(), &sealed, disk_cache)? {
                Some(slots) => (sealed.info, slots),
                // The card differs from its record: another tool changed it.
                None => Self::from_contents(card.as_mut(), disk_cache)?,
            },
            None => Self::from_contents(card.as_mut(), disk_cache)?,
        };
        // The load is not a login: forget any reset noticed while reading.
        let _ = card.take_reset_event();
        // No APDU: the profiles are files (embedded, then the user's directory).
        let pin_rule = crate::profile::pin_rule_for(info.driver, &info.atr);
        let serial = info.serial.clone().unwrap_or_else(|| "0".to_owned());
        let label = slots
            .iter()
            .find(|s| s.key.0 == 0x9A)
            .and_then(|s| s.certificate.as_deref())
            .and_then(object::certificate_cn)
            .unwrap_or_else(|| crate::tr!("pkcs11-token-label", serial = serial.as_str()));
        let firmware = info
            .version
            .as_deref()
            .map(|v| {
                let mut it = v.split('.').map(|p| p.parse::<u8>().unwrap_or(0));
                (it.next().unwrap_or(0), it.next().unwrap_or(0))
            })
            .unwrap_or((0, 0));
        let mut objects = Vec::new();
        for s in &slots {
            for mut o in object::slot_objects(s) {
                o.handle = next_handle();
                objects.push(o);
            }
        }
        Ok(Self {
            label,
            serial,
            manufacturer: info.label.clone().unwrap_or_else(|| "PIV".to_owned()),
            model: info.driver.to_owned(),
            firmware,
            pin_rule,
            objects,
            card: Mutex::new(card),
            login: Mutex::new(LoginState {
                user: false,
                so_puk: None,
                pin_tries: None,
                puk_tries: None,
                pin_counter_read: false,
                pinentry_wrong: false,
            }),
            removed: AtomicBool::new(false),
            dialog: Mutex::new(()),
        })
    }

    /// The key slots of a card with a contents record: from the cache when its entry was made
    /// from this very record, else read as the record lists them (and cached). `None` when the
    /// card no longer matches its record.
    fn from_record(
        card: &mut dyn CardDriver,
        sealed: &card::Sealed,
        disk_cache: bool,
    ) -> Result<Option<Vec<card::KeySlot>>> {
        let Some(serial) = sealed.info.serial.as_deref() else {
            return Ok(None);
        };
        let cached = cache::lookup(serial, disk_cache)
            .filter(|e| e.fingerprint().as_deref() == Some(sealed.fingerprint.as_slice()))
            .and_then(|e| e.key_slots());
        if let Some(slots) = cached {
            return Ok(Some(slots));
        }
        let Some(slots) = card.unseal(sealed)? else {
            return Ok(None);
        };
        cache::store(
            cache::Entry::new(
                serial,
                &sealed.fingerprint,
                sealed.info.version.clone(),
                &slots,
            ),
            disk_cache,
        );
        Ok(Some(slots))
    }

    /// Identity and key slots of a card without a (matching) contents record: the cache entry
    /// when the driver's content fingerprint still matches, else everything read again.
    fn from_contents(
        card: &mut dyn CardDriver,
        disk_cache: bool,
    ) -> Result<(card::CardInfo, Vec<card::KeySlot>)> {
        let mut info = card.identity(false)?;
        let cached = info
            .serial
            .as_deref()
            .and_then(|s| cache::lookup(s, disk_cache));
        let known = cached.as_ref().and_then(cache::Entry::fingerprint);
        let contents = card.contents(known.as_deref())?;
        if let (None, Some(e)) = (&contents.slots, &cached) {
            if let Some(slots) = e.key_slots() {
                info.version = e.version.clone();
                return Ok((info, slots));
            }
        }
        let contents = match contents.slots {
            Some(_) => contents,
            // The entry matched but was damaged: read the card.
            None => card.contents(None)?,
        };
        let slots = contents.slots.unwrap_or_default();
        info.version = card.firmware_version()?;
        if let (Some(serial), Some(fp)) = (&info.serial, &contents.fingerprint) {
            cache::store(
                cache::Entry::new(serial, fp, info.version.clone(), &slots),
                disk_cache,
            );
        }
        Ok((info, slots))
    }

    /// Marks the token removed.
    pub fn mark_removed(&self) {
        self.removed.store(true, Ordering::SeqCst);
    }

    /// Whether the card is gone.
    pub fn is_removed(&self) -> bool {
        self.removed.load(Ordering::SeqCst)
    }

    /// An object by handle.
    pub fn object(&self, handle: CK_OBJECT_HANDLE) -> Option<&Object> {
        self.objects.iter().find(|o| o.handle == handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> LoginState {
        LoginState {
            user: false,
            so_puk: None,
            pin_tries: None,
            puk_tries: None,
            pin_counter_read: false,
            pinentry_wrong: false,
        }
    }

    #[test]
    fn so_pin_flags_follow_the_puk_counter() {
        let mut l = state();
        assert_eq!(l.flags(), 0, "unknown counter: no flags");
        l.puk_tries = Some(Retries {
            remaining: 3,
            total: Some(3),
        });
        assert_eq!(l.flags(), 0);
        l.note_puk_result(&Err(CardError::WrongPuk { tries_left: 2 }));
        assert_eq!(l.flags(), CKF_SO_PIN_COUNT_LOW);
        l.note_puk_result(&Err(CardError::WrongPuk { tries_left: 1 }));
        assert_eq!(l.flags(), CKF_SO_PIN_COUNT_LOW | CKF_SO_PIN_FINAL_TRY);
        l.note_puk_result(&Ok(()));
        assert_eq!(l.flags(), 0, "an accepted PUK has its full count again");
        l.note_puk_result(&Err(CardError::PukBlocked));
        assert_eq!(l.flags(), CKF_SO_PIN_LOCKED);
        // The PIN counter keeps its own flags.
        l.pin_tries = Some(Retries {
            remaining: 0,
            total: Some(3),
        });
        assert_eq!(l.flags(), CKF_SO_PIN_LOCKED | CKF_USER_PIN_LOCKED);
    }
}
