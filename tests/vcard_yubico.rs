//! yubico-piv-tool 2.2.0 (a tool we did not write) against the virtual card, through a private
//! pcscd and vpcd.
#![cfg(feature = "virtual-card")]

mod rig;

use rig::Bench;

const NEW_MGM_KEY: &str = "0807060504030201080706050403020108070605040302AB";

#[test]
fn status_version_and_serial() {
    let b = Bench::start();
    assert!(b
        .yk(&["-a", "version"])
        .contains("Application version 5.7.1 found."));
    let status = b.yk(&["-a", "status"]);
    assert!(status.contains("Version:\t5.7.1"), "{status}");
    assert!(status.contains("Serial Number:\t10000001"), "{status}");
    assert!(
        status.contains("CHUID:\t3019d4e739da739ced39ce739d8368582108421084"),
        "{status}"
    );
    assert!(status.contains("CCC:\tf015a000000116ff02"), "{status}");
    assert!(status.contains("PIN tries left:\t3"), "{status}");
}

#[test]
fn verify_change_block_and_unblock_pin() {
    let b = Bench::start();
    assert!(b
        .yk(&["-a", "verify-pin", "-P", "123456"])
        .contains("Successfully verified PIN."));
    let wrong = b.yk_fails(&["-a", "verify-pin", "-P", "111111"]);
    assert!(wrong.contains("2 tries left"), "{wrong}");
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t2"));
    assert!(b
        .yk(&["-a", "change-pin", "-P", "123456", "-N", "24681357"])
        .contains("Successfully changed the pin code."));
    b.yk_fails(&["-a", "verify-pin", "-P", "123456"]);
    b.yk(&["-a", "verify-pin", "-P", "24681357"]);
    // Block it.
    b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    let blocked = b.yk_fails(&["-a", "verify-pin", "-P", "24681357"]);
    assert!(blocked.to_lowercase().contains("blocked"), "{blocked}");
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t0"));
    // Unblock with the PUK.
    assert!(b
        .yk(&["-a", "unblock-pin", "-P", "12345678", "-N", "13572468"])
        .contains("Successfully unblocked the pin code."));
    b.yk(&["-a", "verify-pin", "-P", "13572468"]);
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t3"));
    // Change the PUK too, and the old one stops working.
    b.yk(&["-a", "change-puk", "-P", "12345678", "-N", "87654321"]);
    b.yk_fails(&["-a", "unblock-pin", "-P", "12345678", "-N", "111111"]);
    b.yk(&["-a", "unblock-pin", "-P", "87654321", "-N", "111111"]);
}

#[test]
fn generate_import_and_read_certificates() {
    let b = Bench::start();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", "9c.pem",
    ]);
    let rsa = b.ok(
        "openssl",
        &["pkey", "-pubin", "-in", "9a.pem", "-noout", "-text"],
    );
    assert!(rsa.contains("Public-Key: (2048 bit)"), "{rsa}");
    let ec = b.ok(
        "openssl",
        &["pkey", "-pubin", "-in", "9c.pem", "-noout", "-text"],
    );
    assert!(ec.contains("prime256v1") || ec.contains("P-256"), "{ec}");
    b.make_ca();
    b.issue("9a.pem", "PIV Auth Holder", "9a.crt");
    b.issue("9c.pem", "Signature Holder", "9c.crt");
    for slot in ["9a", "9c"] {
        let out = b.yk(&[
            "-a",
            "import-certificate",
            "-s",
            slot,
            "-i",
            &format!("{slot}.crt"),
        ]);
        assert!(
            out.contains("Successfully imported a new certificate."),
            "{out}"
        );
        b.yk(&[
            "-a",
            "read-certificate",
            "-s",
            slot,
            "-o",
            &format!("{slot}.read"),
        ]);
        assert_eq!(
            b.read(&format!("{slot}.read")),
            b.read(&format!("{slot}.crt")),
            "slot {slot}"
        );
    }
    let status = b.yk(&["-a", "status"]);
    assert!(
        status.contains("Slot 9a:\t\n\tAlgorithm:\tRSA2048\n\tSubject DN:\tCN=PIV Auth Holder"),
        "{status}"
    );
    assert!(
        status.contains("Slot 9c:\t\n\tAlgorithm:\tECCP256\n\tSubject DN:\tCN=Signature Holder"),
        "{status}"
    );
    // The certificate's key is the on-card key: the tool signs with the card and checks the
    // signature against the certificate (RSA in 9a, ECDSA in 9c).
    for (slot, kind) in [("9a", "RSA"), ("9c", "ECDSA")] {
        let crt = format!("{slot}.crt");
        let out = b.yk(&[
            "-a",
            "verify-pin",
            "-P",
            "123456",
            "-a",
            "test-signature",
            "-s",
            slot,
            "-i",
            &crt,
        ]);
        assert!(
            out.contains(&format!("Successful {kind} verification.")),
            "{out}"
        );
    }
    // Key management: ECDH with a P-256 key in 9d, checked by the tool.
    b.yk(&[
        "-a", "generate", "-s", "9d", "-A", "ECCP256", "-o", "9d.pem",
    ]);
    b.issue("9d.pem", "Key Management Holder", "9d.crt");
    b.yk(&["-a", "import-certificate", "-s", "9d", "-i", "9d.crt"]);
    let out = b.yk(&[
        "-a",
        "verify-pin",
        "-P",
        "123456",
        "-a",
        "test-decipher",
        "-s",
        "9d",
        "-i",
        "9d.crt",
    ]);
    assert!(
        out.contains("Successfully performed ECDH exchange with card."),
        "{out}"
    );
    // Deleting a certificate empties the slot.
    b.yk(&["-a", "delete-certificate", "-s", "9d"]);
    b.yk_fails(&["-a", "read-certificate", "-s", "9d"]);
}

#[test]
fn pin_retries_and_reset() {
    let b = Bench::start();
    b.yk_fails(&["-a", "pin-retries", "--pin-retries=5", "--puk-retries=4"]);
    b.yk(&[
        "-a",
        "verify-pin",
        "-P",
        "123456",
        "-a",
        "pin-retries",
        "--pin-retries=5",
        "--puk-retries=4",
    ]);
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t5"));
    b.yk(&["-a", "generate", "-s", "9a", "-A", "ECCP256"]);
    // Reset is refused until PIN and PUK are both blocked.
    b.yk_fails(&["-a", "reset"]);
    for _ in 0..5 {
        b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    }
    for _ in 0..4 {
        b.yk_fails(&["-a", "unblock-pin", "-P", "00000000", "-N", "000000"]);
    }
    b.yk(&["-a", "reset"]);
    let status = b.yk(&["-a", "status"]);
    assert!(status.contains("PIN tries left:\t3"), "{status}");
    b.yk(&["-a", "verify-pin", "-P", "123456"]);
}

#[test]
fn attestation_chains_to_the_f9_certificate() {
    let b = Bench::start();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "ECCP384", "-o", "9a.pem",
    ]);
    let att = b.yk(&["-a", "attest", "-s", "9a"]);
    b.write("att.pem", att.as_bytes());
    let f9 = b.yk(&["-a", "read-certificate", "-s", "f9"]);
    b.write("f9.pem", f9.as_bytes());
    assert!(b
        .ok("openssl", &["verify", "-CAfile", "f9.pem", "att.pem"])
        .contains("att.pem: OK"));
    // The attested key is the generated one.
    let from_cert = b.ok("openssl", &["x509", "-in", "att.pem", "-pubkey", "-noout"]);
    assert_eq!(
        from_cert.trim(),
        String::from_utf8_lossy(&b.read("9a.pem")).trim()
    );
}

#[test]
fn set_management_key_then_authenticate_with_it_across_a_reinsert() {
    let mut b = Bench::start();
    let out = b.yk(&["-a", "set-mgm-key", "-n", NEW_MGM_KEY]);
    assert!(
        out.contains("Successfully set new management key."),
        "{out}"
    );
    // The default key no longer authenticates.
    let refused = b.yk_fails(&["-a", "generate", "-s", "9d", "-A", "ECCP256"]);
    assert!(refused.contains("Failed authentication"), "{refused}");
    // Pull the card and plug it back: the key is in the state file.
    b.rig.remove_card(0).expect("remove");
    b.rig.insert_card(0).expect("insert");
    let key_arg = format!("--key={NEW_MGM_KEY}");
    let out = b.yk(&[&key_arg, "-a", "generate", "-s", "9d", "-A", "ECCP256"]);
    assert!(out.contains("BEGIN PUBLIC KEY"), "{out}");
    // And back to the default.
    b.yk(&[
        &key_arg,
        "-a",
        "set-mgm-key",
        "-n",
        "010203040506070801020304050607080102030405060708",
    ]);
    b.yk(&["-a", "generate", "-s", "9d", "-A", "RSA2048"]);
}

#[test]
fn imported_keys_sign_for_their_certificates() {
    let b = Bench::start();
    b.make_ca();
    for (slot, genkey) in [
        (
            "9a",
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "9a.key",
            ][..],
        ),
        (
            "9e",
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-out",
                "9e.key",
            ][..],
        ),
    ] {
        b.ok("openssl", genkey);
        let key = format!("{slot}.key");
        let pubkey = format!("{slot}.pub");
        b.ok(
            "openssl",
            &["pkey", "-in", &key, "-pubout", "-out", &pubkey],
        );
        let out = b.yk(&["-a", "import-key", "-s", slot, "-i", &key]);
        assert!(
            out.contains("Successfully imported a new private key."),
            "{out}"
        );
        let crt = format!("{slot}.crt");
        b.issue(&pubkey, &format!("Imported {slot}"), &crt);
        b.yk(&["-a", "import-certificate", "-s", slot, "-i", &crt]);
        let out = b.yk(&[
            "-a",
            "verify-pin",
            "-P",
            "123456",
            "-a",
            "test-signature",
            "-s",
            slot,
            "-i",
            &crt,
        ]);
        let kind = if slot == "9a" { "RSA" } else { "ECDSA" };
        assert!(
            out.contains(&format!("Successful {kind} verification.")),
            "{out}"
        );
    }
    // Imported keys are not attested.
    b.yk_fails(&["-a", "attest", "-s", "9a"]);
}
