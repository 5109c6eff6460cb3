//! Does a certificate chain to a CA we trust? Trust anchors are CA certificates in files (PEM,
//! possibly several per file, or DER); a certificate is trusted when one of them issued it
//! (issuer name = anchor subject, RFC 5280 §6.1.3 (a)(4)) and its signature verifies with that
//! anchor's public key (§6.1.3 (a)(1)). An intermediate CA placed among the anchors is trusted as
//! given.
//!
//! Signatures are checked with the RustCrypto crates the crate already uses for host-side
//! cryptography (`rsa`, `p256`, `p384`, `ed25519-dalek`), not x509-parser's `verify` feature,
//! which would pull `ring` into the PKCS#11 module too.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_parser::prelude::X509Certificate;

use crate::card::PublicKey;

/// Loaded trust anchors.
#[derive(Debug, Default, Clone)]
pub struct Anchors {
    /// DER of each CA certificate.
    pub certs: Vec<Vec<u8>>,
    /// Files that could not be read or hold no certificate, with the reason.
    pub problems: Vec<String>,
}

/// Reads every certificate from the regular files of `dir` (missing directory: none) and from
/// `files` (which must exist).
pub fn load_anchors(dir: &Path, files: &[PathBuf]) -> Anchors {
    let mut a = Anchors::default();
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    for p in paths.iter().chain(files) {
        match fs::read(p) {
            Ok(bytes) => {
                let found = certificates_in(&bytes);
                if found.is_empty() {
                    a.problems.push(crate::tr!(
                        "cmd-doctor-no-certificate-in-file",
                        path = p.display().to_string()
                    ));
                }
                a.certs.extend(found);
            }
            Err(e) => a.problems.push(format!("{}: {e}", p.display())),
        }
    }
    a
}

/// The certificates in a PEM file (every `CERTIFICATE` block) or a DER file.
pub fn certificates_in(bytes: &[u8]) -> Vec<Vec<u8>> {
    if x509_parser::parse_x509_certificate(bytes).is_ok() {
        return vec![bytes.to_vec()];
    }
    x509_parser::pem::Pem::iter_from_buffer(bytes)
        .map_while(Result::ok)
        .filter(|p| p.label == "CERTIFICATE" && p.parse_x509().is_ok())
        .map(|p| p.contents)
        .collect()
}

/// The verdict on one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Issued and signed by this anchor (its subject).
    Trusted(String),
    /// No anchor has the certificate's issuer as subject.
    UnknownIssuer,
    /// An anchor of that name exists but did not sign this certificate.
    BadSignature(String),
    /// The signature algorithm cannot be checked here.
    Unsupported(String),
}

/// Checks `cert_der` against the anchors.
pub fn verify(cert_der: &[u8], anchors: &[Vec<u8>]) -> Verdict {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(cert_der) else {
        return Verdict::Unsupported(crate::tr!("cmd-doctor-certificate-unparsable"));
    };
    let mut verdict = Verdict::UnknownIssuer;
    for der in anchors {
        let Ok((_, ca)) = x509_parser::parse_x509_certificate(der) else {
            continue;
        };
        if ca.subject().as_raw() != cert.issuer().as_raw() {
            continue;
        }
        match signed_by(&cert, &ca) {
            Ok(true) => return Verdict::Trusted(ca.subject().to_string()),
            Ok(false) => verdict = Verdict::BadSignature(ca.subject().to_string()),
            Err(e) => {
                if verdict == Verdict::UnknownIssuer {
                    verdict = Verdict::Unsupported(e);
                }
            }
        }
    }
    verdict
}

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const RSA_SHA384: &str = "1.2.840.113549.1.1.12";
const RSA_SHA512: &str = "1.2.840.113549.1.1.13";
const ED25519: &str = "1.3.101.112";

/// Whether `issuer`'s key made `cert`'s signature (RFC 5280 §4.1.1.3). `Err` names an algorithm
/// we cannot check (SHA-1, RSA-PSS, ...).
pub fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Result<bool, String> {
    let tbs: &[u8] = cert.tbs_certificate.as_ref();
    let sig: &[u8] = &cert.signature_value.data;
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let key = PublicKey::from_spki_der(issuer.public_key().raw)
        .map_err(|e| crate::tr!("cmd-doctor-ca-key-unusable", error = e.to_string()))?;
    let digest: Vec<u8> = match oid.as_str() {
        ECDSA_SHA256 | RSA_SHA256 => Sha256::digest(tbs).to_vec(),
        ECDSA_SHA384 | RSA_SHA384 => Sha384::digest(tbs).to_vec(),
        ECDSA_SHA512 | RSA_SHA512 => Sha512::digest(tbs).to_vec(),
        ED25519 => Vec::new(),
        other => {
            return Err(crate::tr!(
                "cmd-doctor-signature-algorithm-unsupported",
                oid = other
            ))
        }
    };
    let ecdsa = matches!(oid.as_str(), ECDSA_SHA256 | ECDSA_SHA384 | ECDSA_SHA512);
    let rsa = matches!(oid.as_str(), RSA_SHA256 | RSA_SHA384 | RSA_SHA512);
    Ok(match key {
        PublicKey::P256(point) if ecdsa => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let (Ok(vk), Ok(s)) = (
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&point),
                p256::ecdsa::Signature::from_der(sig),
            ) else {
                return Ok(false);
            };
            vk.verify_prehash(&digest, &s).is_ok()
        }
        PublicKey::P384(point) if ecdsa => {
            use p384::ecdsa::signature::hazmat::PrehashVerifier;
            let (Ok(vk), Ok(s)) = (
                p384::ecdsa::VerifyingKey::from_sec1_bytes(&point),
                p384::ecdsa::Signature::from_der(sig),
            ) else {
                return Ok(false);
            };
            vk.verify_prehash(&digest, &s).is_ok()
        }
        PublicKey::Rsa { n, e } if rsa => {
            use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
            let Ok(pk) = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
            else {
                return Ok(false);
            };
            let scheme = match oid.as_str() {
                RSA_SHA256 => Pkcs1v15Sign::new::<Sha256>(),
                RSA_SHA384 => Pkcs1v15Sign::new::<Sha384>(),
                _ => Pkcs1v15Sign::new::<Sha512>(),
            };
            pk.verify(scheme, &digest, sig).is_ok()
        }
        PublicKey::Ed25519(bytes) if oid == ED25519 => {
            let (Ok(vk), Ok(s)) = (
                ed25519_dalek::VerifyingKey::from_bytes(&bytes),
                ed25519_dalek::Signature::from_slice(sig),
            ) else {
                return Ok(false);
            };
            vk.verify_strict(tbs, &s).is_ok()
        }
        // The CA's key type does not match the signature algorithm: not its signature.
        _ => false,
    })
}
