//! Messages for people in the holder's language: English, Spanish (`es`), Catalan (`ca`) and
//! Valencian (`ca-valencia`, which overrides only what differs from `ca`).
//!
//! The messages are Project Fluent files under `locales/<tag>/*.ftl`, embedded in the binary (an
//! installed `sello`, `sellod` or `libsello.so` needs no data path). The language comes from
//! `--lang` ([`set_language`]), else from `LC_ALL`, `LC_MESSAGES` and `LANG` (POSIX order), with
//! English as the last fallback: `ca_ES.UTF-8@valencia` asks for `ca-ES-valencia`, which falls back
//! to `ca-valencia`, then `ca`, then `en`. Plural rules are CLDR's (through fluent's
//! `intl_pluralrules`), chosen by each message file's language.
//!
//! Code looks messages up with [`tr!`](crate::tr) and a literal id; `tests/i18n_catalog.rs` checks
//! that every id used is defined in every language, every id defined is used, and placeholders
//! agree.

pub mod help;

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentArgs as Args;
pub use fluent_bundle::FluentValue as Value;

/// One embedded message file: its language tag, its file name and its text.
pub struct Catalog {
    /// The folder under `locales/` (a BCP 47 tag).
    pub locale: &'static str,
    /// The file name inside that folder.
    pub file: &'static str,
    /// The Fluent source.
    pub source: &'static str,
}

macro_rules! catalog {
    ($locale:literal, $file:literal) => {
        Catalog {
            locale: $locale,
            file: $file,
            source: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $locale,
                "/",
                $file
            )),
        }
    };
}

/// Every message file, embedded. `tests/i18n_catalog.rs` checks this list against `locales/`.
pub const CATALOGS: &[Catalog] = &[
    catalog!("en", "cli.ftl"),
    catalog!("en", "doctor.ftl"),
    catalog!("en", "pkcs11.ftl"),
    catalog!("en", "sellod.ftl"),
    catalog!("en", "renew.ftl"),
    catalog!("en", "activate.ftl"),
    catalog!("en", "help.ftl"),
    catalog!("en", "errors.ftl"),
    catalog!("en", "enroll.ftl"),
    catalog!("en", "commands.ftl"),
    catalog!("en", "daemon.ftl"),
    catalog!("en", "ca.ftl"),
    catalog!("en", "vcard.ftl"),
    catalog!("es", "cli.ftl"),
    catalog!("es", "doctor.ftl"),
    catalog!("es", "pkcs11.ftl"),
    catalog!("es", "sellod.ftl"),
    catalog!("es", "renew.ftl"),
    catalog!("es", "activate.ftl"),
    catalog!("es", "help.ftl"),
    catalog!("es", "errors.ftl"),
    catalog!("es", "enroll.ftl"),
    catalog!("es", "commands.ftl"),
    catalog!("es", "daemon.ftl"),
    catalog!("es", "ca.ftl"),
    catalog!("es", "vcard.ftl"),
    catalog!("ca", "cli.ftl"),
    catalog!("ca", "doctor.ftl"),
    catalog!("ca", "pkcs11.ftl"),
    catalog!("ca", "sellod.ftl"),
    catalog!("ca", "renew.ftl"),
    catalog!("ca", "activate.ftl"),
    catalog!("ca", "help.ftl"),
    catalog!("ca", "errors.ftl"),
    catalog!("ca", "enroll.ftl"),
    catalog!("ca", "commands.ftl"),
    catalog!("ca", "daemon.ftl"),
    catalog!("ca", "ca.ftl"),
    catalog!("ca", "vcard.ftl"),
    catalog!("ca-valencia", "cli.ftl"),
    catalog!("ca-valencia", "doctor.ftl"),
    catalog!("ca-valencia", "pkcs11.ftl"),
    catalog!("ca-valencia", "sellod.ftl"),
    catalog!("ca-valencia", "renew.ftl"),
    catalog!("ca-valencia", "activate.ftl"),
    catalog!("ca-valencia", "help.ftl"),
    catalog!("ca-valencia", "errors.ftl"),
    catalog!("ca-valencia", "enroll.ftl"),
    catalog!("ca-valencia", "commands.ftl"),
    catalog!("ca-valencia", "daemon.ftl"),
    catalog!("ca-valencia", "ca.ftl"),
    catalog!("ca-valencia", "vcard.ftl"),
];

/// The language used when nothing else matches.
pub const FALLBACK: &str = "en";

/// The language tags that have message files.
pub fn available() -> Vec<&'static str> {
    let mut tags: Vec<&'static str> = CATALOGS.iter().map(|c| c.locale).collect();
    tags.dedup();
    tags
}

/// Turns a POSIX locale name (`ca_ES.UTF-8@valencia`, `es_ES`, `C`) or a BCP 47 tag
/// (`ca-valencia`, `es`) into a language identifier; `None` for `C`/`POSIX` and for what cannot
/// be read as a language.
pub fn parse_locale(name: &str) -> Option<LanguageIdentifier> {
    let name = name.trim();
    if name.is_empty() || name == "C" || name == "POSIX" || name.starts_with("C.") {
        return None;
    }
    let (base, modifier) = match name.split_once('@') {
        Some((b, m)) => (b, Some(m)),
        None => (name, None),
    };
    let base = base.split_once('.').map_or(base, |(b, _)| b);
    let base = base.replace('_', "-");
    let mut id: LanguageIdentifier = base.parse().ok()?;
    // A POSIX modifier that is a valid BCP 47 variant (`valencia`) becomes one; others (`euro`)
    // say nothing about the language and are dropped.
    if let Some(variant) = modifier.and_then(|m| m.parse::<unic_langid::subtags::Variant>().ok()) {
        let mut variants: Vec<_> = id.variants().cloned().collect();
        variants.push(variant);
        id.set_variants(&variants);
    }
    Some(id)
}

/// The fallback chain for a requested language, most specific first, keeping only languages that
/// have message files and ending with [`FALLBACK`]: `ca-ES-valencia` gives `ca-valencia`, `ca`,
/// `en`; `es-ES` gives `es`, `en`; anything unknown gives `en`.
pub fn chain_for(wanted: Option<&LanguageIdentifier>) -> Vec<&'static str> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(id) = wanted {
        let lang = id.language.as_str();
        for v in id.variants() {
            candidates.push(format!("{lang}-{v}"));
        }
        candidates.push(lang.to_owned());
    }
    candidates.push(FALLBACK.to_owned());
    let available = available();
    let mut chain: Vec<&'static str> = Vec::new();
    for c in candidates {
        if let Some(tag) = available.iter().find(|a| a.eq_ignore_ascii_case(&c)) {
            if !chain.contains(tag) {
                chain.push(tag);
            }
        }
    }
    chain
}

/// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is
/// set and not empty (POSIX precedence).
pub fn from_env() -> Option<LanguageIdentifier> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| parse_locale(&v))
}

/// The bundles of one fallback chain, most specific first.
pub struct Localizer {
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl Localizer {
    /// Bundles for `chain` (tags from [`chain_for`]).
    pub fn new(chain: &[&str]) -> Self {
        let bundles = chain
            .iter()
            .map(|tag| {
                let id: LanguageIdentifier = tag.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Terminals and notification daemons show the Unicode isolation marks literally.
                bundle.set_use_isolating(false);
                for c in CATALOGS.iter().filter(|c| c.locale == *tag) {
                    // Parse errors are caught by tests/i18n_catalog.rs; what parses is still used.
                    let res =
                        FluentResource::try_new(c.source.to_owned()).unwrap_or_else(|(r, _)| r);
                    // A duplicate id keeps its first definition (also caught by the test).
                    let _ = bundle.add_resource(res);
                }
                bundle
            })
            .collect();
        Self { bundles }
    }

    /// The message `id` formatted with `args`, from the first language of the chain that has it;
    /// the id itself when no language has it (the catalogue test makes that impossible).
    pub fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for bundle in &self.bundles {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        id.to_owned()
    }
}

static REQUESTED: OnceLock<Option<LanguageIdentifier>> = OnceLock::new();
static LOCALIZER: OnceLock<Localizer> = OnceLock::new();

/// Chooses the language explicitly (`sello --lang`), before the first message is looked up.
/// Fails when the tag cannot be read as a language; an unknown language falls back to English.
pub fn set_language(tag: &str) -> Result<(), NotALanguage> {
    let id = parse_locale(tag).ok_or_else(|| NotALanguage(tag.to_owned()))?;
    let _ = REQUESTED.set(Some(id));
    Ok(())
}

/// A `--lang` value that cannot be read as a language tag (told in the environment's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotALanguage(pub String);

impl std::fmt::Display for NotALanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::tr!("cli-not-a-language", tag = self.0.as_str()))
    }
}

impl std::error::Error for NotALanguage {}

fn localizer() -> &'static Localizer {
    LOCALIZER.get_or_init(|| {
        let wanted = REQUESTED.get_or_init(from_env);
        Localizer::new(&chain_for(wanted.as_ref()))
    })
}

/// The tag of the language messages are shown in (the first of the chain).
pub fn current() -> &'static str {
    if let Some((tag, _)) = OVERRIDE.with(Cell::get) {
        return tag;
    }
    let wanted = REQUESTED.get_or_init(from_env);
    chain_for(wanted.as_ref())
        .first()
        .copied()
        .unwrap_or(FALLBACK)
}

/// The message `id` in the chosen language. Use [`tr!`](crate::tr) rather than this directly.
pub fn message(id: &str, args: Option<&FluentArgs<'_>>) -> String {
    match OVERRIDE.with(Cell::get) {
        Some((_, l)) => l.format(id, args),
        None => localizer().format(id, args),
    }
}

thread_local! {
    /// The language of this thread while [`with_language`] runs: its first tag and its bundles.
    static OVERRIDE: Cell<Option<(&'static str, &'static Localizer)>> = const { Cell::new(None) };
}

/// Bundles per fallback chain, built once each (there are only a handful of chains).
static BY_CHAIN: OnceLock<Mutex<HashMap<Vec<&'static str>, &'static Localizer>>> = OnceLock::new();

fn localizer_for(chain: Vec<&'static str>) -> &'static Localizer {
    let map = BY_CHAIN.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(chain)
        .or_insert_with_key(|chain| Box::leak(Box::new(Localizer::new(chain))))
}

/// Runs `f` with this thread's messages in the language `tag` (a BCP 47 tag or POSIX locale name;
/// unknown or unreadable ones give English), whatever the process language is: `sellod` answers
/// each client in the client's language, and tests check translations in-process. Nests, and
/// restores the previous language when `f` returns or panics.
pub fn with_language<R>(tag: &str, f: impl FnOnce() -> R) -> R {
    let chain = chain_for(parse_locale(tag).as_ref());
    let first = chain.first().copied().unwrap_or(FALLBACK);
    let localizer = localizer_for(chain);
    struct Restore(Option<(&'static str, &'static Localizer)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(Some((first, localizer)))));
    f()
}

/// A calendar date (UTC, from a Unix time) as the language writes it: "2026-12-05",
/// "5 de diciembre de 2026", "5 de desembre de 2026".
pub fn date(ts: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ts) {
        Ok(t) => crate::tr!(
            "date",
            year = i64::from(t.year()),
            month = u8::from(t.month()),
            day = t.day()
        ),
        Err(_) => ts.to_string(),
    }
}

/// Looks a message up by literal id, with named arguments: `tr!("tries-left", left = 2)`.
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::message($id, None)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $( args.set(stringify!($name), $crate::i18n::Value::from($value)); )+
        $crate::i18n::message($id, Some(&args))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(name: &str) -> Vec<&'static str> {
        chain_for(parse_locale(name).as_ref())
    }

    #[test]
    fn with_language_overrides_this_thread_only_and_restores() {
        let es = with_language("es_ES.UTF-8", || {
            (current(), crate::tr!("card-pin-blocked"))
        });
        assert_eq!(es.0, "es");
        let va = with_language("ca_ES.UTF-8@valencia", || {
            let inner = with_language("en", || crate::tr!("card-pin-blocked"));
            (current(), inner, crate::tr!("card-pin-blocked"))
        });
        assert_eq!(va.0, "ca-valencia");
        assert_ne!(es.1, va.2, "Spanish and Valencian texts differ");
        assert_eq!(va.1, with_language("C", || crate::tr!("card-pin-blocked")));
        assert_ne!(
            va.1, va.2,
            "the inner English call was restored to Valencian"
        );
        let other = std::thread::spawn(|| with_language("en", current))
            .join()
            .expect("thread");
        assert_eq!(other, "en");
    }

    #[test]
    fn posix_names_map_to_the_fallback_chain() {
        assert_eq!(chain("ca_ES.UTF-8@valencia"), ["ca-valencia", "ca", "en"]);
        assert_eq!(chain("ca_ES.UTF-8"), ["ca", "en"]);
        assert_eq!(chain("es_ES.UTF-8"), ["es", "en"]);
        assert_eq!(chain("es_MX"), ["es", "en"]);
        assert_eq!(chain("de_DE.UTF-8@euro"), ["en"]);
        assert_eq!(chain("C.UTF-8"), ["en"]);
        assert_eq!(chain("ca-valencia"), ["ca-valencia", "ca", "en"]);
        assert_eq!(chain("en_GB"), ["en"]);
    }

    fn in_lang(tag: &str, id: &str, args: &FluentArgs<'_>) -> String {
        Localizer::new(&chain(tag)).format(id, Some(args))
    }

    #[test]
    fn plurals_follow_the_language() {
        let mut one = FluentArgs::new();
        one.set("left", 1);
        let mut two = FluentArgs::new();
        two.set("left", 2);
        assert_eq!(in_lang("es_ES", "tries-left", &one), "le queda 1 intento");
        assert_eq!(in_lang("es_ES", "tries-left", &two), "le quedan 2 intentos");
        assert_eq!(
            in_lang("ca_ES@valencia", "tries-left", &one),
            "queda 1 intent"
        );
        assert_eq!(
            in_lang("ca_ES@valencia", "tries-left", &two),
            "queden 2 intents"
        );
        assert_eq!(in_lang("en", "tries-left", &one), "1 try left");
        assert_eq!(in_lang("en", "tries-left", &two), "2 tries left");
    }

    #[test]
    fn dates_follow_the_language() {
        let mut d = FluentArgs::new();
        d.set("year", 2026);
        d.set("month", 4);
        d.set("day", 5);
        assert_eq!(in_lang("es", "date", &d), "5 de abril de 2026");
        assert_eq!(in_lang("ca", "date", &d), "5 d'abril de 2026");
        assert_eq!(in_lang("en", "date", &d), "2026-04-05");
    }
}
