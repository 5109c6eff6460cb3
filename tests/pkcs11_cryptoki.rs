//! `libsello.so` loaded through the `cryptoki` crate, as a Rust application would: the spec's
//! initialization rules, slots and tokens, objects, signatures verified on the host (RSA PKCS#1,
//! PSS, ECDSA), decryption, ECDH, the 9C key's PIN before every signature, PIN counters, many
//! threads, a card pulled between calls, and fork().
//!
//! libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, so all scenarios share one rig and
//! run in sequence inside one test.
#![allow(unsafe_code)] // fork()/waitpid() for the fork scenario; nothing else.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use rig::Bench;
use sha2::{Digest, Sha256};
use support::{module_path, provision, PIN};

/// The module, finalized on drop so a failed scenario does not leave it initialized.
struct Module(Pkcs11);

impl Module {
    fn load() -> Self {
        let p = Pkcs11::new(module_path()).expect("load libsello.so");
        p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
            .expect("C_Initialize");
        Self(p)
    }
    fn slot(&self) -> Slot {
        let slots = self.0.get_slots_with_token().expect("slots");
        *slots.first().expect("a token")
    }
    fn session(&self) -> Session {
        self.0.open_rw_session(self.slot()).expect("session")
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        let _ = self.0.clone().finalize();
    }
}

fn rv<T: std::fmt::Debug>(r: Result<T, Error>) -> RvError {
    match r {
        Err(Error::Pkcs11(rv, _)) => rv,
        other => panic!("expected a PKCS#11 error, got {other:?}"),
    }
}

fn pin(p: &str) -> AuthPin {
    AuthPin::new(p.into())
}

fn find(s: &Session, template: &[Attribute]) -> Vec<ObjectHandle> {
    s.find_objects(template).expect("find")
}

fn key(s: &Session, class: ObjectClass, id: u8) -> ObjectHandle {
    let found = find(s, &[Attribute::Class(class), Attribute::Id(vec![id])]);
    assert_eq!(found.len(), 1, "{class:?} with id {id}");
    found[0]
}

fn bytes_attr(s: &Session, o: ObjectHandle, t: AttributeType) -> Vec<u8> {
    match s.get_attributes(o, &[t]).expect("attribute").pop() {
        Some(Attribute::Modulus(v))
        | Some(Attribute::PublicExponent(v))
        | Some(Attribute::EcPoint(v))
        | Some(Attribute::Value(v))
        | Some(Attribute::Id(v)) => v,
        other => panic!("unexpected {other:?}"),
    }
}

fn rsa_public(s: &Session) -> rsa::RsaPublicKey {
    let k = key(s, ObjectClass::PUBLIC_KEY, 1);
    let n = bytes_attr(s, k, AttributeType::Modulus);
    let e = bytes_attr(s, k, AttributeType::PublicExponent);
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&n),
        rsa::BigUint::from_bytes_be(&e),
    )
    .expect("RSA key")
}

fn ec_public(s: &Session, id: u8) -> p256::ecdsa::VerifyingKey {
    let k = key(s, ObjectClass::PUBLIC_KEY, id);
    let point = bytes_attr(s, k, AttributeType::EcPoint);
    // DER OCTET STRING around the uncompressed point.
    assert_eq!(&point[..2], &[0x04, 65]);
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&point[2..]).expect("P-256 point")
}

#[test]
fn cryptoki_suite() {
    let mut b = Bench::start();
    provision(&b, true);
    // SAFETY-free: set before anything in this process talks to PC/SC.
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.rig.cache_dir());
    // The module's card connections log their APDUs here (PIN data redacted).
    let apdu_log = b.path("apdu.log");
    std::env::set_var("SELLO_APDU_LOG", &apdu_log);
    // No pinentry can be shown (whatever terminal or display the test runs under): a 9C
    // signature without a context-specific login is refused (tests/pkcs11_apps.rs has the
    // per-signature dialog).
    let config = b.path("sello.toml");
    std::fs::write(&config, "[pkcs11]\npinentry = \"/nonexistent/pinentry\"\n").expect("config");
    std::env::set_var("SELLO_CONFIG", &config);
    let reader = b.rig.reader_name(0).expect("reader").to_owned();

    initialize_rules();
    slots_tokens_and_objects();
    sign_and_verify_on_the_host();
    signature_key_needs_pin_every_time();
    decrypt_and_derive();
    operation_state_rules();
    wrong_pin_counts_and_flags();
    polling_never_touches_the_card(&apdu_log);
    login_never_leaks_between_applications(&reader);
    reset_by_another_application_logs_out(&reader);
    many_threads_sign_at_once();
    eddsa_with_the_card_authentication_key(&reader);
    fork_child_must_initialize_again();
    card_pulled_between_calls(&mut b);
}

fn initialize_rules() {
    let m = Module::load();
    assert_eq!(
        rv(m.0.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))),
        RvError::CryptokiAlreadyInitialized
    );
    let info = m.0.get_library_info().expect("C_GetInfo");
    assert_eq!(info.manufacturer_id(), "Sello");
    let p = m.0.clone();
    drop(m);
    assert_eq!(rv(p.get_all_slots()), RvError::CryptokiNotInitialized);
    // Initialize again after finalize: works.
    let m = Module::load();
    assert_eq!(m.0.get_all_slots().expect("slots").len(), 2);
    assert_eq!(m.0.get_slots_with_token().expect("slots").len(), 1);
}

fn slots_tokens_and_objects() {
    let m = Module::load();
    let slot = m.slot();
    let si = m.0.get_slot_info(slot).expect("slot info");
    assert!(si.hardware_slot() && si.removable_device() && si.token_present());
    assert!(si.slot_description().starts_with("Virtual PCD 00 00"));
    let ti = m.0.get_token_info(slot).expect("token info");
    assert_eq!(ti.label(), "Alice Holder");
    assert_eq!(ti.serial_number(), "10000001");
    assert!(ti.login_required() && ti.user_pin_initialized() && ti.token_initialized());
    assert!(!ti.user_pin_count_low() && !ti.user_pin_locked());
    assert_eq!((ti.min_pin_length(), ti.max_pin_length()), (6, 8));

    let s = m.session();
    let certs = find(&s, &[Attribute::Class(ObjectClass::CERTIFICATE)]);
    assert_eq!(certs.len(), 3);
    let c = key(&s, ObjectClass::CERTIFICATE, 1);
    let attrs = s
        .get_attributes(c, &[AttributeType::CertificateType, AttributeType::Label])
        .expect("attrs");
    assert_eq!(attrs[0], Attribute::CertificateType(CertificateType::X_509));
    let der = bytes_attr(&s, c, AttributeType::Value);
    assert_eq!(der[0], 0x30);
    assert_eq!(
        find(&s, &[Attribute::Class(ObjectClass::PUBLIC_KEY)]).len(),
        3
    );
    // Private keys are CKA_PRIVATE: hidden until login (as OpenSC's PIV view does).
    assert!(find(&s, &[Attribute::Class(ObjectClass::PRIVATE_KEY)]).is_empty());
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let keys = find(&s, &[Attribute::Class(ObjectClass::PRIVATE_KEY)]);
    assert_eq!(keys.len(), 3);
    let sig_key = key(&s, ObjectClass::PRIVATE_KEY, 2);
    let a = s
        .get_attributes(
            sig_key,
            &[
                AttributeType::KeyType,
                AttributeType::AlwaysAuthenticate,
                AttributeType::Sensitive,
                AttributeType::Extractable,
                AttributeType::Sign,
            ],
        )
        .expect("attrs");
    assert_eq!(
        a,
        vec![
            Attribute::KeyType(KeyType::EC),
            Attribute::AlwaysAuthenticate(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
        ]
    );
    // The private value is sensitive; a public key has no private exponent.
    let info = s
        .get_attribute_info(
            sig_key,
            &[
                AttributeType::Value,
                AttributeType::Modulus,
                AttributeType::EcParams,
            ],
        )
        .expect("info");
    assert!(
        matches!(info[0], cryptoki::object::AttributeInfo::Sensitive),
        "{info:?}"
    );
    assert!(
        matches!(info[1], cryptoki::object::AttributeInfo::TypeInvalid),
        "{info:?}"
    );
    assert!(
        matches!(info[2], cryptoki::object::AttributeInfo::Available(10)),
        "{info:?}"
    );
    let auth_key = key(&s, ObjectClass::PRIVATE_KEY, 1);
    let a = s
        .get_attributes(
            auth_key,
            &[AttributeType::AlwaysAuthenticate, AttributeType::Decrypt],
        )
        .expect("attrs");
    assert_eq!(
        a,
        vec![
            Attribute::AlwaysAuthenticate(false),
            Attribute::Decrypt(true)
        ]
    );
    // A second login is refused; the session shows the user state.
    assert_eq!(
        rv(s.login(UserType::User, Some(&pin(PIN)))),
        RvError::UserAlreadyLoggedIn
    );
    s.logout().expect("logout");
    assert_eq!(rv(s.logout()), RvError::UserNotLoggedIn);
    // The mechanism info tells real sizes.
    let mi =
        m.0.get_mechanism_info(slot, MechanismType::RSA_PKCS)
            .expect("info");
    assert_eq!((mi.min_key_size(), mi.max_key_size()), (1024, 4096));
    assert!(mi.sign() && mi.decrypt());
}

fn sign_and_verify_on_the_host() {
    use rsa::signature::Verifier;
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    let public = rsa_public(&s);
    let msg = b"a message signed through cryptoki";

    let sig = s.sign(&Mechanism::Sha256RsaPkcs, k, msg).expect("sign");
    public
        .verify(
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(msg),
            &sig,
        )
        .expect("PKCS#1 v1.5 verifies");

    let pss = PkcsPssParams {
        hash_alg: MechanismType::SHA256,
        mgf: PkcsMgfType::MGF1_SHA256,
        s_len: 32.into(),
    };
    let sig = s
        .sign(&Mechanism::Sha256RsaPkcsPss(pss), k, msg)
        .expect("PSS");
    public
        .verify(rsa::Pss::new::<Sha256>(), &Sha256::digest(msg), &sig)
        .expect("PSS verifies");

    // Multi-part: C_SignUpdate twice, C_SignFinal.
    s.sign_init(&Mechanism::Sha256RsaPkcsPss(pss), k)
        .expect("init");
    s.sign_update(&msg[..10]).expect("update");
    s.sign_update(&msg[10..]).expect("update");
    let sig = s.sign_final().expect("final");
    public
        .verify(rsa::Pss::new::<Sha256>(), &Sha256::digest(msg), &sig)
        .expect("multi-part PSS verifies");

    // Raw PKCS#1 v1.5 over a DigestInfo the caller built.
    let di = [
        &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ][..],
        &Sha256::digest(msg)[..],
    ]
    .concat();
    let sig = s.sign(&Mechanism::RsaPkcs, k, &di).expect("RSA-PKCS");
    public
        .verify(
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(msg),
            &sig,
        )
        .expect("raw PKCS#1 verifies");

    // ECDSA with the 9C key (context-specific login right before).
    let ec = key(&s, ObjectClass::PRIVATE_KEY, 2);
    let vk = ec_public(&s, 2);
    s.sign_init(&Mechanism::EcdsaSha256, ec).expect("init");
    s.login(UserType::ContextSpecific, Some(&pin(PIN)))
        .expect("context login");
    s.sign_update(msg).expect("update");
    let sig = s.sign_final().expect("ECDSA");
    assert_eq!(sig.len(), 64, "raw r || s");
    let sig = p256::ecdsa::Signature::from_slice(&sig).expect("r||s");
    vk.verify(msg, &sig).expect("ECDSA verifies");
}

fn signature_key_needs_pin_every_time() {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let ec = key(&s, ObjectClass::PRIVATE_KEY, 2);
    let vk = ec_public(&s, 2);
    let hash = Sha256::digest(b"two signatures, two PINs");
    for _ in 0..2 {
        s.sign_init(&Mechanism::Ecdsa, ec).expect("init");
        s.login(UserType::ContextSpecific, Some(&pin(PIN)))
            .expect("context login");
        let sig = s.sign(&Mechanism::Ecdsa, ec, &hash);
        // cryptoki's `sign` calls C_SignInit itself; the first init is still active.
        assert_eq!(rv(sig), RvError::OperationActive);
        let raw = sign_raw(&s, &hash).expect("sign with the context PIN");
        let sig = p256::ecdsa::Signature::from_slice(&raw).expect("r||s");
        vk.verify_prehash(&hash, &sig).expect("verifies");
    }
    // A wrong context PIN is reported by the signature (VERIFY and GENERAL AUTHENTICATE go
    // together) and counts against the PIN.
    s.sign_init(&Mechanism::Ecdsa, ec).expect("init");
    s.login(UserType::ContextSpecific, Some(&pin("999999")))
        .expect("kept for the operation");
    assert_eq!(rv(sign_raw(&s, &hash)), RvError::PinIncorrect);
    assert!(m
        .0
        .get_token_info(m.slot())
        .expect("info")
        .user_pin_count_low());
    s.sign_init(&Mechanism::Ecdsa, ec).expect("init");
    s.login(UserType::ContextSpecific, Some(&pin(PIN)))
        .expect("context login");
    sign_raw(&s, &hash).expect("right PIN");
    assert!(!m
        .0
        .get_token_info(m.slot())
        .expect("info")
        .user_pin_count_low());
    // Without the context-specific login, and no pinentry to ask the holder with, the 9C key
    // refuses, even when logged in.
    let r = s.sign(&Mechanism::Ecdsa, ec, &hash);
    assert_eq!(rv(r), RvError::UserNotLoggedIn);
}

/// Finishes the active sign operation of `s` with C_Sign (size query, then the signature).
fn sign_raw(s: &Session, data: &[u8]) -> Result<Vec<u8>, Error> {
    s.sign_update(data)?;
    s.sign_final()
}

fn decrypt_and_derive() {
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    let public = rsa_public(&s);
    let mut rng = rand::thread_rng();

    let ct = public
        .encrypt(&mut rng, rsa::Pkcs1v15Encrypt, b"session key")
        .expect("enc");
    assert_eq!(
        s.decrypt(&Mechanism::RsaPkcs, k, &ct).expect("decrypt"),
        b"session key"
    );
    // A ciphertext with bad padding gets the one uniform error. The block is built, not random
    // (an OAEP ciphertext read as PKCS#1 v1.5 has valid padding about once in 256 runs):
    // 00 02 and then no zero byte, so there is no separator before a message.
    let n = rsa::traits::PublicKeyParts::n(&public);
    let e = rsa::traits::PublicKeyParts::e(&public);
    let size = rsa::traits::PublicKeyParts::size(&public);
    let mut block = vec![0x01u8; size];
    block[0] = 0x00;
    block[1] = 0x02;
    let c = rsa::BigUint::from_bytes_be(&block)
        .modpow(e, n)
        .to_bytes_be();
    let mut bad = vec![0u8; size - c.len()];
    bad.extend_from_slice(&c);
    assert_eq!(
        rv(s.decrypt(&Mechanism::RsaPkcs, k, &bad)),
        RvError::EncryptedDataInvalid
    );
    let raw = public
        .encrypt(&mut rng, rsa::Oaep::new::<Sha256>(), b"oaep secret")
        .expect("enc");
    let oaep = PkcsOaepParams::new(
        MechanismType::SHA256,
        PkcsMgfType::MGF1_SHA256,
        PkcsOaepSource::empty(),
    );
    assert_eq!(
        s.decrypt(&Mechanism::RsaPkcsOaep(oaep), k, &raw)
            .expect("OAEP"),
        b"oaep secret"
    );

    // ECDH with the 9D key: same secret as the host computes with the card's public key.
    let d = key(&s, ObjectClass::PRIVATE_KEY, 3);
    let card_pub = ec_public(&s, 3);
    let eph = p256::ecdh::EphemeralSecret::random(&mut rand_core::OsRng);
    let eph_pub = p256::EncodedPoint::from(eph.public_key());
    let params = cryptoki::mechanism::elliptic_curve::Ecdh1DeriveParams::new(
        cryptoki::mechanism::elliptic_curve::EcKdf::null(),
        eph_pub.as_bytes(),
    );
    let secret = s
        .derive_key(
            &Mechanism::Ecdh1Derive(params),
            d,
            &[
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::KeyType(KeyType::GENERIC_SECRET),
                Attribute::Sensitive(false),
                Attribute::Extractable(true),
            ],
        )
        .expect("derive");
    let value = bytes_attr(&s, secret, AttributeType::Value);
    let host = eph.diffie_hellman(
        &p256::PublicKey::from_sec1_bytes(card_pub.to_encoded_point(false).as_bytes()).expect("pk"),
    );
    assert_eq!(value, host.raw_secret_bytes().to_vec());
}

fn operation_state_rules() {
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    assert_eq!(rv(s.sign_final()), RvError::OperationNotInitialized);
    s.sign_init(&Mechanism::Sha256RsaPkcs, k).expect("init");
    assert_eq!(
        rv(s.sign_init(&Mechanism::Sha256RsaPkcs, k)),
        RvError::OperationActive
    );
    s.sign_update(b"x").expect("update");
    s.sign_final().expect("final");
    // Wrong mechanism for the key.
    assert_eq!(
        rv(s.sign_init(&Mechanism::Ecdsa, k)),
        RvError::KeyTypeInconsistent
    );
    // PSS without parameters.
    assert_eq!(
        rv(s.sign_init(&Mechanism::RsaPkcs, key(&s, ObjectClass::PRIVATE_KEY, 3))),
        RvError::KeyFunctionNotPermitted
    );
}

fn wrong_pin_counts_and_flags() {
    let m = Module::load();
    let slot = m.slot();
    let s = m.session();
    assert_eq!(
        rv(s.login(UserType::User, Some(&pin("999999")))),
        RvError::PinIncorrect
    );
    let ti = m.0.get_token_info(slot).expect("info");
    assert!(ti.user_pin_count_low() && !ti.user_pin_final_try());
    assert_eq!(
        rv(s.login(UserType::User, Some(&pin("999999")))),
        RvError::PinIncorrect
    );
    let ti = m.0.get_token_info(slot).expect("info");
    assert!(ti.user_pin_final_try());
    assert_eq!(
        rv(s.login(UserType::User, Some(&pin("12345")))),
        RvError::PinLenRange
    );
    s.login(UserType::User, Some(&pin(PIN)))
        .expect("login resets the counter");
    let ti = m.0.get_token_info(slot).expect("info");
    assert!(!ti.user_pin_count_low() && !ti.user_pin_final_try());
}

fn many_threads_sign_at_once() {
    let m = Module::load();
    let slot = m.slot();
    let login = m.session();
    login.login(UserType::User, Some(&pin(PIN))).expect("login");
    let public = rsa_public(&login);
    let handles: Vec<_> = (0..6)
        .map(|t| {
            let p = m.0.clone();
            std::thread::spawn(move || {
                let s = p.open_ro_session(slot).expect("session");
                let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
                (0..4)
                    .map(|i| {
                        let msg = format!("thread {t} message {i}").into_bytes();
                        let sig = s.sign(&Mechanism::Sha256RsaPkcs, k, &msg).expect("sign");
                        (msg, sig)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for (msg, sig) in h.join().expect("thread") {
            public
                .verify(
                    rsa::Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(&msg),
                    &sig,
                )
                .expect("verifies");
        }
    }
}

fn fork_child_must_initialize_again() {
    let m = Module::load();
    assert!(!m.0.get_all_slots().expect("slots").is_empty());
    // SAFETY: the child only calls into the module (async-signal-unsafe calls are acceptable
    // here: the test process has no other thread holding the module's locks at this point) and
    // leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        let code = match m.0.get_all_slots() {
            Err(Error::Pkcs11(RvError::CryptokiNotInitialized, _)) => {
                match m
                    .0
                    .initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
                {
                    Ok(()) if m.0.get_slots_with_token().map(|s| s.len()).ok() == Some(1) => 0,
                    _ => 2,
                }
            }
            _ => 1,
        };
        // SAFETY: ends the child without running the parent's destructors or test harness.
        unsafe { libc::_exit(code) };
    }
    // Wait at most 30 s: a child stuck inside libpcsclite must fail the test, not hang CI.
    let mut status = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        // SAFETY: polls the child created above.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        if std::time::Instant::now() > deadline {
            // SAFETY: kills and reaps our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("the forked child hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(libc::WIFEXITED(status), "child did not exit");
    assert_eq!(
        libc::WEXITSTATUS(status),
        0,
        "child: 1 = not NOT_INITIALIZED, 2 = re-init failed"
    );
    // The parent is untouched.
    assert!(!m.0.get_all_slots().expect("slots").is_empty());
}

fn card_pulled_between_calls(b: &mut Bench) {
    let m = Module::load();
    let slot = m.slot();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    s.sign(&Mechanism::Sha256RsaPkcs, k, b"before")
        .expect("sign");
    b.rig.remove_card(0).expect("remove");
    let r = s.sign(&Mechanism::Sha256RsaPkcs, k, b"after");
    assert!(
        matches!(
            rv(r),
            RvError::DeviceRemoved | RvError::SessionHandleInvalid
        ),
        "signing without the card"
    );
    assert!(m.0.get_slots_with_token().expect("slots").is_empty());
    assert_eq!(rv(m.0.open_ro_session(slot)), RvError::TokenNotPresent);
    assert_eq!(rv(m.0.get_token_info(slot)), RvError::TokenNotPresent);
    // Slot events: the removal was seen; a blocking wait returns when the card is back.
    assert_eq!(m.0.get_slot_event().expect("event"), Some(slot));
    assert_eq!(m.0.get_slot_event().expect("no event"), None);
    let p = m.0.clone();
    let waiter = std::thread::spawn(move || p.wait_for_slot_event());
    b.rig.insert_card(0).expect("insert");
    assert_eq!(waiter.join().expect("waiter").expect("event"), slot);
    let mut tries = 0;
    while m.0.get_slots_with_token().expect("slots").is_empty() {
        tries += 1;
        assert!(tries < 50, "card not seen again");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Recovery: a new session works; login state did not survive the removal.
    let s = m.session();
    let info = s.get_session_info().expect("info");
    assert!(!matches!(
        info.session_state(),
        cryptoki::session::SessionState::RwUser
    ));
    s.login(UserType::User, Some(&pin(PIN)))
        .expect("login again");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    s.sign(&Mechanism::Sha256RsaPkcs, k, b"after reinsertion")
        .expect("sign");
}

fn log_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn polling_never_touches_the_card(apdu_log: &std::path::Path) {
    let m = Module::load();
    let slot = m.slot();
    let s = m.session();
    m.0.get_token_info(slot).expect("first read");
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let before = log_len(apdu_log);
    assert!(before > 0, "the APDU log is written");
    for _ in 0..20 {
        m.0.get_token_info(slot).expect("token info");
        m.0.get_slot_info(slot).expect("slot info");
        m.0.get_slots_with_token().expect("slots");
        s.get_session_info().expect("session info");
        let _ = m.0.get_slot_event();
    }
    assert_eq!(log_len(apdu_log), before, "polling sent APDUs");
}

fn login_never_leaks_between_applications(reader: &str) {
    use sello::card::piv::PivCard;
    // Our login ends with C_Finalize: the card is logged out (VERIFY P1=FF).
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    drop(s);
    drop(m);
    let mut other = PivCard::open_reader(reader).expect("another application");
    assert!(
        !other.pin_status().expect("status").verified,
        "left logged in"
    );
    // Another application verifies the PIN: this module is still not logged in.
    other
        .verify_pin(&sello::pin::Pin::new(PIN).expect("pin"))
        .expect("verify");
    let m = Module::load();
    let s = m.session();
    assert!(matches!(
        s.get_session_info().expect("info").session_state(),
        cryptoki::session::SessionState::RwPublic
    ));
    assert!(find(&s, &[Attribute::Class(ObjectClass::PRIVATE_KEY)]).is_empty());
    let k = find(
        &s,
        &[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(vec![1]),
        ],
    );
    assert_eq!(k.len(), 1);
    other.logout().expect("logout");
}

fn reset_by_another_application_logs_out(reader: &str) {
    let m = Module::load();
    let s = m.session();
    s.login(UserType::User, Some(&pin(PIN))).expect("login");
    let k = key(&s, ObjectClass::PRIVATE_KEY, 1);
    s.sign(&Mechanism::Sha256RsaPkcs, k, b"before reset")
        .expect("sign");
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcsc");
    let name = std::ffi::CString::new(reader).expect("name");
    let card = ctx
        .connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        .expect("connect");
    card.disconnect(pcsc::Disposition::ResetCard)
        .map_err(|(_, e)| e)
        .expect("reset");
    assert_eq!(
        rv(s.sign(&Mechanism::Sha256RsaPkcs, k, b"after reset")),
        RvError::UserNotLoggedIn
    );
    assert!(matches!(
        s.get_session_info().expect("info").session_state(),
        cryptoki::session::SessionState::RwPublic
    ));
    s.login(UserType::User, Some(&pin(PIN)))
        .expect("login again");
    s.sign(&Mechanism::Sha256RsaPkcs, k, b"after login")
        .expect("sign");
}

fn eddsa_with_the_card_authentication_key(reader: &str) {
    use ed25519_dalek::Verifier;
    use sello::card::piv::{PinPolicy, PivCard, Slot, TouchPolicy};
    use sello::card::KeyAlgorithm;
    {
        let mut card = PivCard::open_reader(reader).expect("card");
        card.authenticate(&sello::pin::ManagementKey::default_3des())
            .expect("management key");
        card.generate_key(
            Slot::CARD_AUTHENTICATION,
            KeyAlgorithm::Ed25519,
            PinPolicy::Default,
            TouchPolicy::Default,
        )
        .expect("generate Ed25519 in 9E");
    }
    let m = Module::load();
    let s = m.session();
    // 9E needs no PIN: its private key is visible and usable without login.
    let k = key(&s, ObjectClass::PRIVATE_KEY, 4);
    let pk = key(&s, ObjectClass::PUBLIC_KEY, 4);
    let point = bytes_attr(&s, pk, AttributeType::EcPoint);
    assert_eq!(&point[..2], &[0x04, 32]);
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&point[2..].try_into().expect("32 bytes"))
        .expect("Ed25519 key");
    let msg = b"card authentication with EdDSA";
    let sig = s
        .sign(
            &Mechanism::Eddsa(cryptoki::mechanism::eddsa::EddsaParams::new(
                cryptoki::mechanism::eddsa::EddsaSignatureScheme::Pure,
            )),
            k,
            msg,
        )
        .expect("EdDSA");
    let sig = ed25519_dalek::Signature::from_slice(&sig).expect("64 bytes");
    vk.verify(msg, &sig).expect("EdDSA verifies");
}
