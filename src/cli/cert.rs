//! `sello cert show|export`: the public certificates on the card (no PIN needed).

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::output::CertSummary;
use super::{CardArgs, Ctx};
use crate::card::KeyRef;
use crate::enroll::local::pem_encode;

// `sello cert ...` (help texts: help-sello-cert-* in locales/*/help.ftl).
#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    Show(ShowArgs),
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    card: CardArgs,
    #[arg(long)]
    slot: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Pem,
    Der,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    card: CardArgs,
    #[arg(long)]
    slot: String,
    #[arg(long, value_enum, default_value = "pem")]
    format: Format,
    #[arg(long, short)]
    out: Option<PathBuf>,
}

fn parse_slot(s: &str) -> anyhow::Result<KeyRef> {
    u8::from_str_radix(s.trim_start_matches("0x"), 16)
        .map(KeyRef)
        .with_context(|| crate::tr!("cmd-cert-bad-slot", slot = s))
}

pub(crate) fn run(ctx: &Ctx, cmd: &CertCommand) -> anyhow::Result<()> {
    match cmd {
        CertCommand::Show(args) => {
            let mut card = ctx.open(&args.card)?;
            let slots: Vec<(KeyRef, Vec<u8>)> = match &args.slot {
                Some(s) => {
                    let key = parse_slot(s)?;
                    match card.read_certificate(key)? {
                        Some(der) => vec![(key, der)],
                        None => bail!(crate::tr!(
                            "cert-none-in-slot",
                            slot = format!("{:02X}", key.0)
                        )),
                    }
                }
                None => card
                    .key_slots()?
                    .into_iter()
                    .filter_map(|k| k.certificate.map(|c| (k.key, c)))
                    .collect(),
            };
            let list: Vec<_> = slots
                .iter()
                .map(|(k, der)| (k, CertSummary::parse(der), der))
                .collect();
            let revocation = super::revocation_of(
                slots.iter().map(|(_, d)| Some(d.as_slice())),
                super::time_now(),
            );
            if ctx.json {
                let v: Vec<_> = list
                    .iter()
                    .zip(&revocation)
                    .map(|((k, s, der), r)| {
                        json!({
                            "slot": format!("{:02X}", k.0),
                            "subject": s.as_ref().map(|s| s.subject.clone()),
                            "issuer": s.as_ref().map(|s| s.issuer.clone()),
                            "serial": s.as_ref().map(|s| s.serial.clone()),
                            "not_before": s.as_ref().map(|s| s.not_before),
                            "not_after": s.as_ref().map(|s| s.not_after),
                            "revocation": r.as_ref().map(|r| r.json.clone()),
                            "pem": pem_encode("CERTIFICATE", der),
                        })
                    })
                    .collect();
                println!("{}", json!({ "certificates": v }));
            } else if list.is_empty() {
                println!("{}", crate::tr!("cert-none"));
            } else {
                for ((k, s, _), r) in list.iter().zip(&revocation) {
                    match s {
                        Some(s) => println!(
                            "{}",
                            crate::tr!(
                                "cert-show",
                                slot = format!("{:02X}", k.0),
                                subject = s.subject.as_str(),
                                issuer = s.issuer.as_str(),
                                serial = s.serial.as_str(),
                                from = crate::i18n::date(s.not_before),
                                until = crate::i18n::date(s.not_after)
                            )
                        ),
                        None => println!(
                            "{}",
                            crate::tr!("cert-not-x509", slot = format!("{:02X}", k.0))
                        ),
                    }
                    if let (Some(_), Some(r)) = (s, r) {
                        println!(
                            "{}",
                            crate::tr!("cert-revocation", status = r.line.as_str())
                        );
                    }
                }
            }
            Ok(())
        }
        CertCommand::Export(args) => {
            let key = parse_slot(&args.slot)?;
            let mut card = ctx.open(&args.card)?;
            let Some(der) = card.read_certificate(key)? else {
                bail!(crate::tr!(
                    "cert-none-in-slot",
                    slot = format!("{:02X}", key.0)
                ));
            };
            let bytes = match args.format {
                Format::Pem => pem_encode("CERTIFICATE", &der).into_bytes(),
                Format::Der => der,
            };
            match (&args.out, args.format) {
                (Some(path), _) => std::fs::write(path, &bytes).with_context(|| {
                    crate::tr!("cmd-cannot-write-file", path = path.display().to_string())
                })?,
                (None, Format::Pem) => print!("{}", String::from_utf8_lossy(&bytes)),
                (None, Format::Der) => bail!(crate::tr!("cmd-cert-der-needs-out")),
            }
            Ok(())
        }
    }
}
