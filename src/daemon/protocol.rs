//! The wire format of the local API (`docs/api.md`): newline-delimited JSON. A client sends one
//! request object per line; the daemon answers each with one response line carrying the same
//! `id`, and pushes event lines (`{"event": ...}`) to subscribers and to the owner of a job.
//!
//! Parsing is strict and bounded: a line longer than [`MAX_REQUEST_BYTES`] or one that is not a
//! request object gets an error object, and the connection stays usable.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::tr;

/// The longest request line the daemon reads (bytes, without the newline).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The protocol version reported by `hello`.
pub const PROTOCOL_VERSION: u32 = 1;

/// A request. `id` is echoed in the response (any JSON value; absent = null).
#[derive(Debug, Deserialize)]
pub struct Request {
    /// Echoed in the response.
    #[serde(default)]
    pub id: Value,
    /// The client's language (a BCP 47 tag or a POSIX locale name: `es`, `ca-valencia`,
    /// `ca_ES.UTF-8@valencia`) for the human texts of this answer, of the job a `start-job`
    /// starts, and of later answers on the connection that do not say. Absent: the language
    /// given earlier on the connection, else the daemon's. Codes never depend on it.
    #[serde(default)]
    pub lang: Option<String>,
    /// The operation and its arguments.
    #[serde(flatten)]
    pub op: Op,
}

/// The operations.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Op {
    /// Daemon version and protocol version.
    Hello,
    /// Readers and the cards in them (what the inventory knows, no card access).
    ListCards,
    /// One reader's card, read again from the card (tries, certificates).
    CardStatus {
        /// Reader name (or a unique part of one).
        reader: String,
        /// Read the card again instead of answering from the inventory.
        #[serde(default)]
        refresh: bool,
    },
    /// Starts a job on the card in a reader.
    StartJob {
        /// Reader name (or a unique part of one).
        reader: String,
        /// What to do.
        job: JobSpec,
    },
    /// A job's state.
    JobStatus {
        /// Job id.
        job: u64,
    },
    /// Cancels a job (it stops at the next safe point).
    Cancel {
        /// Job id.
        job: u64,
    },
    /// Streams events on this connection from now on.
    Subscribe,
    /// Answers a job's `secret-request` (only the connection that started the job may).
    Secret {
        /// Job id.
        job: u64,
        /// The name from the secret request ("current-pin", ...).
        name: String,
        /// The value; `null` declines (the job stops).
        value: Option<SecretString>,
    },
}

/// A secret on the wire: zeroized on drop, `***` in `Debug`.
pub struct SecretString(pub Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The String is moved into the Zeroizing buffer, not copied.
        String::deserialize(d).map(|s| Self(Zeroizing::new(s)))
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A job to start.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum JobSpec {
    /// Change the PIN (secrets: `current-pin`, `new-pin`).
    ChangePin,
    /// Unblock the PIN with the PUK (secrets: `puk`, `new-pin`).
    Unblock,
    /// Renew the certificates before expiry (see [`RenewSpec`]).
    Renew(Box<RenewSpec>),
    /// Activate the card (see [`ActivateSpec`]).
    Activate(Box<ActivateSpec>),
}

impl JobSpec {
    /// The kind's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ChangePin => "change-pin",
            Self::Unblock => "unblock",
            Self::Renew(_) => "renew",
            Self::Activate(_) => "activate",
        }
    }
}

/// The non-secret parameters of an activation, as `sello activate` takes them. Secrets
/// (`mgmt-secret`, `new-pin`/`current-pin`, `new-puk`, `enrollment-code`) are asked for through
/// `secret-request` events. Paths are read by the daemon, so they must be absolute.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateSpec {
    /// Card profile (default: the one that applies to the card).
    #[serde(default)]
    pub profile: Option<String>,
    /// NIF/NIE.
    pub nif: String,
    /// Given name(s).
    pub given_name: String,
    /// Surname(s).
    pub surnames: String,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Algorithm for every key.
    #[serde(default)]
    pub algorithm: Option<String>,
    /// Replace keys and certificates another tool put in the profile's slots (refused otherwise).
    #[serde(default)]
    pub replace_existing: bool,
    /// CA certificate(s) (PEM file) the issued certificates must chain to.
    #[serde(default)]
    pub ca_cert: Option<String>,
    /// EST server URL.
    #[serde(default)]
    pub est: Option<String>,
    /// EST TLS trust anchors (PEM file).
    #[serde(default)]
    pub est_trust: Option<String>,
    /// EST TLS certificate SHA-256 fingerprint.
    #[serde(default)]
    pub est_pin: Option<String>,
    /// HTTP proxy for the EST server (`http://host:port`, or `none`); absent: the daemon's
    /// environment (HTTPS_PROXY / ALL_PROXY, NO_PROXY).
    #[serde(default)]
    pub proxy: Option<String>,
    /// A local training CA directory instead of EST.
    #[serde(default)]
    pub local_ca: Option<String>,
}

/// The non-secret parameters of a renewal, as `sello renew` takes them (EST `simplereenroll`,
/// RFC 7030 §4.2.2, authenticated by the card's 9A key). Secrets (`mgmt-secret` unless the
/// profile uses the factory key, `current-pin`) are asked for through `secret-request` events.
/// Paths are read by the daemon, so they must be absolute.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RenewSpec {
    /// Card profile (default: the one that applies to the card).
    #[serde(default)]
    pub profile: Option<String>,
    /// Which certificate to renew: a slot of the profile (`9A`, `9C`) or `all` (default).
    #[serde(default)]
    pub slot: Option<String>,
    /// EST server URL.
    pub est: String,
    /// EST TLS trust anchors (PEM file).
    #[serde(default)]
    pub est_trust: Option<String>,
    /// EST TLS certificate SHA-256 fingerprint.
    #[serde(default)]
    pub est_pin: Option<String>,
    /// CA certificate(s) (PEM file) the new certificates must chain to (default: EST /cacerts).
    #[serde(default)]
    pub ca_cert: Option<String>,
    /// Renew even though the certificate is not yet within the renewal window (operator).
    #[serde(default)]
    pub force: bool,
    /// The renewal window in days before expiry (default 60).
    #[serde(default)]
    pub window_days: Option<u32>,
    /// The holder renews with the PIN alone: the card's PIN-protected management key is used
    /// and no operator secret is asked (profiles with `pin_protected_copy` or `pin-protected`).
    #[serde(default)]
    pub holder: bool,
}

/// Machine-readable error codes (`error.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Not JSON, or not a request object.
    BadRequest,
    /// The line exceeds [`MAX_REQUEST_BYTES`].
    TooLarge,
    /// No such reader.
    NoReader,
    /// The reader holds no card.
    NoCard,
    /// No such job.
    NoJob,
    /// A job already runs on that card.
    Busy,
    /// The operation is not implemented yet.
    NotAvailable,
    /// Not the job's owner.
    Forbidden,
    /// The card or pcscd failed.
    Card,
    /// pcscd is not running.
    NoService,
}

impl ErrorCode {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::BadRequest => "bad-request",
            Self::TooLarge => "too-large",
            Self::NoReader => "no-reader",
            Self::NoCard => "no-card",
            Self::NoJob => "no-job",
            Self::Busy => "busy",
            Self::NotAvailable => "not-available",
            Self::Forbidden => "forbidden",
            Self::Card => "card",
            Self::NoService => "no-service",
        }
    }
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Code.
    pub code: ErrorCode,
    /// A message for people.
    pub message: String,
}

impl ApiError {
    /// Builds one.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// `{"id":..,"ok":true,"result":..}`
pub fn ok(id: &Value, result: Value) -> Value {
    json!({ "id": id, "ok": true, "result": result })
}

/// `{"id":..,"ok":false,"error":{"code":..,"message":..}}`
pub fn err(id: &Value, e: &ApiError) -> Value {
    json!({ "id": id, "ok": false, "error": { "code": e.code.name(), "message": e.message } })
}

/// Parses one request line. The `id` of a bad request is recovered when the line is at least a
/// JSON object, so a client can match the error to its request.
pub fn parse(line: &[u8]) -> Result<Request, (Value, ApiError)> {
    // Straight into the request type: a secret never passes through an intermediate `Value`.
    let e = match serde_json::from_slice::<Request>(line) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    let v: Value = serde_json::from_slice(line).map_err(|e| {
        (
            Value::Null,
            ApiError::new(
                ErrorCode::BadRequest,
                tr!("daemon-not-json", error = e.to_string()),
            ),
        )
    })?;
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    if !v.is_object() {
        return Err((
            id,
            ApiError::new(ErrorCode::BadRequest, tr!("daemon-not-an-object")),
        ));
    }
    // The language the request asked for, if it can be read (its answer is an error too).
    let lang = v
        .get("lang")
        .and_then(Value::as_str)
        .map(super::client_language);
    // serde's messages can quote values ("invalid type: string \"1234\""): never for a secret.
    let message = super::in_language(lang, || {
        if v.get("op") == Some(&Value::from("secret")) {
            tr!("daemon-bad-secret-answer")
        } else {
            tr!("daemon-bad-request", error = e.to_string())
        }
    });
    Err((id, ApiError::new(ErrorCode::BadRequest, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requests_and_rejects_junk() {
        let r = parse(br#"{"id":7,"op":"card-status","reader":"X"}"#).expect("valid");
        assert_eq!(r.id, json!(7));
        assert!(matches!(r.op, Op::CardStatus { reader, refresh: false } if reader == "X"));
        let r = parse(
            br#"{"op":"start-job","reader":"X","job":{"kind":"activate","nif":"1","given_name":"a","surnames":"b"}}"#,
        )
        .expect("valid");
        assert!(matches!(
            r.op,
            Op::StartJob {
                job: JobSpec::Activate(_),
                ..
            }
        ));
        let r = parse(
            br#"{"op":"start-job","reader":"X","job":{"kind":"renew","est":"https://ca","force":true}}"#,
        )
        .expect("valid");
        assert!(matches!(
            r.op,
            Op::StartJob {
                job: JobSpec::Renew(ref s),
                ..
            } if s.force && s.slot.is_none()
        ));
        assert!(parse(br#"{"op":"start-job","reader":"X","job":{"kind":"renew"}}"#).is_err());
        let (id, e) = parse(br#"{"id":"a","op":"nope"}"#).expect_err("unknown op");
        assert_eq!((id, e.code), (json!("a"), ErrorCode::BadRequest));
        assert!(parse(b"[1,2]").is_err());
        assert!(parse(b"\xff\xfe").is_err());
        let (_, e) = parse(br#"{"op":"secret","job":"x","name":"pin","value":123456}"#)
            .expect_err("bad value");
        assert!(!e.message.contains("123456"), "{}", e.message);
    }

    #[test]
    fn a_bad_request_is_answered_in_the_language_it_asks_for() {
        let (id, e) = parse(br#"{"id":3,"op":"nope","lang":"es_ES.UTF-8"}"#).expect_err("op");
        assert_eq!((id, e.code), (json!(3), ErrorCode::BadRequest));
        assert!(
            e.message.starts_with("petición no válida: "),
            "{}",
            e.message
        );
        let (_, e) = parse(br#"{"op":"secret","lang":"ca-valencia","job":"x","value":"123456"}"#)
            .expect_err("bad secret");
        assert!(
            e.message.starts_with("resposta de secret no vàlida"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("123456"));
        // A line that says nothing readable: the language the connection asked for before.
        let e = crate::i18n::with_language("es", || parse(b"{").expect_err("not JSON").1);
        assert!(e.message.starts_with("no es JSON: "), "{}", e.message);
        // An unknown language is English; a request that parses keeps what it asked for.
        let (_, e) = parse(br#"{"op":"nope","lang":"xx"}"#).expect_err("op");
        assert!(
            e.message.starts_with("not a valid request: "),
            "{}",
            e.message
        );
        let r = parse(br#"{"op":"hello","lang":"ca_ES@valencia"}"#).expect("valid");
        assert_eq!(
            r.lang.as_deref().map(super::super::client_language),
            Some("ca-valencia")
        );
    }

    #[test]
    fn secret_debug_is_redacted() {
        let r = parse(br#"{"op":"secret","job":1,"name":"pin","value":"123456"}"#).expect("ok");
        assert!(!format!("{r:?}").contains("123456"));
    }
}
