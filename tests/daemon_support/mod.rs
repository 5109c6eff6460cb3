//! Shared by the `daemon_*` tests: `sellod` (the real binary) run as its own process against the
//! rig's private pcscd (libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process), and helpers
//! to wait for events.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sello::daemon::client::{Client, ClientError};
use sello::virtual_card::rig::Rig;
use serde_json::{json, Value};

pub const SELLOD: &str = env!("CARGO_BIN_EXE_sellod");

/// A running sellod.
pub struct Sellod {
    child: Option<Child>,
    env: Vec<(String, String)>,
    pub socket: PathBuf,
    pub state: PathBuf,
    pub log: PathBuf,
}

impl Sellod {
    /// Starts sellod for `rig` with its socket and state under `dir`; waits until it answers.
    pub fn start(rig: &Rig, dir: &Path) -> Self {
        Self::start_with_env(rig, dir, &[])
    }

    /// [`Sellod::start`] with extra environment variables.
    pub fn start_with_env(rig: &Rig, dir: &Path, env: &[(&str, &str)]) -> Self {
        let socket = dir.join("run/sellod.sock");
        let state = dir.join("state");
        let log = dir.join("sellod.log");
        let mut s = Self {
            child: None,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            socket,
            state,
            log,
        };
        s.spawn(rig);
        s
    }

    /// (Re)starts the process.
    pub fn spawn(&mut self, rig: &Rig) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log");
        // setpriv --pdeathsig: the daemon dies with the test thread, whatever happens.
        let child = rig
            .command("setpriv")
            .args(["--pdeathsig", "KILL", SELLOD, "--socket"])
            .arg(&self.socket)
            .env("SELLO_STATE_DIR", &self.state)
            // The daemon's own language (its log, and answers to clients that do not say theirs)
            // never depends on the machine running the tests; a test may override it.
            .env("LC_ALL", "C")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("sellod starts");
        self.child = Some(child);
        let start = Instant::now();
        loop {
            if let Ok(mut c) = Client::connect(&self.socket) {
                if c.call(json!({"op": "hello"})).is_ok() {
                    return;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sellod did not come up:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// A new client connection (reads time out after 60 s so a test cannot hang) that asks for
    /// English, whatever the machine's locale: [`Client::set_language`] asks for another.
    pub fn client(&self) -> Client {
        let mut c = Client::connect(&self.socket).expect("connect to sellod");
        c.set_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        c.set_language("en");
        c
    }

    /// The daemon's standard error so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// CPU time used so far (user + system, in clock ticks), from /proc.
    pub fn cpu_ticks(&self) -> u64 {
        let pid = self.pid().expect("running");
        // setpriv execs sellod, so the child's pid is the daemon's.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
        let after = &stat[stat.rfind(')').expect("comm") + 2..];
        let f: Vec<&str> = after.split_whitespace().collect();
        f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime")
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}

impl Drop for Sellod {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits for the first event satisfying `pred`, skipping others; panics after `timeout`.
pub fn wait_event(c: &mut Client, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    c.set_timeout(Some(timeout)).expect("timeout");
    loop {
        match c.next_event() {
            Ok(e) if pred(&e) => {
                c.set_timeout(Some(Duration::from_secs(60)))
                    .expect("timeout");
                return e;
            }
            Ok(_) => {}
            Err(ClientError::Io(e)) if start.elapsed() >= timeout => {
                panic!("no matching event within {timeout:?}: {e}")
            }
            Err(e) => panic!("waiting for an event: {e}"),
        }
        assert!(
            start.elapsed() < timeout,
            "no matching event within {timeout:?}"
        );
    }
}

/// Polls `list-cards` until `pred` holds for the reader list.
pub fn wait_cards(c: &mut Client, timeout: Duration, pred: impl Fn(&[Value]) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let r = c.call(json!({"op": "list-cards"})).expect("list-cards");
        if pred(
            r["readers"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
        ) {
            return r;
        }
        assert!(start.elapsed() < timeout, "inventory never matched: {r}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether every reader holds a card the daemon has identified (serial known).
pub fn all_identified(readers: &[Value], n: usize) -> bool {
    readers.len() == n && readers.iter().all(|r| r["card"]["serial"].is_string())
}

/// What a job's owner saw until it finished.
#[derive(Debug, Default)]
pub struct JobRun {
    /// The `job-finished` event.
    pub finished: Value,
    /// `job-progress` events.
    pub progress: Vec<Value>,
    /// The generated PUK, if one was shown.
    pub puk: Option<String>,
    /// Names of the secrets asked, in order.
    pub asked: Vec<String>,
}

/// Starts a job and drives it as its owner: every `secret-request` is answered by `answer`
/// (`None` declines); returns when the job finishes.
pub fn run_job(
    c: &mut Client,
    reader: &str,
    job: Value,
    mut answer: impl FnMut(&str) -> Option<String>,
) -> JobRun {
    let started = c
        .call(json!({"op": "start-job", "reader": reader, "job": job}))
        .expect("start-job");
    let id = started["job"].as_u64().expect("job id");
    drive(c, id, &mut answer)
}

/// Drives job `id` (see [`run_job`]).
pub fn drive(c: &mut Client, id: u64, answer: &mut dyn FnMut(&str) -> Option<String>) -> JobRun {
    let mut run = JobRun::default();
    loop {
        let e = wait_event(c, Duration::from_secs(300), |e| e["job"] == id);
        match e["event"].as_str() {
            Some("secret-request") => {
                let name = e["name"].as_str().expect("name").to_owned();
                run.asked.push(name.clone());
                let value = answer(&name);
                c.call(json!({"op": "secret", "job": id, "name": name, "value": value}))
                    .expect("secret accepted");
            }
            Some("job-progress") => run.progress.push(e),
            Some("puk") => run.puk = e["puk"].as_str().map(str::to_owned),
            Some("job-finished") => {
                run.finished = e;
                return run;
            }
            _ => {}
        }
    }
}
