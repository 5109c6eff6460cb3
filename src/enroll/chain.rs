//! Checks a certificate returned by a CA before it goes onto the card (RFC 5280 §6, reduced to
//! what activation needs): it chains to a configured trust anchor through the returned
//! intermediates (signatures, names, CA flags, validity), carries exactly the on-card public key,
//! the subject and e-mail that were requested, is not a CA, and has a sane validity.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use crate::card::PublicKey;
use crate::enroll::verify::verify_signature;
use crate::profile::Subject;

/// Most validity a leaf may have (10 years); a CA sending more is misconfigured.
const MAX_VALIDITY_SECS: i64 = 10 * 366 * 86_400;
/// Clock skew tolerated on `notBefore`.
const SKEW_SECS: i64 = 10 * 60;

/// Why a returned certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertCheckError {
    /// The CA returned nothing.
    #[error("the CA returned no certificate")]
    Empty,
    /// A certificate does not parse.
    #[error("certificate {0} of the returned chain is not valid X.509")]
    Malformed(usize),
    /// The certificate's key is not the on-card key.
    #[error("the certificate's public key is not the key generated on the card")]
    KeyMismatch,
    /// The subject differs from the request.
    #[error("the certificate's subject is not the one requested (got \"{got}\")")]
    SubjectMismatch {
        /// The subject received.
        got: String,
    },
    /// The e-mail SAN is missing or different.
    #[error("the certificate does not carry the requested e-mail address")]
    EmailMismatch,
    /// Validity out of bounds.
    #[error("the certificate's validity is not acceptable: {0}")]
    Validity(String),
    /// The leaf is a CA certificate.
    #[error("the returned certificate is a CA certificate")]
    LeafIsCa,
    /// No path to a trust anchor.
    #[error("the certificate does not chain to the configured CA: {0}")]
    Untrusted(String),
}

/// A summary of an accepted certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Subject (RFC 4514, as x509-parser prints it).
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// Serial (hex).
    pub serial: String,
    /// notAfter (Unix time).
    pub not_after: i64,
}

fn parse(der: &[u8], i: usize) -> Result<X509Certificate<'_>, CertCheckError> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], c)) => Ok(c),
        _ => Err(CertCheckError::Malformed(i)),
    }
}

fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    if cert.issuer().as_raw() != issuer.subject().as_raw() {
        return false;
    }
    let Ok(key) = PublicKey::from_spki(issuer.public_key()) else {
        return false;
    };
    verify_signature(
        cert.tbs_certificate.as_ref(),
        &cert.signature_algorithm.algorithm.to_id_string(),
        &cert.signature_value.data,
        &key,
    )
    .is_ok()
}

fn is_ca(cert: &X509Certificate<'_>) -> bool {
    matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca)
}

fn valid_at(cert: &X509Certificate<'_>, now: i64) -> bool {
    let v = cert.validity();
    v.not_before.timestamp() <= now + SKEW_SECS && now <= v.not_after.timestamp()
}

/// The subject's attributes in order: (OID, value).
fn attributes(cert: &X509Certificate<'_>) -> Vec<(String, String)> {
    cert.subject()
        .iter_rdn()
        .flat_map(|rdn| rdn.iter())
        .map(|a| {
            (
                a.attr_type().to_id_string(),
                a.as_str().map(str::to_owned).unwrap_or_default(),
            )
        })
        .collect()
}

/// Checks `chain` (DER, leaf first) against `anchors` (DER), the on-card key, and the requested
/// subject, at Unix time `now`.
pub fn check_issued(
    chain: &[Vec<u8>],
    anchors: &[Vec<u8>],
    expected_key: &PublicKey,
    subject: &Subject,
    now: i64,
) -> Result<Accepted, CertCheckError> {
    let leaf_der = chain.first().ok_or(CertCheckError::Empty)?;
    let leaf = parse(leaf_der, 0)?;
    let key = PublicKey::from_spki(leaf.public_key()).map_err(|_| CertCheckError::KeyMismatch)?;
    if key != *expected_key {
        return Err(CertCheckError::KeyMismatch);
    }
    let want: Vec<(String, String)> = subject
        .attributes
        .iter()
        .map(|a| {
            (
                a.attribute
                    .oid()
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
                a.value.clone(),
            )
        })
        .collect();
    if attributes(&leaf) != want {
        return Err(CertCheckError::SubjectMismatch {
            got: leaf.subject().to_string(),
        });
    }
    if let Some(mail) = &subject.email {
        let found = matches!(leaf.subject_alternative_name(), Ok(Some(san))
            if san.value.general_names.iter().any(|g| matches!(g, GeneralName::RFC822Name(m) if m.eq_ignore_ascii_case(mail))));
        if !found {
            return Err(CertCheckError::EmailMismatch);
        }
    }
    if is_ca(&leaf) {
        return Err(CertCheckError::LeafIsCa);
    }
    let v = leaf.validity();
    let (nb, na) = (v.not_before.timestamp(), v.not_after.timestamp());
    if nb > now + SKEW_SECS {
        return Err(CertCheckError::Validity("it is not valid yet".into()));
    }
    if na <= now {
        return Err(CertCheckError::Validity("it has already expired".into()));
    }
    if na - nb > MAX_VALIDITY_SECS {
        return Err(CertCheckError::Validity(
            "it is valid for more than 10 years".into(),
        ));
    }

    let anchors: Vec<X509Certificate<'_>> = anchors
        .iter()
        .filter_map(|a| x509_parser::parse_x509_certificate(a).ok().map(|(_, c)| c))
        .collect();
    if anchors.is_empty() {
        return Err(CertCheckError::Untrusted(
            "no trust anchor is configured".into(),
        ));
    }
    let mut intermediates = Vec::new();
    for (i, der) in chain.iter().enumerate().skip(1) {
        intermediates.push(parse(der, i)?);
    }
    // Walk up: at each step the issuer is an anchor (done) or an unused intermediate.
    let mut current = leaf;
    let mut used = vec![false; intermediates.len()];
    for _ in 0..=intermediates.len() {
        if anchors.iter().any(|a| signed_by(&current, a)) {
            let anchor = anchors
                .iter()
                .find(|a| signed_by(&current, a))
                .ok_or_else(|| CertCheckError::Untrusted("anchor vanished".into()))?;
            if !valid_at(anchor, now) {
                return Err(CertCheckError::Untrusted(
                    "the CA certificate is expired or not yet valid".into(),
                ));
            }
            let leaf = parse(leaf_der, 0)?;
            return Ok(Accepted {
                subject: leaf.subject().to_string(),
                issuer: leaf.issuer().to_string(),
                serial: leaf.raw_serial_as_string(),
                not_after: na,
            });
        }
        let next = intermediates
            .iter()
            .enumerate()
            .find(|(j, c)| !used[*j] && signed_by(&current, c))
            .map(|(j, _)| j);
        let Some(j) = next else {
            return Err(CertCheckError::Untrusted(format!(
                "no certificate of the chain or the trust anchors signed \"{}\"",
                current.subject()
            )));
        };
        used[j] = true;
        let issuer = intermediates[j].clone();
        if !is_ca(&issuer) || !valid_at(&issuer, now) {
            return Err(CertCheckError::Untrusted(format!(
                "intermediate \"{}\" is not a valid CA certificate",
                issuer.subject()
            )));
        }
        current = issuer;
    }
    Err(CertCheckError::Untrusted("the chain is too long".into()))
}
