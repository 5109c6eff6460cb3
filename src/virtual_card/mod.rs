//! Virtual PIV card (skeleton).

/// Entry point of `sello-vcard`.
pub fn cli_main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
