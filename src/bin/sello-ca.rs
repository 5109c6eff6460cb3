//! `sello-ca`: the local test CA (EST server, enrollment codes, revocation, CRL).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use sello::ca::cli::Command;
use sello::ca::issue::{files, parse_reason, REASONS};
use sello::ca::server::EstServer;
use sello::ca::{unix_now, Authority, CaConfig, Identity, Store};
use sello::tr;

fn main() {
    // The operator's language (LC_ALL, LC_MESSAGES, LANG); what goes over HTTP stays English.
    if let Err(e) = run() {
        eprintln!("sello-ca: {}", tr!("ca-error", error = format!("{e:#}")));
        std::process::exit(1);
    }
}

fn open_store(dir: &Path) -> anyhow::Result<Store> {
    Ok(Store::open(&dir.join(files::DB))?)
}

fn run() -> anyhow::Result<()> {
    match sello::ca::cli::parse().command {
        Command::Init {
            dir,
            listen,
            crl_listen,
            crl_url,
            issuing_key,
        } => {
            let mut config = CaConfig::default_for(&listen, &crl_listen);
            config.issuance.issuing_key = issuing_key;
            if let Some(url) = crl_url {
                config.issuance.crl_url = url;
            }
            Authority::init(&dir, config).with_context(|| tr!("ca-init-failed"))?;
            println!("{}", tr!("ca-created", path = dir.display().to_string()));
            println!(
                "{}",
                tr!(
                    "ca-trust-anchor",
                    path = dir.join(files::ROOT_CERT).display().to_string()
                )
            );
        }
        Command::Serve {
            dir,
            listen,
            crl_listen,
        } => {
            let server = Arc::new(EstServer::open(&dir)?);
            let listeners = server.bind(listen.as_deref(), crl_listen.as_deref())?;
            // Tests and scripts read the URLs from these lines: each holds its URL whole.
            let est = format!("https://{}/.well-known/est/", listeners.est.local_addr()?);
            println!("{}", tr!("ca-est-listening", url = est));
            let crl = format!("http://{}/crl", listeners.crl.local_addr()?);
            println!("{}", tr!("ca-crl-listening", url = crl));
            server.run(listeners)?;
        }
        Command::EnrollCode {
            dir,
            nif,
            given_name,
            surnames,
            email,
            valid_days,
        } => {
            let authority = Authority::open(&dir)?;
            let identity =
                Identity::new(&nif, &given_name, &surnames, &email).map_err(anyhow::Error::msg)?;
            let days = valid_days.unwrap_or(authority.config.issuance.code_valid_days);
            let mut store = open_store(&dir)?;
            let (code, expires) = store.register(
                &identity,
                unix_now(),
                Duration::from_secs(u64::from(days) * 86_400),
            )?;
            eprintln!(
                "{}",
                tr!(
                    "ca-registered",
                    nif = identity.nif.as_str(),
                    name = identity.common_name(),
                    date = sello::i18n::date(expires),
                    expires = expires
                )
            );
            // The code goes to stdout only, so it can be captured without the log lines.
            println!("{}", code.expose());
        }
        Command::Revoke {
            dir,
            serial,
            reason,
        } => {
            if parse_reason(&reason).is_none() {
                bail!(tr!(
                    "ca-unknown-reason",
                    reason = reason.as_str(),
                    reasons = REASONS.join(", ")
                ));
            }
            let authority = Authority::open(&dir)?;
            let mut store = open_store(&dir)?;
            let record = store.revoke(&serial.to_ascii_uppercase(), &reason, unix_now())?;
            authority
                .write_crl(&mut store)
                .with_context(|| tr!("ca-crl-failed"))?;
            println!(
                "{}",
                tr!(
                    "ca-revoked",
                    serial = record.serial.as_str(),
                    name = record.common_name.as_str(),
                    reason = reason.as_str()
                )
            );
        }
        Command::List { dir, json } => {
            let store = open_store(&dir)?;
            let certs = store.certificates()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&certs)?);
            } else {
                println!(
                    "{:<32}  {:<4}  {:<18}  {:<8}  {}",
                    tr!("ca-list-serial"),
                    tr!("ca-list-use"),
                    tr!("ca-list-origin"),
                    tr!("ca-list-status"),
                    tr!("ca-list-subject")
                );
                for c in certs {
                    let status = if c.revoked_at.is_some() {
                        tr!("ca-status-revoked")
                    } else if c.not_after <= unix_now() {
                        tr!("ca-status-expired")
                    } else {
                        tr!("ca-status-valid")
                    };
                    let origin = match c.origin {
                        sello::ca::Origin::InPerson => tr!("ca-origin-in-person"),
                        sello::ca::Origin::RemoteRenewal => tr!("ca-origin-remote-renewal"),
                    };
                    println!(
                        "{:<32}  {:<4}  {:<18}  {:<8}  {}",
                        c.serial,
                        c.purpose.label(),
                        origin,
                        status,
                        c.common_name
                    );
                }
            }
        }
    }
    Ok(())
}
