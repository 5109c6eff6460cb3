//! `sello`: the command-line tool for operators and citizens.
fn main() -> std::process::ExitCode {
    sello::cli::main()
}
