//! The token cache of `libsello.so` (issue 4, "Fast and frugal"), seen from the outside: each
//! `pkcs11-tool` run is a new process, so the second run finds the certificates on disk
//! (`$XDG_CACHE_HOME/sello/tokens/<serial>.json`) and sends fewer APDUs; a certificate replaced
//! by another tool (yubico-piv-tool) is seen at once; a damaged cache file is ignored and
//! replaced. A card activated by Sello carries Sello's contents record and is matched by it
//! alone.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use rig::Bench;
use sello::virtual_card::rig::{Rig, RigOptions};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::{module, provision};

/// Runs `pkcs11-tool --module libsello.so -O` in a fresh process with the given cache home and
/// returns (output, APDUs the module sent).
fn list_objects(b: &Bench, cache: &Path, tag: &str) -> (String, usize) {
    list_objects_with(b, cache, tag, None)
}

/// [`list_objects`] with the module's config file (`SELLO_CONFIG`).
fn list_objects_with(b: &Bench, cache: &Path, tag: &str, config: Option<&Path>) -> (String, usize) {
    let log = b.path(&format!("apdu-{tag}.log"));
    let out = b
        .rig
        .command("pkcs11-tool")
        .args(["--module", &module(), "-O"])
        .env("XDG_CACHE_HOME", cache)
        .env("SELLO_CONFIG", config.unwrap_or(&b.path("no-config.toml")))
        .env("SELLO_APDU_LOG", &log)
        .current_dir(b.dir())
        .output()
        .expect("pkcs11-tool runs");
    let text = rig::text(&out);
    assert!(out.status.success(), "pkcs11-tool -O failed:\n{text}");
    let apdus = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("> "))
        .count();
    (text, apdus)
}

#[test]
fn cache_cold_warm_replaced_and_damaged() {
    let b = Bench::start();
    provision(&b, false);
    let cache = b.path("cache");
    let file = cache.join("sello/tokens/10000001.json");

    let (cold_out, cold) = list_objects(&b, &cache, "cold");
    assert!(cold_out.contains("Alice Holder"), "{cold_out}");
    assert!(file.exists(), "cache file written");
    let mode = std::fs::metadata(&file)
        .expect("cache file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "cache file is private");

    let (warm_out, warm) = list_objects(&b, &cache, "warm");
    assert!(warm_out.contains("Alice Holder"), "{warm_out}");
    assert!(
        warm < cold,
        "a warm start sends fewer APDUs (cold {cold}, warm {warm})"
    );
    eprintln!("APDUs: cold {cold}, warm {warm}");

    // Another tool re-issues the 9A certificate for the same key: seen at once, no stale cache.
    b.issue("9a.pem", "Alice Renewed", "9a-new.crt");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a-new.crt"]);
    let (new_out, _) = list_objects(&b, &cache, "replaced");
    assert!(new_out.contains("Alice Renewed"), "{new_out}");
    assert!(!new_out.contains("Alice Holder"), "stale: {new_out}");
    let (again, again_n) = list_objects(&b, &cache, "replaced-warm");
    assert!(again.contains("Alice Renewed"), "{again}");
    assert_eq!(again_n, warm, "the new contents are cached again");

    // A deleted certificate disappears too.
    b.yk(&["-a", "delete-certificate", "-s", "9c"]);
    let (gone, _) = list_objects(&b, &cache, "deleted");
    assert!(!gone.contains("Alice Signature"), "{gone}");

    // A damaged file is ignored safely and replaced by a good one.
    for junk in [&b"{not json"[..], b"", &[0xFF; 64]] {
        std::fs::write(&file, junk).expect("damage the cache");
        let (out, n) = list_objects(&b, &cache, "damaged");
        assert!(out.contains("Alice Renewed"), "{out}");
        assert!(n > warm, "a damaged cache means a cold read");
        let text = std::fs::read_to_string(&file).expect("rewritten");
        assert!(text.contains("\"serial\": \"10000001\""), "{text}");
    }
    // A well-formed entry that lies (other certificates, same fingerprint field) is still
    // checked against the card's own fingerprint: here the fingerprint is wrong, so it is
    // replaced.
    let text = std::fs::read_to_string(&file).expect("cache");
    let lying = text.replacen("\"fingerprint\": \"", "\"fingerprint\": \"00", 1);
    std::fs::write(&file, lying).expect("lying cache");
    let (out, _) = list_objects(&b, &cache, "lying");
    assert!(out.contains("Alice Renewed"), "{out}");
}

/// Exact counts on a card that announces extended length (the issue's reference card) and on
/// one that does not: two certificates (9A RSA-2048, 9C P-256), 9D and 9E empty. The breakdown
/// is in docs/benchmarks.md; a change here is a change in what a browser start costs.
#[test]
fn apdu_counts_cold_and_warm() {
    let mut atr = hex::decode("3B8F0180F9A0000003080000100073C021C0").expect("hex");
    let tck = atr[1..].iter().fold(0, |x, b| x ^ b);
    atr.push(tck);
    for (atr, cold_want, warm_want) in [(None, 17, 10), (Some(atr), 13, 10)] {
        let extended = atr.is_some();
        let mut opts = RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"));
        opts.atr = atr;
        let b = Bench {
            rig: Rig::start(opts).expect("rig starts"),
            work: tempfile::tempdir().expect("work dir"),
        };
        provision(&b, false);
        let cache = b.path("cache");
        let (_, cold) = list_objects(&b, &cache, "cold");
        let (_, warm) = list_objects(&b, &cache, "warm");
        let log = std::fs::read_to_string(b.path("apdu-warm.log")).unwrap_or_default();
        assert_eq!(
            (cold, warm),
            (cold_want, warm_want),
            "extended length: {extended}; warm log:\n{log}"
        );
        // Warm: the certificates are probed, never read in full (no GET RESPONSE); cold on a
        // short-APDU card they are.
        assert!(!log.contains("> 00C00000"), "{log}");
        let cold_log = std::fs::read_to_string(b.path("apdu-cold.log")).unwrap_or_default();
        assert_eq!(cold_log.contains("> 00C00000"), !extended, "{cold_log}");
    }
}

/// A card activated by `sello activate` carries Sello's contents record: a warm start is the
/// SELECT, the record and the PIN counter (for the token flags); a cold one reads only the two
/// certificates the record lists. The record is trusted: a certificate replaced by a tool that
/// does not maintain it stays unseen by default, and is seen with `cache_check = "objects"`.
#[test]
fn sealed_card_is_matched_by_its_record() {
    let b = Bench::start();
    // The citizen profile with the factory management key, so yubico-piv-tool can write later.
    let profile = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("card-profiles/citizen-piv.toml"),
    )
    .expect("profile");
    let profile = profile
        .replace("mode = \"derived\"", "mode = \"factory\"")
        .replace(
            "allow_default_management_key = false",
            "allow_default_management_key = true",
        );
    std::fs::create_dir_all(b.path("profiles")).expect("profiles dir");
    b.write("profiles/citizen-piv.toml", profile.as_bytes());
    b.make_ca();
    std::fs::create_dir_all(b.path("ca")).expect("ca dir");
    std::fs::copy(b.path("ca.key"), b.path("ca/ca.key")).expect("ca key");
    std::fs::copy(b.path("ca.crt"), b.path("ca/ca.pem")).expect("ca cert");
    let out = b
        .rig
        .command(env!("CARGO_BIN_EXE_sello"))
        .args([
            "activate",
            "--pin-stdin",
            "--algorithm",
            "P-256",
            "--nif",
            "12345678Z",
            "--given-name",
            "Ana",
            "--surnames",
            "Sellada",
            "--email",
            "ana@example.es",
            "--ca-cert",
            "ca/ca.pem",
            "--local-ca",
            "ca",
        ])
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        .env("SELLO_PROFILE_DIR", b.path("profiles"))
        .stdin(std::fs::File::open(write_stdin(&b, "13572468\n")).expect("stdin"))
        .output()
        .expect("sello activate runs");
    assert!(out.status.success(), "{}", rig::text(&out));

    let cache = b.path("cache");
    let (cold_out, cold) = list_objects(&b, &cache, "cold");
    assert!(cold_out.contains("Ana Sellada"), "{cold_out}");
    let (warm_out, warm) = list_objects(&b, &cache, "warm");
    assert_eq!(warm_out, cold_out);
    let cold_log = std::fs::read_to_string(b.path("apdu-cold.log")).unwrap_or_default();
    let warm_log = std::fs::read_to_string(b.path("apdu-warm.log")).unwrap_or_default();
    // `pkcs11-tool -O` lists objects without the token flags, so the PIN counter is never read;
    // at C_Finalize nothing is sent (no login). Cold adds one GET DATA per certificate (short
    // APDUs here: plus GET RESPONSE rounds).
    assert_eq!(warm, 2, "warm:\n{warm_log}");
    assert!(warm_log.contains("5C035F5E10"), "{warm_log}");
    let rounds = cold_log.matches("> 00C00000").count();
    assert_eq!(cold, 4 + rounds, "cold:\n{cold_log}");

    // Another tool replaces the 9A certificate behind the record's back.
    let pem = b.yk(&["-a", "read-certificate", "-s", "9a"]);
    let begin = pem.find("-----BEGIN").expect("PEM");
    b.write("9a-old.pem", &pem.as_bytes()[begin..]);
    b.ok(
        "openssl",
        &[
            "x509",
            "-in",
            "9a-old.pem",
            "-pubkey",
            "-noout",
            "-out",
            "9a-pub.pem",
        ],
    );
    b.issue("9a-pub.pem", "Ana Reemitida", "9a-new.crt");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a-new.crt"]);
    let (trusting, n) = list_objects(&b, &cache, "trusting");
    assert_eq!(n, 2);
    assert!(
        !trusting.contains("Ana Reemitida"),
        "the record is trusted (documented): {trusting}"
    );
    let strict = b.path("strict.toml");
    std::fs::write(&strict, "[pkcs11]\ncache_check = \"objects\"\n").expect("config");
    let (checked, _) = list_objects_with(&b, &cache, "objects", Some(&strict));
    assert!(checked.contains("Ana Reemitida"), "{checked}");
    // A cold start checks the certificates against the record, so it sees the change too.
    let (fresh, _) = list_objects(&b, &b.path("cache-2"), "fresh");
    assert!(fresh.contains("Ana Reemitida"), "{fresh}");
}

/// A file holding `text`, to give a child process as standard input.
fn write_stdin(b: &Bench, text: &str) -> std::path::PathBuf {
    let p = b.path("stdin.txt");
    std::fs::write(&p, text).expect("stdin file");
    p
}
