//! `sello-vcard`: serve a virtual PIV card to pcscd through vpcd, or run a command in a sandbox
//! (a private pcscd with factory cards).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};

use super::rig::{Rig, RigOptions};
use super::{vpcd, CardState, Compat, VirtualCard};

#[derive(Parser)]
#[command(
    name = "sello-vcard",
    version = crate::LONG_VERSION,
    about = "A virtual PIV card for pcscd (vsmartcard vpcd)",
    after_help = "For tests and training only: the state file holds the card's PIN, PUK, \
management key and private keys in the clear (hex in JSON). Keep it away from real secrets."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// vpcd address (host:port) to connect to.
    #[arg(long, default_value = "127.0.0.1:35963")]
    vpcd: String,
    /// State file (created with factory defaults if missing); without it the card forgets on exit.
    /// It holds PIN, PUK, management key and private keys IN THE CLEAR (test use only).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Serial number for a newly created card.
    #[arg(long)]
    serial: Option<u32>,
    /// ATR (hex) to answer with instead of the default (or the one in the state file).
    #[arg(long)]
    atr: Option<String>,
    /// File to create once pcscd has read the ATR (used by the test rig).
    #[arg(long)]
    ready_file: Option<PathBuf>,
    /// Misbehave on purpose, to test the host's checks: `repeat-key` answers key generation
    /// with a key another slot already holds.
    #[arg(long, value_enum)]
    fault: Option<super::Fault>,
    /// Behave like another PIV card of the field (docs/architecture.md, "Compatibility modes").
    #[arg(long, value_enum, default_value_t = Compat::Yubikey57)]
    compat: Compat,
}

#[derive(Subcommand)]
enum Sub {
    /// Start a private pcscd with factory virtual cards and run COMMAND against it.
    Sandbox {
        /// Number of cards (1 or 2).
        #[arg(long, default_value_t = 1)]
        cards: usize,
        /// Start card i from a copy of this state file (repeat for the second card).
        #[arg(long = "state")]
        states: Vec<PathBuf>,
        /// Behave like another PIV card of the field.
        #[arg(long, value_enum, default_value_t = Compat::Yubikey57)]
        compat: Compat,
        /// The command and its arguments.
        #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
        command: Vec<OsString>,
    },
}

/// The clap definition of `sello-vcard` (for man pages and shell completions).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Entry point of the `sello-vcard` binary: runs [`run`] and prints the error chain once.
pub fn cli_main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sello-vcard: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line and runs it.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Sub::Sandbox {
            cards,
            states,
            compat,
            command,
        }) => sandbox(cards.max(states.len()), states, compat, command),
        None => serve(cli.serve),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let atr = args
        .atr
        .as_deref()
        .map(|h| hex::decode(h.replace([' ', ':'], "")))
        .transpose()
        .context("--atr is not hex")?;
    let make = || {
        let mut state = CardState::factory(args.serial.unwrap_or(10_000_001));
        state.atr = atr.clone();
        let tries = args.compat.factory_retries();
        for r in [&mut state.pin, &mut state.puk] {
            r.max_retries = tries;
            r.retries_left = tries;
        }
        state
    };
    let mut card = match &args.state {
        Some(path) => VirtualCard::open_or_create(path, make)?,
        None => VirtualCard::new(make()),
    };
    if atr.is_some() {
        card.set_atr(atr);
    }
    card.set_fault(args.fault);
    card.set_compat(args.compat);
    eprintln!(
        "sello-vcard: serial {}, {:?}, state {}",
        card.state().serial,
        args.compat,
        args.state
            .as_ref()
            .map_or("(memory)".into(), |p| p.display().to_string())
    );
    vpcd::serve_forever(&mut card, &args.vpcd, args.ready_file.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn sandbox(
    cards: usize,
    states: Vec<PathBuf>,
    compat: Compat,
    command: Vec<OsString>,
) -> anyhow::Result<ExitCode> {
    let Some((program, args)) = command.split_first() else {
        bail!("sandbox needs a command to run");
    };
    let exe = std::env::current_exe().context("locating sello-vcard")?;
    let mut opts = RigOptions::new(exe).cards(cards);
    opts.state_files = states;
    opts.compat = compat;
    let rig = Rig::start(opts).context("starting the sandbox rig")?;
    for i in 0..rig.card_count() {
        eprintln!(
            "sello-vcard sandbox: card {} in \"{}\"",
            i,
            rig.reader_name(i).unwrap_or_default()
        );
    }
    eprintln!(
        "sello-vcard sandbox: PCSCLITE_CSOCK_NAME={}",
        rig.socket_path().display()
    );
    let status = rig
        .command(program)
        .args(args)
        .status()
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
