//! Man pages and shell completions (`sello-gen-docs`), and `--version`: every command and
//! subcommand of every binary has a page that `man` renders, the completions load in bash, zsh
//! and fish (the shells themselves judge), and the version names the commit git reports.
#![cfg(feature = "gen-docs")]

use std::path::Path;
use std::process::Command;

fn pages_of(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    let name = if prefix.is_empty() {
        cmd.get_name().to_owned()
    } else {
        format!("{prefix}-{}", cmd.get_name())
    };
    // clap's `help` command has no page.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        pages_of(sub, &name, out);
    }
    out.push(format!("{name}.1"));
}

/// `man`'s output without the overstrike (bold/underline) of a terminal page.
fn plain(bytes: &[u8]) -> String {
    let mut out = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out
}

fn generate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let st = Command::new(env!("CARGO_BIN_EXE_sello-gen-docs"))
        .arg(dir.path())
        .status()
        .expect("sello-gen-docs runs");
    assert!(st.success());
    dir
}

#[test]
fn every_command_and_subcommand_has_a_man_page_that_man_renders() {
    let dir = generate();
    let man = dir.path().join("man");
    let mut expected = Vec::new();
    for cmd in [
        sello::cli::command(),
        sello::daemon::command(),
        sello::virtual_card::command(),
        sello::ca::cli::command(),
    ] {
        pages_of(&cmd, "", &mut expected);
    }
    assert!(expected.contains(&"sello-pin-change.1".to_owned()));
    let mut written: Vec<String> = std::fs::read_dir(&man)
        .expect("man dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    expected.sort();
    assert_eq!(written, expected, "one page per command, no more");
    for page in &expected {
        let path = man.join(page);
        assert!(path.is_file(), "no man page {page}");
        // man-db renders it (groff parses the roff; warnings go to stderr).
        let out = Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0")
            .output()
            .expect("man runs");
        assert!(out.status.success(), "man -l {page}: {:?}", out);
        let text = plain(&out.stdout);
        assert!(text.contains("SYNOPSIS"), "{page}:\n{text}");
    }
    // The exit statuses are in sello(1), from the one list the binary uses.
    let out = Command::new("man")
        .arg("-l")
        .arg(man.join("sello.1"))
        .env("MANWIDTH", "200")
        .output()
        .expect("man runs");
    let text = plain(&out.stdout);
    assert!(text.contains("EXIT STATUS"), "{text}");
    for e in sello::cli::Exit::ALL {
        let meaning = sello::i18n::with_language("en", || e.meaning());
        assert!(text.contains(&meaning), "{meaning} missing:\n{text}");
    }
}

fn shell_accepts(shell: &str, file: &Path) {
    let out = Command::new(shell)
        .arg("-n")
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{shell} runs: {e}"));
    assert!(
        out.status.success(),
        "{shell} -n {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_load_in_bash_zsh_and_fish() {
    let dir = generate();
    let c = dir.path().join("completions");
    for bin in ["sello", "sellod", "sello-vcard", "sello-ca"] {
        shell_accepts("bash", &c.join(format!("bash/{bin}.bash")));
        shell_accepts("zsh", &c.join(format!("zsh/_{bin}")));
        shell_accepts("fish", &c.join(format!("fish/{bin}.fish")));
    }
    // Loaded for real, bash registers the completion function and it offers the subcommands.
    let script = format!(
        "source {}; complete -p sello; COMP_WORDS=(sello pi); COMP_CWORD=1; \
         _sello sello pi sello; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        c.join("bash/sello.bash").display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("-F _sello sello"), "{text}");
    assert!(text.lines().any(|l| l == "pin"), "{text}");
}

#[test]
fn version_names_the_commit_and_the_features() {
    let out = Command::new(env!("CARGO_BIN_EXE_sello"))
        .arg("--version")
        .output()
        .expect("sello runs");
    let v = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        v.starts_with(&format!("sello {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    if let Ok(git) = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
    {
        if git.status.success() {
            let head = String::from_utf8_lossy(&git.stdout).trim().to_owned();
            assert!(v.contains(&format!("commit {head}")), "{v} vs HEAD {head}");
        }
    }
    // Built with --all-features: every product feature is named.
    for f in ["ca", "est-client", "virtual-card"] {
        assert!(v.contains(f), "{f} missing from {v}");
    }
}
