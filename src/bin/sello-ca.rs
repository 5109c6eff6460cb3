//! `sello-ca`: the local test CA (EST server, enrollment codes, revocation, CRL).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use sello::ca::cli::Command;
use sello::ca::issue::{files, parse_reason, REASONS};
use sello::ca::server::EstServer;
use sello::ca::{unix_now, Authority, CaConfig, Identity, Store};

fn main() {
    if let Err(e) = run() {
        eprintln!("sello-ca: error: {e:#}");
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
            Authority::init(&dir, config).context("init failed")?;
            println!("created CA in {}", dir.display());
            println!(
                "trust anchor for clients: {}",
                dir.join(files::ROOT_CERT).display()
            );
        }
        Command::Serve {
            dir,
            listen,
            crl_listen,
        } => {
            let server = Arc::new(EstServer::open(&dir)?);
            let listeners = server.bind(listen.as_deref(), crl_listen.as_deref())?;
            println!(
                "EST listening on https://{}/.well-known/est/",
                listeners.est.local_addr()?
            );
            println!(
                "CRL listening on http://{}/crl",
                listeners.crl.local_addr()?
            );
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
                "registered {} ({}); code valid until unix time {expires}, once for 'auth' and once for 'sign'",
                identity.nif,
                identity.common_name()
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
                bail!("unknown reason '{reason}'; one of: {}", REASONS.join(", "));
            }
            let authority = Authority::open(&dir)?;
            let mut store = open_store(&dir)?;
            let record = store.revoke(&serial.to_ascii_uppercase(), &reason, unix_now())?;
            authority
                .write_crl(&mut store)
                .context("CRL regeneration failed")?;
            println!(
                "revoked {} ({}), reason {reason}; CRL regenerated",
                record.serial, record.common_name
            );
        }
        Command::List { dir, json } => {
            let store = open_store(&dir)?;
            let certs = store.certificates()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&certs)?);
            } else {
                println!(
                    "{:<32}  {:<4}  {:<14}  {:<8}  SUBJECT CN",
                    "SERIAL", "USE", "ORIGIN", "STATUS"
                );
                for c in certs {
                    let status = if c.revoked_at.is_some() {
                        "revoked"
                    } else if c.not_after <= unix_now() {
                        "expired"
                    } else {
                        "valid"
                    };
                    let origin = match c.origin {
                        sello::ca::Origin::InPerson => "in-person",
                        sello::ca::Origin::RemoteRenewal => "remote-renewal",
                    };
                    println!(
                        "{:<32}  {:<4}  {:<14}  {:<8}  {}",
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
