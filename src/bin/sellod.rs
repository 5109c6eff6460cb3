//! `sellod`: the Sello daemon (readers, card jobs, local API).
fn main() -> std::process::ExitCode {
    sello::daemon::main()
}
