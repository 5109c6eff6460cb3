//! The `sello-ca` command line (its binary is `src/bin/sello-ca.rs`).

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

/// The clap definition of `sello-ca` (for man pages and shell completions).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Local test CA for Sello: issues natural-person certificates over EST. NOT FOR PRODUCTION.
#[derive(Parser)]
#[command(name = "sello-ca", version = crate::LONG_VERSION)]
pub struct Cli {
    #[command(subcommand)]
    /// The command.
    pub command: Command,
}

/// `sello-ca` commands.
#[derive(Subcommand)]
pub enum Command {
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
        issuing_key: super::config::IssuingKey,
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
