//! Every C entry point of `libsello.so`, and the only module of the crate allowed `unsafe`.
//!
//! Each export is a thin shim made by [`cryptoki_fn!`]: it turns raw pointers into Rust values
//! through the small audited helpers below (a NULL pointer where the spec forbids one is
//! `CKR_ARGUMENTS_BAD`), calls the safe function in [`super::module`], catches any panic
//! (`CKR_GENERAL_ERROR`) and maps the error once ([`super::error::Error::rv`]); when the
//! application asked for its own mutexes ([`AppMutex`]) the body runs holding its mutex. The
//! function lists are immutable `static`s (PKCS#11 3.0 §5.4: `C_GetFunctionList`,
//! `C_GetInterfaceList`, `C_GetInterface`). Functions the module does not offer answer
//! `CKR_FUNCTION_NOT_SUPPORTED`, or the specific code the spec names for them.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use super::error::{fail, Error, Result};
use super::mechanism::{Mechanism, Params};
use super::module::{self, Output};
use cryptoki_sys::*;
use std::cell::Cell;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::SeqCst};
use std::sync::Mutex;

// ---------------------------------------------------------------------------------------------
// Pointer helpers. Each one is `unsafe` with the caller contract stated; every call site says
// why the contract holds (the PKCS#11 caller's obligations, §5.2).

/// Runs an export's body: under the application's mutex when it gave one ([`AppMutex`]; a
/// failing `LockMutex` is the call's answer), panics become `CKR_GENERAL_ERROR`, errors their
/// `CK_RV`. The mutex is released on every path, panics included.
fn guard(f: impl FnOnce() -> Result<()>) -> CK_RV {
    quiet_panics();
    let app = AppMutex::enter();
    if let Some(m) = app {
        let rv = m.lock();
        if rv != CKR_OK {
            m.users.fetch_sub(1, SeqCst);
            return rv;
        }
        HELD.set(Some(m));
    }
    IN_EXPORT.set(IN_EXPORT.get() + 1);
    let rv = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => CKR_OK,
        Ok(Err(e)) => e.rv(),
        Err(_) => CKR_GENERAL_ERROR,
    };
    IN_EXPORT.set(IN_EXPORT.get().saturating_sub(1));
    // Not held if the body released it and could not take it back (`without_app_mutex`).
    if let Some(m) = HELD.take() {
        // The call's effect is done and its answer stands; an UnlockMutex error cannot undo it.
        let _ = m.unlock();
    }
    if let Some(m) = app {
        m.users.fetch_sub(1, SeqCst);
    }
    if let Some(m) = RETIRED.take() {
        m.destroy_when_unused();
    }
    rv
}

thread_local! {
    /// How deep this thread is inside exports (a panic there is the call's
    /// `CKR_GENERAL_ERROR`, not the host's business).
    static IN_EXPORT: Cell<u32> = const { Cell::new(0) };
}

/// Installs, once, a panic hook that keeps a panic caught at the boundary, or one on the
/// module's reader thread, off the host's stderr (a module prints nothing of its own); panics
/// elsewhere in the process (a Rust program linking the rlib) still go to the hook that was
/// there.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours =
                IN_EXPORT.get() > 0 || std::thread::current().name() == Some(module::READER_THREAD);
            if !ours {
                previous(info);
            }
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// The application's mutex (PKCS#11 3.0 §5.4, C_Initialize case 3).

/// `LockMutex`, `UnlockMutex`, `DestroyMutex`.
type MutexFn = unsafe extern "C" fn(CK_VOID_PTR) -> CK_RV;

/// The mutex of an application that gave `C_Initialize` its mutex functions without
/// `CKF_OS_LOCKING_OK` (case 3: the library must use them). As OpenSC does, one mutex is made
/// with its `CreateMutex` at `C_Initialize`, every export's body runs holding it, and
/// `C_Finalize` destroys it. It is the outermost lock: the module's own state keeps its OS
/// locks too, taken inside it. With
/// `CKF_OS_LOCKING_OK` (cases 2 and 4) or no functions (case 1) there is none.
///
/// Each one is leaked (a few dozen bytes per such `C_Initialize`): a thread that read
/// [`APP_MUTEX`] can never reach freed memory.
#[derive(Debug)]
struct AppMutex {
    /// The process that made it: a child after `fork()` does not use its parent's.
    pid: u32,
    handle: CK_VOID_PTR,
    lock: MutexFn,
    unlock: MutexFn,
    destroy: MutexFn,
    /// Threads inside an export that may still lock or unlock it; it is destroyed only when
    /// none is left (a `C_WaitForSlotEvent` that `C_Finalize` woke takes it once more).
    users: AtomicUsize,
}

/// The application's mutex in force (leaked, never freed), or NULL.
static APP_MUTEX: AtomicPtr<AppMutex> = AtomicPtr::new(std::ptr::null_mut());

thread_local! {
    /// The application's mutex this thread holds, inside an export's body.
    static HELD: Cell<Option<&'static AppMutex>> = const { Cell::new(None) };
    /// The mutex `C_Finalize` took out of service, to destroy once released.
    static RETIRED: Cell<Option<&'static AppMutex>> = const { Cell::new(None) };
}

impl AppMutex {
    /// Makes the application's mutex with its `CreateMutex` (its failure is the answer).
    fn create(a: &CK_C_INITIALIZE_ARGS) -> Result<Self> {
        let (Some(create), Some(destroy), Some(lock), Some(unlock)) =
            (a.CreateMutex, a.DestroyMutex, a.LockMutex, a.UnlockMutex)
        else {
            return fail(CKR_ARGUMENTS_BAD);
        };
        let mut handle: CK_VOID_PTR = std::ptr::null_mut();
        // SAFETY: the application's CreateMutex, given a location for the new mutex (§5.4).
        let rv = unsafe { create(&mut handle) };
        if rv != CKR_OK {
            return fail(rv);
        }
        Ok(Self {
            pid: std::process::id(),
            handle,
            lock,
            unlock,
            destroy,
            users: AtomicUsize::new(0),
        })
    }

    /// Puts it in service.
    fn install(self) {
        APP_MUTEX.store(Box::leak(Box::new(self)), SeqCst);
    }

    /// The mutex in service in this process, counted as used by this thread until it calls
    /// `users.fetch_sub`.
    fn enter() -> Option<&'static Self> {
        let p = APP_MUTEX.load(SeqCst);
        // SAFETY: a non-NULL pointer in APP_MUTEX comes from `Box::leak` and is never freed.
        let m = unsafe { p.as_ref() }?;
        if m.pid != std::process::id() {
            return None;
        }
        m.users.fetch_add(1, SeqCst);
        // Counted before this second look: once `C_Finalize` has taken it out of service it
        // waits for every thread that saw it in service.
        if APP_MUTEX.load(SeqCst) != p {
            m.users.fetch_sub(1, SeqCst);
            return None;
        }
        Some(m)
    }

    /// Takes it out of service (new calls run without it); destroyed by this thread's export
    /// once released ([`Self::destroy_when_unused`]).
    fn retire() {
        let p = APP_MUTEX.swap(std::ptr::null_mut(), SeqCst);
        // SAFETY: as in `enter`.
        match unsafe { p.as_ref() } {
            Some(m) if m.pid == std::process::id() => RETIRED.set(Some(m)),
            // Another process's (we are a forked child): not ours to destroy.
            _ => {}
        }
    }

    /// Waits until no thread uses it, then destroys it with the application's `DestroyMutex`.
    fn destroy_when_unused(&self) {
        while self.users.load(SeqCst) != 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // SAFETY: the application's DestroyMutex with the mutex its CreateMutex made, once, when
        // no thread holds it or can still take it.
        let _ = unsafe { (self.destroy)(self.handle) };
    }

    fn lock(&self) -> CK_RV {
        // SAFETY: the application's LockMutex with the mutex its CreateMutex made, not destroyed
        // while this thread counts as a user.
        unsafe { (self.lock)(self.handle) }
    }

    fn unlock(&self) -> CK_RV {
        // SAFETY: as `lock`; this thread holds it.
        unsafe { (self.unlock)(self.handle) }
    }
}

/// Runs `f` without the application's mutex, taking it again after (an export that blocks,
/// `C_WaitForSlotEvent`, would otherwise stop every other thread). A failing `LockMutex` then is
/// the answer.
fn without_app_mutex<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let Some(m) = HELD.take() else { return f() };
    let _ = m.unlock();
    let r = f();
    let rv = m.lock();
    if rv != CKR_OK {
        return fail(rv);
    }
    HELD.set(Some(m));
    r
}

/// An input buffer. NULL is accepted only for an empty buffer.
///
/// # Safety
/// A non-NULL `p` must point to `len` readable bytes that stay valid during the call.
unsafe fn bytes<'a>(p: *const u8, len: CK_ULONG) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    // No object can be larger than isize::MAX bytes: such a length is a lie, not a buffer.
    if p.is_null() || len > isize::MAX as CK_ULONG {
        return fail(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL, at most isize::MAX, and the caller guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p, len as usize) })
}

/// The most attributes a template may hold: more than any object has, far fewer than would
/// make its copy a risk. A larger count is `CKR_ARGUMENTS_BAD`, before anything is read.
const MAX_TEMPLATE: CK_ULONG = 4096;

/// The longest attribute value or mechanism parameter buffer the module copies: more than any
/// value it holds (a certificate is a few KiB). A longer one is refused before it is read.
const MAX_VALUE_LEN: CK_ULONG = 1 << 20;

/// A copy of a caller's buffer of at most [`MAX_VALUE_LEN`] bytes (else `too_long`), allocated
/// fallibly (`CKR_HOST_MEMORY`): no caller value aborts the process.
///
/// # Safety
/// As [`bytes`].
unsafe fn copy_bounded(p: *const u8, len: CK_ULONG, too_long: CK_RV) -> Result<Vec<u8>> {
    if len > MAX_VALUE_LEN {
        return fail(too_long);
    }
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(p, len) }?;
    let mut v = Vec::new();
    v.try_reserve_exact(b.len())
        .map_err(|_| Error::Rv(CKR_HOST_MEMORY))?;
    v.extend_from_slice(b);
    Ok(v)
}

/// A required output location.
///
/// # Safety
/// A non-NULL `p` must be valid for reads and writes of `T` during the call.
unsafe fn out<'a, T>(p: *mut T) -> Result<&'a mut T> {
    // SAFETY: `as_mut` checks NULL; the caller guarantees validity otherwise.
    unsafe { p.as_mut() }.ok_or(Error::Rv(CKR_ARGUMENTS_BAD))
}

/// The capacity of a variable-length output (`None` for a size query with a NULL buffer).
///
/// # Safety
/// As [`out`] for `len`.
unsafe fn capacity(buf: *const u8, len: *mut CK_ULONG) -> Result<Option<usize>> {
    // SAFETY: forwarded contract.
    let len = unsafe { out(len) }?;
    Ok((!buf.is_null()).then_some(*len as usize))
}

/// Writes a variable-length output by the §5.2 convention.
///
/// # Safety
/// A non-NULL `buf` must be writable for `*len` bytes (as read by [`capacity`] before); `len` as
/// [`out`].
unsafe fn write_output(buf: *mut u8, len: *mut CK_ULONG, result: Output) -> Result<()> {
    // SAFETY: forwarded contract.
    let len = unsafe { out(len) }?;
    match result {
        Output::Size(n) => {
            *len = n as CK_ULONG;
            Ok(())
        }
        Output::TooSmall(n) => {
            *len = n as CK_ULONG;
            fail(CKR_BUFFER_TOO_SMALL)
        }
        Output::Data(d) => {
            if buf.is_null() || (*len as usize) < d.len() {
                *len = d.len() as CK_ULONG;
                return fail(CKR_BUFFER_TOO_SMALL);
            }
            // SAFETY: `buf` is writable for `*len >= d.len()` bytes and cannot overlap our own
            // freshly allocated `d`.
            unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), buf, d.len()) };
            *len = d.len() as CK_ULONG;
            Ok(())
        }
    }
}

/// Copies an attribute template (type and value bytes) out of the caller's memory.
///
/// # Safety
/// A non-NULL `p` must point to `n` `CK_ATTRIBUTE`s whose values are valid as [`bytes`].
unsafe fn template(
    p: *const CK_ATTRIBUTE,
    n: CK_ULONG,
) -> Result<Vec<(CK_ATTRIBUTE_TYPE, Vec<u8>)>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() || n > MAX_TEMPLATE {
        return fail(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL, `n` (bounded) elements by the caller's contract.
    let attrs = unsafe { std::slice::from_raw_parts(p, n as usize) };
    let mut out = Vec::new();
    out.try_reserve_exact(attrs.len())
        .map_err(|_| Error::Rv(CKR_HOST_MEMORY))?;
    for a in attrs {
        // SAFETY: the caller guarantees each value buffer.
        let v = unsafe {
            copy_bounded(
                a.pValue as *const u8,
                a.ulValueLen,
                CKR_ATTRIBUTE_VALUE_INVALID,
            )
        }?;
        out.push((a.type_, v));
    }
    Ok(out)
}

/// Reads a parameter struct of exactly the right size.
///
/// # Safety
/// A non-NULL `p` must point to `len` readable bytes.
unsafe fn param<T: Copy>(p: *const c_void, len: CK_ULONG) -> Result<T> {
    if p.is_null() || len as usize != std::mem::size_of::<T>() {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    }
    // SAFETY: `len` bytes are readable and are exactly one `T`; unaligned read tolerates any
    // alignment the caller used.
    Ok(unsafe { std::ptr::read_unaligned(p as *const T) })
}

/// Copies a mechanism and its parameter out of the caller's memory.
///
/// # Safety
/// A non-NULL `p` must point to a valid `CK_MECHANISM` whose parameter is valid for its
/// declared length.
unsafe fn mechanism(p: *const CK_MECHANISM) -> Result<Mechanism> {
    // SAFETY: as `out`, read-only.
    let m = unsafe { p.as_ref() }.ok_or(Error::Rv(CKR_ARGUMENTS_BAD))?;
    let (pp, len) = (m.pParameter as *const c_void, m.ulParameterLen);
    let none = pp.is_null() && len == 0;
    let params = match m.mechanism {
        CKM_RSA_PKCS_PSS
        | CKM_SHA224_RSA_PKCS_PSS
        | CKM_SHA256_RSA_PKCS_PSS
        | CKM_SHA384_RSA_PKCS_PSS
        | CKM_SHA512_RSA_PKCS_PSS
            if !none =>
        {
            // SAFETY: the caller's parameter of its declared length.
            let pss: CK_RSA_PKCS_PSS_PARAMS = unsafe { param(pp, len) }?;
            Params::Pss {
                hash: pss.hashAlg,
                mgf: pss.mgf,
                salt_len: pss.sLen,
            }
        }
        CKM_RSA_PKCS_OAEP if !none => {
            // SAFETY: as above.
            let o: CK_RSA_PKCS_OAEP_PARAMS = unsafe { param(pp, len) }?;
            let label = if o.source == CKZ_DATA_SPECIFIED {
                // SAFETY: the label buffer the caller declared.
                unsafe {
                    copy_bounded(
                        o.pSourceData as *const u8,
                        o.ulSourceDataLen,
                        CKR_MECHANISM_PARAM_INVALID,
                    )
                }?
            } else if o.source == 0 {
                Vec::new()
            } else {
                return fail(CKR_MECHANISM_PARAM_INVALID);
            };
            Params::Oaep {
                hash: o.hashAlg,
                mgf: o.mgf,
                label,
            }
        }
        CKM_ECDH1_DERIVE if !none => {
            // SAFETY: as above.
            let e: CK_ECDH1_DERIVE_PARAMS = unsafe { param(pp, len) }?;
            Params::Ecdh {
                kdf: e.kdf,
                // SAFETY: the buffers the caller declared.
                public: unsafe {
                    copy_bounded(
                        e.pPublicData,
                        e.ulPublicDataLen,
                        CKR_MECHANISM_PARAM_INVALID,
                    )
                }?,
                // SAFETY: as above.
                shared: unsafe {
                    copy_bounded(
                        e.pSharedData,
                        e.ulSharedDataLen,
                        CKR_MECHANISM_PARAM_INVALID,
                    )
                }?,
            }
        }
        CKM_EDDSA if !none => {
            // SAFETY: as above.
            let e: CK_EDDSA_PARAMS = unsafe { param(pp, len) }?;
            Params::EdDsa {
                prehash: e.phFlag != 0,
                // SAFETY: the buffer the caller declared.
                context: unsafe {
                    copy_bounded(
                        e.pContextData,
                        e.ulContextDataLen,
                        CKR_MECHANISM_PARAM_INVALID,
                    )
                }?,
            }
        }
        _ if none => Params::None,
        _ => Params::Invalid,
    };
    if params == Params::Invalid {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    }
    Ok(Mechanism {
        kind: m.mechanism,
        params,
    })
}

/// A blank-padded, not NUL-terminated fixed field (PKCS#11 3.0 §3.2), cut at a character
/// boundary.
fn pad<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [b' '; N];
    let mut end = s.len().min(N);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out[..end].copy_from_slice(&s.as_bytes()[..end]);
    out
}

/// Registers the `fork()` handlers once per process (they make a forked child's libpcsclite
/// usable; see `module::atfork_prepare`). glibc unregisters them when the module is unloaded.
fn register_fork_handlers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        extern "C" fn prepare() {
            module::atfork_prepare();
        }
        extern "C" fn release() {
            module::atfork_release();
        }
        // SAFETY: the handlers are plain functions of this module, valid for as long as it is
        // loaded; they do not unwind (they only take and release locks, never waiting for I/O).
        let _ = unsafe { libc::pthread_atfork(Some(prepare), Some(release), Some(release)) };
    });
}

/// Keeps this library mapped for the life of the process once it is initialized (glibc's
/// `RTLD_NODELETE` on the object already loaded). Rust's standard library registers thread-exit
/// destructors on the application's threads that call into the module (e.g. a `pthread_key` for
/// the thread handle); after a `dlclose` that unmapped the module (p11-kit closes modules on
/// `C_Finalize`) such a thread would crash when it exits.
fn stay_loaded() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: an all-zero Dl_info is a valid value for dladdr to fill in.
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        let me = stay_loaded as fn() as *const c_void;
        // SAFETY: dladdr reads the address of a function of this object and writes `info`.
        if unsafe { libc::dladdr(me, &mut info) } == 0 || info.dli_fname.is_null() {
            return;
        }
        // SAFETY: `dli_fname` is the NUL-terminated path of the object already loaded;
        // RTLD_NOLOAD only takes a reference to it and marks it NODELETE. The handle is never
        // closed: that is the point.
        let _ = unsafe {
            libc::dlopen(
                info.dli_fname,
                libc::RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_NODELETE,
            )
        };
    });
}

const fn version(major: u8, minor: u8) -> CK_VERSION {
    CK_VERSION { major, minor }
}

/// Defines exports whose body returns `Result<()>`.
macro_rules! cryptoki_fn {
    ($(fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block)+) => {$(
        #[no_mangle]
        #[doc = concat!("PKCS#11 `", stringify!($name), "`.")]
        pub extern "C" fn $name($($arg: $ty),*) -> CK_RV {
            guard(move || $body)
        }
    )+};
}

/// Defines exports that only answer a fixed return value.
macro_rules! fixed_fn {
    ($rv:expr => $(fn $name:ident($($ty:ty),* $(,)?);)+) => {$(
        #[no_mangle]
        #[doc = concat!("PKCS#11 `", stringify!($name), "`: not offered.")]
        pub extern "C" fn $name($(_: $ty),*) -> CK_RV {
            $rv
        }
    )+};
}

// ---------------------------------------------------------------------------------------------
// General purpose (§5.4).

cryptoki_fn! {
    fn C_Initialize(pInitArgs: CK_VOID_PTR) {
        // §5.4: an application that does not let the module create threads
        // (CKF_LIBRARY_CANT_CREATE_OS_THREADS, as p11-kit and GnuTLS ask) gets no reader watcher:
        // its own calls look at the readers.
        let (app, threads) = if pInitArgs.is_null() {
            (None, true)
        } else {
            // SAFETY: non-NULL `pInitArgs` points to a CK_C_INITIALIZE_ARGS (§5.4).
            let a: CK_C_INITIALIZE_ARGS = unsafe {
                std::ptr::read_unaligned(pInitArgs as *const CK_C_INITIALIZE_ARGS)
            };
            if !a.pReserved.is_null() {
                return fail(CKR_ARGUMENTS_BAD);
            }
            let given = [
                a.CreateMutex.is_some(),
                a.DestroyMutex.is_some(),
                a.LockMutex.is_some(),
                a.UnlockMutex.is_some(),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            if given != 0 && given != 4 {
                return fail(CKR_ARGUMENTS_BAD);
            }
            // Case 3 (functions, no CKF_OS_LOCKING_OK): the application's mutex. Cases 2 and 4
            // (CKF_OS_LOCKING_OK): the OS's.
            (
                (given == 4 && a.flags & CKF_OS_LOCKING_OK == 0).then_some(a),
                a.flags & CKF_LIBRARY_CANT_CREATE_OS_THREADS == 0,
            )
        };
        if module::is_initialized() {
            return fail(CKR_CRYPTOKI_ALREADY_INITIALIZED);
        }
        let app = app.as_ref().map(AppMutex::create).transpose()?;
        stay_loaded();
        register_fork_handlers();
        match module::initialize(threads) {
            Ok(()) => {
                if let Some(m) = app {
                    m.install();
                }
                Ok(())
            }
            Err(e) => {
                if let Some(m) = app {
                    m.destroy_when_unused();
                }
                Err(e)
            }
        }
    }

    fn C_Finalize(pReserved: CK_VOID_PTR) {
        if !pReserved.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        module::finalize()?;
        AppMutex::retire();
        Ok(())
    }

    fn C_GetInfo(pInfo: CK_INFO_PTR) {
        if !module::is_initialized() {
            return fail(CKR_CRYPTOKI_NOT_INITIALIZED);
        }
        // SAFETY: the caller's CK_INFO, checked for NULL.
        let info = unsafe { out(pInfo) }?;
        *info = CK_INFO {
            cryptokiVersion: version(3, 0),
            manufacturerID: pad("Sello"),
            flags: 0,
            libraryDescription: pad("Sello PKCS#11 module for PIV"),
            libraryVersion: version(0, 1),
        };
        Ok(())
    }

    fn C_GetFunctionList(ppFunctionList: CK_FUNCTION_LIST_PTR_PTR) {
        // SAFETY: the caller's pointer location, checked for NULL.
        let p = unsafe { out(ppFunctionList) }?;
        // The list is immutable; the C type is `*mut` only by history.
        *p = &FUNCTION_LIST as *const CK_FUNCTION_LIST as *mut CK_FUNCTION_LIST;
        Ok(())
    }

    fn C_GetInterfaceList(pInterfacesList: CK_INTERFACE_PTR, pulCount: CK_ULONG_PTR) {
        // SAFETY: the caller's count, checked for NULL.
        let count = unsafe { out(pulCount) }?;
        let n = INTERFACES.0.len();
        if pInterfacesList.is_null() {
            *count = n as CK_ULONG;
            return Ok(());
        }
        if (*count as usize) < n {
            *count = n as CK_ULONG;
            return fail(CKR_BUFFER_TOO_SMALL);
        }
        for (i, iface) in INTERFACES.0.iter().enumerate() {
            // SAFETY: the caller's array holds at least `n` elements (checked above).
            unsafe { pInterfacesList.add(i).write(CK_INTERFACE { ..*iface }) };
        }
        *count = n as CK_ULONG;
        Ok(())
    }

    fn C_GetInterface(
        pInterfaceName: CK_UTF8CHAR_PTR,
        pVersion: CK_VERSION_PTR,
        ppInterface: CK_INTERFACE_PTR_PTR,
        flags: CK_FLAGS,
    ) {
        // SAFETY: the caller's pointer location, checked for NULL.
        let p = unsafe { out(ppInterface) }?;
        if !pInterfaceName.is_null() {
            // SAFETY: a non-NULL name is a NUL-terminated string (§5.4 C_GetInterface).
            let name = unsafe { std::ffi::CStr::from_ptr(pInterfaceName as *const std::ffi::c_char) };
            if name.to_bytes() != b"PKCS 11" {
                return fail(CKR_ARGUMENTS_BAD);
            }
        }
        // SAFETY: a non-NULL version points to a CK_VERSION.
        let want = unsafe { (pVersion as *const CK_VERSION).as_ref() }.copied();
        let found = INTERFACES.0.iter().zip(INTERFACE_VERSIONS).find(|(i, v)| {
            want.is_none_or(|w| w.major == v.major && w.minor == v.minor) && i.flags & flags == flags
        });
        match found {
            Some((i, _)) => {
                *p = issue_interface(i);
                Ok(())
            }
            None => fail(CKR_ARGUMENTS_BAD),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Slots and tokens (§5.5).

cryptoki_fn! {
    fn C_GetSlotList(tokenPresent: CK_BBOOL, pSlotList: CK_SLOT_ID_PTR, pulCount: CK_ULONG_PTR) {
        let slots = module::slot_list(tokenPresent != 0)?;
        // SAFETY: the caller's count, checked for NULL.
        let count = unsafe { out(pulCount) }?;
        if pSlotList.is_null() {
            *count = slots.len() as CK_ULONG;
            return Ok(());
        }
        if (*count as usize) < slots.len() {
            *count = slots.len() as CK_ULONG;
            return fail(CKR_BUFFER_TOO_SMALL);
        }
        for (i, id) in slots.iter().enumerate() {
            // SAFETY: the caller's array holds `*count >= slots.len()` elements.
            unsafe { pSlotList.add(i).write(*id) };
        }
        *count = slots.len() as CK_ULONG;
        Ok(())
    }

    fn C_GetSlotInfo(slotID: CK_SLOT_ID, pInfo: CK_SLOT_INFO_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        let s = module::slot_info(slotID)?;
        // SAFETY: the caller's CK_SLOT_INFO, checked for NULL.
        let info = unsafe { out(pInfo) }?;
        *info = CK_SLOT_INFO {
            slotDescription: pad(&s.description),
            manufacturerID: pad("Sello"),
            flags: s.flags,
            hardwareVersion: version(0, 0),
            firmwareVersion: version(0, 0),
        };
        Ok(())
    }

    fn C_GetTokenInfo(slotID: CK_SLOT_ID, pInfo: CK_TOKEN_INFO_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        if pInfo.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        let t = module::token_info(slotID)?;
        // SAFETY: the caller's CK_TOKEN_INFO, checked for NULL.
        let info = unsafe { out(pInfo) }?;
        *info = CK_TOKEN_INFO {
            label: pad(&t.label),
            manufacturerID: pad(&t.manufacturer),
            model: pad(&t.model),
            serialNumber: pad(&t.serial),
            flags: t.flags,
            ulMaxSessionCount: CK_EFFECTIVELY_INFINITE,
            ulSessionCount: t.sessions as CK_ULONG,
            ulMaxRwSessionCount: CK_EFFECTIVELY_INFINITE,
            ulRwSessionCount: t.rw_sessions as CK_ULONG,
            ulMaxPinLen: t.max_pin as CK_ULONG,
            ulMinPinLen: t.min_pin as CK_ULONG,
            ulTotalPublicMemory: CK_UNAVAILABLE_INFORMATION,
            ulFreePublicMemory: CK_UNAVAILABLE_INFORMATION,
            ulTotalPrivateMemory: CK_UNAVAILABLE_INFORMATION,
            ulFreePrivateMemory: CK_UNAVAILABLE_INFORMATION,
            hardwareVersion: version(0, 0),
            firmwareVersion: version(t.firmware.0, t.firmware.1),
            utcTime: [b' '; 16],
        };
        Ok(())
    }

    fn C_GetMechanismList(slotID: CK_SLOT_ID, pMechanismList: CK_MECHANISM_TYPE_PTR, pulCount: CK_ULONG_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        let list = module::mechanism_list(slotID)?;
        // SAFETY: the caller's count, checked for NULL.
        let count = unsafe { out(pulCount) }?;
        if pMechanismList.is_null() {
            *count = list.len() as CK_ULONG;
            return Ok(());
        }
        if (*count as usize) < list.len() {
            *count = list.len() as CK_ULONG;
            return fail(CKR_BUFFER_TOO_SMALL);
        }
        for (i, m) in list.iter().enumerate() {
            // SAFETY: the caller's array holds `*count >= list.len()` elements.
            unsafe { pMechanismList.add(i).write(*m) };
        }
        *count = list.len() as CK_ULONG;
        Ok(())
    }

    fn C_GetMechanismInfo(slotID: CK_SLOT_ID, type_: CK_MECHANISM_TYPE, pInfo: CK_MECHANISM_INFO_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        let i = module::mechanism_info(slotID, type_)?;
        // SAFETY: the caller's CK_MECHANISM_INFO, checked for NULL.
        let info = unsafe { out(pInfo) }?;
        *info = CK_MECHANISM_INFO {
            ulMinKeySize: i.min_bits,
            ulMaxKeySize: i.max_bits,
            flags: i.flags,
        };
        Ok(())
    }

    fn C_InitPIN(hSession: CK_SESSION_HANDLE, pPin: CK_UTF8CHAR_PTR, ulPinLen: CK_ULONG) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        if pPin.is_null() {
            // A protected authentication path is not offered.
            return fail(CKR_ARGUMENTS_BAD);
        }
        // SAFETY: the caller's PIN buffer of `ulPinLen` bytes.
        let pin = unsafe { bytes(pPin, ulPinLen) }?;
        module::init_pin(hSession, pin)
    }

    fn C_SetPIN(
        hSession: CK_SESSION_HANDLE,
        pOldPin: CK_UTF8CHAR_PTR,
        ulOldLen: CK_ULONG,
        pNewPin: CK_UTF8CHAR_PTR,
        ulNewLen: CK_ULONG,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        if pOldPin.is_null() || pNewPin.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        // SAFETY: the caller's PIN buffers of their declared lengths.
        let old = unsafe { bytes(pOldPin, ulOldLen) }?;
        // SAFETY: as above.
        let new = unsafe { bytes(pNewPin, ulNewLen) }?;
        module::set_pin(hSession, old, new)
    }

    fn C_WaitForSlotEvent(flags: CK_FLAGS, pSlot: CK_SLOT_ID_PTR, pReserved: CK_VOID_PTR) {
        module::check_initialized()?;
        if !pReserved.is_null() || pSlot.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        let id = if flags & CKF_DONT_BLOCK != 0 {
            module::wait_for_slot_event(true)?
        } else {
            // Blocking holds none of the application's mutex: every other thread needs it.
            without_app_mutex(|| module::wait_for_slot_event(false))?
        };
        // SAFETY: the caller's slot location, checked for NULL.
        *unsafe { out(pSlot) }? = id;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions and login (§5.6).

cryptoki_fn! {
    fn C_OpenSession(
        slotID: CK_SLOT_ID,
        flags: CK_FLAGS,
        pApplication: CK_VOID_PTR,
        Notify: CK_NOTIFY,
        phSession: CK_SESSION_HANDLE_PTR,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        // Notifications are optional (§5.6); the module makes none.
        let _ = (pApplication, Notify);
        if phSession.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        let h = module::open_session(slotID, flags)?;
        // SAFETY: the caller's handle location, checked for NULL.
        *unsafe { out(phSession) }? = h;
        Ok(())
    }

    fn C_CloseSession(hSession: CK_SESSION_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        module::close_session(hSession)
    }

    fn C_CloseAllSessions(slotID: CK_SLOT_ID) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_slot(slotID)?;
        module::close_all_sessions(slotID)
    }

    fn C_GetSessionInfo(hSession: CK_SESSION_HANDLE, pInfo: CK_SESSION_INFO_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        let s = module::session_info(hSession)?;
        // SAFETY: the caller's CK_SESSION_INFO, checked for NULL.
        let info = unsafe { out(pInfo) }?;
        *info = CK_SESSION_INFO {
            slotID: s.slot,
            state: s.state,
            flags: s.flags,
            ulDeviceError: 0,
        };
        Ok(())
    }

    fn C_Login(hSession: CK_SESSION_HANDLE, userType: CK_USER_TYPE, pPin: CK_UTF8CHAR_PTR, ulPinLen: CK_ULONG) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // NULL: protected authentication path (pinentry mode asks the holder; otherwise
        // CKR_ARGUMENTS_BAD: an empty PIN is never sent to the card).
        let pin = if pPin.is_null() {
            None
        } else {
            // SAFETY: the caller's PIN buffer of `ulPinLen` bytes.
            Some(unsafe { bytes(pPin, ulPinLen) }?)
        };
        module::login(hSession, userType, pin)
    }

    fn C_LoginUser(
        hSession: CK_SESSION_HANDLE,
        userType: CK_USER_TYPE,
        pPin: CK_UTF8CHAR_PTR,
        ulPinLen: CK_ULONG,
        pUsername: CK_UTF8CHAR_PTR,
        ulUsernameLen: CK_ULONG,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // PIV has no user names (§5.6 C_LoginUser: ignored where not supported).
        let _ = (pUsername, ulUsernameLen);
        let pin = if pPin.is_null() {
            None
        } else {
            // SAFETY: the caller's PIN buffer of `ulPinLen` bytes.
            Some(unsafe { bytes(pPin, ulPinLen) }?)
        };
        module::login(hSession, userType, pin)
    }

    fn C_Logout(hSession: CK_SESSION_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        module::logout(hSession)
    }
}

// ---------------------------------------------------------------------------------------------
// Objects (§5.7).

cryptoki_fn! {
    fn C_DestroyObject(hSession: CK_SESSION_HANDLE, hObject: CK_OBJECT_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        module::destroy_object(hSession, hObject)
    }

    fn C_GetObjectSize(hSession: CK_SESSION_HANDLE, hObject: CK_OBJECT_HANDLE, pulSize: CK_ULONG_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        let n = module::object_size(hSession, hObject)?;
        // SAFETY: the caller's size location, checked for NULL.
        *unsafe { out(pulSize) }? = n as CK_ULONG;
        Ok(())
    }

    fn C_GetAttributeValue(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pTemplate: CK_ATTRIBUTE_PTR,
        ulCount: CK_ULONG,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        if (pTemplate.is_null() && ulCount > 0) || ulCount > MAX_TEMPLATE {
            return fail(CKR_ARGUMENTS_BAD);
        }
        let attrs: &mut [CK_ATTRIBUTE] = if ulCount == 0 {
            &mut []
        } else {
            // SAFETY: non-NULL, `ulCount` (bounded) attributes by the caller's contract (§5.7).
            unsafe { std::slice::from_raw_parts_mut(pTemplate, ulCount as usize) }
        };
        let types: Vec<CK_ATTRIBUTE_TYPE> = attrs.iter().map(|a| a.type_).collect();
        let answers = module::get_attributes(hSession, hObject, &types)?;
        // §5.7 C_GetAttributeValue: every attribute is processed; one of the errors is returned.
        let mut rv = CKR_OK;
        for (a, answer) in attrs.iter_mut().zip(answers) {
            match answer {
                module::Attr::Invalid => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    if rv == CKR_OK {
                        rv = CKR_ATTRIBUTE_TYPE_INVALID;
                    }
                }
                module::Attr::Sensitive => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    rv = CKR_ATTRIBUTE_SENSITIVE;
                }
                module::Attr::Value(v) => {
                    if a.pValue.is_null() {
                        a.ulValueLen = v.len() as CK_ULONG;
                    } else if (a.ulValueLen as usize) < v.len() {
                        a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                        if rv == CKR_OK {
                            rv = CKR_BUFFER_TOO_SMALL;
                        }
                    } else {
                        // SAFETY: `pValue` is writable for `ulValueLen >= v.len()` bytes.
                        unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), a.pValue as *mut u8, v.len()) };
                        a.ulValueLen = v.len() as CK_ULONG;
                    }
                }
            }
        }
        if rv == CKR_OK { Ok(()) } else { fail(rv) }
    }

    fn C_FindObjectsInit(hSession: CK_SESSION_HANDLE, pTemplate: CK_ATTRIBUTE_PTR, ulCount: CK_ULONG) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's template of `ulCount` attributes.
        let t = unsafe { template(pTemplate, ulCount) }?;
        module::find_init(hSession, t)
    }

    fn C_FindObjects(
        hSession: CK_SESSION_HANDLE,
        phObject: CK_OBJECT_HANDLE_PTR,
        ulMaxObjectCount: CK_ULONG,
        pulObjectCount: CK_ULONG_PTR,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        if phObject.is_null() || pulObjectCount.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        let found = module::find(hSession, ulMaxObjectCount as usize)?;
        for (i, h) in found.iter().enumerate() {
            // SAFETY: the caller's array holds `ulMaxObjectCount >= found.len()` handles.
            unsafe { phObject.add(i).write(*h) };
        }
        // SAFETY: the caller's count, checked for NULL.
        *unsafe { out(pulObjectCount) }? = found.len() as CK_ULONG;
        Ok(())
    }

    fn C_FindObjectsFinal(hSession: CK_SESSION_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        module::find_final(hSession)
    }
}

// ---------------------------------------------------------------------------------------------
// Signing, decryption, key derivation (§5.9, §5.13, §5.18).

cryptoki_fn! {
    fn C_SignInit(hSession: CK_SESSION_HANDLE, pMechanism: CK_MECHANISM_PTR, hKey: CK_OBJECT_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's mechanism.
        let m = unsafe { mechanism(pMechanism) }?;
        module::sign_init(hSession, &m, hKey)
    }

    fn C_Sign(
        hSession: CK_SESSION_HANDLE,
        pData: CK_BYTE_PTR,
        ulDataLen: CK_ULONG,
        pSignature: CK_BYTE_PTR,
        pulSignatureLen: CK_ULONG_PTR,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's data buffer.
        let data = unsafe { bytes(pData, ulDataLen) }?;
        // SAFETY: the caller's length location.
        let cap = unsafe { capacity(pSignature, pulSignatureLen) }?;
        let r = module::sign(hSession, data, cap)?;
        // SAFETY: `pSignature` holds `cap` bytes as read above.
        unsafe { write_output(pSignature, pulSignatureLen, r) }
    }

    fn C_SignUpdate(hSession: CK_SESSION_HANDLE, pPart: CK_BYTE_PTR, ulPartLen: CK_ULONG) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's data buffer.
        let data = unsafe { bytes(pPart, ulPartLen) }?;
        module::sign_update(hSession, data)
    }

    fn C_SignFinal(hSession: CK_SESSION_HANDLE, pSignature: CK_BYTE_PTR, pulSignatureLen: CK_ULONG_PTR) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's length location.
        let cap = unsafe { capacity(pSignature, pulSignatureLen) }?;
        let r = module::sign_final(hSession, cap)?;
        // SAFETY: `pSignature` holds `cap` bytes as read above.
        unsafe { write_output(pSignature, pulSignatureLen, r) }
    }

    fn C_DecryptInit(hSession: CK_SESSION_HANDLE, pMechanism: CK_MECHANISM_PTR, hKey: CK_OBJECT_HANDLE) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's mechanism.
        let m = unsafe { mechanism(pMechanism) }?;
        module::decrypt_init(hSession, &m, hKey)
    }

    fn C_Decrypt(
        hSession: CK_SESSION_HANDLE,
        pEncryptedData: CK_BYTE_PTR,
        ulEncryptedDataLen: CK_ULONG,
        pData: CK_BYTE_PTR,
        pulDataLen: CK_ULONG_PTR,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        // SAFETY: the caller's data buffer.
        let data = unsafe { bytes(pEncryptedData, ulEncryptedDataLen) }?;
        // SAFETY: the caller's length location.
        let cap = unsafe { capacity(pData, pulDataLen) }?;
        let r = module::decrypt(hSession, data, cap)?;
        // SAFETY: `pData` holds `cap` bytes as read above.
        unsafe { write_output(pData, pulDataLen, r) }
    }

    fn C_DeriveKey(
        hSession: CK_SESSION_HANDLE,
        pMechanism: CK_MECHANISM_PTR,
        hBaseKey: CK_OBJECT_HANDLE,
        pTemplate: CK_ATTRIBUTE_PTR,
        ulAttributeCount: CK_ULONG,
        phKey: CK_OBJECT_HANDLE_PTR,
    ) {
        // PKCS#11 3.0 §5.1: an invalid handle is reported before bad arguments.
        module::check_session(hSession)?;
        if phKey.is_null() {
            return fail(CKR_ARGUMENTS_BAD);
        }
        // SAFETY: the caller's mechanism.
        let m = unsafe { mechanism(pMechanism) }?;
        // SAFETY: the caller's template.
        let t = unsafe { template(pTemplate, ulAttributeCount) }?;
        let h = module::derive_key(hSession, &m, hBaseKey, &t)?;
        // SAFETY: the caller's handle location, checked for NULL.
        *unsafe { out(phKey) }? = h;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Message digests (§5.11), in software.

cryptoki_fn! {
    fn C_DigestInit(hSession: CK_SESSION_HANDLE, pMechanism: CK_MECHANISM_PTR) {
        module::check_session(hSession)?;
        // SAFETY: the caller's mechanism.
        let m = unsafe { mechanism(pMechanism) }?;
        module::digest_init(hSession, &m)
    }

    fn C_Digest(
        hSession: CK_SESSION_HANDLE,
        pData: CK_BYTE_PTR,
        ulDataLen: CK_ULONG,
        pDigest: CK_BYTE_PTR,
        pulDigestLen: CK_ULONG_PTR,
    ) {
        module::check_session(hSession)?;
        // SAFETY: the caller's data buffer.
        let data = unsafe { bytes(pData, ulDataLen) }?;
        // SAFETY: the caller's length location.
        let cap = unsafe { capacity(pDigest, pulDigestLen) }?;
        let r = module::digest(hSession, Some(data), cap)?;
        // SAFETY: `pDigest` holds `cap` bytes as read above.
        unsafe { write_output(pDigest, pulDigestLen, r) }
    }

    fn C_DigestUpdate(hSession: CK_SESSION_HANDLE, pPart: CK_BYTE_PTR, ulPartLen: CK_ULONG) {
        module::check_session(hSession)?;
        // SAFETY: the caller's data buffer.
        let data = unsafe { bytes(pPart, ulPartLen) }?;
        module::digest_update(hSession, data)
    }

    fn C_DigestKey(hSession: CK_SESSION_HANDLE, hKey: CK_OBJECT_HANDLE) {
        module::check_session(hSession)?;
        module::digest_key(hSession, hKey)
    }

    fn C_DigestFinal(hSession: CK_SESSION_HANDLE, pDigest: CK_BYTE_PTR, pulDigestLen: CK_ULONG_PTR) {
        module::check_session(hSession)?;
        // SAFETY: the caller's length location.
        let cap = unsafe { capacity(pDigest, pulDigestLen) }?;
        let r = module::digest(hSession, None, cap)?;
        // SAFETY: `pDigest` holds `cap` bytes as read above.
        unsafe { write_output(pDigest, pulDigestLen, r) }
    }
}

// ---------------------------------------------------------------------------------------------
// Everything else: present in the tables, answering the code the spec names.

fixed_fn! { CKR_FUNCTION_NOT_SUPPORTED =>
    fn C_InitToken(CK_SLOT_ID, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR);
    fn C_GetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_SetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE);
    fn C_CreateObject(CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR);
    fn C_CopyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR);
    fn C_SetAttributeValue(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG);
    fn C_EncryptInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_Encrypt(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_EncryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_EncryptFinal(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DecryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DecryptFinal(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_SignRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_SignRecover(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_VerifyInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_Verify(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG);
    fn C_VerifyUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG);
    fn C_VerifyFinal(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG);
    fn C_VerifyRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_VerifyRecover(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DigestEncryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DecryptDigestUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_SignEncryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DecryptVerifyUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_GenerateKey(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR);
    fn C_GenerateKeyPair(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR, CK_OBJECT_HANDLE_PTR);
    fn C_WrapKey(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_UnwrapKey(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR);
    fn C_SessionCancel(CK_SESSION_HANDLE, CK_FLAGS);
    fn C_MessageEncryptInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_EncryptMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_EncryptMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG);
    fn C_EncryptMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS);
    fn C_MessageEncryptFinal(CK_SESSION_HANDLE);
    fn C_MessageDecryptInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_DecryptMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_DecryptMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG);
    fn C_DecryptMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS);
    fn C_MessageDecryptFinal(CK_SESSION_HANDLE);
    fn C_MessageSignInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_SignMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_SignMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG);
    fn C_SignMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
    fn C_MessageSignFinal(CK_SESSION_HANDLE);
    fn C_MessageVerifyInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
    fn C_VerifyMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG);
    fn C_VerifyMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG);
    fn C_VerifyMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG);
    fn C_MessageVerifyFinal(CK_SESSION_HANDLE);
}

fixed_fn! { CKR_FUNCTION_NOT_PARALLEL =>
    fn C_GetFunctionStatus(CK_SESSION_HANDLE);
    fn C_CancelFunction(CK_SESSION_HANDLE);
}

cryptoki_fn! {
    fn C_SeedRandom(hSession: CK_SESSION_HANDLE, pSeed: CK_BYTE_PTR, ulSeedLen: CK_ULONG) {
        module::check_session(hSession)?;
        // SAFETY: the caller's seed buffer.
        unsafe { bytes(pSeed, ulSeedLen) }?;
        // The card's generator is not offered (§5.15).
        fail(CKR_RANDOM_NO_RNG)
    }

    fn C_GenerateRandom(hSession: CK_SESSION_HANDLE, pRandomData: CK_BYTE_PTR, ulRandomLen: CK_ULONG) {
        module::check_session(hSession)?;
        if pRandomData.is_null() && ulRandomLen > 0 {
            return fail(CKR_ARGUMENTS_BAD);
        }
        fail(CKR_RANDOM_NO_RNG)
    }
}

// ---------------------------------------------------------------------------------------------
// The function tables.

macro_rules! function_list {
    ($ty:ident, $ver:expr, { $($extra:ident),* }) => {
        $ty {
            version: $ver,
            C_Initialize: Some(C_Initialize),
            C_Finalize: Some(C_Finalize),
            C_GetInfo: Some(C_GetInfo),
            C_GetFunctionList: Some(C_GetFunctionList),
            C_GetSlotList: Some(C_GetSlotList),
            C_GetSlotInfo: Some(C_GetSlotInfo),
            C_GetTokenInfo: Some(C_GetTokenInfo),
            C_GetMechanismList: Some(C_GetMechanismList),
            C_GetMechanismInfo: Some(C_GetMechanismInfo),
            C_InitToken: Some(C_InitToken),
            C_InitPIN: Some(C_InitPIN),
            C_SetPIN: Some(C_SetPIN),
            C_OpenSession: Some(C_OpenSession),
            C_CloseSession: Some(C_CloseSession),
            C_CloseAllSessions: Some(C_CloseAllSessions),
            C_GetSessionInfo: Some(C_GetSessionInfo),
            C_GetOperationState: Some(C_GetOperationState),
            C_SetOperationState: Some(C_SetOperationState),
            C_Login: Some(C_Login),
            C_Logout: Some(C_Logout),
            C_CreateObject: Some(C_CreateObject),
            C_CopyObject: Some(C_CopyObject),
            C_DestroyObject: Some(C_DestroyObject),
            C_GetObjectSize: Some(C_GetObjectSize),
            C_GetAttributeValue: Some(C_GetAttributeValue),
            C_SetAttributeValue: Some(C_SetAttributeValue),
            C_FindObjectsInit: Some(C_FindObjectsInit),
            C_FindObjects: Some(C_FindObjects),
            C_FindObjectsFinal: Some(C_FindObjectsFinal),
            C_EncryptInit: Some(C_EncryptInit),
            C_Encrypt: Some(C_Encrypt),
            C_EncryptUpdate: Some(C_EncryptUpdate),
            C_EncryptFinal: Some(C_EncryptFinal),
            C_DecryptInit: Some(C_DecryptInit),
            C_Decrypt: Some(C_Decrypt),
            C_DecryptUpdate: Some(C_DecryptUpdate),
            C_DecryptFinal: Some(C_DecryptFinal),
            C_DigestInit: Some(C_DigestInit),
            C_Digest: Some(C_Digest),
            C_DigestUpdate: Some(C_DigestUpdate),
            C_DigestKey: Some(C_DigestKey),
            C_DigestFinal: Some(C_DigestFinal),
            C_SignInit: Some(C_SignInit),
            C_Sign: Some(C_Sign),
            C_SignUpdate: Some(C_SignUpdate),
            C_SignFinal: Some(C_SignFinal),
            C_SignRecoverInit: Some(C_SignRecoverInit),
            C_SignRecover: Some(C_SignRecover),
            C_VerifyInit: Some(C_VerifyInit),
            C_Verify: Some(C_Verify),
            C_VerifyUpdate: Some(C_VerifyUpdate),
            C_VerifyFinal: Some(C_VerifyFinal),
            C_VerifyRecoverInit: Some(C_VerifyRecoverInit),
            C_VerifyRecover: Some(C_VerifyRecover),
            C_DigestEncryptUpdate: Some(C_DigestEncryptUpdate),
            C_DecryptDigestUpdate: Some(C_DecryptDigestUpdate),
            C_SignEncryptUpdate: Some(C_SignEncryptUpdate),
            C_DecryptVerifyUpdate: Some(C_DecryptVerifyUpdate),
            C_GenerateKey: Some(C_GenerateKey),
            C_GenerateKeyPair: Some(C_GenerateKeyPair),
            C_WrapKey: Some(C_WrapKey),
            C_UnwrapKey: Some(C_UnwrapKey),
            C_DeriveKey: Some(C_DeriveKey),
            C_SeedRandom: Some(C_SeedRandom),
            C_GenerateRandom: Some(C_GenerateRandom),
            C_GetFunctionStatus: Some(C_GetFunctionStatus),
            C_CancelFunction: Some(C_CancelFunction),
            C_WaitForSlotEvent: Some(C_WaitForSlotEvent),
            $($extra: Some($extra),)*
        }
    };
}

/// The PKCS#11 2.40 function list.
static FUNCTION_LIST: CK_FUNCTION_LIST = function_list!(CK_FUNCTION_LIST, version(2, 40), {});

/// The PKCS#11 3.0 function list.
static FUNCTION_LIST_3_0: CK_FUNCTION_LIST_3_0 = function_list!(CK_FUNCTION_LIST_3_0, version(3, 0), {
    C_GetInterfaceList, C_GetInterface, C_LoginUser, C_SessionCancel,
    C_MessageEncryptInit, C_EncryptMessage, C_EncryptMessageBegin, C_EncryptMessageNext,
    C_MessageEncryptFinal, C_MessageDecryptInit, C_DecryptMessage, C_DecryptMessageBegin,
    C_DecryptMessageNext, C_MessageDecryptFinal, C_MessageSignInit, C_SignMessage,
    C_SignMessageBegin, C_SignMessageNext, C_MessageSignFinal, C_MessageVerifyInit,
    C_VerifyMessage, C_VerifyMessageBegin, C_VerifyMessageNext, C_MessageVerifyFinal
});

/// The interface name of both tables (PKCS#11 3.0 §3.8).
static INTERFACE_NAME: &[u8] = b"PKCS 11\0";

/// The interfaces, 3.0 first (the default of `C_GetInterface` with no name).
struct Interfaces([CK_INTERFACE; 2]);

// SAFETY: the interfaces only point to immutable statics (the name and the function lists),
// which are never written through these pointers by the module, so sharing across threads is
// sound.
unsafe impl Sync for Interfaces {}

static INTERFACES: Interfaces = Interfaces([
    CK_INTERFACE {
        pInterfaceName: INTERFACE_NAME.as_ptr() as *mut CK_UTF8CHAR,
        pFunctionList: &FUNCTION_LIST_3_0 as *const CK_FUNCTION_LIST_3_0 as *mut c_void,
        flags: 0,
    },
    CK_INTERFACE {
        pInterfaceName: INTERFACE_NAME.as_ptr() as *mut CK_UTF8CHAR,
        pFunctionList: &FUNCTION_LIST as *const CK_FUNCTION_LIST as *mut c_void,
        flags: 0,
    },
]);

const INTERFACE_VERSIONS: [CK_VERSION; 2] = [version(3, 0), version(2, 40)];

/// How many interface structs `C_GetInterface` hands out before it reuses the oldest.
const ISSUED_MAX: usize = 1024;

/// The interface structs `C_GetInterface` has handed out: writable copies of [`INTERFACES`],
/// one per call, allocated once and never freed (process lifetime), so a caller may write into
/// the struct it got — OpenSC's `pkcs11-spy.so` replaces `pFunctionList` with its own table —
/// without touching read-only memory or what other callers got. The function lists they point
/// to stay immutable statics. After [`ISSUED_MAX`] calls the oldest struct is refilled and
/// handed out again (applications ask once or twice per load; this only bounds the memory).
struct Issued {
    structs: Vec<*mut CK_INTERFACE>,
    next: usize,
}

// SAFETY: the pointers come from `Box::into_raw` and are never freed; the module writes through
// them only inside `issue_interface`, under the `ISSUED` lock.
unsafe impl Send for Issued {}

static ISSUED: Mutex<Issued> = Mutex::new(Issued {
    structs: Vec::new(),
    next: 0,
});

/// A writable copy of `template` for one `C_GetInterface` caller (see [`Issued`]).
fn issue_interface(template: &CK_INTERFACE) -> CK_INTERFACE_PTR {
    let copy = CK_INTERFACE { ..*template };
    // Only pointers inside: a panic elsewhere cannot leave them inconsistent.
    let mut issued = ISSUED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if issued.structs.len() < ISSUED_MAX {
        let p = Box::into_raw(Box::new(copy));
        issued.structs.push(p);
        return p;
    }
    let i = issued.next;
    issued.next = (i + 1) % ISSUED_MAX;
    let p = issued.structs[i];
    // SAFETY: `p` came from `Box::into_raw` above and is never freed, so it is valid and
    // aligned; the module writes to it only here, under the lock.
    unsafe { p.write(copy) };
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_blank_and_cut_at_char_boundary() {
        assert_eq!(&pad::<8>("ab"), b"ab      ");
        assert_eq!(&pad::<3>("añb"), b"a\xc3\xb1");
        assert_eq!(&pad::<2>("añb"), b"a ");
        // A holder's name as a 32-byte token label: whole characters, then blanks.
        // Byte 32 falls inside "é": it goes whole to the next field, never in half.
        let label = pad::<32>("Núria Añón Castañón Peñalé");
        let text = std::str::from_utf8(&label).expect("valid UTF-8");
        assert_eq!(text, "Núria Añón Castañón Peñal ");
    }

    #[test]
    fn null_arguments_are_rejected_not_dereferenced() {
        assert_eq!(C_GetFunctionList(std::ptr::null_mut()), CKR_ARGUMENTS_BAD);
        assert_eq!(C_Finalize(1 as CK_VOID_PTR), CKR_ARGUMENTS_BAD);
        assert_eq!(
            C_GetInterfaceList(std::ptr::null_mut(), std::ptr::null_mut()),
            CKR_ARGUMENTS_BAD
        );
        let mut n: CK_ULONG = 0;
        assert_eq!(C_GetInterfaceList(std::ptr::null_mut(), &mut n), CKR_OK);
        assert_eq!(n, 2);
        // Not initialized comes first (§5.1), before the NULL handle location.
        assert_eq!(
            C_OpenSession(
                0,
                CKF_SERIAL_SESSION,
                std::ptr::null_mut(),
                None,
                std::ptr::null_mut()
            ),
            CKR_CRYPTOKI_NOT_INITIALIZED
        );
        assert_eq!(
            C_GetInfo(std::ptr::null_mut()),
            CKR_CRYPTOKI_NOT_INITIALIZED
        );
    }

    extern "C" fn create_mutex(_: CK_VOID_PTR_PTR) -> CK_RV {
        CKR_OK
    }

    fn args() -> CK_C_INITIALIZE_ARGS {
        CK_C_INITIALIZE_ARGS {
            CreateMutex: None,
            DestroyMutex: None,
            LockMutex: None,
            UnlockMutex: None,
            flags: CKF_OS_LOCKING_OK,
            pReserved: std::ptr::null_mut(),
        }
    }

    #[test]
    fn initialize_arguments_are_checked() {
        let mut a = args();
        a.pReserved = 1 as CK_VOID_PTR;
        assert_eq!(
            C_Initialize(&mut a as *mut _ as CK_VOID_PTR),
            CKR_ARGUMENTS_BAD
        );
        let mut a = args();
        a.CreateMutex = Some(create_mutex);
        assert_eq!(
            C_Initialize(&mut a as *mut _ as CK_VOID_PTR),
            CKR_ARGUMENTS_BAD
        );
    }

    /// An application mutex for the tests: a real lock, with what this thread did to it counted
    /// per thread (other tests may call exports at the same time and take it too).
    mod counting {
        use super::*;
        use std::sync::{Condvar, Mutex};

        pub struct Lock {
            locked: Mutex<bool>,
            free: Condvar,
        }

        thread_local! {
            pub static LOCKS: Cell<usize> = const { Cell::new(0) };
            pub static UNLOCKS: Cell<usize> = const { Cell::new(0) };
            pub static DESTROYED: Cell<usize> = const { Cell::new(0) };
            pub static FAIL_LOCK: Cell<bool> = const { Cell::new(false) };
        }

        pub extern "C" fn create(pp: CK_VOID_PTR_PTR) -> CK_RV {
            let l = Box::new(Lock {
                locked: Mutex::new(false),
                free: Condvar::new(),
            });
            // SAFETY: the module passes a writable location.
            unsafe { *pp = Box::into_raw(l) as CK_VOID_PTR };
            CKR_OK
        }

        fn get<'a>(p: CK_VOID_PTR) -> &'a Lock {
            // SAFETY: `p` came from `create` and is not destroyed yet.
            unsafe { &*(p as *const Lock) }
        }

        pub extern "C" fn lock(p: CK_VOID_PTR) -> CK_RV {
            if FAIL_LOCK.get() {
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
            LOCKS.set(LOCKS.get() + 1);
            CKR_OK
        }

        pub extern "C" fn unlock(p: CK_VOID_PTR) -> CK_RV {
            let l = get(p);
            let Ok(mut g) = l.locked.lock() else {
                return CKR_GENERAL_ERROR;
            };
            if !*g {
                return CKR_MUTEX_NOT_LOCKED;
            }
            *g = false;
            l.free.notify_one();
            UNLOCKS.set(UNLOCKS.get() + 1);
            CKR_OK
        }

        pub extern "C" fn destroy(p: CK_VOID_PTR) -> CK_RV {
            // SAFETY: `p` came from `create`; the module destroys it once.
            drop(unsafe { Box::from_raw(p as *mut Lock) });
            DESTROYED.set(DESTROYED.get() + 1);
            CKR_OK
        }
    }

    #[test]
    fn the_application_mutex_is_held_in_the_body_and_released_on_every_path() {
        use counting::{DESTROYED, FAIL_LOCK, LOCKS, UNLOCKS};
        let a = CK_C_INITIALIZE_ARGS {
            CreateMutex: Some(counting::create),
            DestroyMutex: Some(counting::destroy),
            LockMutex: Some(counting::lock),
            UnlockMutex: Some(counting::unlock),
            flags: 0,
            pReserved: std::ptr::null_mut(),
        };
        AppMutex::create(&a).expect("CreateMutex").install();
        let held = || HELD.get().is_some();
        let balanced = |n: usize| {
            assert_eq!((LOCKS.get(), UNLOCKS.get()), (n, n));
            assert!(!held());
        };
        assert_eq!(
            guard(|| {
                assert!(held());
                Ok(())
            }),
            CKR_OK
        );
        balanced(1);
        assert_eq!(guard(|| fail(CKR_PIN_INCORRECT)), CKR_PIN_INCORRECT);
        balanced(2);
        assert_eq!(guard(|| panic!("a bug in a body")), CKR_GENERAL_ERROR);
        balanced(3);
        // Released while blocking, held again after (two locks, two unlocks).
        assert_eq!(
            guard(|| {
                without_app_mutex(|| {
                    assert!(!held());
                    Ok(())
                })?;
                assert!(held());
                Ok(())
            }),
            CKR_OK
        );
        balanced(5);
        assert_eq!(
            guard(|| without_app_mutex(|| -> Result<()> { panic!("while released") })),
            CKR_GENERAL_ERROR
        );
        // A panic while released: not taken again, not released twice.
        balanced(6);
        // A failing LockMutex is the answer, and the body does not run.
        FAIL_LOCK.set(true);
        assert_eq!(guard(|| panic!("must not run")), CKR_MUTEX_BAD);
        FAIL_LOCK.set(false);
        balanced(6);
        // C_Finalize's path: out of service, destroyed once released.
        assert_eq!(
            guard(|| {
                AppMutex::retire();
                assert!(held());
                Ok(())
            }),
            CKR_OK
        );
        balanced(7);
        assert_eq!(DESTROYED.get(), 1);
        assert_eq!(guard(|| Ok(())), CKR_OK);
        balanced(7);
    }

    #[test]
    fn interfaces_name_versions_and_lists() {
        let mut p: CK_INTERFACE_PTR = std::ptr::null_mut();
        assert_eq!(
            C_GetInterface(std::ptr::null_mut(), std::ptr::null_mut(), &mut p, 0),
            CKR_OK
        );
        // SAFETY: C_GetInterface returned a pointer to a live interface struct.
        let default = unsafe { &*p };
        // SAFETY: the default interface's list is the static 3.0 list.
        let list = unsafe { &*(default.pFunctionList as *const CK_FUNCTION_LIST_3_0) };
        assert_eq!((list.version.major, list.version.minor), (3, 0));
        assert!(list.C_LoginUser.is_some() && list.C_MessageVerifyFinal.is_some());
        let mut v = version(2, 40);
        let mut name = *b"PKCS 11\0";
        assert_eq!(C_GetInterface(name.as_mut_ptr(), &mut v, &mut p, 0), CKR_OK);
        // SAFETY: as above, the 2.40 list.
        let list = unsafe { &*((*p).pFunctionList as *const CK_FUNCTION_LIST) };
        assert_eq!((list.version.major, list.version.minor), (2, 40));
        // Each caller gets its own writable struct (pkcs11-spy writes into it); the function
        // lists stay shared and immutable.
        let mut q: CK_INTERFACE_PTR = std::ptr::null_mut();
        assert_eq!(C_GetInterface(name.as_mut_ptr(), &mut v, &mut q, 0), CKR_OK);
        assert_ne!(p, q);
        // SAFETY: both point to live interface structs that only this test uses.
        unsafe {
            assert_eq!((*p).pFunctionList, (*q).pFunctionList);
            (*p).pFunctionList = std::ptr::null_mut();
            assert!(!(*q).pFunctionList.is_null());
        }
        let mut other = *b"Vendor\0";
        assert_eq!(
            C_GetInterface(other.as_mut_ptr(), std::ptr::null_mut(), &mut p, 0),
            CKR_ARGUMENTS_BAD
        );
        let mut fl: CK_FUNCTION_LIST_PTR = std::ptr::null_mut();
        assert_eq!(C_GetFunctionList(&mut fl), CKR_OK);
        // SAFETY: points to the static 2.40 list.
        let fl = unsafe { &*fl };
        assert_eq!(
            fl.C_GenerateRandom.map(|f| {
                // SAFETY: an empty output buffer; the module is not initialized in unit tests.
                unsafe { f(1, std::ptr::null_mut(), 0) }
            }),
            Some(CKR_CRYPTOKI_NOT_INITIALIZED)
        );
    }
}
