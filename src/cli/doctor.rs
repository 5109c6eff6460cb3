//! `sello doctor`: is everything in place to use the card? Plain-language findings and advice.

use std::path::PathBuf;

use clap::Args;

use crate::browser::Env;
use crate::doctor::{self, Options, Status};

use super::{Exit, Reported};

#[derive(Debug, Args)]
pub(super) struct DoctorArgs {
    #[arg(short, long, env = "SELLO_READER")]
    reader: Option<String>,
    #[arg(long, value_name = "FILE")]
    ca: Vec<PathBuf>,
    #[arg(
        long,
        value_name = "DIR",
        env = "SELLO_CA_DIR",
        default_value = "/etc/sello/ca"
    )]
    ca_dir: PathBuf,
}

pub(super) fn run(json: bool, args: &DoctorArgs) -> anyhow::Result<()> {
    let opts = Options {
        reader: args.reader.clone(),
        ca_dir: args.ca_dir.clone(),
        ca_files: args.ca.clone(),
        now: super::time_now(),
        env: Env::from_process(),
    };
    let report = doctor::run(&opts);
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let tags = Tags::new();
        for c in &report.checks {
            let tag = tags.of(c.status);
            println!("[{tag}] {}: {}", c.title, c.finding);
            if let Some(a) = &c.advice {
                println!("        -> {a}");
            }
        }
        if report.ok {
            println!("\n{}", crate::tr!("doctor-all-ok"));
        } else {
            println!("\n{}", crate::tr!("doctor-needs-fixing"));
        }
    }
    if report.ok {
        Ok(())
    } else {
        Err(Reported(Exit::Error).into())
    }
}

/// The status tags in the user's language ("[ FAIL]", "[ FALLO ]"), padded to one width so the
/// titles line up: each tag centred in the longest one plus a space.
struct Tags([String; 4]);

impl Tags {
    fn new() -> Self {
        let words = [
            crate::tr!("doctor-tag-ok"),
            crate::tr!("doctor-tag-warn"),
            crate::tr!("doctor-tag-fail"),
            crate::tr!("doctor-tag-skipped"),
        ];
        let width = words.iter().map(|w| w.chars().count()).max().unwrap_or(0) + 1;
        Self(words.map(|w| {
            let pad = width.saturating_sub(w.chars().count());
            let right = pad / 2;
            format!("{}{w}{}", " ".repeat(pad - right), " ".repeat(right))
        }))
    }

    fn of(&self, status: Status) -> &str {
        let i = match status {
            Status::Ok => 0,
            Status::Warn => 1,
            Status::Fail => 2,
            Status::Skipped => 3,
        };
        &self.0[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_line_up_in_every_language() {
        for (lang, fail, ok) in [
            ("en", " FAIL", "  ok "),
            ("es", "  FALLO ", "   ok   "),
            ("ca-valencia", " ERROR", "  ok  "),
        ] {
            let tags = crate::i18n::with_language(lang, Tags::new);
            assert_eq!(tags.of(Status::Fail), fail, "{lang}");
            assert_eq!(tags.of(Status::Ok), ok, "{lang}");
            let widths: Vec<usize> = tags.0.iter().map(|t| t.chars().count()).collect();
            assert!(widths.iter().all(|w| *w == widths[0]), "{lang}: {widths:?}");
        }
    }
}
