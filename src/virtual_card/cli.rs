//! `sello-vcard`: serve a virtual PIV card to pcscd through vpcd, or run a command in a sandbox
//! (a private pcscd with factory cards).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};

use super::rig::{Rig, RigOptions, SOCKET_ENV};
use super::{vpcd, CardState, Compat, VirtualCard};
use crate::tr;

#[derive(Parser)]
#[command(name = "sello-vcard", version = crate::LONG_VERSION)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:35963")]
    vpcd: String,
    #[arg(long)]
    state: Option<PathBuf>,
    #[arg(long)]
    serial: Option<u32>,
    #[arg(long)]
    atr: Option<String>,
    #[arg(long)]
    ready_file: Option<PathBuf>,
    #[arg(long, value_enum)]
    fault: Option<super::Fault>,
    #[arg(long, value_enum, default_value_t = Compat::Yubikey57)]
    compat: Compat,
}

#[derive(Subcommand)]
enum Sub {
    Sandbox {
        #[arg(long, default_value_t = 1)]
        cards: usize,
        #[arg(long = "state")]
        states: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Compat::Yubikey57)]
        compat: Compat,
        #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
        command: Vec<OsString>,
    },
}

/// The clap definition of `sello-vcard` in the current language (for man pages and shell
/// completions), as the binary parses its command line with it.
pub fn command() -> clap::Command {
    crate::i18n::help::localize(definition())
}

/// The clap definition of `sello-vcard` before [`crate::i18n::help::localize`] puts its texts in
/// (with the warning after its help).
pub fn definition() -> clap::Command {
    <Cli as clap::CommandFactory>::command().after_help(crate::tr!("help-sello-vcard-after"))
}

/// Entry point of the `sello-vcard` binary: runs [`run`] and prints the error chain once, in the
/// operator's language (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub fn cli_main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "sello-vcard: {}",
                tr!("vcard-error", error = format!("{e:#}"))
            );
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line and runs it.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli: Cli = crate::i18n::help::parse(definition);
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
        .with_context(|| tr!("vcard-atr-not-hex"))?;
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
    // The mode as `--compat` names it.
    let compat = args
        .compat
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    let line = match &args.state {
        Some(path) => tr!(
            "vcard-serving",
            serial = card.state().serial.to_string(),
            compat = compat,
            path = path.display().to_string()
        ),
        None => tr!(
            "vcard-serving-in-memory",
            serial = card.state().serial.to_string(),
            compat = compat
        ),
    };
    eprintln!("sello-vcard: {line}");
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
        bail!(tr!("vcard-sandbox-needs-command"));
    };
    let exe = std::env::current_exe().with_context(|| tr!("vcard-locate-self"))?;
    let mut opts = RigOptions::new(exe).cards(cards);
    opts.state_files = states;
    opts.compat = compat;
    let rig = Rig::start(opts).with_context(|| tr!("vcard-sandbox-start"))?;
    for i in 0..rig.card_count() {
        eprintln!(
            "sello-vcard sandbox: {}",
            tr!(
                "vcard-sandbox-card",
                index = i,
                reader = rig.reader_name(i).unwrap_or_default()
            )
        );
    }
    // Scripts read the variable from this line: `NAME=value` stays whole and untranslated.
    let setting = format!("{SOCKET_ENV}={}", rig.socket_path().display());
    eprintln!(
        "sello-vcard sandbox: {}",
        tr!("vcard-sandbox-socket", setting = setting)
    );
    let status = rig.command(program).args(args).status().with_context(|| {
        tr!(
            "vcard-sandbox-run",
            program = program.to_string_lossy().into_owned()
        )
    })?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
