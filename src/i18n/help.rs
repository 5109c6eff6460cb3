//! clap's help and usage errors in the user's language.
//!
//! The clap definitions of `sello`, `sellod`, `sello-ca` and `sello-vcard` carry no text: every
//! command's description and every argument's help, English included, is a message of
//! `locales/*/help.ftl` whose id is the command path: `help-sello-activate` describes
//! `sello activate`, `help-sello-activate-nif` its `--nif`, `help-sello-vcard-compat-piv-plain` one
//! described value of `sello-vcard --compat`. [`localize`] puts those messages into a clap tree,
//! with clap's own words (the section headings, `-h`, `-V`, the `help` command, the default,
//! environment and possible-value notes) from the same files, through clap's API: help templates,
//! the texts of clap's built-in arguments, `hide_*` notes replaced by our own. [`parse`] parses a
//! command line with that tree and prints usage errors in the same language (exit status 2, as
//! clap's own), keeping clap's suggestions; the kinds of error it does not know keep clap's
//! English rendering.
//!
//! `tests/i18n_catalog.rs` walks every binary's tree with [`ids`]: each command, argument and
//! described value has its message in every language, and no `help-` message is left over.

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::builder::{Resettable, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command, FromArgMatches};

use crate::tr;

/// Looks a help text up: the message id, and what it describes ("sello activate --nif") when
/// this is the place that defines it (`None` for copies: global arguments propagated to
/// subcommands, the `help` command's copy of the tree).
type Lookup<'a> = dyn FnMut(&str, Option<&str>) -> String + 'a;

/// `cmd` (fresh from `CommandFactory::command()`) with every text in the current language, built
/// (clap's `-h`, `-V` and `help` exist, and are translated too) and named after itself.
pub fn localize(cmd: Command) -> Command {
    localize_with(cmd, Notes::Ours, &mut |id, _| super::message(id, None))
}

/// [`localize`] for `clap_mangen`, whose section headings and notes (default, environment,
/// possible values, laid out as roff lists) are its own English words: only the descriptions
/// and help texts are put in, so call it in English.
pub fn localize_for_man(cmd: Command) -> Command {
    localize_with(cmd, Notes::Clap, &mut |id, _| super::message(id, None))
}

/// Who writes the notes after an argument's help (default, environment, possible values).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notes {
    /// This module, in the current language.
    Ours,
    /// clap (or clap_mangen), in English.
    Clap,
}

/// Every help message id [`localize`] looks up for `cmd`'s own commands, arguments and
/// described values, each with what it describes (`"sello activate --nif"`), in tree order.
/// `cmd` is a definition as `CommandFactory::command()` gives it, not a localized tree (whose
/// notes are already ours). clap's own words are not listed: their ids are literal `tr!` calls
/// in this module.
pub fn ids(cmd: Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    localize_with(cmd, Notes::Ours, &mut |id, what| {
        if let Some(what) = what {
            out.push((id.to_owned(), what.to_owned()));
        }
        id.to_owned()
    });
    out
}

fn localize_with(cmd: Command, notes: Notes, lookup: &mut Lookup<'_>) -> Command {
    let name = cmd.get_name().to_owned();
    let mut cmd = cmd.bin_name(&name);
    cmd.build();
    walk(cmd, &[name], &[], notes, lookup)
}

/// The message id of a command: `help-` and its path (`help-sello-pin-change`).
fn command_id(path: &[String]) -> String {
    format!("help-{}", path.join("-"))
}

/// Fluent ids allow letters, digits, `-` and `_`; names (`pin_stdin`, `yubikey-5.7`) become
/// lower-case words joined by `-`.
fn id_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// How an argument is written on the command line: `--nif`, `-v`, or `<SERIAL>`.
fn shown(arg: &Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(l), _) => format!("--{l}"),
        (None, Some(s)) => format!("-{s}"),
        (None, None) => format!("<{}>", arg.get_id()),
    }
}

fn is_builtin(arg: &Arg) -> bool {
    matches!(
        arg.get_action(),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
    )
}

/// Localizes one (built) command and its subcommands. `inherited`: the global arguments of the
/// ancestors, with their message ids.
fn walk(
    cmd: Command,
    path: &[String],
    inherited: &[(String, String)],
    notes: Notes,
    lookup: &mut Lookup<'_>,
) -> Command {
    let id = command_id(path);
    let what = path.join(" ");
    let mut cmd = cmd
        .about(lookup(&id, Some(&what)))
        .long_about(Resettable::Reset);
    let mut globals = inherited.to_vec();
    for a in cmd.get_arguments() {
        let arg_id = a.get_id().as_str();
        if a.is_global_set() && !inherited.iter().any(|(g, _)| g == arg_id) {
            globals.push((arg_id.to_owned(), format!("{id}-{}", id_part(arg_id))));
        }
    }
    cmd = cmd.mut_args(|a| {
        if is_builtin(&a) {
            return a;
        }
        match inherited.iter().find(|(g, _)| g == a.get_id().as_str()) {
            Some((_, msg)) => {
                let text = lookup(msg, None);
                match notes {
                    Notes::Ours => annotate(a, text, msg, None, lookup),
                    Notes::Clap => a.help(text).long_help(Resettable::Reset),
                }
            }
            None => {
                let msg = format!("{id}-{}", id_part(a.get_id().as_str()));
                let arg_what = format!("{what} {}", shown(&a));
                let text = lookup(&msg, Some(&arg_what));
                match notes {
                    Notes::Ours => annotate(a, text, &msg, Some(&arg_what), lookup),
                    Notes::Clap => a.help(text).long_help(Resettable::Reset),
                }
            }
        }
    });
    cmd = builtin_args(cmd);
    let has_help_command = !cmd.is_disable_help_subcommand_set();
    cmd = cmd.mut_subcommands(|sc| {
        if has_help_command && sc.get_name() == "help" {
            help_command(sc, path, lookup)
        } else {
            let mut sub = path.to_vec();
            sub.push(sc.get_name().to_owned());
            walk(sc, &sub, &globals, notes, lookup)
        }
    });
    let template = template(&cmd);
    cmd.help_template(template)
}

/// The help of one argument: its text, then clap's notes (environment variable, default,
/// possible values) in the current language; clap's own English notes are hidden. Values
/// described in the clap definition get their description from `help-…-<value>`.
fn annotate(arg: Arg, text: String, msg: &str, what: Option<&str>, lookup: &mut Lookup<'_>) -> Arg {
    let takes_values = arg.get_action().takes_values();
    let mut notes: Vec<String> = Vec::new();
    // The variable's name only: its current value is the user's setting, not help.
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(tr!(
            "help-clap-env",
            name = env.to_string_lossy().into_owned()
        ));
    }
    let defaults = arg.get_default_values();
    if takes_values && !arg.is_hide_default_value_set() && !defaults.is_empty() {
        let value = defaults
            .iter()
            .map(|d| d.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ");
        notes.push(tr!("help-clap-default", value = value));
    }
    let mut values_long = None;
    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    if takes_values && !arg.is_hide_possible_values_set() && !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        notes.push(tr!("help-clap-possible-values", values = names.join(", ")));
        if values.iter().any(|v| v.get_help().is_some()) {
            let mut list = tr!("help-clap-possible-values-heading");
            for v in &values {
                let value_id = format!("{msg}-{}", id_part(v.get_name()));
                let value_what = what.map(|w| format!("{w}={}", v.get_name()));
                let described = lookup(&value_id, value_what.as_deref());
                let _ = write!(list, "\n- {}: {described}", v.get_name());
            }
            values_long = Some(list);
        }
    }
    let short = std::iter::once(text.clone())
        .chain(notes.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let long = values_long.map(|list| {
        let other = &notes[..notes.len() - 1];
        let mut long = format!("{text}\n\n{list}");
        if !other.is_empty() {
            let _ = write!(long, "\n\n{}", other.join("\n"));
        }
        long
    });
    arg.help(short)
        .long_help(long.map_or(Resettable::Reset, |l| Resettable::Value(l.into())))
        .hide_env(true)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// clap's `-h/--help` and `-V/--version` in the current language. `-h` says "see more with
/// --help" when `--help` shows more, as clap's own does.
fn builtin_args(cmd: Command) -> Command {
    let longer = cmd.get_long_about().is_some()
        || cmd.get_before_long_help().is_some()
        || cmd.get_after_long_help().is_some()
        || cmd
            .get_arguments()
            .any(|a| !a.is_hide_set() && !is_builtin(a) && longer_help(a));
    cmd.mut_args(|a| match a.get_action() {
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong if longer => a
            .help(tr!("help-clap-help-flag-more"))
            .long_help(tr!("help-clap-help-flag-summary")),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong => a
            .help(tr!("help-clap-help-flag"))
            .long_help(Resettable::Reset),
        ArgAction::Version => a.help(tr!("help-clap-version-flag")),
        _ => a,
    })
}

/// Whether `--help` shows more of `arg` than `-h` (clap's rule): a long help, or described
/// possible values that clap lists itself.
fn longer_help(arg: &Arg) -> bool {
    arg.get_long_help().is_some()
        || (!arg.is_hide_possible_values_set()
            && arg
                .get_possible_values()
                .iter()
                .any(|v| !v.is_hide_set() && v.get_help().is_some()))
}

/// clap's `help` command, and its copy of the tree under it (which shell completions use): each
/// copy carries the description of the command it stands for (`path` names that command).
fn help_command(sc: Command, path: &[String], lookup: &mut Lookup<'_>) -> Command {
    let about = if sc.get_name() == "help" {
        tr!("help-clap-help-command")
    } else {
        lookup(&command_id(path), None)
    };
    let sc = sc
        .about(about)
        .mut_args(|a| {
            if is_builtin(&a) {
                a
            } else {
                a.help(tr!("help-clap-help-command-arg"))
            }
        })
        .mut_subcommands(|s| {
            let mut sub = path.to_vec();
            sub.push(s.get_name().to_owned());
            help_command(s, &sub, lookup)
        });
    let sc = builtin_args(sc);
    let template = template(&sc);
    sc.help_template(template)
}

/// clap's default help layout, with the headings in the current language; a section only when
/// it has something to show.
fn template(cmd: &Command) -> StyledStr {
    let styles = cmd.get_styles();
    let (usage, header) = (styles.get_usage(), styles.get_header());
    let mut t = StyledStr::new();
    let _ = write!(
        t,
        "{{before-help}}{{about-with-newline}}\n{usage}{}{usage:#} {{usage}}",
        tr!("help-clap-usage")
    );
    if cmd.get_subcommands().any(|c| !c.is_hide_set()) {
        let _ = write!(
            t,
            "\n\n{header}{}{header:#}\n{{subcommands}}",
            tr!("help-clap-commands")
        );
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        let _ = write!(
            t,
            "\n\n{header}{}{header:#}\n{{positionals}}",
            tr!("help-clap-arguments")
        );
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        let _ = write!(
            t,
            "\n\n{header}{}{header:#}\n{{options}}",
            tr!("help-clap-options")
        );
    }
    t.push_str("{after-help}");
    t
}

/// The value of `--lang X` or `--lang=X` anywhere before `--`: the language must be known before
/// clap parses, so that its help and errors come out in it.
pub fn lang_arg(args: &[OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    let mut found = None;
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            found = it.next().map(|v| v.into_owned());
        } else if let Some(v) = a.strip_prefix("--lang=") {
            found = Some(v.to_owned());
        }
    }
    found
}

/// Parses the process's command line with the localized tree of `raw` (a
/// `CommandFactory::command`), like clap's `Parser::parse`: help and version go to standard
/// output with exit status 0, usage errors to standard error with status 2, in the current
/// language.
pub fn parse<T: FromArgMatches>(raw: fn() -> Command) -> T {
    parse_from(raw, std::env::args_os().collect())
}

/// [`parse`] with the given command line (`args[0]` is the program).
pub fn parse_from<T: FromArgMatches>(raw: fn() -> Command, args: Vec<OsString>) -> T {
    match try_parse_from(raw, &args) {
        Ok(v) => v,
        Err(e) => e.exit(),
    }
}

/// A parse that failed, or asked for help or the version: [`Failure::exit`] prints it as clap
/// would, in the current language where this module knows the kind of error.
#[derive(Debug)]
pub enum Failure {
    /// A usage error this module renders (unknown argument or subcommand, invalid or missing
    /// value, missing argument or subcommand, conflict).
    Localized(clap::error::Error<Localized>),
    /// Help, version, and the kinds of error clap renders itself.
    Clap(clap::Error),
}

impl Failure {
    /// The error kind (as clap's).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Failure::Localized(e) => e.kind(),
            Failure::Clap(e) => e.kind(),
        }
    }

    /// The text clap prints (help, version or error).
    pub fn render(&self) -> String {
        match self {
            Failure::Localized(e) => e.render().to_string(),
            Failure::Clap(e) => e.render().to_string(),
        }
    }

    /// Prints the text and exits: status 0 for help and version, 2 for usage errors.
    pub fn exit(&self) -> ! {
        match self {
            Failure::Localized(e) => e.exit(),
            Failure::Clap(e) => e.exit(),
        }
    }
}

/// [`parse_from`] without exiting.
pub fn try_parse_from<T: FromArgMatches>(
    raw: fn() -> Command,
    args: &[OsString],
) -> Result<T, Failure> {
    let mut cmd = localize(raw());
    let e = match cmd.try_get_matches_from_mut(args) {
        Ok(m) => match T::from_arg_matches(&m) {
            Ok(v) => return Ok(v),
            Err(e) => e.format(&mut cmd),
        },
        Err(e) => e,
    };
    if message(&e).is_none() {
        return Err(Failure::Clap(e));
    }
    let mut e = e;
    // clap shows the usage with some kinds of error only; ours where it shows its own.
    if e.get(ContextKind::Usage).is_some() {
        match usage(&cmd, &failing_path(raw, args)) {
            Some(usage) => e.insert(ContextKind::Usage, ContextValue::StyledStr(usage)),
            None => e.remove(ContextKind::Usage),
        };
    }
    Err(Failure::Localized(e.apply()))
}

/// The subcommands the command line reached before it went wrong (`["pin", "change"]`), by
/// clap's own parser run again without stopping at errors.
fn failing_path(raw: fn() -> Command, args: &[OsString]) -> Vec<String> {
    let mut path = Vec::new();
    if let Ok(m) = raw().ignore_errors(true).try_get_matches_from(args) {
        let mut m = &m;
        while let Some((name, sub)) = m.subcommand() {
            path.push(name.to_owned());
            m = sub;
        }
    }
    path
}

/// "Usage: sello pin change [OPTIONS]" of the command at `path`, in the current language.
fn usage(cmd: &Command, path: &[String]) -> Option<StyledStr> {
    let mut at = cmd;
    for name in path {
        at = at.find_subcommand(name)?;
    }
    let style = at.get_styles().get_usage();
    let mut template = StyledStr::new();
    let _ = write!(
        template,
        "{style}{}{style:#} {{usage}}",
        tr!("help-clap-usage")
    );
    let text = at.clone().help_template(template).render_help();
    let text = text.ansi().to_string();
    Some(StyledStr::from(text.trim_end().to_owned()))
}

fn string<F: ErrorFormatter>(e: &clap::error::Error<F>, kind: ContextKind) -> Option<&str> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

fn strings<F: ErrorFormatter>(e: &clap::error::Error<F>, kind: ContextKind) -> Option<&[String]> {
    match e.get(kind) {
        Some(ContextValue::Strings(s)) => Some(s),
        _ => None,
    }
}

/// The first line(s) of a usage error in the current language; `None` for what this module
/// leaves to clap.
fn message<F: ErrorFormatter>(e: &clap::error::Error<F>) -> Option<String> {
    let arg = string(e, ContextKind::InvalidArg);
    let list = |items: &[String]| items.iter().map(|i| format!("\n  {i}")).collect::<String>();
    Some(match e.kind() {
        ErrorKind::UnknownArgument => tr!("help-clap-error-unknown-argument", arg = arg?),
        ErrorKind::InvalidSubcommand => tr!(
            "help-clap-error-unknown-subcommand",
            command = string(e, ContextKind::InvalidSubcommand)?
        ),
        ErrorKind::InvalidValue => {
            let value = string(e, ContextKind::InvalidValue)?;
            let mut m = if value.is_empty() {
                tr!("help-clap-error-value-missing", arg = arg?)
            } else {
                tr!("help-clap-error-invalid-value", arg = arg?, value = value)
            };
            if let Some(valid) = strings(e, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                let _ = write!(
                    m,
                    "\n  {}",
                    tr!("help-clap-possible-values", values = valid.join(", "))
                );
            }
            m
        }
        ErrorKind::ValueValidation => {
            let value = string(e, ContextKind::InvalidValue)?;
            let m = tr!("help-clap-error-invalid-value", arg = arg?, value = value);
            match std::error::Error::source(e) {
                Some(why) => format!("{m}: {why}"),
                None => m,
            }
        }
        ErrorKind::MissingRequiredArgument => {
            tr!("help-clap-error-missing-arguments") + &list(strings(e, ContextKind::InvalidArg)?)
        }
        ErrorKind::MissingSubcommand => {
            let mut m = tr!(
                "help-clap-error-missing-subcommand",
                command = string(e, ContextKind::InvalidSubcommand)?
            );
            if let Some(valid) = strings(e, ContextKind::ValidSubcommand) {
                let _ = write!(
                    m,
                    "\n  {}",
                    tr!("help-clap-error-subcommands", values = valid.join(", "))
                );
            }
            m
        }
        ErrorKind::ArgumentConflict => {
            let prior = e.get(ContextKind::PriorArg);
            match (arg, string(e, ContextKind::InvalidSubcommand), prior) {
                (Some(a), _, Some(ContextValue::String(p))) if a == p => {
                    tr!("help-clap-error-repeated", arg = a)
                }
                (Some(a), _, Some(ContextValue::String(p))) => {
                    tr!("help-clap-error-conflict", arg = a, other = p.as_str())
                }
                (Some(a), _, Some(ContextValue::Strings(p))) => {
                    tr!("help-clap-error-conflict-list", arg = a) + &list(p)
                }
                (Some(a), _, _) => tr!("help-clap-error-conflict-any", arg = a),
                (None, Some(s), Some(ContextValue::String(p))) => tr!(
                    "help-clap-error-subcommand-conflict",
                    command = s,
                    other = p.as_str()
                ),
                (None, Some(s), Some(ContextValue::Strings(p))) => {
                    tr!("help-clap-error-subcommand-conflict-list", command = s) + &list(p)
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// The names clap suggests (`SuggestedArg`, …), quoted, and how many there are.
fn suggested<F: ErrorFormatter>(
    e: &clap::error::Error<F>,
    kind: ContextKind,
) -> Option<(String, usize)> {
    let names: Vec<String> = match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(s)) if !s.is_empty() => s.clone(),
        _ => return None,
    };
    let quoted = names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>();
    Some((quoted.join(", "), names.len()))
}

/// clap's error layout (message, tips, usage, where to learn more) in the current language.
#[derive(Debug)]
pub struct Localized;

impl ErrorFormatter for Localized {
    fn format_error(e: &clap::error::Error<Self>) -> StyledStr {
        let styles = clap::builder::Styles::styled();
        let (error, valid) = (styles.get_error(), styles.get_valid());
        let mut out = StyledStr::new();
        let _ = write!(
            out,
            "{error}{}{error:#} {}",
            tr!("help-clap-error"),
            message(e).unwrap_or_default()
        );
        let mut tips: Vec<String> = Vec::new();
        if let Some((names, n)) = suggested(e, ContextKind::SuggestedSubcommand) {
            tips.push(tr!(
                "help-clap-tip-similar-command",
                names = names,
                count = n
            ));
        }
        if let Some((names, n)) = suggested(e, ContextKind::SuggestedArg) {
            tips.push(tr!(
                "help-clap-tip-similar-argument",
                names = names,
                count = n
            ));
        }
        if let Some((names, n)) = suggested(e, ContextKind::SuggestedValue) {
            tips.push(tr!("help-clap-tip-similar-value", names = names, count = n));
        }
        // clap's other tips are sentences of its own (`to pass '-x' as a value, use '-- -x'`):
        // shown as clap wrote them.
        if let Some(ContextValue::StyledStrs(more)) = e.get(ContextKind::Suggested) {
            tips.extend(more.iter().map(|s| s.ansi().to_string()));
        }
        if !tips.is_empty() {
            out.push_str("\n");
        }
        for tip in tips {
            let _ = write!(out, "\n  {valid}{}{valid:#} {tip}", tr!("help-clap-tip"));
        }
        if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
            out.push_str("\n\n");
            let _ = write!(out, "{}", usage.ansi());
        }
        let literal = styles.get_literal();
        let _ = write!(
            out,
            "\n\n{}\n",
            tr!(
                "help-clap-error-more",
                flag = format!("{literal}--help{literal:#}")
            )
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    use crate::cli::Cli;
    use crate::i18n::with_language;

    fn args(line: &[&str]) -> Vec<OsString> {
        line.iter().map(OsString::from).collect()
    }

    /// The kind and the text of a command line that does not parse, in `lang`.
    fn failure(lang: &str, line: &[&str]) -> (ErrorKind, String) {
        with_language(lang, || {
            match try_parse_from::<Cli>(Cli::command, &args(line)) {
                Ok(cli) => panic!("{line:?} parsed: {cli:?}"),
                Err(f) => (f.kind(), f.render()),
            }
        })
    }

    /// What clap itself prints for the same command line, from the bare definition.
    fn clap_own(line: &[&str]) -> String {
        match Cli::command().try_get_matches_from(args(line)) {
            Ok(_) => panic!("{line:?} parsed"),
            Err(e) => e.render().to_string(),
        }
    }

    #[test]
    fn lang_is_read_anywhere_before_the_double_dash() {
        let lang = |line: &[&str]| lang_arg(&args(line));
        assert_eq!(
            lang(&["sello", "pin", "--lang", "es", "status"]),
            Some("es".into())
        );
        assert_eq!(
            lang(&["sello", "--lang=ca-valencia", "readers"]),
            Some("ca-valencia".into())
        );
        assert_eq!(lang(&["sello", "--", "--lang", "es"]), None);
        assert_eq!(lang(&["sello", "--lang"]), None);
        assert_eq!(lang(&["sello", "readers"]), None);
    }

    #[test]
    fn english_usage_errors_are_clap_s_own_words() {
        for line in [
            &["sello", "activate", "--bogus"][..],
            &["sello", "re"],
            &["sello", "statsu"],
            &["sello", "cert", "export", "--slot", "9A", "--format", "xml"],
            &["sello", "profile", "show"],
            &["sello", "activate", "--local-ca", "x", "--est", "y"],
            &["sello", "renew", "--window-days"],
        ] {
            let (_, ours) = failure("en", line);
            let theirs = clap_own(line);
            // The usage line may differ: clap's names the arguments given or missing, ours is the
            // command's general usage; both are there or neither is.
            let parts = |text: &str| -> (Vec<String>, bool) {
                let all: Vec<String> = text.split("\n\n").map(str::to_owned).collect();
                let usage = all.iter().any(|p| p.starts_with("Usage: sello"));
                (
                    all.into_iter()
                        .filter(|p| !p.starts_with("Usage:"))
                        .collect(),
                    usage,
                )
            };
            assert_eq!(parts(&ours), parts(&theirs), "{line:?}:\n{ours}\n{theirs}");
        }
    }

    #[test]
    fn usage_errors_speak_the_language_and_keep_suggestions() {
        let (kind, es) = failure("es", &["sello", "activate", "--bogus"]);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(
            es.starts_with("error: no se esperaba el argumento «--bogus»"),
            "{es}"
        );
        assert!(es.contains("\nUso: sello activate [OPTIONS]"), "{es}");
        assert!(
            es.ends_with("Para más información, pruebe «--help».\n"),
            "{es}"
        );

        // Two suggestions: the plural.
        let (kind, va) = failure("ca-valencia", &["sello", "re"]);
        assert_eq!(kind, ErrorKind::InvalidSubcommand);
        assert!(va.contains("no existix l'ordre «re»"), "{va}");
        assert!(
            va.contains("consell: hi ha ordres semblants: 'readers', 'renew'"),
            "{va}"
        );
        let (_, es) = failure("es", &["sello", "statsu"]);
        assert!(
            es.contains("consejo: existe una orden parecida: 'status'"),
            "{es}"
        );

        let (kind, ca) = failure("ca", &["sello", "profile", "show"]);
        assert_eq!(kind, ErrorKind::MissingRequiredArgument);
        assert!(
            ca.contains("falten aquests arguments obligatoris:\n  <NAME>"),
            "{ca}"
        );
        assert!(
            ca.contains("Ús: sello profile show [OPTIONS] <NAME>"),
            "{ca}"
        );

        let (kind, es) = failure("es", &["sello", "cert", "export", "--format", "xml"]);
        assert_eq!(kind, ErrorKind::InvalidValue);
        assert!(
            es.contains("el valor «xml» no es válido para «--format <FORMAT>»"),
            "{es}"
        );
        assert!(es.contains("[valores posibles: pem, der]"), "{es}");

        let (kind, es) = failure(
            "es",
            &["sello", "activate", "--local-ca", "x", "--est", "y"],
        );
        assert_eq!(kind, ErrorKind::ArgumentConflict);
        assert!(
            es.contains("no se puede usar junto con «--est <EST>»"),
            "{es}"
        );
    }

    #[test]
    fn help_and_its_headings_speak_the_language() {
        let (kind, es) = failure("es", &["sello", "--help"]);
        assert_eq!(kind, ErrorKind::DisplayHelp);
        for needle in [
            "Uso: sello [OPTIONS] <COMMAND>",
            "\nÓrdenes:\n",
            "\nOpciones:\n",
            "Activa una tarjeta para su titular",
            "Muestra este mensaje o la ayuda de las órdenes indicadas",
            "Muestra la ayuda (un resumen con «-h»)",
            "Código de salida:\n  0  correcto\n",
            "  4  PIN o PUK incorrecto (quedan intentos)",
        ] {
            assert!(es.contains(needle), "{needle:?} not in:\n{es}");
        }
        for english in [
            "Usage:",
            "Commands:",
            "Options:",
            "Print help",
            "Exit status",
        ] {
            assert!(!es.contains(english), "{english:?} in:\n{es}");
        }
        // `help COMMAND` and the defaults, environment and argument notes.
        let (_, va) = failure("ca-valencia", &["sello", "help", "renew"]);
        assert!(va.contains("Ús: sello renew [OPTIONS]"), "{va}");
        assert!(va.contains("[valor per defecte: all]"), "{va}");
        assert!(va.contains("[variable d'entorn: SELLO_EST_URL]"), "{va}");
        assert!(va.contains("abans que caduquen"), "{va}");
        let (_, en) = failure("en", &["sello", "profile", "show", "-h"]);
        assert!(
            en.contains("Arguments:\n  <NAME>  The profile name"),
            "{en}"
        );
    }
}
