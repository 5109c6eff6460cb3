//! The `sello-ca` command line (its binary is `src/bin/sello-ca.rs`).

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

/// The clap definition of `sello-ca` in the current language (for man pages and shell
/// completions), as the binary parses its command line with it.
pub fn command() -> clap::Command {
    crate::i18n::help::localize(Cli::command())
}

/// Parses the process's command line (help and usage errors in the user's language).
pub fn parse() -> Cli {
    crate::i18n::help::parse(Cli::command)
}

/// The `sello-ca` command line (help texts: `help-sello-ca-*` in `locales/*/help.ftl`).
// The help of each command and argument is its message in locales/*/help.ftl (help-sello-ca-*):
// a doc comment here would be a second English text, which clap would read as the help.
#[allow(missing_docs)]
#[derive(Parser)]
#[command(name = "sello-ca", version = crate::LONG_VERSION)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// `sello-ca` commands.
// Texts: help-sello-ca-* in locales/*/help.ftl, as for `Cli`.
#[allow(missing_docs)]
#[derive(Subcommand)]
pub enum Command {
    Init {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
        #[arg(long, default_value = "127.0.0.1:8080")]
        crl_listen: String,
        #[arg(long)]
        crl_url: Option<String>,
        #[arg(long, value_enum, default_value = "ecdsa-p384")]
        issuing_key: super::config::IssuingKey,
    },
    Serve {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        listen: Option<String>,
        #[arg(long)]
        crl_listen: Option<String>,
    },
    EnrollCode {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        nif: String,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        surnames: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        valid_days: Option<u32>,
    },
    Revoke {
        #[arg(long)]
        dir: PathBuf,
        serial: String,
        #[arg(long, default_value = "unspecified")]
        reason: String,
    },
    List {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
}
