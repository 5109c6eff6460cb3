//! The inventory: readers and cards as PC/SC reports them (`SCardGetStatusChange` with the PnP
//! pseudo-reader, so the thread sleeps in pcscd until something changes: no polling while pcscd
//! runs). When pcscd goes away every reader is reported removed and the monitor reconnects with
//! a backoff (1 s doubling to 10 s) until pcscd is back.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::{now, Daemon};
use crate::card::{self, CardDriver, PinStatus};
use crate::enroll::journal::JournalStore;
use crate::profile;
use crate::tr;
use crate::transport::pcsc::{ReaderEvent, ReaderMonitor};
use crate::transport::TransportError;

/// Days before expiry from which a certificate is announced.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// How long one wait in pcscd lasts before the monitor loops (a change wakes it at once).
const WAIT: Duration = Duration::from_secs(600);

/// What is known of one reader.
#[derive(Debug, Default)]
pub struct ReaderEntry {
    /// Increased at every card insertion: a job compares it to detect a swap.
    pub generation: u64,
    /// The card, if present.
    pub card: Option<CardEntry>,
}

/// A card in a reader.
#[derive(Debug, Clone)]
pub struct CardEntry {
    /// ATR.
    pub atr: Vec<u8>,
    /// What the last probe found (`None` while probing).
    pub details: Option<Value>,
    /// The serial, once probed.
    pub serial: Option<String>,
}

/// Readers and cards.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Whether pcscd is reachable.
    pub service: bool,
    /// By reader name.
    pub readers: BTreeMap<String, ReaderEntry>,
    /// (serial, slot, not_after) already announced, so a reinsertion does not notify again.
    pub announced: HashSet<(String, String, i64)>,
}

impl Inventory {
    /// Finds a reader by exact name or unique substring.
    pub fn resolve(&self, wanted: &str) -> Option<String> {
        if self.readers.contains_key(wanted) {
            return Some(wanted.to_owned());
        }
        let m: Vec<_> = self.readers.keys().filter(|k| k.contains(wanted)).collect();
        match m.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }

    /// The JSON of one reader.
    pub fn reader_json(&self, name: &str, job: Option<u64>) -> Value {
        let entry = self.readers.get(name);
        let card = entry.and_then(|e| e.card.as_ref()).map(|c| {
            let mut v = c
                .details
                .clone()
                .unwrap_or_else(|| json!({ "probing": true }));
            if let Some(o) = v.as_object_mut() {
                o.insert("atr".into(), json!(hex::encode_upper(&c.atr)));
            }
            v
        });
        json!({ "reader": name, "card": card, "job": job })
    }
}

/// The monitor thread's body: never returns.
pub fn monitor(d: Arc<Daemon>) {
    let mut backoff = Duration::from_secs(1);
    loop {
        match ReaderMonitor::new() {
            Ok(mut m) => {
                backoff = Duration::from_secs(1);
                set_service(&d, true);
                loop {
                    match m.wait(WAIT) {
                        Ok(events) => {
                            for e in events {
                                apply(&d, e);
                            }
                        }
                        Err(e) => {
                            super::log(|| {
                                tr!("daemon-log-monitor-reconnecting", error = e.to_string())
                            });
                            break;
                        }
                    }
                }
            }
            Err(TransportError::NoService) => {}
            Err(e) => super::log(|| tr!("daemon-log-monitor-error", error = e.to_string())),
        }
        set_service(&d, false);
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

fn set_service(d: &Daemon, up: bool) {
    let removed: Vec<String> = {
        let mut inv = d.inventory();
        if inv.service == up {
            return;
        }
        inv.service = up;
        if up {
            Vec::new()
        } else {
            let names = inv.readers.keys().cloned().collect();
            inv.readers.clear();
            names
        }
    };
    d.publish(json!({ "event": if up { "service-up" } else { "service-down" } }));
    for r in removed {
        d.jobs.card_gone(&r);
        d.publish(json!({ "event": "reader-removed", "reader": r }));
    }
}

fn apply(d: &Arc<Daemon>, e: ReaderEvent) {
    let changed = match &e {
        ReaderEvent::ReaderAdded(r) | ReaderEvent::ReaderRemoved(r) => r.clone(),
        ReaderEvent::CardInserted { reader, .. } | ReaderEvent::CardRemoved { reader } => {
            reader.clone()
        }
    };
    apply_event(d, e);
    retry_incomplete(d, Some(&changed));
}

fn apply_event(d: &Arc<Daemon>, e: ReaderEvent) {
    match e {
        ReaderEvent::ReaderAdded(r) => {
            d.inventory().readers.entry(r.clone()).or_default();
            d.publish(json!({ "event": "reader-added", "reader": r }));
        }
        ReaderEvent::ReaderRemoved(r) => {
            d.inventory().readers.remove(&r);
            d.jobs.card_gone(&r);
            d.publish(json!({ "event": "reader-removed", "reader": r }));
        }
        ReaderEvent::CardInserted { reader, atr } => {
            let generation = {
                let mut inv = d.inventory();
                let entry = inv.readers.entry(reader.clone()).or_default();
                entry.generation += 1;
                entry.card = Some(CardEntry {
                    atr: atr.clone(),
                    details: None,
                    serial: None,
                });
                entry.generation
            };
            d.jobs.card_gone(&reader);
            d.publish(json!({
                "event": "card-inserted",
                "reader": reader,
                "atr": hex::encode_upper(&atr),
            }));
            spawn_probe(d, reader, generation);
        }
        ReaderEvent::CardRemoved { reader } => {
            if let Some(e) = d.inventory().readers.get_mut(&reader) {
                e.card = None;
            }
            d.jobs.card_gone(&reader);
            d.publish(json!({ "event": "card-removed", "reader": reader }));
        }
    }
}

/// Reads the card in `reader` in a thread of its own (a slow card does not hold up events of
/// other readers), unless a job owns the card; the job refreshes the record when it ends.
pub fn spawn_probe(d: &Arc<Daemon>, reader: String, generation: u64) {
    if d.jobs.running_on(&reader).is_some() {
        return;
    }
    let d = Arc::clone(d);
    let spawned = std::thread::Builder::new()
        .name("sellod-probe".into())
        .spawn(move || {
            let details = probe(&d, &reader);
            record(&d, &reader, generation, details);
        });
    if let Err(e) = spawned {
        super::log(|| tr!("daemon-log-cannot-probe", error = e.to_string()));
    }
}

/// Stores a probe's result if the same card is still there, and announces it.
pub fn record(d: &Arc<Daemon>, reader: &str, generation: u64, details: Value) {
    let serial = details["serial"].as_str().map(str::to_owned);
    {
        let mut inv = d.inventory();
        let Some(entry) = inv.readers.get_mut(reader) else {
            return;
        };
        if entry.generation != generation {
            return;
        }
        let Some(card) = entry.card.as_mut() else {
            return;
        };
        card.details = Some(details.clone());
        card.serial = serial.clone();
    }
    d.publish(json!({ "event": "card-identified", "reader": reader, "card": details }));
    let Some(serial) = serial else { return };
    let Some(certs) = details["certificates"].as_array() else {
        return;
    };
    for c in certs {
        let (Some(days), Some(not_after)) = (c["days_left"].as_i64(), c["not_after"].as_i64())
        else {
            continue;
        };
        if days > EXPIRY_WARNING_DAYS {
            continue;
        }
        // A revoked certificate is never renewed: no warning offering it.
        if c["revocation"]["status"] == "revoked" {
            continue;
        }
        let slot = c["slot"].as_str().unwrap_or_default().to_owned();
        if !d
            .inventory()
            .announced
            .insert((serial.clone(), slot.clone(), not_after))
        {
            continue;
        }
        d.publish_localized(|| {
            json!({
                "event": "expiry-warning",
                "reader": reader,
                "serial": serial,
                "slot": slot,
                "subject": c["subject"],
                "not_after": not_after,
                "days_left": days,
                // In each subscriber's language (`sello watch` words its own line).
                "advice": tr!("daemon-expiry-advice"),
                // The renewal on offer: the holder starts it as a job (`sello renew --via-daemon`,
                // or `start-job` with this object), with the PIN alone when the card allows it.
                "offer": if days >= 0 { renewal_offer(&slot) } else { Value::Null },
            })
        });
        super::notify::expiry(&serial, &slot, days);
    }
}

/// Reads what the inventory keeps of a card: driver, serial, version, profile, certificates
/// with expiry, PIN/PUK tries, and the activation journal's state. Never spends a PIN try.
///
/// The texts it keeps (why a card or a part of it could not be read) are shown to every client
/// until the card is read again, so they are in the daemon's language, whichever client's
/// `card-status` request read the card.
pub fn probe(d: &Daemon, reader: &str) -> Value {
    super::in_daemon_language(|| {
        let mut card = match card::open_reader(reader) {
            Ok(c) => c,
            Err(e) => return json!({ "error": e.to_string() }),
        };
        describe(d, card.as_mut())
    })
}

/// [`probe`] on an open card.
pub fn describe(d: &Daemon, card: &mut dyn CardDriver) -> Value {
    let info = match card.info() {
        Ok(i) => i,
        Err(e) => return json!({ "error": e.to_string() }),
    };
    let t = now();
    let revocation = Revocation::new(t);
    // What could not be read is said per card (`errors`), never shown as "nothing": a card whose
    // certificates are unknown gets no expiry warning, so it must not look like a card without
    // any. Such a card is read again at the next event ([`retry_incomplete`]).
    let mut errors = serde_json::Map::new();
    let slots = card.key_slots().unwrap_or_else(|e| {
        errors.insert("certificates".into(), json!(e.to_string()));
        Vec::new()
    });
    let certs: Vec<Value> = slots
        .iter()
        .filter_map(|s| {
            let der = s.certificate.as_deref()?;
            let (_, c) = x509_parser::parse_x509_certificate(der).ok()?;
            let not_after = c.validity().not_after.timestamp();
            Some(json!({
                "slot": format!("{:02X}", s.key.0),
                "name": s.name,
                "algorithm": s.algorithm.map(|a| a.name()),
                "subject": c.subject().to_string(),
                "issuer": c.issuer().to_string(),
                "not_after": not_after,
                "days_left": (not_after - t).div_euclid(86_400),
                "revocation": revocation.of(der),
            }))
        })
        .collect();
    let pins = match card.pin_status() {
        Ok(p) => Some(pins_json(&p)),
        Err(e) => {
            errors.insert("pins".into(), json!(e.to_string()));
            None
        }
    };
    let certs = if errors.contains_key("certificates") {
        Value::Null
    } else {
        json!(certs)
    };
    let profile = profile::load_all()
        .ok()
        .and_then(|ps| profile::for_card(&ps, info.driver, &info.atr).ok())
        .map(|p| p.name);
    let activation = info
        .serial
        .as_deref()
        .and_then(|s| journal_state(&d.journal, s));
    json!({
        "driver": info.driver,
        "serial": info.serial,
        "version": info.version,
        "label": info.label,
        "profile": profile,
        "certificates": certs,
        "pins": pins,
        "activation": activation,
        "errors": if errors.is_empty() { Value::Null } else { Value::Object(errors) },
    })
}

/// The renewal a warning offers: the command, and the `start-job` job it runs (the CA's address
/// from the daemon's `SELLO_EST_URL`/`SELLO_EST_TRUST` when set; the CLI supplies them otherwise).
fn renewal_offer(slot: &str) -> Value {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    json!({
        "command": "sello renew --via-daemon",
        "job": {
            "kind": "renew",
            "slot": slot,
            "holder": true,
            "est": env("SELLO_EST_URL"),
            "est_trust": env("SELLO_EST_TRUST"),
        },
    })
}

/// Revocation status for the inventory ([`crate::enroll::revocation`]: OCSP or the CRL, bounded time,
/// cached), against the CA certificates in `SELLO_CA_DIR` (default `/etc/sello/ca`).
struct Revocation {
    #[cfg(feature = "est-client")]
    checker: crate::enroll::revocation::Checker,
    #[cfg(feature = "est-client")]
    anchors: Vec<Vec<u8>>,
}

impl Revocation {
    #[cfg(feature = "est-client")]
    fn new(now: i64) -> Self {
        let dir = std::env::var_os("SELLO_CA_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/etc/sello/ca".into());
        Self {
            checker: crate::enroll::revocation::Checker::new(now),
            anchors: crate::doctor::chain::load_anchors(&dir, &[]).certs,
        }
    }

    #[cfg(feature = "est-client")]
    fn of(&self, der: &[u8]) -> Value {
        self.checker.status(der, &self.anchors).to_json()
    }

    #[cfg(not(feature = "est-client"))]
    fn new(_: i64) -> Self {
        Self {}
    }

    #[cfg(not(feature = "est-client"))]
    fn of(&self, _: &[u8]) -> Value {
        Value::Null
    }
}

fn pins_json(p: &PinStatus) -> Value {
    json!({
        "pin_tries": p.pin.map(|r| r.remaining),
        "puk_tries": p.puk.map(|r| r.remaining),
        "pin_blocked": p.pin_blocked(),
        "puk_blocked": p.puk_blocked(),
        "pin_is_default": p.pin_is_default,
    })
}

/// Whether a probe's result lacks something it should hold (an error reading the card, its
/// certificates or its PIN counters): such a card is read again at the next event.
fn incomplete(details: &Value) -> bool {
    !details["error"].is_null() || !details["errors"].is_null()
}

/// Reads again every card whose last probe was incomplete (and that no job owns).
fn retry_incomplete(d: &Arc<Daemon>, except: Option<&str>) {
    let again: Vec<(String, u64)> = d
        .inventory()
        .readers
        .iter()
        .filter(|(name, _)| Some(name.as_str()) != except)
        .filter_map(|(name, e)| {
            let card = e.card.as_ref()?;
            card.details
                .as_ref()
                .filter(|v| incomplete(v))
                .map(|_| (name.clone(), e.generation))
        })
        .collect();
    for (reader, generation) in again {
        spawn_probe(d, reader, generation);
    }
}

fn journal_state(store: &Option<JournalStore>, serial: &str) -> Option<Value> {
    let j = store.as_ref()?.load(serial).ok()??;
    Some(json!({
        "state": if j.completed_at.is_some() { "complete" } else { "in-progress" },
        "profile": j.profile,
        "events": j.events.len(),
    }))
}
