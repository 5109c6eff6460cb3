//! The `sello` command line: readers, card status and PIN care, human output by default and
//! `--json` for scripts. PINs come from the terminal (no echo) or `--pin-stdin`, never from argv.

mod activate;
mod browser;
mod cert;
mod doctor;
mod exit;
mod input;
mod mgmt_secret;
mod output;
mod profile;
#[cfg(feature = "est-client")]
mod renew;
mod watch;

use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::card::{self, CardDriver, CardError};
use crate::pin::{Pin, Puk};
use crate::tr;
use crate::transport::{self, trace::Sink, Transport};

pub use exit::Exit;
pub use input::{Secret, SecretSource};

/// The `sello` command line. Its help texts are messages of `locales/*/help.ftl`
/// ([`crate::i18n::help`]), looked up by command path.
#[derive(Debug, Parser)]
#[command(
    name = "sello",
    version = crate::LONG_VERSION,
    propagate_version = true,
    after_long_help = exit_table()
)]
pub struct Cli {
    #[arg(short, long, global = true)]
    verbose: bool,
    #[arg(long, global = true)]
    json: bool,
    // Read before parsing (clap's help and errors speak the language too): see `main`.
    #[arg(id = "lang", long = "lang", global = true, value_name = "LANG")]
    _lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Readers,
    Status(CardArgs),
    #[command(subcommand)]
    Pin(PinCommand),
    #[command(subcommand)]
    Profile(profile::ProfileCommand),
    Activate(Box<activate::ActivateArgs>),
    #[cfg(feature = "est-client")]
    Renew(Box<renew::RenewArgs>),
    #[command(subcommand)]
    Cert(cert::CertCommand),
    #[command(subcommand)]
    Browser(browser::BrowserCommand),
    Doctor(doctor::DoctorArgs),
    Watch(watch::WatchArgs),
    #[command(subcommand)]
    MgmtSecret(mgmt_secret::MgmtSecretCommand),
}

/// An error whose message the command has already printed (its output says what failed); only
/// the exit status remains to be set.
#[derive(Debug, thiserror::Error)]
#[error("{}", tr!("cmd-reported"))]
struct Reported(Exit);

/// No reader, or no card in any reader: exit status [`Exit::NoCard`].
#[derive(Debug)]
enum NoCard {
    NoReader,
    NoCardInserted,
}

impl std::fmt::Display for NoCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::NoReader => tr!("cli-no-reader"),
            Self::NoCardInserted => tr!("cli-no-card"),
        })
    }
}

impl std::error::Error for NoCard {}

/// A key's purpose for people ("autenticación"), from its profile keyword ("authentication"):
/// the JSON keeps the keyword.
fn purpose_label(keyword: &str) -> String {
    tr!("cli-purpose", purpose = keyword)
}

fn exit_table() -> clap::builder::StyledStr {
    Exit::table().into()
}

/// The clap definition of `sello` in the current language (for man pages and shell completions),
/// as the binary parses its command line with it.
pub fn command() -> clap::Command {
    crate::i18n::help::localize(Cli::command())
}

#[derive(Debug, Subcommand)]
enum PinCommand {
    Status(CardArgs),
    Change(SecretArgs),
    Unblock(SecretArgs),
}

#[derive(Debug, Args)]
struct CardArgs {
    #[arg(short, long, env = "SELLO_READER")]
    reader: Option<String>,
}

#[derive(Debug, Args)]
struct SecretArgs {
    #[command(flatten)]
    card: CardArgs,
    #[arg(long)]
    pin_stdin: bool,
}

/// Entry point of the `sello` binary: parses the command line, runs it, prints the error chain once.
pub fn main() -> ExitCode {
    if let Err(e) = crate::pin::forbid_core_dumps() {
        eprintln!("sello: {}", tr!("cmd-core-dumps", error = e.to_string()));
        return ExitCode::FAILURE;
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language first: clap's help and usage errors are shown in it.
    if let Some(lang) = crate::i18n::help::lang_arg(&args) {
        if let Err(e) = crate::i18n::set_language(&lang) {
            // A usage error, like any other bad argument.
            eprintln!("sello: --lang: {e}");
            return Exit::Usage.into();
        }
    }
    let cli: Cli = crate::i18n::help::parse_from(Cli::command, args);
    let json = cli.json;
    match run(cli) {
        Ok(()) => Exit::Ok.into(),
        Err(e) if e.is::<Reported>() => Exit::of(&e).into(),
        Err(e) => {
            if json {
                println!("{}", output::error_json(&e));
            } else {
                eprintln!("sello: {}", output::error_chain(&e));
            }
            Exit::of(&e).into()
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Ctx {
        verbose: cli.verbose,
        json: cli.json,
    };
    match cli.command {
        Command::Readers => readers(&ctx),
        Command::Status(args) => status(&ctx, &args),
        Command::Pin(PinCommand::Status(args)) => pin_status(&ctx, &args),
        Command::Pin(PinCommand::Change(args)) => pin_change(&ctx, &args),
        Command::Pin(PinCommand::Unblock(args)) => pin_unblock(&ctx, &args),
        Command::Profile(cmd) => profile::run(ctx.json, &cmd),
        Command::Activate(args) => activate::run(&ctx, &args),
        #[cfg(feature = "est-client")]
        Command::Renew(args) => renew::run(&ctx, &args),
        Command::Cert(cmd) => cert::run(&ctx, &cmd),
        Command::Browser(cmd) => browser::run(ctx.json, &cmd),
        Command::Doctor(args) => doctor::run(ctx.json, &args),
        Command::Watch(args) => watch::run(&ctx, &args),
        Command::MgmtSecret(cmd) => mgmt_secret::run(ctx.json, &cmd),
    }
}

struct Ctx {
    verbose: bool,
    json: bool,
}

impl Ctx {
    fn open(&self, args: &CardArgs) -> anyhow::Result<Box<dyn CardDriver>> {
        let reader = choose_reader(args.reader.as_deref())?;
        let transport = Transport::open_pcsc(&reader)
            .with_context(|| tr!("cli-cannot-connect", reader = reader.as_str()))?;
        if self.verbose {
            transport
                .tracer()
                .set_sink(Some(Box::new(std::io::stderr()) as Sink));
        }
        card::open(transport).with_context(|| tr!("cli-cannot-use-card", reader = reader.as_str()))
    }
}

/// Picks the reader: the named one (exact name, or a unique substring), else the only reader
/// holding a card.
fn choose_reader(wanted: Option<&str>) -> anyhow::Result<String> {
    let readers =
        transport::pcsc::list_readers().with_context(|| tr!("cli-cannot-list-readers"))?;
    if readers.is_empty() {
        return Err(NoCard::NoReader.into());
    }
    if let Some(w) = wanted {
        if let Some(r) = readers.iter().find(|r| r.name == w) {
            return Ok(r.name.clone());
        }
        let matches: Vec<_> = readers.iter().filter(|r| r.name.contains(w)).collect();
        return match matches.as_slice() {
            [one] => Ok(one.name.clone()),
            [] => bail!(tr!("cli-no-reader-named", wanted = w)),
            _ => bail!(tr!("cli-several-readers-match", wanted = w)),
        };
    }
    let with_card: Vec<_> = readers.iter().filter(|r| r.card_present).collect();
    match with_card.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(NoCard::NoCardInserted.into()),
        _ => bail!(tr!("cli-cards-in-several-readers")),
    }
}

fn readers(ctx: &Ctx) -> anyhow::Result<()> {
    let readers =
        transport::pcsc::list_readers().with_context(|| tr!("cli-cannot-list-readers"))?;
    output::readers(ctx.json, &readers);
    Ok(())
}

fn status(ctx: &Ctx, args: &CardArgs) -> anyhow::Result<()> {
    let mut card = ctx.open(args)?;
    let info = card.info()?;
    let slots = card.key_slots()?;
    let pins = card.pin_status()?;
    let now = time_now();
    let revocation = revocation_of(slots.iter().map(|s| s.certificate.as_deref()), now);
    output::status(ctx.json, &info, &slots, &pins, &revocation, now);
    Ok(())
}

/// Each certificate's revocation status against the trusted CA certificates (`SELLO_CA_DIR`,
/// default `/etc/sello/ca`): one line for people and its JSON.
#[cfg(feature = "est-client")]
fn revocation_of<'a>(
    certs: impl Iterator<Item = Option<&'a [u8]>>,
    now: i64,
) -> Vec<Option<output::Revocation>> {
    let dir = std::env::var_os("SELLO_CA_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/etc/sello/ca".into());
    let anchors = crate::doctor::chain::load_anchors(&dir, &[]);
    let checker = crate::enroll::revocation::Checker::new(now);
    certs
        .map(|c| {
            c.map(|der| {
                let st = checker.status(der, &anchors.certs);
                output::Revocation {
                    line: st.describe(),
                    json: st.to_json(),
                }
            })
        })
        .collect()
}

#[cfg(not(feature = "est-client"))]
fn revocation_of<'a>(
    certs: impl Iterator<Item = Option<&'a [u8]>>,
    _: i64,
) -> Vec<Option<output::Revocation>> {
    certs.map(|_| None).collect()
}

fn pin_status(ctx: &Ctx, args: &CardArgs) -> anyhow::Result<()> {
    let mut card = ctx.open(args)?;
    let pins = card.pin_status()?;
    output::pin_status(ctx.json, &pins);
    Ok(())
}

fn pin_change(ctx: &Ctx, args: &SecretArgs) -> anyhow::Result<()> {
    let mut card = ctx.open(&args.card)?;
    let pins = card.pin_status()?;
    if pins.pin_blocked() {
        return Err(CardError::PinBlocked.into());
    }
    let info = card.info()?;
    let mut src = SecretSource::from_flag(args.pin_stdin);
    let old =
        Pin::new(&src.read(Secret::CurrentPin)?).with_context(|| tr!("cli-current-pin-invalid"))?;
    let new = new_pin(&info, &src.read_new(Secret::NewPin)?)?;
    card.change_pin(&old, &new)?;
    output::done(ctx.json, "pin-change", &crate::tr!("pin-changed"));
    Ok(())
}

fn pin_unblock(ctx: &Ctx, args: &SecretArgs) -> anyhow::Result<()> {
    let mut card = ctx.open(&args.card)?;
    let pins = card.pin_status()?;
    if pins.puk_blocked() {
        return Err(CardError::PukBlocked.into());
    }
    let info = card.info()?;
    let mut src = SecretSource::from_flag(args.pin_stdin);
    let puk = Puk::new(&src.read(Secret::Puk)?).with_context(|| tr!("cli-puk-invalid"))?;
    let new = new_pin(&info, &src.read_new(Secret::NewPin)?)?;
    card.unblock_pin(&puk, &new)?;
    output::done(ctx.json, "pin-unblock", &crate::tr!("pin-unblocked"));
    Ok(())
}

/// A new PIN as the holder typed it, checked before the card sees it: the PIN rule of the card's
/// profile (as at activation), then PIV's own rule.
fn new_pin(info: &crate::card::CardInfo, typed: &str) -> anyhow::Result<Pin> {
    if let Some(rule) = crate::profile::pin_rule_for(info.driver, &info.atr) {
        rule.check(crate::profile::SecretName::NewPin, typed)
            .map_err(|why| anyhow::anyhow!(tr!("cli-new-pin-rule", why = why.to_string())))?;
    }
    Pin::new(typed).with_context(|| tr!("cli-new-pin-invalid"))
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::purpose_label;
    use crate::i18n::with_language;

    #[test]
    fn purposes_are_named_in_the_language_and_unknown_keywords_pass_through() {
        assert_eq!(
            with_language("es", || purpose_label("authentication")),
            "autenticación"
        );
        assert_eq!(
            with_language("ca-valencia", || purpose_label("signature")),
            "signatura"
        );
        assert_eq!(
            with_language("en", || purpose_label("encryption")),
            "encryption"
        );
        assert_eq!(with_language("es", || purpose_label("other")), "other");
    }
}
