//! The spec's argument and state rules, checked through the raw C interface of the built
//! `libsello.so` (loaded with `dlopen`, called through its 2.40 function list): NULL pointers,
//! invalid handles, operation states, the output-size conventions of §5.2 and §5.7.
#![allow(unsafe_code)] // dlopen and raw PKCS#11 calls are the point of this test.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use cryptoki_sys::*;
use std::ffi::CString;
use std::ptr::null_mut;

use rig::Bench;
use support::{module, provision, PIN};

#[derive(Clone, Copy)]
struct Lib(&'static CK_FUNCTION_LIST);

fn load() -> Lib {
    let path = CString::new(module()).expect("path");
    // SAFETY: loads our own module; the handle is kept for the life of the process.
    let h = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW) };
    assert!(!h.is_null(), "dlopen");
    // SAFETY: looks up an exported symbol of the module just loaded.
    let sym = unsafe { libc::dlsym(h, c"C_GetFunctionList".as_ptr()) };
    assert!(!sym.is_null(), "C_GetFunctionList exported");
    // SAFETY: the symbol is `CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR)`.
    let gfl: unsafe extern "C" fn(CK_FUNCTION_LIST_PTR_PTR) -> CK_RV =
        unsafe { std::mem::transmute(sym) };
    let mut list: CK_FUNCTION_LIST_PTR = null_mut();
    // SAFETY: valid out pointer.
    assert_eq!(unsafe { gfl(&mut list) }, CKR_OK);
    // SAFETY: the module returns a pointer to its static function list.
    Lib(unsafe { &*list })
}

/// Calls a function of the list.
macro_rules! call {
    ($l:expr, $f:ident($($a:expr),* $(,)?)) => {
        // SAFETY: every pointer passed below is valid for the call or deliberately NULL.
        unsafe { ($l.0.$f.expect(stringify!($f)))($($a),*) }
    };
}

fn ulong_attr(t: CK_ATTRIBUTE_TYPE, v: &mut CK_ULONG) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        type_: t,
        pValue: v as *mut CK_ULONG as *mut _,
        ulValueLen: std::mem::size_of::<CK_ULONG>() as CK_ULONG,
    }
}

#[test]
fn argument_and_state_rules() {
    let b = Bench::start();
    provision(&b, false);
    std::env::set_var(sello::virtual_card::rig::SOCKET_ENV, b.rig.socket_path());
    std::env::set_var("XDG_CACHE_HOME", b.rig.cache_dir());
    let l = load();
    assert_eq!((l.0.version.major, l.0.version.minor), (2, 40));

    // Initialization.
    let mut count: CK_ULONG = 0;
    assert_eq!(
        call!(l, C_GetSlotList(CK_TRUE, null_mut(), &mut count)),
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
    assert_eq!(call!(l, C_Initialize(null_mut())), CKR_OK);
    assert_eq!(
        call!(l, C_Initialize(null_mut())),
        CKR_CRYPTOKI_ALREADY_INITIALIZED
    );

    // Slot list: NULL count, size query, short buffer.
    assert_eq!(
        call!(l, C_GetSlotList(CK_TRUE, null_mut(), null_mut())),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(l, C_GetSlotList(CK_TRUE, null_mut(), &mut count)),
        CKR_OK
    );
    assert_eq!(count, 1);
    let mut slots = [0 as CK_SLOT_ID; 4];
    let mut short: CK_ULONG = 0;
    assert_eq!(
        call!(l, C_GetSlotList(CK_FALSE, slots.as_mut_ptr(), &mut short)),
        CKR_BUFFER_TOO_SMALL
    );
    assert_eq!(short, 2);
    count = 4;
    assert_eq!(
        call!(l, C_GetSlotList(CK_TRUE, slots.as_mut_ptr(), &mut count)),
        CKR_OK
    );
    let slot = slots[0];
    let mut ti: CK_TOKEN_INFO = unsafe { std::mem::zeroed() };
    assert_eq!(
        call!(l, C_GetTokenInfo(slot, null_mut())),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(call!(l, C_GetTokenInfo(999, &mut ti)), CKR_SLOT_ID_INVALID);
    assert_eq!(call!(l, C_GetTokenInfo(slot, &mut ti)), CKR_OK);
    assert_eq!(&ti.label[..12], b"Alice Holder");
    let mut ev: CK_SLOT_ID = 0;
    assert_eq!(
        call!(l, C_WaitForSlotEvent(CKF_DONT_BLOCK, &mut ev, null_mut())),
        CKR_NO_EVENT
    );
    let mut mi: CK_MECHANISM_INFO = unsafe { std::mem::zeroed() };
    assert_eq!(
        call!(l, C_GetMechanismInfo(slot, CKM_DES3_ECB, &mut mi)),
        CKR_MECHANISM_INVALID
    );

    // Sessions.
    let mut h: CK_SESSION_HANDLE = 0;
    assert_eq!(
        call!(l, C_OpenSession(slot, 0, null_mut(), None, &mut h)),
        CKR_SESSION_PARALLEL_NOT_SUPPORTED
    );
    assert_eq!(
        call!(
            l,
            C_OpenSession(slot, CKF_SERIAL_SESSION, null_mut(), None, null_mut())
        ),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(
            l,
            C_OpenSession(
                slot,
                CKF_SERIAL_SESSION | CKF_RW_SESSION,
                null_mut(),
                None,
                &mut h
            )
        ),
        CKR_OK
    );
    assert_ne!(h, 0);
    let mut h2: CK_SESSION_HANDLE = 0;
    assert_eq!(
        call!(
            l,
            C_OpenSession(slot, CKF_SERIAL_SESSION, null_mut(), None, &mut h2)
        ),
        CKR_OK
    );
    assert_ne!(h, h2);
    assert_eq!(
        call!(l, C_Login(h, CKU_USER, null_mut(), 0)),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(l, C_Login(h, 77, PIN.as_ptr() as *mut _, 6)),
        CKR_USER_TYPE_INVALID
    );
    assert_eq!(
        call!(l, C_Login(h, CKU_USER, PIN.as_ptr() as *mut _, 6)),
        CKR_OK
    );
    assert_eq!(
        call!(l, C_Login(12345, CKU_USER, PIN.as_ptr() as *mut _, 6)),
        CKR_SESSION_HANDLE_INVALID
    );

    // Finding the 9A private key.
    let mut found: [CK_OBJECT_HANDLE; 4] = [0; 4];
    let mut n: CK_ULONG = 0;
    assert_eq!(
        call!(l, C_FindObjects(h, found.as_mut_ptr(), 4, &mut n)),
        CKR_OPERATION_NOT_INITIALIZED
    );
    let mut class = CKO_PRIVATE_KEY;
    let mut id = [1u8];
    let mut template = [
        ulong_attr(CKA_CLASS, &mut class),
        CK_ATTRIBUTE {
            type_: CKA_ID,
            pValue: id.as_mut_ptr() as *mut _,
            ulValueLen: 1,
        },
    ];
    assert_eq!(
        call!(l, C_FindObjectsInit(h, null_mut(), 2)),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(l, C_FindObjectsInit(h, template.as_mut_ptr(), 2)),
        CKR_OK
    );
    assert_eq!(
        call!(l, C_FindObjectsInit(h, template.as_mut_ptr(), 2)),
        CKR_OPERATION_ACTIVE
    );
    assert_eq!(
        call!(l, C_FindObjects(h, null_mut(), 4, &mut n)),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(l, C_FindObjects(h, found.as_mut_ptr(), 4, &mut n)),
        CKR_OK
    );
    assert_eq!(n, 1);
    assert_eq!(call!(l, C_FindObjectsFinal(h)), CKR_OK);
    assert_eq!(
        call!(l, C_FindObjectsFinal(h)),
        CKR_OPERATION_NOT_INITIALIZED
    );
    let key = found[0];

    // C_GetAttributeValue: size query, sensitive, invalid, too small — all processed.
    let mut one = [0u8; 1];
    let mut attrs = [
        CK_ATTRIBUTE {
            type_: CKA_MODULUS,
            pValue: null_mut(),
            ulValueLen: 0,
        },
        CK_ATTRIBUTE {
            type_: CKA_PRIVATE_EXPONENT,
            pValue: null_mut(),
            ulValueLen: 0,
        },
        CK_ATTRIBUTE {
            type_: 0x7FFF_0000,
            pValue: null_mut(),
            ulValueLen: 0,
        },
        CK_ATTRIBUTE {
            type_: CKA_KEY_TYPE,
            pValue: one.as_mut_ptr() as *mut _,
            ulValueLen: 1,
        },
    ];
    let rv = call!(l, C_GetAttributeValue(h, key, attrs.as_mut_ptr(), 4));
    assert!(
        [
            CKR_ATTRIBUTE_SENSITIVE,
            CKR_ATTRIBUTE_TYPE_INVALID,
            CKR_BUFFER_TOO_SMALL
        ]
        .contains(&rv),
        "{rv:#x}"
    );
    assert_eq!(attrs[0].ulValueLen, 256);
    assert_eq!(attrs[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_eq!(attrs[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_eq!(attrs[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_eq!(
        call!(l, C_GetAttributeValue(h, 0xDEAD, attrs.as_mut_ptr(), 1)),
        CKR_OBJECT_HANDLE_INVALID
    );

    // Signing: state rules and the §5.2 output convention.
    let data = b"size queries do not end the operation";
    let mut sig = [0u8; 512];
    let mut len: CK_ULONG = 0;
    assert_eq!(
        call!(
            l,
            C_Sign(
                h,
                data.as_ptr() as *mut _,
                data.len() as CK_ULONG,
                sig.as_mut_ptr(),
                &mut len
            )
        ),
        CKR_OPERATION_NOT_INITIALIZED
    );
    let mut mech = CK_MECHANISM {
        mechanism: CKM_SHA256_RSA_PKCS,
        pParameter: null_mut(),
        ulParameterLen: 0,
    };
    assert_eq!(call!(l, C_SignInit(h, null_mut(), key)), CKR_ARGUMENTS_BAD);
    assert_eq!(
        call!(l, C_SignInit(h, &mut mech, 0xDEAD)),
        CKR_KEY_HANDLE_INVALID
    );
    assert_eq!(call!(l, C_SignInit(h, &mut mech, key)), CKR_OK);
    assert_eq!(
        call!(l, C_SignInit(h, &mut mech, key)),
        CKR_OPERATION_ACTIVE
    );
    let dlen = data.len() as CK_ULONG;
    assert_eq!(
        call!(
            l,
            C_Sign(
                h,
                data.as_ptr() as *mut _,
                dlen,
                sig.as_mut_ptr(),
                null_mut()
            )
        ),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(
        call!(
            l,
            C_Sign(h, data.as_ptr() as *mut _, dlen, null_mut(), &mut len)
        ),
        CKR_OK
    );
    assert_eq!(len, 256);
    len = 10;
    assert_eq!(
        call!(
            l,
            C_Sign(h, data.as_ptr() as *mut _, dlen, sig.as_mut_ptr(), &mut len)
        ),
        CKR_BUFFER_TOO_SMALL
    );
    assert_eq!(len, 256);
    len = 512;
    assert_eq!(
        call!(
            l,
            C_Sign(h, data.as_ptr() as *mut _, dlen, sig.as_mut_ptr(), &mut len)
        ),
        CKR_OK
    );
    assert_eq!(len, 256);
    assert_eq!(
        call!(
            l,
            C_Sign(h, data.as_ptr() as *mut _, dlen, sig.as_mut_ptr(), &mut len)
        ),
        CKR_OPERATION_NOT_INITIALIZED,
        "a completed C_Sign ends the operation"
    );
    assert_eq!(
        call!(l, C_SignUpdate(h, data.as_ptr() as *mut _, dlen)),
        CKR_OPERATION_NOT_INITIALIZED
    );

    // Functions the module does not offer are in the table and say so.
    assert_eq!(
        call!(l, C_EncryptInit(h, &mut mech, key)),
        CKR_FUNCTION_NOT_SUPPORTED
    );
    // C_DigestInit is offered (in software), but not with a signature mechanism.
    assert_eq!(call!(l, C_DigestInit(h, &mut mech)), CKR_MECHANISM_INVALID);
    assert_eq!(
        call!(l, C_GenerateRandom(h, sig.as_mut_ptr(), 8)),
        CKR_RANDOM_NO_RNG
    );
    assert_eq!(call!(l, C_CancelFunction(h)), CKR_FUNCTION_NOT_PARALLEL);

    // C_CloseAllSessions: every handle of the slot is invalid afterwards, and never reused.
    assert_eq!(call!(l, C_CloseAllSessions(slot)), CKR_OK);
    let mut si: CK_SESSION_INFO = unsafe { std::mem::zeroed() };
    assert_eq!(
        call!(l, C_GetSessionInfo(h, &mut si)),
        CKR_SESSION_HANDLE_INVALID
    );
    assert_eq!(
        call!(l, C_GetSessionInfo(h2, &mut si)),
        CKR_SESSION_HANDLE_INVALID
    );
    assert_eq!(call!(l, C_CloseSession(h)), CKR_SESSION_HANDLE_INVALID);
    let mut h3: CK_SESSION_HANDLE = 0;
    assert_eq!(
        call!(
            l,
            C_OpenSession(slot, CKF_SERIAL_SESSION, null_mut(), None, &mut h3)
        ),
        CKR_OK
    );
    assert!(h3 != h && h3 != h2 && h3 != key);
    // Closing the last session logged the application out.
    assert_eq!(call!(l, C_GetSessionInfo(h3, &mut si)), CKR_OK);
    assert_eq!(si.state, CKS_RO_PUBLIC_SESSION);

    // Finalize.
    assert_eq!(
        call!(l, C_Finalize(std::ptr::dangling_mut::<u8>() as *mut _)),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(call!(l, C_Finalize(null_mut())), CKR_OK);
    assert_eq!(
        call!(l, C_Finalize(null_mut())),
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
    assert_eq!(
        call!(l, C_GetSessionInfo(h3, &mut si)),
        CKR_CRYPTOKI_NOT_INITIALIZED
    );

    application_mutex(l);
}

/// An application's mutex functions for `C_Initialize`: a real lock that counts what the module
/// does with it (one test per process: the counters are this scenario's).
mod app {
    use cryptoki_sys::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::sync::{Condvar, Mutex};

    pub static CREATED: AtomicUsize = AtomicUsize::new(0);
    pub static DESTROYED: AtomicUsize = AtomicUsize::new(0);
    pub static LOCKS: AtomicUsize = AtomicUsize::new(0);
    pub static UNLOCKS: AtomicUsize = AtomicUsize::new(0);
    /// DestroyMutex came while the mutex was held, or UnlockMutex while it was not.
    pub static MISUSED: AtomicBool = AtomicBool::new(false);
    pub static FAIL_CREATE: AtomicBool = AtomicBool::new(false);
    pub static FAIL_LOCK: AtomicBool = AtomicBool::new(false);

    struct Lock {
        locked: Mutex<bool>,
        free: Condvar,
    }

    fn get<'a>(p: CK_VOID_PTR) -> &'a Lock {
        // SAFETY: `p` came from `create` and the module has not destroyed it (else MISUSED).
        unsafe { &*(p as *const Lock) }
    }

    pub extern "C" fn create(pp: CK_VOID_PTR_PTR) -> CK_RV {
        if FAIL_CREATE.load(SeqCst) {
            return CKR_HOST_MEMORY;
        }
        let l = Box::new(Lock {
            locked: Mutex::new(false),
            free: Condvar::new(),
        });
        // SAFETY: the module passes a writable location.
        unsafe { *pp = Box::into_raw(l) as CK_VOID_PTR };
        CREATED.fetch_add(1, SeqCst);
        CKR_OK
    }

    pub extern "C" fn lock(p: CK_VOID_PTR) -> CK_RV {
        if FAIL_LOCK.load(SeqCst) {
            return CKR_MUTEX_BAD;
        }
        let l = get(p);
        let Ok(mut g) = l.locked.lock() else {
            return CKR_GENERAL_ERROR;
        };
        while *g {
            g = match l.free.wait(g) {
                Ok(g) => g,
                Err(_) => return CKR_GENERAL_ERROR,
            };
        }
        *g = true;
        LOCKS.fetch_add(1, SeqCst);
        CKR_OK
    }

    pub extern "C" fn unlock(p: CK_VOID_PTR) -> CK_RV {
        let l = get(p);
        let Ok(mut g) = l.locked.lock() else {
            return CKR_GENERAL_ERROR;
        };
        if !*g {
            MISUSED.store(true, SeqCst);
            return CKR_MUTEX_NOT_LOCKED;
        }
        *g = false;
        UNLOCKS.fetch_add(1, SeqCst);
        l.free.notify_one();
        CKR_OK
    }

    pub extern "C" fn destroy(p: CK_VOID_PTR) -> CK_RV {
        // SAFETY: `p` came from `create`; the module destroys it once.
        let l = unsafe { Box::from_raw(p as *mut Lock) };
        if l.locked.lock().map_or(true, |g| *g) {
            MISUSED.store(true, SeqCst);
        }
        DESTROYED.fetch_add(1, SeqCst);
        CKR_OK
    }

    pub fn args(flags: CK_FLAGS) -> CK_C_INITIALIZE_ARGS {
        CK_C_INITIALIZE_ARGS {
            CreateMutex: Some(create),
            DestroyMutex: Some(destroy),
            LockMutex: Some(lock),
            UnlockMutex: Some(unlock),
            flags,
            pReserved: std::ptr::null_mut(),
        }
    }

    /// (created, locks, unlocks, destroyed)
    pub fn counts() -> (usize, usize, usize, usize) {
        (
            CREATED.load(SeqCst),
            LOCKS.load(SeqCst),
            UNLOCKS.load(SeqCst),
            DESTROYED.load(SeqCst),
        )
    }
}

fn slot_count(l: Lib) -> (CK_RV, CK_ULONG) {
    let mut n: CK_ULONG = 0;
    let rv = call!(l, C_GetSlotList(CK_TRUE, null_mut(), &mut n));
    (rv, n)
}

/// In a new session: finds the 9A private key and signs with it; the first failing return value.
fn sign_with_9a(l: Lib, slot: CK_SLOT_ID) -> CK_RV {
    let mut h: CK_SESSION_HANDLE = 0;
    let rv = call!(
        l,
        C_OpenSession(slot, CKF_SERIAL_SESSION, null_mut(), None, &mut h)
    );
    if rv != CKR_OK {
        return rv;
    }
    let mut class = CKO_PRIVATE_KEY;
    let mut id = [1u8];
    let mut template = [
        ulong_attr(CKA_CLASS, &mut class),
        CK_ATTRIBUTE {
            type_: CKA_ID,
            pValue: id.as_mut_ptr() as *mut _,
            ulValueLen: 1,
        },
    ];
    let mut key: CK_OBJECT_HANDLE = 0;
    let mut n: CK_ULONG = 0;
    let mut mech = CK_MECHANISM {
        mechanism: CKM_SHA256_RSA_PKCS,
        pParameter: null_mut(),
        ulParameterLen: 0,
    };
    let data = b"signed while another thread waits for a slot event";
    let mut sig = [0u8; 512];
    let mut len = sig.len() as CK_ULONG;
    let rvs = [
        call!(l, C_FindObjectsInit(h, template.as_mut_ptr(), 2)),
        call!(l, C_FindObjects(h, &mut key, 1, &mut n)),
        call!(l, C_FindObjectsFinal(h)),
        call!(l, C_SignInit(h, &mut mech, key)),
        call!(
            l,
            C_Sign(
                h,
                data.as_ptr() as *mut _,
                data.len() as CK_ULONG,
                sig.as_mut_ptr(),
                &mut len
            )
        ),
        call!(l, C_CloseSession(h)),
    ];
    rvs.into_iter().find(|rv| *rv != CKR_OK).unwrap_or(CKR_OK)
}

/// Waits for `f` on another thread, at most a minute (a deadlock fails the test, not hangs it).
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what}: no answer within a minute (deadlock?)"))
}

/// `C_Initialize` with the application's mutex functions (PKCS#11 3.0 §5.4): without
/// `CKF_OS_LOCKING_OK` (case 3) the module makes one mutex with them, holds it in every call,
/// never while blocked in `C_WaitForSlotEvent`, and destroys it at `C_Finalize`; with the flag
/// (case 4) and without functions (case 1) it uses none.
fn application_mutex(l: Lib) {
    // Case 4: the OS's locks; the functions are never called.
    let mut a = app::args(CKF_OS_LOCKING_OK);
    assert_eq!(call!(l, C_Initialize(&mut a as *mut _ as *mut _)), CKR_OK);
    assert_eq!(slot_count(l), (CKR_OK, 1));
    assert_eq!(call!(l, C_Finalize(null_mut())), CKR_OK);
    assert_eq!(app::counts(), (0, 0, 0, 0));

    // Case 3 with a CreateMutex that fails: its answer, and nothing initialized.
    let mut a = app::args(0);
    app::FAIL_CREATE.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        call!(l, C_Initialize(&mut a as *mut _ as *mut _)),
        CKR_HOST_MEMORY
    );
    app::FAIL_CREATE.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(slot_count(l).0, CKR_CRYPTOKI_NOT_INITIALIZED);

    // Case 3: one mutex, taken and released in every call.
    assert_eq!(call!(l, C_Initialize(&mut a as *mut _ as *mut _)), CKR_OK);
    assert_eq!(app::counts(), (1, 0, 0, 0));
    assert_eq!(slot_count(l), (CKR_OK, 1));
    assert_eq!(app::counts(), (1, 1, 1, 0));
    let mut slot: CK_SLOT_ID = 0;
    let mut n: CK_ULONG = 1;
    assert_eq!(call!(l, C_GetSlotList(CK_TRUE, &mut slot, &mut n)), CKR_OK);
    assert_eq!(app::counts(), (1, 2, 2, 0));
    // A failing LockMutex is the call's answer.
    app::FAIL_LOCK.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(slot_count(l).0, CKR_MUTEX_BAD);
    app::FAIL_LOCK.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(app::counts(), (1, 2, 2, 0));

    // A thread blocked in C_WaitForSlotEvent does not hold it: other threads log in and sign.
    let waiter = std::thread::spawn(move || {
        let mut s: CK_SLOT_ID = 0;
        call!(l, C_WaitForSlotEvent(0, &mut s, null_mut()))
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let login = within_a_minute("C_Login", move || {
        let mut h: CK_SESSION_HANDLE = 0;
        let open = call!(
            l,
            C_OpenSession(slot, CKF_SERIAL_SESSION, null_mut(), None, &mut h)
        );
        let login = call!(l, C_Login(h, CKU_USER, PIN.as_ptr() as *mut _, 6));
        (open, login)
    });
    assert_eq!(login, (CKR_OK, CKR_OK));
    let signers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || (0..3).map(|_| sign_with_9a(l, slot)).collect::<Vec<_>>())
        })
        .collect();
    let signed = within_a_minute("signing threads", move || {
        signers
            .into_iter()
            .flat_map(|t| t.join().expect("signing thread"))
            .collect::<Vec<_>>()
    });
    assert_eq!(signed, vec![CKR_OK; 12]);
    assert!(!waiter.is_finished(), "no slot event happened");
    let (_, locks, unlocks, _) = app::counts();
    assert!(locks > 12 * 6, "every call took the mutex: {locks}");
    // Nobody holds it, the waiter included.
    assert_eq!(locks, unlocks);

    // C_Finalize wakes the waiter; the mutex is destroyed once, after the waiter let go of it.
    assert_eq!(
        within_a_minute("C_Finalize", move || call!(l, C_Finalize(null_mut()))),
        CKR_OK
    );
    assert_eq!(waiter.join().expect("waiter"), CKR_CRYPTOKI_NOT_INITIALIZED);
    let (created, locks, unlocks, destroyed) = app::counts();
    assert_eq!((created, destroyed), (1, 1));
    assert_eq!(locks, unlocks);
    assert!(!app::MISUSED.load(std::sync::atomic::Ordering::SeqCst));

    // Case 1 (NULL) afterwards: no mutex of the application's.
    assert_eq!(call!(l, C_Initialize(null_mut())), CKR_OK);
    assert_eq!(slot_count(l), (CKR_OK, 1));
    assert_eq!(call!(l, C_Finalize(null_mut())), CKR_OK);
    assert_eq!(app::counts(), (1, locks, unlocks, 1));
}
