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
        for c in &report.checks {
            let tag = match c.status {
                Status::Ok => "  ok ",
                Status::Warn => " WARN",
                Status::Fail => " FAIL",
                Status::Skipped => " skip",
            };
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
