//! Renewal before expiry (`sello renew`): EST `simplereenroll` (RFC 7030 §4.2.2) authenticated
//! by TLS with the current on-card authentication key (9A), a new key generated on the card.
//!
//! # Who renews
//! At a registration point the operator's secret gives the card's management key; at home the
//! holder's PIN does, through the card's PIN-protected copy of it (profiles with
//! `pin_protected_copy` or mode `pin-protected`; [`crate::card::piv::mgmt`]): VERIFY, GET DATA
//! `5FC109` and the mutual authentication in one transaction, the key zeroized afterwards.
//!
//! # Policy (checked before anything changes on the card)
//! For each certificate to renew, and for the 9A certificate that authenticates the request:
//! - a certificate on its CA's CRL is refused ([`crate::enroll::revocation`]; checked first, an
//!   unknown status does not stop it: the CA checks too): it needs a new activation;
//! - an expired certificate is refused: renewal needs a visit to a registration point;
//! - a certificate obtained by remote renewal (it carries [`REMOTE_RENEWAL_POLICY_OID`], which
//!   the Sello CA puts in every certificate it issues through `simplereenroll`) is refused:
//!   the next certificate must be issued in person;
//! - a certificate further than the renewal window (default 60 days) from its expiry is refused
//!   unless the operator forces it.
//!
//! The CA enforces the same rules (and revocation) on its side; its refusal is shown as sent.
//!
//! # Key staging: the current key survives until the new certificate is in hand
//! PIV has no "pending key". The new key is generated in a retired key-management slot used as
//! staging (9A → 95, 9C → 94, 9D → 93, 9E → 92), with the PIN policy of its final slot; the CSR
//! is signed by the staging key; the request is authenticated by the *current* 9A key and
//! certificate, untouched. Only when every requested certificate has come back and been checked
//! ([`chain::check_issued`]) and recorded in the journal does the commit begin, per slot: delete
//! the old key (YubiKey 5.7 MOVE KEY to `FF`), move the staging key into the slot (MOVE KEY),
//! write the certificate, read it back. A card without MOVE KEY (firmware before 5.7, plain
//! PIV) is refused rather than having its key overwritten in place before a certificate exists.
//!
//! # Recovery (the journal `renewals/<serial>.json` beside the activation journals)
//! Every step is recorded before the next begins, so running `sello renew` again resumes:
//! - interrupted before the certificate came back: the old key and certificate are untouched
//!   and still work; the staging key is reused (or generated again if it was never recorded);
//! - interrupted during the commit: the new certificate is in the journal, so the commit is
//!   finished from the card's state — old key deleted but staging key not moved: the move is
//!   done; key moved but certificate not written: the certificate is written; written: checked.
//! - a refusal by the CA changes nothing on the card but the staging slot, which the next
//!   attempt reuses.
//!
//! No PIN, management key or master secret is recorded or put in an error message.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use crate::card::piv::{PivCard, Slot, TouchPolicy};
use crate::card::{CardError, PublicKey};
use crate::enroll::activation::OperatorSecret;
use crate::enroll::card_client_key::CardClientKey;
use crate::enroll::chain::{self, CertCheckError};
use crate::enroll::csr::{self, CsrError};
use crate::enroll::est::{EstClient, EstClientConfig, PendingNotice};
use crate::enroll::est_enroller::classify;
use crate::enroll::journal::{CertificateInfo, Event};
use crate::enroll::local::{pem_decode, pem_decode_all, pem_encode, pem_public_key};
use crate::enroll::EnrollError;
use crate::pin::{ManagementKey, Pin};
use crate::profile::{
    AttributeType, Encoding, KeySpec, ManagementKeyMode, Profile, Subject, SubjectAttribute,
};
use crate::tr;

/// certificatePolicies OID a Sello CA puts in every certificate it issued by remote renewal
/// (`simplereenroll`), under the ISO/ITU-T example arc like the CA's other test OIDs. A client
/// seeing it refuses to renew remotely again: the holder must visit a registration point.
pub const REMOTE_RENEWAL_POLICY_OID: &str = "2.999.7030.2.1";

/// Default renewal window: the last 60 days of validity.
pub const DEFAULT_WINDOW_DAYS: u32 = 60;

/// Renewal journal format version.
pub const VERSION: u32 = 1;

/// The PIV authentication slot, whose key authenticates `simplereenroll`.
const AUTH_SLOT: Slot = Slot(0x9A);

/// The retired slot used as staging for a key slot.
pub fn staging_slot(slot: Slot) -> Option<Slot> {
    match slot.0 {
        0x9A => Some(Slot(0x95)),
        0x9C => Some(Slot(0x94)),
        0x9D => Some(Slot(0x93)),
        0x9E => Some(Slot(0x92)),
        _ => None,
    }
}

/// What the operator asked for.
#[derive(Debug, Clone)]
pub struct RenewRequest {
    /// The card's profile.
    pub profile: Profile,
    /// Slots to renew (each must be a key of the profile).
    pub slots: Vec<Slot>,
    /// Trust anchors (DER) the new certificates must chain to.
    pub trust_anchors: Vec<Vec<u8>>,
    /// The EST server.
    pub est: EstClientConfig,
    /// Renew even when not yet within the window (operator).
    pub force: bool,
    /// The renewal window, in days before expiry.
    pub window_days: u32,
    /// Unix time "now".
    pub now: i64,
}

/// Why a renewal is refused before anything is done.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The slot holds no certificate.
    NoCertificate,
    /// The certificate has expired.
    Expired {
        /// notAfter (Unix time), shown as a date in the user's language.
        on: i64,
    },
    /// The certificate was itself obtained by remote renewal.
    RemoteRenewal {
        /// Its serial.
        serial: String,
    },
    /// Not yet within the window.
    NotDue {
        /// notAfter (Unix time).
        valid_until: i64,
        /// When the window opens (Unix time).
        opens: i64,
        /// Days from "now" until the window opens (rounded up).
        days: i64,
    },
    /// The card cannot stage a key (no MOVE KEY).
    CannotStage(String),
    /// The certificate is on its CA's CRL.
    Revoked {
        /// The revocation, as shown ("REVOKED on 2026-12-05 (keyCompromise)").
        what: String,
    },
}

impl Refusal {
    /// Machine name for JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoCertificate => "no-certificate",
            Self::Expired { .. } => "expired",
            Self::RemoteRenewal { .. } => "remote-renewal",
            Self::NotDue { .. } => "not-due",
            Self::CannotStage(_) => "card-cannot-stage",
            Self::Revoked { .. } => "revoked",
        }
    }

    /// Whether the holder must visit a registration point (otherwise: wait, or operator --force).
    pub fn needs_visit(&self) -> bool {
        !matches!(self, Self::NotDue { .. })
    }
}

/// The reason, for the holder, in the user's language (dates and day counts as the language
/// writes them).
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::NoCertificate => tr!("renew-refusal-no-certificate"),
            Self::Expired { on } => tr!("renew-refusal-expired", date = crate::i18n::date(*on)),
            Self::RemoteRenewal { serial } => {
                tr!("renew-refusal-remote-renewal", serial = serial.as_str())
            }
            Self::NotDue {
                valid_until,
                opens,
                days,
            } => tr!(
                "renew-refusal-not-due",
                valid_until = crate::i18n::date(*valid_until),
                opens = crate::i18n::date(*opens),
                days = *days
            ),
            Self::Revoked { what } => tr!("renew-refusal-revoked", what = what.as_str()),
            Self::CannotStage(why) => tr!("renew-refusal-cannot-stage", why = why.as_str()),
        };
        f.write_str(&text)
    }
}

/// Why a renewal stopped. Running the same renewal again resumes it, except for refusals.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenewError {
    /// Refused by policy before anything changed.
    #[error("{}", tr!("renew-error-refused", slot = .slot.as_str(), refusal = .refusal.to_string()))]
    Refused {
        /// Slot.
        slot: String,
        /// Why.
        refusal: Refusal,
    },
    /// The card refused or went away.
    #[error("{}: {source}", crate::enroll::activation::card_step_label(.step))]
    Card {
        /// The step.
        step: &'static str,
        /// The card error.
        #[source]
        source: CardError,
    },
    /// The journal cannot be read or written.
    #[error("{}", tr!("renew-error-journal", path = .path.display().to_string(), message = .message.as_str()))]
    Journal {
        /// Path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The request is not allowed by the profile, or input is invalid.
    #[error("{0}")]
    Invalid(String),
    /// Reading a secret failed.
    #[error("{0}")]
    Input(String),
    /// The management key was refused.
    #[error("{}", tr!("renew-error-management-key"))]
    ManagementKey,
    /// CSR building failed.
    #[error("{}", tr!("enroll-csr-failed", slot = .slot.as_str(), error = .source.to_string()))]
    Csr {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: CsrError,
    },
    /// The CA refused or could not be reached.
    #[error("{}", tr!("renew-error-enroll", slot = .slot.as_str(), error = .source.to_string()))]
    Enroll {
        /// Slot.
        slot: String,
        /// Error.
        #[source]
        source: EnrollError,
    },
    /// The CA's certificate was refused; nothing was written to the card.
    #[error("{}", tr!("renew-error-certificate", slot = .slot.as_str(), error = .source.to_string()))]
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
    /// not asked, and the current key and certificate are untouched.
    #[error("{}", tr!("renew-error-faulty-key-generator", slot = .slot.as_str(), fault = .fault.to_string()))]
    FaultyKeyGenerator {
        /// Slot being renewed.
        slot: String,
        /// What is wrong with the key.
        fault: crate::enroll::keycheck::KeyFault,
    },
}

impl RenewError {
    /// Whether the card still works with its current certificates after this error (true
    /// before the commit of any slot began).
    pub fn resumable(&self) -> bool {
        !matches!(
            self,
            Self::Refused { .. } | Self::CardChanged(_) | Self::FaultyKeyGenerator { .. }
        )
    }
}

fn card_err(step: &'static str) -> impl FnOnce(CardError) -> RenewError {
    move |source| RenewError::Card { step, source }
}

/// One slot's renewal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRenewal {
    /// Slot, hex (`9A`).
    pub slot: String,
    /// Staging slot, hex (`95`).
    pub staging_slot: String,
    /// Purpose.
    pub purpose: String,
    /// Serial (hex) of the certificate being renewed.
    pub old_serial: String,
    /// The current key (PEM SubjectPublicKeyInfo).
    pub old_public_key: String,
    /// The staging key (PEM), once generated and recorded.
    #[serde(default)]
    pub new_public_key: Option<String>,
    /// The CSR (PEM).
    #[serde(default)]
    pub csr: Option<String>,
    /// The new certificate chain (PEM, leaf first), once received and checked.
    #[serde(default)]
    pub certificate: Option<String>,
    /// Summary of the new certificate.
    #[serde(default)]
    pub certificate_info: Option<CertificateInfo>,
    /// When the commit began (old key about to be deleted).
    #[serde(default)]
    pub commit_started_at: Option<i64>,
    /// When the new key reached the slot.
    #[serde(default)]
    pub key_moved_at: Option<i64>,
    /// When the new certificate was written and read back.
    #[serde(default)]
    pub written_at: Option<i64>,
}

/// The journal of one card's renewal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalJournal {
    /// Format version.
    pub version: u32,
    /// Card serial.
    pub card_serial: String,
    /// Profile.
    pub profile: String,
    /// First run.
    pub started_at: i64,
    /// Last write.
    pub updated_at: i64,
    /// Slots.
    #[serde(default)]
    pub slots: Vec<SlotRenewal>,
    /// When every slot was done.
    #[serde(default)]
    pub completed_at: Option<i64>,
    /// History.
    #[serde(default)]
    pub events: Vec<Event>,
}

impl RenewalJournal {
    fn slot(&self, name: &str) -> Option<&SlotRenewal> {
        self.slots.iter().find(|s| s.slot == name)
    }
    fn slot_mut(&mut self, name: &str) -> Option<&mut SlotRenewal> {
        self.slots.iter_mut().find(|s| s.slot == name)
    }
}

/// Where renewal journals live: `renewals/` beside the activation journals.
#[derive(Debug, Clone)]
pub struct RenewalStore {
    dir: PathBuf,
}

impl RenewalStore {
    /// Journals in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `renewals/` next to the activation journals' directory.
    pub fn beside(activations: &Path) -> Self {
        let base = activations.parent().unwrap_or(activations);
        Self::new(base.join("renewals"))
    }

    /// The journal path of a card.
    pub fn path(&self, serial: &str) -> PathBuf {
        let safe: String = serial
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.dir.join(format!("{safe}.json"))
    }

    fn err(path: &Path, message: impl std::fmt::Display) -> RenewError {
        RenewError::Journal {
            path: path.to_owned(),
            message: message.to_string(),
        }
    }

    /// Loads a card's journal.
    pub fn load(&self, serial: &str) -> Result<Option<RenewalJournal>, RenewError> {
        let path = self.path(serial);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::err(&path, e)),
        };
        let j: RenewalJournal = serde_json::from_str(&text).map_err(|e| Self::err(&path, e))?;
        if j.version != VERSION || j.card_serial != serial {
            return Err(Self::err(&path, "not a renewal journal of this card"));
        }
        Ok(Some(j))
    }

    /// Writes atomically (temporary file, fsync, rename), mode 0600.
    pub fn save(&self, j: &mut RenewalJournal, now: i64) -> Result<(), RenewError> {
        j.updated_at = now;
        let path = self.path(&j.card_serial);
        let io = |e: std::io::Error| Self::err(&path, e);
        super::journal::create_private_dir(&self.dir).map_err(io)?;
        let text = serde_json::to_string_pretty(j).map_err(|e| Self::err(&path, e))?;
        let tmp = self
            .dir
            .join(format!(".{}.tmp.{}", j.card_serial, std::process::id()));
        {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(io)?;
            f.write_all(text.as_bytes()).map_err(io)?;
            f.write_all(b"\n").map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &path).map_err(io)?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Moves a completed journal aside (`<serial>.<completed>.json`) so a later renewal starts
    /// a new one.
    fn archive(&self, j: &RenewalJournal) -> Result<(), RenewError> {
        let path = self.path(&j.card_serial);
        let to = path.with_extension(format!("{}.json", j.completed_at.unwrap_or(j.updated_at)));
        std::fs::rename(&path, to).map_err(|e| Self::err(&path, e))
    }
}

/// A step's result, for the progress display and JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewStep {
    /// Machine name (`check`, `generate-key`, `csr`, `reenroll`, `replace-key`,
    /// `write-certificate`).
    pub name: &'static str,
    /// Slot, hex.
    pub slot: Option<String>,
    /// `done` or `already-done`.
    pub status: &'static str,
    /// Detail, in the user's language.
    pub detail: String,
}

impl RenewStep {
    /// A label for people, in their language ("Replace the key of 9A").
    pub fn label(&self) -> String {
        let slot = self.slot.clone().unwrap_or_default();
        match self.name {
            "check" => tr!("renew-step-check"),
            "generate-key" => tr!("renew-step-generate-key", slot = slot),
            "csr" => tr!("activate-step-csr", slot = slot),
            "reenroll" => tr!("renew-step-reenroll", slot = slot),
            "replace-key" => tr!("renew-step-replace-key", slot = slot),
            "write-certificate" => tr!("activate-step-write-certificate", slot = slot),
            other if slot.is_empty() => other.to_owned(),
            other => format!("{other} {slot}"),
        }
    }
}

/// The dialogue with the holder and the progress display.
pub trait RenewUi {
    /// The holder's PIN (asked once).
    fn pin(&mut self) -> Result<zeroize::Zeroizing<String>, RenewError>;
    /// A `202 Accepted` wait.
    fn pending(&mut self, notice: &PendingNotice);
    /// A step ended well.
    fn step(&mut self, step: &RenewStep);
    /// Called before each request to the CA and before the key replacement begins: an error
    /// (the caller was cancelled) stops the renewal there, where running it again resumes.
    fn proceed(&mut self) -> Result<(), RenewError> {
        Ok(())
    }
    /// A test hook, compiled only in debug builds: `SELLO_TEST_ABORT_AT=<name>` stops the
    /// process just before the named point (e.g. `before-commit`).
    fn checkpoint(&mut self, _name: &str) {}
}

/// The result of a complete renewal.
#[derive(Debug, Clone)]
pub struct RenewReport {
    /// Card serial.
    pub serial: String,
    /// Journal file.
    pub journal_path: PathBuf,
    /// Steps.
    pub steps: Vec<RenewStep>,
    /// The final journal.
    pub journal: RenewalJournal,
}

fn slot_name(slot: Slot) -> String {
    format!("{:02X}", slot.0)
}

fn parse_cert(der: &[u8]) -> Option<X509Certificate<'_>> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], c)) => Some(c),
        _ => None,
    }
}

/// DER of [`REMOTE_RENEWAL_POLICY_OID`] (tag, length, content): 2.999 is the first
/// subidentifier 1079 (`88 37`), then 7030 (`B6 76`), 2, 1.
const REMOTE_RENEWAL_POLICY_DER: [u8; 8] = [0x06, 0x06, 0x88, 0x37, 0xB6, 0x76, 0x02, 0x01];

/// Whether a certificate carries [`REMOTE_RENEWAL_POLICY_OID`] among its certificatePolicies
/// (RFC 5280 §4.2.1.4). The extension's DER is searched for the policy identifier, so the
/// check does not depend on how a parser renders OIDs under the 2.999 arc.
pub fn is_remote_renewal(cert: &X509Certificate<'_>) -> bool {
    cert.extensions().iter().any(|e| {
        e.oid.to_id_string() == "2.5.29.32"
            && e.value
                .windows(REMOTE_RENEWAL_POLICY_DER.len())
                .any(|w| w == REMOTE_RENEWAL_POLICY_DER)
    })
}

/// The renewal policy for one certificate at `now` (see the module docs).
pub fn check_policy(
    cert: &X509Certificate<'_>,
    now: i64,
    window_days: u32,
    force: bool,
) -> Result<(), Refusal> {
    let not_after = cert.validity().not_after.timestamp();
    if not_after <= now {
        return Err(Refusal::Expired { on: not_after });
    }
    if is_remote_renewal(cert) {
        return Err(Refusal::RemoteRenewal {
            serial: cert.raw_serial_as_string(),
        });
    }
    let opens = not_after - i64::from(window_days) * 86_400;
    if now < opens && !force {
        return Err(Refusal::NotDue {
            valid_until: not_after,
            opens,
            days: (opens - now + 86_399) / 86_400,
        });
    }
    Ok(())
}

/// The subject of a certificate as a [`Subject`] (attribute types the profiles know, string
/// types kept, e-mail from the SAN), so the CSR asks for exactly what was issued in person.
pub fn subject_of(cert: &X509Certificate<'_>) -> Result<Subject, String> {
    const TYPES: [AttributeType; 9] = [
        AttributeType::Country,
        AttributeType::SerialNumber,
        AttributeType::GivenName,
        AttributeType::Surname,
        AttributeType::CommonName,
        AttributeType::Organization,
        AttributeType::OrganizationalUnit,
        AttributeType::Locality,
        AttributeType::State,
    ];
    let mut attributes = Vec::new();
    for a in cert.subject().iter_rdn().flat_map(|r| r.iter()) {
        let oid = a.attr_type().to_id_string();
        let attribute = TYPES
            .iter()
            .copied()
            .find(|t| {
                t.oid()
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
                    == oid
            })
            .ok_or_else(|| tr!("renew-subject-unknown-attribute", oid = oid.as_str()))?;
        let value = a
            .as_str()
            .map_err(|_| tr!("renew-subject-not-string", oid = oid.as_str()))?
            .to_owned();
        let encoding =
            if a.attr_value().tag() == x509_parser::der_parser::asn1_rs::Tag::PrintableString {
                Encoding::Printable
            } else {
                Encoding::Utf8
            };
        attributes.push(SubjectAttribute {
            attribute,
            value,
            encoding,
        });
    }
    let email = match cert.subject_alternative_name() {
        Ok(Some(san)) => san.value.general_names.iter().find_map(|g| match g {
            GeneralName::RFC822Name(m) => Some((*m).to_owned()),
            _ => None,
        }),
        _ => None,
    };
    Ok(Subject { attributes, email })
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What is renewed in one slot, as found on the card.
struct Target {
    spec: KeySpec,
    name: String,
    staging: Slot,
    subject: Subject,
}

/// Runs (or resumes) a renewal.
pub struct Renewal<'a> {
    card: Arc<Mutex<PivCard>>,
    request: &'a RenewRequest,
    store: &'a RenewalStore,
    journal: RenewalJournal,
    journal_path: PathBuf,
    steps: Vec<RenewStep>,
}

impl<'a> Renewal<'a> {
    /// Identifies the card, opens (or starts) its renewal journal and applies the policy to
    /// every certificate concerned. Nothing is changed on the card.
    pub fn begin(
        card: Arc<Mutex<PivCard>>,
        request: &'a RenewRequest,
        store: &'a RenewalStore,
    ) -> Result<Self, RenewError> {
        let serial = lock(&card)?
            .serial()
            .map_err(card_err("identify"))?
            .to_string();
        let journal_path = store.path(&serial);
        let journal = match store.load(&serial)? {
            Some(j) if j.completed_at.is_none() => {
                if j.profile != request.profile.name {
                    return Err(RenewError::Invalid(tr!(
                        "renew-journal-other-profile",
                        path = journal_path.display().to_string(),
                        profile = j.profile.as_str()
                    )));
                }
                j
            }
            Some(done) => {
                store.archive(&done)?;
                RenewalJournal::fresh(&serial, &request.profile.name, request.now)
            }
            None => RenewalJournal::fresh(&serial, &request.profile.name, request.now),
        };
        Ok(Self {
            card,
            request,
            store,
            journal,
            journal_path,
            steps: Vec::new(),
        })
    }

    /// The journal file.
    pub fn journal_path(&self) -> &Path {
        &self.journal_path
    }

    /// The card serial.
    pub fn serial(&self) -> &str {
        &self.journal.card_serial
    }

    fn save(&mut self) -> Result<(), RenewError> {
        self.store.save(&mut self.journal, now_secs())
    }

    fn done(
        &mut self,
        ui: &mut dyn RenewUi,
        name: &'static str,
        slot: Option<&str>,
        already: bool,
        detail: impl Fn() -> String,
    ) -> Result<(), RenewError> {
        let status = if already { "already-done" } else { "done" };
        // The journal records English (one language per record); the user reads theirs.
        let recorded = crate::i18n::with_language("en", &detail);
        let label = match slot {
            Some(s) => format!("renew {name} {s}"),
            None => format!("renew {name}"),
        };
        self.journal.events.push(Event {
            at: now_secs(),
            step: label,
            outcome: format!("{status}: {recorded}"),
        });
        self.save()?;
        let step = RenewStep {
            name,
            slot: slot.map(str::to_owned),
            status,
            detail: detail(),
        };
        ui.step(&step);
        self.steps.push(step);
        Ok(())
    }

    /// Runs every remaining step.
    pub fn run(
        mut self,
        secret: &OperatorSecret,
        ui: &mut dyn RenewUi,
    ) -> Result<RenewReport, RenewError> {
        let targets = self.check(ui)?;
        let pending_enroll = targets.iter().any(|t| {
            self.journal
                .slot(&t.name)
                .is_none_or(|r| r.certificate.is_none())
        });
        // The 9A certificate and key that authenticate the request: read now, before any
        // commit, and never changed until every certificate is in hand.
        let auth = if pending_enroll {
            Some(self.auth_credentials()?)
        } else {
            None
        };
        let policy = self.request.profile.management_key;
        let holder = matches!(secret, OperatorSecret::None)
            && policy.pin_protected
            && policy.mode != ManagementKeyMode::Factory;
        let pin = if holder {
            // The holder at home: the PIN opens the card's PIN-protected management key (one
            // VERIFY in the same transaction, never retried).
            let typed = ui.pin()?;
            let pin =
                Pin::new(&typed).map_err(|_| RenewError::Invalid(tr!("enroll-invalid-pin")))?;
            match lock(&self.card)?.authenticate_with_pin(&pin) {
                Ok(()) => {}
                Err(CardError::NotFound(_)) => {
                    return Err(RenewError::Invalid(tr!("renew-no-protected-key")))
                }
                Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {
                    return Err(RenewError::Invalid(tr!("renew-protected-key-refused")))
                }
                Err(e @ (CardError::WrongPin { .. } | CardError::PinBlocked)) => {
                    return Err(card_err("PIN")(e))
                }
                Err(e) => return Err(card_err("PIN-protected management key")(e)),
            }
            pending_enroll.then_some(pin)
        } else {
            self.management_key(secret)?;
            if pending_enroll {
                let typed = ui.pin()?;
                let pin =
                    Pin::new(&typed).map_err(|_| RenewError::Invalid(tr!("enroll-invalid-pin")))?;
                // One VERIFY, never retried: a wrong PIN stops here with the tries left.
                lock(&self.card)?
                    .verify_pin(&pin)
                    .map_err(card_err("PIN"))?;
                Some(pin)
            } else {
                None
            }
        };
        if let (Some(pin), Some((auth_chain, auth_key))) = (&pin, auth) {
            // Only slots whose certificate is not yet in hand are staged and enrolled; the
            // others go straight to the commit.
            let to_enroll: Vec<&Target> = targets
                .iter()
                .filter(|t| {
                    self.journal
                        .slot(&t.name)
                        .is_none_or(|r| r.certificate.is_none())
                })
                .collect();
            let mut keys = Vec::new();
            for t in &to_enroll {
                keys.push(self.stage_key(ui, t)?);
            }
            for (t, pk) in to_enroll.iter().zip(&keys) {
                self.csr(ui, t, pk, pin)?;
            }
            let client = self.est_client(auth_chain, auth_key, pin.clone())?;
            for (t, pk) in to_enroll.iter().zip(&keys) {
                ui.proceed()?;
                self.reenroll(ui, &client, t, pk)?;
            }
        }
        ui.proceed()?;
        ui.checkpoint("before-commit");
        for t in &targets {
            self.commit(ui, t)?;
        }
        // Record what the card now holds (readers match their caches against it); without it
        // they check every object instead, so a failure here does not fail the renewal.
        if let Err(e) = lock(&self.card)?.seal_contents() {
            self.journal.events.push(Event {
                at: now_secs(),
                step: "renew contents record".into(),
                outcome: format!(
                    "not written: {}",
                    crate::i18n::with_language("en", || e.to_string())
                ),
            });
        }
        let _ = lock(&self.card)?.logout();
        if self.journal.slots.iter().all(|s| s.written_at.is_some()) {
            self.journal.completed_at = Some(now_secs());
            self.journal.events.push(Event {
                at: now_secs(),
                step: "renew done".into(),
                outcome: "renewal complete".into(),
            });
            self.save()?;
        }
        Ok(RenewReport {
            serial: self.journal.card_serial.clone(),
            journal_path: self.journal_path,
            steps: self.steps,
            journal: self.journal,
        })
    }

    /// Policy checks: which slots, their certificates, the card's MOVE KEY.
    fn check(&mut self, ui: &mut dyn RenewUi) -> Result<Vec<Target>, RenewError> {
        let mut targets = Vec::new();
        let mut card = lock(&self.card)?;
        for slot in &self.request.slots {
            let name = slot_name(*slot);
            let spec = self.request.profile.key(*slot).cloned().ok_or_else(|| {
                RenewError::Invalid(tr!(
                    "enroll-profile-no-key-in-slot",
                    profile = self.request.profile.name.as_str(),
                    slot = name.as_str()
                ))
            })?;
            let staging = staging_slot(*slot).ok_or_else(|| {
                RenewError::Invalid(tr!("renew-slot-not-renewable", slot = name.as_str()))
            })?;
            let stored = card
                .read_certificate(*slot)
                .map_err(card_err("read certificate"))?;
            let in_hand = self.journal.slot(&name).and_then(|r| r.certificate.clone());
            let subject = match (&in_hand, &stored) {
                // Certificate already received: the commit is resumed whatever the slot holds.
                (Some(chain_pem), _) => {
                    let chain = pem_decode_all(chain_pem);
                    let leaf = chain
                        .first()
                        .and_then(|d| parse_cert(d).map(|c| subject_of(&c)))
                        .ok_or_else(|| {
                            RenewError::CardChanged(tr!(
                                "renew-journal-certificate-unreadable",
                                slot = name.as_str()
                            ))
                        })?;
                    leaf.map_err(RenewError::Invalid)?
                }
                (None, None) => {
                    return Err(RenewError::Refused {
                        slot: name,
                        refusal: Refusal::NoCertificate,
                    })
                }
                (None, Some(c)) => {
                    let cert = parse_cert(&c.der).ok_or_else(|| {
                        RenewError::Invalid(tr!(
                            "renew-certificate-unparsable",
                            slot = name.as_str()
                        ))
                    })?;
                    // Revocation first: it is final, whatever the dates say.
                    self.not_revoked(&c.der, &name)?;
                    check_policy(
                        &cert,
                        self.request.now,
                        self.request.window_days,
                        self.request.force,
                    )
                    .map_err(|refusal| RenewError::Refused {
                        slot: name.clone(),
                        refusal,
                    })?;
                    let key = PublicKey::from_spki(cert.public_key())
                        .map_err(card_err("certificate key"))?;
                    if let Ok(Some(m)) = card.metadata(*slot) {
                        if m.public_key.as_ref().is_some_and(|k| *k != key) {
                            return Err(RenewError::CardChanged(tr!(
                                "renew-key-does-not-match",
                                slot = name.as_str()
                            )));
                        }
                    }
                    if self.journal.slot(&name).is_none() {
                        self.journal.slots.push(SlotRenewal {
                            slot: name.clone(),
                            staging_slot: slot_name(staging),
                            purpose: spec.purpose.name().into(),
                            old_serial: cert.raw_serial_as_string(),
                            old_public_key: pem_encode(
                                "PUBLIC KEY",
                                &key.to_spki_der().map_err(card_err("certificate key"))?,
                            ),
                            new_public_key: None,
                            csr: None,
                            certificate: None,
                            certificate_info: None,
                            commit_started_at: None,
                            key_moved_at: None,
                            written_at: None,
                        });
                    }
                    subject_of(&cert).map_err(RenewError::Invalid)?
                }
            };
            targets.push(Target {
                spec,
                name,
                staging,
                subject,
            });
        }
        // The authentication certificate must itself allow remote renewal (the CA checks too).
        let enrolling = targets.iter().any(|t| {
            self.journal
                .slot(&t.name)
                .is_none_or(|r| r.certificate.is_none())
        });
        if enrolling {
            let auth = card
                .read_certificate(AUTH_SLOT)
                .map_err(card_err("read certificate"))?
                .ok_or(RenewError::Refused {
                    slot: slot_name(AUTH_SLOT),
                    refusal: Refusal::NoCertificate,
                })?;
            let cert = parse_cert(&auth.der)
                .ok_or_else(|| RenewError::Invalid(tr!("renew-auth-certificate-unparsable")))?;
            check_policy(&cert, self.request.now, u32::MAX / 86_400, true).map_err(|refusal| {
                RenewError::Refused {
                    slot: slot_name(AUTH_SLOT),
                    refusal,
                }
            })?;
            if !self.request.slots.contains(&AUTH_SLOT) {
                self.not_revoked(&auth.der, &slot_name(AUTH_SLOT))?;
            }
        }
        // MOVE KEY (YubiKey 5.7) is what lets the current key live until the end.
        let version = card.version().ok();
        if version.is_none_or(|v| (v.major, v.minor) < (5, 7)) {
            return Err(RenewError::Refused {
                slot: targets.first().map(|t| t.name.clone()).unwrap_or_default(),
                refusal: Refusal::CannotStage(match version {
                    Some(v) => tr!(
                        "renew-no-move-key-firmware",
                        firmware = format!("{}.{}.{}", v.major, v.minor, v.patch)
                    ),
                    None => tr!("renew-no-move-key"),
                }),
            });
        }
        drop(card);
        let detail = targets
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let serial = self.journal.card_serial.clone();
        let forced = self.request.force;
        self.done(ui, "check", None, false, || {
            if forced {
                tr!(
                    "renew-detail-check-forced",
                    serial = serial.as_str(),
                    slots = detail.as_str()
                )
            } else {
                tr!(
                    "renew-detail-check",
                    serial = serial.as_str(),
                    slots = detail.as_str()
                )
            }
        })?;
        Ok(targets)
    }

    /// Refuses a certificate its CA says is revoked (OCSP or CRL; bounded time, cached). An unknown
    /// status (offline) does not stop the renewal: the CA checks revocation itself.
    fn not_revoked(&self, der: &[u8], slot: &str) -> Result<(), RenewError> {
        let checker = crate::enroll::revocation::Checker::new(self.request.now);
        match checker.status(der, &self.request.trust_anchors) {
            st @ crate::enroll::revocation::Status::Revoked { .. } => Err(RenewError::Refused {
                slot: slot.to_owned(),
                refusal: Refusal::Revoked {
                    what: st.describe(),
                },
            }),
            _ => Ok(()),
        }
    }

    fn auth_credentials(&self) -> Result<(Vec<Vec<u8>>, PublicKey), RenewError> {
        let mut card = lock(&self.card)?;
        let c = card
            .read_certificate(AUTH_SLOT)
            .map_err(card_err("read certificate"))?
            .ok_or(RenewError::Refused {
                slot: slot_name(AUTH_SLOT),
                refusal: Refusal::NoCertificate,
            })?;
        let cert = parse_cert(&c.der)
            .ok_or_else(|| RenewError::Invalid(tr!("renew-auth-certificate-unparsable")))?;
        let key = PublicKey::from_spki(cert.public_key()).map_err(card_err("9A certificate"))?;
        // The chain sent in TLS: the leaf and the CA certificates that are not self-signed
        // roots (RFC 8446 §4.4.2: the peer has the root).
        let mut chain = vec![c.der.clone()];
        for a in &self.request.trust_anchors {
            if parse_cert(a).is_some_and(|ca| ca.subject().as_raw() != ca.issuer().as_raw()) {
                chain.push(a.clone());
            }
        }
        Ok((chain, key))
    }

    fn management_key(&mut self, secret: &OperatorSecret) -> Result<(), RenewError> {
        let policy = self.request.profile.management_key;
        let key = match (policy.mode, secret) {
            (ManagementKeyMode::Derived, OperatorSecret::Master(m)) => policy
                .derive(m, &self.journal.card_serial)
                .map_err(RenewError::Invalid)?,
            (ManagementKeyMode::Explicit, OperatorSecret::Explicit(k)) => k.clone(),
            (ManagementKeyMode::Factory, _) => ManagementKey::default_3des(),
            _ => return Err(RenewError::Invalid(tr!("renew-needs-operator-secret"))),
        };
        match lock(&self.card)?.authenticate(&key) {
            Ok(()) => Ok(()),
            Err(CardError::ManagementKeyAuthFailed | CardError::CardAuthFailed) => {
                Err(RenewError::ManagementKey)
            }
            Err(e) => Err(card_err("management key")(e)),
        }
    }

    fn stage_key(&mut self, ui: &mut dyn RenewUi, t: &Target) -> Result<PublicKey, RenewError> {
        let rec = self.journal.slot(&t.name).cloned().ok_or_else(|| {
            RenewError::CardChanged(tr!("renew-no-record", slot = t.name.as_str()))
        })?;
        let on_card = match lock(&self.card)?.metadata(t.staging) {
            Ok(m) => m.and_then(|m| m.public_key),
            Err(CardError::NotSupported(_)) => None,
            Err(e) => return Err(card_err("key metadata")(e)),
        };
        let recorded = rec.new_public_key.as_deref().and_then(pem_public_key);
        if let (Some(r), Some(k)) = (&recorded, &on_card) {
            if r == k {
                self.done(ui, "generate-key", Some(&t.name), true, || {
                    tr!(
                        "renew-detail-key-earlier",
                        staging = format!("{:02X}", t.staging.0)
                    )
                })?;
                return Ok(r.clone());
            }
        }
        if on_card.is_some()
            && recorded.is_none()
            && rec.csr.is_none()
            && !self.staging_claimed(&rec)
        {
            return Err(RenewError::Invalid(tr!(
                "renew-staging-occupied",
                staging = format!("{:02X}", t.staging.0)
            )));
        }
        // Mark the staging slot as ours before GENERATE, so a key generated but not recorded
        // (interrupted) is overwritten on resume rather than refused.
        if let Some(r) = self.journal.slot_mut(&t.name) {
            r.new_public_key = None;
            r.csr = None;
        }
        self.journal.events.push(Event {
            at: now_secs(),
            step: format!("renew generate-key {}", t.name),
            outcome: format!("staging slot {:02X} claimed", t.staging.0),
        });
        self.save()?;
        let alg = lock(&self.card)?
            .metadata(t.spec.slot)
            .ok()
            .flatten()
            .and_then(|m| m.public_key.map(|k| k.algorithm()))
            .unwrap_or(t.spec.algorithm);
        let pk = lock(&self.card)?
            .generate_key(
                t.staging,
                alg,
                t.spec.pin_use.piv_policy(),
                TouchPolicy::Default,
            )
            .map_err(card_err("key generation"))?;
        // The new key must be new: not the key it replaces, nor any other key on the card or in
        // this renewal's journal, and no weak RSA modulus (the activation's checks).
        let mut others = super::keycheck::keys_on_card(&mut *lock(&self.card)?, &[t.staging])
            .map_err(card_err("key metadata"))?;
        for r in &self.journal.slots {
            let keys = [
                (r.slot != t.name)
                    .then_some(&r.new_public_key)
                    .and_then(Option::as_ref),
                Some(&r.old_public_key),
            ];
            for pem in keys.into_iter().flatten() {
                if let Some(k) = pem_public_key(pem) {
                    others.push((
                        tr!("renew-key-in-renewal-journal", slot = r.slot.as_str()),
                        k,
                    ));
                }
            }
        }
        if let Err(fault) = super::keycheck::check_generated(&pk, &others) {
            self.journal.events.push(Event {
                at: now_secs(),
                step: format!("renew generate-key {}", t.name),
                outcome: format!(
                    "refused: {}",
                    crate::i18n::with_language("en", || fault.to_string())
                ),
            });
            self.save()?;
            return Err(RenewError::FaultyKeyGenerator {
                slot: t.name.clone(),
                fault,
            });
        }
        let spki = pk.to_spki_der().map_err(card_err("key generation"))?;
        if let Some(r) = self.journal.slot_mut(&t.name) {
            r.new_public_key = Some(pem_encode("PUBLIC KEY", &spki));
        }
        self.done(ui, "generate-key", Some(&t.name), false, || {
            tr!(
                "renew-detail-key-generated",
                algorithm = alg.to_string(),
                staging = format!("{:02X}", t.staging.0),
                slot = t.name.as_str()
            )
        })?;
        Ok(pk)
    }

    /// Whether the journal's events show the staging slot was claimed for this record.
    fn staging_claimed(&self, rec: &SlotRenewal) -> bool {
        let step = format!("renew generate-key {}", rec.slot);
        self.journal.events.iter().any(|e| e.step == step)
    }

    fn csr(
        &mut self,
        ui: &mut dyn RenewUi,
        t: &Target,
        pk: &PublicKey,
        pin: &Pin,
    ) -> Result<(), RenewError> {
        let existing = self.journal.slot(&t.name).and_then(|r| r.csr.clone());
        if let Some(pem) = existing {
            if pem_decode(&pem)
                .and_then(|d| csr::check_csr(&d).ok())
                .is_some_and(|c| c.public_key == *pk)
            {
                return self.done(ui, "csr", Some(&t.name), true, || {
                    tr!("activate-detail-csr-earlier")
                });
            }
        }
        let der = {
            let mut card = lock(&self.card)?;
            csr::build_csr(&mut card, t.staging, pk, &t.subject, Some(pin)).map_err(|source| {
                RenewError::Csr {
                    slot: t.name.clone(),
                    source,
                }
            })?
        };
        if let Some(r) = self.journal.slot_mut(&t.name) {
            r.csr = Some(pem_encode("CERTIFICATE REQUEST", &der));
        }
        self.done(ui, "csr", Some(&t.name), false, || {
            tr!(
                "renew-detail-csr",
                subject = t.subject.display().to_string()
            )
        })
    }

    fn est_client(
        &self,
        chain: Vec<Vec<u8>>,
        key: PublicKey,
        pin: Pin,
    ) -> Result<EstClient, RenewError> {
        let client_key =
            CardClientKey::new(Arc::clone(&self.card), AUTH_SLOT, key, chain, Some(pin))
                .map_err(card_err("authentication key"))?;
        EstClient::new(self.request.est.clone())
            .and_then(|c| c.with_client_key(Arc::new(client_key)))
            .map_err(|e| RenewError::Invalid(e.to_string()))
    }

    fn reenroll(
        &mut self,
        ui: &mut dyn RenewUi,
        client: &EstClient,
        t: &Target,
        pk: &PublicKey,
    ) -> Result<(), RenewError> {
        let rec = self.journal.slot(&t.name).cloned().ok_or_else(|| {
            RenewError::CardChanged(tr!("renew-no-record", slot = t.name.as_str()))
        })?;
        let now = now_secs();
        if let Some(chain_pem) = &rec.certificate {
            chain::check_issued(
                &pem_decode_all(chain_pem),
                &self.request.trust_anchors,
                pk,
                &t.subject,
                now,
            )
            .map_err(|source| RenewError::Certificate {
                slot: t.name.clone(),
                source,
            })?;
            return self.done(ui, "reenroll", Some(&t.name), true, || {
                tr!("activate-detail-certificate-earlier")
            });
        }
        let csr_der = rec.csr.as_deref().and_then(pem_decode).ok_or_else(|| {
            RenewError::CardChanged(tr!("enroll-no-request-recorded", slot = t.name.as_str()))
        })?;
        let chain = client
            .simplereenroll(
                self.request
                    .profile
                    .enrollment
                    .ca_labels
                    .label(t.spec.purpose),
                &csr_der,
                &mut |n| ui.pending(n),
            )
            .map_err(|e| RenewError::Enroll {
                slot: t.name.clone(),
                source: classify(e),
            })?;
        let accepted =
            chain::check_issued(&chain, &self.request.trust_anchors, pk, &t.subject, now)
                .and_then(|a| chain::check_purpose(&chain, &t.spec.certificate).map(|()| a))
                .map_err(|source| RenewError::Certificate {
                    slot: t.name.clone(),
                    source,
                })?;
        if let Some(r) = self.journal.slot_mut(&t.name) {
            r.certificate = Some(chain.iter().map(|c| pem_encode("CERTIFICATE", c)).collect());
            r.certificate_info = Some(CertificateInfo {
                serial: accepted.serial.clone(),
                subject: accepted.subject.clone(),
                issuer: accepted.issuer.clone(),
                not_after: accepted.not_after,
            });
        }
        self.done(ui, "reenroll", Some(&t.name), false, || {
            tr!(
                "renew-detail-certificate",
                serial = accepted.serial.as_str(),
                issuer = accepted.issuer.as_str(),
                until = crate::i18n::date(accepted.not_after)
            )
        })
    }

    /// Replaces the slot's key by the staging key and writes the certificate (see the module
    /// docs for the recovery of each interruption).
    fn commit(&mut self, ui: &mut dyn RenewUi, t: &Target) -> Result<(), RenewError> {
        let rec = self.journal.slot(&t.name).cloned().ok_or_else(|| {
            RenewError::CardChanged(tr!("renew-no-record", slot = t.name.as_str()))
        })?;
        let new_key = rec
            .new_public_key
            .as_deref()
            .and_then(pem_public_key)
            .ok_or_else(|| {
                RenewError::CardChanged(tr!("renew-no-new-key-recorded", slot = t.name.as_str()))
            })?;
        let leaf = rec
            .certificate
            .as_deref()
            .and_then(pem_decode)
            .ok_or_else(|| {
                RenewError::CardChanged(tr!(
                    "enroll-no-certificate-recorded",
                    slot = t.name.as_str()
                ))
            })?;
        let slot = t.spec.slot;
        let key_of = |card: &mut PivCard, s: Slot| -> Result<Option<PublicKey>, RenewError> {
            Ok(card
                .metadata(s)
                .map_err(card_err("key metadata"))?
                .and_then(|m| m.public_key))
        };
        let in_slot = key_of(&mut *lock(&self.card)?, slot)?;
        if in_slot.as_ref() == Some(&new_key) {
            let already = rec.key_moved_at.is_some();
            if let Some(r) = self.journal.slot_mut(&t.name) {
                r.key_moved_at.get_or_insert(now_secs());
            }
            self.done(ui, "replace-key", Some(&t.name), already, || {
                tr!("renew-detail-key-in-slot", slot = t.name.as_str())
            })?;
        } else {
            let staged = key_of(&mut *lock(&self.card)?, t.staging)?;
            if staged.as_ref() != Some(&new_key) {
                return Err(RenewError::CardChanged(tr!(
                    "renew-new-key-lost",
                    slot = t.name.as_str(),
                    staging = format!("{:02X}", t.staging.0)
                )));
            }
            if let Some(r) = self.journal.slot_mut(&t.name) {
                r.commit_started_at.get_or_insert(now_secs());
            }
            self.journal.events.push(Event {
                at: now_secs(),
                step: format!("renew replace-key {}", t.name),
                outcome: format!(
                    "replacing the key of {} by the staging key {:02X} (the new certificate is in this journal)",
                    t.name, t.staging.0
                ),
            });
            self.save()?;
            {
                let mut card = lock(&self.card)?;
                if in_slot.is_some() {
                    card.delete_key(slot).map_err(card_err("delete old key"))?;
                }
            }
            ui.checkpoint("after-delete");
            lock(&self.card)?
                .move_key(t.staging, slot)
                .map_err(card_err("move new key"))?;
            if let Some(r) = self.journal.slot_mut(&t.name) {
                r.key_moved_at = Some(now_secs());
            }
            self.done(ui, "replace-key", Some(&t.name), false, || {
                tr!(
                    "renew-detail-key-moved",
                    staging = format!("{:02X}", t.staging.0),
                    slot = t.name.as_str()
                )
            })?;
        }
        ui.checkpoint("before-write");
        let mut card = lock(&self.card)?;
        let on_card = card
            .read_certificate(slot)
            .map_err(card_err("read certificate"))?;
        if on_card.as_ref().is_some_and(|c| c.der == leaf) {
            drop(card);
            let already = rec.written_at.is_some();
            if let Some(r) = self.journal.slot_mut(&t.name) {
                r.written_at.get_or_insert(now_secs());
            }
            return self.done(ui, "write-certificate", Some(&t.name), already, || {
                tr!("renew-detail-certificate-on-card")
            });
        }
        card.write_certificate(slot, &leaf, false, Some(&new_key))
            .map_err(card_err("write certificate"))?;
        let back = card
            .read_certificate(slot)
            .map_err(card_err("read back certificate"))?;
        drop(card);
        if back.as_ref().map(|c| c.der.as_slice()) != Some(leaf.as_slice()) {
            return Err(RenewError::CardChanged(tr!(
                "enroll-read-back-differs",
                slot = t.name.as_str()
            )));
        }
        if let Some(r) = self.journal.slot_mut(&t.name) {
            r.written_at = Some(now_secs());
        }
        self.done(ui, "write-certificate", Some(&t.name), false, || {
            tr!("enroll-detail-written", bytes = leaf.len())
        })
    }
}

impl RenewalJournal {
    fn fresh(serial: &str, profile: &str, now: i64) -> Self {
        Self {
            version: VERSION,
            card_serial: serial.to_owned(),
            profile: profile.to_owned(),
            started_at: now,
            updated_at: now,
            slots: Vec::new(),
            completed_at: None,
            events: Vec::new(),
        }
    }
}

fn lock(card: &Arc<Mutex<PivCard>>) -> Result<MutexGuard<'_, PivCard>, RenewError> {
    card.lock()
        .map_err(|_| RenewError::Invalid(tr!("renew-card-unusable")))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::i18n::with_language;

    /// 2026-01-02, 2028-03-02 and 2028-05-01 at 00:00 UTC.
    const JAN_2_2026: i64 = 1_767_312_000;
    const MAR_2_2028: i64 = 1_835_568_000;
    const MAY_1_2028: i64 = 1_840_752_000;

    fn not_due(days: i64) -> Refusal {
        Refusal::NotDue {
            valid_until: MAY_1_2028,
            opens: MAR_2_2028,
            days,
        }
    }

    #[test]
    fn refusal_messages_say_what_to_do() {
        let e = Refusal::Expired { on: JAN_2_2026 };
        assert_eq!(
            with_language("en", || e.to_string()),
            "your certificate expired on 2026-01-02: renewal needs a visit to a registration point"
        );
        let r = Refusal::RemoteRenewal {
            serial: "0A".into(),
        };
        assert!(with_language("en", || r.to_string())
            .starts_with("your certificate was last renewed from home"));
        assert!(r.needs_visit());
        assert!(e.needs_visit());
        let n = not_due(3);
        assert!(with_language("en", || n.to_string()).contains("--force"));
        assert!(!n.needs_visit());
        assert_eq!(staging_slot(Slot(0x9A)), Some(Slot(0x95)));
        assert_eq!(staging_slot(Slot(0x82)), None);
        // X.690 §8.19 by hand (asn1-rs refuses a first arc pair above 2.47).
        let arcs: Vec<u64> = REMOTE_RENEWAL_POLICY_OID
            .split('.')
            .map(|a| a.parse().expect("number"))
            .collect();
        let mut content = Vec::new();
        for v in std::iter::once(arcs[0] * 40 + arcs[1]).chain(arcs[2..].iter().copied()) {
            let mut groups = vec![(v & 0x7f) as u8];
            let mut rest = v >> 7;
            while rest > 0 {
                groups.insert(0, (rest & 0x7f) as u8 | 0x80);
                rest >>= 7;
            }
            content.extend(groups);
        }
        assert_eq!(content, REMOTE_RENEWAL_POLICY_DER[2..]);
    }

    #[test]
    fn refusals_follow_the_language_with_dates_and_day_counts() {
        assert_eq!(
            with_language("en", || not_due(1).to_string()),
            "valid until 2028-05-01; renewal opens on 2028-03-02, in 1 day (the operator can renew earlier with --force)"
        );
        assert_eq!(
            with_language("es_ES.UTF-8", || not_due(1).to_string()),
            "válido hasta el 1 de mayo de 2028; la renovación se abre el 2 de marzo de 2028, dentro de 1 día (el operador puede renovar antes con --force)"
        );
        assert_eq!(
            with_language("es_ES.UTF-8", || not_due(12).to_string()),
            "válido hasta el 1 de mayo de 2028; la renovación se abre el 2 de marzo de 2028, dentro de 12 días (el operador puede renovar antes con --force)"
        );
        assert_eq!(
            with_language("ca_ES.UTF-8@valencia", || not_due(12).to_string()),
            "vàlid fins al dia 1 de maig de 2028; la renovació s'obri el dia 2 de març de 2028, d'ací a 12 dies (l'operador pot renovar abans amb --force)"
        );
        assert_eq!(
            with_language("ca_ES.UTF-8", || not_due(1).to_string()),
            "vàlid fins al dia 1 de maig de 2028; la renovació s'obre el dia 2 de març de 2028, d'aquí a 1 dia (l'operador pot renovar abans amb --force)"
        );
        let e = Refusal::Expired { on: JAN_2_2026 };
        assert_eq!(
            with_language("es", || e.to_string()),
            "su certificado caducó el 2 de enero de 2026: para renovarlo hay que acudir a un punto de registro"
        );
        assert_eq!(
            with_language("ca-valencia", || e.to_string()),
            "el vostre certificat va caducar el dia 2 de gener de 2026: per a renovar-lo cal anar a un punt de registre"
        );
        // The whole error, around the reason: the slot is data, the wording is the language's.
        let err = RenewError::Refused {
            slot: "9A".into(),
            refusal: Refusal::NoCertificate,
        };
        let es = with_language("es", || err.to_string());
        assert!(
            es.starts_with("el certificado 9A no se puede renovar: "),
            "{es}"
        );
        assert!(es.contains("punto de registro"), "{es}");
    }
}
