//! Human and JSON renderings of CLI results.

use serde_json::{json, Value};

use crate::card::{CardInfo, KeySlot, PinStatus, Retries};
use crate::tr;
use crate::transport::pcsc::ReaderInfo;

/// Days before expiry from which `status` warns.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// What the CLI shows of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
}

impl CertSummary {
    /// Parses a DER certificate; `None` when it is not one.
    pub fn parse(der: &[u8]) -> Option<Self> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        Some(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
        })
    }

    fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }

    /// Whether the certificate expires within [`EXPIRY_WARNING_DAYS`] (inclusive) of `now`.
    pub fn expires_soon(&self, now: i64) -> bool {
        self.not_after - now <= EXPIRY_WARNING_DAYS * 86_400
    }
}

/// A date for `--json` (ISO 8601, language-neutral).
pub(crate) fn date(ts: i64) -> String {
    x509_parser::time::ASN1Time::from_timestamp(ts)
        .map(|t| t.to_datetime().date().to_string())
        .unwrap_or_else(|_| ts.to_string())
}

/// Labels followed by their values, the values aligned two columns after the longest label.
pub(super) struct Labels {
    width: usize,
}

impl Labels {
    pub(super) fn new(labels: &[&str]) -> Self {
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
        Self { width }
    }

    pub(super) fn line(&self, label: &str, value: &str) -> String {
        let pad = self.width.saturating_sub(label.chars().count());
        format!("{label}{}{value}", " ".repeat(pad))
    }

    fn indent(&self) -> String {
        " ".repeat(self.width)
    }
}

fn status_labels() -> Labels {
    let all = [
        tr!("status-reader"),
        tr!("status-card"),
        tr!("status-serial"),
        tr!("status-version"),
        tr!("status-pin"),
        tr!("status-puk"),
        tr!("status-keys"),
    ];
    Labels::new(&all.iter().map(String::as_str).collect::<Vec<_>>())
}

pub fn readers(json: bool, readers: &[ReaderInfo]) {
    if json {
        let list: Vec<Value> = readers
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "card_present": r.card_present,
                    "atr": r.atr.as_ref().map(hex::encode_upper),
                })
            })
            .collect();
        println!("{}", json!({ "readers": list }));
        return;
    }
    if readers.is_empty() {
        println!("{}", tr!("readers-none"));
        return;
    }
    for r in readers {
        match &r.atr {
            Some(atr) => println!(
                "{}",
                tr!(
                    "reader-card-present",
                    reader = r.name.as_str(),
                    atr = hex::encode_upper(atr)
                )
            ),
            None => println!("{}", tr!("reader-no-card", reader = r.name.as_str())),
        }
    }
}

fn retries_json(r: Option<Retries>) -> Value {
    match r {
        Some(r) => json!({ "remaining": r.remaining, "total": r.total }),
        None => Value::Null,
    }
}

fn retries_text(r: Option<Retries>, secret: &str) -> String {
    match r {
        Some(Retries { remaining: 0, .. }) => tr!("secret-blocked", secret = secret),
        Some(Retries {
            remaining,
            total: Some(total),
        }) => tr!("tries-left-of", left = remaining, total = total),
        Some(Retries { remaining, .. }) => tr!("tries-left", left = remaining),
        None => tr!("secret-unknown"),
    }
}

fn pins_json(p: &PinStatus) -> Value {
    json!({
        "pin": retries_json(p.pin),
        "puk": retries_json(p.puk),
        "pin_is_default": p.pin_is_default,
        "puk_is_default": p.puk_is_default,
    })
}

fn print_pins(labels: &Labels, p: &PinStatus) {
    let default = |d: Option<bool>| {
        if d == Some(true) {
            format!(" — {}", tr!("secret-factory-default"))
        } else {
            String::new()
        }
    };
    let pin = retries_text(p.pin, "PIN") + &default(p.pin_is_default);
    println!("{}", labels.line(&tr!("status-pin"), &pin));
    let puk = retries_text(p.puk, "PUK") + &default(p.puk_is_default);
    println!("{}", labels.line(&tr!("status-puk"), &puk));
    if p.pin_blocked() && !p.puk_blocked() {
        println!("{}{}", labels.indent(), tr!("pin-blocked-hint"));
    }
}

/// A certificate's revocation status, as shown.
pub struct Revocation {
    /// For people ("not revoked (CRL)", "REVOKED on ...", "unknown (offline: ...)").
    pub line: String,
    /// For `--json`.
    pub json: Value,
}

pub fn status(
    json: bool,
    info: &CardInfo,
    slots: &[KeySlot],
    pins: &PinStatus,
    revocation: &[Option<Revocation>],
    now: i64,
) {
    let rev = |i: usize| revocation.get(i).and_then(Option::as_ref);
    let certs: Vec<Option<CertSummary>> = slots
        .iter()
        .map(|s| s.certificate.as_deref().and_then(CertSummary::parse))
        .collect();
    if json {
        let slots: Vec<Value> = slots
            .iter()
            .zip(&certs)
            .enumerate()
            .map(|(i, (s, c))| {
                json!({
                    "slot": format!("{:02X}", s.key.0),
                    "name": s.name,
                    "algorithm": s.algorithm.map(|a| a.name()),
                    "certificate": c.as_ref().map(|c| json!({
                        "subject": c.subject,
                        "issuer": c.issuer,
                        "serial": c.serial,
                        "not_before": date(c.not_before),
                        "not_after": date(c.not_after),
                        "days_left": c.days_left(now),
                        "expires_soon": c.expires_soon(now),
                        "revocation": rev(i).map(|r| r.json.clone()),
                    })),
                    "certificate_unreadable": s.certificate.is_some() && c.is_none(),
                })
            })
            .collect();
        let v = json!({
            "reader": info.reader,
            "card": info.driver,
            "atr": hex::encode_upper(&info.atr),
            "label": info.label,
            "serial": info.serial,
            "version": info.version,
            "slots": slots,
            "pins": pins_json(pins),
        });
        println!("{v}");
        return;
    }
    let labels = status_labels();
    let unknown = tr!("status-unknown");
    println!("{}", labels.line(&tr!("status-reader"), &info.reader));
    let card = format!(
        "{}{}",
        info.driver,
        info.label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default()
    );
    println!("{}", labels.line(&tr!("status-card"), &card));
    let serial = info.serial.as_deref().unwrap_or(&unknown);
    println!("{}", labels.line(&tr!("status-serial"), serial));
    let version = info.version.as_deref().unwrap_or(&unknown);
    println!("{}", labels.line(&tr!("status-version"), version));
    print_pins(&labels, pins);
    if slots.is_empty() {
        println!(
            "{}",
            labels.line(&tr!("status-keys"), &tr!("status-no-keys"))
        );
    } else {
        println!("{}", tr!("status-keys"));
    }
    for (i, (s, c)) in slots.iter().zip(&certs).enumerate() {
        let alg = match s.algorithm {
            Some(a) => a.name().to_owned(),
            None => tr!("status-unknown-algorithm"),
        };
        // The slot's name in the user's language ("Firma digital"); NIST's English name is
        // kept where it is an identifier (PKCS#11 labels, JSON).
        let name = tr!(
            "status-slot-name",
            kind = s.name.to_ascii_lowercase().replace(' ', "-"),
            name = s.name
        );
        println!("  {:02X}  {:<28} {}", s.key.0, name, alg);
        match (c, &s.certificate) {
            (Some(c), _) => {
                println!(
                    "      {}",
                    tr!("status-subject", subject = c.subject.as_str())
                );
                println!("      {}", tr!("status-issuer", issuer = c.issuer.as_str()));
                let left = c.days_left(now);
                let note = if left < 0 {
                    format!("  {}", tr!("status-expired"))
                } else if c.expires_soon(now) {
                    format!("  {}", tr!("status-expires-soon", days = left))
                } else {
                    String::new()
                };
                let expires = tr!("status-expires", date = crate::i18n::date(c.not_after));
                println!("      {expires}{note}");
                if let Some(r) = rev(i) {
                    println!(
                        "      {}",
                        tr!("status-revocation", status = r.line.as_str())
                    );
                }
            }
            (None, Some(_)) => println!("      {}", tr!("status-cert-unreadable")),
            (None, None) => println!("      {}", tr!("status-cert-none")),
        }
    }
}

pub fn pin_status(json: bool, pins: &PinStatus) {
    if json {
        println!("{}", pins_json(pins));
    } else {
        print_pins(&status_labels(), pins);
    }
}

pub fn done(json: bool, action: &str, message: &str) {
    if json {
        println!(
            "{}",
            json!({ "ok": true, "action": action, "message": message })
        );
    } else {
        println!("{message}.");
    }
}

/// The error and its causes on one line, each cause once (anyhow's chain may repeat a source's
/// text in its parent's message).
pub fn error_chain(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

pub fn error_json(e: &anyhow::Error) -> Value {
    let code = e
        .chain()
        .find_map(|c| c.downcast_ref::<crate::card::CardError>())
        .map(error_code)
        .unwrap_or("error");
    json!({ "ok": false, "error": error_chain(e), "code": code })
}

fn error_code(e: &crate::card::CardError) -> &'static str {
    use crate::card::CardError as E;
    match e {
        E::WrongPin { .. } => "wrong-pin",
        E::PinBlocked => "pin-blocked",
        E::WrongPuk { .. } => "wrong-puk",
        E::PukBlocked => "puk-blocked",
        e if e.is_card_removed() => "card-removed",
        _ => "card-error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_warning_window_is_inclusive() {
        let c = CertSummary {
            subject: String::new(),
            issuer: String::new(),
            serial: String::new(),
            not_before: 0,
            not_after: 100 * 86_400,
        };
        assert!(!c.expires_soon(70 * 86_400 - 1));
        assert!(c.expires_soon(70 * 86_400));
        assert!(c.expires_soon(101 * 86_400));
        assert_eq!(c.days_left(70 * 86_400 + 1), 29);
        assert_eq!(c.days_left(100 * 86_400 + 1), -1);
    }

    #[test]
    fn chain_does_not_repeat_causes() {
        let e = anyhow::Error::new(crate::card::CardError::WrongPin { tries_left: 2 })
            .context("cannot change the PIN");
        assert_eq!(
            crate::i18n::with_language("en", || error_chain(&e)),
            "cannot change the PIN: wrong PIN, 2 tries left"
        );
        // In another language the message changes, the JSON code does not.
        let v = crate::i18n::with_language("ca-valencia", || error_json(&e));
        assert_eq!(v["code"], "wrong-pin");
        assert_eq!(
            v["error"],
            "cannot change the PIN: PIN incorrecte; queden 2 intents"
        );
    }
}
