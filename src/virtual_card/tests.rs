//! Drives the applet with raw APDU bytes, the way a reader would.

use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use rand::{Rng, SeedableRng};

use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).expect("test hex")
}

/// Sends a command; returns (data, sw).
fn tx(card: &mut VirtualCard, apdu: &[u8]) -> (Vec<u8>, u16) {
    let mut r = card.transmit(apdu);
    assert!(r.len() >= 2, "response without status word");
    let sw2 = r.pop().expect("sw2");
    let sw1 = r.pop().expect("sw1");
    (r, u16::from_be_bytes([sw1, sw2]))
}

/// Sends a command, following 61xx with GET RESPONSE; chains long data in 255-byte pieces.
fn call(card: &mut VirtualCard, cla_ins_p1_p2: [u8; 4], data: &[u8]) -> (Vec<u8>, u16) {
    let [_, ins, p1, p2] = cla_ins_p1_p2;
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(255).collect()
    };
    let mut last = (Vec::new(), 0);
    for (i, chunk) in chunks.iter().enumerate() {
        let cla = if i + 1 < chunks.len() { 0x10 } else { 0x00 };
        let mut apdu = vec![cla, ins, p1, p2];
        if !chunk.is_empty() {
            apdu.push(chunk.len() as u8);
            apdu.extend_from_slice(chunk);
        }
        apdu.push(0);
        last = tx(card, &apdu);
        if cla == 0x10 {
            assert_eq!(last.1, 0x9000, "chained part");
        }
    }
    let (mut out, mut sw) = last;
    while sw >> 8 == 0x61 {
        let (more, next) = tx(card, &[0, 0xC0, 0, 0, sw as u8]);
        out.extend(more);
        sw = next;
    }
    (out, sw)
}

fn selected() -> VirtualCard {
    let mut card = VirtualCard::factory(12345678);
    card.power_on();
    let (_, sw) = tx(&mut card, &h("00A4040009A00000030800001000"));
    assert_eq!(sw, 0x9000);
    card
}

fn pin_block(pin: &[u8]) -> Vec<u8> {
    pad8(pin)
}

fn verify(card: &mut VirtualCard, pin: &[u8]) -> u16 {
    let mut apdu = h("0020008008");
    apdu.extend(pin_block(pin));
    tx(card, &apdu).1
}

fn tdes(key: &[u8], block: &[u8], decrypt: bool) -> Vec<u8> {
    let c = des::TdesEde3::new_from_slice(key).expect("key");
    let mut b = GenericArray::clone_from_slice(block);
    if decrypt {
        c.decrypt_block(&mut b)
    } else {
        c.encrypt_block(&mut b)
    }
    b.to_vec()
}

/// Mutual authentication as yubico-piv-tool does it (SP 800-73-4 Part 2, Appendix A.2).
fn mutual_auth(card: &mut VirtualCard, alg: u8, key: &[u8]) -> u16 {
    let (resp, sw) = call(card, [0, 0x87, alg, 0x9B], &h("7C028000"));
    if sw != 0x9000 {
        return sw;
    }
    let bs = mgmt::block_len(alg);
    assert_eq!(resp.len(), 4 + bs);
    let witness_enc = &resp[4..];
    let witness = mgmt::crypt_block(alg, key, witness_enc, true).expect("decrypt");
    let challenge = vec![0x5Au8; bs];
    let body = [tlv(0x80, &witness), tlv(0x81, &challenge)].concat();
    let (resp, sw) = call(card, [0, 0x87, alg, 0x9B], &tlv(0x7C, &body));
    if sw != 0x9000 {
        return sw;
    }
    let expected = mgmt::crypt_block(alg, key, &challenge, false).expect("encrypt");
    assert_eq!(
        resp,
        tlv(0x7C, &tlv(0x82, &expected)),
        "card proves the key"
    );
    sw
}

fn auth_default(card: &mut VirtualCard) {
    assert_eq!(mutual_auth(card, 0x03, &DEFAULT_MGMT_KEY), 0x9000);
}

fn generate(card: &mut VirtualCard, slot: u8, alg: u8) -> Vec<u8> {
    let (resp, sw) = call(card, [0, 0x47, 0, slot], &tlv(0xAC, &tlv(0x80, &[alg])));
    assert_eq!(sw, 0x9000, "generate {alg:02X} in {slot:02X}");
    let mut r = TlvReader::new(&resp);
    let inner = r.expect(0x7F49).expect("7F49");
    assert!(r.is_empty());
    inner.to_vec()
}

fn sign(card: &mut VirtualCard, slot: u8, alg: u8, input: &[u8]) -> (Vec<u8>, u16) {
    let body = [tlv(0x82, &[]), tlv(0x81, input)].concat();
    let (resp, sw) = call(card, [0, 0x87, alg, slot], &tlv(0x7C, &body));
    if sw != 0x9000 {
        return (resp, sw);
    }
    let mut r = TlvReader::new(&resp);
    let inner = r.expect(0x7C).expect("7C");
    let sig = TlvReader::new(inner).expect(0x82).expect("82").to_vec();
    (sig, sw)
}

#[test]
fn default_atr_is_well_formed() {
    let atr = DEFAULT_ATR;
    assert_eq!(atr[0], 0x3B);
    let tck = atr[1..].iter().fold(0u8, |a, b| a ^ b);
    assert_eq!(tck, 0, "TCK makes the XOR of T0..TCK zero");
    assert_eq!(&atr[6..15], &PIV_AID[..9]);
}

#[test]
fn select_full_truncated_and_foreign_aid() {
    let mut card = VirtualCard::factory(1);
    let (resp, sw) = tx(&mut card, &h("00A404000BA000000308000010000100 00"));
    assert_eq!(sw, 0x9000);
    let mut r = TlvReader::new(&resp);
    let apt = parse_all(r.expect(0x61).expect("61")).expect("APT");
    assert_eq!(find(&apt, 0x4F), Some(&h("000010000100")[..]));
    assert_eq!(find(&apt, 0x79), Some(&h("4F05A000000308")[..]));
    assert!(find(&apt, 0x50).is_some() && find(&apt, 0x5F50).is_some());
    let algs = parse_all(find(&apt, 0xAC).expect("AC")).expect("AC items");
    assert!(algs.contains(&(0x80, &[0x11][..])) && algs.contains(&(0x06, &[][..])));
    assert_eq!(tx(&mut card, &h("00A4040009A00000030800001000")).1, 0x9000);
    assert_eq!(
        tx(&mut card, &h("00A4040005A000000308")).1,
        0x9000,
        "RID only (yubico-piv-tool)"
    );
    assert_eq!(tx(&mut card, &h("00A4040004A0000003")).1, 0x6A82);
    assert_eq!(tx(&mut card, &h("00A4040009A00000030800001001")).1, 0x6A82);
    assert_eq!(tx(&mut card, &h("00A4040008A000000527200101")).1, 0x6A82);
    assert_eq!(
        tx(&mut card, &h("0CA4040005A000000308")).1,
        0x6E00,
        "secure messaging"
    );
    assert_eq!(
        tx(&mut card, &h("80CA9F7F00")).1,
        0x6E00,
        "proprietary class"
    );
    assert_eq!(tx(&mut card, &h("00B0000000")).1, 0x6D00, "READ BINARY");
    assert_eq!(
        tx(&mut card, &h("00A4000C023F00")).1,
        0x6A86,
        "select by file id"
    );
}

#[test]
fn pin_retries_block_and_unblock() {
    let mut card = selected();
    assert_eq!(
        tx(&mut card, &h("0020008000")).1,
        0x63C3,
        "status: not verified, 3 tries"
    );
    assert_eq!(verify(&mut card, b"000000"), 0x63C2);
    assert_eq!(verify(&mut card, b"000000"), 0x63C1);
    assert_eq!(
        verify(&mut card, b"123456"),
        0x9000,
        "right PIN restores the counter"
    );
    assert_eq!(
        tx(&mut card, &h("0020008000")).1,
        0x9000,
        "status: verified"
    );
    assert_eq!(tx(&mut card, &h("00A4040005A000000308")).1, 0x9000);
    assert_eq!(
        tx(&mut card, &h("0020008000")).1,
        0x9000,
        "SELECT keeps the PIN status"
    );
    assert_eq!(tx(&mut card, &h("0020FF80")).1, 0x9000, "logout");
    assert_eq!(tx(&mut card, &h("0020008000")).1, 0x63C3);
    for left in [2u16, 1, 0] {
        assert_eq!(verify(&mut card, b"999999"), 0x63C0 | left);
    }
    assert_eq!(verify(&mut card, b"123456"), 0x6983, "blocked");
    assert_eq!(tx(&mut card, &h("0020008000")).1, 0x6983);
    // Unblock with the PUK and a new PIN.
    let mut apdu = h("002C008010");
    apdu.extend(pin_block(b"1234567"));
    apdu.extend(pin_block(b"654321"));
    assert_eq!(tx(&mut card, &apdu).1, 0x63C2, "wrong PUK counts down");
    let mut apdu = h("002C008010");
    apdu.extend(pin_block(DEFAULT_PUK));
    apdu.extend(pin_block(b"654321"));
    assert_eq!(tx(&mut card, &apdu).1, 0x9000);
    assert_eq!(
        card.state().puk.retries_left,
        3,
        "right PUK restores its counter"
    );
    assert_eq!(verify(&mut card, b"654321"), 0x9000);
    // Wrong lengths and references.
    assert_eq!(tx(&mut card, &h("002000800431323334")).1, 0x6A80);
    assert_eq!(tx(&mut card, &h("00200081083132333435363737")).1, 0x6A88);
}

#[test]
fn change_pin_and_puk_then_reset_only_when_both_blocked() {
    let mut card = selected();
    let change = |card: &mut VirtualCard, p2: u8, old: &[u8], new: &[u8]| {
        let mut apdu = vec![0, 0x24, 0, p2, 16];
        apdu.extend(pad8(old));
        apdu.extend(pad8(new));
        tx(card, &apdu).1
    };
    assert_eq!(
        change(&mut card, 0x80, b"123456", b"12"),
        0x6A80,
        "too short"
    );
    assert_eq!(change(&mut card, 0x80, b"123455", b"87654321"), 0x63C2);
    assert_eq!(change(&mut card, 0x80, b"123456", b"87654321"), 0x9000);
    assert_eq!(verify(&mut card, b"87654321"), 0x9000);
    assert_eq!(change(&mut card, 0x81, DEFAULT_PUK, b"11223344"), 0x9000);
    assert!(!card.state().pin.is_default && !card.state().puk.is_default);
    assert_eq!(
        tx(&mut card, &h("00FB0000")).1,
        0x6985,
        "reset refused while not blocked"
    );
    for _ in 0..3 {
        verify(&mut card, b"000000");
    }
    assert_eq!(tx(&mut card, &h("00FB0000")).1, 0x6985, "PUK still usable");
    for _ in 0..3 {
        change(&mut card, 0x81, b"00000000", b"00000000");
    }
    assert_eq!(card.state().puk.retries_left, 0);
    auth_default(&mut card);
    generate(&mut card, 0x9E, 0x11);
    let serial = card.state().serial;
    let attestation = card.state().keys.get(&0xF9).cloned();
    assert_eq!(tx(&mut card, &h("00FB0000")).1, 0x9000);
    assert_eq!(
        verify(&mut card, DEFAULT_PIN),
        0x9000,
        "factory PIN after reset"
    );
    assert!(!card.state().keys.contains_key(&0x9E), "keys wiped");
    assert_eq!(
        card.state().keys.get(&0xF9).cloned(),
        attestation,
        "attestation key kept"
    );
    assert_eq!(card.state().serial, serial);
}

#[test]
fn management_key_mutual_and_external_with_3des_and_aes() {
    let mut card = selected();
    // Without authentication, writes are refused.
    assert_eq!(tx(&mut card, &h("00DB3FFF085C035FC109530100")).1, 0x6982);
    // A wrong key fails the witness check.
    assert_eq!(mutual_auth(&mut card, 0x03, &[9u8; 24]), 0x6982);
    assert_eq!(
        mutual_auth(&mut card, 0x08, &[9u8; 16]),
        0x6A86,
        "wrong algorithm"
    );
    // External authentication (SP 800-73-4 Part 2, Appendix A.1).
    let (resp, sw) = call(&mut card, [0, 0x87, 0x03, 0x9B], &h("7C028100"));
    assert_eq!(sw, 0x9000);
    let challenge = resp[4..12].to_vec();
    let answer = tdes(&DEFAULT_MGMT_KEY, &challenge, false);
    let (_, sw) = call(
        &mut card,
        [0, 0x87, 0x03, 0x9B],
        &tlv(0x7C, &tlv(0x82, &answer)),
    );
    assert_eq!(sw, 0x9000);
    assert_eq!(
        tx(&mut card, &h("00DB3FFF085C035FC109530100")).1,
        0x9000,
        "authenticated"
    );
    // P1 00 is the legacy 3TDEA identifier (OpenSC asks it for random bytes).
    let (first, sw) = call(&mut card, [0, 0x87, 0x00, 0x9B], &h("7C028100"));
    assert_eq!((first.len(), sw), (12, 0x9000));
    let (second, _) = call(&mut card, [0, 0x87, 0x00, 0x9B], &h("7C028100"));
    assert_ne!(first, second, "fresh challenges");
    // A replayed answer does not authenticate again.
    card.power_on();
    let (_, sw) = call(
        &mut card,
        [0, 0x87, 0x03, 0x9B],
        &tlv(0x7C, &tlv(0x82, &answer)),
    );
    assert_eq!(sw, 0x6985);
    // Switch to each AES size and authenticate with it.
    for (alg, len) in [(0x08u8, 16usize), (0x0A, 24), (0x0C, 32)] {
        auth_current(&mut card);
        let key: Vec<u8> = (0..len as u8).collect();
        let mut data = vec![alg, 0x9B, len as u8];
        data.extend(&key);
        assert_eq!(call(&mut card, [0, 0xFF, 0xFF, 0xFF], &data).1, 0x9000);
        card.power_on();
        assert_eq!(
            mutual_auth(&mut card, alg, &key),
            0x9000,
            "AES alg {alg:02X}"
        );
        let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9B], &[]);
        assert_eq!(
            find(&parse_all(&meta).expect("meta"), 0x01),
            Some(&[alg][..])
        );
    }
    // Back to 3DES; wrong key lengths are refused.
    auth_current(&mut card);
    assert_eq!(
        call(&mut card, [0, 0xFF, 0xFF, 0xFF], &h("039B0401020304")).1,
        0x6A80
    );
}

fn auth_current(card: &mut VirtualCard) {
    let mk = card.state().management_key.clone();
    assert_eq!(mutual_auth(card, mk.algorithm, mk.key.expose()), 0x9000);
}

#[test]
fn generate_sign_and_verify_every_algorithm() {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use sha2::{Digest, Sha256, Sha384};

    let mut card = selected();
    assert_eq!(
        call(
            &mut card,
            [0, 0x47, 0, 0x9A],
            &tlv(0xAC, &tlv(0x80, &[0x11]))
        )
        .1,
        0x6982,
        "generate needs the management key"
    );
    auth_default(&mut card);
    assert_eq!(verify(&mut card, DEFAULT_PIN), 0x9000);

    // RSA-2048 in 9A: the card does the raw operation, the host pads (PKCS#1 v1.5).
    let pub_rsa_raw = generate(&mut card, 0x9A, 0x07);
    let pub_rsa = parse_all(&pub_rsa_raw).expect("rsa pub");
    let n = rsa::BigUint::from_bytes_be(find(&pub_rsa, 0x81).expect("81"));
    let e = rsa::BigUint::from_bytes_be(find(&pub_rsa, 0x82).expect("82"));
    let public = rsa::RsaPublicKey::new(n, e).expect("public key");
    let digest = Sha256::digest(b"hello piv");
    let prefix = h("3031300d060960864801650304020105000420");
    let t = [prefix, digest.to_vec()].concat();
    let mut em = vec![0x00, 0x01];
    em.resize(256 - t.len() - 1, 0xFF);
    em.push(0x00);
    em.extend(&t);
    let (sig, sw) = sign(&mut card, 0x9A, 0x07, &em);
    assert_eq!(sw, 0x9000);
    assert_eq!(sig.len(), 256);
    public
        .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, &sig)
        .expect("RSA signature verifies");
    // Wrong algorithm and wrong input size.
    assert_eq!(sign(&mut card, 0x9A, 0x11, &em).1, 0x6A80);
    assert_eq!(sign(&mut card, 0x9A, 0x07, &em[1..]).1, 0x6A80);

    // P-256 in 9D (PIN once): DER ECDSA-Sig-Value over the hash.
    let pub_ec_raw = generate(&mut card, 0x9D, 0x11);
    let pub_ec = parse_all(&pub_ec_raw).expect("ec pub");
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(find(&pub_ec, 0x86).expect("86"))
        .expect("point");
    let (sig, sw) = sign(&mut card, 0x9D, 0x11, &digest);
    assert_eq!(sw, 0x9000);
    let sig = p256::ecdsa::Signature::from_der(&sig).expect("DER signature");
    vk.verify_prehash(&digest, &sig)
        .expect("P-256 signature verifies");
    // A short input is zero-padded on the left, as PIV requires.
    let (sig, _) = sign(&mut card, 0x9D, 0x11, &digest[..20]);
    let sig = p256::ecdsa::Signature::from_der(&sig).expect("DER");
    let padded = [vec![0u8; 12], digest[..20].to_vec()].concat();
    vk.verify_prehash(&padded, &sig).expect("padded input");

    // P-384 in 82 (retired).
    let pub_384_raw = generate(&mut card, 0x82, 0x14);
    let pub_384 = parse_all(&pub_384_raw).expect("p384 pub");
    let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(find(&pub_384, 0x86).expect("86"))
        .expect("point");
    let d384 = Sha384::digest(b"hello piv");
    let (sig, _) = sign(&mut card, 0x82, 0x14, &d384);
    let sig = p384::ecdsa::Signature::from_der(&sig).expect("DER");
    vk.verify_prehash(&d384, &sig)
        .expect("P-384 signature verifies");

    // Ed25519 in 9E (PIN never): works without the PIN.
    card.power_on();
    auth_default(&mut card);
    let pub_ed_raw = generate(&mut card, 0x9E, 0xE0);
    let pub_ed = parse_all(&pub_ed_raw).expect("ed pub");
    let vk = ed25519_dalek::VerifyingKey::from_bytes(
        find(&pub_ed, 0x86)
            .expect("86")
            .try_into()
            .expect("32 bytes"),
    )
    .expect("ed25519 key");
    let (sig, sw) = sign(&mut card, 0x9E, 0xE0, b"message");
    assert_eq!(sw, 0x9000, "9E needs no PIN");
    let sig = ed25519_dalek::Signature::from_slice(&sig).expect("64 bytes");
    vk.verify_strict(b"message", &sig)
        .expect("Ed25519 signature verifies");
    // 9D needs the PIN after the power cycle.
    assert_eq!(sign(&mut card, 0x9D, 0x11, &digest).1, 0x6982);

    // ECDH (P-256) and X25519 in 9D / 83.
    verify(&mut card, DEFAULT_PIN);
    let host = p256::SecretKey::random(&mut rand_core::OsRng);
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let host_pub = host.public_key().to_encoded_point(false);
    let body = [tlv(0x82, &[]), tlv(0x85, host_pub.as_bytes())].concat();
    let (resp, sw) = call(&mut card, [0, 0x87, 0x11, 0x9D], &tlv(0x7C, &body));
    assert_eq!(sw, 0x9000);
    let card_pub = p256::PublicKey::from_sec1_bytes(find(&pub_ec, 0x86).expect("86")).expect("pub");
    let shared = p256::ecdh::diffie_hellman(host.to_nonzero_scalar(), card_pub.as_affine());
    assert_eq!(resp, tlv(0x7C, &tlv(0x82, shared.raw_secret_bytes())));

    let pub_x_raw = generate(&mut card, 0x83, 0xE1);
    let pub_x = parse_all(&pub_x_raw).expect("x pub");
    let host = x25519_dalek::StaticSecret::random_from_rng(rand_core::OsRng);
    let host_pub = x25519_dalek::PublicKey::from(&host);
    let body = [tlv(0x82, &[]), tlv(0x85, host_pub.as_bytes())].concat();
    let (resp, sw) = call(&mut card, [0, 0x87, 0xE1, 0x83], &tlv(0x7C, &body));
    assert_eq!(sw, 0x9000);
    let card_pub: [u8; 32] = find(&pub_x, 0x86).expect("86").try_into().expect("32");
    let shared = host.diffie_hellman(&x25519_dalek::PublicKey::from(card_pub));
    assert_eq!(resp, tlv(0x7C, &tlv(0x82, shared.as_bytes())));
    assert_eq!(
        sign(&mut card, 0x83, 0xE1, b"x").1,
        0x6A80,
        "X25519 cannot sign"
    );

    // Empty slot.
    assert_eq!(sign(&mut card, 0x95, 0x11, &digest).1, 0x6A88);
}

#[test]
fn large_rsa_keys_sign() {
    let mut card = selected();
    auth_default(&mut card);
    verify(&mut card, DEFAULT_PIN);
    for (alg, bytes) in [(0x06u8, 128usize), (0x05, 384), (0x16, 512)] {
        let public_raw = generate(&mut card, 0x9D, alg);
        let public = parse_all(&public_raw).expect("pub");
        let n = find(&public, 0x81).expect("modulus");
        assert_eq!(n.len(), bytes);
        let mut input = vec![0u8; bytes];
        input[bytes - 1] = 2;
        let (sig, sw) = sign(&mut card, 0x9D, alg, &input);
        assert_eq!(sw, 0x9000);
        // s^e mod n == m
        let s = rsa::BigUint::from_bytes_be(&sig);
        let m = s.modpow(
            &rsa::BigUint::from(65537u32),
            &rsa::BigUint::from_bytes_be(n),
        );
        assert_eq!(m, rsa::BigUint::from(2u32));
    }
}

#[test]
fn signature_key_needs_pin_before_each_use() {
    let mut card = selected();
    auth_default(&mut card);
    generate(&mut card, 0x9C, 0x11);
    let digest = [7u8; 32];
    assert_eq!(sign(&mut card, 0x9C, 0x11, &digest).1, 0x6982);
    assert_eq!(verify(&mut card, DEFAULT_PIN), 0x9000);
    assert_eq!(sign(&mut card, 0x9C, 0x11, &digest).1, 0x9000);
    assert_eq!(sign(&mut card, 0x9C, 0x11, &digest).1, 0x6982, "PIN always");
    assert_eq!(tx(&mut card, &h("0020008000")).1, 0x9000, "still logged in");
    assert_eq!(verify(&mut card, DEFAULT_PIN), 0x9000);
    assert_eq!(sign(&mut card, 0x9C, 0x11, &digest).1, 0x9000);
    // Policy "never" stored from tag AA.
    let control = [tlv(0x80, &[0x11]), tlv(0xAA, &[0x01]), tlv(0xAB, &[0x02])].concat();
    assert_eq!(
        call(&mut card, [0, 0x47, 0, 0x9C], &tlv(0xAC, &control)).1,
        0x9000
    );
    card.power_on();
    assert_eq!(sign(&mut card, 0x9C, 0x11, &digest).1, 0x9000);
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9C], &[]);
    let meta = parse_all(&meta).expect("metadata");
    assert_eq!(find(&meta, 0x02), Some(&[0x01, 0x02][..]));
    assert_eq!(find(&meta, 0x03), Some(&[0x01][..]), "generated");
    auth_default(&mut card);
    let bad = [tlv(0x80, &[0x11]), tlv(0xAA, &[0x09])].concat();
    assert_eq!(
        call(&mut card, [0, 0x47, 0, 0x9C], &tlv(0xAC, &bad)).1,
        0x6A80
    );
    assert_eq!(
        call(
            &mut card,
            [0, 0x47, 0, 0x9C],
            &tlv(0xAC, &tlv(0x80, &[0x42]))
        )
        .1,
        0x6A81
    );
}

#[test]
fn data_objects_chaining_and_long_responses() {
    let mut card = selected();
    let (chuid, sw) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC102"));
    assert_eq!(sw, 0x9000);
    let body = parse_all(TlvReader::new(&chuid).expect(0x53).expect("53")).expect("CHUID");
    assert_eq!(find(&body, 0x30).map(<[u8]>::len), Some(25), "FASC-N");
    assert_eq!(find(&body, 0x34).map(<[u8]>::len), Some(16), "GUID");
    assert_eq!(find(&body, 0x35), Some(&b"20351231"[..]));
    let (disc, sw) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C017E"));
    assert_eq!(sw, 0x9000);
    assert!(disc.starts_with(&[0x7E]));
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC105")).1,
        0x6A82
    );
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC10C")).1,
        0x6A82
    );
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFE], &h("5C035FC102")).1,
        0x6A86
    );

    // A 1200-byte certificate written with chaining, read back through GET RESPONSE.
    auth_default(&mut card);
    let cert: Vec<u8> = (0..1200u32).map(|i| i as u8).collect();
    let object = attest::cert_container(&cert);
    let put = [tlv(0x5C, &h("5FC10D")), object.clone()].concat();
    assert_eq!(call(&mut card, [0, 0xDB, 0x3F, 0xFF], &put).1, 0x9000);
    let (read, sw) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC10D"));
    assert_eq!(sw, 0x9000);
    assert_eq!(read, object);
    // The first answer is 256 bytes with 61xx.
    let (first, sw) = tx(&mut card, &h("00CB3FFF055C035FC10D00"));
    assert_eq!((first.len(), sw >> 8), (256, 0x61));
    // An unrelated command drops the pending response.
    tx(&mut card, &h("00FD000000"));
    assert_eq!(tx(&mut card, &h("00C0000000")).1, 0x6985);
    // Extended length: everything at once.
    let (all, sw) = tx(&mut card, &h("00CB3FFF0000055C035FC10D0000"));
    assert_eq!((all, sw), (object, 0x9000));
    // Key history now reports the retired certificate.
    let (hist, sw) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC10C"));
    assert_eq!(sw, 0x9000);
    let hist = parse_all(TlvReader::new(&hist).expect(0x53).expect("53")).expect("history");
    assert_eq!(find(&hist, 0xC1), Some(&[1u8][..]));
    // Printed information needs the PIN; an empty value deletes.
    assert_eq!(
        call(
            &mut card,
            [0, 0xDB, 0x3F, 0xFF],
            &h("5C035FC109530401020304")
        )
        .1,
        0x9000
    );
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC109")).1,
        0x6982
    );
    verify(&mut card, DEFAULT_PIN);
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC109")).0,
        h("530401020304")
    );
    assert_eq!(
        call(&mut card, [0, 0xDB, 0x3F, 0xFF], &h("5C035FC1095300")).1,
        0x9000
    );
    assert_eq!(
        call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC109")).1,
        0x6A82
    );
    // Malformed PUT DATA bodies.
    assert_eq!(
        call(&mut card, [0, 0xDB, 0x3F, 0xFF], &h("5C035FC10954020102")).1,
        0x6A80
    );
    assert_eq!(
        call(&mut card, [0, 0xDB, 0x3F, 0xFF], &h("5C035FC1095305")).1,
        0x6A80
    );
    let huge = [tlv(0x5C, &h("5FC10A")), tlv(0x53, &vec![0; 5000])].concat();
    assert_eq!(call(&mut card, [0, 0xDB, 0x3F, 0xFF], &huge).1, 0x6A84);
}

#[test]
fn yubikey_version_serial_metadata_retries() {
    let mut card = selected();
    assert_eq!(tx(&mut card, &h("00FD000000")), (vec![5, 7, 1], 0x9000));
    assert_eq!(
        tx(&mut card, &h("00F8000000")),
        (12345678u32.to_be_bytes().to_vec(), 0x9000)
    );
    let (meta, sw) = tx(&mut card, &h("00F7008000"));
    assert_eq!(sw, 0x9000);
    assert_eq!(meta, h("0101FF 050101 06020303"));
    verify(&mut card, b"000000");
    assert_eq!(
        tx(&mut card, &h("00F7008000")).0,
        h("0101FF 050101 06020302")
    );
    assert_eq!(
        tx(&mut card, &h("00F7009B00")).0,
        h("010103 02020001 050101")
    );
    assert_eq!(tx(&mut card, &h("00F7009A00")).1, 0x6A82);
    // SET PIN RETRIES needs the management key and the PIN.
    auth_default(&mut card);
    assert_eq!(tx(&mut card, &h("00FA0505")).1, 0x6982);
    verify(&mut card, DEFAULT_PIN);
    assert_eq!(tx(&mut card, &h("00FA0506")).1, 0x9000);
    assert_eq!(tx(&mut card, &h("0020008000")).1, 0x63C5);
    assert_eq!(
        tx(&mut card, &h("00F7008100")).0,
        h("0101FF 050101 06020606")
    );
    assert_eq!(tx(&mut card, &h("00FA0005")).1, 0x6A86);
}

#[test]
fn attestation_certificate_is_signed_by_f9() {
    use p256::ecdsa::signature::Verifier;
    use x509_parser::prelude::*;

    let mut card = selected();
    auth_default(&mut card);
    let public_raw = generate(&mut card, 0x9A, 0x11);
    let public = parse_all(&public_raw).expect("pub");
    let (der, sw) = call(&mut card, [0, 0xF9, 0x9A, 0x00], &[]);
    assert_eq!(sw, 0x9000);
    let (_, cert) = X509Certificate::from_der(&der).expect("attestation certificate parses");
    assert_eq!(
        cert.public_key().subject_public_key.data.as_ref(),
        find(&public, 0x86).expect("86"),
        "certifies the slot key"
    );
    assert!(cert.subject().to_string().contains("Attestation 9a"));
    let serial_ext = cert
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == "1.3.6.1.4.1.41482.3.7")
        .expect("serial extension");
    assert_eq!(serial_ext.value, &h("0204 00BC614E")[..]);
    // Verify with the F9 certificate's key (read with GET DATA 5FFF01).
    let (container, _) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FFF01"));
    let inner = TlvReader::new(&container)
        .expect(0x53)
        .expect("53")
        .to_vec();
    let f9_der = find(&parse_all(&inner).expect("container"), 0x70)
        .expect("70")
        .to_vec();
    let (_, f9) = X509Certificate::from_der(&f9_der).expect("F9 cert");
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&f9.public_key().subject_public_key.data)
        .expect("F9 key");
    let sig = p256::ecdsa::Signature::from_der(&cert.signature_value.data).expect("sig");
    vk.verify(cert.tbs_certificate.as_ref(), &sig)
        .expect("signed by F9");
    // Imported keys and empty slots are not attested.
    assert_eq!(call(&mut card, [0, 0xF9, 0x9D, 0x00], &[]).1, 0x6A80);
}

#[test]
fn import_rsa_ec_and_ed25519_keys() {
    use rsa::traits::PrivateKeyParts;

    let mut card = selected();
    auth_default(&mut card);
    verify(&mut card, DEFAULT_PIN);
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).expect("rsa");
    let p = &key.primes()[0];
    let q = &key.primes()[1];
    let data = [
        tlv(0x01, &p.to_bytes_be()),
        tlv(0x02, &q.to_bytes_be()),
        tlv(0x03, &key.dp().expect("dp").to_bytes_be()),
        tlv(0x04, &key.dq().expect("dq").to_bytes_be()),
        tlv(0x05, &[1]),
        tlv(0xAA, &[0x01]),
    ]
    .concat();
    assert_eq!(call(&mut card, [0, 0xFE, 0x06, 0x9D], &data).1, 0x9000);
    let mut input = vec![0u8; 128];
    input[127] = 3;
    let (sig, sw) = sign(&mut card, 0x9D, 0x06, &input);
    assert_eq!(sw, 0x9000);
    let m = rsa::BigUint::from_bytes_be(&sig).modpow(&rsa::BigUint::from(65537u32), &{
        use rsa::traits::PublicKeyParts;
        key.n().clone()
    });
    assert_eq!(m, rsa::BigUint::from(3u32));
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9D], &[]);
    assert_eq!(
        find(&parse_all(&meta).expect("meta"), 0x03),
        Some(&[0x02][..]),
        "imported"
    );

    let ec = p256::SecretKey::random(&mut rand_core::OsRng);
    assert_eq!(
        call(&mut card, [0, 0xFE, 0x11, 0x9A], &tlv(0x06, &ec.to_bytes())).1,
        0x9000
    );
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9A], &[]);
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let point = ec.public_key().to_encoded_point(false);
    assert_eq!(
        find(&parse_all(&meta).expect("meta"), 0x04),
        Some(&tlv(0x86, point.as_bytes())[..])
    );

    let ed = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
    assert_eq!(
        call(&mut card, [0, 0xFE, 0xE0, 0x9E], &tlv(0x07, &ed.to_bytes())).1,
        0x9000
    );
    let (sig, _) = sign(&mut card, 0x9E, 0xE0, b"abc");
    use ed25519_dalek::Signer;
    assert_eq!(
        sig,
        ed.sign(b"abc").to_bytes().to_vec(),
        "Ed25519 is deterministic"
    );
    // Bad import data.
    assert_eq!(
        call(&mut card, [0, 0xFE, 0x11, 0x9A], &tlv(0x06, &[0xFF; 33])).1,
        0x6A80
    );
    assert_eq!(
        call(&mut card, [0, 0xFE, 0x07, 0x9A], &tlv(0x01, &[3])).1,
        0x6A80
    );
    assert_eq!(call(&mut card, [0, 0xFE, 0x42, 0x9A], &[]).1, 0x6A86);
    let rsa_import = |p: &[u8], q: &[u8]| {
        [
            tlv(0x01, p),
            tlv(0x02, q),
            tlv(0x03, &[1]),
            tlv(0x04, &[1]),
            tlv(0x05, &[1]),
        ]
        .concat()
    };
    for (p, q, why) in [
        (&[0u8][..], &[1u8][..], "p = 0, q = 1"),
        (&[0xC3; 128][..], &[0xC3; 128][..], "p = q"),
        (
            &[0xC3; 128][..],
            &[0xC5; 128][..],
            "not primes for e = 65537",
        ),
        (&[0xC3; 64][..], &[0xC5; 192][..], "unbalanced"),
    ] {
        assert_eq!(
            call(&mut card, [0, 0xFE, 0x07, 0x9A], &rsa_import(p, q)).1,
            0x6A80,
            "{why}"
        );
    }
}

#[test]
fn move_and_delete_keys() {
    let mut card = selected();
    assert_eq!(tx(&mut card, &h("00F6829A")).1, 0x6982);
    auth_default(&mut card);
    verify(&mut card, DEFAULT_PIN);
    let public = generate(&mut card, 0x9A, 0x11);
    generate(&mut card, 0x9D, 0x11);
    assert_eq!(
        tx(&mut card, &h("00F69D9A")).1,
        0x6A80,
        "destination occupied"
    );
    assert_eq!(tx(&mut card, &h("00F6829A")).1, 0x9000);
    assert_eq!(
        tx(&mut card, &h("00F7009A00")).1,
        0x6A82,
        "source now empty"
    );
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x82], &[]);
    assert_eq!(
        find(&parse_all(&meta).expect("meta"), 0x04),
        Some(&public[..])
    );
    assert_eq!(sign(&mut card, 0x82, 0x11, &[1; 32]).1, 0x9000);
    assert_eq!(tx(&mut card, &h("00F6FF82")).1, 0x9000, "delete");
    assert_eq!(sign(&mut card, 0x82, 0x11, &[1; 32]).1, 0x6A88);
    assert_eq!(
        tx(&mut card, &h("00F6FFF9")).1,
        0x6A86,
        "attestation key stays"
    );
}

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("card.json");
    let public = {
        let mut card = VirtualCard::open(&path).expect("create");
        card.power_on();
        auth_default(&mut card);
        let public = generate(&mut card, 0x9A, 0x11);
        assert_eq!(verify(&mut card, b"000000"), 0x63C2);
        let mut apdu = h("0024008010");
        apdu.extend(pad8(DEFAULT_PIN));
        apdu.extend(pad8(b"24681357"));
        assert_eq!(tx(&mut card, &apdu).1, 0x9000);
        assert_eq!(verify(&mut card, b"000000"), 0x63C2);
        public
    };
    let text = std::fs::read_to_string(&path).expect("state file");
    assert!(!text.contains("24681357"), "PIN stored as hex, not text");
    let mut card = VirtualCard::open(&path).expect("reopen");
    card.power_on();
    assert_eq!(
        tx(&mut card, &h("0020008000")).1,
        0x63C2,
        "counter persisted"
    );
    assert_eq!(verify(&mut card, b"24681357"), 0x9000, "PIN persisted");
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9A], &[]);
    assert_eq!(
        find(&parse_all(&meta).expect("meta"), 0x04),
        Some(&public[..]),
        "key persisted"
    );
    let digest = [1u8; 32];
    assert_eq!(sign(&mut card, 0x9A, 0x11, &digest).1, 0x9000);
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").count() == 1,
        "no temp files left"
    );
    // A corrupt file is an error, not a factory reset.
    std::fs::write(&path, b"{not json").expect("write");
    assert!(VirtualCard::open(&path).is_err());
}

#[test]
fn security_state_is_volatile() {
    let mut card = selected();
    auth_default(&mut card);
    verify(&mut card, DEFAULT_PIN);
    card.reset();
    assert_eq!(tx(&mut card, &h("0020008000")).1, 0x63C3);
    assert_eq!(tx(&mut card, &h("00DB3FFF085C035FC109530100")).1, 0x6982);
    auth_default(&mut card);
    card.power_off();
    card.power_on();
    assert_eq!(tx(&mut card, &h("00DB3FFF085C035FC109530100")).1, 0x6982);
}

#[test]
fn malformed_input_never_panics() {
    let mut card = selected();
    auth_default(&mut card);
    verify(&mut card, DEFAULT_PIN);
    generate(&mut card, 0x9A, 0x11);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5E110);
    let interesting = [
        0xA4u8, 0xCB, 0xDB, 0x20, 0x24, 0x2C, 0x87, 0x47, 0xFD, 0xF8, 0xF7, 0xFF, 0xFA, 0xFB, 0xF9,
        0xFE, 0xC0,
    ];
    let seeds: Vec<Vec<u8>> = vec![
        h("00CB3FFF055C035FC102"),
        h("0087119A0A7C088200810412345678"),
        h("0087039B047C028000"),
        h("004700 9A05AC03800111"),
        h("00DB3FFF0A5C035FC109530101"),
        h("00FE119A03060101"),
    ];
    for i in 0..20_000 {
        let mut apdu = if i % 2 == 0 {
            let len = rng.gen_range(0..40);
            let mut v: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
            if v.len() > 2 && rng.gen_bool(0.8) {
                v[1] = interesting[rng.gen_range(0..interesting.len())];
                v[0] &= 0x10;
            }
            v
        } else {
            seeds[rng.gen_range(0..seeds.len())].clone()
        };
        // Mutate a few bytes (lengths, tags) of well-formed commands.
        for _ in 0..rng.gen_range(0..3) {
            if !apdu.is_empty() {
                let at = rng.gen_range(0..apdu.len());
                apdu[at] = rng.gen();
            }
        }
        if apdu.get(1) == Some(&0x47) || apdu.get(1) == Some(&0xFB) {
            // Keep the run fast and the card usable: no RSA generation, no resets.
            apdu[1] = 0xCB;
        }
        let r = card.transmit(&apdu);
        assert!(r.len() >= 2, "{apdu:02X?}");
    }
}

#[test]
fn fixture_state_files_still_load() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let factory = CardState::load(Path::new(&format!("{dir}/fixtures/vcard/factory.json")))
        .expect("factory fixture");
    assert_eq!(factory.serial, 10_000_001);
    let state = CardState::load(Path::new(&format!("{dir}/fixtures/vcard/provisioned.json")))
        .expect("provisioned fixture");
    let mut card = VirtualCard::new(state);
    card.power_on();
    assert_eq!(verify(&mut card, DEFAULT_PIN), 0x9000);
    let (meta, _) = call(&mut card, [0, 0xF7, 0, 0x9A], &[]);
    assert_eq!(
        find(&parse_all(&meta).expect("meta"), 0x01),
        Some(&[0x07][..]),
        "9A is RSA-2048"
    );
    let pem =
        std::fs::read_to_string(format!("{dir}/fixtures/vcard/provisioned-9a.crt")).expect("cert");
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("pem");
    let (container, sw) = call(&mut card, [0, 0xCB, 0x3F, 0xFF], &h("5C035FC105"));
    assert_eq!(sw, 0x9000);
    let inner = TlvReader::new(&container)
        .expect(0x53)
        .expect("53")
        .to_vec();
    assert_eq!(
        find(&parse_all(&inner).expect("container"), 0x70),
        Some(pem.contents.as_slice())
    );
    let mut input = vec![0u8; 256];
    input[255] = 9;
    assert_eq!(sign(&mut card, 0x9A, 0x07, &input).1, 0x9000);
}

#[test]
fn a_bad_state_file_is_told_in_the_operators_language() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("card.json");
    std::fs::write(&path, b"not a card").expect("write");
    let chain = |e: &VcardError| {
        let cause = std::error::Error::source(e).map(ToString::to_string);
        (e.to_string(), cause.unwrap_or_default())
    };
    let Err(err) = VirtualCard::open(&path) else {
        panic!("a file that is not JSON opens");
    };
    let (what, why) = crate::i18n::with_language("es_ES.UTF-8", || chain(&err));
    assert_eq!(
        what,
        format!("fichero de estado de la tarjeta {}", path.display())
    );
    assert_eq!(why, "el fichero no es un estado de tarjeta válido");
    let (_, why) = crate::i18n::with_language("ca_ES.UTF-8@valencia", || chain(&err));
    assert_eq!(why, "el fitxer no és un estat de targeta vàlid");
    // Nothing was overwritten.
    assert_eq!(std::fs::read(&path).expect("read"), b"not a card");
}
