//! OpenSC 0.23 (opensc-tool, pkcs15-tool, pkcs11-tool with opensc-pkcs11.so) against the virtual
//! card, through a private pcscd and vpcd. Keys and certificates are provisioned with
//! yubico-piv-tool, signatures are checked with openssl: no code of ours on the checking side.

mod rig;

use rig::{Bench, OPENSC_PKCS11};

/// A card with an RSA-2048 key + certificate in 9A and a P-256 key + certificate in 9C.
fn provisioned() -> Bench {
    let b = Bench::start();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", "9c.pem",
    ]);
    b.make_ca();
    b.issue("9a.pem", "OpenSC Auth", "9a.crt");
    b.issue("9c.pem", "OpenSC Sign", "9c.crt");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a.crt"]);
    b.yk(&["-a", "import-certificate", "-s", "9c", "-i", "9c.crt"]);
    b
}

fn p11(b: &Bench, args: &[&str]) -> String {
    let mut all = vec!["--module", OPENSC_PKCS11];
    all.extend_from_slice(args);
    b.ok("pkcs11-tool", &all)
}

#[test]
fn opensc_tool_names_a_piv_card() {
    let b = Bench::start();
    let name = b.ok("opensc-tool", &["-n"]);
    assert!(
        name.contains("Personal Identity Verification Card"),
        "{name}"
    );
    let atr = b.ok("opensc-tool", &["-a"]);
    let expected = hex::encode(sello::virtual_card::DEFAULT_ATR)
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":");
    assert!(atr.contains(&expected), "{atr}");
    let readers = b.ok("opensc-tool", &["-l"]);
    assert!(
        readers.contains("Yes             Virtual PCD 00 00"),
        "{readers}"
    );
    // Raw APDUs through OpenSC: SELECT by the truncated AID, GET VERSION.
    let out = b.ok(
        "opensc-tool",
        &[
            "-s",
            "00:A4:04:00:09:A0:00:00:03:08:00:00:10:00",
            "-s",
            "00:FD:00:00:00",
        ],
    );
    assert!(out.contains("SW1=0x90, SW2=0x00"), "{out}");
    assert!(out.contains("05 07 01"), "{out}");
}

#[test]
fn pkcs15_tool_lists_keys_and_certificates() {
    let b = provisioned();
    let dump = b.ok("pkcs15-tool", &["-D"]);
    for expected in [
        "X.509 Certificate [Certificate for PIV Authentication]",
        "X.509 Certificate [Certificate for Digital Signature]",
        "Private RSA Key [PIV AUTH key]",
        "Private EC Key [SIGN key]",
        "Manufacturer ID: piv_II",
    ] {
        assert!(dump.contains(expected), "missing {expected:?} in:\n{dump}");
    }
    let certs = b.ok("pkcs15-tool", &["--list-certificates"]);
    assert!(
        certs.contains("[Certificate for Digital Signature]"),
        "{certs}"
    );
    assert!(certs.contains("ID             : 02"), "{certs}");
    // The certificate OpenSC reads is the one we imported.
    b.ok("pkcs15-tool", &["--read-certificate", "01", "-o", "01.pem"]);
    b.ok(
        "openssl",
        &["x509", "-in", "01.pem", "-outform", "DER", "-out", "01.der"],
    );
    b.ok(
        "openssl",
        &["x509", "-in", "9a.crt", "-outform", "DER", "-out", "9a.der"],
    );
    assert_eq!(b.read("01.der"), b.read("9a.der"));
}

#[test]
fn pkcs11_tool_signs_with_rsa_and_ecdsa_and_openssl_verifies() {
    let b = provisioned();
    let objects = p11(&b, &["--list-objects"]);
    assert!(
        objects.contains("Certificate for PIV Authentication"),
        "{objects}"
    );
    assert!(
        objects.contains("Public Key Object; EC  EC_POINT 256 bits"),
        "{objects}"
    );
    b.write("data", b"a document to sign on a virtual PIV card");
    b.ok(
        "openssl",
        &[
            "x509", "-in", "9a.crt", "-pubkey", "-noout", "-out", "9a.pub",
        ],
    );

    // RSA PKCS#1 v1.5 over SHA-256, hashed by OpenSC.
    p11(
        &b,
        &[
            "--login",
            "--pin",
            "123456",
            "--sign",
            "-m",
            "SHA256-RSA-PKCS",
            "--id",
            "01",
            "-i",
            "data",
            "-o",
            "rsa.sig",
        ],
    );
    let v = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pub",
            "-signature",
            "rsa.sig",
            "data",
        ],
    );
    assert!(v.contains("Verified OK"), "{v}");

    // Raw RSA-PKCS: the card's raw private operation over OpenSC's padding.
    p11(
        &b,
        &[
            "--login", "--pin", "123456", "--sign", "-m", "RSA-PKCS", "--id", "01", "-i", "data",
            "-o", "raw.sig",
        ],
    );
    b.ok(
        "openssl",
        &[
            "pkeyutl",
            "-verifyrecover",
            "-pubin",
            "-inkey",
            "9a.pub",
            "-in",
            "raw.sig",
            "-out",
            "recovered",
        ],
    );
    assert_eq!(b.read("recovered"), b.read("data"));

    // ECDSA P-256 in 9C (PIN always: pkcs11-tool logs in again for the signature).
    p11(
        &b,
        &[
            "--login",
            "--pin",
            "123456",
            "--sign",
            "-m",
            "ECDSA-SHA256",
            "--id",
            "02",
            "-i",
            "data",
            "-o",
            "ec.sig",
            "--signature-format",
            "openssl",
        ],
    );
    // The public key as read from the card through PKCS#11.
    p11(
        &b,
        &[
            "--read-object",
            "--type",
            "pubkey",
            "--id",
            "02",
            "-o",
            "02.der",
        ],
    );
    b.ok(
        "openssl",
        &[
            "pkey", "-pubin", "-inform", "DER", "-in", "02.der", "-out", "02.pem",
        ],
    );
    let v = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "02.pem",
            "-signature",
            "ec.sig",
            "data",
        ],
    );
    assert!(v.contains("Verified OK"), "{v}");
    assert_eq!(
        b.ok("openssl", &["pkey", "-pubin", "-in", "02.pem"]),
        b.ok("openssl", &["pkey", "-pubin", "-in", "9c.pem"]),
        "PKCS#11 public key is the generated one"
    );
}

#[test]
fn pkcs11_login_counts_down_and_change_pin_works() {
    let b = provisioned();
    let mut all = vec![
        "--module",
        OPENSC_PKCS11,
        "--login",
        "--pin",
        "999999",
        "--list-objects",
    ];
    let out = b.fails("pkcs11-tool", &all);
    assert!(out.contains("CKR_PIN_INCORRECT"), "{out}");
    assert!(b.yk(&["-a", "status"]).contains("PIN tries left:\t2"));
    p11(
        &b,
        &[
            "--login",
            "--pin",
            "123456",
            "--change-pin",
            "--new-pin",
            "654321",
        ],
    );
    all[4] = "654321";
    b.ok("pkcs11-tool", &all);
    // The good login restored the counter: one wrong try now leaves two.
    let out = b.yk_fails(&["-a", "verify-pin", "-P", "000000"]);
    assert!(out.contains("2 tries left"), "{out}");
}

#[test]
fn keys_survive_pulling_the_card() {
    let mut b = provisioned();
    b.rig.remove_card(0).expect("remove");
    let gone = b.fails("opensc-tool", &["-n"]);
    assert!(
        gone.contains("No smart card")
            || gone.contains("not present")
            || gone.contains("Card not present"),
        "{gone}"
    );
    b.rig.insert_card(0).expect("insert");
    b.write("data", b"after re-insert");
    p11(
        &b,
        &[
            "--login",
            "--pin",
            "123456",
            "--sign",
            "-m",
            "SHA256-RSA-PKCS",
            "--id",
            "01",
            "-i",
            "data",
            "-o",
            "rsa.sig",
        ],
    );
    b.ok(
        "openssl",
        &[
            "x509", "-in", "9a.crt", "-pubkey", "-noout", "-out", "9a.pub",
        ],
    );
    let v = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9a.pub",
            "-signature",
            "rsa.sig",
            "data",
        ],
    );
    assert!(v.contains("Verified OK"), "{v}");
}
