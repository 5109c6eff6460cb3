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
use crate::i18n::date;
use crate::pkcs11::pinentry;
use crate::tr;
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
    /// Title for people (in the user's language).
    pub title: String,
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
            tr!("doctor-skipped", cause = because.title.as_str()),
        )
    }

    fn advise(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }
}

fn title(id: &str) -> String {
    match id {
        "pcscd" => tr!("doctor-title-pcscd"),
        "reader" => tr!("doctor-title-reader"),
        "card" => tr!("doctor-title-card"),
        "pin" => tr!("doctor-title-pin"),
        "certificate" => tr!("doctor-title-certificate"),
        "validity" => tr!("doctor-title-validity"),
        "chain" => tr!("doctor-title-chain"),
        "revocation" => tr!("doctor-title-revocation"),
        "browser" => tr!("doctor-title-browser"),
        "p11kit" => tr!("doctor-title-p11kit"),
        "pinentry" => tr!("doctor-title-pinentry"),
        other => other.to_owned(),
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
            application: tr!("doctor-application-profile", profile = p.name.as_str()),
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

/// The stable key of a slot the messages select on.
fn slot_key(k: KeyRef) -> &'static str {
    match k.0 {
        0x9A => "authentication",
        0x9C => "signature",
        0x9D => "key-management",
        0x9E => "card-authentication",
        _ => "other",
    }
}

/// The slot's name for people ("authentication").
fn slot_name(k: KeyRef) -> String {
    tr!("doctor-slot", slot = slot_key(k))
}

/// The slot's certificate inside a sentence ("the authentication certificate").
fn cert_phrase(k: KeyRef) -> String {
    tr!("doctor-slot-cert", slot = slot_key(k))
}

/// The slot's certificate at the start of a sentence ("The authentication certificate").
fn cert_subject(k: KeyRef) -> String {
    let phrase = cert_phrase(k);
    let mut chars = phrase.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => phrase,
    }
}

/// PIN check, from the card's counters (no try spent).
pub fn check_pin(p: &PinStatus) -> Check {
    match p.pin {
        Some(r) if r.remaining == 0 => {
            if p.puk_blocked() {
                Check::fail(
                    "pin",
                    tr!("doctor-pin-and-puk-blocked"),
                    tr!("doctor-pin-and-puk-blocked-advice"),
                )
            } else {
                Check::fail(
                    "pin",
                    tr!("doctor-pin-blocked"),
                    tr!("doctor-pin-blocked-advice"),
                )
            }
        }
        Some(r) if r.remaining == 1 => Check::warn(
            "pin",
            tr!("doctor-pin-last-try"),
            tr!("doctor-pin-last-try-advice"),
        ),
        Some(r) => {
            let tries = match r.total {
                Some(t) => tr!("tries-left-of", left = r.remaining, total = t),
                None => tr!("tries-left", left = r.remaining),
            };
            Check::ok("pin", tr!("doctor-pin-ok", tries = tries))
        }
        None => Check::warn(
            "pin",
            tr!("doctor-pin-unknown"),
            tr!("doctor-pin-unknown-advice"),
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
            tr!("doctor-cert-missing", slots = list(&missing)),
            tr!("doctor-cert-missing-advice"),
        );
    }
    if !unreadable.is_empty() {
        return Check::fail(
            "certificate",
            tr!("doctor-cert-damaged", slots = list(&unreadable)),
            tr!("doctor-cert-damaged-advice"),
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
            tr!("doctor-cert-wrong-key", slots = list(&mismatched)),
            tr!("doctor-cert-wrong-key-advice"),
        );
    }
    let present: Vec<KeyRef> = certs.iter().map(|(k, _)| *k).collect();
    Check::ok("certificate", tr!("doctor-cert-ok", slots = list(&present)))
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
        let days = (na - now).div_euclid(86_400);
        if now > na {
            worst = Check::fail(
                "validity",
                tr!(
                    "doctor-validity-expired",
                    cert = cert_subject(*k),
                    date = date(na)
                ),
                tr!("doctor-validity-expired-advice"),
            );
            break;
        } else if now < nb {
            worst = Check::fail(
                "validity",
                tr!(
                    "doctor-validity-not-yet",
                    cert = cert_subject(*k),
                    date = date(nb)
                ),
                tr!("doctor-validity-not-yet-advice"),
            );
            break;
        } else if days < EXPIRY_WARNING_DAYS && worst.status == Status::Ok {
            worst = Check::warn(
                "validity",
                tr!(
                    "doctor-validity-soon",
                    cert = cert_subject(*k),
                    days = days,
                    date = date(na)
                ),
                tr!("doctor-validity-soon-advice"),
            );
        } else {
            notes.push(tr!(
                "doctor-validity-until",
                slot = slot_name(*k),
                date = date(na)
            ));
        }
    }
    if worst.status == Status::Ok {
        worst.finding = tr!("doctor-validity-ok", list = notes.join(", "));
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
            tr!("doctor-chain-no-anchors", problems = extra),
            tr!("doctor-chain-no-anchors-advice"),
        );
    }
    let mut trusted = Vec::new();
    for (k, der) in certs {
        let issuer = x509_parser::parse_x509_certificate(der)
            .map(|(_, c)| c.issuer().to_string())
            .unwrap_or_default();
        match chain::verify(der, &anchors.certs) {
            chain::Verdict::Trusted(ca) => trusted.push(tr!(
                "doctor-chain-trusted-by",
                slot = slot_name(*k),
                ca = ca.to_string()
            )),
            chain::Verdict::UnknownIssuer => {
                return Check::fail(
                    "chain",
                    tr!(
                        "doctor-chain-unknown",
                        cert = cert_subject(*k),
                        issuer = issuer
                    ),
                    tr!("doctor-chain-unknown-advice"),
                )
            }
            chain::Verdict::BadSignature(ca) => {
                return Check::fail(
                    "chain",
                    tr!(
                        "doctor-chain-bad-signature",
                        cert = cert_subject(*k),
                        ca = ca.to_string()
                    ),
                    tr!("doctor-chain-bad-signature-advice"),
                )
            }
            chain::Verdict::Unsupported(why) => {
                return Check::warn(
                    "chain",
                    tr!(
                        "doctor-chain-unsupported",
                        cert = cert_phrase(*k),
                        why = why.to_string()
                    ),
                    tr!("doctor-contact-if-refused-advice"),
                )
            }
        }
    }
    Check::ok("chain", tr!("doctor-chain-ok", list = trusted.join(", ")))
}

/// Registered in every browser database found.
pub fn check_browsers(s: &browser::Status) -> Check {
    // A Chromium database that does not exist yet and no Firefox profile: no browser used yet.
    let used: Vec<&browser::DbStatus> = s
        .databases
        .iter()
        .filter(|d| d.db.exists || d.library.is_some())
        .collect();
    if used.is_empty() {
        return Check::warn(
            "browser",
            tr!("doctor-browser-none"),
            tr!("doctor-browser-none-advice"),
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
            tr!("doctor-browser-missing", list = missing.join(", ")),
            tr!("doctor-browser-missing-advice"),
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
            tr!("doctor-browser-broken", list = broken.join(", ")),
            tr!("doctor-reinstall-advice"),
        );
    }
    let names: Vec<String> = used.iter().map(|d| d.db.browser.label()).collect();
    Check::ok("browser", tr!("doctor-browser-ok", list = names.join(", ")))
}

/// Registered with p11-kit, so GnuTLS tools and every application that reaches PKCS#11
/// modules through p11-kit (its proxy module) find Sello: the user module file `sello browser
/// install` writes, or a system one (`/etc/pkcs11/modules`, `/usr/share/p11-kit/modules`) given
/// in `system` as (file, library it names).
pub fn check_p11kit(p: &browser::P11KitStatus, system: &[(PathBuf, Option<PathBuf>)]) -> Check {
    let registered: Vec<(&Path, &Path)> = std::iter::once((p.file.as_path(), p.library.as_deref()))
        .chain(system.iter().map(|(f, l)| (f.as_path(), l.as_deref())))
        .filter_map(|(f, l)| Some((f, l?)))
        .collect();
    if let Some((file, lib)) = registered.iter().find(|(_, l)| !l.exists()) {
        return Check::fail(
            "p11kit",
            tr!(
                "doctor-p11kit-broken",
                file = file.display().to_string(),
                library = lib.display().to_string()
            ),
            tr!("doctor-reinstall-advice"),
        );
    }
    if let Some((file, _)) = registered.first() {
        return Check::ok(
            "p11kit",
            tr!("doctor-p11kit-ok", file = file.display().to_string()),
        );
    }
    if !p.present {
        return Check::ok("p11kit", tr!("doctor-p11kit-absent"));
    }
    Check::warn(
        "p11kit",
        tr!("doctor-p11kit-missing"),
        tr!("doctor-p11kit-missing-advice"),
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
            tr!(
                "doctor-pinentry-ok",
                program = c.program.display().to_string()
            ),
        ),
        Err(e) => {
            let finding = tr!("doctor-pinentry-missing", why = e.to_string());
            let advice = tr!("doctor-pinentry-missing-advice");
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
            tr!("doctor-card-removed"),
            tr!("doctor-card-removed-advice"),
        ),
        CardError::Transport(TransportError::SharingViolation) => Check::fail(
            "card",
            tr!("doctor-card-busy"),
            tr!("doctor-card-busy-advice"),
        ),
        CardError::UnsupportedCard => Check::fail(
            "card",
            tr!("doctor-card-unsupported"),
            tr!("doctor-card-wrong-card-advice"),
        ),
        // Only a card that does not answer, or garbles the exchange, may have a contact problem.
        CardError::Transport(TransportError::Unresponsive) => Check::fail(
            "card",
            tr!("doctor-card-unreadable", error = e.to_string()),
            tr!("doctor-card-unreadable-advice"),
        ),
        CardError::Transport(TransportError::CardReset) => Check::fail(
            "card",
            tr!("doctor-card-unreadable", error = e.to_string()),
            tr!("doctor-card-reset-advice"),
        ),
        CardError::Transport(
            TransportError::ReaderUnavailable
            | TransportError::ReaderNotFound(_)
            | TransportError::Timeout
            | TransportError::Pcsc { .. },
        ) => Check::fail(
            "card",
            tr!("doctor-reader-unusable", error = e.to_string()),
            tr!("doctor-reader-unusable-advice"),
        ),
        // The card answered, clearly, but not as Sello expects: a protocol matter, not dirt.
        CardError::Transport(TransportError::Protocol(_) | TransportError::Malformed(_))
        | CardError::Malformed { .. }
        | CardError::Refused { .. }
        | CardError::NotSupported(_)
        | CardError::NotFound(_) => Check::fail(
            "card",
            tr!("doctor-card-protocol", error = e.to_string()),
            tr!("doctor-card-protocol-advice"),
        ),
        e => Check::fail(
            "card",
            tr!("doctor-card-unreadable", error = e.to_string()),
            tr!("doctor-card-unreadable-advice"),
        ),
    }
}

/// Runs pcscd → chain; returns the first failing check (already pushed), if any.
fn probe_card(opts: &Options, checks: &mut Vec<Check>) -> Option<Check> {
    fn push_fail(checks: &mut Vec<Check>, c: Check) -> Option<Check> {
        checks.push(c.clone());
        Some(c)
    }
    // 1. pcscd
    let readers = match transport::pcsc::list_readers() {
        Ok(r) => {
            checks.push(Check::ok("pcscd", tr!("doctor-pcscd-ok")));
            r
        }
        Err(TransportError::NoService) => {
            return push_fail(
                checks,
                Check::fail(
                    "pcscd",
                    tr!("doctor-pcscd-missing"),
                    tr!("doctor-pcscd-missing-advice"),
                ),
            )
        }
        Err(e) => {
            return push_fail(
                checks,
                Check::fail(
                    "pcscd",
                    tr!("doctor-pcscd-error", error = e.to_string()),
                    tr!("doctor-pcscd-error-advice"),
                ),
            )
        }
    };
    // 2. reader
    if readers.is_empty() {
        return push_fail(
            checks,
            Check::fail(
                "reader",
                tr!("doctor-reader-none"),
                tr!("doctor-reader-none-advice"),
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
                tr!("doctor-reader-not-named", wanted = w, names = names),
                tr!("doctor-reader-not-named-advice"),
            ),
        );
    }
    if candidates.len() > 1 && opts.reader.is_some() {
        return push_fail(
            checks,
            Check::fail(
                "reader",
                tr!("doctor-reader-several", names = names),
                tr!("doctor-reader-several-advice"),
            ),
        );
    }
    checks.push(Check::ok(
        "reader",
        tr!("doctor-reader-found", count = readers.len(), names = names),
    ));
    // 3. card
    let with_card: Vec<_> = candidates.iter().filter(|r| r.card_present).collect();
    let Some(reader) = with_card.first() else {
        return push_fail(
            checks,
            Check::fail(
                "card",
                tr!("doctor-card-none"),
                tr!("doctor-card-none-advice"),
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
                tr!("doctor-card-unrecognised", driver = info.driver),
                tr!("doctor-card-wrong-card-advice"),
            ),
        );
    };
    let serial = info
        .serial
        .as_deref()
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    let found = if with_card.len() > 1 {
        tr!(
            "doctor-card-ok-several",
            application = recognised.application.as_str(),
            serial = serial,
            reader = reader.name.as_str()
        )
    } else {
        tr!(
            "doctor-card-ok",
            application = recognised.application.as_str(),
            serial = serial,
            reader = reader.name.as_str()
        )
    };
    checks.push(Check::ok("card", found));
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
                    tr!(
                        "doctor-revoked",
                        cert = cert_subject(*k),
                        status = st.describe()
                    ),
                    tr!("doctor-revoked-advice"),
                );
            }
            Rev::Good { method, .. } => good.push(format!("{which} ({method})")),
            Rev::NotPublished => unpublished.push(which),
            Rev::Unknown { why, offline } => {
                if unsure.is_none() {
                    unsure = Some(if offline {
                        Check::warn(
                            "revocation",
                            tr!(
                                "doctor-revocation-offline",
                                cert = cert_phrase(*k),
                                why = why.to_string()
                            ),
                            tr!("doctor-revocation-offline-advice"),
                        )
                    } else {
                        Check::warn(
                            "revocation",
                            tr!(
                                "doctor-revocation-unchecked",
                                cert = cert_phrase(*k),
                                why = why.to_string()
                            ),
                            tr!("doctor-contact-if-refused-advice"),
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
        finding.push(tr!("doctor-revocation-good", list = good.join(", ")));
    }
    if !unpublished.is_empty() {
        finding.push(tr!(
            "doctor-revocation-unpublished",
            list = unpublished.join(", ")
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
        tr!("doctor-skipped-no-network"),
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
        // The texts checked are English, whatever the machine's locale.
        crate::i18n::with_language("en", || {
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
        });
    }

    #[test]
    fn advice_matches_the_cause() {
        // The texts checked are English, whatever the machine's locale.
        crate::i18n::with_language("en", || {
            let protocol = card_error_check(&CardError::Refused {
                operation: crate::card::Operation::GetMetadata,
                status: crate::apdu::StatusWord::Other(0x6F42),
            });
            let advice = protocol.advice.unwrap_or_default();
            assert!(!advice.contains("clean"), "{advice}");
            assert!(advice.contains("sello status --verbose"), "{advice}");
            let malformed = card_error_check(&CardError::Transport(TransportError::Protocol(
                crate::transport::ProtocolFault::EndlessMoreData,
            )));
            assert!(!malformed.advice.unwrap_or_default().contains("clean"));
            let mute = card_error_check(&CardError::Transport(TransportError::Unresponsive));
            assert!(mute.advice.unwrap_or_default().contains("clean the chip"));
        });
    }

    #[test]
    fn no_anchors_is_a_warning() {
        let c = check_chain(&[], &chain::Anchors::default());
        assert_eq!(c.status, Status::Warn);
    }

    #[test]
    fn piv_is_recognised() {
        // The texts checked are English, whatever the machine's locale.
        crate::i18n::with_language("en", || {
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
        });
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
        // The texts checked are English, whatever the machine's locale.
        crate::i18n::with_language("en", || {
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
            let dbs = vec![
                db(Chromium, true, Some("/bin/sh")),
                db(ff("default"), false, None),
                db(ff("work"), true, None),
            ];
            let c = crate::i18n::with_language("en", || check_browsers(&status(dbs.clone())));
            assert_eq!(c.status, Status::Fail);
            assert!(c.finding.contains("Firefox profile \"work\""), "{c:?}");
            assert!(!c.finding.contains("\"default\""), "{c:?}");
            // The profile is named in the reader's language too.
            let c = crate::i18n::with_language("es", || check_browsers(&status(dbs.clone())));
            assert!(c.finding.contains("Firefox (perfil «work»)"), "{c:?}");
            let c = crate::i18n::with_language("ca-valencia", || check_browsers(&status(dbs)));
            assert!(c.finding.contains("Firefox (perfil «work»)"), "{c:?}");
            // Registered, but the file is gone.
            let c = check_browsers(&status(vec![db(Chromium, true, Some("/gone.so"))]));
            assert_eq!(c.status, Status::Fail);
            assert!(c.finding.contains("missing"), "{c:?}");
            let c = check_browsers(&status(vec![db(Chromium, true, Some("/bin/sh"))]));
            assert_eq!(c.status, Status::Ok);
        });
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
        // The texts checked are English, whatever the machine's locale.
        crate::i18n::with_language("en", || {
            let cause = Check::fail("pcscd", "x", "y");
            let s = Check::skipped("reader", &cause);
            assert_eq!(s.status, Status::Skipped);
            assert!(s.finding.contains("Smart-card service"));
        });
    }
}
