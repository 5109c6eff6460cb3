//! Checks a certificate returned by a CA before it goes onto the card (RFC 5280 §6, reduced to
//! what activation needs): it chains to a configured trust anchor through the returned
//! intermediates (signatures, names, CA flags, validity), carries exactly the on-card public key,
//! the subject and e-mail that were requested, is not a CA, and has a sane validity.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};

use crate::card::PublicKey;
use crate::enroll::verify::verify_signature;
use crate::profile::{CertificateRule, Subject};

/// Most validity a leaf may have (10 years); a CA sending more is misconfigured.
const MAX_VALIDITY_SECS: i64 = 10 * 366 * 86_400;
/// Clock skew tolerated on `notBefore`.
const SKEW_SECS: i64 = 10 * 60;

/// Why a returned certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertCheckError {
    /// The CA returned nothing.
    #[error("{}", crate::tr!("enroll-cert-empty"))]
    Empty,
    /// A certificate does not parse.
    #[error("{}", crate::tr!("enroll-cert-malformed", index = *.0))]
    Malformed(usize),
    /// The certificate's key is not the on-card key.
    #[error("{}", crate::tr!("enroll-cert-key-mismatch"))]
    KeyMismatch,
    /// The subject differs from the request.
    #[error("{}", crate::tr!("enroll-cert-subject-mismatch", got = .got.as_str()))]
    SubjectMismatch {
        /// The subject received.
        got: String,
    },
    /// The e-mail SAN is missing or different.
    #[error("{}", crate::tr!("enroll-cert-email-mismatch"))]
    EmailMismatch,
    /// Validity out of bounds.
    #[error("{}", crate::tr!("enroll-cert-validity", why = .0.as_str()))]
    Validity(String),
    /// The leaf is a CA certificate.
    #[error("{}", crate::tr!("enroll-cert-leaf-is-ca"))]
    LeafIsCa,
    /// The certificate does not fit the slot's purpose or the profile's certificate rule (key
    /// usage, extended key usage, policies, validity length).
    #[error("{}", crate::tr!("enroll-cert-purpose", why = .0.as_str()))]
    Purpose(String),
    /// No path to a trust anchor.
    #[error("{}", crate::tr!("enroll-cert-untrusted", why = .0.as_str()))]
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
        return Err(CertCheckError::Validity(crate::tr!(
            "enroll-cert-not-yet-valid"
        )));
    }
    if na <= now {
        return Err(CertCheckError::Validity(crate::tr!("enroll-cert-expired")));
    }
    if na - nb > MAX_VALIDITY_SECS {
        return Err(CertCheckError::Validity(crate::tr!("enroll-cert-too-long")));
    }

    let anchors: Vec<X509Certificate<'_>> = anchors
        .iter()
        .filter_map(|a| x509_parser::parse_x509_certificate(a).ok().map(|(_, c)| c))
        .collect();
    if anchors.is_empty() {
        return Err(CertCheckError::Untrusted(crate::tr!(
            "enroll-cert-no-anchor"
        )));
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
                .ok_or_else(|| {
                    CertCheckError::Untrusted(crate::tr!("enroll-cert-anchor-vanished"))
                })?;
            if !valid_at(anchor, now) {
                return Err(CertCheckError::Untrusted(crate::tr!(
                    "enroll-cert-anchor-not-valid"
                )));
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
            return Err(CertCheckError::Untrusted(crate::tr!(
                "enroll-cert-no-issuer",
                subject = current.subject().to_string()
            )));
        };
        used[j] = true;
        let issuer = intermediates[j].clone();
        if !is_ca(&issuer) || !valid_at(&issuer, now) {
            return Err(CertCheckError::Untrusted(crate::tr!(
                "enroll-cert-bad-intermediate",
                subject = issuer.subject().to_string()
            )));
        }
        current = issuer;
    }
    Err(CertCheckError::Untrusted(crate::tr!(
        "enroll-cert-chain-too-long"
    )))
}

/// The key usage bits of a certificate, by their RFC 5280 names; `None` without the extension.
fn key_usage_names(cert: &X509Certificate<'_>) -> Result<Option<Vec<&'static str>>, String> {
    let ku = cert
        .key_usage()
        .map_err(|e| crate::tr!("enroll-cert-unreadable-key-usage", error = e.to_string()))?;
    Ok(ku.map(|ku| {
        let ku = ku.value;
        [
            (ku.digital_signature(), "digitalSignature"),
            (ku.non_repudiation(), "nonRepudiation"),
            (ku.key_encipherment(), "keyEncipherment"),
            (ku.data_encipherment(), "dataEncipherment"),
            (ku.key_agreement(), "keyAgreement"),
            (ku.key_cert_sign(), "keyCertSign"),
            (ku.crl_sign(), "cRLSign"),
            (ku.encipher_only(), "encipherOnly"),
            (ku.decipher_only(), "decipherOnly"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }))
}

/// DER content octets of a dotted OID (X.690 §8.19). Certificates' OIDs are compared by these
/// bytes: x509-parser prints OIDs whose first subidentifier takes two bytes (2.999.x) wrongly.
fn oid_content(dotted: &str) -> Option<Vec<u8>> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().ok())
        .collect::<Option<_>>()?;
    let (&first, rest) = arcs.split_first()?;
    let (&second, rest) = rest.split_first()?;
    let mut out = Vec::new();
    let mut push = |mut v: u64| {
        let mut group = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            group.push(((v & 0x7f) as u8) | 0x80);
            v >>= 7;
        }
        group.reverse();
        out.extend(group);
    };
    push(first.checked_mul(40)?.checked_add(second)?);
    rest.iter().for_each(|&v| push(v));
    Some(out)
}

/// The extended key usages of a certificate (dotted, content octets); empty without the
/// extension.
fn extended_key_usages(cert: &X509Certificate<'_>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let Some(eku) = cert
        .extended_key_usage()
        .map_err(|e| crate::tr!("enroll-cert-unreadable-eku", error = e.to_string()))?
    else {
        return Ok(Vec::new());
    };
    let eku = eku.value;
    let mut out: Vec<(String, Vec<u8>)> = [
        (eku.any, "2.5.29.37.0"),
        (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
        (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
    ]
    .into_iter()
    .filter(|(set, _)| *set)
    .filter_map(|(_, oid)| oid_content(oid).map(|c| (oid.to_owned(), c)))
    .collect();
    out.extend(
        eku.other
            .iter()
            .map(|o| (o.to_id_string(), o.as_bytes().to_vec())),
    );
    Ok(out)
}

/// The certificate policies of a certificate (dotted, content octets).
fn policies(cert: &X509Certificate<'_>) -> Vec<(String, Vec<u8>)> {
    cert.extensions()
        .iter()
        .filter_map(|e| match e.parsed_extension() {
            ParsedExtension::CertificatePolicies(p) => Some(p),
            _ => None,
        })
        .flat_map(|p| {
            p.iter()
                .map(|i| (i.policy_id.to_id_string(), i.policy_id.as_bytes().to_vec()))
        })
        .collect()
}

/// The first OID of `required` that `present` lacks.
fn first_missing<'a>(required: &'a [String], present: &[(String, Vec<u8>)]) -> Option<&'a str> {
    required
        .iter()
        .find(|oid| {
            let want = oid_content(oid);
            !present.iter().any(|(_, have)| want.as_ref() == Some(have))
        })
        .map(String::as_str)
}

fn names(present: &[(String, Vec<u8>)]) -> String {
    if present.is_empty() {
        crate::tr!("enroll-cert-none")
    } else {
        present
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks the leaf of `chain` against the slot's [`CertificateRule`] (RFC 5280 §4.2.1.3 key
/// usage, §4.2.1.12 extended key usage, §4.2.1.4 certificate policies, and the validity length
/// the profile states). Run after [`check_issued`], before anything is written to the card: a
/// "signature" certificate without nonRepudiation is refused here.
pub fn check_purpose(chain: &[Vec<u8>], rule: &CertificateRule) -> Result<(), CertCheckError> {
    let leaf_der = chain.first().ok_or(CertCheckError::Empty)?;
    let leaf = parse(leaf_der, 0)?;
    if !rule.key_usage.is_empty() {
        let present = key_usage_names(&leaf)
            .map_err(CertCheckError::Purpose)?
            .ok_or_else(|| {
                CertCheckError::Purpose(crate::tr!(
                    "enroll-cert-no-key-usage",
                    required = rule.key_usage.join(", ")
                ))
            })?;
        let missing: Vec<&str> = rule
            .key_usage
            .iter()
            .map(String::as_str)
            .filter(|k| !present.contains(k))
            .collect();
        if !missing.is_empty() {
            return Err(CertCheckError::Purpose(crate::tr!(
                "enroll-cert-key-usage-missing",
                required = missing.join(", "),
                present = if present.is_empty() {
                    crate::tr!("enroll-cert-none")
                } else {
                    present.join(", ")
                }
            )));
        }
    }
    if !rule.extended_key_usage.is_empty() {
        let present = extended_key_usages(&leaf).map_err(CertCheckError::Purpose)?;
        if let Some(m) = first_missing(&rule.extended_key_usage, &present) {
            return Err(CertCheckError::Purpose(crate::tr!(
                "enroll-cert-eku-missing",
                required = m,
                present = names(&present)
            )));
        }
    }
    if !rule.policies.is_empty() {
        let present = policies(&leaf);
        if let Some(m) = first_missing(&rule.policies, &present) {
            return Err(CertCheckError::Purpose(crate::tr!(
                "enroll-cert-policy-missing",
                required = m,
                present = names(&present)
            )));
        }
    }
    let v = leaf.validity();
    let days = (v.not_after.timestamp() - v.not_before.timestamp()) / 86_400;
    if let Some(max) = rule.max_validity_days {
        if days > i64::from(max) {
            return Err(CertCheckError::Validity(crate::tr!(
                "enroll-cert-validity-too-long",
                days = days,
                max = max
            )));
        }
    }
    if let Some(min) = rule.min_validity_days {
        if days < i64::from(min) {
            return Err(CertCheckError::Validity(crate::tr!(
                "enroll-cert-validity-too-short",
                days = days,
                min = min
            )));
        }
    }
    Ok(())
}

#[cfg(all(test, feature = "ca"))]
mod purpose_tests {
    use super::*;
    use crate::profile::Purpose;
    use rcgen::{
        CertificateParams, CustomExtension, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose,
    };

    /// Runs `f` with English messages, whatever the machine's locale.
    fn en<R>(f: impl FnOnce() -> R) -> R {
        crate::i18n::with_language("en", f)
    }

    /// certificatePolicies { 2.16.724.1.2.2.2.3 } (RFC 5280 §4.2.1.4), DER.
    const POLICY_DER: [u8; 14] = [
        0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x60, 0x85, 0x54, 0x01, 0x02, 0x02, 0x02, 0x03,
    ];

    fn cert(
        ku: Vec<KeyUsagePurpose>,
        eku: Vec<ExtendedKeyUsagePurpose>,
        policy: bool,
        days: i64,
    ) -> Vec<Vec<u8>> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.key_usages = ku;
        p.extended_key_usages = eku;
        if policy {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 32],
                POLICY_DER.to_vec(),
            ));
        }
        p.not_before = rcgen::date_time_ymd(2030, 1, 1);
        p.not_after = p.not_before + time::Duration::days(days);
        vec![p.self_signed(&key).expect("cert").der().to_vec()]
    }

    #[test]
    fn signature_certificate_without_non_repudiation_is_refused() {
        let sign = CertificateRule::for_purpose(Purpose::Signature);
        let only_ds = cert(vec![KeyUsagePurpose::DigitalSignature], vec![], false, 365);
        // The details are worded when the error is made: in English here.
        let e = en(|| {
            check_purpose(&only_ds, &sign)
                .expect_err("digitalSignature only")
                .to_string()
        });
        assert_eq!(
            e,
            "the certificate does not fit the slot's purpose: key usage nonRepudiation is required, the certificate has digitalSignature"
        );
        let nr = cert(vec![KeyUsagePurpose::ContentCommitment], vec![], false, 365);
        check_purpose(&nr, &sign).expect("nonRepudiation");
        // Authentication wants digitalSignature; no key usage extension at all is refused.
        let auth = CertificateRule::for_purpose(Purpose::Authentication);
        assert!(check_purpose(&nr, &auth).is_err());
        check_purpose(&only_ds, &auth).expect("digitalSignature");
        let none = cert(vec![], vec![], false, 365);
        assert!(
            en(|| check_purpose(&none, &auth).expect_err("no KU").to_string())
                .contains("no key usage extension")
        );
    }

    #[test]
    fn extended_key_usage_policies_and_validity_as_the_profile_states() {
        let mut rule = CertificateRule::for_purpose(Purpose::Authentication);
        rule.extended_key_usage = vec!["1.3.6.1.5.5.7.3.2".into()];
        rule.policies = vec!["2.16.724.1.2.2.2.3".into()];
        rule.max_validity_days = Some(730);
        rule.min_validity_days = Some(30);
        let ds = || vec![KeyUsagePurpose::DigitalSignature];
        let good = cert(ds(), vec![ExtendedKeyUsagePurpose::ClientAuth], true, 365);
        check_purpose(&good, &rule).expect("fits");
        let mail_only = cert(
            ds(),
            vec![ExtendedKeyUsagePurpose::EmailProtection],
            true,
            365,
        );
        assert!(en(|| check_purpose(&mail_only, &rule)
            .expect_err("EKU")
            .to_string())
        .contains("extended key usage 1.3.6.1.5.5.7.3.2 is required"));
        let no_policy = cert(ds(), vec![ExtendedKeyUsagePurpose::ClientAuth], false, 365);
        assert!(en(|| check_purpose(&no_policy, &rule)
            .expect_err("policy")
            .to_string())
        .contains("certificate policy 2.16.724.1.2.2.2.3"));
        // OIDs are compared as DER: 2.999.x (a two-byte first subidentifier) matches too.
        let mut test_arc = CertificateRule::for_purpose(Purpose::Authentication);
        test_arc.policies = vec!["2.999.7030.2.1".into()];
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.key_usages = ds();
        p.custom_extensions.push(CustomExtension::from_oid_content(
            &[2, 5, 29, 32],
            vec![
                0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x88, 0x37, 0xb6, 0x76, 0x02, 0x01,
            ],
        ));
        let arc_cert = vec![p.self_signed(&key).expect("cert").der().to_vec()];
        check_purpose(&arc_cert, &test_arc).expect("2.999.7030.2.1 found");
        assert!(check_purpose(&good, &test_arc).is_err());
        assert_eq!(
            oid_content("2.999.7030.2.1").expect("valid"),
            [0x88, 0x37, 0xb6, 0x76, 0x02, 0x01]
        );
        let long = cert(ds(), vec![ExtendedKeyUsagePurpose::ClientAuth], true, 3650);
        assert!(matches!(
            check_purpose(&long, &rule),
            Err(CertCheckError::Validity(_))
        ));
        let short = cert(ds(), vec![ExtendedKeyUsagePurpose::ClientAuth], true, 7);
        assert!(matches!(
            check_purpose(&short, &rule),
            Err(CertCheckError::Validity(_))
        ));
    }
}
