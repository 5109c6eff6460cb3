//! A running `sello-ca` (the real binary) for tests: `init` in a temporary directory, `serve` on
//! free loopback ports, `enroll-code`. The server is killed on drop.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// A running local CA.
pub struct LocalCa {
    pub dir: tempfile::TempDir,
    pub child: Child,
    /// host:port of the EST server (HTTPS).
    pub est: String,
    /// host:port of the plain-HTTP CRL server.
    pub crl: String,
    bin: PathBuf,
}

impl Drop for LocalCa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl LocalCa {
    /// Runs `sello-ca ARGS` and returns its output (in English: `LC_ALL=C`, whatever the
    /// machine's locale).
    pub fn run(bin: &str, args: &[&str]) -> Output {
        Command::new(bin)
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .expect("run sello-ca")
    }

    /// Runs `sello-ca ARGS`, requires success, returns stdout.
    pub fn run_ok(bin: &str, args: &[&str]) -> String {
        let out = Self::run(bin, args);
        assert!(
            out.status.success(),
            "sello-ca {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf8")
    }

    /// `init` (with `config_edit` applied to the generated config.toml), then `serve`.
    pub fn start(bin: &str, config_edit: impl FnOnce(String) -> String) -> Self {
        Self::start_full(bin, &[], 0, config_edit)
    }

    /// As [`Self::start`], with extra `init` arguments.
    pub fn start_with(
        bin: &str,
        init_args: &[&str],
        config_edit: impl FnOnce(String) -> String,
    ) -> Self {
        Self::start_full(bin, init_args, 0, config_edit)
    }

    /// As [`Self::start`], the CRL served on `crl_port` (0: any free port).
    pub fn start_with_crl_port(
        bin: &str,
        crl_port: u16,
        config_edit: impl FnOnce(String) -> String,
    ) -> Self {
        Self::start_full(bin, &[], crl_port, config_edit)
    }

    /// `init` with extra arguments, the config edited, `serve` with the CRL on `crl_port`.
    fn start_full(
        bin: &str,
        init_args: &[&str],
        crl_port: u16,
        config_edit: impl FnOnce(String) -> String,
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca_dir = dir.path().join("ca");
        let mut args = vec!["init", "--dir", ca_dir.to_str().expect("utf8 path")];
        args.extend_from_slice(init_args);
        Self::run_ok(bin, &args);
        let config_path = ca_dir.join("config.toml");
        let config = std::fs::read_to_string(&config_path).expect("config");
        std::fs::write(&config_path, config_edit(config)).expect("write config");
        let log = std::fs::File::create(dir.path().join("serve.log")).expect("log");
        let mut child = Command::new(bin)
            .args(["serve", "--dir"])
            .arg(&ca_dir)
            .env("LC_ALL", "C")
            .args(["--listen", "127.0.0.1:0", "--crl-listen"])
            .arg(format!("127.0.0.1:{crl_port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut addr = || {
            let line = lines.next().expect("a line").expect("readable");
            let start = line.find("127.0.0.1:").expect("address in line");
            line[start..]
                .split('/')
                .next()
                .expect("host:port")
                .to_string()
        };
        let est = addr();
        let crl = addr();
        Self {
            dir,
            child,
            est,
            crl,
            bin: PathBuf::from(bin),
        }
    }

    /// The CA directory.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().join("ca")
    }

    /// A file in the CA directory, as a string path.
    pub fn path(&self, name: &str) -> String {
        self.dir().join(name).to_str().expect("utf8").to_string()
    }

    /// The EST base URL.
    pub fn est_url(&self) -> String {
        format!("https://{}", self.est)
    }

    /// Registers an identity and returns its one-time enrollment code.
    pub fn enroll_code(
        &self,
        nif: &str,
        given: &str,
        surnames: &str,
        email: &str,
        valid_days: Option<u32>,
    ) -> String {
        let dir = self.path("");
        let days = valid_days.map(|d| d.to_string());
        let mut args = vec![
            "enroll-code",
            "--dir",
            &dir,
            "--nif",
            nif,
            "--given-name",
            given,
            "--surnames",
            surnames,
            "--email",
            email,
        ];
        if let Some(d) = &days {
            args.extend(["--valid-days", d]);
        }
        let bin = self.bin.to_str().expect("utf8");
        let code = Self::run_ok(bin, &args).trim().to_string();
        assert_eq!(code.len(), 10, "code {code:?}");
        code
    }
}
