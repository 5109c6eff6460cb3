//! The activation's [`Enroller`] over EST (RFC 7030 §4.2.1 `simpleenroll`): HTTP Basic inside TLS
//! with the holder's NIF as identity and the one-time enrollment code as password, one CA label
//! per key purpose (`auth`, `sign`, `enc`; RFC 7030 §3.2.2).

use super::est::{EnrollmentSecret, EstClient, EstError, PendingNotice};
use super::{EnrollError, Enroller, EnrollmentCode, Purpose};

/// EST enrollment for one holder.
pub struct EstEnroller {
    client: EstClient,
    identity: String,
    code: Option<EnrollmentSecret>,
    on_wait: Box<dyn FnMut(&PendingNotice)>,
}

impl std::fmt::Debug for EstEnroller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstEnroller")
            .field("identity", &self.identity)
            .field("code", &self.code.as_ref().map(|_| "***"))
            .finish()
    }
}

impl EstEnroller {
    /// Enrolls `identity` (the NIF/NIE the CA registered) through `client`; `on_wait` is told of
    /// every `202 Accepted` wait so the operator sees why nothing happens.
    pub fn new(
        client: EstClient,
        identity: impl Into<String>,
        on_wait: Box<dyn FnMut(&PendingNotice)>,
    ) -> Self {
        Self {
            client,
            identity: identity.into(),
            code: None,
            on_wait,
        }
    }
}

/// The EST CA label for a key purpose.
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
        EstError::Unauthorized { message } => EnrollError::Rejected(format!(
            "the enrollment code or identity was refused: {message}"
        )),
        EstError::Rejected { status, message } => {
            EnrollError::Rejected(format!("{message} (HTTP {status})"))
        }
        EstError::StillPending { .. } => EnrollError::Pending {
            retry_after_secs: None,
        },
        EstError::Protocol { .. } | EstError::Config(_) => EnrollError::Protocol(e.to_string()),
        EstError::Connect { .. }
        | EstError::Timeout { .. }
        | EstError::Tls { .. }
        | EstError::Server { .. }
        | EstError::Io { .. } => EnrollError::Unreachable(e.to_string()),
    }
}

impl Enroller for EstEnroller {
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        let code = self
            .code
            .as_ref()
            .ok_or_else(|| EnrollError::Protocol("no enrollment code was given".into()))?;
        self.client
            .simpleenroll(
                Some(label(purpose)),
                &self.identity,
                code,
                csr_der,
                &mut *self.on_wait,
            )
            .map_err(classify)
    }

    fn needs_code(&self) -> bool {
        true
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
        assert!(matches!(down, EnrollError::Unreachable(_)));
        let code = classify(EstError::Unauthorized {
            message: "code expired".into(),
        });
        assert!(matches!(code, EnrollError::Rejected(m) if m.contains("code expired")));
        assert_eq!(label(Purpose::Signature), "sign");
    }
}
