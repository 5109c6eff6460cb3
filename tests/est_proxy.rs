//! Registration points behind an HTTP proxy: the EST client reaches the CA through Debian's
//! `tinyproxy` (an independent CONNECT proxy on loopback) given by `--proxy` or `HTTPS_PROXY`,
//! goes direct for hosts in `NO_PROXY`, and reports a proxy that refuses the tunnel as such.
#![cfg(all(feature = "ca", feature = "virtual-card"))]

mod rig;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use rig::ca::LocalCa;
use rig::{text, Bench};
use sello::enroll::est::{EstClient, EstClientConfig, EstError, ProxySetting, TrustAnchor};

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLO_CA: &str = env!("CARGO_BIN_EXE_sello-ca");
const PIN: &str = "24681357";
const NIF: &str = "12345678Z";

/// tinyproxy in the foreground on a free loopback port; its log lines are collected.
struct Proxy {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    /// `extra` is appended to the configuration (e.g. `ConnectPort 443` to refuse other ports).
    fn start(extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let conf = dir.path().join("tinyproxy.conf");
        std::fs::write(
            &conf,
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogLevel Info\nMaxClients 10\nAllow 127.0.0.1\n{extra}\n"
            ),
        )
        .expect("conf");
        // tinyproxy -d logs to stdout through stdio: line-buffered by stdbuf (coreutils) so each
        // line arrives as it is written, the readiness line included.
        let mut child = Command::new("stdbuf")
            .args(["-oL", "-eL", "tinyproxy", "-d", "-c"])
            .arg(&conf)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy runs (Debian package tinyproxy, scripts/install-deps)");
        let stderr = child.stdout.take().expect("stdout");
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("Accepting connections") {
                    let _ = ready_tx.send(());
                }
                let mut l = sink.lock().expect("lock");
                l.push_str(&line);
                l.push('\n');
            }
        });
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("tinyproxy did not start:\n{}", log.lock().expect("lock")));
        Self {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        self.log.lock().expect("lock").clone()
    }

    /// Whether tinyproxy opened a CONNECT tunnel to `host:port`.
    fn tunnelled_to(&self, host_port: &str) -> bool {
        self.log()
            .lines()
            .any(|l| l.contains("CONNECT") && l.contains(host_port))
    }
}

fn activate(b: &Bench, ca: &LocalCa, extra_args: &[&str], env: &[(&str, &str)]) -> Output {
    let root = ca.path("root.pem");
    let url = ca.est_url();
    let code = ca.enroll_code(NIF, "Joan", "Puig Ferrer", "joan@example.org", None);
    let mut args = vec![
        "activate",
        "--pin-stdin",
        "--nif",
        NIF,
        "--given-name",
        "Joan",
        "--surnames",
        "Puig Ferrer",
        "--email",
        "joan@example.org",
        "--algorithm",
        "P-256",
        "--est",
        &url,
        "--est-trust",
        &root,
        "--mgmt-secret-file",
        "master.secret",
    ];
    args.extend_from_slice(extra_args);
    let mut cmd = b.rig.command(SELLO);
    cmd.args(&args)
        .current_dir(b.dir())
        .env("SELLO_STATE_DIR", b.path("state"))
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PIN}\n{code}\n").as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

#[test]
fn activation_through_the_proxy_given_by_flag() {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let proxy = Proxy::start("");
    b.write("master.secret", b"operator master secret for the tests\n");
    let out = activate(&b, &ca, &["--proxy", &proxy.url()], &[]);
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    assert!(
        proxy.tunnelled_to(&ca.est),
        "no CONNECT {} in the proxy's log:\n{}",
        ca.est,
        proxy.log()
    );
    // The certificates are on the card (yubico-piv-tool reads them back).
    b.yk(&["-a", "read-certificate", "-s", "9c"]);
}

#[test]
fn https_proxy_from_the_environment_and_no_proxy_bypass() {
    let b = Bench::start();
    let ca = LocalCa::start(SELLO_CA, |c| c);
    let proxy = Proxy::start("");
    b.write("master.secret", b"operator master secret for the tests\n");
    // NO_PROXY lists the CA's host: the proxy is bypassed (a dead proxy would fail otherwise).
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let out = activate(
        &b,
        &ca,
        &[],
        &[("HTTPS_PROXY", &dead), ("NO_PROXY", "localhost,127.0.0.1")],
    );
    assert!(
        out.status.success(),
        "NO_PROXY not honoured:\n{}",
        text(&out)
    );

    // A fresh card, HTTPS_PROXY set and the CA not in NO_PROXY: through the proxy.
    let b = Bench::start();
    b.write("master.secret", b"operator master secret for the tests\n");
    let out = activate(
        &b,
        &ca,
        &[],
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "ca.internal.example"),
        ],
    );
    assert!(out.status.success(), "activation failed:\n{}", text(&out));
    assert!(proxy.tunnelled_to(&ca.est), "{}", proxy.log());
}

#[test]
fn a_proxy_refusing_the_tunnel_is_reported_as_such() {
    let ca = LocalCa::start(SELLO_CA, |c| c);
    // tinyproxy allows CONNECT only to the ports listed: not the CA's.
    let proxy = Proxy::start("ConnectPort 443");
    let mut config = EstClientConfig::new(
        &ca.est_url(),
        TrustAnchor::from_pem_file(std::path::Path::new(&ca.path("root.pem"))).expect("root"),
    );
    config.proxy = ProxySetting::Url(proxy.url());
    let err = EstClient::new(config.clone())
        .expect("client")
        .cacerts(None)
        .expect_err("refused tunnel");
    assert!(matches!(err, EstError::Proxy { .. }), "{err}");
    let text = sello::i18n::with_language("en", || err.to_string());
    assert!(text.contains("proxy"), "{text}");

    // The same CA through a proxy that allows it: /cacerts answers.
    let open = Proxy::start("");
    config.proxy = ProxySetting::Url(open.url());
    let certs = EstClient::new(config)
        .expect("client")
        .cacerts(None)
        .expect("cacerts through the proxy");
    assert!(!certs.is_empty());
    assert!(open.tunnelled_to(&ca.est), "{}", open.log());
}
