//! The activation's [`Enroller`] over EST (RFC 7030 §4.2.1 `simpleenroll`), one CA label per
//! key purpose (`auth`, `sign`, `enc`; RFC 7030 §3.2.2). How the request authenticates is the
//! deployment's choice (the profile's `[enrollment]` table, [`EnrollmentAuth`]): HTTP Basic with a
//! user name template (the holder's NIF, a fixed RA account, the code itself) and the one-time
//! code or no password, and/or a TLS client certificate (RFC 7030 §3.3.2) given to the
//! [`EstClient`] (e.g. the operator's card).

use zeroize::Zeroizing;

use super::est::{EnrollmentSecret, EstClient, EstError, HttpAuth, PendingNotice};
use super::{EnrollError, Enroller, EnrollmentCode, Purpose};
use crate::profile::EnrollmentAuth;

/// EST enrollment for one holder.
pub struct EstEnroller {
    client: EstClient,
    identity: String,
    auth: EnrollmentAuth,
    code: Option<EnrollmentSecret>,
    on_wait: Box<dyn FnMut(&PendingNotice)>,
}

impl std::fmt::Debug for EstEnroller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstEnroller")
            .field("identity", &self.identity)
            .field("auth", &self.auth)
            .field("code", &self.code.as_ref().map(|_| "***"))
            .finish()
    }
}

impl EstEnroller {
    /// Enrolls the holder `identity` (the NIF/NIE) through `client`, authenticated as `auth`
    /// says; `on_wait` is told of every `202`/`503` wait so the operator sees why nothing
    /// happens.
    pub fn new(
        client: EstClient,
        identity: impl Into<String>,
        auth: EnrollmentAuth,
        on_wait: Box<dyn FnMut(&PendingNotice)>,
    ) -> Self {
        Self {
            client,
            identity: identity.into(),
            auth,
            code: None,
            on_wait,
        }
    }
}

/// The HTTP Basic user name from its template (`{nif}`, `{code}`, fixed text).
pub fn basic_user(template: &str, nif: &str, code: Option<&str>) -> Zeroizing<String> {
    let mut user = Zeroizing::new(template.replace("{nif}", nif));
    if user.contains("{code}") {
        *user = user.replace("{code}", code.unwrap_or_default());
    }
    user
}

/// The default EST CA label for a key purpose (a profile's `[enrollment] ca_labels` may name
/// others, or none).
pub fn label(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Authentication => "auth",
        Purpose::Signature => "sign",
        Purpose::Encryption => "enc",
    }
}

/// Sorts an EST failure into what the activation does next: resume later, or stop with the CA's
/// reason for the operator.
pub fn classify(e: EstError) -> EnrollError {
    match e {
        EstError::Unauthorized { message } => {
            EnrollError::Rejected(crate::tr!("enroll-est-code-refused", message = message))
        }
        EstError::Rejected {
            status: 403,
            message,
        } => EnrollError::Rejected(format!("{message} (HTTP 403)")),
        EstError::Rejected { status, message } | EstError::Server { status, message } => {
            EnrollError::CaError { status, message }
        }
        EstError::StillPending { .. } => EnrollError::Pending {
            retry_after_secs: None,
        },
        EstError::Protocol { .. } | EstError::Config(_) => EnrollError::Protocol(e.to_string()),
        EstError::Connect { .. }
        | EstError::Timeout { .. }
        | EstError::Tls { .. }
        | EstError::Proxy { .. }
        | EstError::Io { .. } => EnrollError::Unreachable(e.to_string()),
    }
}

impl Enroller for EstEnroller {
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        let code = self.code.as_ref();
        if self.auth.needs_code() && code.is_none() {
            return Err(EnrollError::Protocol(crate::tr!("enroll-est-no-code")));
        }
        let user = self
            .auth
            .basic_user
            .as_deref()
            .map(|t| basic_user(t, &self.identity, code.map(EnrollmentSecret::expose)));
        let auth = match &user {
            Some(user) => HttpAuth::Basic {
                user,
                password: code.filter(|_| self.auth.code_as_password),
            },
            None => HttpAuth::None,
        };
        self.client
            .simpleenroll_with(
                self.auth.ca_labels.label(purpose),
                &auth,
                csr_der,
                &mut *self.on_wait,
            )
            .map_err(classify)
    }

    fn needs_code(&self) -> bool {
        self.auth.needs_code()
    }

    fn set_code(&mut self, code: EnrollmentCode) {
        self.code = Some(EnrollmentSecret::new(code.expose()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_sort_into_resume_or_stop() {
        let refused = classify(EstError::Rejected {
            status: 403,
            message: "subject does not match".into(),
        });
        assert!(
            matches!(refused, EnrollError::Rejected(m) if m.contains("subject does not match"))
        );
        let down = classify(EstError::Server {
            status: 503,
            message: "maintenance".into(),
        });
        assert!(
            matches!(down, EnrollError::CaError { status: 503, ref message } if message == "maintenance")
        );
        // A malformed-request answer is the CA's error as it is, not a refusal of the holder.
        let bad = classify(EstError::Rejected {
            status: 400,
            message: "Invalid or corrupted pkcs10 request".into(),
        });
        assert_eq!(
            crate::i18n::with_language("en", || bad.to_string()),
            "the CA reported an error (HTTP 400): Invalid or corrupted pkcs10 request"
        );
        assert_eq!(
            basic_user("ra-{nif}", "12345678Z", Some("c0de")).as_str(),
            "ra-12345678Z"
        );
        assert_eq!(
            basic_user("{code}", "12345678Z", Some("c0de")).as_str(),
            "c0de"
        );
        let code = classify(EstError::Unauthorized {
            message: "code expired".into(),
        });
        assert!(matches!(code, EnrollError::Rejected(m) if m.contains("code expired")));
        assert_eq!(label(Purpose::Signature), "sign");
    }
}
