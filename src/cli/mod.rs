//! TODO-SKELETON
//! (Branch `vcard`: the smallest stub that lets `src/bin/sello.rs` link; the CLI branch replaces it.)

/// Placeholder for the `sello` command line; the real one lives on the CLI branch.
pub fn main() -> std::process::ExitCode {
    eprintln!("sello: the command-line interface is not part of this build");
    std::process::ExitCode::FAILURE
}
