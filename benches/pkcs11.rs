//! APDU count and wall time of `libsello.so` beside OpenSC's `opensc-pkcs11.so`, on the same
//! virtual card in the same run (issue 4, "Fast and frugal"). Not a timed test: run it with
//!
//! ```sh
//! cargo bench --bench pkcs11            # add SELLO_BENCH_BEFORE=/path/to/old/libsello.so
//! ```
//!
//! For each ATR (the virtual card's default, which does not announce extended length, and one
//! that does) a private pcscd with one virtual card is started; the card gets RSA-2048 in 9A and
//! P-256 in 9C with certificates (yubico-piv-tool, openssl). Every scenario runs twice: on the
//! card as those tools left it, then after Sello wrote its contents record on it (as
//! `sello activate` and `sello renew` do; this binary, re-executed, does it with the driver).
//! Each scenario runs in a fresh process (this binary, re-executed) so nothing is shared but the
//! disk cache:
//!
//! - `load cold`: C_Initialize, slot list, session, find every certificate, public and private
//!   key, read the certificates' values, C_Finalize; our disk cache empty (the issue's "module
//!   load + slot list + find all certificates and keys").
//! - `load warm`: the same again (our cache filled by the cold run; OpenSC has no cache on).
//! - `browser start`: `load warm` plus C_GetTokenInfo, as browsers do (the token flags need the
//!   PIN and PUK counters).
//! - `login + sign RSA PKCS#1`, `… PSS`, `… ECDSA P-256` (9C: context-specific PIN too): a whole
//!   process that loads the token (warm cache), logs in and makes one signature, as a signing
//!   tool does.
//!
//! APDUs are counted by the card itself (`SELLO_VCARD_TRACE`), so both modules are measured the
//! same way, GET RESPONSE and chained blocks included. Times are medians of several runs.

#[path = "../tests/rig/mod.rs"]
mod rig;
#[path = "../tests/pkcs11_support/mod.rs"]
mod support;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use sello::virtual_card::rig::{Rig, RigOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

const SCENARIOS: [(&str, &str); 6] = [
    ("load-cold", "load, cold cache"),
    ("load", "load, warm cache"),
    ("start", "browser start (load warm + token info)"),
    ("sign-rsa", "load + login + RSA-2048 PKCS#1 sign"),
    ("sign-pss", "load + login + RSA-2048 PSS sign"),
    ("sign-ecdsa", "load + login + P-256 ECDSA sign (9C)"),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("seal") {
        if let Err(e) = seal() {
            eprintln!("seal: {e}");
            std::process::exit(1);
        }
        return;
    }
    if args.get(1).map(String::as_str) == Some("child") {
        let (Some(module), Some(scenario)) = (args.get(2), args.get(3)) else {
            eprintln!("usage: pkcs11 child MODULE SCENARIO");
            std::process::exit(2);
        };
        match child(module, scenario) {
            Ok(d) => println!("{}", d.as_micros()),
            Err(e) => {
                eprintln!("{scenario} with {module}: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    // `cargo bench` passes `--bench`; nothing else is expected.
    let mut modules: Vec<(String, PathBuf)> = vec![
        ("libsello.so".into(), support::module_path()),
        ("opensc-pkcs11.so".into(), PathBuf::from(rig::OPENSC_PKCS11)),
    ];
    if let Some(before) = std::env::var_os("SELLO_BENCH_BEFORE") {
        modules.insert(1, ("libsello.so (before)".into(), PathBuf::from(before)));
    }
    // Card-side APDU log.
    std::env::set_var(sello::virtual_card::vpcd::TRACE_ENV, "1");
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    let only_modes = std::env::var("SELLO_BENCH_PART").is_ok_and(|p| p == "modes");
    let atrs = [
        ("standard ATR (short APDUs)", None),
        ("extended-length ATR", Some(extended_atr())),
    ];
    for (atr_name, atr) in atrs.into_iter().filter(|_| !only_modes) {
        let mut opts = RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"));
        opts.atr = atr;
        let b = rig::Bench {
            rig: Rig::start(opts).expect("rig starts"),
            work: tempfile::tempdir().expect("work dir"),
        };
        support::provision(&b, false);
        for variant in [
            "provisioned by yubico-piv-tool",
            "with Sello's contents record",
        ] {
            if variant.starts_with("with") {
                let out = b
                    .rig
                    .command(std::env::current_exe().expect("bench binary"))
                    .arg("seal")
                    .output()
                    .expect("seal runs");
                assert!(out.status.success(), "seal: {}", rig::text(&out));
            }
            println!("\n### {atr_name}, {variant}\n");
            print!("| scenario |");
            for (name, _) in &modules {
                print!(" {name} APDUs | {name} ms |");
            }
            println!();
            print!("|---|");
            for _ in &modules {
                print!("---:|---:|");
            }
            println!();
            for (scenario, title) in SCENARIOS {
                print!("| {title} |");
                for (_, path) in &modules {
                    let (apdus, ms) = measure(&b, path, scenario);
                    print!(" {apdus} | {ms:.1} |");
                }
                println!();
            }
        }
    }
    browser_start_per_mode(&modules);
}

/// Browser start on each card type of the virtual card's compatibility modes (issue #14), as
/// yubico-piv-tool provisioned it and after Sello's contents record, where the card keeps it.
fn browser_start_per_mode(modules: &[(String, PathBuf)]) {
    use clap::ValueEnum;
    use sello::virtual_card::Compat;
    println!("\n### browser start per card type (standard ATR)\n");
    print!("| card (`--compat`) | contents record |");
    for (name, _) in modules {
        print!(" {name} APDUs | {name} ms |");
    }
    println!();
    print!("|---|---|");
    for _ in modules {
        print!("---:|---:|");
    }
    println!();
    for compat in Compat::value_variants() {
        let name = compat
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let b = rig::Bench {
            rig: Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).compat(*compat))
                .expect("rig starts"),
            work: tempfile::tempdir().expect("work dir"),
        };
        support::provision(&b, false);
        let row = |record: &str| {
            print!("| {name} | {record} |");
            for (_, path) in modules {
                let (apdus, ms) = measure(&b, path, "start");
                print!(" {apdus} | {ms:.1} |");
            }
            println!();
        };
        row("none");
        let sealed = b
            .rig
            .command(std::env::current_exe().expect("bench binary"))
            .arg("seal")
            .output()
            .expect("seal runs");
        if sealed.status.success() {
            row("written");
        } else {
            let why = String::from_utf8_lossy(&sealed.stderr)
                .trim()
                .trim_start_matches("seal: ")
                .replace('|', "/");
            print!("| {name} | not written: {why} |");
            for _ in modules {
                print!(" – | – |");
            }
            println!();
        }
    }
}

/// Runs `scenario` RUNS times in fresh processes; (APDUs of the last run, median ms).
fn measure(b: &rig::Bench, module: &Path, scenario: &str) -> (u64, f64) {
    let cache = b.path("cache");
    let vcard_log = b.rig.dir().join("vcard0.log");
    let mut times = Vec::new();
    let mut apdus = 0;
    for _ in 0..RUNS {
        let child_scenario = if scenario == "load-cold" {
            let _ = std::fs::remove_dir_all(&cache);
            "load"
        } else {
            scenario
        };
        let before = count_apdus(&vcard_log);
        let out = b
            .rig
            .command(std::env::current_exe().expect("bench binary"))
            .args(["child", &module.display().to_string(), child_scenario])
            .env("XDG_CACHE_HOME", &cache)
            .env("SELLO_CONFIG", b.path("no-config.toml"))
            .env_remove("SELLO_APDU_LOG")
            .output()
            .expect("child runs");
        assert!(
            out.status.success(),
            "{scenario} failed: {}",
            rig::text(&out)
        );
        apdus = count_apdus(&vcard_log) - before;
        let us: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("child prints microseconds");
        times.push(us);
    }
    times.sort_unstable();
    (apdus, times[times.len() / 2] as f64 / 1000.0)
}

fn count_apdus(log: &Path) -> u64 {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("sello-vcard: ") && l.contains(" -> "))
        .count() as u64
}

fn extended_atr() -> Vec<u8> {
    // The virtual card's ATR with the third software function table announcing extended Lc/Le
    // (as tests/driver_scenarios does).
    let mut atr = hex::decode("3B8F0180F9A0000003080000100073C021C0").expect("hex");
    let tck = atr[1..].iter().fold(0, |x, b| x ^ b);
    atr.push(tck);
    atr
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Sello writes its contents record on the card (what `sello activate` does at its end), with
/// the factory management key `support::provision` leaves. Runs inside the rig's environment.
fn seal() -> Res<()> {
    let reader = sello::transport::pcsc::list_readers()?
        .into_iter()
        .find(|r| r.card_present)
        .ok_or("no card")?;
    let mut card = sello::card::piv::PivCard::open_reader(&reader.name)?;
    card.authenticate(&sello::pin::ManagementKey::default_3des())?;
    card.seal_contents()?;
    Ok(())
}

/// One process's work, timed from module load to C_Finalize.
fn child(module: &str, scenario: &str) -> Res<Duration> {
    let start = Instant::now();
    let p = Pkcs11::new(module)?;
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))?;
    let slot = *p.get_slots_with_token()?.first().ok_or("no token")?;
    // A browser reads the token info (label, flags); the issue's "load" and a signing tool
    // need not.
    if scenario == "start" {
        let _ = p.get_token_info(slot)?;
    }
    let scenario = if scenario == "start" {
        "load"
    } else {
        scenario
    };
    let s = p.open_ro_session(slot)?;
    let pin = AuthPin::new(support::PIN.into());
    let key = |id: u8| -> Res<_> {
        s.find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(vec![id]),
        ])?
        .first()
        .copied()
        .ok_or_else(|| format!("no private key {id:02X}").into())
    };
    match scenario {
        "load" => {
            for class in [ObjectClass::CERTIFICATE, ObjectClass::PUBLIC_KEY] {
                for o in s.find_objects(&[Attribute::Class(class)])? {
                    let _ = s.get_attributes(
                        o,
                        &[
                            AttributeType::Label,
                            AttributeType::Id,
                            AttributeType::Value,
                        ],
                    )?;
                }
            }
            let _ = s.find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])?;
        }
        "sign-rsa" => {
            s.login(UserType::User, Some(&pin))?;
            s.sign(&Mechanism::Sha256RsaPkcs, key(1)?, b"benchmark")?;
        }
        "sign-pss" => {
            s.login(UserType::User, Some(&pin))?;
            let params = PkcsPssParams {
                hash_alg: MechanismType::SHA256,
                mgf: PkcsMgfType::MGF1_SHA256,
                s_len: 32.into(),
            };
            s.sign(&Mechanism::Sha256RsaPkcsPss(params), key(1)?, b"benchmark")?;
        }
        "sign-ecdsa" => {
            s.login(UserType::User, Some(&pin))?;
            let k = key(2)?;
            s.sign_init(&Mechanism::EcdsaSha256, k)?;
            s.login(UserType::ContextSpecific, Some(&pin))?;
            s.sign_update(b"benchmark")?;
            s.sign_final()?;
        }
        other => return Err(format!("unknown scenario {other}").into()),
    }
    drop(s);
    p.finalize()?;
    Ok(start.elapsed())
}
