//! `sello-gen-docs DIR`: writes the man pages (`DIR/man/*.1`, one per command and subcommand)
//! and the bash, zsh and fish completions (`DIR/completions/{bash,zsh,fish}/`) of every Sello
//! binary, from the same clap definitions the binaries parse their command line with.
//! `scripts/package` runs it before `cargo deb`; the package ships what it writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;
use sello::i18n::help::{localize, localize_for_man};

/// The binaries' clap definitions, before their texts are put in.
fn definitions() -> Vec<clap::Command> {
    vec![
        sello::cli::Cli::command(),
        sello::daemon::Args::command(),
        sello::virtual_card::definition(),
        sello::ca::cli::Cli::command(),
    ]
}

fn write_all(out: &Path) -> anyhow::Result<()> {
    let man = out.join("man");
    std::fs::create_dir_all(&man).with_context(|| format!("cannot create {}", man.display()))?;
    for definition in definitions() {
        let name = definition.get_name().to_owned();
        // One page per command and per subcommand (`sello-pin-change.1`), recursively; none for
        // clap's `help` command (localizing builds the tree, so it is left out before).
        let pages = localize_for_man(definition.clone().disable_help_subcommand(true));
        clap_mangen::generate_to(pages.clone(), &man)
            .with_context(|| format!("cannot write the man pages of {name}"))?;
        if name == "sello" {
            write_sello_page(pages, &man)?;
        }
        let cmd = localize(definition);
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let dir = out.join("completions").join(shell.to_string());
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let mut cmd = cmd.clone();
            clap_complete::generate_to(shell, &mut cmd, &name, &dir)
                .with_context(|| format!("cannot write the {shell} completion of {name}"))?;
        }
    }
    Ok(())
}

/// `sello.1` again, with the exit statuses under `EXIT STATUS` (clap_mangen would put the
/// `--help` table under a generic heading).
fn write_sello_page(cmd: clap::Command, man: &Path) -> anyhow::Result<()> {
    let page = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    page.render_subcommands_section(&mut out)?;
    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for e in sello::cli::Exit::ALL {
        out.extend_from_slice(format!(".TP\n{}\n{}\n", e.code(), e.meaning()).as_bytes());
    }
    page.render_version_section(&mut out)?;
    let path = man.join("sello.1");
    std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))
}

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sello-gen-docs DIR");
        return ExitCode::from(2);
    };
    // The pages under man1 are the English ones, whatever the locale of the machine building them.
    match sello::i18n::with_language("en", || write_all(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sello-gen-docs: {e:#}");
            ExitCode::FAILURE
        }
    }
}
