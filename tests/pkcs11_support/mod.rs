//! Helpers shared by the `pkcs11_*` integration tests: where the built module is, and a card
//! provisioned with keys and certificates by tools we did not write (yubico-piv-tool, openssl).
#![allow(dead_code)]

use std::path::PathBuf;

use crate::rig::Bench;

/// The PIN, PUK of a factory card.
pub const PIN: &str = "123456";
/// The factory PUK.
pub const PUK: &str = "12345678";

/// The module `cargo test` built: `target/<profile>/deps/libsello.so` (or the `cargo build` copy).
pub fn module_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // `cargo test` leaves the cdylib it builds in `deps/` beside the test binary; `cargo build`
    // puts it one level up.
    let deps = exe.parent().expect("target/<profile>/deps");
    let so = [deps.join("libsello.so"), deps.join("../libsello.so")]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| deps.join("libsello.so"));
    assert!(
        so.exists(),
        "{} missing: build the module first (cargo build --lib)",
        so.display()
    );
    so
}

/// The module path as a string for command lines.
pub fn module() -> String {
    module_path().display().to_string()
}

/// Generates RSA-2048 in 9A and P-256 in 9C (optionally P-256 in 9D, for ECDH) with yubico-piv-tool and
/// imports certificates issued by a throwaway CA: 9A for "Alice Holder", 9C for "Alice
/// Signature". Leaves `9a.pem`, `9c.pem` (public keys) and the certificates in the work dir.
pub fn provision(b: &Bench, with_9d: bool) {
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", "9c.pem",
    ]);
    b.make_ca();
    b.issue("9a.pem", "Alice Holder", "9a.crt");
    b.issue("9c.pem", "Alice Signature", "9c.crt");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a.crt"]);
    b.yk(&["-a", "import-certificate", "-s", "9c", "-i", "9c.crt"]);
    if with_9d {
        b.yk(&[
            "-a", "generate", "-s", "9d", "-A", "ECCP256", "-o", "9d.pem",
        ]);
        b.issue("9d.pem", "Alice Encryption", "9d.crt");
        b.yk(&["-a", "import-certificate", "-s", "9d", "-i", "9d.crt"]);
    }
}

/// The pinentry error line after a wrong PIN, as the module words it when it runs in
/// this process (same catalogue, same language).
pub fn wrong_pin(left: u8) -> String {
    sello::tr!(
        "pkcs11-pinentry-wrong",
        tries = sello::tr!("tries-left", left = left)
    )
}
