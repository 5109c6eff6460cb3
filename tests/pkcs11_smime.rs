//! S/MIME with the citizen card through `libsello.so` (issue 10 §4): sign with the signature key
//! (9C), encrypt to the key-management certificate (9D, RSA key transport), decrypt on the card.
//!
//! Judged by tools we did not write: NSS's `cmsutil` (sign, encrypt, decrypt through the module
//! registered in an NSS database), OpenSSL `cms` (verifies the NSS signature against the CA;
//! encrypts with AES-256 and RSA-OAEP, decrypts through libp11's PKCS#11 engine — Debian 12 has
//! no `pkcs11-provider` package).

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;

use rig::Bench;
use support::{module, PIN};

const EMAIL: &str = "alice@example.org";

const FAKE_PINENTRY: &str = r##"#!/bin/sh
echo "OK Pleased to meet you"
while IFS= read -r line; do
  printf '%s\n' "$line" >> "$FAKE_PINENTRY_LOG"
  case "$line" in
    GETPIN) echo "D $(cat "$FAKE_PINENTRY_PIN_FILE")"; echo "OK" ;;
    BYE) echo "OK closing connection"; exit 0 ;;
    *) echo "OK" ;;
  esac
done
"##;

/// Issues `out` for the public key `pubkey` with the extensions in `ext` (OpenSSL x509v3
/// config lines) and the holder's e-mail in subjectAltName.
fn issue(b: &Bench, pubkey: &str, cn: &str, ext: &str, out: &str) {
    let file = format!("{out}.ext");
    b.write(
        &file,
        format!(
            "{ext}\nsubjectAltName = email:{EMAIL}\nsubjectKeyIdentifier = hash\n\
             authorityKeyIdentifier = keyid\n"
        )
        .as_bytes(),
    );
    b.ok(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "holder.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-force_pubkey",
            pubkey,
            "-subj",
            &format!("/CN={cn}"),
            "-days",
            "30",
            "-extfile",
            &file,
            "-out",
            out,
        ],
    );
}

/// Runs a tool in the bench with the module's environment and a timeout (a PIN line on
/// standard input). Without a controlling terminal (setsid) a PIN prompt reads standard input: libp11 asks
/// for the context-specific PIN of the 9C key through OpenSSL's UI, not its config.
fn run_tool(b: &Bench, program: &str, args: &[&str]) -> String {
    let out = b
        .rig
        .command("setsid")
        .args(["-w", "timeout", "120"])
        .arg(program)
        .args(args)
        .current_dir(b.dir())
        .env("SELLO_CONFIG", b.path("sello.toml"))
        .env("FAKE_PINENTRY_PIN_FILE", b.path("pin"))
        .env("FAKE_PINENTRY_LOG", b.path("pinentry.log"))
        .env("XDG_CACHE_HOME", b.path("cache"))
        .env("OPENSSL_CONF", b.path("openssl.cnf"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("GPG_TTY")
        .stdin(std::fs::File::open(b.path("pin-line")).expect("pin line"))
        .output()
        .expect("runs");
    let text = rig::text(&out);
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}):\n{text}",
        out.status
    );
    text
}

#[test]
fn smime_sign_encrypt_decrypt() {
    let b = Bench::start();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", "9c.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9d", "-A", "RSA2048", "-o", "9d.pem",
    ]);
    b.make_ca();
    b.issue("9a.pem", "Alice Holder", "9a.crt");
    issue(
        &b,
        "9c.pem",
        "Alice Signature",
        "keyUsage = critical, digitalSignature, nonRepudiation\nextendedKeyUsage = emailProtection",
        "9c.crt",
    );
    issue(
        &b,
        "9d.pem",
        "Alice Encryption",
        "keyUsage = critical, keyEncipherment\nextendedKeyUsage = emailProtection",
        "9d.crt",
    );
    for s in ["9a", "9c", "9d"] {
        b.yk(&[
            "-a",
            "import-certificate",
            "-s",
            s,
            "-i",
            &format!("{s}.crt"),
        ]);
    }
    // The module's dialog for 9C signatures, in case the application does not authorize them.
    let program = b.path("fake-pinentry");
    std::fs::write(&program, FAKE_PINENTRY).expect("script");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    b.write("pin", PIN.as_bytes());
    b.write("pw", PIN.as_bytes());
    b.write(
        "sello.toml",
        format!("[pkcs11]\npinentry = \"{}\"\n", program.display()).as_bytes(),
    );
    b.write("pin-line", format!("{PIN}\n").as_bytes());
    let run = |program: &str, args: &[&str]| run_tool(&b, program, args);

    // An NSS database with the module and the CA trusted for e-mail.
    std::fs::create_dir(b.path("db")).expect("db dir");
    run("certutil", &["-N", "-d", "sql:db", "--empty-password"]);
    run(
        "modutil",
        &[
            "-force",
            "-add",
            "sello",
            "-libfile",
            &module(),
            "-dbdir",
            "sql:db",
        ],
    );
    run(
        "certutil",
        &[
            "-A",
            "-d",
            "sql:db",
            "-n",
            "citizen-ca",
            "-t",
            "C,C,C",
            "-i",
            "ca.crt",
        ],
    );
    let listed = run("certutil", &["-L", "-d", "sql:db", "-h", "all"]);
    assert!(
        listed.contains("Alice Holder:Certificate for Key Management"),
        "{listed}"
    );

    // OpenSSL through libp11's engine (Debian 12 has no pkcs11-provider package).
    b.write(
        "openssl.cnf",
        format!(
            "openssl_conf = openssl_init\n[openssl_init]\nengines = engine_section\n\
             [engine_section]\npkcs11 = pkcs11_section\n[pkcs11_section]\nengine_id = pkcs11\n\
             MODULE_PATH = {}\nPIN = {PIN}\ninit = 0\n",
            module()
        )
        .as_bytes(),
    );
    // Sign with 9C through OpenSSL (libp11 logs in CKU_CONTEXT_SPECIFIC), check with NSS and with
    // OpenSSL against the CA.
    b.write(
        "mail.txt",
        b"Content-Type: text/plain\r\n\r\nSigned by a citizen card.\r\n",
    );
    run(
        "openssl",
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-md",
            "sha256",
            "-in",
            "mail.txt",
            "-signer",
            "9c.crt",
            "-engine",
            "pkcs11",
            "-keyform",
            "engine",
            "-inkey",
            "pkcs11:object=SIGN%20key;type=private",
            "-outform",
            "DER",
            "-out",
            "signed.p7",
        ],
    );
    // A signed mail (`{name}.p7`) is decoded by NSS and verified by OpenSSL against the CA; both
    // must give back the mail.
    let check_signed = |name: &str| {
        let (p7, decoded_out, verified_out) = (
            format!("{name}.p7"),
            format!("{name}.out"),
            format!("{name}-verified.txt"),
        );
        let decoded = run(
            "cmsutil",
            &[
                "-D",
                "-d",
                "sql:db",
                "-f",
                "pw",
                "-i",
                &p7,
                "-o",
                &decoded_out,
                "-v",
            ],
        );
        assert_eq!(b.read(&decoded_out), b.read("mail.txt"), "{decoded}");
        let verified = run(
            "openssl",
            &[
                "cms",
                "-verify",
                "-inform",
                "DER",
                "-in",
                &p7,
                "-CAfile",
                "ca.crt",
                "-purpose",
                "smimesign",
                "-out",
                &verified_out,
            ],
        );
        assert!(verified.contains("Verification successful"), "{verified}");
        assert_eq!(b.read(&verified_out), b.read("mail.txt"));
    };
    check_signed("signed");

    // And with NSS itself: cmsutil signs with the 9C key (NSS does the context-specific login
    // of a CKA_ALWAYS_AUTHENTICATE key with the password file), NSS decodes and OpenSSL verifies.
    let sign_nick = listed
        .lines()
        .find(|l| l.contains(":Certificate for Digital Signature"))
        .and_then(|l| l.split("  ").next())
        .map(str::trim)
        .expect("the 9C certificate in NSS")
        .to_owned();
    run(
        "cmsutil",
        &[
            "-S",
            "-N",
            &sign_nick,
            "-H",
            "SHA256",
            "-d",
            "sql:db",
            "-f",
            "pw",
            "-i",
            "mail.txt",
            "-o",
            "nss-signed.p7",
        ],
    );
    check_signed("nss-signed");

    // Encrypt to the 9D certificate (a sender has it in its own database, as after receiving a
    // signed mail; cmsutil finds it by e-mail), decrypt with NSS on the card.
    run(
        "certutil",
        &[
            "-A",
            "-d",
            "sql:db",
            "-n",
            "alice-encryption",
            "-t",
            ",,",
            "-i",
            "9d.crt",
        ],
    );
    run(
        "cmsutil",
        &[
            "-E", "-d", "sql:db", "-r", EMAIL, "-i", "mail.txt", "-o", "enc.p7",
        ],
    );
    run(
        "cmsutil",
        &[
            "-D", "-d", "sql:db", "-f", "pw", "-i", "enc.p7", "-o", "dec.txt",
        ],
    );
    assert_eq!(b.read("dec.txt"), b.read("mail.txt"));

    for (name, opts) in [
        ("pkcs1", &[][..]),
        ("oaep", &["-keyopt", "rsa_padding_mode:oaep"][..]),
    ] {
        let enc = format!("{name}.p7");
        // Encryption needs no card: OpenSSL's own configuration, without the engine.
        let mut args = vec![
            "-u",
            "OPENSSL_CONF",
            "openssl",
            "cms",
            "-encrypt",
            "-aes256",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "mail.txt",
            "-out",
            &enc,
            "-recip",
            "9d.crt",
        ];
        args.extend_from_slice(opts);
        run("env", &args);
        let dec = format!("{name}.txt");
        run(
            "openssl",
            &[
                "cms",
                "-decrypt",
                "-binary",
                "-inform",
                "DER",
                "-in",
                &enc,
                "-recip",
                "9d.crt",
                "-engine",
                "pkcs11",
                "-keyform",
                "engine",
                "-inkey",
                "pkcs11:object=KEY%20MAN%20key;type=private",
                "-out",
                &dec,
            ],
        );
        assert_eq!(b.read(&dec), b.read("mail.txt"), "{name}");
    }
}

/// A P-256 key-management key (9D): mail encrypted to it by ECDH key agreement (RFC 5753,
/// dhSinglePass-stdDH) is opened on the card with `C_DeriveKey(CKM_ECDH1_DERIVE)` by OpenSSL
/// through libp11's engine. (NSS 3.87's `cmsutil` has no EC recipients: it cannot encrypt to
/// an EC certificate, SEC_ERROR_INVALID_ALGORITHM, nor decode OpenSSL's envelope.)
#[test]
fn smime_ecdh_key_agreement() {
    let b = Bench::start();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
    ]);
    b.yk(&[
        "-a", "generate", "-s", "9d", "-A", "ECCP256", "-o", "9d.pem",
    ]);
    b.make_ca();
    b.issue("9a.pem", "Alice Holder", "9a.crt");
    issue(
        &b,
        "9d.pem",
        "Alice Encryption",
        "keyUsage = critical, keyAgreement\nextendedKeyUsage = emailProtection",
        "9d.crt",
    );
    for s in ["9a", "9d"] {
        b.yk(&[
            "-a",
            "import-certificate",
            "-s",
            s,
            "-i",
            &format!("{s}.crt"),
        ]);
    }
    b.write("pin-line", format!("{PIN}\n").as_bytes());
    b.write("sello.toml", b"");
    b.write(
        "mail.txt",
        b"Content-Type: text/plain\r\n\r\nFor Alice only.\r\n",
    );
    let run = |program: &str, args: &[&str]| run_tool(&b, program, args);
    run(
        "env",
        &[
            "-u",
            "OPENSSL_CONF",
            "openssl",
            "cms",
            "-encrypt",
            "-aes256",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "mail.txt",
            "-out",
            "ecdh.p7",
            "-recip",
            "9d.crt",
        ],
    );
    b.write(
        "openssl.cnf",
        format!(
            "openssl_conf = openssl_init\n[openssl_init]\nengines = engine_section\n\
             [engine_section]\npkcs11 = pkcs11_section\n[pkcs11_section]\nengine_id = pkcs11\n\
             MODULE_PATH = {}\nPIN = {PIN}\ninit = 0\n",
            module()
        )
        .as_bytes(),
    );
    run(
        "openssl",
        &[
            "cms",
            "-decrypt",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "ecdh.p7",
            "-recip",
            "9d.crt",
            "-engine",
            "pkcs11",
            "-keyform",
            "engine",
            "-inkey",
            "pkcs11:object=KEY%20MAN%20key;type=private",
            "-out",
            "openssl.txt",
        ],
    );
    assert_eq!(b.read("openssl.txt"), b.read("mail.txt"));
}
