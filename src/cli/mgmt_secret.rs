//! `sello mgmt-secret generate --out FILE`: a new operator master secret (the input from which
//! every card's management key is derived, `derived` profiles): 32 bytes from the operating
//! system's generator, written as 64 hex digits in a new file of mode 0600.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use rand_core::RngCore;
use zeroize::Zeroizing;

use crate::tr;

// `sello mgmt-secret ...` (help texts: help-sello-mgmt-secret-* in locales/*/help.ftl).
#[derive(Debug, Subcommand)]
pub enum MgmtSecretCommand {
    Generate(GenerateArgs),
}

// `sello mgmt-secret generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long)]
    out: PathBuf,
}

/// Runs the command.
pub fn run(json: bool, cmd: &MgmtSecretCommand) -> anyhow::Result<()> {
    let MgmtSecretCommand::Generate(args) = cmd;
    let mut raw = Zeroizing::new([0u8; 32]);
    rand_core::OsRng
        .try_fill_bytes(raw.as_mut())
        .with_context(|| tr!("cmd-mgmt-secret-rng-failed"))?;
    let mut text = Zeroizing::new(hex::encode(raw.as_ref()));
    text.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&args.out)
        .with_context(|| {
            tr!(
                "cmd-cannot-create-file",
                path = args.out.display().to_string()
            )
        })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| {
            tr!(
                "cmd-cannot-write-file",
                path = args.out.display().to_string()
            )
        })?;
    if json {
        println!("{}", serde_json::json!({ "file": args.out, "bytes": 32 }));
    } else {
        println!(
            "{}",
            tr!(
                "cmd-mgmt-secret-written",
                path = args.out.display().to_string()
            )
        );
    }
    Ok(())
}
