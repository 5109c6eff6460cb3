//! The activation workflow, resumable: identify the card -> management key (replacing the
//! factory key by the profile's) -> holder's PIN -> PUK -> keys generated on the card -> a CSR
//! per key, signed on the card and checked -> enrollment through an [`Enroller`] -> the returned
//! certificate checked ([`chain::check_issued`]) -> written to the card -> read back and compared.
//!
//! Every completed step is recorded in the card's [`Journal`] before the next begins. Running
//! the same activation again after an interruption (card pulled, CA unreachable, process killed)
//! continues from the journal and from what the card itself says:
//! - a key recorded in the journal is reused when the card's metadata shows the same public key
//!   (a key generated but not yet recorded is simply generated again: no certificate was made
//!   for it);
//! - a PIN or PUK no longer at its factory value is not set again (the holder types the PIN once
//!   to sign the CSRs);
//! - a CSR or a verified certificate recorded is reused (an enrollment code is single-use);
//! - a certificate already on the card, identical to the recorded one, is not written again;
//! - a certificate is written only after it was checked against the on-card key, and the driver
//!   checks it once more against the card's metadata just before PUT DATA.
//!
//! No PIN, PUK, management key, master secret or enrollment code is ever recorded or put in an
//! error message.

use std::collections::HashMap;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::apdu::StatusWord;
use crate::card::piv::{MetadataAlgorithm, PivCard, Slot, TouchPolicy};
use crate::card::{CardError, KeyAlgorithm, PublicKey};
use crate::enroll::chain::{self, CertCheckError};
use crate::enroll::csr::{self, CsrError};
use crate::enroll::journal::{
    CertificateInfo, IdentityRecord, Journal, JournalError, JournalStore, KeyRecord,
    ManagementKeyRecord, PukRecord,
};
use crate::enroll::local::{pem_decode, pem_decode_all, pem_encode, pem_public_key};
use crate::enroll::{EnrollError, Enroller, EnrollmentCode};
use crate::pin::{ManagementKey, Pin, Puk};
use crate::profile::{Identity, KeySpec, ManagementKeyMode, PinUse, Profile, SecretRule, Subject};
use crate::tr;

/// The operator's management-key secret, as the profile's mode needs it.
pub enum OperatorSecret {
    /// Master secret for `derived` keys (raw bytes).
    Master(Zeroizing<Vec<u8>>),
    /// The card's key for `explicit` mode.
    Explicit(ManagementKey),
    /// Nothing (profile mode `factory`).
    None,
}

/// What the operator asked for.
#[derive(Debug, Clone)]
pub struct ActivationRequest {
    /// The profile.
    pub profile: Profile,
    /// The holder.
    pub identity: Identity,
    /// Algorithm per slot, overriding the profile's default (must be allowed by it).
    pub algorithms: HashMap<Slot, KeyAlgorithm>,
    /// Trust anchors (DER) the returned certificates must chain to.
    pub trust_anchors: Vec<Vec<u8>>,
    /// Overwrite keys and certificates this activation did not put in the profile's slots
    /// (`--replace-existing`); without it such a card is refused before anything changes.
    pub replace_existing: bool,
}

/// The steps, for progress display and JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Card and profile identified, journal opened.
    Identify,
    /// Management key authenticated (and replaced if it was the factory key).
    ManagementKey,
    /// The holder's PIN.
    Pin,
    /// The PUK.
    Puk,
    /// On-card key generation.
    GenerateKey(Slot),
    /// CSR signed by the card.
    Csr(Slot),
    /// Enrollment at the CA and check of the answer.
    Enroll(Slot),
    /// Certificate written and read back.
    WriteCertificate(Slot),
    /// Sello's contents record written (or the card does not keep it).
    ContentsRecord,
}

impl Step {
    /// Machine name (`generate-key`), without the slot.
    pub fn name(self) -> &'static str {
        match self {
            Self::Identify => "identify",
            Self::ManagementKey => "management-key",
            Self::Pin => "pin",
            Self::Puk => "puk",
            Self::GenerateKey(_) => "generate-key",
            Self::Csr(_) => "csr",
            Self::Enroll(_) => "enroll",
            Self::WriteCertificate(_) => "write-certificate",
            Self::ContentsRecord => "contents-record",
        }
    }

    /// The slot the step is about.
    pub fn slot(self) -> Option<Slot> {
        match self {
            Self::GenerateKey(s) | Self::Csr(s) | Self::Enroll(s) | Self::WriteCertificate(s) => {
                Some(s)
            }
            _ => None,
        }
    }

    /// A label for people, in their language.
    pub fn label(self) -> String {
        let slot_hex = |s: Slot| format!("{:02X}", s.0);
        match self {
            Self::Identify => tr!("activate-step-identify"),
            Self::ManagementKey => tr!("activate-step-management-key"),
            Self::Pin => tr!("activate-step-pin"),
            Self::Puk => tr!("activate-step-puk"),
            Self::GenerateKey(s) => tr!("activate-step-generate-key", slot = slot_hex(s)),
            Self::Csr(s) => tr!("activate-step-csr", slot = slot_hex(s)),
            Self::Enroll(s) => tr!("activate-step-enroll", slot = slot_hex(s)),
            Self::WriteCertificate(s) => {
                tr!("activate-step-write-certificate", slot = slot_hex(s))
            }
            Self::ContentsRecord => {
                tr!("activate-step-contents-record")
            }
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done now.
    Done(String),
    /// Already done in an earlier run (from the journal and the card).
    AlreadyDone(String),
}

impl Outcome {
    /// `done` or `already-done`.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Done(_) => "done",
            Self::AlreadyDone(_) => "already-done",
        }
    }
    /// The detail.
    pub fn detail(&self) -> &str {
        match self {
            Self::Done(d) | Self::AlreadyDone(d) => d,
        }
    }
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    /// The step.
    pub step: Step,
    /// Its outcome.
    pub outcome: Outcome,
}

/// The dialogue with operator and holder, and the progress display.
pub trait ActivationUi {
    /// The holder chooses a new PIN (asked twice on a terminal); `rule` describes what is
    /// allowed (the activation checks it too).
    fn new_pin(&mut self, rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError>;
    /// The holder's current PIN (resuming after the PIN was set).
    fn current_pin(&mut self) -> Result<Zeroizing<String>, ActivationError>;
    /// A PUK entered by the operator (profiles with `generate = false`).
    fn new_puk(&mut self, rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError>;
    /// Shows a generated PUK, once, right after the card accepted it.
    fn show_puk(&mut self, puk: &Puk);
    /// The one-time enrollment code (asked only when an enrollment is still due).
    fn enrollment_code(&mut self) -> Result<EnrollmentCode, ActivationError>;
    /// A step begins.
    fn step_started(&mut self, step: Step);
    /// A step ended well.
    fn step_finished(&mut self, result: &StepResult);
}

/// Why an activation stopped. Running the same activation again resumes it, except where the
/// message says otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActivationError {
    /// The card refused or went away.
    #[error("{}: {source}", card_step_label(.step))]
    Card {
        /// The step.
        step: &'static str,
        /// The card error.
        #[source]
        source: CardError,
    },
    /// The journal cannot be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The journal is for another holder or profile.
    #[error("{}", tr!("enroll-journal-mismatch", path = .path.display().to_string(), what = .what.as_str()))]
    JournalMismatch {
        /// Path.
        path: PathBuf,
        /// What differs.
        what: String,
    },
    /// The request is not allowed by the profile, or input is invalid.
    #[error("{0}")]
    Invalid(String),
    /// Reading a secret failed or was cancelled.
    #[error("{0}")]
    Input(String),
    /// The management key was refused.
    #[error("{}", management_key_refused(*.0))]
    ManagementKey(ManagementKeyRefusal),
    /// CSR building failed.
    #[error("{}", tr!("enroll-csr-failed", slot = .slot.as_str(), error = .source.to_string()))]
    Csr {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: CsrError,
    },
    /// Enrollment failed.
    #[error("{}", tr!("enroll-enroll-failed", slot = .slot.as_str(), error = .source.to_string()))]
    Enroll {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: EnrollError,
    },
    /// The CA's certificate was refused; nothing was written to the card.
    #[error("{}", tr!("enroll-certificate-refused", slot = .slot.as_str(), error = .source.to_string()))]
    Certificate {
        /// Slot.
        slot: String,
        /// Why.
        #[source]
        source: CertCheckError,
    },
    /// The card no longer holds what the journal says.
    #[error("{0}")]
    CardChanged(String),
    /// A key the card generated failed the checks of [`crate::enroll::keycheck`]; the CA was
    /// not asked for anything.
    #[error("{}", tr!("enroll-faulty-key-generator", slot = .slot.as_str(), fault = .fault.to_string()))]
    FaultyKeyGenerator {
        /// Slot.
        slot: String,
        /// What was wrong with the key.
        fault: crate::enroll::keycheck::KeyFault,
    },
}

/// Why the card refused the management key ([`ActivationError::ManagementKey`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManagementKeyRefusal {
    /// Neither the profile's key nor the factory key opened the card.
    NeitherProfileNorFactory,
    /// Neither the factory key nor a PIN-protected key is on the card.
    NeitherFactoryNorPinProtected,
}

fn management_key_refused(why: ManagementKeyRefusal) -> String {
    match why {
        ManagementKeyRefusal::NeitherProfileNorFactory => {
            tr!("enroll-management-key-not-profile-nor-factory")
        }
        ManagementKeyRefusal::NeitherFactoryNorPinProtected => {
            tr!("enroll-management-key-not-factory-nor-protected")
        }
    }
}

/// The card operation a [`CardError`] happened in (`ActivationError::Card`'s and
/// `RenewError::Card`'s `step`, a fixed English key), in the user's language.
pub(crate) fn card_step_label(step: &str) -> String {
    match step {
        "identify" => tr!("enroll-op-identify"),
        "read existing certificate" => tr!("enroll-op-read-existing-certificate"),
        "key metadata" => tr!("enroll-op-key-metadata"),
        "management key" => tr!("enroll-op-management-key"),
        "set management key" => tr!("enroll-op-set-management-key"),
        "PIN-protected management key" => tr!("enroll-op-protected-management-key"),
        "PIN status" => tr!("enroll-op-pin-status"),
        "PIN" => tr!("enroll-op-pin"),
        "PIN (factory)" => tr!("enroll-op-factory-pin"),
        "set PIN retries" => tr!("enroll-op-set-pin-retries"),
        "set PIN" => tr!("enroll-op-set-pin"),
        "PUK status" => tr!("enroll-op-puk-status"),
        "set PUK" => tr!("enroll-op-set-puk"),
        "key generation" => tr!("enroll-op-key-generation"),
        "read certificate" => tr!("enroll-op-read-certificate"),
        "write certificate" => tr!("enroll-op-write-certificate"),
        "read back certificate" => tr!("enroll-op-read-back-certificate"),
        "certificate key" => tr!("enroll-op-certificate-key"),
        "9A certificate" => tr!("enroll-op-auth-certificate"),
        "authentication key" => tr!("enroll-op-authentication-key"),
        "delete old key" => tr!("enroll-op-delete-old-key"),
        "move new key" => tr!("enroll-op-move-new-key"),
        other => other.to_owned(),
    }
}

/// The result of a complete activation.
#[derive(Debug, Clone)]
pub struct ActivationReport {
    /// Card serial.
    pub serial: String,
    /// Profile.
    pub profile: String,
    /// Journal file.
    pub journal_path: PathBuf,
    /// Steps, in order.
    pub steps: Vec<StepResult>,
    /// The final journal.
    pub journal: Journal,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn slot_name(slot: Slot) -> String {
    format!("{:02X}", slot.0)
}

/// When a key asks for the PIN, in the user's language.
fn pin_use_text(pin_use: PinUse) -> String {
    match pin_use {
        PinUse::Never => tr!("activate-pin-use-never"),
        PinUse::Once => tr!("activate-pin-use-once"),
        PinUse::Always => tr!("activate-pin-use-always"),
    }
}

/// `f`'s text in English: what journals record (one language per record, whoever reads it).
fn in_english<R>(f: impl FnOnce() -> R) -> R {
    crate::i18n::with_language("en", f)
}

/// What another tool left in a profile's slot: a certificate (its subject, when it parses)
/// and/or a key (its algorithm, when the card tells).
#[derive(Debug, Clone)]
struct Existing {
    certificate: Option<Option<String>>,
    key: Option<Option<String>>,
}

impl Existing {
    /// "a certificate for CN=... and a P-256 key", in the user's language.
    fn describe(&self) -> String {
        let mut what = Vec::new();
        if let Some(subject) = &self.certificate {
            let subject = subject
                .clone()
                .unwrap_or_else(|| tr!("enroll-existing-unreadable-subject"));
            what.push(tr!("enroll-existing-certificate", subject = subject));
        }
        match &self.key {
            Some(Some(a)) => what.push(tr!("enroll-existing-key-of", algorithm = a.as_str())),
            Some(None) => what.push(tr!("enroll-existing-key")),
            None => {}
        }
        what.join(&tr!("enroll-existing-and"))
    }
}

/// The holder's PIN-protected copy of the management key, as the management-key step found it.
#[derive(Debug, Clone, Copy)]
enum HolderCopy {
    /// The profile keeps no copy.
    NotAsked,
    /// The copy is on the card.
    Kept,
    /// The card refuses the objects that keep it.
    Refused,
}

impl HolderCopy {
    /// The end of the step's detail, in the user's language (empty when there is no copy).
    fn text(self) -> String {
        match self {
            Self::NotAsked => String::new(),
            Self::Kept => tr!("activate-detail-holder-copy"),
            Self::Refused => tr!("activate-detail-no-holder-copy"),
        }
    }
}

fn card_err(step: &'static str) -> impl FnOnce(CardError) -> ActivationError {
    move |source| ActivationError::Card { step, source }
}

/// Runs (or resumes) an activation of the card.
pub struct Activation<'a> {
    card: &'a mut PivCard,
    request: &'a ActivationRequest,
    secret: &'a OperatorSecret,
    store: &'a JournalStore,
    journal: Journal,
    journal_path: PathBuf,
    subject: Subject,
    steps: Vec<StepResult>,
    /// The holder's current PIN when the management-key step already needed it (profile mode
    /// `pin-protected`, resumed), so the PIN step does not ask again.
    known_pin: Option<Pin>,
    /// What each slot held before, from another tool, when `replace_existing` allows it.
    replacing: HashMap<Slot, Existing>,
}

impl<'a> Activation<'a> {
    /// Identifies the card and opens (or starts) its journal. Nothing is changed on the card.
    pub fn begin(
        card: &'a mut PivCard,
        request: &'a ActivationRequest,
        secret: &'a OperatorSecret,
        store: &'a JournalStore,
    ) -> Result<Self, ActivationError> {
        let profile = &request.profile;
        for (slot, alg) in &request.algorithms {
            let spec = profile.key(*slot).ok_or_else(|| {
                ActivationError::Invalid(tr!(
                    "enroll-profile-no-key-in-slot",
                    profile = profile.name.as_str(),
                    slot = slot_name(*slot)
                ))
            })?;
            if !spec.allowed_algorithms.contains(alg) {
                return Err(ActivationError::Invalid(tr!(
                    "enroll-profile-algorithm-not-allowed",
                    profile = profile.name.as_str(),
                    algorithm = alg.to_string(),
                    slot = slot_name(*slot)
                )));
            }
        }
        let subject = profile
            .subject
            .render(&request.identity)
            .map_err(ActivationError::Invalid)?;
        let serial = card
            .serial()
            .map_err(|e| match e {
                CardError::NotSupported(_) | CardError::Refused { .. } => {
                    ActivationError::Invalid(tr!("enroll-no-serial"))
                }
                other => ActivationError::Card {
                    step: "identify",
                    source: other,
                },
            })?
            .to_string();
        let id = &request.identity;
        let record = IdentityRecord {
            nif: id.nif.to_string(),
            given_name: id.given_name.clone(),
            surnames: id.surnames.clone(),
            email: id.email.clone(),
        };
        let journal_path = store.path(&serial);
        let t = now();
        let (journal, resumed) = match store.load(&serial)? {
            Some(j) => {
                if j.profile != profile.name {
                    return Err(ActivationError::JournalMismatch {
                        path: journal_path,
                        what: tr!("enroll-journal-other-profile", profile = j.profile.as_str()),
                    });
                }
                if j.identity != record {
                    return Err(ActivationError::JournalMismatch {
                        path: journal_path,
                        what: tr!("enroll-journal-other-holder"),
                    });
                }
                (j, true)
            }
            None => (Journal::new(&serial, &profile.name, record, t), false),
        };
        let mut a = Self {
            card,
            request,
            secret,
            store,
            journal,
            journal_path,
            subject,
            steps: Vec::new(),
            known_pin: None,
            replacing: HashMap::new(),
        };
        let detail = || {
            if resumed {
                tr!(
                    "activate-detail-identify-resuming",
                    serial = serial.as_str(),
                    profile = profile.name.as_str()
                )
            } else {
                tr!(
                    "activate-detail-identify",
                    serial = serial.as_str(),
                    profile = profile.name.as_str()
                )
            }
        };
        a.journal.event(t, "identify", in_english(detail));
        a.save()?;
        a.steps.push(StepResult {
            step: Step::Identify,
            outcome: Outcome::Done(detail()),
        });
        Ok(a)
    }

    /// The card serial.
    pub fn serial(&self) -> &str {
        &self.journal.card_serial
    }

    /// The journal file.
    pub fn journal_path(&self) -> &std::path::Path {
        &self.journal_path
    }

    /// The journal as it stands.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    fn save(&mut self) -> Result<(), ActivationError> {
        self.store.save(&mut self.journal, now())?;
        Ok(())
    }

    /// Records a finished step in the journal (in English: a journal is one record, whoever
    /// reads it and in whatever language the activation was resumed) and shows it in the
    /// user's language.
    fn finish(
        &mut self,
        ui: &mut dyn ActivationUi,
        step: Step,
        outcome: impl Fn() -> Outcome,
    ) -> Result<(), ActivationError> {
        let label = match step.slot() {
            Some(s) => format!("{} {}", step.name(), slot_name(s)),
            None => step.name().to_owned(),
        };
        let recorded = in_english(&outcome);
        self.journal.event(
            now(),
            &label,
            format!("{}: {}", recorded.status(), recorded.detail()),
        );
        self.save()?;
        let r = StepResult {
            step,
            outcome: outcome(),
        };
        ui.step_finished(&r);
        self.steps.push(r);
        Ok(())
    }

    /// Runs every remaining step.
    pub fn run(
        mut self,
        enroller: &mut dyn Enroller,
        ui: &mut dyn ActivationUi,
    ) -> Result<ActivationReport, ActivationError> {
        if let Some(first) = self.steps.first().cloned() {
            ui.step_finished(&first);
        }
        self.check_existing()?;
        self.management_key(ui)?;
        let pin = self.pin(ui)?;
        self.puk(ui)?;
        // Optional keys (9D in citizen-piv) only when the request names their algorithm.
        let specs: Vec<KeySpec> = (self.request.profile.keys.iter())
            .filter(|k| !k.optional || self.request.algorithms.contains_key(&k.slot))
            .cloned()
            .collect();
        let mut keys = Vec::new();
        for spec in &specs {
            keys.push((spec.clone(), self.key(ui, spec)?));
        }
        for (spec, pk) in &keys {
            self.csr(ui, spec, pk, &pin)?;
        }
        let mut code_given = false;
        for (spec, pk) in &keys {
            self.enroll(ui, enroller, &mut code_given, spec, pk)?;
        }
        for (spec, pk) in &keys {
            self.write(ui, spec, pk)?;
        }
        // Record what the card now holds (readers match their caches against it). Not worth
        // failing an activation for: without it, readers check every object instead. A card
        // that refuses the object is asked once (the driver remembers the refusal) and the
        // operator is told.
        ui.step_started(Step::ContentsRecord);
        let completed = self.journal.completed_at.is_some();
        let sealed = if completed && matches!(self.card.contents_record(), Ok(Some(_))) {
            None
        } else {
            Some(self.card.seal_contents())
        };
        self.finish(ui, Step::ContentsRecord, || match &sealed {
            None => Outcome::AlreadyDone(tr!("activate-detail-record-written-earlier")),
            Some(Ok(_)) => Outcome::Done(tr!("activate-detail-record-written")),
            Some(Err(CardError::NotSupported(_))) => {
                let d = tr!("activate-detail-record-not-kept");
                if completed {
                    Outcome::AlreadyDone(d)
                } else {
                    Outcome::Done(d)
                }
            }
            Some(Err(e)) => Outcome::Done(tr!(
                "activate-detail-record-not-written",
                error = e.to_string()
            )),
        })?;
        // Leave the card as the holder will find it: not logged in.
        let _ = self.card.logout();
        if self.journal.completed_at.is_none() {
            self.journal.completed_at = Some(now());
            self.journal.event(now(), "done", "activation complete");
            self.save()?;
        }
        Ok(ActivationReport {
            serial: self.journal.card_serial.clone(),
            profile: self.request.profile.name.clone(),
            journal_path: self.journal_path,
            steps: self.steps,
            journal: self.journal,
        })
    }

    /// Keys and certificates in the profile's slots that this activation did not put there
    /// (another tool's): refused before anything on the card changes, unless the request says
    /// to replace them; either way the operator sees what they are.
    fn check_existing(&mut self) -> Result<(), ActivationError> {
        let mut found = Vec::new();
        for spec in &self.request.profile.keys {
            let name = slot_name(spec.slot);
            if self.journal.key(&name).is_some() {
                continue;
            }
            let cert = self
                .card
                .read_certificate(spec.slot)
                .map_err(card_err("read existing certificate"))?;
            let certificate = cert.as_ref().map(|c| {
                x509_parser::parse_x509_certificate(&c.der)
                    .map(|(_, x)| x.subject().to_string())
                    .ok()
            });
            let key = match self.card.metadata(spec.slot) {
                Ok(Some(m)) => Some(match m.algorithm {
                    Some(MetadataAlgorithm::Key(a)) => Some(a.to_string()),
                    _ => None,
                }),
                Ok(None) | Err(CardError::NotSupported(_)) => None,
                Err(e) => return Err(card_err("key metadata")(e)),
            };
            if certificate.is_some() || key.is_some() {
                found.push((spec.slot, Existing { certificate, key }));
            }
        }
        if found.is_empty() {
            return Ok(());
        }
        let list = || {
            found
                .iter()
                .map(|(s, w)| {
                    tr!(
                        "enroll-existing-slot",
                        slot = slot_name(*s),
                        what = w.describe()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !self.request.replace_existing {
            return Err(ActivationError::Invalid(tr!(
                "enroll-existing-refused",
                list = list()
            )));
        }
        let replacing = format!("replacing {}", in_english(list));
        self.journal.event(now(), "replace-existing", replacing);
        self.save()?;
        self.replacing = found.into_iter().collect();
        Ok(())
    }

    fn management_key(&mut self, ui: &mut dyn ActivationUi) -> Result<(), ActivationError> {
        ui.step_started(Step::ManagementKey);
        let policy = self.request.profile.management_key;
        if policy.mode == ManagementKeyMode::PinProtected {
            return self.pin_protected_key(ui);
        }
        let target = match (policy.mode, self.secret) {
            (ManagementKeyMode::Derived, OperatorSecret::Master(m)) => policy
                .derive(m, &self.journal.card_serial)
                .map_err(ActivationError::Invalid)?,
            (ManagementKeyMode::Explicit, OperatorSecret::Explicit(k)) => k.clone(),
            (ManagementKeyMode::Factory, _) => ManagementKey::default_3des(),
            (ManagementKeyMode::Derived, _) => {
                return Err(ActivationError::Invalid(tr!("enroll-needs-master-secret")))
            }
            (ManagementKeyMode::Explicit, _) => {
                return Err(ActivationError::Invalid(tr!("enroll-needs-explicit-key")))
            }
            (ManagementKeyMode::PinProtected, _) => {
                return Err(ActivationError::Invalid(tr!(
                    "enroll-internal-pin-protected"
                )))
            }
        };
        if target.is_default() && !policy.allow_default {
            return Err(ActivationError::Invalid(tr!("enroll-factory-key-refused")));
        }
        match self.card.authenticate(&target) {
            Ok(()) => {
                let mut already = self.journal.management_key.is_some();
                if !already {
                    self.journal.management_key = Some(ManagementKeyRecord {
                        mode: policy.mode.name().into(),
                        algorithm: target.algorithm().name().into(),
                        replaced_factory_key: false,
                        at: now(),
                        holder_copy_at: None,
                    });
                }
                let (copy, written) = self.holder_copy(&target)?;
                already &= !written;
                let algorithm = target.algorithm().to_string();
                return self.finish(ui, Step::ManagementKey, || {
                    let detail = tr!(
                        "activate-detail-management-key",
                        mode = policy.mode.name(),
                        algorithm = algorithm.as_str(),
                        copy = copy.text()
                    );
                    if already {
                        Outcome::AlreadyDone(detail)
                    } else {
                        Outcome::Done(detail)
                    }
                });
            }
            Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {}
            Err(e) => return Err(card_err("management key")(e)),
        }
        // Not the profile's key: a factory-fresh card still has the default key; replace it.
        let factory = ManagementKey::default_3des();
        match self.card.authenticate(&factory) {
            Ok(()) => {}
            Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {
                return Err(ActivationError::ManagementKey(
                    ManagementKeyRefusal::NeitherProfileNorFactory,
                ))
            }
            Err(e) => return Err(card_err("management key")(e)),
        }
        match self.card.set_management_key(&target, false) {
            Ok(()) => {}
            // The card refused the key itself (its algorithm): nothing changed on the card.
            Err(
                CardError::NotSupported(_)
                | CardError::Refused {
                    status:
                        StatusWord::IncorrectData
                        | StatusWord::IncorrectP1P2
                        | StatusWord::FunctionNotSupported,
                    ..
                },
            ) => {
                return Err(ActivationError::Invalid(tr!(
                    "enroll-management-key-algorithm-refused",
                    algorithm = target.algorithm().to_string()
                )))
            }
            Err(e) => return Err(card_err("set management key")(e)),
        }
        self.card
            .authenticate(&target)
            .map_err(card_err("management key"))?;
        self.journal.management_key = Some(ManagementKeyRecord {
            mode: policy.mode.name().into(),
            algorithm: target.algorithm().name().into(),
            replaced_factory_key: true,
            at: now(),
            holder_copy_at: None,
        });
        let (copy, _) = self.holder_copy(&target)?;
        let algorithm = target.algorithm().to_string();
        self.finish(ui, Step::ManagementKey, || {
            Outcome::Done(tr!(
                "activate-detail-factory-key-replaced",
                mode = policy.mode.name(),
                algorithm = algorithm.as_str(),
                copy = copy.text()
            ))
        })
    }

    /// Profiles with a PIN-protected copy ("both"): writes the copy of `key` (the card's key,
    /// authenticated) unless the journal has it. Returns the detail to show and whether it was
    /// written now.
    fn holder_copy(&mut self, key: &ManagementKey) -> Result<(HolderCopy, bool), ActivationError> {
        if !self.request.profile.management_key.pin_protected {
            return Ok((HolderCopy::NotAsked, false));
        }
        let done = self
            .journal
            .management_key
            .as_ref()
            .is_some_and(|r| r.holder_copy_at.is_some());
        if !done {
            match self.card.store_protected_management_key(key) {
                Ok(()) => {}
                // A card that refuses the objects the copy lives in (ADMIN DATA, PRINTED): the
                // copy is the holder's convenience in "both" mode, not the activation's purpose.
                // The operator's key works; renewal then needs a registration point.
                Err(
                    CardError::NotSupported(_)
                    | CardError::Refused {
                        status:
                            StatusWord::FunctionNotSupported
                            | StatusWord::IncorrectP1P2
                            | StatusWord::InsNotSupported,
                        ..
                    },
                ) => return Ok((HolderCopy::Refused, false)),
                Err(e) => return Err(card_err("PIN-protected management key")(e)),
            }
            if let Some(r) = self.journal.management_key.as_mut() {
                r.holder_copy_at = Some(now());
            }
        }
        Ok((HolderCopy::Kept, !done))
    }

    /// Mode `pin-protected`: a factory-fresh card gets a random key, stored PIN-protected on the
    /// card *before* it replaces the factory key (an interruption in between leaves either the
    /// factory key or a stored copy of the new one); a card already past that is opened with
    /// the holder's PIN (the factory PIN while it is still set).
    fn pin_protected_key(&mut self, ui: &mut dyn ActivationUi) -> Result<(), ActivationError> {
        let policy = self.request.profile.management_key;
        let factory = ManagementKey::default_3des();
        match self.card.authenticate(&factory) {
            Ok(()) => {
                let key = ManagementKey::generate(policy.algorithm);
                self.card
                    .store_protected_management_key(&key)
                    .map_err(card_err("PIN-protected management key"))?;
                self.card
                    .set_management_key(&key, false)
                    .map_err(card_err("set management key"))?;
                self.card
                    .authenticate(&key)
                    .map_err(card_err("management key"))?;
                self.journal.management_key = Some(ManagementKeyRecord {
                    mode: policy.mode.name().into(),
                    algorithm: key.algorithm().name().into(),
                    replaced_factory_key: true,
                    at: now(),
                    holder_copy_at: Some(now()),
                });
                self.finish(ui, Step::ManagementKey, || {
                    Outcome::Done(tr!(
                        "activate-detail-random-key",
                        algorithm = key.algorithm().to_string()
                    ))
                })
            }
            Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {
                let status = self.card.pin_status().map_err(card_err("PIN status"))?;
                let pin = if status.pin_is_default == Some(true) {
                    Pin::new("123456").map_err(|e| ActivationError::Invalid(e.to_string()))?
                } else {
                    Pin::new(&ui.current_pin()?)
                        .map_err(|_| ActivationError::Invalid(tr!("enroll-invalid-pin")))?
                };
                match self.card.authenticate_with_pin(&pin) {
                    Ok(()) => {}
                    Err(CardError::NotFound(_)) => {
                        return Err(ActivationError::ManagementKey(
                            ManagementKeyRefusal::NeitherFactoryNorPinProtected,
                        ))
                    }
                    Err(e) => return Err(card_err("PIN-protected management key")(e)),
                }
                if status.pin_is_default != Some(true) {
                    self.known_pin = Some(pin);
                }
                if self.journal.management_key.is_none() {
                    // The copy opened the card: it is there, whoever wrote it.
                    self.journal.management_key = Some(ManagementKeyRecord {
                        mode: policy.mode.name().into(),
                        algorithm: policy.algorithm.name().into(),
                        replaced_factory_key: false,
                        at: now(),
                        holder_copy_at: Some(now()),
                    });
                }
                self.finish(ui, Step::ManagementKey, || {
                    Outcome::AlreadyDone(tr!("activate-detail-protected-key-opened"))
                })
            }
            Err(e) => Err(card_err("management key")(e)),
        }
    }

    fn pin(&mut self, ui: &mut dyn ActivationUi) -> Result<Pin, ActivationError> {
        ui.step_started(Step::Pin);
        let rule = self.request.profile.pin;
        let status = self.card.pin_status().map_err(card_err("PIN status"))?;
        if status.pin_blocked() {
            return Err(ActivationError::Card {
                step: "PIN",
                source: CardError::PinBlocked,
            });
        }
        let factory = match status.pin_is_default {
            Some(d) => d,
            // No metadata: trust the journal; a card without a record is taken as factory-fresh.
            None => self.journal.pin_set_at.is_none(),
        };
        if !factory {
            let pin = match self.known_pin.take() {
                Some(p) => p,
                None => Pin::new(&ui.current_pin()?)
                    .map_err(|_| ActivationError::Invalid(tr!("enroll-invalid-pin")))?,
            };
            self.card.verify_pin(&pin).map_err(card_err("PIN"))?;
            if self.journal.pin_set_at.is_none() {
                self.journal.pin_set_at = Some(now());
            }
            self.finish(ui, Step::Pin, || {
                Outcome::AlreadyDone(tr!("activate-detail-pin-already-set"))
            })?;
            return Ok(pin);
        }
        let default_pin =
            Pin::new("123456").map_err(|e| ActivationError::Invalid(e.to_string()))?;
        // Retry counters as the profile says (YubiKey SET PIN RETRIES resets PIN and PUK to
        // their defaults, so it is only done while both still are). What the card enforces:
        // the total from metadata, or else the count an empty VERIFY reports for the untouched
        // factory PIN.
        let pin_total = status.pin.map(|r| r.total.unwrap_or(r.remaining));
        let puk_total = status.puk.and_then(|r| r.total);
        let puk_default = status.puk_is_default.unwrap_or(self.journal.puk.is_none());
        if puk_default
            && (pin_total.is_some_and(|t| t != rule.retries)
                || puk_total.is_some_and(|t| t != self.request.profile.puk.retries))
        {
            self.card
                .verify_pin(&default_pin)
                .map_err(card_err("PIN (factory)"))?;
            match self
                .card
                .set_pin_retries(rule.retries, self.request.profile.puk.retries)
            {
                Ok(()) => {}
                // A card without SET PIN RETRIES keeps its own count: the profile decides.
                Err(CardError::NotSupported(_)) => {
                    let n = pin_total.unwrap_or(rule.retries);
                    if self.request.profile.pin_retries_required && n != rule.retries {
                        return Err(ActivationError::Invalid(tr!(
                            "enroll-pin-retries-fixed",
                            tries = n,
                            profile = self.request.profile.name.as_str(),
                            wanted = rule.retries
                        )));
                    }
                }
                Err(e) => return Err(card_err("set PIN retries")(e)),
            }
        }
        let typed = ui.new_pin(&rule)?;
        rule.check(crate::profile::SecretName::Pin, &typed)
            .map_err(ActivationError::Invalid)?;
        let pin = Pin::new(&typed).map_err(|e| ActivationError::Invalid(e.to_string()))?;
        self.card
            .change_pin(&default_pin, &pin)
            .map_err(card_err("set PIN"))?;
        // Read back what the card enforces (the counter is full after a change; an empty
        // VERIFY costs no try), before the VERIFY that would hide it.
        let mut after = self.card.pin_status().map_err(card_err("PIN status"))?;
        if after.pin.is_none() && after.verified {
            // Cards that count a successful change as a verification answer the empty VERIFY
            // with 9000: log out (no PIN involved) and ask again.
            self.card.logout().map_err(card_err("PIN status"))?;
            after = self.card.pin_status().map_err(card_err("PIN status"))?;
        }
        let enforced = after.pin.map(|r| r.total.unwrap_or(r.remaining));
        self.card.verify_pin(&pin).map_err(card_err("PIN"))?;
        self.journal.pin_set_at = Some(now());
        let detail = || match enforced {
            Some(n) if n == rule.retries => tr!("activate-detail-pin-set", tries = n),
            Some(n) => tr!(
                "activate-detail-pin-set-card-count",
                tries = n,
                wanted = rule.retries
            ),
            None => tr!("activate-detail-pin-set-unknown-count"),
        };
        self.finish(ui, Step::Pin, || Outcome::Done(detail()))?;
        Ok(pin)
    }

    fn puk(&mut self, ui: &mut dyn ActivationUi) -> Result<(), ActivationError> {
        ui.step_started(Step::Puk);
        let status = self.card.pin_status().map_err(card_err("PUK status"))?;
        let factory = match status.puk_is_default {
            Some(d) => d,
            None => self.journal.puk.is_none(),
        };
        if !factory {
            let recorded = self.journal.puk.is_some();
            return self.finish(ui, Step::Puk, || {
                Outcome::AlreadyDone(if recorded {
                    tr!("activate-detail-puk-already-set")
                } else {
                    tr!("activate-detail-puk-changed-before")
                })
            });
        }
        let rule = self.request.profile.puk;
        let generated = self.request.profile.puk_generate;
        let puk = if generated {
            generate_puk(&rule)?
        } else {
            let typed = ui.new_puk(&rule)?;
            rule.check(crate::profile::SecretName::Puk, &typed)
                .map_err(ActivationError::Invalid)?;
            Puk::new(&typed).map_err(|e| ActivationError::Invalid(e.to_string()))?
        };
        let default_puk =
            Puk::new("12345678").map_err(|e| ActivationError::Invalid(e.to_string()))?;
        self.card
            .change_puk(&default_puk, &puk)
            .map_err(card_err("set PUK"))?;
        if generated {
            ui.show_puk(&puk);
        }
        self.journal.puk = Some(PukRecord {
            generated,
            at: now(),
        });
        self.finish(ui, Step::Puk, || {
            Outcome::Done(if generated {
                tr!("activate-detail-puk-generated")
            } else {
                tr!("activate-detail-puk-set")
            })
        })
    }

    fn algorithm_for(&self, spec: &KeySpec) -> KeyAlgorithm {
        self.request
            .algorithms
            .get(&spec.slot)
            .copied()
            .unwrap_or(spec.algorithm)
    }

    fn key(
        &mut self,
        ui: &mut dyn ActivationUi,
        spec: &KeySpec,
    ) -> Result<PublicKey, ActivationError> {
        let step = Step::GenerateKey(spec.slot);
        ui.step_started(step);
        let name = slot_name(spec.slot);
        let alg = self.algorithm_for(spec);
        let on_card = match self.card.metadata(spec.slot) {
            Ok(m) => m.and_then(|m| m.public_key),
            Err(CardError::NotSupported(_)) => None,
            Err(e) => return Err(card_err("key metadata")(e)),
        };
        if let Some(rec) = self.journal.key(&name).cloned() {
            let recorded = pem_public_key(&rec.public_key).ok_or_else(|| {
                ActivationError::CardChanged(tr!(
                    "enroll-journal-key-unreadable",
                    slot = name.as_str()
                ))
            })?;
            let same = on_card.as_ref().is_none_or(|k| *k == recorded);
            if same && recorded.algorithm() == alg {
                self.finish(ui, step, || {
                    Outcome::AlreadyDone(tr!(
                        "activate-detail-key-earlier",
                        algorithm = alg.to_string()
                    ))
                })?;
                return Ok(recorded);
            }
            if rec.written_at.is_some() {
                return Err(ActivationError::CardChanged(tr!(
                    "enroll-key-gone",
                    slot = name.as_str()
                )));
            }
            // Generated again after the record (interrupted before recording), or another
            // algorithm asked: the old CSR/certificate are for a key that is gone.
        }
        let pk = self
            .card
            .generate_key(
                spec.slot,
                alg,
                spec.pin_use.piv_policy(),
                TouchPolicy::Default,
            )
            .map_err(card_err("key generation"))?;
        let others = self.other_keys(spec.slot)?;
        if let Err(fault) = super::keycheck::check_generated(&pk, &others) {
            self.journal.event(
                now(),
                &format!("generate-key {name}"),
                format!("refused: {}", in_english(|| fault.to_string())),
            );
            self.save()?;
            return Err(ActivationError::FaultyKeyGenerator { slot: name, fault });
        }
        let spki = pk.to_spki_der().map_err(card_err("key generation"))?;
        self.journal.set_key(KeyRecord {
            slot: name,
            purpose: spec.purpose.name().into(),
            algorithm: alg.name().into(),
            public_key: pem_encode("PUBLIC KEY", &spki),
            generated_at: now(),
            csr: None,
            certificate: None,
            certificate_info: None,
            written_at: None,
        });
        let replaced = self.replacing.remove(&spec.slot);
        let replaced = || {
            replaced
                .as_ref()
                .map(|w| tr!("activate-detail-replaced", what = w.describe()))
                .unwrap_or_default()
        };
        self.finish(ui, step, || {
            Outcome::Done(tr!(
                "activate-detail-key-generated",
                algorithm = alg.to_string(),
                pin_use = pin_use_text(spec.pin_use),
                replaced = replaced()
            ))
        })?;
        Ok(pk)
    }

    /// The public keys of every other slot: those the journal recorded and those on the card
    /// (from the key's metadata where the card has it, else from the slot's certificate).
    fn other_keys(&mut self, slot: Slot) -> Result<Vec<(String, PublicKey)>, ActivationError> {
        let name = slot_name(slot);
        let mut out: Vec<(String, PublicKey)> = self
            .journal
            .keys
            .iter()
            .filter(|r| r.slot != name)
            .filter_map(|r| {
                let k = pem_public_key(&r.public_key)?;
                Some((
                    tr!("enroll-key-in-activation-journal", slot = r.slot.as_str()),
                    k,
                ))
            })
            .collect();
        out.extend(
            super::keycheck::keys_on_card(self.card, &[slot]).map_err(card_err("key metadata"))?,
        );
        Ok(out)
    }

    fn csr(
        &mut self,
        ui: &mut dyn ActivationUi,
        spec: &KeySpec,
        pk: &PublicKey,
        pin: &Pin,
    ) -> Result<(), ActivationError> {
        let step = Step::Csr(spec.slot);
        ui.step_started(step);
        let name = slot_name(spec.slot);
        let existing = self.journal.key(&name).and_then(|r| r.csr.clone());
        if let Some(pem) = existing {
            let ok = pem_decode(&pem)
                .and_then(|d| csr::check_csr(&d).ok())
                .is_some_and(|c| c.public_key == *pk);
            if ok {
                return self.finish(ui, step, || {
                    Outcome::AlreadyDone(tr!("activate-detail-csr-earlier"))
                });
            }
        }
        let der = csr::build_csr(self.card, spec.slot, pk, &self.subject, Some(pin)).map_err(
            |source| ActivationError::Csr {
                slot: name.clone(),
                source,
            },
        )?;
        if let Some(rec) = self.journal.key_mut(&name) {
            rec.csr = Some(pem_encode("CERTIFICATE REQUEST", &der));
        }
        let subject = self.subject.display().to_string();
        self.finish(ui, step, || {
            Outcome::Done(tr!("activate-detail-csr", subject = subject.as_str()))
        })
    }

    fn enroll(
        &mut self,
        ui: &mut dyn ActivationUi,
        enroller: &mut dyn Enroller,
        code_given: &mut bool,
        spec: &KeySpec,
        pk: &PublicKey,
    ) -> Result<(), ActivationError> {
        let step = Step::Enroll(spec.slot);
        ui.step_started(step);
        let name = slot_name(spec.slot);
        let t = now();
        let rec = self.journal.key(&name).cloned().ok_or_else(|| {
            ActivationError::CardChanged(tr!("enroll-no-journal-record", slot = name.as_str()))
        })?;
        if let Some(chain_pem) = &rec.certificate {
            let chain = pem_decode_all(chain_pem);
            chain::check_issued(&chain, &self.request.trust_anchors, pk, &self.subject, t)
                .and_then(|_| chain::check_purpose(&chain, &spec.certificate))
                .map_err(|source| ActivationError::Certificate {
                    slot: name.clone(),
                    source,
                })?;
            return self.finish(ui, step, || {
                Outcome::AlreadyDone(tr!("activate-detail-certificate-earlier"))
            });
        }
        let csr_der = rec.csr.as_deref().and_then(pem_decode).ok_or_else(|| {
            ActivationError::CardChanged(tr!("enroll-no-request-recorded", slot = name.as_str()))
        })?;
        if enroller.needs_code() && !*code_given {
            let code = ui.enrollment_code()?;
            enroller.set_code(code);
            *code_given = true;
        }
        let chain =
            enroller
                .enroll(spec.purpose, &csr_der)
                .map_err(|source| ActivationError::Enroll {
                    slot: name.clone(),
                    source,
                })?;
        let accepted =
            chain::check_issued(&chain, &self.request.trust_anchors, pk, &self.subject, t)
                .and_then(|a| chain::check_purpose(&chain, &spec.certificate).map(|()| a))
                .map_err(|source| ActivationError::Certificate {
                    slot: name.clone(),
                    source,
                })?;
        if let Some(r) = self.journal.key_mut(&name) {
            r.certificate = Some(
                chain
                    .iter()
                    .map(|c| pem_encode("CERTIFICATE", c))
                    .collect::<String>(),
            );
            r.certificate_info = Some(CertificateInfo {
                serial: accepted.serial.clone(),
                subject: accepted.subject.clone(),
                issuer: accepted.issuer.clone(),
                not_after: accepted.not_after,
            });
        }
        self.finish(ui, step, || {
            Outcome::Done(tr!(
                "activate-detail-certificate",
                serial = accepted.serial.as_str(),
                issuer = accepted.issuer.as_str()
            ))
        })
    }

    fn write(
        &mut self,
        ui: &mut dyn ActivationUi,
        spec: &KeySpec,
        pk: &PublicKey,
    ) -> Result<(), ActivationError> {
        let step = Step::WriteCertificate(spec.slot);
        ui.step_started(step);
        let name = slot_name(spec.slot);
        let rec = self.journal.key(&name).cloned().ok_or_else(|| {
            ActivationError::CardChanged(tr!("enroll-no-journal-record", slot = name.as_str()))
        })?;
        let leaf = rec
            .certificate
            .as_deref()
            .and_then(pem_decode)
            .ok_or_else(|| {
                ActivationError::CardChanged(tr!(
                    "enroll-no-certificate-recorded",
                    slot = name.as_str()
                ))
            })?;
        let on_card = self
            .card
            .read_certificate(spec.slot)
            .map_err(card_err("read certificate"))?;
        if on_card.as_ref().is_some_and(|c| c.der == leaf) {
            let already = rec.written_at.is_some();
            if let Some(r) = self.journal.key_mut(&name) {
                r.written_at.get_or_insert(now());
            }
            return self.finish(ui, step, || {
                if already {
                    Outcome::AlreadyDone(tr!("activate-detail-certificate-on-card"))
                } else {
                    Outcome::Done(tr!("activate-detail-certificate-on-card-interrupted"))
                }
            });
        }
        test_abort_at("before-write");
        self.card
            .write_certificate(spec.slot, &leaf, false, Some(pk))
            .map_err(card_err("write certificate"))?;
        let back = self
            .card
            .read_certificate(spec.slot)
            .map_err(card_err("read back certificate"))?;
        if back.as_ref().map(|c| c.der.as_slice()) != Some(leaf.as_slice()) {
            return Err(ActivationError::CardChanged(tr!(
                "enroll-read-back-differs",
                slot = name.as_str()
            )));
        }
        if let Some(r) = self.journal.key_mut(&name) {
            r.written_at = Some(now());
        }
        self.finish(ui, step, || {
            Outcome::Done(tr!("enroll-detail-written", bytes = leaf.len()))
        })
    }
}

/// Test hook, compiled only in debug builds: `SELLO_TEST_ABORT_AT=<point>` ends the process
/// abruptly (no cleanup, as a kill would) when the workflow reaches `point` — `before-write`:
/// the certificate is received, checked and journalled, not yet written.
pub fn test_abort_at(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("SELLO_TEST_ABORT_AT").is_ok_and(|v| v == point) {
        eprintln!("sello: test abort at {point}");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}

/// A random PUK following `rule`: digits, `max_length` long.
fn generate_puk(rule: &SecretRule) -> Result<Puk, ActivationError> {
    use rand_core::RngCore;
    let len = rule.max_length;
    let mut digits = Zeroizing::new(String::with_capacity(len));
    while digits.len() < len {
        // Rejection sampling: bytes >= 250 would bias the digits.
        let mut b = [0u8; 1];
        rand_core::OsRng.fill_bytes(&mut b);
        if b[0] < 250 {
            digits.push(char::from(b'0' + b[0] % 10));
        }
    }
    rule.check(crate::profile::SecretName::Puk, &digits)
        .map_err(ActivationError::Invalid)?;
    Puk::new(&digits).map_err(|e| ActivationError::Invalid(e.to_string()))
}
