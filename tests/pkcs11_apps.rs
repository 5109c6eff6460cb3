//! Signing applications and `libsello.so` (issue 10 §2, §3): applications that call
//! `C_Login(CKU_USER)` once and then `C_Sign` with the signature key (9C,
//! `CKA_ALWAYS_AUTHENTICATE`), never `C_Login(CKU_CONTEXT_SPECIFIC)`. The module asks the holder
//! for that one signature through the session's pinentry.
//!
//! Judged by tools we did not write: pyHanko (PAdES signature made through the module and
//! validated by pyHanko against the CA), Java's SunPKCS11 provider (`keytool -list`,
//! `jarsigner` with the 9C key, `jarsigner -verify -strict` against the CA), and the real
//! `pinentry-gtk-2` under Xvfb, typed into with `xdotool`.
//!
//! The pinentry in most scenarios is a small shell script written for the test — a real process
//! boundary — that answers the PIN found in a file and logs every line it was sent.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rig::Bench;
use support::{module, module_path, wrong_pin, PIN};

const FAKE_PINENTRY: &str = r##"#!/bin/sh
# A pinentry for tests: Assuan on stdin/stdout, PIN from $FAKE_PINENTRY_PIN_FILE, every
# received line appended to $FAKE_PINENTRY_LOG.
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

/// A bench whose card has RSA-2048 in 9A ("Alice Holder") and P-256 in 9C ("Alice Signature"),
/// the 9C certificate made for document signing (keyUsage digitalSignature + nonRepudiation)
/// by a throwaway CA (`ca.crt`); the fake pinentry configured in standard mode
/// (`sello.toml`), answering the right PIN.
struct Signing {
    b: Bench,
}

impl Signing {
    fn start() -> Self {
        let b = Bench::start();
        b.yk(&[
            "-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", "9a.pem",
        ]);
        b.yk(&[
            "-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", "9c.pem",
        ]);
        b.make_ca();
        b.issue("9a.pem", "Alice Holder", "9a.crt");
        b.write(
            "sign.ext",
            b"keyUsage = critical, digitalSignature, nonRepudiation\n\
              subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
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
                "9c.pem",
                "-subj",
                "/CN=Alice Signature",
                "-days",
                "30",
                "-extfile",
                "sign.ext",
                "-out",
                "9c.crt",
            ],
        );
        b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "9a.crt"]);
        b.yk(&["-a", "import-certificate", "-s", "9c", "-i", "9c.crt"]);

        let program = b.path("fake-pinentry");
        std::fs::write(&program, FAKE_PINENTRY).expect("write script");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        b.write("pin", PIN.as_bytes());
        b.write(
            "sello.toml",
            format!("[pkcs11]\npinentry = \"{}\"\n", program.display()).as_bytes(),
        );
        Self { b }
    }

    /// The module's environment: the config, the fake pinentry's files, a private cache, and
    /// no display or terminal of the test's own.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut c = self.b.rig.command(program);
        // Tools we start load the module in English (the texts asserted), whatever the locale.
        c.current_dir(self.b.dir())
            .env("LC_ALL", "C")
            .env("SELLO_CONFIG", self.b.path("sello.toml"))
            .env("FAKE_PINENTRY_PIN_FILE", self.b.path("pin"))
            .env("FAKE_PINENTRY_LOG", self.b.path("pinentry.log"))
            .env("XDG_CACHE_HOME", self.b.path("cache"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("GPG_TTY")
            .stdin(std::process::Stdio::null());
        c
    }

    fn ok(&self, cmd: &mut std::process::Command) -> String {
        let out = cmd.output().expect("runs");
        let text = rig::text(&out);
        assert!(
            out.status.success(),
            "{cmd:?} failed ({}):\n{text}",
            out.status
        );
        text
    }

    fn pinentry_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.b.path("pinentry.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn getpins(&self) -> usize {
        self.pinentry_log()
            .iter()
            .filter(|l| *l == "GETPIN")
            .count()
    }
}

fn rv<T: std::fmt::Debug>(r: Result<T, cryptoki::error::Error>) -> cryptoki::error::RvError {
    match r {
        Err(cryptoki::error::Error::Pkcs11(rv, _)) => rv,
        other => panic!("expected a PKCS#11 error, got {other:?}"),
    }
}

/// Through cryptoki, in standard mode: `C_Login(CKU_USER)` and then `C_Sign` with 9C asks the
/// holder once per signature (no PIN kept), the dialog names the document-signing key and the
/// tries left; a wrong PIN fails that signature only; a context-specific login still works
/// without a dialog; with no pinentry that can be shown the signature is refused
/// (`CKR_USER_NOT_LOGGED_IN`) and the 9A key is unaffected.
#[test]
fn signature_key_after_user_login_asks_per_signature() {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::error::RvError;
    use cryptoki::mechanism::Mechanism;
    use cryptoki::object::{Attribute, ObjectClass};
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;
    use p256::ecdsa::signature::Verifier;

    let sg = Signing::start();
    let b = &sg.b;
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.path("cache"));
    std::env::set_var("SELLO_CONFIG", b.path("sello.toml"));
    std::env::set_var("FAKE_PINENTRY_PIN_FILE", b.path("pin"));
    std::env::set_var("FAKE_PINENTRY_LOG", b.path("pinentry.log"));

    let p = Pkcs11::new(module_path()).expect("load libsello.so");
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .expect("C_Initialize");
    let slot = *p
        .get_slots_with_token()
        .expect("slots")
        .first()
        .expect("token");
    let info = p.get_token_info(slot).expect("token info");
    assert!(info.login_required(), "standard mode: {info:?}");
    let s = p.open_ro_session(slot).expect("session");
    s.login(UserType::User, Some(&AuthPin::new(PIN.into())))
        .expect("C_Login(CKU_USER)");
    let find = |id: u8| {
        let found = s
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(vec![id]),
            ])
            .expect("find");
        assert_eq!(found.len(), 1);
        found[0]
    };
    let (auth, sign) = (find(1), find(2));
    let spki = pem::parse(b.read("9c.pem")).expect("9C public key PEM");
    let vk: p256::ecdsa::VerifyingKey =
        p256::pkcs8::DecodePublicKey::from_public_key_der(spki.contents()).expect("9C key");

    // Two signatures, two dialogs; each signature verifies.
    for n in 1..=2 {
        let msg = format!("document {n}");
        let raw = s
            .sign(&Mechanism::EcdsaSha256, sign, msg.as_bytes())
            .expect("9C signature after C_Login(CKU_USER)");
        let sig = p256::ecdsa::Signature::from_slice(&raw).expect("r||s");
        vk.verify(msg.as_bytes(), &sig).expect("verifies");
        assert_eq!(sg.getpins(), n, "one dialog per signature");
    }
    let log = sg.pinentry_log();
    let desc = log
        .iter()
        .find(|l| l.starts_with("SETDESC "))
        .expect("SETDESC");
    // The module runs in this process, so in this process's language: the texts come from
    // the same catalogue.
    let signature = sello::tr!("pkcs11-purpose-signature");
    assert!(desc.contains(&signature), "{desc}");
    assert!(desc.contains("9C"), "{desc}");
    assert!(desc.contains(&sello::tr!("tries-left", left = 3)), "{desc}");
    // The 9A key needs no dialog after C_Login.
    s.sign(&Mechanism::Sha256RsaPkcs, auth, b"auth")
        .expect("9A signature");
    assert_eq!(sg.getpins(), 2);

    // A wrong PIN from the dialog fails that signature, once, and is not retried; the session
    // stays logged in and the next dialog says so.
    b.write("pin", b"999999");
    assert_eq!(
        rv(s.sign(&Mechanism::EcdsaSha256, sign, b"wrong")),
        RvError::PinIncorrect
    );
    assert_eq!(sg.getpins(), 3, "no retry");
    b.write("pin", PIN.as_bytes());
    let before = sg.pinentry_log().len();
    s.sign(&Mechanism::EcdsaSha256, sign, b"right")
        .expect("right PIN");
    let log = sg.pinentry_log();
    assert!(
        log[before..]
            .iter()
            .any(|l| l.starts_with(&format!("SETERROR {}", wrong_pin(2)))),
        "{log:?}"
    );
    s.sign(&Mechanism::Sha256RsaPkcs, auth, b"still logged in")
        .expect("9A signature");

    // An application that does the context-specific login gets no dialog.
    let n = sg.getpins();
    s.sign_init(&Mechanism::EcdsaSha256, sign).expect("init");
    s.login(UserType::ContextSpecific, Some(&AuthPin::new(PIN.into())))
        .expect("context login");
    s.sign_update(b"with context login").expect("update");
    s.sign_final().expect("signature");
    assert_eq!(sg.getpins(), n, "no dialog with a context-specific login");
    drop(s);
    p.finalize().expect("C_Finalize");

    // No pinentry can be shown (the configured one is missing): refused, 9A unaffected.
    b.write(
        "sello.toml",
        b"[pkcs11]\npinentry = \"/nonexistent/pinentry-gnome3\"\n",
    );
    let p = Pkcs11::new(module_path()).expect("load libsello.so");
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .expect("C_Initialize");
    let s = p.open_ro_session(slot).expect("session");
    s.login(UserType::User, Some(&AuthPin::new(PIN.into())))
        .expect("C_Login(CKU_USER)");
    let sign = s
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(vec![2]),
        ])
        .expect("find")[0];
    assert_eq!(
        rv(s.sign(&Mechanism::EcdsaSha256, sign, b"no dialog")),
        RvError::UserNotLoggedIn
    );
    assert_eq!(sg.getpins(), n);
    drop(s);
    p.finalize().expect("C_Finalize");
}

/// A minimal one-page PDF (PDF 1.7, ISO 32000-1 §7.5: header, objects, cross-reference table
/// with 20-byte entries, trailer).
fn minimal_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A tool installed by `scripts/install-deps` under `target/tools/`.
fn tool(path: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools")
        .join(path);
    assert!(
        p.exists(),
        "{} missing: run scripts/install-deps (it installs the test tools)",
        p.display()
    );
    p
}

/// pyHanko (PyPI, in the venv `scripts/install-deps` makes) signs a PDF with the 9C key through
/// the module — it logs in with `CKU_USER` and calls `C_Sign`, never a context-specific login —
/// and validates the PAdES signature against the CA: intact, trusted, covering the document.
#[test]
fn pyhanko_signs_a_pdf_with_the_signature_key() {
    let pyhanko = tool("pyhanko/bin/pyhanko");
    let sg = Signing::start();
    let b = &sg.b;
    b.write("in.pdf", &minimal_pdf());
    b.write(
        "pyhanko.yml",
        format!(
            "pkcs11-setups:\n  sello:\n    module-path: \"{}\"\n    token-criteria:\n      \
             label: \"Alice Holder\"\n    cert-label: \"Certificate for Digital Signature\"\n    \
             key-label: \"SIGN key\"\n    user-pin: \"{PIN}\"\n",
            module()
        )
        .as_bytes(),
    );
    let out = sg.ok(sg.command(&pyhanko).args([
        "--config",
        "pyhanko.yml",
        "sign",
        "addsig",
        "--field",
        "Signature1",
        "--use-pades",
        "pkcs11",
        "--p11-setup",
        "sello",
        "in.pdf",
        "signed.pdf",
    ]));
    assert_eq!(sg.getpins(), 1, "one dialog for the one signature:\n{out}");
    let desc = sg
        .pinentry_log()
        .into_iter()
        .find(|l| l.starts_with("SETDESC "));
    assert!(
        desc.as_deref()
            .is_some_and(|d| d.contains("document-signing key")),
        "{desc:?}"
    );
    let report = sg.ok(sg.command(&pyhanko).args([
        "sign",
        "validate",
        "--trust",
        "ca.crt",
        "--pretty-print",
        "signed.pdf",
    ]));
    assert!(report.contains("Alice Signature"), "{report}");
    assert!(report.contains("The signature is judged VALID"), "{report}");
    // The same file with a byte of the signed content changed does not validate.
    let mut bad = b.read("signed.pdf");
    let at = bad
        .windows(7)
        .position(|w| w == b"/Count ")
        .expect("page count in the signed range");
    bad[at + 7] = b'7';
    b.write("tampered.pdf", &bad);
    let out = sg
        .command(&pyhanko)
        .args([
            "sign",
            "validate",
            "--trust",
            "ca.crt",
            "--pretty-print",
            "tampered.pdf",
        ])
        .output()
        .expect("runs");
    let text = rig::text(&out);
    assert!(
        !out.status.success() && !text.contains("judged VALID"),
        "{text}"
    );
}

/// Java's SunPKCS11 provider (Debian's openjdk-17-jdk-headless): `keytool -list` shows both
/// keys, `jarsigner` signs a jar with the 9C key (SunPKCS11 logs in with `CKU_USER` and signs;
/// the module asks the holder), and `jarsigner -verify -strict` accepts it against a truststore
/// holding only the CA.
#[test]
fn java_sunpkcs11_signs_a_jar_with_the_signature_key() {
    let sg = Signing::start();
    let b = &sg.b;
    b.write(
        "sello.cfg",
        format!("name = Sello\nlibrary = {}\nslotListIndex = 0\n", module()).as_bytes(),
    );
    let store = [
        "-keystore",
        "NONE",
        "-storetype",
        "PKCS11",
        "-providerClass",
        "sun.security.pkcs11.SunPKCS11",
        "-providerArg",
        "sello.cfg",
        "-storepass",
        PIN,
    ];
    let list = sg.ok(sg.command("keytool").arg("-list").args(store));
    assert!(list.contains("contains 2 entries"), "{list}");
    assert!(list.contains("Certificate for Digital Signature"), "{list}");
    assert_eq!(sg.getpins(), 0, "listing needs no signature");

    b.write("hello.txt", b"signed by a citizen card\n");
    sg.ok(sg.command("jar").args(["cf", "app.jar", "hello.txt"]));
    sg.ok(sg.command("jarsigner").args(store).args([
        "-sigalg",
        "SHA256withECDSA",
        "-signedjar",
        "signed.jar",
        "app.jar",
        "Certificate for Digital Signature",
    ]));
    assert_eq!(sg.getpins(), 1, "one dialog for the signature");
    // `-strict` turns jarsigner's warnings into exit bits (1 failure, 4 chain not validated or
    // expired, 8 unsigned entries, 16 key usage, 32 signer not an alias of the keystore). The
    // truststore holds only the CA, so 32 — and nothing else — is the answer for a good jar.
    let verify = |store: &str| {
        sg.ok(sg.command("keytool").args([
            "-importcert",
            "-noprompt",
            "-alias",
            "ca",
            "-file",
            store,
            "-keystore",
            &format!("{store}.p12"),
            "-storetype",
            "PKCS12",
            "-storepass",
            "changeit",
        ]));
        let out = sg
            .command("jarsigner")
            .args([
                "-verify",
                "-strict",
                "-verbose",
                "-certs",
                "-keystore",
                &format!("{store}.p12"),
                "-storepass",
                "changeit",
                "signed.jar",
            ])
            .output()
            .expect("jarsigner runs");
        (out.status.code(), rig::text(&out))
    };
    let (code, text) = verify("ca.crt");
    assert_eq!(code, Some(32), "{text}");
    assert!(text.contains("jar verified"), "{text}");
    assert!(text.contains("CN=Alice Signature"), "{text}");
    // Against another CA the chain does not validate (bit 4).
    sg.ok(sg.command("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "other.key",
        "-out",
        "other.crt",
        "-subj",
        "/CN=Other CA",
        "-days",
        "30",
    ]));
    let (code, text) = verify("other.crt");
    assert!(code.is_some_and(|c| c & 4 != 0), "{code:?} {text}");
}

/// Issue 10 §3: on a desktop the module chooses a graphical pinentry. Under Xvfb, with no
/// pinentry configured, `pin_mode = "pinentry"` and neither a terminal nor `GPG_TTY`,
/// `pkcs11-tool` signs with the 9C key; the module finds `pinentry-gtk-2` in `PATH` (a wrapper
/// there logs the Assuan lines and runs Debian's `/usr/bin/pinentry-gtk-2`), the dialog window
/// appears, is photographed (`target/test-artifacts/pkcs11_apps/pinentry-gtk2.xwd`, an
/// artifact, not an assertion), `xdotool` types the PIN, and the signature verifies with
/// openssl. The dialog names the card and the document-signing key.
#[test]
fn graphical_pinentry_on_a_desktop() {
    let sg = Signing::start();
    let b = &sg.b;
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts/pkcs11_apps");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let shot = artifacts.join("pinentry-gtk2.xwd");
    let _ = std::fs::remove_file(&shot);
    let bin = b.path("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let wrapper = bin.join("pinentry-gtk-2");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\n/usr/bin/tee -a \"$PINENTRY_LOG\" | /usr/bin/pinentry-gtk-2 \"$@\"\n",
    )
    .expect("wrapper");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    b.write("sello.toml", b"[pkcs11]\npin_mode = \"pinentry\"\n");
    b.write("data", b"signed through a graphical dialog");
    // The module sees PATH = the wrapper's directory only, so no other pinentry installed on
    // this machine can be chosen instead.
    let script = format!(
        r#"set -eu
PATH="{bin}" /usr/bin/pkcs11-tool --module "{module}" --sign --id 02 -m ECDSA-SHA256 \
  --signature-format openssl -i data -o sig > tool.out 2>&1 &
tool=$!
w=$(xdotool search --sync --onlyvisible --name '^Sello$' | head -n 1)
xdotool getwindowname "$w" > window-name
xwd -root -silent -out "{shot}"
xdotool windowfocus --sync "$w"
xdotool type --delay 30 "{PIN}"
xdotool key Return
wait $tool
"#,
        bin = bin.display(),
        module = module(),
        shot = shot.display(),
    );
    b.write("desktop.sh", script.as_bytes());
    let run = sg
        .command("timeout")
        .args([
            "60",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1024x768x24",
            "sh",
            "desktop.sh",
        ])
        .env("PINENTRY_LOG", b.path("assuan.log"))
        .output()
        .expect("xvfb-run runs");
    let out = rig::text(&run);
    let tool = std::fs::read_to_string(b.path("tool.out")).unwrap_or_default();
    assert!(
        run.status.success(),
        "{}: {out}\n--- pkcs11-tool ---\n{tool}\n--- assuan ---\n{}",
        run.status,
        std::fs::read_to_string(b.path("assuan.log")).unwrap_or_default()
    );
    assert_eq!(
        String::from_utf8_lossy(&b.read("window-name")).trim(),
        "Sello",
        "{out}{tool}"
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 0),
        "screenshot kept"
    );
    let assuan = String::from_utf8_lossy(&b.read("assuan.log")).into_owned();
    let desc = assuan
        .lines()
        .find(|l| l.starts_with("SETDESC "))
        .unwrap_or_else(|| panic!("no SETDESC:\n{assuan}"));
    assert!(desc.contains("Alice Holder"), "{desc}");
    assert!(desc.contains("document-signing key"), "{desc}");
    let verified = b.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            "9c.pem",
            "-signature",
            "sig",
            "data",
        ],
    );
    assert!(verified.contains("Verified OK"), "{verified}\n{tool}");
}
