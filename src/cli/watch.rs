//! The CLI side of `sellod`: `sello watch` streams the daemon's events, and `sello activate` and
//! `sello renew` run as daemon jobs when the daemon is there (progress shown here, secrets read
//! here and sent only when the job asks for them).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::{Ctx, Secret, SecretSource};
use crate::daemon::client::{Client, ClientError};
use crate::tr;

// `sello watch` arguments (help texts: help-sello-watch-* in locales/*/help.ftl).
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    #[arg(long)]
    socket: Option<PathBuf>,
}

fn socket(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(crate::daemon::default_socket_path)
}

/// Connects to the daemon, if one answers at `socket`.
pub(crate) fn connect(socket_path: Option<&Path>) -> Option<Client> {
    let mut c = Client::connect(&socket(socket_path)).ok()?;
    c.call(json!({"op": "hello"})).ok()?;
    Some(c)
}

/// The daemon for `sello activate` and `sello renew`: required with `--via-daemon`; otherwise used only when the
/// per-user socket (`$SELLO_SOCKET`, `$XDG_RUNTIME_DIR`) answers and no private pcscd is
/// selected (`PCSCLITE_CSOCK_NAME`), so a test rig or another user's system daemon is never
/// picked by surprise.
pub(crate) fn connect_for_activation(required: bool) -> anyhow::Result<Option<Client>> {
    let path = crate::daemon::default_socket_path();
    if required {
        let mut c = Client::connect(&path)?;
        c.call(json!({"op": "hello"}))?;
        return Ok(Some(c));
    }
    let per_user =
        std::env::var_os("SELLO_SOCKET").is_some() || std::env::var_os("XDG_RUNTIME_DIR").is_some();
    if !per_user || std::env::var_os("PCSCLITE_CSOCK_NAME").is_some() {
        return Ok(None);
    }
    Ok(connect(Some(&path)))
}

pub(crate) fn run(ctx: &Ctx, args: &WatchArgs) -> anyhow::Result<()> {
    let path = socket(args.socket.as_deref());
    let mut c = Client::connect(&path).with_context(|| tr!("cmd-watch-no-daemon"))?;
    let cards = c.call(json!({"op": "list-cards"}))?;
    c.call(json!({"op": "subscribe"}))?;
    if ctx.json {
        println!("{}", json!({"event": "inventory", "inventory": cards}));
    } else {
        if cards["service"] == false {
            println!("{}", tr!("cmd-watch-pcscd-not-running"));
        }
        for r in cards["readers"].as_array().into_iter().flatten() {
            println!("{}", describe_reader(r));
        }
    }
    loop {
        let e = match c.next_event() {
            Ok(e) => e,
            Err(ClientError::Closed) => bail!(tr!("cmd-watch-closed")),
            Err(e) => return Err(e.into()),
        };
        if ctx.json {
            println!("{e}");
        } else {
            println!("{}", describe_event(&e));
        }
    }
}

fn describe_reader(r: &Value) -> String {
    let name = r["reader"].as_str().unwrap_or("?");
    match r.get("card").filter(|c| !c.is_null()) {
        None => tr!("watch-reader-empty", reader = name),
        Some(c) => format!("{name}: {}", describe_card(c)),
    }
}

fn describe_card(c: &Value) -> String {
    if let Some(e) = c["error"].as_str() {
        return tr!("watch-card-unusable", error = e);
    }
    let unknown = tr!("watch-serial-unknown");
    let mut s = tr!(
        "watch-card",
        driver = c["driver"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| tr!("status-unknown")),
        serial = c["serial"].as_str().unwrap_or(&unknown)
    );
    if let Some(t) = c["pins"]["pin_tries"].as_u64() {
        s.push_str(", ");
        s.push_str(&tr!("watch-pin-tries", left = t));
    }
    for cert in c["certificates"].as_array().into_iter().flatten() {
        s.push_str(", ");
        s.push_str(&tr!(
            "watch-cert-expires",
            slot = cert["slot"].as_str().unwrap_or("?"),
            days = cert["days_left"].as_i64().unwrap_or(0)
        ));
    }
    for (what, e) in c["errors"].as_object().into_iter().flatten() {
        s.push_str(", ");
        s.push_str(&tr!(
            "cmd-watch-unreadable",
            what = what.as_str(),
            error = e.as_str().unwrap_or("?")
        ));
    }
    s
}

fn describe_event(e: &Value) -> String {
    let reader = e["reader"].as_str().unwrap_or("");
    let job = e["job"].to_string();
    match e["event"].as_str().unwrap_or("") {
        "card-inserted" => tr!("watch-card-inserted", reader = reader),
        "card-removed" => tr!("watch-card-removed", reader = reader),
        "card-identified" => format!("{reader}: {}", describe_card(&e["card"])),
        "reader-added" => tr!("watch-reader-added", reader = reader),
        "reader-removed" => tr!("watch-reader-removed", reader = reader),
        "service-down" => tr!("watch-service-down"),
        "service-up" => tr!("watch-service-up"),
        "expiry-warning" => tr!(
            "watch-expiry-warning",
            reader = reader,
            slot = e["slot"].as_str().unwrap_or("?"),
            serial = e["serial"].as_str().unwrap_or("?"),
            days = e["days_left"].as_i64().unwrap_or(0)
        ),
        "job-started" => tr!(
            "watch-job-started",
            reader = reader,
            job = job,
            kind = e["kind"].as_str().unwrap_or("?")
        ),
        "job-progress" => tr!(
            "cmd-watch-job-progress",
            reader = reader,
            job = job,
            status = e["status"].as_str().unwrap_or(""),
            step = step_with_slot(e)
        ),
        "job-finished" => match e["error"]["message"].as_str() {
            Some(m) => tr!(
                "cmd-watch-job-failed",
                reader = reader,
                job = job,
                state = e["state"].as_str().unwrap_or(""),
                error = m
            ),
            None => tr!("watch-job-done", reader = reader, job = job),
        },
        _ => e.to_string(),
    }
}

/// A progress event's step, with its slot when it has one ("generate-key 9A").
fn step_with_slot(e: &Value) -> String {
    let step = e["step"].as_str().unwrap_or("");
    match e["slot"].as_str() {
        Some(s) => format!("{step} {s}"),
        None => step.to_owned(),
    }
}

/// Picks the reader through the daemon: the named one, else the only one holding a card.
fn pick_reader(c: &mut Client, wanted: Option<&str>) -> anyhow::Result<String> {
    if let Some(w) = wanted {
        return Ok(w.to_owned());
    }
    let cards = c.call(json!({"op": "list-cards"}))?;
    let with_card: Vec<&str> = cards["readers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| !r["card"].is_null())
        .filter_map(|r| r["reader"].as_str())
        .collect();
    match with_card.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!(tr!("cli-no-card")),
        _ => bail!(tr!("watch-cards-in-several-readers")),
    }
}

/// What the daemon path of `sello activate` or `sello renew` needs from the command line.
pub(crate) struct DaemonJob<'a> {
    pub client: Client,
    pub reader: Option<&'a str>,
    /// The `start-job` job object (`kind` and its fields).
    pub job: Value,
    /// The operator secret when it comes from a file (read here, sent when asked).
    pub mgmt_secret_file: Option<&'a Path>,
    pub mgmt_secret_stdin: bool,
    pub source: SecretSource,
}

/// Makes a path absolute for the daemon (it does not share our working directory).
pub(crate) fn absolute(p: &Path) -> anyhow::Result<String> {
    let a = std::path::absolute(p)
        .with_context(|| tr!("cmd-bad-path", path = p.display().to_string()))?;
    a.to_str()
        .map(str::to_owned)
        .with_context(|| tr!("cmd-path-not-utf8", path = a.display().to_string()))
}

/// Runs a job in sellod as its owner: answers its secret requests from the command line's
/// sources, shows its progress; returns its `job-finished` event.
pub(crate) fn run_job(ctx: &Ctx, a: &mut DaemonJob<'_>) -> anyhow::Result<Value> {
    let reader = pick_reader(&mut a.client, a.reader)?;
    let started = a.client.call(json!({
        "op": "start-job",
        "reader": reader,
        "job": a.job,
    }))?;
    let id = started["job"].clone();
    if !ctx.json {
        eprintln!(
            "{}",
            tr!(
                "cmd-job-runs-in-sellod",
                kind = a.job["kind"].as_str().unwrap_or(""),
                job = id.to_string(),
                reader = started["reader"].as_str().unwrap_or(&reader)
            )
        );
    }
    loop {
        let e = a.client.next_event()?;
        if e["job"] != id {
            continue;
        }
        match e["event"].as_str() {
            Some("secret-request") => {
                let name = e["name"].as_str().unwrap_or_default().to_owned();
                let value = secret(a, &name, e["prompt"].as_str().unwrap_or(&name))?;
                a.client.call(json!({
                    "op": "secret", "job": id, "name": name, "value": value.as_str(),
                }))?;
            }
            Some("puk") => {
                let puk = Zeroizing::new(e["puk"].as_str().unwrap_or_default().to_owned());
                if ctx.json {
                    println!("{}", json!({ "event": "puk", "puk": puk.as_str() }));
                } else {
                    // The PUK is printed beside the message, never passed into one.
                    println!(
                        "PUK: {}   ({})",
                        puk.as_str(),
                        tr!("cmd-job-puk-shown-once")
                    );
                }
            }
            Some("job-progress") if !ctx.json => {
                let status = e["status"].as_str().unwrap_or("");
                if status != "started" {
                    println!(
                        "[{}] {}: {}",
                        tr!("cmd-job-status", status = status),
                        step_with_slot(&e),
                        e["detail"].as_str().unwrap_or("")
                    );
                }
            }
            Some("job-finished") => return Ok(e),
            _ => {}
        }
    }
}

/// Runs the activation as a daemon job and shows its progress.
pub(crate) fn activate(ctx: &Ctx, mut a: DaemonJob<'_>) -> anyhow::Result<()> {
    let e = run_job(ctx, &mut a)?;
    if let Some(m) = e["error"]["message"].as_str() {
        bail!(tr!("cmd-job-activation-stopped", error = m));
    }
    let r = &e["result"];
    if ctx.json {
        println!("{r}");
    } else {
        println!(
            "{}",
            tr!(
                "activate-complete",
                serial = r["serial"].as_str().unwrap_or("?"),
                profile = r["profile"].as_str().unwrap_or("?")
            )
        );
        for c in r["certificates"].as_array().into_iter().flatten() {
            let line = tr!(
                "activate-complete-certificate",
                serial = c["serial"].as_str().unwrap_or("?"),
                subject = c["subject"].as_str().unwrap_or("?")
            );
            println!(
                "  {} {}: {line}",
                c["slot"].as_str().unwrap_or("?"),
                super::purpose_label(c["purpose"].as_str().unwrap_or("?"))
            );
        }
        println!(
            "{}",
            tr!("journal-path", path = r["journal"].as_str().unwrap_or("?"))
        );
    }
    Ok(())
}

fn secret(a: &mut DaemonJob<'_>, name: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    match name {
        "mgmt-secret" if !a.mgmt_secret_stdin => {
            let Some(f) = a.mgmt_secret_file else {
                bail!(tr!("cmd-job-needs-mgmt-secret"));
            };
            let bytes = super::input::read_secret_file(f)?;
            let text = std::str::from_utf8(&bytes)
                .with_context(|| tr!("cmd-file-not-utf8", path = f.display().to_string()))?;
            Ok(Zeroizing::new(text.to_owned()))
        }
        "new-pin" => {
            eprintln!("{prompt}.");
            a.source.read_new(Secret::NewPin)
        }
        "new-puk" => a.source.read_new(Secret::NewPuk),
        other => match Secret::from_daemon_name(other) {
            Some(s) => a.source.read(s),
            None => bail!(tr!("cmd-job-unknown-secret", name = other)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with_language;

    #[test]
    fn job_lines_follow_the_language_and_keep_the_codes() {
        let progress = json!({
            "event": "job-progress", "reader": "Lector 1", "job": 3,
            "status": "already-done", "step": "generate-key", "slot": "9A",
        });
        let failed = json!({
            "event": "job-finished", "reader": "Lector 1", "job": 3, "state": "cancelled",
            "error": { "code": "cancelled", "message": "x" },
        });
        let card = json!({
            "event": "card-identified", "reader": "Lector 1",
            "card": { "driver": "PIV", "serial": "10000001", "pins": { "pin_tries": 2 },
                      "errors": { "certificates": "6A82" } },
        });
        let en = with_language("en", || [&progress, &failed, &card].map(describe_event));
        assert_eq!(en[0], "Lector 1: job 3 already-done generate-key 9A");
        assert_eq!(en[1], "Lector 1: job 3 cancelled: x");
        assert_eq!(
            en[2],
            "Lector 1: PIV card 10000001, PIN tries left 2, certificates unreadable (6A82)"
        );
        let es = with_language("es", || [&progress, &failed, &card].map(describe_event));
        assert_eq!(es[0], "Lector 1: tarea 3 ya hecha generate-key 9A");
        assert_eq!(es[1], "Lector 1: tarea 3 cancelada: x");
        assert_eq!(
            es[2],
            "Lector 1: tarjeta PIV 10000001, intentos de PIN: 2, certificados ilegibles (6A82)"
        );
        let va = with_language("ca-valencia", || [&progress, &failed].map(describe_event));
        assert_eq!(va[0], "Lector 1: tasca 3 ja feta generate-key 9A");
        assert_eq!(va[1], "Lector 1: tasca 3 cancel·lada: x");
    }
}
