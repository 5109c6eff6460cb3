//! `sello doctor`: checks every link a citizen's card needs, in order, and for each broken link
//! says in plain words what to do.
//!
//! The links: the smart-card service (pcscd) → a reader → a recognised card → the PIN not blocked
//! → a certificate in the authentication slot → valid now and not about to expire → issued by a
//! CA we know → the module registered in the browsers; and a PIN dialog the module can show. A check that needs an earlier one is
//! skipped (with the reason) when that one failed; the browser check needs no card and always
//! runs. Nothing here spends a PIN try: the PIN state comes from [`CardDriver::pin_status`].
//!
//! The checks on data ([`check_pin`], [`check_certificates`], [`check_validity`],
//! [`check_chain`], [`check_browsers`], [`recognise`]) are pure; [`run`] does the IO.

pub mod chain;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::browser;
use crate::card::{self, CardDriver, CardError, CardInfo, KeyRef, KeySlot, PinStatus, PublicKey};
use crate::pkcs11::pinentry;
use crate::transport::{self, TransportError};

/// Days before expiry from which a certificate is reported as expiring.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but needs attention soon.
    Warn,
    /// Broken: the card cannot be used until it is fixed.
    Fail,
    /// Not checked because a link it depends on is broken.
    Skipped,
}

/// One link of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier ("pcscd", "reader", "card", "pin", "certificate", "validity", "chain",
    /// "revocation", "browser", "p11kit", "pinentry").
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// Outcome.
    pub status: Status,
    /// What was found, in one line.
    pub finding: String,
    /// What to do about it, in one line (none when all is well).
    pub advice: Option<String>,
}

impl Check {
    fn new(id: &'static str, status: Status, finding: impl Into<String>) -> Self {
        Self {
            id,
            title: title(id),
            status,
            finding: finding.into(),
            advice: None,
        }
    }

    fn ok(id: &'static str, finding: impl Into<String>) -> Self {
        Self::new(id, Status::Ok, finding)
    }

    fn warn(id: &'static str, finding: impl Into<String>, advice: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, finding).advise(advice)
    }

    fn fail(id: &'static str, finding: impl Into<String>, advice: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, finding).advise(advice)
    }

    fn skipped(id: &'static str, because: &Check) -> Self {
        Self::new(
            id,
            Status::Skipped,
            format!("not checked: \"{}\" failed first", because.title),
        )
    }

    fn advise(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }
}

fn title(id: &str) -> &'static str {
    match id {
        "pcscd" => "Smart-card service",
        "reader" => "Card reader",
        "card" => "Card",
        "pin" => "PIN",
        "certificate" => "Certificates on the card",
        "validity" => "Certificate dates",
        "chain" => "Certificate issuer",
        "revocation" => "Certificate revocation",
        "browser" => "Browsers",
        "p11kit" => "p11-kit (GnuTLS and other applications)",
        "pinentry" => "PIN dialog",
        _ => "Check",
    }
}

/// All checks, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// True when no check failed.
    pub ok: bool,
    /// The checks.
    pub checks: Vec<Check>,
}

impl Report {
    fn new(checks: Vec<Check>) -> Self {
        Self {
            ok: !checks.iter().any(|c| c.status == Status::Fail),
            checks,
        }
    }
}

/// What a recognised card is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// The application or profile, for people ("PIV").
    pub application: String,
    /// Key slots that must hold a certificate.
    pub required: Vec<KeyRef>,
    /// Key slots checked when they hold one.
    pub optional: Vec<KeyRef>,
}

/// PIV authentication key (SP 800-73-4 Part 1, Table 4b).
pub const PIV_AUTHENTICATION: KeyRef = KeyRef(0x9A);
/// PIV digital signature key.
pub const PIV_SIGNATURE: KeyRef = KeyRef(0x9C);

/// Which card this is. For now every card the PIV driver opened is a PIV card whose
/// authentication certificate (9A) is required and whose signature certificate (9C) is checked
/// when present; card profiles (`src/profile`) will refine this.
pub fn recognise(info: &CardInfo) -> Option<Recognised> {
    if info.driver != "PIV" {
        return None;
    }
    // The card profile that applies (embedded defaults + the user's directory) says which key
    // slots the card must carry; a PIV card no profile claims is still checked for 9A.
    let profiles = crate::profile::load_all().unwrap_or_default();
    match crate::profile::for_card(&profiles, info.driver, &info.atr) {
        Ok(p) => Some(Recognised {
            application: format!("PIV (profile {})", p.name),
            required: (p.keys.iter().filter(|k| !k.optional))
                .map(|k| KeyRef(k.slot.0))
                .collect(),
            optional: (p.keys.iter().filter(|k| k.optional))
                .map(|k| KeyRef(k.slot.0))
                .collect(),
        }),
        Err(_) => Some(Recognised {
            application: "PIV".to_owned(),
            required: vec![PIV_AUTHENTICATION],
            optional: vec![PIV_SIGNATURE],
        }),
    }
}

const ADVICE_PCSCD: &str =
    "Start it with `sudo systemctl start pcscd` (if that says it is not installed: \
     `sudo apt install pcscd`), then run `sello doctor` again.";

fn slot_name(k: KeyRef) -> &'static str {
    match k.0 {
        0x9A => "authentication",
        0x9C => "signature",
        0x9D => "key management",
        0x9E => "card authentication",
        _ => "other",
    }
}

/// PIN check, from the card's counters (no try spent).
pub fn check_pin(p: &PinStatus) -> Check {
    let puk_note = if p.puk_blocked() {
        " The PUK is blocked too."
    } else {
        ""
    };
    match p.pin {
        Some(r) if r.remaining == 0 => {
            let advice = if p.puk_blocked() {
                "The PIN and the PUK are both blocked: the card can no longer be unblocked. Take it to a registration point."
            } else {
                "Unblock it with the PUK from your activation letter: `sello pin unblock`. Without the PUK, go to a registration point."
            };
            Check::fail("pin", format!("The PIN is blocked.{puk_note}"), advice)
        }
        Some(r) if r.remaining == 1 => Check::warn(
            "pin",
            "Only 1 PIN try left: one more wrong PIN blocks the card.",
            "Enter the PIN carefully. If you are not sure of it, unblock with the PUK instead (`sello pin unblock`).",
        ),
        Some(r) => Check::ok(
            "pin",
            match r.total {
                Some(t) => format!("The PIN is not blocked ({} of {t} tries left).", r.remaining),
                None => format!("The PIN is not blocked ({} tries left).", r.remaining),
            },
        ),
        None => Check::warn(
            "pin",
            "The card does not say how many PIN tries are left.",
            "If the PIN is refused, do not guess: unblock with the PUK (`sello pin unblock`).",
        ),
    }
}

/// The certificates of the slots that matter, in slot order: `(slot, DER)`.
pub fn relevant_certificates(slots: &[KeySlot], r: &Recognised) -> Vec<(KeyRef, Vec<u8>)> {
    r.required
        .iter()
        .chain(&r.optional)
        .filter_map(|k| {
            slots
                .iter()
                .find(|s| s.key == *k)
                .and_then(|s| s.certificate.clone())
                .map(|c| (*k, c))
        })
        .collect()
}

/// Certificates present in the required slots.
pub fn check_certificates(slots: &[KeySlot], r: &Recognised) -> Check {
    let certs = relevant_certificates(slots, r);
    let missing: Vec<KeyRef> = r
        .required
        .iter()
        .copied()
        .filter(|k| !certs.iter().any(|(c, _)| c == k))
        .collect();
    let unreadable: Vec<KeyRef> = certs
        .iter()
        .filter(|(_, der)| x509_parser::parse_x509_certificate(der).is_err())
        .map(|(k, _)| *k)
        .collect();
    let list = |ks: &[KeyRef]| {
        ks.iter()
            .map(|k| format!("{} ({:02X})", slot_name(*k), k.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !missing.is_empty() {
        return Check::fail(
            "certificate",
            format!("No certificate in the {} slot.", list(&missing)),
            "The card has not been activated (or its certificate was removed). Take it to a registration point to activate it.",
        );
    }
    if !unreadable.is_empty() {
        return Check::fail(
            "certificate",
            format!(
                "The certificate in the {} slot is damaged.",
                list(&unreadable)
            ),
            "Take the card to a registration point to have a new certificate written.",
        );
    }
    // With key metadata the card reveals each slot's public key: a certificate for another key
    // (an activation interrupted between key generation and certificate writing) cannot work.
    let mismatched: Vec<KeyRef> = certs
        .iter()
        .filter(|(k, der)| {
            let on_card = slots
                .iter()
                .find(|s| s.key == *k)
                .and_then(|s| s.public_key.as_ref());
            let in_cert = x509_parser::parse_x509_certificate(der)
                .ok()
                .and_then(|(_, c)| PublicKey::from_spki_der(c.public_key().raw).ok());
            matches!((on_card, in_cert), (Some(a), Some(b)) if *a != b)
        })
        .map(|(k, _)| *k)
        .collect();
    if !mismatched.is_empty() {
        return Check::fail(
            "certificate",
            format!(
                "The certificate in the {} slot does not belong to the key on the card.",
                list(&mismatched)
            ),
            "The card's activation was not completed: take it to a registration point.",
        );
    }
    let present: Vec<KeyRef> = certs.iter().map(|(k, _)| *k).collect();
    Check::ok(
        "certificate",
        format!("Certificates found: {}.", list(&present)),
    )
}

fn date(ts: i64) -> String {
    x509_parser::time::ASN1Time::from_timestamp(ts)
        .map(|t| t.to_datetime().date().to_string())
        .unwrap_or_else(|_| ts.to_string())
}

/// Valid now, and not expiring within [`EXPIRY_WARNING_DAYS`].
pub fn check_validity(certs: &[(KeyRef, Vec<u8>)], now: i64) -> Check {
    let mut worst = Check::ok("validity", "");
    let mut notes = Vec::new();
    for (k, der) in certs {
        let Ok((_, c)) = x509_parser::parse_x509_certificate(der) else {
            continue;
        };
        let (nb, na) = (
            c.validity().not_before.timestamp(),
            c.validity().not_after.timestamp(),
        );
        let which = slot_name(*k);
        let days = (na - now).div_euclid(86_400);
        if now > na {
            worst = Check::fail(
                "validity",
                format!("The {which} certificate expired on {}.", date(na)),
                "Expired certificates cannot be renewed at home: book an appointment at a registration point.",
            );
            break;
        } else if now < nb {
            worst = Check::fail(
                "validity",
                format!("The {which} certificate is not valid before {}.", date(nb)),
                "Check that your computer's date and time are right; if they are, contact the registration point.",
            );
            break;
        } else if days < EXPIRY_WARNING_DAYS && worst.status == Status::Ok {
            worst = Check::warn(
                "validity",
                format!(
                    "The {which} certificate expires in {days} day{} ({}).",
                    if days == 1 { "" } else { "s" },
                    date(na)
                ),
                "Renew it before it expires (`sello renew`, or at a registration point); after it expires you must go in person.",
            );
        } else {
            notes.push(format!("{which} until {}", date(na)));
        }
    }
    if worst.status == Status::Ok {
        worst.finding = format!("Valid: {}.", notes.join(", "));
    }
    worst
}

/// Issued by a trusted CA.
pub fn check_chain(certs: &[(KeyRef, Vec<u8>)], anchors: &chain::Anchors) -> Check {
    if anchors.certs.is_empty() {
        let mut extra = String::new();
        if !anchors.problems.is_empty() {
            extra = format!(" ({})", anchors.problems.join("; "));
        }
        return Check::warn(
            "chain",
            format!("No CA certificates are configured, so the issuer cannot be checked{extra}."),
            "Install your CA's certificate in /etc/sello/ca/ (or pass it with `--ca FILE`).",
        );
    }
    let mut trusted = Vec::new();
    for (k, der) in certs {
        let which = slot_name(*k);
        let issuer = x509_parser::parse_x509_certificate(der)
            .map(|(_, c)| c.issuer().to_string())
            .unwrap_or_default();
        match chain::verify(der, &anchors.certs) {
            chain::Verdict::Trusted(ca) => trusted.push(format!("{which} by {ca}")),
            chain::Verdict::UnknownIssuer => {
                return Check::fail(
                    "chain",
                    format!("The {which} certificate was issued by an unknown CA ({issuer})."),
                    "This card was not activated by your CA, or its CA certificate is not installed: contact the registration point.",
                )
            }
            chain::Verdict::BadSignature(ca) => {
                return Check::fail(
                    "chain",
                    format!("The {which} certificate names {ca} as issuer, but its signature does not match."),
                    "The certificate is not genuine: do not use the card and contact the registration point.",
                )
            }
            chain::Verdict::Unsupported(why) => {
                return Check::warn(
                    "chain",
                    format!("The issuer of the {which} certificate cannot be checked: {why}."),
                    "Contact the registration point if websites refuse the card.",
                )
            }
        }
    }
    Check::ok(
        "chain",
        format!("Issued by a known CA: {}.", trusted.join(", ")),
    )
}

/// Registered in every browser database found.
pub fn check_browsers(s: &browser::Status) -> Check {
    let reinstall =
        "Run `sello browser install` (close Firefox first), then restart your browsers.";
    // A Chromium database that does not exist yet and no Firefox profile: no browser used yet.
    let used: Vec<&browser::DbStatus> = s
        .databases
        .iter()
        .filter(|d| d.db.exists || d.library.is_some())
        .collect();
    if used.is_empty() {
        return Check::warn(
            "browser",
            "No Firefox profile and no Chromium/Chrome certificate store were found.",
            "Start your browser once, then run `sello browser install`.",
        );
    }
    let missing: Vec<String> = used
        .iter()
        .filter(|d| d.library.is_none())
        .map(|d| d.db.browser.label())
        .collect();
    if !missing.is_empty() {
        return Check::fail(
            "browser",
            format!("Sello is not set up in: {}.", missing.join(", ")),
            reinstall,
        );
    }
    let broken: Vec<String> = used
        .iter()
        .filter(|d| !d.library_exists)
        .map(|d| d.db.browser.label())
        .collect();
    if !broken.is_empty() {
        return Check::fail(
            "browser",
            format!(
                "Sello is set up in {}, but its module file is missing.",
                broken.join(", ")
            ),
            "Reinstall Sello, then run `sello browser install`.",
        );
    }
    let names: Vec<String> = used.iter().map(|d| d.db.browser.label()).collect();
    Check::ok("browser", format!("Set up in: {}.", names.join(", ")))
}

/// Registered with p11-kit, so GnuTLS tools and every application that reaches PKCS#11
/// modules through p11-kit (its proxy module) find Sello: the user module file `sello browser
/// install` writes, or a system one (`/etc/pkcs11/modules`, `/usr/share/p11-kit/modules`) given
/// in `system` as (file, library it names).
pub fn check_p11kit(p: &browser::P11KitStatus, system: &[(PathBuf, Option<PathBuf>)]) -> Check {
    let reinstall = "Run `sello browser install`.";
    let registered: Vec<(&Path, &Path)> = std::iter::once((p.file.as_path(), p.library.as_deref()))
        .chain(system.iter().map(|(f, l)| (f.as_path(), l.as_deref())))
        .filter_map(|(f, l)| Some((f, l?)))
        .collect();
    if let Some((file, lib)) = registered.iter().find(|(_, l)| !l.exists()) {
        return Check::fail(
            "p11kit",
            format!(
                "{} names the module {}, which is missing.",
                file.display(),
                lib.display()
            ),
            "Reinstall Sello, then run `sello browser install`.",
        );
    }
    if let Some((file, _)) = registered.first() {
        return Check::ok("p11kit", format!("Registered: {}.", file.display()));
    }
    if !p.present {
        return Check::ok(
            "p11kit",
            "p11-kit is not installed: no application here reaches modules through it.",
        );
    }
    Check::warn(
        "p11kit",
        "Applications that use p11-kit (GnuTLS tools, and programs loading p11-kit-proxy.so) do not see Sello.",
        reinstall,
    )
}

/// The system-wide p11-kit module files for Sello that exist, with the library each names.
fn system_p11kit_files() -> Vec<(PathBuf, Option<PathBuf>)> {
    [
        "/etc/pkcs11/modules/sello.module",
        "/usr/share/p11-kit/modules/sello.module",
    ]
    .into_iter()
    .filter_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let lib = browser::p11kit_module_path(&text).map(PathBuf::from);
        Some((PathBuf::from(f), lib))
    })
    .collect()
}

/// The PIN dialog the PKCS#11 module would show in this session (`pkcs11::pinentry::select`),
/// needed for every signature with the signature key (9C) in applications that do not ask for
/// the PIN themselves, and for every PIN in pinentry mode (then its absence is a failure).
pub fn check_pinentry(
    pinentry_mode: bool,
    chosen: &Result<pinentry::Chosen, pinentry::NoPinentry>,
) -> Check {
    match chosen {
        Ok(c) => Check::ok(
            "pinentry",
            format!("PIN dialogs are shown with {}.", c.program.display()),
        ),
        Err(e) => {
            let finding = format!("No PIN dialog can be shown in this session: {e}.");
            let advice = "Install the pinentry package named above (or set `pinentry` in the \
                          [pkcs11] table of ~/.config/sello/sello.toml), then restart the browser.";
            if pinentry_mode {
                Check::fail("pinentry", finding, advice)
            } else {
                Check::warn("pinentry", finding, advice)
            }
        }
    }
}

/// What `run` needs from outside.
#[derive(Debug, Clone)]
pub struct Options {
    /// The reader to check (a name or a unique part of one); default: the one holding a card.
    pub reader: Option<String>,
    /// Directory of trusted CA certificates.
    pub ca_dir: PathBuf,
    /// More CA certificate files.
    pub ca_files: Vec<PathBuf>,
    /// Unix time "now".
    pub now: i64,
    /// Where the browsers are.
    pub env: browser::Env,
}

/// Runs every check.
pub fn run(opts: &Options) -> Report {
    let mut checks = card_checks(opts);
    let status = browser::status(&opts.env);
    checks.push(check_browsers(&status));
    checks.push(check_p11kit(&status.p11kit, &system_p11kit_files()));
    let config = crate::pkcs11::Config::load();
    checks.push(check_pinentry(
        config.pin_mode == crate::pkcs11::PinMode::Pinentry,
        &pinentry::select(config.pinentry.as_deref(), &pinentry::SessionEnv::current()),
    ));
    Report::new(checks)
}

const CARD_CHAIN: [&str; 8] = [
    "pcscd",
    "reader",
    "card",
    "pin",
    "certificate",
    "validity",
    "chain",
    "revocation",
];

/// The card checks, with later ones skipped after a failure they depend on.
fn card_checks(opts: &Options) -> Vec<Check> {
    let mut checks = Vec::new();
    let failed = probe_card(opts, &mut checks);
    // Fill in the checks that did not run, naming the failure they depend on.
    if let Some(cause) = failed {
        for id in CARD_CHAIN {
            if !checks.iter().any(|c| c.id == id) {
                checks.push(Check::skipped(id, &cause));
            }
        }
    }
    checks
}

fn card_error_check(e: &CardError) -> Check {
    match e {
        CardError::Transport(TransportError::NoCard | TransportError::CardRemoved) => Check::fail(
            "card",
            "The card was taken out while it was being read.",
            "Insert the card and leave it in the reader, then run `sello doctor` again.",
        ),
        CardError::Transport(TransportError::SharingViolation) => Check::fail(
            "card",
            "Another program is using the card exclusively.",
            "Close other programs that use the card (signing tools, other middleware), then try again.",
        ),
        CardError::UnsupportedCard => Check::fail(
            "card",
            "This card is not one Sello recognises (no PIV application).",
            "Check that you inserted your citizen card, not a bank or health card.",
        ),
        // Only a card that does not answer, or garbles the exchange, may have a contact problem.
        CardError::Transport(TransportError::Unresponsive) => Check::fail(
            "card",
            format!("The card could not be read: {e}."),
            ADVICE_CONTACT,
        ),
        CardError::Transport(TransportError::CardReset) => Check::fail(
            "card",
            format!("The card could not be read: {e}."),
            "Another program reset the card while it was being read: close other programs that use the card, then run `sello doctor` again.",
        ),
        CardError::Transport(
            TransportError::ReaderUnavailable
            | TransportError::ReaderNotFound(_)
            | TransportError::Timeout
            | TransportError::Pcsc { .. },
        ) => Check::fail(
            "card",
            format!("The reader could not be used: {e}."),
            "Unplug the reader, plug it in again and retry; if it keeps failing, restart the smart-card service (`sudo systemctl restart pcscd`).",
        ),
        // The card answered, clearly, but not as Sello expects: a protocol matter, not dirt.
        CardError::Transport(TransportError::Protocol(_) | TransportError::Malformed(_))
        | CardError::Malformed { .. }
        | CardError::Refused { .. }
        | CardError::NotSupported(_)
        | CardError::NotFound(_) => Check::fail(
            "card",
            format!("The card answered in a way Sello does not handle: {e}."),
            ADVICE_PROTOCOL,
        ),
        e => Check::fail(
            "card",
            format!("The card could not be read: {e}."),
            ADVICE_CONTACT,
        ),
    }
}

/// Advice for a card that does not answer.
const ADVICE_CONTACT: &str = "Take the card out, clean the chip gently, insert it again and retry. If it keeps failing, the card or reader may be faulty.";

/// Advice for a card that answers but not as Sello expects (a card model Sello does not handle
/// yet, or a defect in Sello): cleaning the chip would not help.
const ADVICE_PROTOCOL: &str = "The card and the reader work, but this card model answers differently from what Sello expects. Cleaning or re-inserting the card will not help: report it to your support with the output of `sello status --verbose` (it holds no PIN). Tools such as OpenSC may still use the card meanwhile.";

/// Runs pcscd → chain; returns the first failing check (already pushed), if any.
fn probe_card(opts: &Options, checks: &mut Vec<Check>) -> Option<Check> {
    fn push_fail(checks: &mut Vec<Check>, c: Check) -> Option<Check> {
        checks.push(c.clone());
        Some(c)
    }
    // 1. pcscd
    let readers = match transport::pcsc::list_readers() {
        Ok(r) => {
            checks.push(Check::ok(
                "pcscd",
                "The smart-card service (pcscd) is running.",
            ));
            r
        }
        Err(TransportError::NoService) => {
            return push_fail(
                checks,
                Check::fail(
                    "pcscd",
                    "The smart-card service is not running.",
                    ADVICE_PCSCD,
                ),
            )
        }
        Err(e) => return push_fail(
            checks,
            Check::fail(
                "pcscd",
                format!("The smart-card service does not answer: {e}."),
                "Restart it with `sudo systemctl restart pcscd`, then run `sello doctor` again.",
            ),
        ),
    };
    // 2. reader
    if readers.is_empty() {
        return push_fail(
            checks,
            Check::fail(
                "reader",
                "No card reader found.",
                "Plug in your card reader (try another USB port). If it is plugged in, unplug it and plug it in again.",
            ),
        );
    }
    let candidates: Vec<&transport::pcsc::ReaderInfo> = match &opts.reader {
        Some(w) => {
            let exact: Vec<_> = readers.iter().filter(|r| &r.name == w).collect();
            if exact.is_empty() {
                readers
                    .iter()
                    .filter(|r| r.name.contains(w.as_str()))
                    .collect()
            } else {
                exact
            }
        }
        None => readers.iter().collect(),
    };
    let names = readers
        .iter()
        .map(|r| format!("\"{}\"", r.name))
        .collect::<Vec<_>>()
        .join(", ");
    if candidates.is_empty() {
        let w = opts.reader.as_deref().unwrap_or_default();
        return push_fail(
            checks,
            Check::fail(
                "reader",
                format!("No reader named \"{w}\"; found: {names}."),
                "Give one of the names above with --reader, or leave --reader out.",
            ),
        );
    }
    if candidates.len() > 1 && opts.reader.is_some() {
        return push_fail(
            checks,
            Check::fail(
                "reader",
                format!("Several readers match; found: {names}."),
                "Give more of the reader's name with --reader.",
            ),
        );
    }
    checks.push(Check::ok(
        "reader",
        format!(
            "{} found: {names}.",
            if readers.len() == 1 {
                "Reader"
            } else {
                "Readers"
            }
        ),
    ));
    // 3. card
    let with_card: Vec<_> = candidates.iter().filter(|r| r.card_present).collect();
    let Some(reader) = with_card.first() else {
        return push_fail(
            checks,
            Check::fail(
                "card",
                "There is no card in the reader.",
                "Insert your card into the reader, chip first and facing up, then run `sello doctor` again.",
            ),
        );
    };
    let mut card: Box<dyn CardDriver> = match card::open_reader(&reader.name) {
        Ok(c) => c,
        Err(e) => return push_fail(checks, card_error_check(&e)),
    };
    let info = match card.info() {
        Ok(i) => i,
        Err(e) => return push_fail(checks, card_error_check(&e)),
    };
    let Some(recognised) = recognise(&info) else {
        return push_fail(
            checks,
            Check::fail(
                "card",
                format!("The card ({}) is not one Sello recognises.", info.driver),
                "Check that you inserted your citizen card, not a bank or health card.",
            ),
        );
    };
    let more = if with_card.len() > 1 {
        " (cards in several readers: checking this one; choose another with --reader)"
    } else {
        ""
    };
    checks.push(Check::ok(
        "card",
        format!(
            "{} card{} in \"{}\"{more}.",
            recognised.application,
            info.serial
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default(),
            reader.name
        ),
    ));
    // 4. PIN (the certificate checks do not need it, so a blocked PIN does not skip them)
    match card.pin_status() {
        Ok(p) => checks.push(check_pin(&p)),
        Err(e) => {
            let mut c = card_error_check(&e);
            c.id = "pin";
            c.title = title("pin");
            checks.push(c);
        }
    }
    // 5. certificates
    let slots = match card.key_slots() {
        Ok(s) => s,
        Err(e) => {
            let mut c = card_error_check(&e);
            c.id = "certificate";
            c.title = title("certificate");
            return push_fail(checks, c);
        }
    };
    let cert_check = check_certificates(&slots, &recognised);
    if cert_check.status == Status::Fail {
        return push_fail(checks, cert_check);
    }
    checks.push(cert_check);
    let certs = relevant_certificates(&slots, &recognised);
    // 6. dates, 7. issuer (independent of each other: both are reported)
    checks.push(check_validity(&certs, opts.now));
    let anchors = chain::load_anchors(&opts.ca_dir, &opts.ca_files);
    checks.push(check_chain(&certs, &anchors));
    // 8. revocation (OCSP, else the CRL)
    checks.push(check_revocation(&certs, &anchors, opts.now));
    None
}

/// Not revoked: OCSP from each certificate's AIA, else its CRL, asked within a time bound
/// and cached until its nextUpdate ([`crate::enroll::revocation`]).
#[cfg(feature = "est-client")]
pub fn check_revocation(certs: &[(KeyRef, Vec<u8>)], anchors: &chain::Anchors, now: i64) -> Check {
    use crate::enroll::revocation::{Checker, Status as Rev};
    let checker = Checker::new(now);
    let mut good = Vec::new();
    let mut unpublished = Vec::new();
    let mut unsure: Option<Check> = None;
    for (k, der) in certs {
        let which = slot_name(*k);
        match checker.status(der, &anchors.certs) {
            st @ Rev::Revoked { .. } => {
                return Check::fail(
                    "revocation",
                    format!("The {which} certificate is {}.", st.describe()),
                    "A revoked certificate can never be used or renewed again: go to a Registration Point with your identity document for a new activation of the card.",
                );
            }
            Rev::Good { method, .. } => good.push(format!("{which} ({method})")),
            Rev::NotPublished => unpublished.push(which),
            Rev::Unknown { why, offline } => {
                if unsure.is_none() {
                    unsure = Some(if offline {
                        Check::warn(
                            "revocation",
                            format!("Whether the {which} certificate is revoked is unknown (offline: {why})."),
                            "Connect to the Internet and run `sello doctor` again.",
                        )
                    } else {
                        Check::warn(
                            "revocation",
                            format!("Whether the {which} certificate is revoked cannot be checked: {why}."),
                            "Contact the registration point if websites refuse the card.",
                        )
                    });
                }
            }
        }
    }
    if let Some(c) = unsure {
        return c;
    }
    let mut finding = Vec::new();
    if !good.is_empty() {
        finding.push(format!(
            "Not revoked, according to the CA: {}.",
            good.join(", ")
        ));
    }
    if !unpublished.is_empty() {
        finding.push(format!(
            "The CA publishes no revocation list for: {}.",
            unpublished.join(", ")
        ));
    }
    Check::ok("revocation", finding.join(" "))
}

/// Without a network client, revocation is not checked.
#[cfg(not(feature = "est-client"))]
pub fn check_revocation(_: &[(KeyRef, Vec<u8>)], _: &chain::Anchors, _: i64) -> Check {
    Check::new(
        "revocation",
        Status::Skipped,
        "not checked: this build of Sello has no network client",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::Retries;

    fn pins(remaining: u8, puk: u8) -> PinStatus {
        PinStatus {
            verified: false,
            pin: Some(Retries {
                remaining,
                total: Some(3),
            }),
            puk: Some(Retries {
                remaining: puk,
                total: Some(3),
            }),
            pin_is_default: None,
            puk_is_default: None,
        }
    }

    #[test]
    fn pin_states() {
        assert_eq!(check_pin(&pins(3, 3)).status, Status::Ok);
        let c = check_pin(&pins(1, 3));
        assert_eq!(c.status, Status::Warn);
        assert!(c.finding.contains("1 PIN try left"), "{c:?}");
        let c = check_pin(&pins(0, 3));
        assert_eq!(c.status, Status::Fail);
        assert!(c
            .advice
            .as_deref()
            .unwrap_or("")
            .contains("sello pin unblock"));
        let c = check_pin(&pins(0, 0));
        assert!(c
            .advice
            .as_deref()
            .unwrap_or("")
            .contains("registration point"));
    }

    #[test]
    fn advice_matches_the_cause() {
        let protocol = card_error_check(&CardError::Refused {
            operation: "GET METADATA",
            status: crate::apdu::StatusWord::Other(0x6F42),
        });
        let advice = protocol.advice.unwrap_or_default();
        assert!(!advice.contains("clean"), "{advice}");
        assert!(advice.contains("sello status --verbose"), "{advice}");
        let malformed = card_error_check(&CardError::Transport(TransportError::Protocol("T=1")));
        assert!(!malformed.advice.unwrap_or_default().contains("clean"));
        let mute = card_error_check(&CardError::Transport(TransportError::Unresponsive));
        assert!(mute.advice.unwrap_or_default().contains("clean the chip"));
    }

    #[test]
    fn no_anchors_is_a_warning() {
        let c = check_chain(&[], &chain::Anchors::default());
        assert_eq!(c.status, Status::Warn);
    }

    #[test]
    fn piv_is_recognised() {
        let info = CardInfo {
            driver: "PIV",
            reader: "r".into(),
            atr: vec![],
            label: None,
            serial: None,
            version: None,
        };
        // The embedded citizen-piv profile claims PIV cards and wants both of its keys.
        let r = recognise(&info).expect("PIV");
        assert_eq!(r.application, "PIV (profile citizen-piv)");
        assert_eq!(r.required, vec![PIV_AUTHENTICATION, PIV_SIGNATURE]);
        let c = check_certificates(&[], &r);
        assert_eq!(c.status, Status::Fail);
        assert!(c.finding.contains("authentication (9A)"), "{c:?}");
    }

    fn db(browser: browser::Browser, exists: bool, lib: Option<&str>) -> browser::DbStatus {
        browser::DbStatus {
            db: browser::NssDb {
                browser,
                dir: PathBuf::from("/h"),
                exists,
            },
            library: lib.map(PathBuf::from),
            library_exists: lib == Some("/bin/sh"),
            locked: false,
            error: None,
        }
    }

    #[test]
    fn browsers() {
        use browser::Browser::{Chromium, Firefox};
        let ff = |p: &str| Firefox {
            profile: p.to_owned(),
            package: None,
        };
        let p11kit = browser::P11KitStatus {
            present: false,
            file: PathBuf::from("/x"),
            library: None,
            library_exists: false,
        };
        let status = |databases| browser::Status {
            databases,
            p11kit: p11kit.clone(),
        };
        // Nothing used yet: a warning.
        let c = check_browsers(&status(vec![db(Chromium, false, None)]));
        assert_eq!(c.status, Status::Warn);
        // An unused profile does not count; a used one without Sello fails.
        let c = check_browsers(&status(vec![
            db(Chromium, true, Some("/bin/sh")),
            db(ff("default"), false, None),
            db(ff("work"), true, None),
        ]));
        assert_eq!(c.status, Status::Fail);
        assert!(c.finding.contains("Firefox profile \"work\""), "{c:?}");
        assert!(!c.finding.contains("\"default\""), "{c:?}");
        // Registered, but the file is gone.
        let c = check_browsers(&status(vec![db(Chromium, true, Some("/gone.so"))]));
        assert_eq!(c.status, Status::Fail);
        assert!(c.finding.contains("missing"), "{c:?}");
        let c = check_browsers(&status(vec![db(Chromium, true, Some("/bin/sh"))]));
        assert_eq!(c.status, Status::Ok);
    }

    #[test]
    fn p11kit_registration() {
        let p = |present: bool, lib: Option<&str>| browser::P11KitStatus {
            present,
            file: PathBuf::from("/h/.config/pkcs11/modules/sello.module"),
            library: lib.map(PathBuf::from),
            library_exists: lib == Some("/bin/sh"),
        };
        assert_eq!(check_p11kit(&p(false, None), &[]).status, Status::Ok);
        let c = check_p11kit(&p(true, None), &[]);
        assert_eq!(c.status, Status::Warn);
        assert!(c
            .advice
            .as_deref()
            .is_some_and(|a| a.contains("browser install")));
        assert_eq!(
            check_p11kit(&p(true, Some("/bin/sh")), &[]).status,
            Status::Ok
        );
        let c = check_p11kit(&p(true, Some("/gone/libsello.so")), &[]);
        assert_eq!(c.status, Status::Fail);
        assert!(c.finding.contains("/gone/libsello.so"), "{c:?}");
        // A system-wide file counts, and is checked the same way.
        let system = |lib: &str| {
            vec![(
                PathBuf::from("/etc/pkcs11/modules/sello.module"),
                Some(PathBuf::from(lib)),
            )]
        };
        assert_eq!(
            check_p11kit(&p(true, None), &system("/bin/sh")).status,
            Status::Ok
        );
        assert_eq!(
            check_p11kit(&p(true, None), &system("/gone.so")).status,
            Status::Fail
        );
    }

    #[test]
    fn pin_dialog() {
        let none = Err(pinentry::NoPinentry::NoGraphical);
        let c = check_pinentry(false, &none);
        assert_eq!(c.status, Status::Warn);
        assert!(c.finding.contains("pinentry-gnome3"), "{}", c.finding);
        assert!(c.advice.is_some());
        assert_eq!(check_pinentry(true, &none).status, Status::Fail);
        let gtk = Ok(pinentry::Chosen {
            program: "/usr/bin/pinentry-gtk-2".into(),
            tty: None,
        });
        let c = check_pinentry(true, &gtk);
        assert_eq!(c.status, Status::Ok);
        assert!(c.finding.contains("pinentry-gtk-2"));
    }

    #[test]
    fn skipped_names_the_cause() {
        let cause = Check::fail("pcscd", "x", "y");
        let s = Check::skipped("reader", &cause);
        assert_eq!(s.status, Status::Skipped);
        assert!(s.finding.contains("Smart-card service"));
    }
}
