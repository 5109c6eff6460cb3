//! Card jobs: one at a time per card, each in its own thread, so jobs on different readers run
//! in parallel. A job asks its owner (the connection that started it) for every secret through
//! a `secret-request` event and waits for the `secret` answer; secrets live in `Zeroizing`
//! buffers for the one operation that needs them and are never logged or stored.
//!
//! A job stops safely at the next secret or enrollment when it is cancelled, when its owner
//! disconnects, or when the inventory sees its card removed or another card inserted (a swap);
//! card operations themselves fail when the card is gone. Activations and renewals use the CLI's
//! journals, so the same request started again (after a crash or a kill) resumes exactly as
//! `sello activate` or `sello renew` does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::protocol::{ActivateSpec, ApiError, ErrorCode, JobSpec};
use super::{inventory, line, lock, Daemon, Outbox};
use crate::card::piv::PivCard;
use crate::card::{self, CardError};
use crate::enroll::activation::{
    Activation, ActivationError, ActivationRequest, ActivationUi, OperatorSecret, Step, StepResult,
};
use crate::enroll::local::{pem_decode_all, LocalIssuer};
use crate::enroll::{EnrollError, Enroller, EnrollmentCode, Purpose};
use crate::pin::{ManagementKey, Pin, Puk};
use crate::profile::{self, Identity, ManagementKeyMode, Profile, SecretRule};
use crate::tr;
use crate::transport::Transport;

/// Trust anchors for issued certificates, and the way to the CA.
type Enrollment<'a> = (Vec<Vec<u8>>, Box<dyn Enroller + 'a>);

/// How long a job waits for its owner to answer a secret request before it gives up (and lets
/// go of the card).
const SECRET_TIMEOUT: Duration = Duration::from_secs(600);

/// Finished jobs kept for `job-status`.
const KEEP_FINISHED: usize = 200;

/// A secret answer: (name, value or declined).
type SecretAnswer = (String, Option<Zeroizing<String>>);

/// A job's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Running.
    Running,
    /// Finished well.
    Done,
    /// Stopped with an error.
    Failed,
    /// Cancelled by a client.
    Cancelled,
}

impl JobState {
    fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

struct JobRecord {
    reader: String,
    kind: &'static str,
    owner: u64,
    /// The uid of the peer that started the job (`SO_PEERCRED`): it and root may cancel.
    owner_uid: u32,
    state: JobState,
    steps: Vec<Value>,
    waiting_for: Option<String>,
    result: Option<Value>,
    error: Option<Value>,
    cancel: Arc<AtomicBool>,
    card_gone: Arc<AtomicBool>,
    secrets: SyncSender<SecretAnswer>,
}

impl JobRecord {
    fn json(&self, id: u64) -> Value {
        json!({
            "job": id,
            "reader": self.reader,
            "kind": self.kind,
            "state": self.state.name(),
            "steps": self.steps,
            "waiting_for": self.waiting_for,
            "result": self.result,
            "error": self.error,
        })
    }
}

/// The job table.
#[derive(Default)]
pub struct Jobs {
    inner: Mutex<(u64, BTreeMap<u64, JobRecord>)>,
}

impl Jobs {
    /// The running job on `reader`, if any.
    pub fn running_on(&self, reader: &str) -> Option<u64> {
        lock(&self.inner)
            .1
            .iter()
            .find(|(_, j)| j.reader == reader && j.state == JobState::Running)
            .map(|(id, _)| *id)
    }

    /// The inventory saw the card in `reader` go (or be replaced): its job must stop.
    pub fn card_gone(&self, reader: &str) {
        for j in lock(&self.inner).1.values() {
            if j.reader == reader && j.state == JobState::Running {
                j.card_gone.store(true, Ordering::SeqCst);
            }
        }
    }

    /// A job's state.
    pub fn status(&self, id: u64) -> Result<Value, ApiError> {
        lock(&self.inner)
            .1
            .get(&id)
            .map(|j| j.json(id))
            .ok_or_else(|| {
                ApiError::new(ErrorCode::NoJob, tr!("daemon-no-job", job = id.to_string()))
            })
    }

    /// Whether connection `conn` owns a running job (a silent owner is waiting, not idle).
    pub fn owns_running(&self, conn: u64) -> bool {
        lock(&self.inner)
            .1
            .values()
            .any(|j| j.owner == conn && j.state == JobState::Running)
    }

    /// Asks a job to stop, on behalf of a peer with user id `uid`: only the user that started
    /// the job, or root, may.
    pub fn cancel(&self, id: u64, uid: u32) -> Result<Value, ApiError> {
        let t = lock(&self.inner);
        let j = t.1.get(&id).ok_or_else(|| {
            ApiError::new(ErrorCode::NoJob, tr!("daemon-no-job", job = id.to_string()))
        })?;
        if uid != 0 && uid != j.owner_uid {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                tr!("daemon-cancel-forbidden", job = id.to_string()),
            ));
        }
        j.cancel.store(true, Ordering::SeqCst);
        Ok(json!({ "job": id, "cancelling": j.state == JobState::Running }))
    }

    /// Hands a secret to the job that asked for it; only its owner may answer.
    pub fn secret(
        &self,
        conn: u64,
        id: u64,
        name: String,
        value: Option<Zeroizing<String>>,
    ) -> Result<Value, ApiError> {
        let t = lock(&self.inner);
        let j = t.1.get(&id).ok_or_else(|| {
            ApiError::new(ErrorCode::NoJob, tr!("daemon-no-job", job = id.to_string()))
        })?;
        if j.owner != conn {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                tr!("daemon-secret-not-owner"),
            ));
        }
        if j.waiting_for.as_deref() != Some(name.as_str()) {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                tr!(
                    "daemon-secret-not-waiting",
                    job = id.to_string(),
                    name = name.as_str()
                ),
            ));
        }
        j.secrets.try_send((name, value)).map_err(|_| {
            ApiError::new(ErrorCode::BadRequest, tr!("daemon-secret-already-answered"))
        })?;
        Ok(json!({ "job": id, "accepted": true }))
    }

    /// The owner's connection closed: its running jobs stop at the next safe point.
    pub fn owner_gone(&self, conn: u64) {
        for j in lock(&self.inner).1.values() {
            if j.owner == conn && j.state == JobState::Running {
                j.cancel.store(true, Ordering::SeqCst);
            }
        }
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut JobRecord)) {
        if let Some(j) = lock(&self.inner).1.get_mut(&id) {
            f(j);
        }
    }
}

/// Starts a job on the card in `reader` for connection `conn`.
/// Releases a started job once its `start-job` response is queued, so the owner always reads the
/// response (with the job id) before the job's first event.
pub type Go = SyncSender<()>;

/// Starts a job on the card in `reader` for connection `conn`. The job thread waits for the
/// returned [`Go`] (or for it to be dropped) before it touches the card.
pub fn start(
    d: &Arc<Daemon>,
    conn: u64,
    owner_uid: u32,
    owner: Outbox,
    reader: &str,
    spec: JobSpec,
) -> Result<(Value, Go), ApiError> {
    #[cfg(not(feature = "est-client"))]
    if let JobSpec::Renew(_) = spec {
        return Err(ApiError::new(
            ErrorCode::NotAvailable,
            tr!("daemon-renew-not-available"),
        ));
    }
    let (reader, generation, serial) = {
        let inv = d.inventory();
        if !inv.service {
            return Err(ApiError::new(
                ErrorCode::NoService,
                tr!("daemon-no-service"),
            ));
        }
        let reader = inv.resolve(reader).ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoReader,
                tr!("daemon-no-reader", reader = reader),
            )
        })?;
        let entry = inv.readers.get(&reader);
        let card = entry.and_then(|e| e.card.as_ref()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoCard,
                tr!("daemon-no-card", reader = reader.as_str()),
            )
        })?;
        (
            reader.clone(),
            entry.map(|e| e.generation).unwrap_or_default(),
            card.serial.clone(),
        )
    };
    let (tx, rx) = sync_channel(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let card_gone = Arc::new(AtomicBool::new(false));
    let id = {
        let mut t = lock(&d.jobs.inner);
        if let Some((id, _)) =
            t.1.iter()
                .find(|(_, j)| j.reader == reader && j.state == JobState::Running)
        {
            return Err(ApiError::new(
                ErrorCode::Busy,
                tr!(
                    "daemon-card-busy",
                    job = id.to_string(),
                    reader = reader.as_str()
                ),
            ));
        }
        t.0 += 1;
        let id = t.0;
        t.1.insert(
            id,
            JobRecord {
                reader: reader.clone(),
                kind: spec.kind(),
                owner: conn,
                owner_uid,
                state: JobState::Running,
                steps: Vec::new(),
                waiting_for: None,
                result: None,
                error: None,
                cancel: Arc::clone(&cancel),
                card_gone: Arc::clone(&card_gone),
                secrets: tx,
            },
        );
        let finished: Vec<u64> =
            t.1.iter()
                .filter(|(_, j)| j.state != JobState::Running)
                .map(|(id, _)| *id)
                .collect();
        for old in finished
            .iter()
            .take(finished.len().saturating_sub(KEEP_FINISHED))
        {
            t.1.remove(old);
        }
        id
    };
    let ctx = JobCtx {
        d: Arc::clone(d),
        id,
        conn,
        owner,
        reader: reader.clone(),
        cancel,
        card_gone,
        secrets: rx,
    };
    let kind = spec.kind();
    // The job speaks the language of the request that started it (its owner's), in every
    // event and in its job-status record, whoever else is listening.
    let lang = crate::i18n::current();
    let (go, wait) = sync_channel::<()>(1);
    let spawned = std::thread::Builder::new()
        .name(format!("sellod-job-{id}"))
        .spawn(move || {
            // Sent or dropped: either way the response went out (or the owner is gone, which
            // cancels the job at its first check).
            let _ = wait.recv();
            crate::i18n::with_language(lang, || run(ctx, spec, serial, generation));
        });
    if let Err(e) = spawned {
        d.jobs.update(id, |j| {
            j.state = JobState::Failed;
            j.error = Some(json!({
                "message": tr!("daemon-cannot-start-job-thread", error = e.to_string())
            }));
        });
        return Err(ApiError::new(
            ErrorCode::Card,
            tr!("daemon-cannot-start-job"),
        ));
    }
    d.publish(json!({ "event": "job-started", "job": id, "reader": reader, "kind": kind }));
    Ok((json!({ "job": id, "reader": reader, "kind": kind }), go))
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error("{}", tr!("daemon-job-cancelled"))]
    Cancelled,
    #[error("{}", tr!("daemon-card-gone"))]
    CardGone,
    #[error("{0}")]
    Card(#[from] CardError),
    #[error("{0}")]
    Activation(#[from] ActivationError),
    #[cfg(feature = "est-client")]
    #[error("{0}")]
    Renew(#[from] crate::enroll::renew::RenewError),
    #[error("{0}")]
    Invalid(String),
}

impl JobError {
    fn code(&self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::CardGone => "card-gone",
            Self::Card(CardError::WrongPin { .. }) => "wrong-pin",
            Self::Card(CardError::WrongPuk { .. }) => "wrong-puk",
            Self::Card(CardError::PinBlocked) => "pin-blocked",
            Self::Card(CardError::PukBlocked) => "puk-blocked",
            Self::Card(e) if e.is_card_removed() => "card-gone",
            Self::Activation(ActivationError::Card { source, .. }) if source.is_card_removed() => {
                "card-gone"
            }
            Self::Card(_) => "card",
            Self::Activation(_) => "activation",
            #[cfg(feature = "est-client")]
            Self::Renew(e) => renew_code(e),
            Self::Invalid(_) => "invalid",
        }
    }

    /// Fields added to the `job-finished` error object besides `code` and `message`.
    fn details(&self) -> Option<Value> {
        match self {
            #[cfg(feature = "est-client")]
            Self::Renew(crate::enroll::renew::RenewError::Refused { slot, refusal }) => {
                Some(json!({
                    "slot": slot,
                    "reason": refusal.code(),
                    "needs_visit": refusal.needs_visit(),
                }))
            }
            _ => None,
        }
    }
}

/// The job error code of a failed renewal (`docs/api.md`).
#[cfg(feature = "est-client")]
fn renew_code(e: &crate::enroll::renew::RenewError) -> &'static str {
    use crate::enroll::renew::RenewError;
    match e {
        RenewError::Refused { .. } => "renewal-refused",
        RenewError::Enroll {
            source: EnrollError::Rejected(_),
            ..
        } => "ca-refused",
        RenewError::Card {
            source: CardError::WrongPin { .. },
            ..
        } => "wrong-pin",
        RenewError::Card {
            source: CardError::PinBlocked,
            ..
        } => "pin-blocked",
        RenewError::Card { source, .. } if source.is_card_removed() => "card-gone",
        RenewError::CardChanged(_) => "card-changed",
        RenewError::ManagementKey => "management-key",
        _ => "renewal",
    }
}

/// What a job thread holds.
struct JobCtx {
    d: Arc<Daemon>,
    id: u64,
    conn: u64,
    owner: Outbox,
    reader: String,
    cancel: Arc<AtomicBool>,
    card_gone: Arc<AtomicBool>,
    secrets: Receiver<SecretAnswer>,
}

impl JobCtx {
    /// Sends a job event to the owner and to every other subscriber.
    fn event(&self, v: Value) {
        // The owner always hears about its job; a full queue means it stopped reading.
        let _ = self.owner.try_send(line(&v));
        self.d.publish_except(v, Some(self.conn));
    }

    fn progress(&self, step: &str, slot: Option<String>, status: &str, detail: &str) {
        let v = json!({ "step": step, "slot": slot, "status": status, "detail": detail });
        self.d.jobs.update(self.id, |j| {
            if status != "started" {
                j.steps.push(v.clone());
            }
        });
        self.event(json!({
            "event": "job-progress",
            "job": self.id,
            "reader": self.reader,
            "step": step,
            "slot": slot,
            "status": status,
            "detail": detail,
        }));
    }

    fn check(&self) -> Result<(), JobError> {
        if self.card_gone.load(Ordering::SeqCst) {
            return Err(JobError::CardGone);
        }
        if self.cancel.load(Ordering::SeqCst) {
            return Err(JobError::Cancelled);
        }
        Ok(())
    }

    /// Asks the owner for a secret and waits for it (cancellation and card removal interrupt).
    fn ask(&self, name: &str, prompt: &str) -> Result<Zeroizing<String>, JobError> {
        self.check()?;
        self.d
            .jobs
            .update(self.id, |j| j.waiting_for = Some(name.to_owned()));
        // To the owner only. Subscribers learn from job-status that the job waits.
        let request = json!({
            "event": "secret-request",
            "job": self.id,
            "reader": self.reader,
            "name": name,
            "prompt": prompt,
        });
        if self.owner.send(line(&request)).is_err() {
            return Err(JobError::Cancelled);
        }
        let asked = std::time::Instant::now();
        let answer = loop {
            if asked.elapsed() > SECRET_TIMEOUT {
                self.d.jobs.update(self.id, |j| j.waiting_for = None);
                return Err(JobError::Invalid(tr!(
                    "daemon-secret-timeout",
                    name = name,
                    minutes = SECRET_TIMEOUT.as_secs() / 60
                )));
            }
            match self.secrets.recv_timeout(Duration::from_millis(200)) {
                Ok((n, v)) if n == name => break v,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(e) = self.check() {
                        self.d.jobs.update(self.id, |j| j.waiting_for = None);
                        return Err(e);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Err(JobError::Cancelled),
            }
        };
        self.d.jobs.update(self.id, |j| j.waiting_for = None);
        answer.ok_or(JobError::Cancelled)
    }
}

fn run(ctx: JobCtx, spec: JobSpec, serial: Option<String>, generation: u64) {
    // A card swapped between the request and now (before the job was in the table to be told).
    let swapped = ctx
        .d
        .inventory()
        .readers
        .get(&ctx.reader)
        .is_none_or(|e| e.generation != generation || e.card.is_none());
    if swapped {
        ctx.card_gone.store(true, Ordering::SeqCst);
    }
    let result = match &spec {
        JobSpec::ChangePin => pin_job(&ctx, serial.as_deref(), false),
        JobSpec::Unblock => pin_job(&ctx, serial.as_deref(), true),
        JobSpec::Activate(a) => activate(&ctx, serial.as_deref(), a),
        #[cfg(feature = "est-client")]
        JobSpec::Renew(r) => renew(&ctx, serial.as_deref(), r),
        #[cfg(not(feature = "est-client"))]
        JobSpec::Renew(_) => Err(JobError::Invalid(tr!("daemon-no-est-client"))),
    };
    // A secret-caused failure after removal reads better as "card gone".
    // An error caused by a removal or a cancellation (a refused secret, an enrollment not
    // sent) is reported as what it is.
    let result = match result {
        Err(e) if ctx.card_gone.load(Ordering::SeqCst) && e.code() != "card-gone" => {
            Err(JobError::CardGone)
        }
        Err(e) if ctx.cancel.load(Ordering::SeqCst) && e.code() != "card-gone" => {
            Err(JobError::Cancelled)
        }
        r => r,
    };
    let (state, finished) = match result {
        Ok(v) => (JobState::Done, json!({ "result": v })),
        Err(JobError::Cancelled) => (
            JobState::Cancelled,
            json!({ "error": { "code": "cancelled", "message": tr!("daemon-job-was-cancelled") } }),
        ),
        Err(e) => {
            let mut error = json!({ "code": e.code(), "message": e.to_string() });
            if let (Some(o), Some(Value::Object(d))) = (error.as_object_mut(), e.details()) {
                o.extend(d);
            }
            (JobState::Failed, json!({ "error": error }))
        }
    };
    ctx.d.jobs.update(ctx.id, |j| {
        j.state = state;
        j.waiting_for = None;
        j.result = finished.get("result").cloned();
        j.error = finished.get("error").cloned();
    });
    let mut ev = json!({
        "event": "job-finished",
        "job": ctx.id,
        "reader": ctx.reader,
        "state": state.name(),
    });
    if let (Some(o), Some(f)) = (ev.as_object_mut(), finished.as_object()) {
        o.extend(f.clone());
    }
    ctx.event(ev);
    // The job changed the card, or another card arrived meanwhile (its probe was skipped while
    // the job held the reader): read whatever is in the reader now.
    let current = ctx
        .d
        .inventory()
        .readers
        .get(&ctx.reader)
        .filter(|e| e.card.is_some())
        .map(|e| e.generation);
    if let Some(g) = current {
        inventory::spawn_probe(&ctx.d, ctx.reader.clone(), g);
    }
}

/// Refuses a card whose serial is not the one the inventory had when the job was accepted.
fn same_card(expected: Option<&str>, actual: Option<String>) -> Result<(), JobError> {
    match (expected, actual) {
        (Some(e), Some(a)) if e != a => Err(JobError::CardGone),
        _ => Ok(()),
    }
}

fn pin_job(ctx: &JobCtx, serial: Option<&str>, unblock: bool) -> Result<Value, JobError> {
    ctx.check()?;
    ctx.progress("open", None, "started", &tr!("daemon-step-connecting"));
    let mut card = card::open_reader(&ctx.reader)?;
    let info = card.info()?;
    same_card(serial, info.serial.clone())?;
    let rule = crate::profile::pin_rule_for(info.driver, &info.atr);
    let status = card.pin_status()?;
    ctx.progress("open", None, "done", &tr!("daemon-step-card-identified"));
    if unblock && status.puk_blocked() {
        return Err(CardError::PukBlocked.into());
    }
    if !unblock && status.pin_blocked() {
        return Err(CardError::PinBlocked.into());
    }
    let bad_pin = || JobError::Invalid(tr!("daemon-invalid-pin"));
    // A new PIN follows the card profile's rule (as at activation) before the card sees it.
    let new_pin = |typed: &str| {
        if let Some(rule) = &rule {
            rule.check(crate::profile::SecretName::NewPin, typed)
                .map_err(JobError::Invalid)?;
        }
        Pin::new(typed).map_err(|_| bad_pin())
    };
    let (op, message) = if unblock {
        let puk = Puk::new(&ctx.ask("puk", &tr!("daemon-prompt-puk"))?)
            .map_err(|_| JobError::Invalid(tr!("daemon-invalid-puk")))?;
        let new = new_pin(&ctx.ask("new-pin", &tr!("daemon-prompt-new-pin"))?)?;
        ctx.check()?;
        ctx.progress("unblock", None, "started", &tr!("daemon-step-unblocking"));
        card.unblock_pin(&puk, &new)?;
        ("unblock", tr!("daemon-pin-unblocked"))
    } else {
        let old = Pin::new(&ctx.ask("current-pin", &tr!("daemon-prompt-current-pin"))?)
            .map_err(|_| bad_pin())?;
        let new = new_pin(&ctx.ask("new-pin", &tr!("daemon-prompt-new-pin"))?)?;
        ctx.check()?;
        ctx.progress(
            "change-pin",
            None,
            "started",
            &tr!("daemon-step-changing-pin"),
        );
        card.change_pin(&old, &new)?;
        ("change-pin", tr!("daemon-pin-changed"))
    };
    ctx.progress(op, None, "done", &message);
    Ok(json!({ "message": message }))
}

fn read_anchors(path: &Path) -> Result<Vec<Vec<u8>>, JobError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        JobError::Invalid(tr!(
            "daemon-cannot-read-ca-cert",
            path = path.display().to_string(),
            error = e.to_string()
        ))
    })?;
    let anchors = pem_decode_all(&text);
    if anchors.is_empty() {
        return Err(JobError::Invalid(tr!(
            "daemon-no-pem-cert",
            path = path.display().to_string()
        )));
    }
    Ok(anchors)
}

fn absolute(p: &str) -> Result<PathBuf, JobError> {
    let p = PathBuf::from(p);
    if p.is_absolute() {
        Ok(p)
    } else {
        Err(JobError::Invalid(tr!(
            "daemon-path-not-absolute",
            path = p.display().to_string()
        )))
    }
}

/// The enroller, with a cancellation check before every request to the CA.
struct Checked<'a> {
    inner: Box<dyn Enroller + 'a>,
    ctx: &'a JobCtx,
}

impl Enroller for Checked<'_> {
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        if let Err(e) = self.ctx.check() {
            return Err(EnrollError::Unreachable(tr!(
                "daemon-enrollment-not-sent",
                reason = e.to_string()
            )));
        }
        self.inner.enroll(purpose, csr_der)
    }
    fn needs_code(&self) -> bool {
        self.inner.needs_code()
    }
    fn set_code(&mut self, code: EnrollmentCode) {
        self.inner.set_code(code);
    }
}

fn enrollment<'a>(
    ctx: &'a JobCtx,
    a: &ActivateSpec,
    identity: &Identity,
    profile: &Profile,
) -> Result<Enrollment<'a>, JobError> {
    if let Some(url) = &a.est {
        return est(ctx, a, identity, profile, url);
    }
    let Some(dir) = &a.local_ca else {
        return Err(JobError::Invalid(tr!("daemon-no-ca-configured")));
    };
    let dir = absolute(dir)?;
    let anchors = match &a.ca_cert {
        Some(c) => read_anchors(&absolute(c)?)?,
        None => read_anchors(&dir.join("ca.pem"))?,
    };
    let ca = LocalIssuer::open(&dir).map_err(|e| {
        JobError::Invalid(tr!(
            "daemon-local-ca-error",
            path = dir.display().to_string(),
            error = e.to_string()
        ))
    })?;
    Ok((anchors, Box::new(ca)))
}

#[cfg(feature = "est-client")]
fn est<'a>(
    ctx: &'a JobCtx,
    a: &ActivateSpec,
    identity: &Identity,
    profile: &Profile,
    url: &str,
) -> Result<Enrollment<'a>, JobError> {
    use crate::enroll::est::{EstClient, EstClientConfig, PendingNotice, TrustAnchor};
    use crate::enroll::est_enroller::EstEnroller;
    let inv = |e: crate::enroll::est::EstError| JobError::Invalid(e.to_string());
    let trust = match (&a.est_trust, &a.est_pin) {
        (Some(pem), _) => TrustAnchor::from_pem_file(&absolute(pem)?).map_err(inv)?,
        (None, Some(fp)) => TrustAnchor::from_fingerprint(fp).map_err(inv)?,
        (None, None) => return Err(JobError::Invalid(tr!("daemon-est-trust-missing"))),
    };
    if profile.enrollment.client_certificate != crate::profile::EnrollClientCertificate::None {
        return Err(JobError::Invalid(tr!(
            "daemon-operator-card-profile",
            profile = profile.name.as_str()
        )));
    }
    let mut config = EstClientConfig::new(url, trust);
    if let Some(proxy) = &a.proxy {
        config.proxy = crate::enroll::est::ProxySetting::from_arg(proxy);
    }
    let client = EstClient::new(config).map_err(inv)?;
    let anchors = match &a.ca_cert {
        Some(f) => read_anchors(&absolute(f)?)?,
        None => client.cacerts(None).map_err(|e| {
            JobError::Invalid(tr!("daemon-cannot-fetch-cacerts", error = e.to_string()))
        })?,
    };
    let d = Arc::clone(&ctx.d);
    let (owner, conn, id) = (ctx.owner.clone(), ctx.conn, ctx.id);
    // The enroller calls back on this job's thread, so in the job's language.
    let on_wait = Box::new(move |n: &PendingNotice| {
        let v = json!({
            "event": "job-progress", "job": id, "step": "ca-pending", "status": "waiting",
            "detail": tr!(
                "daemon-ca-pending",
                seconds = n.wait.as_secs(),
                attempt = n.attempt,
                max = n.max_attempts
            ),
        });
        let _ = owner.try_send(line(&v));
        d.publish_except(v, Some(conn));
    });
    Ok((
        anchors,
        Box::new(EstEnroller::new(
            client,
            identity.nif.as_str(),
            profile.enrollment.clone(),
            on_wait,
        )),
    ))
}

#[cfg(not(feature = "est-client"))]
fn est<'a>(
    _: &'a JobCtx,
    _: &ActivateSpec,
    _: &Identity,
    _: &Profile,
    _: &str,
) -> Result<Enrollment<'a>, JobError> {
    Err(JobError::Invalid(tr!("daemon-no-est-client")))
}

fn activate(ctx: &JobCtx, serial: Option<&str>, a: &ActivateSpec) -> Result<Value, JobError> {
    ctx.check()?;
    let store = ctx
        .d
        .journal
        .clone()
        .ok_or_else(|| JobError::Invalid(tr!("daemon-no-state-dir")))?;
    let transport = Transport::open_pcsc(&ctx.reader).map_err(CardError::from)?;
    let atr = transport.atr().to_vec();
    let mut card = PivCard::open(transport)?;
    same_card(serial, card.serial().ok().map(|s| s.to_string()))?;
    let profiles = profile::load_all().map_err(|e| JobError::Invalid(e.to_string()))?;
    let profile = match &a.profile {
        Some(name) => profile::find(&profiles, name),
        None => profile::for_card(&profiles, "PIV", &atr),
    }
    .map_err(|e| JobError::Invalid(e.to_string()))?;
    let identity = Identity::new(&a.nif, &a.given_name, &a.surnames, a.email.as_deref())
        .map_err(|e| JobError::Invalid(e.to_string()))?;
    let mut algorithms = HashMap::new();
    if let Some(alg) = &a.algorithm {
        let alg = profile::parse_algorithm(alg).ok_or_else(|| {
            JobError::Invalid(tr!("daemon-unknown-algorithm", algorithm = alg.as_str()))
        })?;
        for k in profile.keys.iter().filter(|k| !k.optional) {
            algorithms.insert(k.slot, alg);
        }
    }
    let (anchors, enroller) = enrollment(ctx, a, &identity, &profile)?;
    let mut enroller = Checked {
        inner: enroller,
        ctx,
    };
    let secret = operator_secret(ctx, &profile)?;
    let request = ActivationRequest {
        profile,
        identity,
        algorithms,
        trust_anchors: anchors,
        replace_existing: a.replace_existing,
    };
    let mut ui = JobUi { ctx };
    let activation = Activation::begin(&mut card, &request, &secret, &store)?;
    let journal = activation.journal_path().display().to_string();
    let report = activation.run(&mut enroller, &mut ui)?;
    let certs: Vec<Value> = report
        .journal
        .keys
        .iter()
        .map(|k| {
            json!({
                "slot": k.slot,
                "purpose": k.purpose,
                "algorithm": k.algorithm,
                "serial": k.certificate_info.as_ref().map(|c| c.serial.clone()),
                "subject": k.certificate_info.as_ref().map(|c| c.subject.clone()),
                "not_after": k.certificate_info.as_ref().map(|c| c.not_after),
            })
        })
        .collect();
    Ok(json!({
        "activation": "complete",
        "serial": report.serial,
        "profile": report.profile,
        "journal": journal,
        "steps": report.steps.iter().map(|s| json!({
            "step": s.step.name(),
            "slot": s.step.slot().map(|x| format!("{:02X}", x.0)),
            "status": s.outcome.status(),
        })).collect::<Vec<_>>(),
        "certificates": certs,
    }))
}

/// Asks the owner for the operator's management-key secret, unless the profile uses the
/// factory key.
fn operator_secret(ctx: &JobCtx, profile: &profile::Profile) -> Result<OperatorSecret, JobError> {
    let policy = profile.management_key;
    if matches!(
        policy.mode,
        ManagementKeyMode::Factory | ManagementKeyMode::PinProtected
    ) {
        return Ok(OperatorSecret::None);
    }
    let raw = ctx.ask("mgmt-secret", &tr!("daemon-prompt-mgmt-secret"))?;
    Ok(match policy.mode {
        ManagementKeyMode::Derived => {
            OperatorSecret::Master(Zeroizing::new(raw.as_bytes().to_vec()))
        }
        _ => OperatorSecret::Explicit(
            ManagementKey::from_hex(policy.algorithm, raw.trim())
                .map_err(|_| JobError::Invalid(tr!("daemon-invalid-mgmt-key")))?,
        ),
    })
}

/// A renewal (`sello renew`, [`crate::enroll::renew`]) as a job: the same policy, key staging
/// and journal (`renewals/` beside the activation journals), so a renewal interrupted in the
/// daemon resumes with `sello renew` and the other way round. The operator secret is asked
/// before the card is touched; the holder's PIN once the policy allows the renewal. The job
/// stops at its secret requests, before each request to the CA and before the key replacement
/// begins; once the replacement has begun it runs to its end.
#[cfg(feature = "est-client")]
fn renew(
    ctx: &JobCtx,
    serial: Option<&str>,
    r: &super::protocol::RenewSpec,
) -> Result<Value, JobError> {
    use crate::card::piv::Slot;
    use crate::enroll::est::{EstClient, EstClientConfig, TrustAnchor};
    use crate::enroll::renew::{RenewRequest, Renewal, RenewalStore, DEFAULT_WINDOW_DAYS};
    ctx.check()?;
    let store = ctx
        .d
        .journal
        .clone()
        .ok_or_else(|| JobError::Invalid(tr!("daemon-no-state-dir")))?;
    let store = RenewalStore::beside(store.dir());
    ctx.progress("open", None, "started", &tr!("daemon-step-connecting"));
    let transport = Transport::open_pcsc(&ctx.reader).map_err(CardError::from)?;
    let atr = transport.atr().to_vec();
    let mut card = PivCard::open(transport)?;
    same_card(serial, card.serial().ok().map(|s| s.to_string()))?;
    ctx.progress("open", None, "done", &tr!("daemon-step-card-identified"));
    let profiles = profile::load_all().map_err(|e| JobError::Invalid(e.to_string()))?;
    let profile = match &r.profile {
        Some(name) => profile::find(&profiles, name),
        None => profile::for_card(&profiles, "PIV", &atr),
    }
    .map_err(|e| JobError::Invalid(e.to_string()))?;
    let slots: Vec<Slot> = match r.slot.as_deref() {
        None => profile
            .keys
            .iter()
            .filter(|k| !k.optional)
            .map(|k| k.slot)
            .collect(),
        Some(s) if s.eq_ignore_ascii_case("all") => profile
            .keys
            .iter()
            .filter(|k| !k.optional)
            .map(|k| k.slot)
            .collect(),
        Some(s) => vec![u8::from_str_radix(s.trim(), 16)
            .map(Slot)
            .map_err(|_| JobError::Invalid(tr!("daemon-not-a-slot", slot = s)))?],
    };
    let inv = |e: crate::enroll::est::EstError| JobError::Invalid(e.to_string());
    let trust = match (&r.est_trust, &r.est_pin) {
        (Some(pem), _) => TrustAnchor::from_pem_file(&absolute(pem)?).map_err(inv)?,
        (None, Some(fp)) => TrustAnchor::from_fingerprint(fp).map_err(inv)?,
        (None, None) => return Err(JobError::Invalid(tr!("daemon-est-trust-missing"))),
    };
    let est = EstClientConfig::new(&r.est, trust);
    let anchors = match &r.ca_cert {
        Some(f) => read_anchors(&absolute(f)?)?,
        None => EstClient::new(est.clone())
            .and_then(|c| c.cacerts(None))
            .map_err(|e| {
                JobError::Invalid(tr!("daemon-cannot-fetch-cacerts", error = e.to_string()))
            })?,
    };
    // The holder at home: the card's PIN-protected key, no operator secret.
    let secret = if r.holder && profile.management_key.pin_protected {
        OperatorSecret::None
    } else {
        operator_secret(ctx, &profile)?
    };
    let request = RenewRequest {
        profile,
        slots,
        trust_anchors: anchors,
        est,
        force: r.force,
        window_days: r.window_days.unwrap_or(DEFAULT_WINDOW_DAYS),
        now: super::now(),
    };
    ctx.check()?;
    let renewal = Renewal::begin(Arc::new(Mutex::new(card)), &request, &store)?;
    let journal = renewal.journal_path().display().to_string();
    let mut ui = RenewJobUi { ctx, stopped: None };
    let report = match renewal.run(&secret, &mut ui) {
        Ok(r) => r,
        // Stopped by the job itself (a declined secret, a cancellation): say that, not "renewal".
        Err(e) => return Err(ui.stopped.take().unwrap_or(JobError::Renew(e))),
    };
    let certs: Vec<Value> = report
        .journal
        .slots
        .iter()
        .map(|s| {
            json!({
                "slot": s.slot,
                "purpose": s.purpose,
                "old_serial": s.old_serial,
                "serial": s.certificate_info.as_ref().map(|c| c.serial.clone()),
                "subject": s.certificate_info.as_ref().map(|c| c.subject.clone()),
                "not_after": s.certificate_info.as_ref().map(|c| c.not_after),
            })
        })
        .collect();
    Ok(json!({
        "renewal": "complete",
        "serial": report.serial,
        "journal": journal,
        "steps": report.steps.iter().map(|s| json!({
            "step": s.name, "slot": s.slot, "status": s.status,
        })).collect::<Vec<_>>(),
        "certificates": certs,
    }))
}

/// The renewal's dialogue: the PIN from the owner, steps and CA waits as progress events.
#[cfg(feature = "est-client")]
struct RenewJobUi<'a> {
    ctx: &'a JobCtx,
    /// Why the job stopped the renewal, when it did.
    stopped: Option<JobError>,
}

#[cfg(feature = "est-client")]
impl RenewJobUi<'_> {
    fn stop(&mut self, e: JobError) -> crate::enroll::renew::RenewError {
        let r = crate::enroll::renew::RenewError::Input(e.to_string());
        self.stopped = Some(e);
        r
    }
}

#[cfg(feature = "est-client")]
impl crate::enroll::renew::RenewUi for RenewJobUi<'_> {
    fn pin(&mut self) -> Result<Zeroizing<String>, crate::enroll::renew::RenewError> {
        match self
            .ctx
            .ask("current-pin", &tr!("daemon-prompt-holder-pin"))
        {
            Ok(pin) => Ok(pin),
            Err(e) => Err(self.stop(e)),
        }
    }

    fn pending(&mut self, n: &crate::enroll::est::PendingNotice) {
        self.ctx.progress(
            "ca-pending",
            None,
            "waiting",
            &tr!(
                "daemon-ca-pending",
                seconds = n.wait.as_secs(),
                attempt = n.attempt,
                max = n.max_attempts
            ),
        );
    }

    fn proceed(&mut self) -> Result<(), crate::enroll::renew::RenewError> {
        // Cancelled, owner gone or card swapped: stop before the CA or the key replacement.
        self.ctx.check().map_err(|e| self.stop(e))
    }

    fn step(&mut self, s: &crate::enroll::renew::RenewStep) {
        self.ctx
            .progress(s.name, s.slot.clone(), s.status, &s.detail);
    }
}

struct JobUi<'a> {
    ctx: &'a JobCtx,
}

fn input(e: JobError) -> ActivationError {
    ActivationError::Input(e.to_string())
}

impl ActivationUi for JobUi<'_> {
    fn new_pin(&mut self, rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        let prompt = rule.holder_chooses_pin();
        self.ctx.ask("new-pin", &prompt).map_err(input)
    }

    fn current_pin(&mut self) -> Result<Zeroizing<String>, ActivationError> {
        self.ctx
            .ask("current-pin", &tr!("daemon-prompt-holder-pin"))
            .map_err(input)
    }

    fn new_puk(&mut self, _rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        self.ctx
            .ask("new-puk", &tr!("daemon-prompt-new-puk"))
            .map_err(input)
    }

    fn show_puk(&mut self, puk: &Puk) {
        // Only to the owner: never to subscribers, never logged.
        let padded = puk.padded();
        let text = Zeroizing::new(String::from_utf8_lossy(&padded[..Puk::LEN]).into_owned());
        let v = json!({ "event": "puk", "job": self.ctx.id, "puk": text.as_str() });
        let _ = self.ctx.owner.try_send(line(&v));
    }

    fn enrollment_code(&mut self) -> Result<EnrollmentCode, ActivationError> {
        let code = self
            .ctx
            .ask("enrollment-code", &tr!("daemon-prompt-enrollment-code"))
            .map_err(input)?;
        Ok(EnrollmentCode::new(&code))
    }

    fn step_started(&mut self, step: Step) {
        let slot = step.slot().map(|s| format!("{:02X}", s.0));
        self.ctx
            .progress(step.name(), slot, "started", &step.label());
    }

    fn step_finished(&mut self, result: &StepResult) {
        let slot = result.step.slot().map(|s| format!("{:02X}", s.0));
        self.ctx.progress(
            result.step.name(),
            slot,
            result.outcome.status(),
            result.outcome.detail(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with_language;

    #[test]
    fn job_errors_speak_the_owners_language_with_plurals() {
        let timeout = |lang: &str, minutes: u64| {
            with_language(lang, || {
                JobError::Invalid(tr!(
                    "daemon-secret-timeout",
                    name = "current-pin",
                    minutes = minutes
                ))
                .to_string()
            })
        };
        assert_eq!(
            timeout("es", 1),
            "nadie ha respondido a la petición de current-pin en 1 minuto"
        );
        assert_eq!(
            timeout("es_ES.UTF-8", 10),
            "nadie ha respondido a la petición de current-pin en 10 minutos"
        );
        assert_eq!(
            timeout("ca_ES.UTF-8@valencia", 1),
            "ningú no ha respost a la petició de current-pin en 1 minut"
        );
        assert_eq!(
            timeout("ca-valencia", 10),
            "ningú no ha respost a la petició de current-pin en 10 minuts"
        );
        assert_eq!(
            timeout("C", 10),
            "no answer to the request for the current-pin within 10 minutes"
        );
        // Valencian where it differs from Catalan, Catalan where it does not.
        let va = with_language("ca-valencia", || {
            (
                JobError::Invalid(tr!("daemon-invalid-pin")).to_string(),
                JobError::CardGone.to_string(),
            )
        });
        assert_eq!(va.0, "açò no és un PIN vàlid");
        assert_eq!(
            with_language("ca", || tr!("daemon-invalid-pin")),
            "això no és un PIN vàlid"
        );
        assert_eq!(
            va.1,
            "s'ha retirat o canviat la targeta durant la tasca; no s'ha fet res més"
        );
        // The codes never change with the language.
        let code = |lang| with_language(lang, || JobError::CardGone.code());
        assert_eq!(
            (code("es"), code("ca-valencia")),
            ("card-gone", "card-gone")
        );
    }

    #[test]
    fn api_errors_carry_numbers_in_the_clients_language() {
        let jobs = Jobs::default();
        let e = with_language("es", || jobs.status(42)).expect_err("no job");
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::NoJob, "no existe la tarea 42")
        );
        let e = with_language("ca-valencia", || jobs.cancel(7, 1000)).expect_err("no job");
        assert_eq!(e.message, "no existix la tasca 7");
        let e = with_language("en", || jobs.status(42)).expect_err("no job");
        assert_eq!(e.message, "no job 42");
    }
}
