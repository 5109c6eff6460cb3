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
use crate::profile::{Identity, KeySpec, ManagementKeyMode, Profile, SecretRule, Subject};
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
    #[error("{step}: {source}")]
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
    #[error("the journal {path} records an activation of this card for {what}; finish or discard that one first (move the file away)")]
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
    #[error("the card refused the management key{0}")]
    ManagementKey(&'static str),
    /// CSR building failed.
    #[error("certificate request for slot {slot}: {source}")]
    Csr {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: CsrError,
    },
    /// Enrollment failed.
    #[error("enrollment of slot {slot}: {source}")]
    Enroll {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: EnrollError,
    },
    /// The CA's certificate was refused; nothing was written to the card.
    #[error("certificate for slot {slot} refused, nothing written to the card: {source}")]
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
    #[error("slot {slot}: this card's key generator is faulty: {fault}; do not issue certificates for this card")]
    FaultyKeyGenerator {
        /// Slot.
        slot: String,
        /// What was wrong with the key.
        fault: crate::enroll::keycheck::KeyFault,
    },
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
    replacing: HashMap<Slot, String>,
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
                ActivationError::Invalid(format!(
                    "profile {} creates no key in slot {}",
                    profile.name,
                    slot_name(*slot)
                ))
            })?;
            if !spec.allowed_algorithms.contains(alg) {
                return Err(ActivationError::Invalid(format!(
                    "profile {} does not allow {alg} in slot {}",
                    profile.name,
                    slot_name(*slot)
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
                CardError::NotSupported(_) | CardError::Refused { .. } => ActivationError::Invalid(
                    "the card reports no serial number: it cannot be activated with per-card keys and a journal".into(),
                ),
                other => ActivationError::Card { step: "identify", source: other },
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
                        what: format!("profile {}", j.profile),
                    });
                }
                if j.identity != record {
                    return Err(ActivationError::JournalMismatch {
                        path: journal_path,
                        what: "another holder identity".into(),
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
        let detail = format!(
            "card {serial}, profile {}{}",
            profile.name,
            if resumed { ", resuming" } else { "" }
        );
        a.journal.event(t, "identify", detail.clone());
        a.save()?;
        a.steps.push(StepResult {
            step: Step::Identify,
            outcome: Outcome::Done(detail),
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

    fn finish(
        &mut self,
        ui: &mut dyn ActivationUi,
        step: Step,
        outcome: Outcome,
    ) -> Result<(), ActivationError> {
        let label = match step.slot() {
            Some(s) => format!("{} {}", step.name(), slot_name(s)),
            None => step.name().to_owned(),
        };
        self.journal.event(
            now(),
            &label,
            format!("{}: {}", outcome.status(), outcome.detail()),
        );
        self.save()?;
        let r = StepResult { step, outcome };
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
        let outcome = if completed && matches!(self.card.contents_record(), Ok(Some(_))) {
            Outcome::AlreadyDone("written earlier".into())
        } else {
            match self.card.seal_contents() {
                Ok(_) => Outcome::Done("written".into()),
                Err(CardError::NotSupported(_)) => {
                    let d = "this card does not keep Sello's record: browser start will read the certificates".to_owned();
                    if completed {
                        Outcome::AlreadyDone(d)
                    } else {
                        Outcome::Done(d)
                    }
                }
                Err(e) => Outcome::Done(format!(
                    "not written ({e}): browser start will read the certificates"
                )),
            }
        };
        self.finish(ui, Step::ContentsRecord, outcome)?;
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
            let mut what = Vec::new();
            let cert = self
                .card
                .read_certificate(spec.slot)
                .map_err(card_err("read existing certificate"))?;
            if let Some(c) = &cert {
                let subject = x509_parser::parse_x509_certificate(&c.der)
                    .map(|(_, x)| x.subject().to_string())
                    .unwrap_or_else(|_| "an unreadable subject".into());
                what.push(format!("a certificate for {subject}"));
            }
            match self.card.metadata(spec.slot) {
                Ok(Some(m)) => what.push(match m.algorithm {
                    Some(MetadataAlgorithm::Key(a)) => format!("a {a} key"),
                    _ => "a key".into(),
                }),
                Ok(None) | Err(CardError::NotSupported(_)) => {}
                Err(e) => return Err(card_err("key metadata")(e)),
            }
            if !what.is_empty() {
                found.push((spec.slot, what.join(" and ")));
            }
        }
        if found.is_empty() {
            return Ok(());
        }
        let list = found
            .iter()
            .map(|(s, w)| format!("slot {}: {w}", slot_name(*s)))
            .collect::<Vec<_>>()
            .join("; ");
        if !self.request.replace_existing {
            return Err(ActivationError::Invalid(format!(
                "the card already holds what another tool put there ({list}); nothing was changed. Run again with --replace-existing to replace it"
            )));
        }
        self.journal
            .event(now(), "replace-existing", format!("replacing {list}"));
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
        let target =
            match (policy.mode, self.secret) {
                (ManagementKeyMode::Derived, OperatorSecret::Master(m)) => policy
                    .derive(m, &self.journal.card_serial)
                    .map_err(ActivationError::Invalid)?,
                (ManagementKeyMode::Explicit, OperatorSecret::Explicit(k)) => k.clone(),
                (ManagementKeyMode::Factory, _) => ManagementKey::default_3des(),
                (ManagementKeyMode::Derived, _) => return Err(ActivationError::Invalid(
                    "this profile derives the management key: the operator master secret is needed"
                        .into(),
                )),
                (ManagementKeyMode::Explicit, _) => {
                    return Err(ActivationError::Invalid(
                        "this profile needs the card's management key from the operator".into(),
                    ))
                }
                (ManagementKeyMode::PinProtected, _) => {
                    return Err(ActivationError::Invalid(
                        "internal: pin-protected keys are handled apart".into(),
                    ))
                }
            };
        if target.is_default() && !policy.allow_default {
            return Err(ActivationError::Invalid(
                "the profile refuses the factory-default management key".into(),
            ));
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
                let copy = self.holder_copy(&target)?;
                already &= !copy.1;
                let detail = format!(
                    "{} key ({}){}",
                    policy.mode.name(),
                    target.algorithm(),
                    copy.0
                );
                let outcome = if already {
                    Outcome::AlreadyDone(detail)
                } else {
                    Outcome::Done(detail)
                };
                return self.finish(ui, Step::ManagementKey, outcome);
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
                    " (neither the profile's key nor the factory key): wrong operator secret, or a card personalised elsewhere",
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
                return Err(ActivationError::Invalid(format!(
                    "this card cannot take an {} management key (a YubiKey 4 or a plain PIV card keeps 3DES); nothing was changed: activate it with a profile whose management_key.algorithm is \"3DES\"",
                    target.algorithm()
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
        self.finish(
            ui,
            Step::ManagementKey,
            Outcome::Done(format!(
                "factory key replaced by the {} key ({}){copy}",
                policy.mode.name(),
                target.algorithm()
            )),
        )
    }

    /// Profiles with a PIN-protected copy ("both"): writes the copy of `key` (the card's key,
    /// authenticated) unless the journal has it. Returns the detail to show and whether it was
    /// written now.
    fn holder_copy(&mut self, key: &ManagementKey) -> Result<(String, bool), ActivationError> {
        if !self.request.profile.management_key.pin_protected {
            return Ok((String::new(), false));
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
                ) => {
                    return Ok((
                        ", without a copy for the holder: this card refuses the objects that keep it, so the holder's renewals need a registration point".into(),
                        false,
                    ))
                }
                Err(e) => return Err(card_err("PIN-protected management key")(e)),
            }
            if let Some(r) = self.journal.management_key.as_mut() {
                r.holder_copy_at = Some(now());
            }
        }
        Ok((", with a PIN-protected copy for the holder".into(), !done))
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
                self.finish(
                    ui,
                    Step::ManagementKey,
                    Outcome::Done(format!(
                        "factory key replaced by a random key ({}), kept on the card behind the PIN",
                        key.algorithm()
                    )),
                )
            }
            Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {
                let status = self.card.pin_status().map_err(card_err("PIN status"))?;
                let pin = if status.pin_is_default == Some(true) {
                    Pin::new("123456").map_err(|e| ActivationError::Invalid(e.to_string()))?
                } else {
                    Pin::new(&ui.current_pin()?)
                        .map_err(|_| ActivationError::Invalid("that is not a valid PIN".into()))?
                };
                match self.card.authenticate_with_pin(&pin) {
                    Ok(()) => {}
                    Err(CardError::NotFound(_)) => {
                        return Err(ActivationError::ManagementKey(
                            " (neither the factory key nor a PIN-protected key): a card personalised elsewhere",
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
                self.finish(
                    ui,
                    Step::ManagementKey,
                    Outcome::AlreadyDone(
                        "PIN-protected key on the card, opened with the PIN".into(),
                    ),
                )
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
                    .map_err(|_| ActivationError::Invalid("that is not a valid PIN".into()))?,
            };
            self.card.verify_pin(&pin).map_err(card_err("PIN"))?;
            if self.journal.pin_set_at.is_none() {
                self.journal.pin_set_at = Some(now());
            }
            self.finish(
                ui,
                Step::Pin,
                Outcome::AlreadyDone("holder PIN already set; verified".into()),
            )?;
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
                        return Err(ActivationError::Invalid(format!(
                            "this card keeps {n} PIN tries and cannot change that; profile {} asks for {} (its pin.retries_required = false accepts such cards)",
                            self.request.profile.name, rule.retries
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
        let detail = match enforced {
            Some(n) if n == rule.retries => format!("holder PIN set (the card allows {n} tries)"),
            Some(n) => format!(
                "holder PIN set (the card allows {n} tries, not the profile's {}: the card cannot change it)",
                rule.retries
            ),
            None => "holder PIN set (the card does not tell how many tries it allows)".to_owned(),
        };
        self.finish(ui, Step::Pin, Outcome::Done(detail))?;
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
            let detail = if self.journal.puk.is_some() {
                "PUK already set"
            } else {
                "PUK already changed before this activation recorded it"
            };
            return self.finish(ui, Step::Puk, Outcome::AlreadyDone(detail.into()));
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
        let detail = if generated {
            "PUK generated, set and shown once"
        } else {
            "PUK set"
        };
        self.finish(ui, Step::Puk, Outcome::Done(detail.into()))
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
                ActivationError::CardChanged(format!(
                    "the journal's public key for slot {name} is unreadable"
                ))
            })?;
            let same = on_card.as_ref().is_none_or(|k| *k == recorded);
            if same && recorded.algorithm() == alg {
                self.finish(
                    ui,
                    step,
                    Outcome::AlreadyDone(format!(
                        "{alg} key generated earlier, same key on the card"
                    )),
                )?;
                return Ok(recorded);
            }
            if rec.written_at.is_some() {
                return Err(ActivationError::CardChanged(format!(
                    "slot {name} no longer holds the key whose certificate this activation wrote; the card was changed elsewhere"
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
                format!("refused: {fault}"),
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
        let replaced = self
            .replacing
            .remove(&spec.slot)
            .map(|w| format!("; replaced {w}"))
            .unwrap_or_default();
        self.finish(
            ui,
            step,
            Outcome::Done(format!(
                "{alg} key generated on the card (PIN {}){replaced}",
                spec.pin_use.name()
            )),
        )?;
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
                Some((format!("slot {} in this activation's journal", r.slot), k))
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
                return self.finish(
                    ui,
                    step,
                    Outcome::AlreadyDone("request built earlier".into()),
                );
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
        self.finish(
            ui,
            step,
            Outcome::Done(format!(
                "signed on the card, checked on the host: {}",
                self.subject.display()
            )),
        )
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
        let rec =
            self.journal.key(&name).cloned().ok_or_else(|| {
                ActivationError::CardChanged(format!("no journal record for {name}"))
            })?;
        if let Some(chain_pem) = &rec.certificate {
            let chain = pem_decode_all(chain_pem);
            chain::check_issued(&chain, &self.request.trust_anchors, pk, &self.subject, t)
                .and_then(|_| chain::check_purpose(&chain, &spec.certificate))
                .map_err(|source| ActivationError::Certificate {
                    slot: name.clone(),
                    source,
                })?;
            return self.finish(
                ui,
                step,
                Outcome::AlreadyDone("certificate received earlier, checked again".into()),
            );
        }
        let csr_der = rec.csr.as_deref().and_then(pem_decode).ok_or_else(|| {
            ActivationError::CardChanged(format!("no request recorded for {name}"))
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
        self.finish(
            ui,
            step,
            Outcome::Done(format!(
                "certificate {} from {} checked: chain, key, subject, purpose, validity",
                accepted.serial, accepted.issuer
            )),
        )
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
        let rec =
            self.journal.key(&name).cloned().ok_or_else(|| {
                ActivationError::CardChanged(format!("no journal record for {name}"))
            })?;
        let leaf = rec
            .certificate
            .as_deref()
            .and_then(pem_decode)
            .ok_or_else(|| {
                ActivationError::CardChanged(format!("no certificate recorded for {name}"))
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
            let detail = "certificate already on the card, identical";
            let outcome = if already {
                Outcome::AlreadyDone(detail.into())
            } else {
                Outcome::Done(format!("{detail} (written before an interruption)"))
            };
            return self.finish(ui, step, outcome);
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
            return Err(ActivationError::CardChanged(format!(
                "the certificate read back from slot {name} differs from the one written"
            )));
        }
        if let Some(r) = self.journal.key_mut(&name) {
            r.written_at = Some(now());
        }
        self.finish(
            ui,
            step,
            Outcome::Done(format!(
                "written ({} bytes) and read back identical",
                leaf.len()
            )),
        )
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
