//! Shared helpers for the integration tests: a private pcscd with virtual cards
//! (`sello::virtual_card::rig`), and running tools we did not write against it.
#![allow(dead_code)]

#[cfg(feature = "ca")]
pub mod ca;

use std::path::{Path, PathBuf};
use std::process::Output;

use sello::virtual_card::rig::{Rig, RigOptions};

/// OpenSC's PKCS#11 module as Debian installs it.
pub const OPENSC_PKCS11: &str = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

/// A rig plus a scratch directory for tool input and output files.
pub struct Bench {
    pub rig: Rig,
    pub work: tempfile::TempDir,
}

impl Bench {
    /// One factory card (serial 10000001) in its own private pcscd.
    pub fn start() -> Self {
        let rig =
            Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard"))).expect("rig starts");
        let work = tempfile::tempdir().expect("work dir");
        Self { rig, work }
    }

    /// One factory card playing another card of the field (`sello-vcard --compat`).
    pub fn start_compat(compat: sello::virtual_card::Compat) -> Self {
        let rig = Rig::start(RigOptions::new(env!("CARGO_BIN_EXE_sello-vcard")).compat(compat))
            .expect("rig starts");
        let work = tempfile::tempdir().expect("work dir");
        Self { rig, work }
    }

    /// A path inside the scratch directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// Runs `program args` in the scratch directory with the rig's environment.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        self.rig
            .command(program)
            .args(args)
            .current_dir(self.work.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// Runs and requires success; returns stdout followed by stderr.
    pub fn ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args);
        let text = text(&out);
        assert!(
            out.status.success(),
            "{program} {args:?} failed ({}):\n{text}\n--- pcscd log ---\n{}",
            out.status,
            self.rig.pcscd_log()
        );
        text
    }

    /// Runs and requires failure; returns stdout followed by stderr.
    pub fn fails(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args);
        let text = text(&out);
        assert!(
            !out.status.success(),
            "{program} {args:?} should fail:\n{text}"
        );
        text
    }

    /// `yubico-piv-tool -r <our reader> args...`, required to succeed.
    pub fn yk(&self, args: &[&str]) -> String {
        let reader = self.rig.reader_name(0).expect("reader").to_string();
        let mut all = vec!["-r", reader.as_str()];
        all.extend_from_slice(args);
        self.ok("yubico-piv-tool", &all)
    }

    /// `yubico-piv-tool -r <our reader> args...`, required to fail.
    pub fn yk_fails(&self, args: &[&str]) -> String {
        let reader = self.rig.reader_name(0).expect("reader").to_string();
        let mut all = vec!["-r", reader.as_str()];
        all.extend_from_slice(args);
        self.fails("yubico-piv-tool", &all)
    }

    /// A throwaway CA (P-256) in the scratch directory: `ca.key`, `ca.crt`, and a CSR to re-key.
    /// A CA made by openssl for `sello activate --local-ca ca` (P-256, PKCS#8 key): `ca/ca.key`
    /// and `ca/ca.pem` (basicConstraints CA, keyCertSign + cRLSign, 30 days).
    pub fn make_local_ca(&self) {
        std::fs::create_dir_all(self.path("ca")).expect("ca dir");
        self.ok(
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "ca/ca.key",
            ],
        );
        self.ok(
            "openssl",
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca/ca.key",
                "-subj",
                "/C=ES/O=Sello tests/CN=Sello Test Issuing CA",
                "-days",
                "30",
                "-out",
                "ca/ca.pem",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }

    /// Debian's yubico-piv-tool 2.2.0 cannot self-sign or make CSRs under OpenSSL 3, so
    /// certificates for on-card keys are made with `openssl x509 -req -force_pubkey`.
    pub fn make_ca(&self) {
        self.ok(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=Sello Test CA",
                "-days",
                "30",
            ],
        );
        self.ok(
            "openssl",
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "holder.key",
                "-out",
                "holder.csr",
                "-subj",
                "/CN=Holder",
            ],
        );
    }

    /// Issues `<out>` (PEM) for the public key in `pubkey_pem`, with subject CN=`cn`, valid 30 days.
    pub fn issue(&self, pubkey_pem: &str, cn: &str, out: &str) {
        self.issue_for_days(pubkey_pem, cn, "30", out);
    }

    /// Like [`Bench::issue`], valid for `days`.
    pub fn issue_for_days(&self, pubkey_pem: &str, cn: &str, days: &str, out: &str) {
        self.ok(
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
                pubkey_pem,
                "-subj",
                &format!("/CN={cn}"),
                "-days",
                days,
                "-out",
                out,
            ],
        );
    }

    /// Has the card's authentication key (`CKA_ID` 01) sign `data` through OpenSC's PKCS#11 module
    /// (a module we did not write) with `mechanism`, then checks the signature with openssl against
    /// the public key of the certificate in the scratch file `cert_pem`.
    pub fn sign_with_opensc_and_verify(
        &self,
        pin: &str,
        mechanism: &str,
        data: &[u8],
        cert_pem: &str,
    ) {
        self.write("data.txt", data);
        self.ok(
            "pkcs11-tool",
            &[
                "--module",
                OPENSC_PKCS11,
                "--login",
                "--pin",
                pin,
                "--sign",
                "--id",
                "01",
                "-m",
                mechanism,
                "--input-file",
                "data.txt",
                "--output-file",
                "data.sig",
                "--signature-format",
                "openssl",
            ],
        );
        self.ok(
            "openssl",
            &[
                "x509",
                "-in",
                cert_pem,
                "-noout",
                "-pubkey",
                "-out",
                "signer.pub",
            ],
        );
        let verified = self.ok(
            "openssl",
            &[
                "dgst",
                "-sha256",
                "-verify",
                "signer.pub",
                "-signature",
                "data.sig",
                "data.txt",
            ],
        );
        assert!(verified.contains("Verified OK"), "{verified}");
    }

    /// Reads a scratch file.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }

    /// Writes a scratch file, mode 0600 (secret files must be private).
    pub fn write(&self, name: &str, data: &[u8]) {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(self.path(name))
            .and_then(|mut f| f.write_all(data))
            .expect("write scratch file");
    }

    /// The scratch directory.
    pub fn dir(&self) -> &Path {
        self.work.path()
    }
}

/// stdout followed by stderr, lossily decoded.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
