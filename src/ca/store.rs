//! The CA's state in SQLite. Every state change is one transaction: a code is marked used in the
//! same transaction that records the certificate issued with it, and the certificate is recorded
//! before it is returned to anyone.

use std::path::Path;
use std::time::Duration;

use rand_core::{OsRng, RngCore};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::identity::{ct_eq, EnrollmentCode, Identity};
use super::{CaError, Purpose, Rejection};

/// How long a certificate superseded by a renewal it authenticated itself may still
/// authenticate the renewal of the holder's other certificates (one `sello renew` renews the
/// 9A and 9C certificates one after the other over the same 9A key).
pub const SUPERSEDED_GRACE_SECS: i64 = 600;

/// Public keys a new certificate must not carry, looked up inside the issuing transaction.
#[derive(Debug, Default)]
pub struct RefusedKeys {
    /// SubjectPublicKeyInfo DER of every certificate revoked for keyCompromise.
    pub compromised: Vec<Vec<u8>>,
    /// SubjectPublicKeyInfo DER of every certificate the holder has had (for renewals).
    pub holder: Vec<Vec<u8>>,
}

impl RefusedKeys {
    /// Refuses `spki` if it is compromised, or (`renewal`) if the holder already had it.
    pub fn check(&self, spki: &[u8], renewal: bool) -> Result<(), CaError> {
        if self.compromised.iter().any(|k| k == spki) {
            return Err(Rejection::Forbidden(
                "this public key belongs to a certificate revoked for keyCompromise;                  generate a new key"
                    .into(),
            )
            .into());
        }
        if renewal && self.holder.iter().any(|k| k == spki) {
            return Err(Rejection::Forbidden(
                "a renewal needs a new key: this public key is already certified                  (RFC 7030 §4.2.2 rekeying is required by this CA)"
                    .into(),
            )
            .into());
        }
        Ok(())
    }
}

/// SubjectPublicKeyInfo DER of a stored certificate (`None` if it does not parse).
fn spki_of(der: &[u8]) -> Option<Vec<u8>> {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .map(|(_, c)| c.tbs_certificate.subject_pki.raw.to_vec())
}

fn refused_keys(conn: &Connection, nif: Option<&str>) -> Result<RefusedKeys, CaError> {
    let mut keys = RefusedKeys::default();
    let mut stmt =
        conn.prepare("SELECT der FROM certificates WHERE revocation_reason = 'keyCompromise'")?;
    for der in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))? {
        keys.compromised.extend(spki_of(&der?));
    }
    if let Some(nif) = nif {
        let mut stmt = conn.prepare("SELECT der FROM certificates WHERE nif = ?1")?;
        for der in stmt.query_map(params![nif], |r| r.get::<_, Vec<u8>>(0))? {
            keys.holder.extend(spki_of(&der?));
        }
    }
    Ok(keys)
}

/// How a certificate came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// `simpleenroll` with a one-time code handed out at a registration point.
    InPerson,
    /// `simplereenroll` authenticated by a previous certificate.
    RemoteRenewal,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::InPerson => "in-person",
            Origin::RemoteRenewal => "remote-renewal",
        }
    }
    fn parse(s: &str) -> Self {
        if s == "remote-renewal" {
            Origin::RemoteRenewal
        } else {
            Origin::InPerson
        }
    }
}

/// A certificate as recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertRecord {
    /// Serial, upper-case hex.
    pub serial: String,
    /// Holder's NIF/NIE.
    pub nif: String,
    /// Purpose (slot).
    pub purpose: Purpose,
    /// How it was obtained.
    pub origin: Origin,
    /// Subject CN.
    pub common_name: String,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// Serial of the certificate whose TLS authentication renewed into this one.
    pub renewed_from: Option<String>,
    /// Revocation time, Unix seconds.
    pub revoked_at: Option<i64>,
    /// Revocation reason (RFC 5280 §5.3.1 name).
    pub revocation_reason: Option<String>,
    /// DER of the certificate.
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// What the issuing closure returns: the certificate and its recorded facts.
pub struct Issued {
    /// Serial, upper-case hex.
    pub serial: String,
    /// DER.
    pub der: Vec<u8>,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    /// Subject CN.
    pub common_name: String,
}

/// The store.
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS identities (
    nif TEXT PRIMARY KEY, given_name TEXT NOT NULL, surnames TEXT NOT NULL, email TEXT NOT NULL,
    registered_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    id INTEGER PRIMARY KEY, nif TEXT NOT NULL REFERENCES identities(nif),
    salt BLOB NOT NULL, hash BLOB NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    used_auth_at INTEGER, used_sign_at INTEGER,
    -- no longer written (attempts are limited in memory by ca::throttle); kept for old databases
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    superseded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS certificates (
    serial TEXT PRIMARY KEY, nif TEXT NOT NULL REFERENCES identities(nif), purpose TEXT NOT NULL,
    origin TEXT NOT NULL, common_name TEXT NOT NULL, not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL, der BLOB NOT NULL, issued_at INTEGER NOT NULL, renewed_from TEXT,
    revoked_at INTEGER, revocation_reason TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
";

impl Store {
    /// Opens (and creates) the database.
    pub fn open(path: &Path) -> Result<Self, CaError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        // Stores made before the key-management purpose lack its column.
        let has_enc: bool = conn.query_row(
            "SELECT COUNT(*) FROM pragma_table_info('codes') WHERE name = 'used_enc_at'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        if !has_enc {
            conn.execute_batch("ALTER TABLE codes ADD COLUMN used_enc_at INTEGER")?;
        }
        Ok(Self { conn })
    }

    /// Registers (or updates) an identity and gives it a fresh code; earlier codes of the same
    /// identity stop working. Returns the code, to be shown once.
    pub fn register(
        &mut self,
        identity: &Identity,
        now: i64,
        valid_for: Duration,
    ) -> Result<(EnrollmentCode, i64), CaError> {
        let code = EnrollmentCode::generate();
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let expires_at = now.saturating_add(i64::try_from(valid_for.as_secs()).unwrap_or(i64::MAX));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO identities (nif, given_name, surnames, email, registered_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(nif) DO UPDATE SET given_name = ?2, surnames = ?3, email = ?4",
            params![
                identity.nif,
                identity.given_name,
                identity.surnames,
                identity.email,
                now
            ],
        )?;
        tx.execute(
            "UPDATE codes SET superseded = 1 WHERE nif = ?1",
            params![identity.nif],
        )?;
        tx.execute(
            "INSERT INTO codes (nif, salt, hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![identity.nif, &salt[..], &code.hash(&salt)[..], now, expires_at],
        )?;
        tx.commit()?;
        Ok((code, expires_at))
    }

    /// Looks up an identity.
    pub fn identity(&self, nif: &str) -> Result<Option<Identity>, CaError> {
        Ok(self
            .conn
            .query_row(
                "SELECT nif, given_name, surnames, email FROM identities WHERE nif = ?1",
                params![nif],
                |r| {
                    Ok(Identity {
                        nif: r.get(0)?,
                        given_name: r.get(1)?,
                        surnames: r.get(2)?,
                        email: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Checks the identity's code without using it (for the `202` simulation).
    pub fn check_code(
        &mut self,
        nif: &str,
        code: &EnrollmentCode,
        purpose: Purpose,
        now: i64,
    ) -> Result<Identity, CaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let checked = check_code_tx(&tx, nif, code, purpose, now);
        tx.commit()?;
        checked.map(|(identity, _)| identity)
    }

    /// `simpleenroll`: in one transaction, check the code for `purpose`, issue (the closure signs),
    /// record the certificate and mark the code used for that purpose.
    pub fn enroll_with_code(
        &mut self,
        nif: &str,
        code: &EnrollmentCode,
        purpose: Purpose,
        now: i64,
        issue: impl FnOnce(&Identity, &RefusedKeys) -> Result<Issued, CaError>,
    ) -> Result<Issued, CaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (identity, code_id) = check_code_tx(&tx, nif, code, purpose, now)?;
        let refused = refused_keys(&tx, None)?;
        // A refused CSR does not consume the code (the transaction is rolled back on drop).
        let issued = issue(&identity, &refused)?;
        insert_cert(
            &tx,
            &issued,
            &identity.nif,
            purpose,
            Origin::InPerson,
            None,
            now,
        )?;
        let column = match purpose {
            Purpose::Auth => "used_auth_at",
            Purpose::Sign => "used_sign_at",
            Purpose::Enc => "used_enc_at",
        };
        tx.execute(
            &format!("UPDATE codes SET {column} = ?1 WHERE id = ?2 AND {column} IS NULL"),
            params![now, code_id],
        )?;
        tx.commit()?;
        Ok(issued)
    }

    /// `simplereenroll`: the TLS client certificate `current_serial` must be a recorded
    /// authentication certificate, unexpired, itself issued in person, and not yet used to renew
    /// this purpose; unrevoked, or revoked as superseded by a renewal it authenticated less than
    /// [`SUPERSEDED_GRACE_SECS`] ago. The new certificate is recorded as a remote renewal and, in
    /// the same transaction, the certificates it replaces are revoked as `superseded` (for `auth`
    /// the client certificate itself, otherwise the holder's unrevoked certificates of that
    /// purpose), so one in-person certificate never fans out into several valid ones.
    pub fn reenroll(
        &mut self,
        current_serial: &str,
        purpose: Purpose,
        now: i64,
        issue: impl FnOnce(&Identity, &CertRecord, &RefusedKeys) -> Result<Issued, CaError>,
    ) -> Result<Issued, CaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = get_cert(&tx, current_serial)?.ok_or_else(|| {
            Rejection::Forbidden(format!(
                "the client certificate (serial {current_serial}) was not issued by this CA"
            ))
        })?;
        if current.purpose != Purpose::Auth {
            return Err(Rejection::Forbidden(format!(
                "the client certificate (serial {current_serial}) is a {} certificate; only the \
                 authentication certificate authenticates a renewal",
                current.purpose.label()
            ))
            .into());
        }
        let renewed: Vec<CertRecord> = certs_where(&tx, "renewed_from = ?1", current_serial)?;
        if let Some(at) = current.revoked_at {
            let own_supersede = current.revocation_reason.as_deref() == Some("superseded")
                && renewed.iter().any(|c| c.purpose == Purpose::Auth)
                && now.saturating_sub(at) <= SUPERSEDED_GRACE_SECS;
            if !own_supersede {
                return Err(Rejection::Forbidden(format!(
                    "the client certificate (serial {current_serial}) was revoked at {at} (unix \
                     time); renewal needs a visit to a registration point"
                ))
                .into());
            }
        }
        if now >= current.not_after || now < current.not_before {
            return Err(Rejection::Forbidden(format!(
                "the client certificate (serial {current_serial}) is not within its validity period"
            ))
            .into());
        }
        if current.origin == Origin::RemoteRenewal {
            return Err(Rejection::Forbidden(format!(
                "the client certificate (serial {current_serial}) was itself obtained by remote \
                 renewal; it must be renewed in person at a registration point"
            ))
            .into());
        }
        if let Some(done) = renewed.iter().find(|c| c.purpose == purpose) {
            return Err(Rejection::Forbidden(format!(
                "the client certificate (serial {current_serial}) already renewed the {} \
                 certificate (new serial {}); further certificates need a registration point",
                purpose.label(),
                done.serial
            ))
            .into());
        }
        let identity = get_identity(&tx, &current.nif)?
            .ok_or_else(|| CaError::Internal("certificate without identity".into()))?;
        let refused = refused_keys(&tx, Some(&identity.nif))?;
        let issued = issue(&identity, &current, &refused)?;
        insert_cert(
            &tx,
            &issued,
            &identity.nif,
            purpose,
            Origin::RemoteRenewal,
            Some(current_serial),
            now,
        )?;
        // The certificates this one replaces: for `auth` the client certificate itself (another
        // card of the same holder keeps its own); for other purposes the holder's unrevoked
        // certificates of that purpose, since the client certificate is not one of them.
        if purpose == Purpose::Auth {
            tx.execute(
                "UPDATE certificates SET revoked_at = ?1, revocation_reason = 'superseded'
                 WHERE serial = ?2 AND revoked_at IS NULL",
                params![now, current.serial],
            )?;
        } else {
            tx.execute(
                "UPDATE certificates SET revoked_at = ?1, revocation_reason = 'superseded'
                 WHERE nif = ?2 AND purpose = ?3 AND serial != ?4 AND revoked_at IS NULL",
                params![now, identity.nif, purpose.label(), issued.serial],
            )?;
        }
        tx.commit()?;
        Ok(issued)
    }

    /// Revokes a certificate. Irreversible: revoking twice is an error.
    /// The serial is hex, any case, colons allowed (as `openssl x509 -text` prints it).
    pub fn revoke(&mut self, serial: &str, reason: &str, now: i64) -> Result<CertRecord, CaError> {
        let serial = &normalize_serial(serial);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(record) = get_cert(&tx, serial)? else {
            return Err(CaError::NotFound(crate::tr!(
                "ca-no-such-certificate",
                serial = serial.as_str()
            )));
        };
        if record.revoked_at.is_some() {
            return Err(CaError::Config(crate::tr!(
                "ca-already-revoked",
                serial = serial.as_str()
            )));
        }
        tx.execute(
            "UPDATE certificates SET revoked_at = ?1, revocation_reason = ?2 WHERE serial = ?3",
            params![now, reason, serial],
        )?;
        let record = get_cert(&tx, serial)?
            .ok_or_else(|| CaError::Internal("revoked certificate vanished".into()))?;
        tx.commit()?;
        Ok(record)
    }

    /// All certificates, oldest first.
    pub fn certificates(&self) -> Result<Vec<CertRecord>, CaError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CERT_COLUMNS} FROM certificates ORDER BY issued_at, serial"
        ))?;
        let rows = stmt.query_map([], cert_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// One certificate.
    pub fn certificate(&self, serial: &str) -> Result<Option<CertRecord>, CaError> {
        get_cert(&self.conn, serial)
    }

    /// Revoked certificates, for the CRL.
    pub fn revoked(&self) -> Result<Vec<CertRecord>, CaError> {
        Ok(self
            .certificates()?
            .into_iter()
            .filter(|c| c.revoked_at.is_some())
            .collect())
    }

    /// Next CRL number (monotonic, RFC 5280 §5.2.3).
    pub fn next_crl_number(&mut self) -> Result<u64, CaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('crl_number', 1)
             ON CONFLICT(key) DO UPDATE SET value = value + 1",
            [],
        )?;
        let n: i64 = tx.query_row("SELECT value FROM meta WHERE key = 'crl_number'", [], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

const CERT_COLUMNS: &str = "serial, nif, purpose, origin, common_name, not_before, not_after, \
                            renewed_from, revoked_at, revocation_reason, der";

fn cert_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CertRecord> {
    let purpose: String = r.get(2)?;
    let origin: String = r.get(3)?;
    Ok(CertRecord {
        serial: r.get(0)?,
        nif: r.get(1)?,
        purpose: Purpose::from_label(&purpose).unwrap_or(Purpose::Auth),
        origin: Origin::parse(&origin),
        common_name: r.get(4)?,
        not_before: r.get(5)?,
        not_after: r.get(6)?,
        renewed_from: r.get(7)?,
        revoked_at: r.get(8)?,
        revocation_reason: r.get(9)?,
        der: r.get(10)?,
    })
}

/// Upper-case hex without separators.
pub fn normalize_serial(serial: &str) -> String {
    serial
        .trim()
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_uppercase()
}

fn get_cert(conn: &Connection, serial: &str) -> Result<Option<CertRecord>, CaError> {
    Ok(conn
        .query_row(
            &format!("SELECT {CERT_COLUMNS} FROM certificates WHERE serial = ?1"),
            params![normalize_serial(serial)],
            cert_from_row,
        )
        .optional()?)
}

fn certs_where(
    conn: &Connection,
    condition: &str,
    value: &str,
) -> Result<Vec<CertRecord>, CaError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CERT_COLUMNS} FROM certificates WHERE {condition} ORDER BY issued_at, serial"
    ))?;
    let rows = stmt.query_map(params![value], cert_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn get_identity(conn: &Connection, nif: &str) -> Result<Option<Identity>, CaError> {
    Ok(conn
        .query_row(
            "SELECT nif, given_name, surnames, email FROM identities WHERE nif = ?1",
            params![nif],
            |r| {
                Ok(Identity {
                    nif: r.get(0)?,
                    given_name: r.get(1)?,
                    surnames: r.get(2)?,
                    email: r.get(3)?,
                })
            },
        )
        .optional()?)
}

fn insert_cert(
    conn: &Connection,
    issued: &Issued,
    nif: &str,
    purpose: Purpose,
    origin: Origin,
    renewed_from: Option<&str>,
    now: i64,
) -> Result<(), CaError> {
    conn.execute(
        "INSERT INTO certificates (serial, nif, purpose, origin, common_name, not_before, not_after,
                                   der, issued_at, renewed_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            issued.serial,
            nif,
            purpose.label(),
            origin.as_str(),
            issued.common_name,
            issued.not_before,
            issued.not_after,
            issued.der,
            now,
            renewed_from
        ],
    )?;
    Ok(())
}

/// (id, salt, hash, expires_at, used_auth_at, used_sign_at, used_enc_at)
type CodeRow = (
    i64,
    Vec<u8>,
    Vec<u8>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The one answer for an unknown identity and a wrong code, so the endpoint is no NIF oracle.
pub const NOT_RECOGNISED: &str = "identity or enrollment code not recognised";

/// Returns the identity and the code row id, or the reason the code does not work. An unknown
/// identity and a wrong code get the same answer after the same queries, and nothing is written
/// for either (no write whose duration could tell them apart); attempts are limited by
/// [`super::throttle`] instead of a lock-out a stranger could trigger.
fn check_code_tx(
    conn: &Connection,
    nif: &str,
    code: &EnrollmentCode,
    purpose: Purpose,
    now: i64,
) -> Result<(Identity, i64), CaError> {
    let nif = nif.trim().to_ascii_uppercase();
    let identity = get_identity(conn, &nif)?;
    let row: Option<CodeRow> = conn
        .query_row(
            "SELECT id, salt, hash, expires_at, used_auth_at, used_sign_at, used_enc_at
             FROM codes WHERE nif = ?1 AND superseded = 0 ORDER BY id DESC LIMIT 1",
            params![nif],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    let (Some(identity), Some((id, salt, hash, expires_at, used_auth, used_sign, used_enc))) =
        (identity, row)
    else {
        let _ = code.hash(&[0u8; 16]);
        return Err(Rejection::Unauthorized(NOT_RECOGNISED.into()).into());
    };
    if !ct_eq(&code.hash(&salt), &hash) {
        return Err(Rejection::Unauthorized(NOT_RECOGNISED.into()).into());
    }
    if now >= expires_at {
        return Err(Rejection::Unauthorized(
            "enrollment code expired; ask the registration point for a new one".into(),
        )
        .into());
    }
    let used = match purpose {
        Purpose::Auth => used_auth,
        Purpose::Sign => used_sign,
        Purpose::Enc => used_enc,
    };
    if used.is_some() {
        return Err(Rejection::Unauthorized(format!(
            "enrollment code already used for the {} certificate (single use per purpose)",
            purpose.label()
        ))
        .into());
    }
    Ok((identity, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(serial: &str) -> Issued {
        Issued {
            serial: serial.into(),
            der: vec![0x30, 0x00],
            not_before: 0,
            not_after: 10_000,
            common_name: "cn".into(),
        }
    }

    fn setup() -> (tempfile::TempDir, Store, Identity, EnrollmentCode) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("t.sqlite")).expect("open");
        let id = Identity::new("12345678Z", "Ana", "Ruiz", "ana@example.org").expect("identity");
        let (code, _) = store
            .register(&id, 100, Duration::from_secs(1000))
            .expect("register");
        (dir, store, id, code)
    }

    #[test]
    fn a_store_from_before_the_key_management_purpose_gains_its_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.sqlite");
        let id = Identity::new("12345678Z", "Ana", "Ruiz", "ana@example.org").expect("identity");
        // The tables as they were before: SCHEMA's codes table has no used_enc_at.
        let old = Connection::open(&path).expect("old");
        old.execute_batch(SCHEMA).expect("old schema");
        drop(old);
        let mut store = Store::open(&path).expect("migrated");
        let (code, _) = store
            .register(&id, 100, Duration::from_secs(1000))
            .expect("register");
        store
            .enroll_with_code(&id.nif, &code, Purpose::Enc, 200, |_, _| Ok(issued("E1")))
            .expect("enc");
        let again =
            store.enroll_with_code(&id.nif, &code, Purpose::Enc, 200, |_, _| Ok(issued("E2")));
        assert!(again.is_err(), "single use for enc");
        store
            .enroll_with_code(&id.nif, &code, Purpose::Sign, 200, |_, _| Ok(issued("S1")))
            .expect("sign with the same code");
        drop(store);
        // Opening again does not add it twice.
        Store::open(&path).expect("reopen");
    }

    #[test]
    fn failed_issuance_rolls_back_everything() {
        let (_dir, mut store, id, code) = setup();
        // The issuing step fails (refused CSR): the code stays unused, nothing is recorded.
        let err = store
            .enroll_with_code(&id.nif, &code, Purpose::Auth, 200, |_, _| {
                Err(Rejection::Forbidden("no".into()).into())
            })
            .err()
            .expect("refused");
        assert!(matches!(err, CaError::Rejected(_)));
        assert!(store.certificates().expect("list").is_empty());
        // Recording fails (duplicate serial): the code is not marked used either.
        store
            .enroll_with_code(&id.nif, &code, Purpose::Auth, 200, |_, _| Ok(issued("AA")))
            .expect("first");
        let dup =
            store.enroll_with_code(&id.nif, &code, Purpose::Sign, 200, |_, _| Ok(issued("AA")));
        assert!(matches!(dup, Err(CaError::Store(_))));
        store
            .enroll_with_code(&id.nif, &code, Purpose::Sign, 200, |_, _| Ok(issued("BB")))
            .expect("sign purpose still available after the failed insert");
        assert_eq!(store.certificates().expect("list").len(), 2);
        // Each purpose once.
        let again =
            store.enroll_with_code(&id.nif, &code, Purpose::Sign, 200, |_, _| Ok(issued("CC")));
        assert!(matches!(
            again,
            Err(CaError::Rejected(Rejection::Unauthorized(_)))
        ));
    }

    #[test]
    fn expiry_and_revocation() {
        let (_dir, mut store, id, code) = setup();
        let late =
            store.enroll_with_code(&id.nif, &code, Purpose::Auth, 1100, |_, _| Ok(issued("AA")));
        assert!(
            matches!(late, Err(CaError::Rejected(Rejection::Unauthorized(ref r))) if r.contains("expired"))
        );
        store
            .enroll_with_code(&id.nif, &code, Purpose::Auth, 999, |_, _| Ok(issued("AA")))
            .expect("in time");
        store.revoke("aa", "keyCompromise", 1200).expect("revoke");
        assert!(store.revoke("AA", "keyCompromise", 1300).is_err());
        assert_eq!(store.revoked().expect("revoked").len(), 1);
        let renew = store.reenroll("AA", Purpose::Auth, 1300, |_, _, _| Ok(issued("DD")));
        assert!(
            matches!(renew, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("revoked"))
        );
        assert_eq!(store.next_crl_number().expect("n"), 1);
        assert_eq!(store.next_crl_number().expect("n"), 2);
    }

    #[test]
    fn renewal_needs_a_current_in_person_certificate() {
        let (_dir, mut store, id, code) = setup();
        store
            .enroll_with_code(&id.nif, &code, Purpose::Auth, 200, |_, _| Ok(issued("AA")))
            .expect("in person");
        // Expired (not_after = 10_000).
        let late = store.reenroll("AA", Purpose::Auth, 10_000, |_, _, _| Ok(issued("BB")));
        assert!(
            matches!(late, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("validity"))
        );
        // Current: allowed, recorded as a remote renewal of AA.
        store
            .reenroll("AA", Purpose::Auth, 300, |_, current, _| {
                assert_eq!(current.serial, "AA");
                Ok(issued("BB"))
            })
            .expect("renewal");
        let bb = store.certificate("BB").expect("db").expect("recorded");
        assert_eq!(bb.origin, Origin::RemoteRenewal);
        assert_eq!(bb.renewed_from.as_deref(), Some("AA"));
        // A remote renewal cannot renew again.
        let again = store.reenroll("BB", Purpose::Auth, 300, |_, _, _| Ok(issued("CC")));
        assert!(
            matches!(again, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("in person"))
        );
        // Unknown certificate.
        let unknown = store.reenroll("EE", Purpose::Auth, 300, |_, _, _| Ok(issued("FF")));
        assert!(matches!(
            unknown,
            Err(CaError::Rejected(Rejection::Forbidden(_)))
        ));
        assert_eq!(store.certificates().expect("list").len(), 2);
    }

    #[test]
    fn renewal_supersedes_once_per_purpose_and_only_auth_authenticates() {
        let (_dir, mut store, id, code) = setup();
        store
            .enroll_with_code(&id.nif, &code, Purpose::Auth, 200, |_, _| Ok(issued("AA")))
            .expect("auth in person");
        store
            .enroll_with_code(&id.nif, &code, Purpose::Sign, 200, |_, _| Ok(issued("5A")))
            .expect("sign in person");
        // The signature certificate does not authenticate a renewal.
        let sign = store.reenroll("5A", Purpose::Sign, 300, |_, _, _| Ok(issued("5B")));
        assert!(
            matches!(sign, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("only the authentication"))
        );
        // Auth renewal: AA is revoked as superseded in the same transaction.
        store
            .reenroll("AA", Purpose::Auth, 300, |_, _, _| Ok(issued("BB")))
            .expect("auth renewal");
        let aa = store.certificate("AA").expect("db").expect("aa");
        assert_eq!(aa.revoked_at, Some(300));
        assert_eq!(aa.revocation_reason.as_deref(), Some("superseded"));
        // Not twice for the same purpose, even within the grace period.
        let twice = store.reenroll("AA", Purpose::Auth, 301, |_, _, _| Ok(issued("CC")));
        assert!(
            matches!(twice, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("already renewed"))
        );
        // The other purpose, within the grace period: allowed; the old sign certificate goes.
        store
            .reenroll(
                "AA",
                Purpose::Sign,
                300 + SUPERSEDED_GRACE_SECS,
                |_, _, _| Ok(issued("5C")),
            )
            .expect("sign renewal in the same session");
        let old_sign = store.certificate("5A").expect("db").expect("5a");
        assert_eq!(old_sign.revocation_reason.as_deref(), Some("superseded"));
        assert!(store
            .certificate("5C")
            .expect("db")
            .expect("5c")
            .revoked_at
            .is_none());
        // A superseded certificate past the grace period is simply revoked.
        let (_dir2, mut store2, id2, code2) = setup();
        store2
            .enroll_with_code(&id2.nif, &code2, Purpose::Auth, 200, |_, _| {
                Ok(issued("AA"))
            })
            .expect("auth");
        store2
            .reenroll("AA", Purpose::Auth, 300, |_, _, _| Ok(issued("BB")))
            .expect("renewal");
        let late = store2.reenroll(
            "AA",
            Purpose::Sign,
            301 + SUPERSEDED_GRACE_SECS,
            |_, _, _| Ok(issued("5D")),
        );
        assert!(
            matches!(late, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("revoked"))
        );
    }

    #[test]
    fn refused_keys_name_compromised_and_reused_keys() {
        let keys = RefusedKeys {
            compromised: vec![vec![1, 2, 3]],
            holder: vec![vec![4, 5]],
        };
        assert!(keys.check(&[1, 2, 3], false).is_err());
        assert!(
            keys.check(&[4, 5], false).is_ok(),
            "in person, a known key is allowed"
        );
        let reuse = keys.check(&[4, 5], true);
        assert!(
            matches!(reuse, Err(CaError::Rejected(Rejection::Forbidden(ref r))) if r.contains("new key"))
        );
        assert!(keys.check(&[6], true).is_ok());
    }
}
