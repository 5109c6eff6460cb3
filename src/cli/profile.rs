//! `sello profile list|show`: the card profiles in force (embedded and user directory).

use clap::Subcommand;
use serde_json::json;

use crate::profile::{self, Profile};

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
                    println!("User profile directory: {}", d.display());
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
    println!("Profile:  {}", p.name);
    println!("About:    {}", p.description);
    println!("Source:   {}", p.source);
    println!(
        "Card:     driver {}{}",
        p.card.driver,
        p.card
            .aid
            .as_ref()
            .map(|a| format!(", AID {}", hex::encode_upper(a)))
            .unwrap_or_default()
    );
    let m = &p.management_key;
    println!(
        "Mgmt key: {} ({}){}",
        m.mode.name(),
        m.algorithm,
        if m.allow_default {
            ", factory default allowed"
        } else {
            ""
        }
    );
    let rule = |r: &profile::SecretRule| {
        format!(
            "{}-{} {}, {} tries",
            r.min_length,
            r.max_length,
            r.charset.name(),
            r.retries
        )
    };
    println!("PIN:      {}", rule(&p.pin));
    println!(
        "PUK:      {}, {}",
        rule(&p.puk),
        if p.puk_generate {
            "generated and shown once"
        } else {
            "entered by the operator"
        }
    );
    for k in &p.keys {
        let allowed: Vec<_> = k.allowed_algorithms.iter().map(|a| a.name()).collect();
        println!(
            "Key {:02X}:   {}, {} (allowed: {}), PIN {}{}",
            k.slot.0,
            k.purpose,
            k.algorithm,
            allowed.join(", "),
            k.pin_use.name(),
            if k.optional { ", optional" } else { "" }
        );
    }
    let attrs: Vec<_> = p
        .subject
        .attributes
        .iter()
        .map(|a| format!("{}={}", a.attribute.short_name(), a.value))
        .collect();
    println!("Subject:  {}", attrs.join(", "));
    if p.subject.email_san {
        println!("SAN:      rfc822Name={{email}}");
    }
}
