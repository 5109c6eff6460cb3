//! Card profiles: declarative TOML files (`card-profiles/*.toml`) saying which cards a profile
//! applies to, which keys to create (slot, purpose, algorithm, PIN policy), the PIN and PUK rules,
//! how the management key is obtained, and the certificate subject template.
//!
//! The shipped profiles are embedded in the binary; a file with the same `name` in the user
//! directory (`$SELLO_PROFILE_DIR`, else `$XDG_CONFIG_HOME/sello/card-profiles`, else
//! `~/.config/sello/card-profiles`) replaces the embedded one. A file that does not load is an
//! error naming the file, the line and the field — never silently skipped.
//!
//! Profiles use the card layer's vocabulary (`KeyAlgorithm`, PIV `Slot`) but do no I/O on cards.

pub mod identity;

use std::ops::Range;
use std::path::{Path, PathBuf};

use hkdf::Hkdf;
use serde::Deserialize;
use sha2::Sha256;
use toml::Spanned;
use zeroize::Zeroizing;

use crate::card::piv::{PinPolicy, Slot};
use crate::card::KeyAlgorithm;
use crate::pin::{ManagementAlgorithm, ManagementKey};
pub use identity::{Identity, IdentityError, NameField, Nif};

/// The profiles shipped with Sello: (file name, contents).
pub const EMBEDDED: &[(&str, &str)] = &[(
    "citizen-piv.toml",
    include_str!("../../card-profiles/citizen-piv.toml"),
)];

/// A profile that failed to load: which file, where, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {}{message}", line.map(|l| format!(":{l}")).unwrap_or_default(), field.as_ref().map(|f| crate::tr!("err-profile-field", field = f.as_str())).unwrap_or_default())]
pub struct ProfileError {
    /// The file (path, or `embedded:<name>`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Dotted field path (`pin.min_length`, `keys[1].algorithm`), when known.
    pub field: Option<String>,
    /// What is wrong, in the language of the process (or thread, `crate::i18n::with_language`)
    /// that loaded the profile; a TOML syntax error is the toml crate's (English) text.
    pub message: String,
}

/// Errors finding or loading profiles.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfilesError {
    /// A profile file is invalid.
    #[error(transparent)]
    Invalid(#[from] ProfileError),
    /// The user profile directory cannot be read.
    #[error("{}", crate::tr!("err-profiles-directory", path = path.display().to_string()))]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No profile of that name.
    #[error("{}", crate::tr!("err-profiles-not-found", name = .0.as_str()))]
    NotFound(String),
    /// No profile applies to the card.
    #[error("{}", crate::tr!("err-profiles-no-match", driver = driver.as_str(), atr = atr.as_str()))]
    NoMatch {
        /// Driver name.
        driver: String,
        /// ATR in hex.
        atr: String,
    },
    /// Several profiles apply to the card.
    #[error("{}", crate::tr!("err-profiles-ambiguous", names = .0.as_str()))]
    Ambiguous(String),
}

/// What a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Client authentication (PIV 9A).
    Authentication,
    /// Digital signature / non-repudiation (PIV 9C).
    Signature,
    /// Key management / encryption (PIV 9D).
    Encryption,
}

impl Purpose {
    /// Lower-case name as in profiles and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::Signature => "signature",
            Self::Encryption => "encryption",
        }
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// When the key needs the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinUse {
    /// Never (card authentication keys).
    Never,
    /// Once per session.
    Once,
    /// Before every use (signature keys, `CKA_ALWAYS_AUTHENTICATE`).
    Always,
}

impl PinUse {
    /// The PIV (YubiKey) PIN policy to generate the key with.
    pub fn piv_policy(self) -> PinPolicy {
        match self {
            Self::Never => PinPolicy::Never,
            Self::Once => PinPolicy::Once,
            Self::Always => PinPolicy::Always,
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Once => "once",
            Self::Always => "always",
        }
    }
}

/// One key the profile creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpec {
    /// The PIV slot.
    pub slot: Slot,
    /// Its purpose.
    pub purpose: Purpose,
    /// The default algorithm.
    pub algorithm: KeyAlgorithm,
    /// Algorithms the operator may choose instead (includes the default).
    pub allowed_algorithms: Vec<KeyAlgorithm>,
    /// PIN policy.
    pub pin_use: PinUse,
    /// What a certificate for this key must carry to be written (`[keys.certificate]`).
    pub certificate: CertificateRule,
    /// Created only when the activation asks for it (by naming its slot's algorithm, e.g.
    /// `--slot-algorithm 9D=RSA-2048`); otherwise left out of activation, "renew all" and the
    /// slots `sello doctor` requires.
    pub optional: bool,
}

/// X.509 key usage bits (RFC 5280 §4.2.1.3), by their RFC names.
pub const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

/// What a returned certificate must carry for a key slot before it is written: the slot's
/// purpose in key usage, and what the deployment's certificate policy states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRule {
    /// Key usage bits that must be set (names of [`KEY_USAGE_NAMES`]); the extension must be
    /// present. Default by purpose: `digitalSignature` (authentication), `nonRepudiation`
    /// (signature), none (encryption: RSA and EC differ; state it in the profile).
    pub key_usage: Vec<String>,
    /// Extended key usages (dotted OIDs) that must be present; empty: none required.
    pub extended_key_usage: Vec<String>,
    /// Certificate policies (dotted OIDs) that must be present; empty: none required.
    pub policies: Vec<String>,
    /// Longest validity (notAfter - notBefore) accepted, in days.
    pub max_validity_days: Option<u32>,
    /// Shortest validity accepted, in days.
    pub min_validity_days: Option<u32>,
}

impl CertificateRule {
    /// The rule when the profile states nothing but the purpose.
    pub fn for_purpose(purpose: Purpose) -> Self {
        let key_usage = match purpose {
            Purpose::Authentication => vec!["digitalSignature".to_owned()],
            Purpose::Signature => vec!["nonRepudiation".to_owned()],
            Purpose::Encryption => Vec::new(),
        };
        Self {
            key_usage,
            extended_key_usage: Vec::new(),
            policies: Vec::new(),
            max_validity_days: None,
            min_validity_days: None,
        }
    }
}

/// The TLS client certificate presented at `simpleenroll` (RFC 7030 §3.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollClientCertificate {
    /// None: HTTP Basic alone authenticates the request.
    None,
    /// The operator's own card (its PIV authentication key, 9A, and certificate), so the CA
    /// knows which operator activated which card.
    OperatorCard,
}

/// How `simpleenroll` authenticates at the CA during activation (the profile's `[enrollment]`
/// table): per deployment, since CAs key their accounts differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentAuth {
    /// HTTP Basic user name template: `{nif}` (the holder's NIF/NIE), `{code}` (the enrollment
    /// code), or fixed text (an RA account); `None`: no HTTP Basic.
    pub basic_user: Option<String>,
    /// Whether the one-time enrollment code is the HTTP Basic password (else it is empty).
    pub code_as_password: bool,
    /// The TLS client certificate, if any.
    pub client_certificate: EnrollClientCertificate,
    /// The EST CA label (RFC 7030 §3.2.2 path segment) per purpose; `None`: no label
    /// (`/.well-known/est/simpleenroll`), for CAs that serve one profile or no labels at all.
    pub ca_labels: CaLabels,
}

/// The EST CA label of each key purpose (`[enrollment] ca_labels`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaLabels {
    /// For authentication keys (default `auth`).
    pub authentication: Option<String>,
    /// For signature keys (default `sign`).
    pub signature: Option<String>,
    /// For encryption keys (default `enc`).
    pub encryption: Option<String>,
}

impl Default for CaLabels {
    fn default() -> Self {
        Self {
            authentication: Some("auth".to_owned()),
            signature: Some("sign".to_owned()),
            encryption: Some("enc".to_owned()),
        }
    }
}

impl CaLabels {
    /// The label for a purpose, if any.
    pub fn label(&self, purpose: Purpose) -> Option<&str> {
        match purpose {
            Purpose::Authentication => self.authentication.as_deref(),
            Purpose::Signature => self.signature.as_deref(),
            Purpose::Encryption => self.encryption.as_deref(),
        }
    }
}

impl Default for EnrollmentAuth {
    /// The NIF as user name and the enrollment code as password, no client certificate.
    fn default() -> Self {
        Self {
            basic_user: Some("{nif}".to_owned()),
            code_as_password: true,
            client_certificate: EnrollClientCertificate::None,
            ca_labels: CaLabels::default(),
        }
    }
}

impl EnrollmentAuth {
    /// Whether the operator must type a one-time enrollment code.
    pub fn needs_code(&self) -> bool {
        self.code_as_password
            || self
                .basic_user
                .as_deref()
                .is_some_and(|u| u.contains("{code}"))
    }
}

/// Characters a PIN or PUK may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `0`–`9`.
    Digits,
    /// ASCII letters and digits.
    Alphanumeric,
    /// Printable ASCII.
    Printable,
}

impl Charset {
    fn allows(self, c: char) -> bool {
        match self {
            Self::Digits => c.is_ascii_digit(),
            Self::Alphanumeric => c.is_ascii_alphanumeric(),
            Self::Printable => c.is_ascii_graphic(),
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Digits => "digits",
            Self::Alphanumeric => "alphanumeric",
            Self::Printable => "printable",
        }
    }
}

/// Length, characters and tries of a PIN or PUK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRule {
    /// Minimum length.
    pub min_length: usize,
    /// Maximum length.
    pub max_length: usize,
    /// Allowed characters.
    pub charset: Charset,
    /// Tries before blocking.
    pub retries: u8,
}

impl SecretRule {
    /// "The holder chooses a PIN: 6 to 8 digits.", in the user's language: what the operator's
    /// screen (`sello activate`) and a `sellod` client show before the new PIN is asked.
    pub fn holder_chooses_pin(&self) -> String {
        let (min, max) = (self.min_length, self.max_length);
        match self.charset {
            Charset::Digits => crate::tr!("activate-choose-pin-digits", min = min, max = max),
            Charset::Alphanumeric => {
                crate::tr!("activate-choose-pin-alphanumeric", min = min, max = max)
            }
            Charset::Printable => crate::tr!("activate-choose-pin-printable", min = min, max = max),
        }
    }

    /// Checks a candidate value. The message, in the user's language, describes the rule, never
    /// the value.
    pub fn check(&self, what: SecretName, value: &str) -> Result<(), String> {
        let what = what.to_string();
        let n = value.chars().count();
        if n < self.min_length || n > self.max_length {
            return Err(if self.min_length == self.max_length {
                crate::tr!("err-rule-length-exact", what = what, len = self.min_length)
            } else {
                crate::tr!(
                    "err-rule-length",
                    what = what,
                    min = self.min_length,
                    max = self.max_length
                )
            });
        }
        if !value.chars().all(|c| self.charset.allows(c)) {
            return Err(match self.charset {
                Charset::Digits => crate::tr!("err-rule-charset-digits", what = what),
                Charset::Alphanumeric => crate::tr!("err-rule-charset-alphanumeric", what = what),
                Charset::Printable => crate::tr!("err-rule-charset-printable", what = what),
            });
        }
        Ok(())
    }
}

/// Which secret a [`SecretRule`] checks, as its messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretName {
    /// The PIN.
    Pin,
    /// The new PIN (when changing it).
    NewPin,
    /// The PUK.
    Puk,
}

impl std::fmt::Display for SecretName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::Pin => crate::tr!("err-secret-pin"),
            Self::NewPin => crate::tr!("err-secret-new-pin"),
            Self::Puk => crate::tr!("err-secret-puk"),
        })
    }
}

/// How the card's management key is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagementKeyMode {
    /// HKDF-SHA256(operator master secret, card serial): one key per card, nothing to store.
    Derived,
    /// The operator supplies the key (hex).
    Explicit,
    /// The factory-default key (training cards only; needs `allow_default_management_key`).
    Factory,
    /// A random key made at activation and kept only on the card, PIN-protected (the layout of
    /// YubiKey tools, see [`crate::card::piv::mgmt`]): the holder's PIN is the way in.
    PinProtected,
}

impl ManagementKeyMode {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Derived => "derived",
            Self::Explicit => "explicit",
            Self::Factory => "factory",
            Self::PinProtected => "pin-protected",
        }
    }
}

/// The management-key policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagementKeyPolicy {
    /// Mode.
    pub mode: ManagementKeyMode,
    /// Algorithm of the derived key (and of an explicit one).
    pub algorithm: ManagementAlgorithm,
    /// Whether the factory-default key may stay in use.
    pub allow_default: bool,
    /// Whether the card keeps a PIN-protected copy of its management key for the holder (always
    /// for `pin-protected`, never for `factory`; with `derived` this is "both": the operator
    /// derives the key, the holder's PIN reads the copy).
    pub pin_protected: bool,
}

/// Shortest operator master secret accepted, in bytes.
pub const MASTER_SECRET_MIN_LEN: usize = 32;

/// Refuses an operator master secret that cannot hold real entropy (every card's management key
/// is derived from it): shorter than [`MASTER_SECRET_MIN_LEN`] bytes, fewer than 10 distinct byte
/// values, one byte value making up more than a quarter of it, or a shorter block repeated
/// (`abcabcabc…`). `sello mgmt-secret generate` writes one that passes (32 random bytes in hex).
/// The message never shows the secret.
pub fn check_master_secret(master: &[u8]) -> Result<(), String> {
    if master.len() < MASTER_SECRET_MIN_LEN {
        return Err(crate::tr!(
            "err-master-secret-short",
            min = MASTER_SECRET_MIN_LEN
        ));
    }
    let mut counts = [0usize; 256];
    for b in master {
        counts[usize::from(*b)] += 1;
    }
    let distinct = counts.iter().filter(|c| **c > 0).count();
    let most = counts.iter().copied().max().unwrap_or(0);
    let repeated_block = (1..master.len())
        .filter(|p| master.len().is_multiple_of(*p))
        .any(|p| master.chunks(p).all(|c| c == &master[..p]));
    if distinct < 10 || most * 4 > master.len() || repeated_block {
        return Err(crate::tr!("err-master-secret-weak"));
    }
    Ok(())
}

/// HKDF salt of derived management keys. Changing it changes every card's key: never do.
const MGMT_SALT: &[u8] = b"sello/management-key/v1";

impl ManagementKeyPolicy {
    /// The per-card key: HKDF-SHA256 (RFC 5869) with the operator master secret as input keying
    /// material, a fixed salt, and `card-serial:<serial>|<algorithm>` as info. The master secret
    /// must pass [`check_master_secret`].
    pub fn derive(&self, master: &[u8], card_serial: &str) -> Result<ManagementKey, String> {
        check_master_secret(master)?;
        let hk = Hkdf::<Sha256>::new(Some(MGMT_SALT), master);
        let info = format!("card-serial:{card_serial}|{}", self.algorithm.name());
        let mut okm = Zeroizing::new(vec![0u8; self.algorithm.key_len()]);
        hk.expand(info.as_bytes(), &mut okm)
            .map_err(|_| "HKDF output length".to_owned())?;
        ManagementKey::new(self.algorithm, &okm).map_err(|e| e.to_string())
    }
}

/// An attribute of the subject DN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// countryName 2.5.4.6.
    Country,
    /// serialNumber 2.5.4.5.
    SerialNumber,
    /// givenName 2.5.4.42.
    GivenName,
    /// surname 2.5.4.4.
    Surname,
    /// commonName 2.5.4.3.
    CommonName,
    /// organizationName 2.5.4.10.
    Organization,
    /// organizationalUnitName 2.5.4.11.
    OrganizationalUnit,
    /// localityName 2.5.4.7.
    Locality,
    /// stateOrProvinceName 2.5.4.8.
    State,
}

impl AttributeType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "C" => Self::Country,
            "serialNumber" => Self::SerialNumber,
            "GN" | "givenName" => Self::GivenName,
            "SN" | "surname" => Self::Surname,
            "CN" => Self::CommonName,
            "O" => Self::Organization,
            "OU" => Self::OrganizationalUnit,
            "L" => Self::Locality,
            "ST" => Self::State,
            _ => return None,
        })
    }

    /// The attribute's OID arcs.
    pub fn oid(self) -> &'static [u64] {
        match self {
            Self::Country => &[2, 5, 4, 6],
            Self::SerialNumber => &[2, 5, 4, 5],
            Self::GivenName => &[2, 5, 4, 42],
            Self::Surname => &[2, 5, 4, 4],
            Self::CommonName => &[2, 5, 4, 3],
            Self::Organization => &[2, 5, 4, 10],
            Self::OrganizationalUnit => &[2, 5, 4, 11],
            Self::Locality => &[2, 5, 4, 7],
            Self::State => &[2, 5, 4, 8],
        }
    }

    /// The short name (as in RFC 4514 / OpenSSL output).
    pub fn short_name(self) -> &'static str {
        match self {
            Self::Country => "C",
            Self::SerialNumber => "serialNumber",
            Self::GivenName => "GN",
            Self::Surname => "SN",
            Self::CommonName => "CN",
            Self::Organization => "O",
            Self::OrganizationalUnit => "OU",
            Self::Locality => "L",
            Self::State => "ST",
        }
    }
}

/// The ASN.1 string type of an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// PrintableString.
    Printable,
    /// UTF8String.
    Utf8,
}

/// One subject attribute template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeTemplate {
    /// The attribute.
    pub attribute: AttributeType,
    /// The value with `{variable}` placeholders.
    pub value: String,
    /// The string type.
    pub encoding: Encoding,
}

/// The certificate subject template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTemplate {
    /// Attributes in DER order.
    pub attributes: Vec<AttributeTemplate>,
    /// Whether the e-mail goes into subjectAltName (rfc822Name).
    pub email_san: bool,
}

/// A subject attribute with its value filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAttribute {
    /// The attribute.
    pub attribute: AttributeType,
    /// The value.
    pub value: String,
    /// The string type.
    pub encoding: Encoding,
}

/// A filled-in subject: DN attributes and SAN e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// DN attributes in order.
    pub attributes: Vec<SubjectAttribute>,
    /// SAN rfc822Name.
    pub email: Option<String>,
}

impl Subject {
    /// RFC 4514-like rendering, first attribute first (for people, not for parsing).
    pub fn display(&self) -> String {
        self.attributes
            .iter()
            .map(|a| format!("{}={}", a.attribute.short_name(), a.value))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn printable_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c))
}

impl SubjectTemplate {
    /// Fills the template in for `id`.
    pub fn render(&self, id: &Identity) -> Result<Subject, String> {
        let mut attributes = Vec::new();
        for t in &self.attributes {
            let value = fill(&t.value, id)?;
            if t.encoding == Encoding::Printable && !printable_ok(&value) {
                return Err(crate::tr!(
                    "err-subject-not-printable",
                    attribute = t.attribute.short_name()
                ));
            }
            attributes.push(SubjectAttribute {
                attribute: t.attribute,
                value,
                encoding: t.encoding,
            });
        }
        let email = if self.email_san {
            Some(
                id.email
                    .clone()
                    .ok_or_else(|| crate::tr!("err-subject-needs-email"))?,
            )
        } else {
            None
        };
        Ok(Subject { attributes, email })
    }
}

fn fill(template: &str, id: &Identity) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| crate::tr!("err-template-unclosed-brace"))?;
        let var = &after[..end];
        out.push_str(
            id.variable(var)
                .ok_or_else(|| crate::tr!("err-template-no-value", var = format!("{{{var}}}")))?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks a template's placeholders at load time.
fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| crate::tr!("err-template-unclosed-brace"))?;
        let var = &after[..end];
        if !identity::VARIABLES.contains(&var) {
            return Err(crate::tr!(
                "err-profile-unknown-variable",
                var = format!("{{{var}}}"),
                known = identity::VARIABLES.map(|v| format!("{{{v}}}")).join(", ")
            ));
        }
        rest = &after[end + 1..];
    }
    if rest.contains('}') {
        return Err(crate::tr!("err-template-unmatched-brace"));
    }
    Ok(())
}

/// An ATR pattern: bytes, `None` = any byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtrPattern(pub Vec<Option<u8>>);

impl AtrPattern {
    fn parse(s: &str) -> Option<Self> {
        let clean: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect();
        if !clean.len().is_multiple_of(2) || clean.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for i in (0..clean.len()).step_by(2) {
            let pair = clean.get(i..i + 2)?;
            if pair.eq_ignore_ascii_case("xx") {
                out.push(None);
            } else {
                out.push(Some(u8::from_str_radix(pair, 16).ok()?));
            }
        }
        Some(Self(out))
    }

    /// Whether `atr` matches.
    pub fn matches(&self, atr: &[u8]) -> bool {
        atr.len() == self.0.len()
            && self
                .0
                .iter()
                .zip(atr)
                .all(|(p, b)| p.is_none_or(|p| p == *b))
    }
}

/// Which cards a profile applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardMatch {
    /// Driver name ("PIV").
    pub driver: String,
    /// Application identifier.
    pub aid: Option<Vec<u8>>,
    /// ATR patterns (empty: any ATR).
    pub atr: Vec<AtrPattern>,
}

/// A validated card profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Unique name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Where it was loaded from (`embedded:<file>` or a path).
    pub source: String,
    /// Card match.
    pub card: CardMatch,
    /// Management-key policy.
    pub management_key: ManagementKeyPolicy,
    /// PIN rule.
    pub pin: SecretRule,
    /// PUK rule.
    pub puk: SecretRule,
    /// Whether the PUK is generated (and shown once) rather than entered.
    pub puk_generate: bool,
    /// `pin.retries_required`: whether a card that keeps another PIN try count than
    /// `pin.retries` and cannot change it (no YubiKey SET PIN RETRIES) is refused (`true`, the
    /// default) or activated with the count it enforces, which activation reports.
    pub pin_retries_required: bool,
    /// Keys to create, in order.
    pub keys: Vec<KeySpec>,
    /// Subject template.
    pub subject: SubjectTemplate,
    /// How `simpleenroll` authenticates (`[enrollment]`).
    pub enrollment: EnrollmentAuth,
}

impl Profile {
    /// Whether the profile applies to a card with this driver and ATR.
    pub fn matches(&self, driver: &str, atr: &[u8]) -> bool {
        self.card.driver.eq_ignore_ascii_case(driver)
            && (self.card.atr.is_empty() || self.card.atr.iter().any(|p| p.matches(atr)))
    }

    /// The key spec of a slot.
    pub fn key(&self, slot: Slot) -> Option<&KeySpec> {
        self.keys.iter().find(|k| k.slot == slot)
    }

    /// Parses and validates a profile; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, ProfileError> {
        let raw: raw::Profile = toml::from_str(text).map_err(|e| {
            let (line, field) = match e.span() {
                Some(span) => (Some(line_of(text, span.start)), field_at(text, span)),
                None => (None, None),
            };
            ProfileError {
                file: file.to_owned(),
                line,
                field,
                message: e.message().trim().to_owned(),
            }
        })?;
        raw.validate(file, text)
    }

    /// A JSON rendering for `sello profile show --json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "card": {
                "driver": self.card.driver,
                "aid": self.card.aid.as_ref().map(hex::encode_upper),
                "atr": self.card.atr.iter().map(|p| p.0.iter().map(|b| b.map_or("xx".to_owned(), |b| format!("{b:02X}"))).collect::<String>()).collect::<Vec<_>>(),
            },
            "management_key": {
                "mode": self.management_key.mode.name(),
                "algorithm": self.management_key.algorithm.name(),
                "allow_default_management_key": self.management_key.allow_default,
                "pin_protected": self.management_key.pin_protected,
            },
            "pin": rule_json(&self.pin),
            "puk": { "generate": self.puk_generate, "rule": rule_json(&self.puk) },
            "keys": self.keys.iter().map(|k| serde_json::json!({
                "slot": format!("{:02X}", k.slot.0),
                "purpose": k.purpose.name(),
                "algorithm": k.algorithm.name(),
                "allowed_algorithms": k.allowed_algorithms.iter().map(|a| a.name()).collect::<Vec<_>>(),
                "pin_policy": k.pin_use.name(),
                "optional": k.optional,
            })).collect::<Vec<_>>(),
            "subject": {
                "attributes": self.subject.attributes.iter().map(|a| serde_json::json!({
                    "type": a.attribute.short_name(),
                    "value": a.value,
                    "encoding": match a.encoding { Encoding::Printable => "printable", Encoding::Utf8 => "utf8" },
                })).collect::<Vec<_>>(),
                "email_san": self.subject.email_san,
            },
        })
    }
}

fn rule_json(r: &SecretRule) -> serde_json::Value {
    serde_json::json!({
        "min_length": r.min_length,
        "max_length": r.max_length,
        "charset": r.charset.name(),
        "retries": r.retries,
    })
}

/// Parses an algorithm name as used in profiles and on the command line.
pub fn parse_algorithm(s: &str) -> Option<KeyAlgorithm> {
    Some(match s.to_ascii_uppercase().replace('_', "-").as_str() {
        "RSA-2048" | "RSA2048" => KeyAlgorithm::Rsa2048,
        "RSA-3072" | "RSA3072" => KeyAlgorithm::Rsa3072,
        "RSA-4096" | "RSA4096" => KeyAlgorithm::Rsa4096,
        "P-256" | "P256" | "ECCP256" => KeyAlgorithm::EccP256,
        "P-384" | "P384" | "ECCP384" => KeyAlgorithm::EccP384,
        _ => return None,
    })
}

fn parse_mgmt_algorithm(s: &str) -> Option<ManagementAlgorithm> {
    let norm = s.to_ascii_uppercase().replace(['-', '_'], "");
    [
        ManagementAlgorithm::TripleDes,
        ManagementAlgorithm::Aes128,
        ManagementAlgorithm::Aes192,
        ManagementAlgorithm::Aes256,
    ]
    .into_iter()
    .find(|a| a.name().to_ascii_uppercase().replace(['-', '_'], "") == norm)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// The dotted key at a span: the key on that line (`key = ...`) prefixed by the table header
/// above it (`[pin]` → `pin.key`, `[[keys]]` → `keys[n].key`).
fn field_at(text: &str, span: Range<usize>) -> Option<String> {
    let start = span.start.min(text.len());
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..)?.lines().next().unwrap_or("");
    let trimmed = line.trim();
    let key = if trimmed.starts_with('[') {
        None
    } else {
        trimmed
            .split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"').to_owned())
    };
    let header = table_before(text, line_start);
    match (header, key) {
        (Some(h), Some(k)) => Some(format!("{h}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(h), None) => Some(h),
        (None, None) => None,
    }
}

/// The table header in force at `pos`, with array-of-tables indices.
fn table_before(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?;
    let mut current = None;
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for line in before.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            let name = name.trim().to_owned();
            let n = counts.entry(name.clone()).or_insert(0);
            current = Some(format!("{name}[{n}]"));
            *n += 1;
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = Some(name.trim().to_owned());
        }
    }
    current
}

/// The raw, span-carrying shape of a profile file.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Profile {
        pub name: Spanned<String>,
        #[serde(default)]
        pub description: String,
        pub card: Card,
        pub management_key: MgmtKey,
        pub pin: Rule,
        pub puk: PukRule,
        pub keys: Spanned<Vec<Key>>,
        pub subject: Subject,
        #[serde(default)]
        pub enrollment: Option<Enrollment>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Enrollment {
        #[serde(default)]
        pub basic_user: Option<Spanned<String>>,
        #[serde(default)]
        pub password: Option<Spanned<String>>,
        #[serde(default)]
        pub client_certificate: Option<Spanned<String>>,
        #[serde(default)]
        pub ca_labels: Option<Labels>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Labels {
        #[serde(default)]
        pub authentication: Option<Spanned<String>>,
        #[serde(default)]
        pub signature: Option<Spanned<String>>,
        #[serde(default)]
        pub encryption: Option<Spanned<String>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Certificate {
        #[serde(default)]
        pub key_usage: Option<Spanned<Vec<String>>>,
        #[serde(default)]
        pub extended_key_usage: Option<Spanned<Vec<String>>>,
        #[serde(default)]
        pub policies: Option<Spanned<Vec<String>>>,
        #[serde(default)]
        pub max_validity_days: Option<Spanned<u32>>,
        #[serde(default)]
        pub min_validity_days: Option<Spanned<u32>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Card {
        pub driver: Spanned<String>,
        #[serde(default)]
        pub aid: Option<Spanned<String>>,
        #[serde(default)]
        pub atr: Vec<Spanned<String>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct MgmtKey {
        pub mode: Spanned<String>,
        pub algorithm: Spanned<String>,
        #[serde(default)]
        pub allow_default_management_key: bool,
        #[serde(default)]
        pub pin_protected_copy: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Rule {
        pub min_length: Spanned<usize>,
        pub max_length: Spanned<usize>,
        pub charset: Spanned<String>,
        pub retries: Spanned<u8>,
        #[serde(default = "yes")]
        pub retries_required: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PukRule {
        pub min_length: Spanned<usize>,
        pub max_length: Spanned<usize>,
        pub charset: Spanned<String>,
        pub retries: Spanned<u8>,
        #[serde(default = "yes")]
        pub generate: bool,
    }

    fn yes() -> bool {
        true
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Key {
        pub slot: Spanned<String>,
        pub purpose: Spanned<String>,
        pub algorithm: Spanned<String>,
        #[serde(default)]
        pub allowed_algorithms: Option<Spanned<Vec<String>>>,
        pub pin_policy: Spanned<String>,
        #[serde(default)]
        pub certificate: Option<Certificate>,
        #[serde(default)]
        pub optional: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Subject {
        pub attributes: Spanned<Vec<Attribute>>,
        #[serde(default)]
        pub email_san: bool,
        pub identity: Spanned<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Attribute {
        #[serde(rename = "type")]
        pub kind: Spanned<String>,
        pub value: Spanned<String>,
        #[serde(default)]
        pub encoding: Option<Spanned<String>>,
    }

    struct Ctx<'a> {
        file: &'a str,
        text: &'a str,
    }

    impl Ctx<'_> {
        fn err(&self, field: &str, span: Range<usize>, message: impl Into<String>) -> ProfileError {
            ProfileError {
                file: self.file.to_owned(),
                line: Some(line_of(self.text, span.start)),
                field: Some(field.to_owned()),
                message: message.into(),
            }
        }
    }

    fn rule(
        c: &Ctx<'_>,
        name: &str,
        min: &Spanned<usize>,
        max: &Spanned<usize>,
        charset: &Spanned<String>,
        retries: &Spanned<u8>,
        limit: (usize, usize),
    ) -> Result<SecretRule, ProfileError> {
        let (lo, hi) = limit;
        if *min.get_ref() < lo || *min.get_ref() > hi {
            return Err(c.err(
                &format!("{name}.min_length"),
                min.span(),
                crate::tr!("err-profile-length-range", min = lo, max = hi),
            ));
        }
        if *max.get_ref() < *min.get_ref() || *max.get_ref() > hi {
            return Err(c.err(
                &format!("{name}.max_length"),
                max.span(),
                crate::tr!("err-profile-max-length", max = hi),
            ));
        }
        let cs = match charset.get_ref().as_str() {
            "digits" => Charset::Digits,
            "alphanumeric" => Charset::Alphanumeric,
            "printable" => Charset::Printable,
            other => {
                return Err(c.err(
                    &format!("{name}.charset"),
                    charset.span(),
                    crate::tr!(
                        "err-profile-unknown",
                        value = other,
                        known = "digits, alphanumeric, printable"
                    ),
                ))
            }
        };
        if !(1..=15).contains(retries.get_ref()) {
            return Err(c.err(
                &format!("{name}.retries"),
                retries.span(),
                crate::tr!("err-profile-retries"),
            ));
        }
        Ok(SecretRule {
            min_length: *min.get_ref(),
            max_length: *max.get_ref(),
            charset: cs,
            retries: *retries.get_ref(),
        })
    }

    impl Profile {
        pub fn validate(self, file: &str, text: &str) -> Result<super::Profile, ProfileError> {
            let c = Ctx { file, text };
            let name = self.name.get_ref().clone();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            {
                return Err(c.err("name", self.name.span(), crate::tr!("err-profile-name")));
            }
            if !self.card.driver.get_ref().eq_ignore_ascii_case("PIV") {
                return Err(c.err(
                    "card.driver",
                    self.card.driver.span(),
                    crate::tr!(
                        "err-profile-unknown",
                        value = self.card.driver.get_ref().as_str(),
                        known = "PIV"
                    ),
                ));
            }
            let aid = match &self.card.aid {
                None => None,
                Some(a) => Some(
                    hex::decode(a.get_ref())
                        .ok()
                        .filter(|v| (5..=16).contains(&v.len()))
                        .ok_or_else(|| {
                            c.err("card.aid", a.span(), crate::tr!("err-profile-aid"))
                        })?,
                ),
            };
            let mut atr = Vec::new();
            for (i, a) in self.card.atr.iter().enumerate() {
                atr.push(AtrPattern::parse(a.get_ref()).ok_or_else(|| {
                    c.err(
                        &format!("card.atr[{i}]"),
                        a.span(),
                        crate::tr!("err-profile-atr"),
                    )
                })?);
            }
            let mode = match self.management_key.mode.get_ref().as_str() {
                "derived" => ManagementKeyMode::Derived,
                "explicit" => ManagementKeyMode::Explicit,
                "factory" => ManagementKeyMode::Factory,
                "pin-protected" => ManagementKeyMode::PinProtected,
                other => {
                    return Err(c.err(
                        "management_key.mode",
                        self.management_key.mode.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = other,
                            known = "derived, explicit, factory, pin-protected"
                        ),
                    ))
                }
            };
            let algorithm = parse_mgmt_algorithm(self.management_key.algorithm.get_ref())
                .ok_or_else(|| {
                    c.err(
                        "management_key.algorithm",
                        self.management_key.algorithm.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = self.management_key.algorithm.get_ref().as_str(),
                            known = "3DES, AES-128, AES-192, AES-256"
                        ),
                    )
                })?;
            if mode == ManagementKeyMode::Factory
                && !self.management_key.allow_default_management_key
            {
                return Err(c.err(
                    "management_key.mode",
                    self.management_key.mode.span(),
                    crate::tr!("err-profile-factory-key"),
                ));
            }
            let pin = rule(
                &c,
                "pin",
                &self.pin.min_length,
                &self.pin.max_length,
                &self.pin.charset,
                &self.pin.retries,
                (4, 8),
            )?;
            let puk = rule(
                &c,
                "puk",
                &self.puk.min_length,
                &self.puk.max_length,
                &self.puk.charset,
                &self.puk.retries,
                (8, 8),
            )?;
            let mut keys = Vec::new();
            for (i, k) in self.keys.get_ref().iter().enumerate() {
                let f = |n: &str| format!("keys[{i}].{n}");
                let slot = u8::from_str_radix(k.slot.get_ref().trim_start_matches("0x"), 16)
                    .ok()
                    .map(Slot)
                    .filter(|s| s.is_key() && s.certificate_object().is_some() && s.0 != 0xF9)
                    .ok_or_else(|| {
                        c.err(&f("slot"), k.slot.span(), crate::tr!("err-profile-slot"))
                    })?;
                if keys.iter().any(|x: &KeySpec| x.slot == slot) {
                    return Err(c.err(
                        &f("slot"),
                        k.slot.span(),
                        crate::tr!("err-profile-slot-twice"),
                    ));
                }
                let purpose = match k.purpose.get_ref().as_str() {
                    "authentication" => Purpose::Authentication,
                    "signature" => Purpose::Signature,
                    "encryption" => Purpose::Encryption,
                    other => {
                        return Err(c.err(
                            &f("purpose"),
                            k.purpose.span(),
                            crate::tr!(
                                "err-profile-unknown",
                                value = other,
                                known = "authentication, signature, encryption"
                            ),
                        ))
                    }
                };
                let algs = "RSA-2048, RSA-3072, RSA-4096, P-256, P-384";
                let algorithm = parse_algorithm(k.algorithm.get_ref()).ok_or_else(|| {
                    c.err(
                        &f("algorithm"),
                        k.algorithm.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = k.algorithm.get_ref().as_str(),
                            known = algs
                        ),
                    )
                })?;
                let mut allowed = vec![algorithm];
                if let Some(list) = &k.allowed_algorithms {
                    allowed.clear();
                    for a in list.get_ref() {
                        let alg = parse_algorithm(a).ok_or_else(|| {
                            c.err(
                                &f("allowed_algorithms"),
                                list.span(),
                                crate::tr!("err-profile-unknown", value = a.as_str(), known = algs),
                            )
                        })?;
                        allowed.push(alg);
                    }
                    if !allowed.contains(&algorithm) {
                        return Err(c.err(
                            &f("allowed_algorithms"),
                            list.span(),
                            crate::tr!("err-profile-allowed-default"),
                        ));
                    }
                }
                let pin_use = match k.pin_policy.get_ref().as_str() {
                    "never" => PinUse::Never,
                    "once" => PinUse::Once,
                    "always" => PinUse::Always,
                    other => {
                        return Err(c.err(
                            &f("pin_policy"),
                            k.pin_policy.span(),
                            crate::tr!(
                                "err-profile-unknown",
                                value = other,
                                known = "never, once, always"
                            ),
                        ))
                    }
                };
                if purpose == Purpose::Signature && pin_use != PinUse::Always {
                    return Err(c.err(
                        &f("pin_policy"),
                        k.pin_policy.span(),
                        crate::tr!("err-profile-signature-pin"),
                    ));
                }
                let certificate = certificate_rule(&c, &f, purpose, k.certificate.as_ref())?;
                keys.push(KeySpec {
                    slot,
                    purpose,
                    algorithm,
                    allowed_algorithms: allowed,
                    pin_use,
                    certificate,
                    optional: k.optional,
                });
            }
            if keys.is_empty() {
                return Err(c.err("keys", self.keys.span(), crate::tr!("err-profile-no-keys")));
            }
            if self.subject.identity.get_ref() != "es-nif" {
                return Err(c.err(
                    "subject.identity",
                    self.subject.identity.span(),
                    crate::tr!(
                        "err-profile-unknown",
                        value = self.subject.identity.get_ref().as_str(),
                        known = "es-nif"
                    ),
                ));
            }
            let mut attributes = Vec::new();
            for (i, a) in self.subject.attributes.get_ref().iter().enumerate() {
                let f = |n: &str| format!("subject.attributes[{i}].{n}");
                let attribute = AttributeType::parse(a.kind.get_ref()).ok_or_else(|| {
                    c.err(
                        &f("type"),
                        a.kind.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = a.kind.get_ref().as_str(),
                            known = "C, serialNumber, GN, SN, CN, O, OU, L, ST"
                        ),
                    )
                })?;
                check_template(a.value.get_ref())
                    .map_err(|m| c.err(&f("value"), a.value.span(), m))?;
                let encoding = match a.encoding.as_ref().map(|e| e.get_ref().as_str()) {
                    None => match attribute {
                        AttributeType::Country | AttributeType::SerialNumber => Encoding::Printable,
                        _ => Encoding::Utf8,
                    },
                    Some("printable") => Encoding::Printable,
                    Some("utf8") => Encoding::Utf8,
                    Some(other) => {
                        let span = a.encoding.as_ref().map_or(a.kind.span(), Spanned::span);
                        return Err(c.err(
                            &f("encoding"),
                            span,
                            crate::tr!(
                                "err-profile-unknown",
                                value = other,
                                known = "printable, utf8"
                            ),
                        ));
                    }
                };
                if attribute == AttributeType::Country
                    && (a.value.get_ref().len() != 2 || encoding != Encoding::Printable)
                {
                    return Err(c.err(
                        &f("value"),
                        a.value.span(),
                        crate::tr!("err-profile-country"),
                    ));
                }
                attributes.push(AttributeTemplate {
                    attribute,
                    value: a.value.get_ref().clone(),
                    encoding,
                });
            }
            if attributes.is_empty() {
                return Err(c.err(
                    "subject.attributes",
                    self.subject.attributes.span(),
                    crate::tr!("err-profile-no-attributes"),
                ));
            }
            Ok(super::Profile {
                name,
                description: self.description,
                source: file.to_owned(),
                card: CardMatch {
                    driver: self.card.driver.get_ref().to_ascii_uppercase(),
                    aid,
                    atr,
                },
                management_key: ManagementKeyPolicy {
                    mode,
                    algorithm,
                    allow_default: self.management_key.allow_default_management_key,
                    // The factory key is no secret: there is nothing to keep behind the PIN.
                    pin_protected: mode == ManagementKeyMode::PinProtected
                        || (self.management_key.pin_protected_copy
                            && mode != ManagementKeyMode::Factory),
                },
                pin,
                puk,
                puk_generate: self.puk.generate,
                pin_retries_required: self.pin.retries_required,
                keys,
                subject: SubjectTemplate {
                    attributes,
                    email_san: self.subject.email_san,
                },
                enrollment: enrollment_auth(&c, self.enrollment.as_ref())?,
            })
        }
    }

    /// A dotted OID, or one of the names Sello knows for extended key usages (RFC 5280
    /// §4.2.1.12).
    fn oid(text: &str) -> Option<String> {
        let named = match text {
            "clientAuth" => Some("1.3.6.1.5.5.7.3.2"),
            "emailProtection" => Some("1.3.6.1.5.5.7.3.4"),
            "serverAuth" => Some("1.3.6.1.5.5.7.3.1"),
            "codeSigning" => Some("1.3.6.1.5.5.7.3.3"),
            "smartcardLogon" => Some("1.3.6.1.4.1.311.20.2.2"),
            "anyExtendedKeyUsage" => Some("2.5.29.37.0"),
            _ => None,
        };
        if let Some(n) = named {
            return Some(n.to_owned());
        }
        let arcs: Vec<&str> = text.split('.').collect();
        let ok = arcs.len() >= 2
            && arcs
                .iter()
                .all(|a| !a.is_empty() && a.len() <= 10 && a.bytes().all(|b| b.is_ascii_digit()))
            && matches!(arcs.first(), Some(&"0" | &"1" | &"2"));
        ok.then(|| text.to_owned())
    }

    fn certificate_rule(
        c: &Ctx<'_>,
        f: &dyn Fn(&str) -> String,
        purpose: Purpose,
        raw: Option<&Certificate>,
    ) -> Result<CertificateRule, ProfileError> {
        let mut rule = CertificateRule::for_purpose(purpose);
        let Some(raw) = raw else { return Ok(rule) };
        if let Some(ku) = &raw.key_usage {
            for name in ku.get_ref() {
                if !KEY_USAGE_NAMES.contains(&name.as_str()) {
                    return Err(c.err(
                        &f("certificate.key_usage"),
                        ku.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = name.as_str(),
                            known = KEY_USAGE_NAMES.join(", ")
                        ),
                    ));
                }
            }
            rule.key_usage = ku.get_ref().clone();
        }
        let oids = |list: &Option<Spanned<Vec<String>>>, field: &str| {
            let mut out = Vec::new();
            if let Some(list) = list {
                for text in list.get_ref() {
                    out.push(oid(text).ok_or_else(|| {
                        c.err(
                            &f(field),
                            list.span(),
                            crate::tr!("err-profile-oid", value = text.as_str()),
                        )
                    })?);
                }
            }
            Ok::<_, ProfileError>(out)
        };
        rule.extended_key_usage = oids(&raw.extended_key_usage, "certificate.extended_key_usage")?;
        rule.policies = oids(&raw.policies, "certificate.policies")?;
        rule.max_validity_days = raw.max_validity_days.as_ref().map(|d| *d.get_ref());
        rule.min_validity_days = raw.min_validity_days.as_ref().map(|d| *d.get_ref());
        if let (Some(min), Some(max)) = (&raw.min_validity_days, &raw.max_validity_days) {
            if min.get_ref() > max.get_ref() {
                return Err(c.err(
                    &f("certificate.min_validity_days"),
                    min.span(),
                    crate::tr!("err-profile-validity"),
                ));
            }
        }
        Ok(rule)
    }

    fn enrollment_auth(
        c: &Ctx<'_>,
        raw: Option<&Enrollment>,
    ) -> Result<EnrollmentAuth, ProfileError> {
        let mut auth = EnrollmentAuth::default();
        let Some(raw) = raw else { return Ok(auth) };
        if let Some(user) = &raw.basic_user {
            let text = user.get_ref().trim();
            if text.contains(':') {
                return Err(c.err(
                    "enrollment.basic_user",
                    user.span(),
                    crate::tr!("err-profile-basic-user-colon"),
                ));
            }
            let mut rest = text;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let close = after.find('}').ok_or_else(|| {
                    c.err(
                        "enrollment.basic_user",
                        user.span(),
                        crate::tr!("err-profile-unclosed-brace"),
                    )
                })?;
                let var = &after[..close];
                if var != "nif" && var != "code" {
                    return Err(c.err(
                        "enrollment.basic_user",
                        user.span(),
                        crate::tr!(
                            "err-profile-unknown-variable",
                            var = format!("{{{var}}}"),
                            known = "{nif}, {code}"
                        ),
                    ));
                }
                rest = &after[close + 1..];
            }
            auth.basic_user = (!text.is_empty()).then(|| text.to_owned());
        }
        if let Some(p) = &raw.password {
            auth.code_as_password = match p.get_ref().as_str() {
                "code" => true,
                "none" => false,
                other => {
                    return Err(c.err(
                        "enrollment.password",
                        p.span(),
                        crate::tr!("err-profile-unknown", value = other, known = "code, none"),
                    ))
                }
            };
        }
        if let Some(cc) = &raw.client_certificate {
            auth.client_certificate = match cc.get_ref().as_str() {
                "none" => EnrollClientCertificate::None,
                "operator-card" => EnrollClientCertificate::OperatorCard,
                other => {
                    return Err(c.err(
                        "enrollment.client_certificate",
                        cc.span(),
                        crate::tr!(
                            "err-profile-unknown",
                            value = other,
                            known = "none, operator-card"
                        ),
                    ))
                }
            };
        }
        if let Some(labels) = &raw.ca_labels {
            let label = |v: &Option<Spanned<String>>, name: &str, default: Option<String>| {
                let Some(v) = v else { return Ok(default) };
                let text = v.get_ref().trim();
                if text.is_empty() {
                    return Ok(None);
                }
                if text.len() > 64
                    || !text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(c.err(
                        &format!("enrollment.ca_labels.{name}"),
                        v.span(),
                        crate::tr!("err-profile-ca-label"),
                    ));
                }
                Ok(Some(text.to_owned()))
            };
            let d = CaLabels::default();
            auth.ca_labels = CaLabels {
                authentication: label(&labels.authentication, "authentication", d.authentication)?,
                signature: label(&labels.signature, "signature", d.signature)?,
                encryption: label(&labels.encryption, "encryption", d.encryption)?,
            };
        }
        if auth.basic_user.is_none() && auth.code_as_password {
            let span = raw
                .password
                .as_ref()
                .map(|p| p.span())
                .or_else(|| raw.basic_user.as_ref().map(|u| u.span()))
                .unwrap_or(0..0);
            return Err(c.err(
                "enrollment.password",
                span,
                crate::tr!("err-profile-code-needs-user"),
            ));
        }
        if auth.basic_user.is_none() && auth.client_certificate == EnrollClientCertificate::None {
            let span = raw.basic_user.as_ref().map(|u| u.span()).unwrap_or(0..0);
            return Err(c.err(
                "enrollment.basic_user",
                span,
                crate::tr!("err-profile-needs-auth"),
            ));
        }
        Ok(auth)
    }
}

/// The user profile directory: `$SELLO_PROFILE_DIR`, else `$XDG_CONFIG_HOME/sello/card-profiles`,
/// else `$HOME/.config/sello/card-profiles`.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SELLO_PROFILE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(Path::new(&d).join("sello/card-profiles"));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".config/sello/card-profiles"))
}

/// The embedded profiles, then the user directory's (`*.toml`, sorted by file name); a user
/// profile replaces an embedded one of the same name.
pub fn load_all() -> Result<Vec<Profile>, ProfilesError> {
    load_all_from(user_dir().as_deref())
}

/// Like [`load_all`] with an explicit user directory (missing = none).
pub fn load_all_from(dir: Option<&Path>) -> Result<Vec<Profile>, ProfilesError> {
    let mut out: Vec<Profile> = Vec::new();
    for (file, text) in EMBEDDED {
        out.push(Profile::from_toml(&format!("embedded:{file}"), text)?);
    }
    let Some(dir) = dir else { return Ok(out) };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(source) => {
            return Err(ProfilesError::Directory {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut seen_user: Vec<String> = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| ProfileError {
            file: file.clone(),
            line: None,
            field: None,
            message: crate::tr!("err-profile-cannot-read", error = e.to_string()),
        })?;
        let p = Profile::from_toml(&file, &text)?;
        if seen_user.contains(&p.name) {
            return Err(ProfileError {
                file,
                line: None,
                field: Some("name".into()),
                message: crate::tr!(
                    "err-profile-duplicate",
                    dir = dir.display().to_string(),
                    name = p.name.as_str()
                ),
            }
            .into());
        }
        seen_user.push(p.name.clone());
        out.retain(|q| q.name != p.name);
        out.push(p);
    }
    Ok(out)
}

/// The profile named `name`.
pub fn find(profiles: &[Profile], name: &str) -> Result<Profile, ProfilesError> {
    profiles
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .ok_or_else(|| ProfilesError::NotFound(name.to_owned()))
}

/// The one profile that applies to a card.
pub fn for_card(profiles: &[Profile], driver: &str, atr: &[u8]) -> Result<Profile, ProfilesError> {
    let m: Vec<&Profile> = profiles.iter().filter(|p| p.matches(driver, atr)).collect();
    match m.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(ProfilesError::NoMatch {
            driver: driver.to_owned(),
            atr: hex::encode_upper(atr),
        }),
        many => Err(ProfilesError::Ambiguous(
            many.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

/// The PIN rule of the one profile (embedded, then the user's directory) that applies to a card
/// of `driver` with this ATR; `None` when none or several apply, or the profiles do not load.
/// No card access: every place that accepts a new PIN checks it with this before the card sees
/// it (the CLI, `sellod`'s jobs, the PKCS#11 token).
pub fn pin_rule_for(driver: &str, atr: &[u8]) -> Option<SecretRule> {
    let profiles = load_all().ok()?;
    for_card(&profiles, driver, atr).ok().map(|p| p.pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_citizen_piv_loads() {
        let all = load_all_from(None).unwrap();
        let p = find(&all, "citizen-piv").unwrap();
        assert_eq!(p.keys.len(), 3);
        assert_eq!(p.keys[0].slot, Slot::AUTHENTICATION);
        assert_eq!(p.keys[1].pin_use, PinUse::Always);
        assert!(!p.keys[0].optional && !p.keys[1].optional);
        // Key management (9D) for S/MIME, only when asked for.
        assert_eq!(p.keys[2].slot.0, 0x9D);
        assert_eq!(p.keys[2].purpose, Purpose::Encryption);
        assert!(p.keys[2].optional);
        assert_eq!(p.pin.min_length, 6);
        assert_eq!(p.puk.max_length, 8);
        assert_eq!(p.management_key.mode, ManagementKeyMode::Derived);
        // "both": derived by the operator, a PIN-protected copy for the holder.
        assert!(p.management_key.pin_protected);
        let src = include_str!("../../card-profiles/citizen-piv.toml");
        let only = |from: &str, to: &str| {
            Profile::from_toml("x.toml", &src.replace(from, to))
                .unwrap()
                .management_key
        };
        let derived = only("pin_protected_copy = true", "pin_protected_copy = false");
        assert!(!derived.pin_protected);
        let protected = only("mode = \"derived\"", "mode = \"pin-protected\"");
        assert_eq!(protected.mode, ManagementKeyMode::PinProtected);
        assert!(protected.pin_protected);
        let factory = only(
            "mode = \"derived\"\nalgorithm = \"AES-192\"\nallow_default_management_key = false",
            "mode = \"factory\"\nalgorithm = \"AES-192\"\nallow_default_management_key = true",
        );
        assert!(!factory.pin_protected);
    }

    #[test]
    fn pin_rules_speak_the_users_language_and_never_echo_the_value() {
        let p = find(&load_all_from(None).unwrap(), "citizen-piv").unwrap();
        let check = |lang, what, value: &str, rule: &SecretRule| {
            crate::i18n::with_language(lang, || rule.check(what, value).unwrap_err())
        };
        assert_eq!(
            check("es", SecretName::Pin, "12", &p.pin),
            "el PIN debe tener entre 6 y 8 caracteres"
        );
        assert_eq!(
            check("ca-valencia", SecretName::NewPin, "12", &p.pin),
            "el PIN nou ha de tindre entre 6 i 8 caràcters"
        );
        assert_eq!(
            check("ca", SecretName::NewPin, "abcd1234", &p.pin),
            "el PIN nou només pot contenir xifres"
        );
        assert_eq!(
            check("en", SecretName::Puk, "1234", &p.puk),
            "the PUK must be 8 characters long"
        );
        assert_eq!(
            check("es", SecretName::Puk, "1234", &p.puk),
            "el PUK debe tener 8 caracteres"
        );
        for lang in ["en", "es", "ca", "ca-valencia"] {
            let e = check(lang, SecretName::Pin, "abcd1234", &p.pin);
            assert!(!e.contains("abcd1234"), "{lang}: {e}");
        }
    }

    #[test]
    fn broken_profiles_name_the_field_in_the_users_language() {
        // The message is written when the file is checked, the frame when it is shown: both in
        // the language of the thread that loads the profile.
        let src = include_str!("../../card-profiles/citizen-piv.toml");
        let broken = src.replace("min_length = 6", "min_length = 2");
        let load = || Profile::from_toml("x.toml", &broken).unwrap_err();
        let text = |lang| crate::i18n::with_language(lang, || load().to_string());
        let line = load().line.unwrap_or_default();
        assert_eq!(
            text("es"),
            format!(
                "x.toml:{line}: campo `pin.min_length`: debe estar entre 4 y 8 \
                 (lo que guarda una tarjeta PIV)"
            )
        );
        assert_eq!(
            text("ca-valencia"),
            format!(
                "x.toml:{line}: camp `pin.min_length`: ha de ser entre 4 i 8 \
                 (el que guarda una targeta PIV)"
            )
        );
    }

    #[test]
    fn derived_keys_differ_per_card_and_are_stable() {
        let p = find(&load_all_from(None).unwrap(), "citizen-piv").unwrap();
        let m = b"5f0c1e9a27d34b86ce1f0a9d3b7e6254";
        let a = p.management_key.derive(m, "10000001").unwrap();
        let b = p.management_key.derive(m, "10000002").unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(
            a.expose(),
            p.management_key.derive(m, "10000001").unwrap().expose()
        );
        assert_eq!(a.expose().len(), 24);
        assert!(p.management_key.derive(b"short", "1").is_err());
    }

    #[test]
    fn weak_master_secrets_are_refused() {
        // The secret once accepted: 16 bytes of `a`.
        for weak in [
            &b"aaaaaaaaaaaaaaaa"[..],
            &[b'a'; 64][..],
            b"0123456789abcdef0123456789abcdef",
            b"abababababababababababababababababababab",
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcdefghijklm",
            b"short but varied: 1234567890",
        ] {
            let e = check_master_secret(weak).unwrap_err();
            assert!(e.contains("sello mgmt-secret generate"), "{e}");
            assert!(!e.contains(std::str::from_utf8(weak).unwrap()), "{e}");
        }
        let mut random = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
        check_master_secret(hex::encode(random).as_bytes()).unwrap();
        check_master_secret(b"operator master secret for the tests").unwrap();
    }

    #[test]
    fn field_paths() {
        let t = "name = \"x\"\n[pin]\nmin_length = \"a\"\n[[keys]]\nslot = 1\n[[keys]]\nslot = 2\n";
        let off = t.find("slot = 2").unwrap();
        assert_eq!(field_at(t, off..off + 1).as_deref(), Some("keys[1].slot"));
        let off = t.find("\"a\"").unwrap();
        assert_eq!(field_at(t, off..off + 1).as_deref(), Some("pin.min_length"));
        assert_eq!(line_of(t, off), 3);
    }
}
