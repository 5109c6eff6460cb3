//! `sello-ca`: the local test CA (EST server, enrollment codes, revocation, CRL).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use sello::ca::issue::{files, parse_reason, REASONS};
use sello::ca::server::EstServer;
use sello::ca::{unix_now, Authority, CaConfig, Identity, Store};

/// Local test CA for Sello: issues natural-person certificates over EST. NOT FOR PRODUCTION.
#[derive(Parser)]
#[command(name = "sello-ca", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a root CA, an issuing CA, the EST server's TLS certificate and config.toml in DIR.
    Init {
        /// CA directory (created; must be empty).
        #[arg(long)]
        dir: PathBuf,
        /// EST listen address written to config.toml.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
        /// CRL (plain HTTP) listen address written to config.toml.
        #[arg(long, default_value = "127.0.0.1:8080")]
        crl_listen: String,
        /// CRL distribution point URL put in certificates (default: http://CRL_LISTEN/crl).
        #[arg(long)]
        crl_url: Option<String>,
        /// Key type of the issuing CA.
        #[arg(long, value_enum, default_value = "ecdsa-p384")]
        issuing_key: sello::ca::config::IssuingKey,
    },
    /// Serve EST over HTTPS and the CRL over HTTP.
    Serve {
        /// CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// Override the EST listen address (port 0 picks a free port; the bound address is printed).
        #[arg(long)]
        listen: Option<String>,
        /// Override the CRL listen address.
        #[arg(long)]
        crl_listen: Option<String>,
    },
    /// Register an identity and print its one-time enrollment code.
    EnrollCode {
        /// CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// NIF or NIE (check letter validated).
        #[arg(long)]
        nif: String,
        /// Given name(s).
        #[arg(long)]
        given_name: String,
        /// Surnames.
        #[arg(long)]
        surnames: String,
        /// E-mail address (SAN rfc822Name).
        #[arg(long)]
        email: String,
        /// Days the code stays valid (default from config.toml: 15). 0 makes an already-expired
        /// code, for tests.
        #[arg(long)]
        valid_days: Option<u32>,
    },
    /// Revoke a certificate (irreversible) and regenerate the CRL.
    Revoke {
        /// CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// Serial number, hex.
        serial: String,
        /// RFC 5280 reason: unspecified, keyCompromise, caCompromise, affiliationChanged,
        /// superseded, cessationOfOperation, privilegeWithdrawn.
        #[arg(long, default_value = "unspecified")]
        reason: String,
    },
    /// List issued certificates.
    List {
        /// CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

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
    match Cli::parse().command {
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
