//! Build script: records the commit and the enabled features for `--version` (`sello::LONG_VERSION`).
//! Outside a git tree (a source package) the commit is "unknown".

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // Rebuild when HEAD moves: HEAD itself (worktrees have their own), the branch's ref and
    // packed-refs. Only files that exist: Cargo reruns the script on every build for a missing one.
    let mut watched = Vec::new();
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        watched.push(head);
    }
    if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(path) = git(&["rev-parse", "--git-path", &r]) {
            // A packed ref has no file yet; the first commit creates it in this directory.
            let dir = std::path::Path::new(&path)
                .parent()
                .map(|d| d.display().to_string());
            watched.push(path);
            watched.extend(dir);
        }
    }
    watched.extend(git(&["rev-parse", "--git-path", "packed-refs"]));
    for path in watched {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");

    // The package's own features (Cargo sets CARGO_FEATURE_<NAME> for each enabled one).
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(str::to_owned))
        // gen-docs only adds the man-page generator, not a capability of the binaries.
        .filter(|f| f != "DEFAULT" && f != "GEN_DOCS")
        .map(|f| f.to_lowercase().replace('_', "-"))
        .collect();
    features.sort();
    let features = if features.is_empty() {
        "none".to_owned()
    } else {
        features.join(", ")
    };
    println!("cargo:rustc-env=SELLO_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=SELLO_FEATURES={features}");
}
