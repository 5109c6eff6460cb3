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
        .context("the operating system's random generator failed")?;
    let mut text = Zeroizing::new(hex::encode(raw.as_ref()));
    text.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    if json {
        println!("{}", serde_json::json!({ "file": args.out, "bytes": 32 }));
    } else {
        println!(
            "Wrote a new operator master secret to {} (mode 0600). Keep a copy offline: \
             cards' management keys cannot be recovered without it.",
            args.out.display()
        );
    }
    Ok(())
}
