//! `sello browser install|status|uninstall`: the module in the user's Chromium and Firefox.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::browser::{self, Action, DbStatus, Env, NssDb, Outcome};

use super::{Exit, Reported};
use crate::tr;

#[derive(Debug, Subcommand)]
pub(super) enum BrowserCommand {
    Install(ModuleArgs),
    Status,
    Uninstall,
}

#[derive(Debug, Args)]
pub(super) struct ModuleArgs {
    #[arg(long, value_name = "PATH")]
    module: Option<PathBuf>,
}

pub(super) fn run(json: bool, cmd: &BrowserCommand) -> anyhow::Result<()> {
    let env = Env::from_process();
    if let Some(user) = std::env::var_os("SUDO_USER") {
        eprintln!(
            "sello: {}",
            tr!(
                "cmd-browser-sudo",
                home = env.home.display().to_string(),
                user = user.to_string_lossy().into_owned()
            )
        );
    }
    match cmd {
        BrowserCommand::Install(args) => {
            let module = browser::resolve_module(args.module.as_deref())?;
            finish(json, "browser-install", &browser::install(&env, &module))
        }
        BrowserCommand::Uninstall => finish(json, "browser-uninstall", &browser::uninstall(&env)),
        BrowserCommand::Status => {
            print_status(json, &browser::status(&env));
            Ok(())
        }
    }
}

fn db_json(db: &NssDb) -> Value {
    let (profile, package) = match &db.browser {
        browser::Browser::Firefox { profile, package } => (Some(profile.as_str()), *package),
        browser::Browser::Chromium => (None, None),
    };
    json!({
        "browser": db.browser.kind(),
        "profile": profile,
        "package": package,
        "path": db.dir.display().to_string(),
    })
}

fn action_json(a: &Action) -> (&'static str, Value) {
    match a {
        Action::Added { created } => ("added", json!({ "created": created })),
        Action::Updated(old) => ("updated", json!({ "previous": old.display().to_string() })),
        Action::Unchanged => ("unchanged", json!({})),
        Action::Removed => ("removed", json!({})),
        Action::NotRegistered => ("not-registered", json!({})),
        Action::Skipped(why) => ("skipped", json!({ "reason": why })),
        Action::Failed(e) => ("failed", json!({ "error": e })),
    }
}

fn action_text(a: &Action) -> String {
    match a {
        Action::Added { created: true } => tr!("cmd-browser-added-new-db"),
        Action::Added { created: false } => tr!("cmd-browser-added"),
        Action::Updated(old) => tr!("cmd-browser-updated", old = old.display().to_string()),
        Action::Unchanged => tr!("cmd-browser-unchanged"),
        Action::Removed => tr!("cmd-browser-removed"),
        Action::NotRegistered => tr!("cmd-browser-was-not-registered"),
        Action::Skipped(why) => tr!("cmd-browser-skipped", why = why.as_str()),
        Action::Failed(e) => tr!("cmd-browser-failed", error = e.as_str()),
    }
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

fn finish(json: bool, what: &str, o: &Outcome) -> anyhow::Result<()> {
    if json {
        let dbs: Vec<Value> = o
            .databases
            .iter()
            .map(|d| {
                let (result, extra) = action_json(&d.action);
                merge(db_json(&d.db), merge(json!({ "result": result }), extra))
            })
            .collect();
        let p11kit = o.p11kit.as_ref().map(|(file, a)| {
            let (result, extra) = action_json(a);
            merge(
                json!({ "path": file.display().to_string(), "result": result }),
                extra,
            )
        });
        let v = json!({
            "ok": !o.failed(),
            "action": what,
            "module": o.module.as_ref().map(|m| m.display().to_string()),
            "databases": dbs,
            "p11kit": p11kit,
        });
        println!("{v}");
    } else {
        if let Some(m) = &o.module {
            println!(
                "{}",
                tr!("cmd-browser-module", path = m.display().to_string())
            );
        }
        for d in &o.databases {
            println!(
                "{}: {}\n    {}",
                d.db.browser.label(),
                action_text(&d.action),
                d.db.dir.display()
            );
        }
        if let Some((file, a)) = &o.p11kit {
            println!("p11-kit: {}\n    {}", action_text(a), file.display());
        }
        if !o.failed() && o.module.is_some() {
            println!("{}", tr!("cmd-browser-restart"));
        }
    }
    if o.failed() {
        if !json {
            eprintln!("sello: {}", tr!("cmd-browser-some-failed"));
        }
        return Err(Reported(Exit::Error).into());
    }
    Ok(())
}

fn status_json(s: &DbStatus) -> Value {
    merge(
        db_json(&s.db),
        json!({
            "exists": s.db.exists,
            "registered": s.library.is_some(),
            "library": s.library.as_ref().map(|l| l.display().to_string()),
            "library_exists": s.library_exists,
            "locked": s.locked,
            "error": s.error,
        }),
    )
}

fn print_status(json: bool, s: &browser::Status) {
    if json {
        let v = json!({
            "databases": s.databases.iter().map(status_json).collect::<Vec<_>>(),
            "p11kit": {
                "present": s.p11kit.present,
                "path": s.p11kit.file.display().to_string(),
                "registered": s.p11kit.library.is_some(),
                "library": s.p11kit.library.as_ref().map(|l| l.display().to_string()),
                "library_exists": s.p11kit.library_exists,
            },
        });
        println!("{v}");
        return;
    }
    for d in &s.databases {
        let what = match (&d.library, d.library_exists, &d.error) {
            (_, _, Some(e)) => tr!("cmd-browser-cannot-read", error = e.as_str()),
            (Some(l), true, _) => {
                tr!("cmd-browser-registered", library = l.display().to_string())
            }
            (Some(l), false, _) => tr!(
                "cmd-browser-registered-missing",
                library = l.display().to_string()
            ),
            (None, _, _) if !d.db.exists => tr!("cmd-browser-no-database"),
            (None, _, _) => tr!("cmd-browser-not-registered"),
        };
        let lock = if d.locked {
            format!(" ({})", tr!("cmd-browser-firefox-running"))
        } else {
            String::new()
        };
        println!(
            "{}: {what}{lock}\n    {}",
            d.db.browser.label(),
            d.db.dir.display()
        );
    }
    let p = &s.p11kit;
    let what = match (&p.library, p.present) {
        (Some(l), _) if p.library_exists => {
            tr!("cmd-browser-registered", library = l.display().to_string())
        }
        (Some(l), _) => tr!(
            "cmd-browser-registered-file-missing",
            library = l.display().to_string()
        ),
        (None, true) => tr!("cmd-browser-not-registered"),
        (None, false) => tr!("cmd-browser-p11kit-absent"),
    };
    println!("p11-kit: {what}\n    {}", p.file.display());
}
