//! `sello-vcard`: a virtual PIV card plugged into pcscd through vpcd.
fn main() -> std::process::ExitCode {
    sello::virtual_card::cli_main()
}
