//! `sello profile list|show`: the card profiles in force (embedded and user directory).

use clap::Subcommand;
use serde_json::json;

use super::output::Labels;
use crate::profile::{self, Profile};
use crate::tr;

// `sello profile ...` (help texts: help-sello-profile-* in locales/*/help.ftl).
#[derive(Debug, Subcommand)]
pub(crate) enum ProfileCommand {
    List,
    Show { name: String },
}

pub(crate) fn run(json: bool, cmd: &ProfileCommand) -> anyhow::Result<()> {
    let all = profile::load_all()?;
    match cmd {
        ProfileCommand::List => {
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|p| json!({ "name": p.name, "description": p.description, "source": p.source }))
                    .collect();
                println!(
                    "{}",
                    json!({ "profiles": list, "user_dir": profile::user_dir() })
                );
            } else {
                for p in &all {
                    println!("{:<20} {}  ({})", p.name, p.description, p.source);
                }
                if let Some(d) = profile::user_dir() {
                    println!(
                        "{}",
                        tr!("cmd-profile-user-dir", dir = d.display().to_string())
                    );
                }
            }
        }
        ProfileCommand::Show { name } => {
            let p = profile::find(&all, name)?;
            if json {
                println!("{}", p.to_json());
            } else {
                show(&p);
            }
        }
    }
    Ok(())
}

fn show(p: &Profile) {
    let key_labels: Vec<String> = p
        .keys
        .iter()
        .map(|k| tr!("cmd-profile-key-label", slot = format!("{:02X}", k.slot.0)))
        .collect();
    let labels = [
        tr!("cmd-profile-name"),
        tr!("cmd-profile-about"),
        tr!("cmd-profile-source"),
        tr!("cmd-profile-card-label"),
        tr!("cmd-profile-mgmt-key-label"),
        "PIN:".to_owned(),
        "PUK:".to_owned(),
        tr!("cmd-profile-subject"),
        "SAN:".to_owned(),
    ];
    let all: Vec<&str> = labels
        .iter()
        .chain(&key_labels)
        .map(String::as_str)
        .collect();
    let l = Labels::new(&all);
    let [name, about, source, card, mgmt, pin, puk, subject, san] = &labels;
    println!("{}", l.line(name, &p.name));
    println!("{}", l.line(about, &p.description));
    println!("{}", l.line(source, &p.source));
    let driver = match &p.card.aid {
        Some(aid) => tr!(
            "cmd-profile-card-aid",
            driver = p.card.driver.as_str(),
            aid = hex::encode_upper(aid)
        ),
        None => tr!("cmd-profile-card", driver = p.card.driver.as_str()),
    };
    println!("{}", l.line(card, &driver));
    let m = &p.management_key;
    let mut key = tr!(
        "cmd-profile-mgmt-key",
        mode = m.mode.name(),
        algorithm = m.algorithm.to_string()
    );
    if m.allow_default {
        key.push_str(", ");
        key.push_str(&tr!("cmd-profile-default-allowed"));
    }
    println!("{}", l.line(mgmt, &key));
    let rule = |r: &profile::SecretRule| {
        tr!(
            "cmd-profile-rule",
            min = r.min_length,
            max = r.max_length,
            charset = r.charset.name(),
            retries = r.retries
        )
    };
    println!("{}", l.line(pin, &rule(&p.pin)));
    let puk_origin = if p.puk_generate {
        tr!("cmd-profile-puk-generated")
    } else {
        tr!("cmd-profile-puk-entered")
    };
    println!(
        "{}",
        l.line(puk, &format!("{}, {puk_origin}", rule(&p.puk)))
    );
    for (k, label) in p.keys.iter().zip(&key_labels) {
        let allowed: Vec<_> = k.allowed_algorithms.iter().map(|a| a.name()).collect();
        let mut line = tr!(
            "cmd-profile-key",
            purpose = super::purpose_label(k.purpose.name()),
            algorithm = k.algorithm.to_string(),
            allowed = allowed.join(", "),
            pin = k.pin_use.name()
        );
        if k.optional {
            line.push_str(", ");
            line.push_str(&tr!("cmd-profile-key-optional"));
        }
        println!("{}", l.line(label, &line));
    }
    let attrs: Vec<_> = p
        .subject
        .attributes
        .iter()
        .map(|a| format!("{}={}", a.attribute.short_name(), a.value))
        .collect();
    println!("{}", l.line(subject, &attrs.join(", ")));
    if p.subject.email_san {
        println!("{}", l.line(san, "rfc822Name={email}"));
    }
}
