//! The message catalogue is complete and consistent: every language defines every message the
//! code uses (the `tr!` ids of `src/`, and the help id of every command, argument and described
//! value of every binary's clap tree) (Valencian may define only what differs from Catalan), every message defined is
//! used, translations use the same placeholders, and every file under `locales/` is embedded.
//! Parsed with fluent-syntax, the parser fluent-bundle itself uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Languages that must define every message.
const COMPLETE: [&str; 3] = ["en", "es", "ca"];
/// Languages that override another one, which must define everything they define.
const OVERRIDES: [(&str, &str); 1] = [("ca-valencia", "ca")];

/// id -> placeholders, for every message of one language.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn placeholders_of_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            placeholders_of_expression(expression, out);
        }
    }
}

fn placeholders_of_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            placeholders_of_inline(selector, out);
            for v in variants {
                placeholders_of_pattern(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => placeholders_of_inline(i, out),
    }
}

fn placeholders_of_inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => {
            placeholders_of_expression(expression, out)
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                placeholders_of_inline(a, out);
            }
        }
        _ => {}
    }
}

fn ftl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    files.sort();
    files
}

fn load(lang: &str) -> Messages {
    let mut messages = Messages::new();
    for path in ftl_files(&Path::new(ROOT).join("locales").join(lang)) {
        let text = std::fs::read_to_string(&path).expect("read .ftl");
        let res = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errs)| panic!("{}: {errs:?}", path.display()));
        for entry in &res.body {
            match entry {
                ast::Entry::Message(m) => {
                    let mut ph = BTreeSet::new();
                    let value = m.value.as_ref().unwrap_or_else(|| {
                        panic!("{}: {} has no value", path.display(), m.id.name)
                    });
                    placeholders_of_pattern(value, &mut ph);
                    let dup = messages.insert(m.id.name.to_owned(), ph);
                    assert!(
                        dup.is_none(),
                        "{lang}: {} defined twice ({})",
                        m.id.name,
                        path.display()
                    );
                }
                ast::Entry::Junk { content } => {
                    panic!("{}: cannot parse {content:?}", path.display())
                }
                _ => {}
            }
        }
    }
    messages
}

/// The ids the code looks up: the literal first argument of every `tr!(` in `src/`.
fn used_ids() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read .rs");
                for (i, _) in text.match_indices("tr!(") {
                    // `tr!(`, not the end of another macro's name (`include_str!(`).
                    let before = text[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = text[i + 4..].trim_start();
                    if let Some(lit) = rest.strip_prefix('"') {
                        let id = lit.split('"').next().expect("closing quote");
                        out.insert(id.to_owned());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(ROOT).join("src"), &mut out);
    out
}

/// The clap definitions of the binaries, as they are before their help texts (messages of
/// `locales/*/help.ftl`, looked up by command path) are put in.
fn command_trees() -> Vec<clap::Command> {
    use clap::CommandFactory;
    let mut trees = vec![sello::cli::Cli::command(), sello::daemon::Args::command()];
    #[cfg(feature = "ca")]
    trees.push(sello::ca::cli::Cli::command());
    #[cfg(feature = "virtual-card")]
    trees.push(sello::virtual_card::definition());
    trees
}

/// The help ids the clap trees look up: every command, argument and described value of every
/// binary. Two things never share one id.
fn help_ids() -> BTreeSet<String> {
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for tree in command_trees() {
        for (id, what) in sello::i18n::help::ids(tree) {
            if let Some(other) = named.insert(id.clone(), what.clone()) {
                panic!("{id} would describe both {other} and {what}");
            }
        }
    }
    named.into_keys().collect()
}

/// The help id roots of binaries left out of the build (feature off): their ids are unchecked,
/// not unused.
fn unbuilt_help_prefixes() -> Vec<&'static str> {
    let mut out = Vec::new();
    if cfg!(not(feature = "ca")) {
        out.push("help-sello-ca");
    }
    if cfg!(not(feature = "virtual-card")) {
        out.push("help-sello-vcard");
    }
    out
}

#[test]
fn every_command_and_argument_has_its_help_id() {
    let ids = help_ids();
    for expected in [
        "help-sello",
        "help-sello-activate",
        "help-sello-activate-nif",
        "help-sello-pin-change-pin-stdin",
        "help-sello-lang",
        "help-sellod-idle-timeout",
    ] {
        assert!(ids.contains(expected), "{expected} not among {ids:?}");
    }
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("help-sello-activate-lang")),
        "a global argument has one id, where it is defined"
    );
    assert!(ids.len() > 90, "the walk found too few: {}", ids.len());
}

/// The clap definitions carry no help text of their own (a doc comment on a subcommand or an
/// argument would be a second English text beside `locales/en/help.ftl`); the top commands'
/// doc comments are the Rust types' documentation, replaced at start-up.
#[test]
fn help_texts_live_only_in_the_catalogue() {
    fn walk(cmd: &clap::Command, top: bool, found: &mut Vec<String>) {
        if !top && (cmd.get_about().is_some() || cmd.get_long_about().is_some()) {
            found.push(format!("{}: {:?}", cmd.get_name(), cmd.get_about()));
        }
        for a in cmd.get_arguments() {
            if a.get_help().is_some() || a.get_long_help().is_some() {
                found.push(format!(
                    "{} {}: {:?}",
                    cmd.get_name(),
                    a.get_id(),
                    a.get_help()
                ));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, false, found);
        }
    }
    let mut found = Vec::new();
    for tree in command_trees() {
        walk(&tree, true, &mut found);
    }
    assert!(found.is_empty(), "texts in clap definitions: {found:#?}");
}

#[test]
fn every_language_defines_what_the_code_uses_with_the_same_placeholders() {
    let mut used = used_ids();
    used.extend(help_ids());
    assert!(used.len() > 50, "the scan found too few ids: {used:?}");
    let en = load("en");
    let defined: BTreeSet<String> = en.keys().cloned().collect();
    let missing: Vec<_> = used.difference(&defined).collect();
    assert!(
        missing.is_empty(),
        "used in src/ but not defined in en: {missing:?}"
    );
    let unbuilt = unbuilt_help_prefixes();
    let unused: Vec<_> = defined
        .difference(&used)
        .filter(|id| {
            !unbuilt
                .iter()
                .any(|p| id.as_str() == *p || id.starts_with(&format!("{p}-")))
        })
        .collect();
    assert!(
        unused.is_empty(),
        "defined but used nowhere in src/ nor by any command's help: {unused:?}"
    );
    for lang in COMPLETE {
        let msgs = load(lang);
        let ids: BTreeSet<String> = msgs.keys().cloned().collect();
        let missing: Vec<_> = defined.difference(&ids).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        let extra: Vec<_> = ids.difference(&defined).collect();
        assert!(extra.is_empty(), "{lang} defines unknown ids {extra:?}");
        for (id, ph) in &msgs {
            assert_eq!(ph, &en[id], "{lang}: placeholders of {id} differ from en");
        }
    }
    for (lang, base) in OVERRIDES {
        let msgs = load(lang);
        let base_ids = load(base);
        for (id, ph) in &msgs {
            assert!(
                base_ids.contains_key(id),
                "{lang} defines {id}, which {base} lacks"
            );
            assert_eq!(ph, &en[id], "{lang}: placeholders of {id} differ from en");
        }
    }
}

#[test]
fn every_message_file_is_embedded_in_the_binary() {
    let mut on_disk = BTreeSet::new();
    for e in std::fs::read_dir(Path::new(ROOT).join("locales")).expect("locales/") {
        let dir = e.expect("entry").path();
        let lang = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for f in ftl_files(&dir) {
            let file = f.file_name().expect("name").to_string_lossy().into_owned();
            on_disk.insert((lang.clone(), file));
        }
    }
    let embedded: BTreeSet<(String, String)> = sello::i18n::CATALOGS
        .iter()
        .map(|c| (c.locale.to_owned(), c.file.to_owned()))
        .collect();
    assert_eq!(on_disk, embedded);
    for c in sello::i18n::CATALOGS {
        let path = Path::new(ROOT).join("locales").join(c.locale).join(c.file);
        assert_eq!(std::fs::read_to_string(path).expect("read"), c.source);
    }
}

/// The words of every message of one language (text only, placeables left out), by id.
fn words(lang: &str) -> BTreeMap<String, String> {
    fn text(p: &ast::Pattern<&str>, out: &mut String) {
        for el in &p.elements {
            match el {
                ast::PatternElement::TextElement { value } => out.push_str(value),
                ast::PatternElement::Placeable {
                    expression: ast::Expression::Select { variants, .. },
                } => {
                    for v in variants {
                        out.push(' ');
                        text(&v.value, out);
                    }
                }
                ast::PatternElement::Placeable { .. } => out.push(' '),
            }
        }
    }
    let mut all = BTreeMap::new();
    for path in ftl_files(&Path::new(ROOT).join("locales").join(lang)) {
        let source = std::fs::read_to_string(&path).expect("read .ftl");
        let res = fluent_syntax::parser::parse(source.as_str()).expect("parses");
        for entry in &res.body {
            if let ast::Entry::Message(m) = entry {
                let mut s = String::new();
                if let Some(v) = &m.value {
                    text(v, &mut s);
                }
                all.insert(m.id.name.to_owned(), s);
            }
        }
    }
    all
}

/// Central Catalan forms that Valencian writes otherwise (AVL): "aquest" / "este", "sortir" /
/// "eixir", the inchoative "-eix", "-eixen", "-eixi" / "-ix", "-ixen", "-isca". A Catalan message
/// that uses one must be overridden in ca-valencia, and no Valencian message may use one.
#[test]
fn valencian_overrides_every_central_catalan_form() {
    // Words ending in "eix" that are not inchoative verbs, the same in Valencian.
    const SAME: [&str; 8] = [
        "mateix",
        "mateixa",
        "coneix",
        "reconeix",
        "desconeix",
        "neix",
        "baix",
        "peix",
    ];
    let central = |w: &str| {
        let w = w.to_lowercase();
        if SAME.contains(&w.as_str()) {
            return false;
        }
        [
            "aquest", "aquesta", "aquests", "aquestes", "sortir", "sortida", "surt",
        ]
        .contains(&w.as_str())
            || ["eix", "eixen", "eixi", "eixin", "eixes"]
                .iter()
                .any(|end| w.len() > end.len() + 1 && w.ends_with(end))
    };
    let central_words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric() && c != '·')
            .filter(|w| central(w))
            .map(str::to_owned)
            .collect()
    };
    let ca = words("ca");
    let va = words("ca-valencia");
    let mut missing = Vec::new();
    for (id, text) in &ca {
        let found = central_words(text);
        if !found.is_empty() && !va.contains_key(id) {
            missing.push(format!("{id} ({})", found.join(", ")));
        }
    }
    assert!(
        missing.is_empty(),
        "ca-valencia must override these central Catalan messages: {missing:?}"
    );
    for (id, text) in &va {
        let found = central_words(text);
        assert!(found.is_empty(), "ca-valencia {id} uses {found:?}");
    }
}
