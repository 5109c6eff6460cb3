//! Command-line interface (skeleton; commands land with the driver).

/// Entry point of the `sello` binary.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
