//! YubiKey attestation (INS `F9`): an X.509 certificate (RFC 5280) for a slot's on-card key, signed
//! by the attestation key in slot `F9`, carrying Yubico's extensions (1.3.6.1.4.1.41482.3.3 firmware,
//! .3.7 serial, .3.8 PIN/touch policy, .3.9 form factor). The `F9` key and its self-signed
//! certificate are made at factory time; a real YubiKey's would chain to Yubico's CA instead.

use p256::ecdsa::signature::Signer;
use rand_core::{OsRng, RngCore};

use super::keys::{KeyAlg, PrivateKey};
use super::state::{CardState, SlotKey, ORIGIN_GENERATED, TAG_ATTESTATION_CERT};
use super::sw::{Sw, SW_WRONG_DATA};
use super::tlv::tlv;

/// The attestation key reference.
pub(crate) const ATTESTATION_SLOT: u8 = 0xF9;

const ECDSA_WITH_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const YUBICO_ARC: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xC4, 0x0A, 0x03];

/// Creates the factory attestation key (P-256, for speed: factory cards are made often in tests)
/// and its self-signed certificate.
pub(crate) fn install_attestation_key(state: &mut CardState) {
    let key = p256::SecretKey::random(&mut OsRng);
    let pk = PrivateKey::P256(key.clone());
    let subject = "Sello Virtual PIV Attestation";
    let (Ok(spki), Ok(secret)) = (pk.spki_der(), pk.to_secret()) else {
        return;
    };
    // basicConstraints (RFC 5280 §4.2.1.9), critical, cA TRUE: it issues the attestation certificates.
    let basic_constraints = tlv(
        0x30,
        &[
            tlv(0x06, &[0x55, 0x1D, 0x13]),
            tlv(0x01, &[0xFF]),
            tlv(0x04, &tlv(0x30, &tlv(0x01, &[0xFF]))),
        ]
        .concat(),
    );
    let cert = certificate(subject, subject, &spki, &[basic_constraints], &key);
    state.keys.insert(
        ATTESTATION_SLOT,
        SlotKey {
            algorithm: KeyAlg::P256.id(),
            pin_policy: 0x01,
            touch_policy: 0x01,
            origin: ORIGIN_GENERATED,
            private: secret,
        },
    );
    state
        .objects
        .insert(TAG_ATTESTATION_CERT, cert_container(&cert));
}

/// Wraps a certificate in a PIV certificate container (SP 800-73-4 Part 1, Table 10).
pub(crate) fn cert_container(cert: &[u8]) -> Vec<u8> {
    tlv(
        0x53,
        &[tlv(0x70, cert), tlv(0x71, &[0x00]), tlv(0xFE, &[])].concat(),
    )
}

/// Builds the attestation certificate for the key in `slot`.
pub(crate) fn attest(state: &CardState, slot: u8, version: [u8; 3]) -> Result<Vec<u8>, Sw> {
    let target = state.keys.get(&slot).ok_or(SW_WRONG_DATA)?;
    if target.origin != ORIGIN_GENERATED {
        // YubiKeys attest only keys generated on the card.
        return Err(SW_WRONG_DATA);
    }
    let alg = KeyAlg::from_id(target.algorithm).ok_or(SW_WRONG_DATA)?;
    let spki = PrivateKey::load(alg, target.private.expose())?.spki_der()?;
    let att = state.keys.get(&ATTESTATION_SLOT).ok_or(SW_WRONG_DATA)?;
    let signer = p256::SecretKey::from_slice(att.private.expose()).map_err(|_| SW_WRONG_DATA)?;
    let ext = |arc: u8, value: &[u8]| {
        let mut oid = YUBICO_ARC.to_vec();
        oid.push(arc);
        tlv(0x30, &[tlv(0x06, &oid), tlv(0x04, value)].concat())
    };
    let serial = tlv(0x02, &positive_integer(&state.serial.to_be_bytes()));
    let extensions = [
        ext(3, &version),
        ext(7, &serial),
        ext(8, &[target.pin_policy, target.touch_policy]),
        ext(9, &[0x01]),
    ];
    let subject = format!("Sello Virtual PIV Attestation {slot:02x}");
    Ok(certificate(
        "Sello Virtual PIV Attestation",
        &subject,
        &spki,
        &extensions,
        &signer,
    ))
}

fn name(cn: &str) -> Vec<u8> {
    let atv = tlv(
        0x30,
        &[tlv(0x06, COMMON_NAME), tlv(0x0C, cn.as_bytes())].concat(),
    );
    tlv(0x30, &tlv(0x31, &atv))
}

/// DER INTEGER content for an unsigned big-endian value.
fn positive_integer(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    match trimmed.first() {
        None => vec![0],
        Some(b) if *b & 0x80 != 0 => [&[0u8][..], &trimmed].concat(),
        Some(_) => trimmed,
    }
}

/// An X.509 v3 certificate (RFC 5280 §4.1) signed with ECDSA P-256 / SHA-256.
fn certificate(
    issuer: &str,
    subject: &str,
    spki: &[u8],
    extensions: &[Vec<u8>],
    signer: &p256::SecretKey,
) -> Vec<u8> {
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7F) | 0x40;
    let sig_alg = tlv(0x30, &tlv(0x06, ECDSA_WITH_SHA256));
    let validity = tlv(
        0x30,
        &[tlv(0x17, b"240101000000Z"), tlv(0x18, b"99991231235959Z")].concat(),
    );
    let mut tbs = [
        tlv(0xA0, &tlv(0x02, &[2])),
        tlv(0x02, &serial),
        sig_alg.clone(),
        name(issuer),
        validity,
        name(subject),
        spki.to_vec(),
    ]
    .concat();
    if !extensions.is_empty() {
        tbs.extend(tlv(0xA3, &tlv(0x30, &extensions.concat())));
    }
    let tbs = tlv(0x30, &tbs);
    let sig: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(signer).sign(&tbs);
    let mut bits = vec![0u8];
    bits.extend_from_slice(sig.to_der().as_bytes());
    tlv(0x30, &[tbs, sig_alg, tlv(0x03, &bits)].concat())
}
