//! The CLI side of `sellod`: `sello watch` streams the daemon's events, and `sello activate` and
//! `sello renew` run as daemon jobs when the daemon is there (progress shown here, secrets read
//! here and sent only when the job asks for them).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::{Ctx, SecretSource};
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
    let mut c = Client::connect(&path)
        .with_context(|| "is sellod running? (systemctl --user start sellod.socket)")?;
    let cards = c.call(json!({"op": "list-cards"}))?;
    c.call(json!({"op": "subscribe"}))?;
    if ctx.json {
        println!("{}", json!({"event": "inventory", "inventory": cards}));
    } else {
        if cards["service"] == false {
            println!("pcscd is not running");
        }
        for r in cards["readers"].as_array().into_iter().flatten() {
            println!("{}", describe_reader(r));
        }
    }
    loop {
        let e = match c.next_event() {
            Ok(e) => e,
            Err(ClientError::Closed) => bail!("sellod closed the connection"),
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
        s.push_str(&format!(
            ", {what} unreadable ({})",
            e.as_str().unwrap_or("?")
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
        "job-progress" => format!(
            "{reader}: job {} {} {}{}",
            e["job"],
            e["status"].as_str().unwrap_or(""),
            e["step"].as_str().unwrap_or(""),
            e["slot"]
                .as_str()
                .map(|s| format!(" {s}"))
                .unwrap_or_default()
        ),
        "job-finished" => match e["error"]["message"].as_str() {
            Some(m) => format!("{reader}: job {} {}: {m}", e["job"], e["state"]),
            None => tr!("watch-job-done", reader = reader, job = job),
        },
        _ => e.to_string(),
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
    let a = std::path::absolute(p).with_context(|| format!("bad path {}", p.display()))?;
    a.to_str()
        .map(str::to_owned)
        .with_context(|| format!("{} is not UTF-8", a.display()))
}

/// Runs a job in sellod as its owner: answers its secret requests from the command line's
/// sources, shows its progress; returns its `job-finished` event. `what` names the job for
/// people ("Activation").
pub(crate) fn run_job(ctx: &Ctx, a: &mut DaemonJob<'_>, what: &str) -> anyhow::Result<Value> {
    let reader = pick_reader(&mut a.client, a.reader)?;
    let started = a.client.call(json!({
        "op": "start-job",
        "reader": reader,
        "job": a.job,
    }))?;
    let id = started["job"].clone();
    if !ctx.json {
        eprintln!(
            "{what} runs in sellod (job {id}, reader \"{}\").",
            started["reader"].as_str().unwrap_or(&reader)
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
                    println!(
                        "PUK: {}   (write it down for the holder: it is shown only this once)",
                        puk.as_str()
                    );
                }
            }
            Some("job-progress") if !ctx.json => {
                let status = e["status"].as_str().unwrap_or("");
                if status != "started" {
                    println!(
                        "[{}] {}{}: {}",
                        status.replace('-', " "),
                        e["step"].as_str().unwrap_or(""),
                        e["slot"]
                            .as_str()
                            .map(|s| format!(" {s}"))
                            .unwrap_or_default(),
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
    let e = run_job(ctx, &mut a, "Activation")?;
    if let Some(m) = e["error"]["message"].as_str() {
        bail!("activation stopped: {m} (run the same command again to resume)");
    }
    let r = &e["result"];
    if ctx.json {
        println!("{r}");
    } else {
        println!(
            "Card {} activated with profile {}.",
            r["serial"].as_str().unwrap_or("?"),
            r["profile"].as_str().unwrap_or("?")
        );
        for c in r["certificates"].as_array().into_iter().flatten() {
            println!(
                "  {} {}: certificate {} for {}",
                c["slot"].as_str().unwrap_or("?"),
                c["purpose"].as_str().unwrap_or("?"),
                c["serial"].as_str().unwrap_or("?"),
                c["subject"].as_str().unwrap_or("?")
            );
        }
        println!("Journal: {}", r["journal"].as_str().unwrap_or("?"));
    }
    Ok(())
}

fn secret(a: &mut DaemonJob<'_>, name: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    match name {
        "mgmt-secret" if !a.mgmt_secret_stdin => {
            let Some(f) = a.mgmt_secret_file else {
                bail!("the profile needs the operator's management-key secret: --mgmt-secret-file FILE or --mgmt-secret-stdin");
            };
            let bytes = super::input::read_secret_file(f)?;
            let text = std::str::from_utf8(&bytes)
                .with_context(|| format!("{} is not UTF-8 text", f.display()))?;
            Ok(Zeroizing::new(text.to_owned()))
        }
        "mgmt-secret" => a.source.read("operator management-key secret"),
        "new-pin" => {
            eprintln!("{prompt}.");
            a.source.read_new("new PIN")
        }
        "new-puk" => a.source.read_new("new PUK"),
        "current-pin" => a.source.read("holder's PIN"),
        "enrollment-code" => a.source.read("enrollment code"),
        other => a.source.read(other),
    }
}
