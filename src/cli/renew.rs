//! `sello renew`: renewal before expiry through EST `simplereenroll`, authenticated by the card's
//! current 9A key (see [`crate::enroll::renew`] for the policy, the key staging and the
//! recovery). Human output by default, JSON Lines with `--json`. Secrets come from files, the
//! terminal or standard input — never from argv. Like `sello activate`, it runs as a `sellod`
//! job when the daemon is there (`--via-daemon`, or by default on the per-user socket) and over
//! PC/SC directly otherwise (`--direct`): the same renewal, two ways to reach the card.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use clap::Args;
use serde_json::json;
use zeroize::Zeroizing;

use super::{choose_reader, CardArgs, Ctx, Exit, Reported, Secret, SecretSource};
use crate::card::piv::{PivCard, Slot};
use crate::enroll::activation::OperatorSecret;
use crate::enroll::est::{EstClient, EstClientConfig, PendingNotice, TrustAnchor};
use crate::enroll::journal::JournalStore;
use crate::enroll::local::pem_decode_all;
use crate::enroll::renew::{
    RenewError, RenewReport, RenewRequest, RenewStep, RenewUi, Renewal, RenewalStore,
    DEFAULT_WINDOW_DAYS,
};
use crate::profile;
use crate::tr;
use crate::transport::{trace::Sink, Transport};

// `sello renew` arguments (help texts: help-sello-renew-* in locales/*/help.ftl).
#[derive(Debug, Args)]
pub(crate) struct RenewArgs {
    #[command(flatten)]
    card: CardArgs,
    #[arg(long)]
    profile: Option<String>,
    #[arg(long, default_value = "all")]
    slot: String,
    #[arg(long, env = "SELLO_EST_URL")]
    est: String,
    #[arg(long, env = "SELLO_EST_TRUST")]
    est_trust: Option<PathBuf>,
    #[arg(long, env = "SELLO_EST_PIN", conflicts_with = "est_trust")]
    est_pin: Option<String>,
    #[arg(long)]
    proxy: Option<String>,
    #[arg(long, env = "SELLO_CA_CERT")]
    ca_cert: Option<PathBuf>,
    #[arg(long, env = "SELLO_MGMT_SECRET_FILE")]
    mgmt_secret_file: Option<PathBuf>,
    #[arg(long)]
    mgmt_secret_stdin: bool,
    #[arg(long)]
    pin_stdin: bool,
    #[arg(long)]
    force: bool,
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_WINDOW_DAYS)]
    window_days: u32,
    #[arg(long, conflicts_with = "direct")]
    via_daemon: bool,
    #[arg(long)]
    direct: bool,
}

pub(crate) fn run(ctx: &Ctx, args: &RenewArgs) -> anyhow::Result<()> {
    if !args.direct {
        if let Some(client) = super::watch::connect_for_activation(args.via_daemon)? {
            return via_daemon(ctx, args, client);
        }
    }
    let activations = JournalStore::default_location()?;
    let store = RenewalStore::beside(activations.dir());
    let reader = choose_reader(args.card.reader.as_deref())?;
    let transport = Transport::open_pcsc(&reader)
        .with_context(|| tr!("cli-cannot-connect", reader = reader.as_str()))?;
    if ctx.verbose {
        transport
            .tracer()
            .set_sink(Some(Box::new(std::io::stderr()) as Sink));
    }
    let atr = transport.atr().to_vec();
    let card = PivCard::open(transport)
        .with_context(|| tr!("activate-not-piv", reader = reader.as_str()))?;
    let profiles = profile::load_all()?;
    let profile = match &args.profile {
        Some(name) => profile::find(&profiles, name)?,
        None => profile::for_card(&profiles, "PIV", &atr)?,
    };
    let slots: Vec<Slot> = if args.slot.eq_ignore_ascii_case("all") {
        // Optional keys (9D) are renewed when named (`--slot 9D`).
        profile
            .keys
            .iter()
            .filter(|k| !k.optional)
            .map(|k| k.slot)
            .collect()
    } else {
        let s = u8::from_str_radix(args.slot.trim(), 16)
            .map(Slot)
            .with_context(|| tr!("renew-not-a-slot", slot = args.slot.as_str()))?;
        vec![s]
    };

    let trust = match (&args.est_trust, &args.est_pin) {
        (Some(pem), _) => TrustAnchor::from_pem_file(pem)?,
        (None, Some(fp)) => TrustAnchor::from_fingerprint(fp)?,
        (None, None) => bail!(tr!("activate-est-trust-missing")),
    };
    let mut est = EstClientConfig::new(&args.est, trust);
    if let Some(proxy) = &args.proxy {
        est.proxy = crate::enroll::est::ProxySetting::from_arg(proxy);
    }
    let anchors = match &args.ca_cert {
        Some(f) => {
            let a = pem_decode_all(&std::fs::read_to_string(f).with_context(|| {
                tr!(
                    "activate-cannot-read-ca-cert",
                    path = f.display().to_string()
                )
            })?);
            if a.is_empty() {
                bail!(tr!(
                    "activate-no-pem-certificate",
                    path = f.display().to_string()
                ));
            }
            a
        }
        None => EstClient::new(est.clone())?
            .cacerts(None)
            .with_context(|| tr!("activate-cannot-fetch-cacerts"))?,
    };

    let mut source = SecretSource::from_flag(args.pin_stdin || args.mgmt_secret_stdin);
    let secret = if holder(args) && profile.management_key.pin_protected {
        // The holder at home: the PIN opens the card's PIN-protected management key.
        OperatorSecret::None
    } else {
        super::input::operator_secret(
            &profile,
            args.mgmt_secret_file.as_deref(),
            args.mgmt_secret_stdin,
            &mut source,
            || tr!("renew-needs-mgmt-secret", profile = profile.name.as_str()),
        )?
    };
    let request = RenewRequest {
        profile,
        slots,
        trust_anchors: anchors,
        est,
        force: args.force,
        window_days: args.window_days,
        now: test_now().unwrap_or_else(super::time_now),
    };
    let card = Arc::new(Mutex::new(card));
    let mut ui = CliUi {
        json: ctx.json,
        source,
    };
    let renewal = Renewal::begin(card, &request, &store)?;
    let journal = renewal.journal_path().to_owned();
    let serial = renewal.serial().to_owned();
    match renewal.run(&secret, &mut ui) {
        Ok(report) => {
            print_report(ctx.json, &report);
            Ok(())
        }
        Err(e) => report_error(ctx.json, &serial, &journal, e),
    }
}

/// Without an operator secret on the command line, the holder renews with the PIN alone.
fn holder(args: &RenewArgs) -> bool {
    args.mgmt_secret_file.is_none() && !args.mgmt_secret_stdin
}

/// The same renewal as a sellod job: paths made absolute, secrets read here when asked.
fn via_daemon(
    ctx: &Ctx,
    args: &RenewArgs,
    client: crate::daemon::client::Client,
) -> anyhow::Result<()> {
    use super::watch::absolute;
    let path = |p: &Option<PathBuf>| p.as_deref().map(absolute).transpose();
    let spec = crate::daemon::protocol::RenewSpec {
        profile: args.profile.clone(),
        slot: Some(args.slot.clone()),
        est: args.est.clone(),
        est_trust: path(&args.est_trust)?,
        est_pin: args.est_pin.clone(),
        ca_cert: path(&args.ca_cert)?,
        force: args.force,
        window_days: Some(args.window_days),
        holder: holder(args),
    };
    let mut job = serde_json::to_value(&spec)?;
    if let Some(o) = job.as_object_mut() {
        o.insert("kind".into(), json!("renew"));
    }
    let mut daemon_job = super::watch::DaemonJob {
        client,
        reader: args.card.reader.as_deref(),
        job,
        mgmt_secret_file: args.mgmt_secret_file.as_deref(),
        mgmt_secret_stdin: args.mgmt_secret_stdin,
        source: SecretSource::from_flag(args.pin_stdin || args.mgmt_secret_stdin),
    };
    let e = super::watch::run_job(ctx, &mut daemon_job)?;
    let r = &e["result"];
    if !r.is_null() {
        if ctx.json {
            println!(
                "{}",
                json!({
                    "ok": true,
                    "renewal": "complete",
                    "serial": r["serial"],
                    "journal": r["journal"],
                    "certificates": r["certificates"],
                })
            );
        } else {
            let serial = r["serial"].as_str().unwrap_or("?");
            println!("{}", tr!("renew-complete", serial = serial));
            for c in r["certificates"].as_array().into_iter().flatten() {
                let line = tr!(
                    "renew-replaces",
                    serial = c["serial"].as_str().unwrap_or("?"),
                    old = c["old_serial"].as_str().unwrap_or("?")
                );
                println!(
                    "  {} {}: {line}",
                    c["slot"].as_str().unwrap_or("?"),
                    super::purpose_label(c["purpose"].as_str().unwrap_or("?"))
                );
            }
            println!("{}", tr!("renew-next-in-person"));
            let journal = r["journal"].as_str().unwrap_or("?");
            println!("{}", tr!("journal-path", path = journal));
        }
        return Ok(());
    }
    // The same statuses, codes and advice as a direct renewal's failure.
    let err = &e["error"];
    let failed = tr!("renew-job-failed");
    let message = err["message"].as_str().unwrap_or(&failed);
    let exit = match err["code"].as_str().unwrap_or_default() {
        "ca-refused" => Exit::CaRefused,
        "wrong-pin" => Exit::WrongPin,
        "pin-blocked" => Exit::PinBlocked,
        _ => Exit::Error,
    };
    let (status, code, action) = match err["code"].as_str().unwrap_or_default() {
        "renewal-refused" if err["needs_visit"] == false => (
            "refused",
            err["reason"].as_str().unwrap_or("refused"),
            tr!("renew-action-window"),
        ),
        "renewal-refused" => (
            "refused",
            err["reason"].as_str().unwrap_or("refused"),
            tr!("renew-action-visit"),
        ),
        "ca-refused" => (
            "refused-by-ca",
            "ca-refused",
            tr!("renew-action-ca-refused"),
        ),
        "card-changed" => ("failed", "card-changed", tr!("renew-action-card-changed")),
        "invalid" | "wrong-pin" | "pin-blocked" | "management-key" => {
            ("failed", "error", String::new())
        }
        _ => ("interrupted", "interrupted", tr!("renew-action-resume")),
    };
    if ctx.json {
        println!(
            "{}",
            json!({
                "ok": false,
                "renewal": status,
                "code": code,
                "error": message,
                "action": action,
                "job": e["job"],
            })
        );
    } else {
        eprintln!(
            "sello: {}",
            tr!(
                "renew-failed-job",
                job = e["job"].to_string(),
                error = message
            )
        );
        if !action.is_empty() {
            eprintln!("{action}");
        }
    }
    Err(Reported(exit).into())
}

/// Prints the failure for the operator and the holder: what happened, and what to do.
fn report_error(
    json: bool,
    serial: &str,
    journal: &std::path::Path,
    e: RenewError,
) -> anyhow::Result<()> {
    let (status, code, action) = match &e {
        RenewError::Refused { refusal, .. } if refusal.needs_visit() => {
            ("refused", refusal.code(), tr!("renew-action-visit"))
        }
        RenewError::Refused { refusal, .. } => {
            ("refused", refusal.code(), tr!("renew-action-window"))
        }
        RenewError::Enroll {
            source: crate::enroll::EnrollError::Rejected(_),
            ..
        } => (
            "refused-by-ca",
            "ca-refused",
            tr!("renew-action-ca-refused"),
        ),
        RenewError::CardChanged(_) => ("failed", "card-changed", tr!("renew-action-card-changed")),
        _ if e.resumable() => ("interrupted", "interrupted", tr!("renew-action-resume")),
        _ => ("failed", "error", String::new()),
    };
    if json {
        println!(
            "{}",
            json!({
                "ok": false,
                "renewal": status,
                "code": code,
                "serial": serial,
                "error": e.to_string(),
                "action": action,
                "journal": journal,
            })
        );
    } else {
        eprintln!(
            "sello: {}",
            tr!("renew-failed", serial = serial, error = e.to_string())
        );
        if !action.is_empty() {
            eprintln!("{action}");
        }
        eprintln!(
            "{}",
            tr!("journal-path", path = journal.display().to_string())
        );
    }
    let exit = match code {
        "ca-refused" => Exit::CaRefused,
        _ => Exit::of_error(&e),
    };
    Err(Reported(exit).into())
}

struct CliUi {
    json: bool,
    source: SecretSource,
}

impl RenewUi for CliUi {
    fn pin(&mut self) -> Result<Zeroizing<String>, RenewError> {
        self.source
            .read(Secret::HolderPin)
            .map_err(|e| RenewError::Input(format!("{e:#}")))
    }

    fn pending(&mut self, n: &PendingNotice) {
        if self.json {
            println!(
                "{}",
                json!({
                    "event": "ca-pending",
                    "attempt": n.attempt,
                    "max_attempts": n.max_attempts,
                    "wait_secs": n.wait.as_secs(),
                    "message": n.message,
                })
            );
        } else {
            eprintln!(
                "{}",
                tr!(
                    "renew-pending",
                    secs = n.wait.as_secs(),
                    attempt = n.attempt,
                    max = n.max_attempts
                )
            );
        }
    }

    fn step(&mut self, s: &RenewStep) {
        if self.json {
            println!(
                "{}",
                json!({
                    "event": "step",
                    "step": s.name,
                    "slot": s.slot,
                    "status": s.status,
                    "detail": s.detail,
                })
            );
        } else {
            let mark = if s.status == "done" {
                tr!("step-done")
            } else {
                tr!("step-already-done")
            };
            println!("[{mark}] {}: {}", s.label(), s.detail);
        }
    }

    fn checkpoint(&mut self, name: &str) {
        crate::enroll::activation::test_abort_at(name);
    }
}

fn print_report(json: bool, r: &RenewReport) {
    let certs: Vec<_> = r
        .journal
        .slots
        .iter()
        .map(|s| {
            json!({
                "slot": s.slot,
                "purpose": s.purpose,
                "old_serial": s.old_serial,
                "serial": s.certificate_info.as_ref().map(|c| c.serial.clone()),
                "not_after": s.certificate_info.as_ref().map(|c| c.not_after),
            })
        })
        .collect();
    if json {
        println!(
            "{}",
            json!({
                "ok": true,
                "renewal": "complete",
                "serial": r.serial,
                "journal": r.journal_path,
                "certificates": certs,
            })
        );
        return;
    }
    println!("{}", tr!("renew-complete", serial = r.serial.as_str()));
    for s in &r.journal.slots {
        if let Some(c) = &s.certificate_info {
            let line = tr!(
                "renew-replaces",
                serial = c.serial.as_str(),
                old = s.old_serial.as_str()
            );
            let purpose = super::purpose_label(&s.purpose);
            println!("  {} {purpose}: {line}", s.slot);
        }
    }
    println!("{}", tr!("renew-next-in-person"));
    println!(
        "{}",
        tr!("journal-path", path = r.journal_path.display().to_string())
    );
}

/// Test hook (debug builds only): `SELLO_TEST_NOW=<unix time>` is the renewal's "now", so tests
/// can place a fresh certificate inside its window or past its expiry.
fn test_now() -> Option<i64> {
    #[cfg(debug_assertions)]
    {
        std::env::var("SELLO_TEST_NOW").ok()?.parse().ok()
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}
