//! The module's state and every PKCS#11 operation as a safe function. `ffi` turns C arguments
//! into Rust values, calls one of these, and turns the result back into C.
//!
//! State lives in one global `Mutex<Option<Module>>`: slots (one per reader), sessions, pending
//! slot events and the reader watcher. Card I/O never happens under that lock: each token has its
//! own card lock, so polling calls answer at once while another thread signs. A poisoned lock is
//! `CKR_GENERAL_ERROR`, never a panic.

use super::config::{Config, PinMode};
use super::digest::{self, DigestOp};
use super::error::{fail, Error, Result};
use super::mechanism::{self, DecryptOp, Mechanism, MechanismInfo, Params, SignOp};
use super::object::{self, AttrValue, Object};
use super::pinentry;
use super::token::Token;
use crate::card::{CardError, Retries};
use crate::pin::{Pin, PinError, Puk};
use crate::profile::SecretRule;
use crate::transport::pcsc::{self, MonitorCanceller, ReaderEvent, ReaderMonitor};
use cryptoki_sys::*;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLockWriteGuard, TryLockError};
use std::thread::JoinHandle;
use std::time::Duration;
use zeroize::Zeroizing;

static STATE: Mutex<Option<Module>> = Mutex::new(None);
static EVENTS: Condvar = Condvar::new();
/// Session and object handles: one counter for the life of the process, so a handle is never 0
/// and never reused, even across `C_Finalize`/`C_Initialize`.
static NEXT_HANDLE: AtomicU64 = AtomicU64::new(1);

/// Wakes a blocking status-change wait (`SCardCancel`), for `C_Finalize`: the process that made
/// it, and the canceller. A child after `fork()` never uses (or releases) its parent's.
static CANCELLER: Mutex<Option<(u32, MonitorCanceller)>> = Mutex::new(None);

/// What the forking thread holds between the prepare and the parent/child handlers.
type ForkGuards = (
    MutexGuard<'static, Option<Module>>,
    MutexGuard<'static, Option<(u32, MonitorCanceller)>>,
    RwLockWriteGuard<'static, ()>,
);

thread_local! {
    static FORK_GUARDS: RefCell<Option<ForkGuards>> = const { RefCell::new(None) };
}

/// Sets the canceller of this process's blocking wait (`None`: no wait to wake).
fn set_canceller(c: Option<MonitorCanceller>) {
    let Ok(mut g) = CANCELLER.lock() else { return };
    let me = std::process::id();
    let old = std::mem::replace(&mut *g, c.map(|c| (me, c)));
    match old {
        // Our parent's (we are a forked child): its context is not ours to release.
        Some((pid, c)) if pid != me => std::mem::forget(c),
        old => {
            drop(g);
            drop(old);
        }
    }
}

fn cancel_wait() {
    if let Ok(c) = CANCELLER.lock() {
        if let Some((pid, c)) = c.as_ref() {
            if *pid == std::process::id() {
                let _ = c.cancel();
            }
        }
    }
}

/// The `pthread_atfork` prepare handler. It never waits for card I/O or for a status-change
/// wait: it takes the module state (held only for work in memory), the canceller, and the PC/SC
/// context gate ([`pcsc::exclude_context_changes`], held only while a context is set up or
/// released), so the child gets them unlocked and consistent, and never a libpcsclite whose
/// process-wide lock was taken. Threads inside a card transaction or a wait go on in the parent;
/// in the child their copies of the module are left alone (every call answers
/// `CKR_CRYPTOKI_NOT_INITIALIZED` until the child's own `C_Initialize`).
pub fn atfork_prepare() {
    // Lock order: module state, canceller, context gate (a thread holding the state may release
    // a context, i.e. take the gate, when it drops a token).
    let state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    let canceller = CANCELLER.lock().unwrap_or_else(PoisonError::into_inner);
    let gate = pcsc::exclude_context_changes();
    FORK_GUARDS.with(|f| *f.borrow_mut() = Some((state, canceller, gate)));
}

/// `pthread_atfork` parent and child handler: releases what [`atfork_prepare`] took.
pub fn atfork_release() {
    FORK_GUARDS.with(|f| drop(f.borrow_mut().take()));
}

/// A token's card, locked.
type CardGuard<'a> = MutexGuard<'a, Box<dyn crate::card::CardDriver>>;

fn card_of(t: &Token) -> Result<CardGuard<'_>> {
    lock_of(&t.card)
}

fn next_handle() -> CK_ULONG {
    NEXT_HANDLE.fetch_add(1, Ordering::SeqCst) as CK_ULONG
}

/// What an output-producing call gives back (PKCS#11 3.0 §5.2, "Conventions for functions
/// returning output in a variable-length buffer").
#[derive(Debug)]
pub enum Output {
    /// Size query (NULL buffer): the length needed; the operation goes on.
    Size(usize),
    /// The buffer is too small: the length needed; the operation goes on.
    TooSmall(usize),
    /// The result; the operation has ended.
    Data(Zeroizing<Vec<u8>>),
}

/// What `C_GetSlotInfo` reports.
#[derive(Debug, Clone)]
pub struct SlotInfo {
    /// The reader's name.
    pub description: String,
    /// `CKF_*`.
    pub flags: CK_FLAGS,
}

/// What `C_GetTokenInfo` reports.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// Label.
    pub label: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Serial.
    pub serial: String,
    /// `CKF_*`.
    pub flags: CK_FLAGS,
    /// Open sessions with this token.
    pub sessions: usize,
    /// Open read/write sessions.
    pub rw_sessions: usize,
    /// PIN length range.
    pub min_pin: usize,
    /// PIN length range.
    pub max_pin: usize,
    /// Firmware version.
    pub firmware: (u8, u8),
}

/// What `C_GetSessionInfo` reports.
#[derive(Debug, Clone, Copy)]
pub struct SessionInfo {
    /// Slot.
    pub slot: CK_SLOT_ID,
    /// `CKS_*`.
    pub state: CK_STATE,
    /// `CKF_*`.
    pub flags: CK_FLAGS,
}

struct Slot {
    id: CK_SLOT_ID,
    reader: String,
    connected: bool,
    card_present: bool,
    generation: u64,
    token: Option<Arc<Token>>,
    load_lock: Arc<Mutex<()>>,
    /// The card of this generation is not one the module can drive: answered from memory.
    unrecognized: Option<u64>,
}

struct FindOp {
    handles: Vec<CK_OBJECT_HANDLE>,
    pos: usize,
}

struct Session {
    slot: CK_SLOT_ID,
    token: Arc<Token>,
    rw: bool,
    find: Option<FindOp>,
    sign: Option<SignOp>,
    decrypt: Option<DecryptOp>,
    digest: Option<DigestOp>,
    objects: Vec<Object>,
}

struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The initialized module.
pub struct Module {
    pid: u32,
    config: Config,
    slots: Vec<Slot>,
    next_slot: CK_SLOT_ID,
    sessions: HashMap<CK_SESSION_HANDLE, Session>,
    events: VecDeque<CK_SLOT_ID>,
    follow: Follow,
}

fn lock() -> Result<MutexGuard<'static, Option<Module>>> {
    STATE.lock().map_err(|_| Error::Rv(CKR_GENERAL_ERROR))
}

fn lock_of<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    m.lock().map_err(|_| Error::Rv(CKR_GENERAL_ERROR))
}

/// Runs `f` on the module of this process, or `CKR_CRYPTOKI_NOT_INITIALIZED` (also in a child
/// after `fork()`, until it initializes again).
fn with<T>(f: impl FnOnce(&mut Module) -> Result<T>) -> Result<T> {
    let mut g = lock()?;
    match g.as_mut() {
        Some(m) if m.pid == std::process::id() => f(m),
        _ => fail(CKR_CRYPTOKI_NOT_INITIALIZED),
    }
}

impl Module {
    fn slot(&self, id: CK_SLOT_ID) -> Result<&Slot> {
        self.slots
            .iter()
            .find(|s| s.id == id && s.connected)
            .ok_or(Error::Rv(CKR_SLOT_ID_INVALID))
    }

    fn slot_mut(&mut self, id: CK_SLOT_ID) -> Result<&mut Slot> {
        self.slots
            .iter_mut()
            .find(|s| s.id == id && s.connected)
            .ok_or(Error::Rv(CKR_SLOT_ID_INVALID))
    }

    fn session(&mut self, h: CK_SESSION_HANDLE) -> Result<&mut Session> {
        self.sessions
            .get_mut(&h)
            .ok_or(Error::Rv(CKR_SESSION_HANDLE_INVALID))
    }

    fn reader_added(&mut self, name: &str, card_present: bool) -> CK_SLOT_ID {
        if let Some(s) = self.slots.iter_mut().find(|s| s.reader == name) {
            if !s.connected {
                s.connected = true;
                s.card_present = card_present;
                s.generation += 1;
            }
            return s.id;
        }
        let id = self.next_slot;
        self.next_slot += 1;
        self.slots.push(Slot {
            id,
            reader: name.to_owned(),
            connected: true,
            card_present,
            generation: 0,
            token: None,
            load_lock: Arc::new(Mutex::new(())),
            unrecognized: None,
        });
        id
    }

    /// The card in slot `id` is gone: its token is marked removed, its sessions closed
    /// (PKCS#11 3.0 §5.6: removing a token closes all its sessions).
    fn card_gone(&mut self, id: CK_SLOT_ID) {
        if let Some(s) = self.slots.iter_mut().find(|s| s.id == id) {
            s.card_present = false;
            s.generation += 1;
            if let Some(t) = s.token.take() {
                t.mark_removed();
            }
        }
        self.sessions.retain(|_, sess| sess.slot != id);
    }

    fn slot_by_reader(&self, reader: &str) -> Option<CK_SLOT_ID> {
        self.slots.iter().find(|s| s.reader == reader).map(|s| s.id)
    }

    fn apply(&mut self, e: &ReaderEvent) -> Option<CK_SLOT_ID> {
        match e {
            ReaderEvent::ReaderAdded(name) => Some(self.reader_added(name, false)),
            ReaderEvent::ReaderRemoved(name) => {
                let id = self.slot_by_reader(name)?;
                self.card_gone(id);
                if let Some(s) = self.slots.iter_mut().find(|s| s.id == id) {
                    s.connected = false;
                }
                Some(id)
            }
            ReaderEvent::CardInserted { reader, .. } => {
                let id = match self.slot_by_reader(reader) {
                    Some(id) => id,
                    None => self.reader_added(reader, false),
                };
                let s = self.slots.iter_mut().find(|s| s.id == id)?;
                if s.card_present {
                    return None;
                }
                s.card_present = true;
                s.generation += 1;
                s.token = None;
                Some(id)
            }
            ReaderEvent::CardRemoved { reader } => {
                let id = self.slot_by_reader(reader)?;
                let present = self.slots.iter().any(|s| s.id == id && s.card_present);
                self.card_gone(id);
                present.then_some(id)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reader state: PC/SC status changes keep slot state current, so polling never asks the card.
// Either a watcher thread follows them, or (an application that does not let the module create
// threads, `CKF_LIBRARY_CANT_CREATE_OS_THREADS`) the caller's own calls look with a
// zero-timeout `SCardGetStatusChange`.

/// The name of the watcher thread.
pub const READER_THREAD: &str = "sello-pkcs11-readers";

/// How slot state is kept current.
enum Follow {
    /// A thread of the module's blocks in `SCardGetStatusChange`.
    Thread(Watcher),
    /// No thread: slot calls poll on the caller's thread; a blocking `C_WaitForSlotEvent` waits
    /// on the caller's thread. `None` inside: no PC/SC service when initialized.
    Poll(Arc<Mutex<Option<ReaderMonitor>>>),
}

/// The watcher thread: blocks in `SCardGetStatusChange` (woken by a change, by `SCardCancel` from
/// `C_Finalize`, or after `interval` at the latest to look at `stop`).
fn watch(stop: Arc<AtomicBool>, interval: Duration) {
    while !stop.load(Ordering::SeqCst) {
        let mut monitor = match ReaderMonitor::new() {
            Ok(m) => m,
            Err(_) => {
                // No PC/SC service (yet): try again later.
                std::thread::sleep(interval);
                continue;
            }
        };
        set_canceller(Some(monitor.canceller()));
        let mut first = true;
        while !stop.load(Ordering::SeqCst) {
            match monitor.wait(interval) {
                Ok(events) => {
                    if !events.is_empty() {
                        apply_events(&events, !first);
                    }
                    first = false;
                }
                Err(_) => {
                    std::thread::sleep(interval / 4);
                    break;
                }
            }
        }
        set_canceller(None);
        drop(monitor);
    }
}

/// Poll mode: looks at PC/SC once without waiting (`timeout` zero), or waits up to `timeout`,
/// and applies what changed. Another thread already looking is enough for a zero-timeout look.
/// `false`: there is no PC/SC service to look at.
fn poll(timeout: Duration) -> Result<bool> {
    let monitor = with(|m| match &m.follow {
        Follow::Poll(p) => Ok(Some(p.clone())),
        Follow::Thread(_) => Ok(None),
    })?;
    let Some(monitor) = monitor else {
        return Ok(true);
    };
    let mut g = if timeout.is_zero() {
        match monitor.try_lock() {
            Ok(g) => g,
            Err(TryLockError::WouldBlock) => return Ok(true),
            Err(TryLockError::Poisoned(_)) => return fail(CKR_GENERAL_ERROR),
        }
    } else {
        lock_of(&monitor)?
    };
    if g.is_none() {
        // No PC/SC service at C_Initialize: try again now.
        let Ok(mut fresh) = ReaderMonitor::new() else {
            return Ok(false);
        };
        if let Ok(events) = fresh.wait(Duration::ZERO) {
            apply_events(&events, true);
        }
        set_canceller(Some(fresh.canceller()));
        *g = Some(fresh);
        return Ok(true);
    }
    let Some(mon) = g.as_mut() else {
        return Ok(false);
    };
    match mon.wait(timeout) {
        Ok(events) => {
            if !events.is_empty() {
                apply_events(&events, true);
            }
        }
        Err(_) => {
            // pcscd went away: start over on the next look.
            set_canceller(None);
            *g = None;
            return Ok(false);
        }
    }
    Ok(true)
}

fn apply_events(events: &[ReaderEvent], notify: bool) {
    let Ok(mut g) = STATE.lock() else { return };
    let Some(m) = g.as_mut().filter(|m| m.pid == std::process::id()) else {
        return;
    };
    for e in events {
        if let Some(id) = m.apply(e) {
            if notify && !m.events.contains(&id) {
                m.events.push_back(id);
            }
        }
    }
    drop(g);
    EVENTS.notify_all();
}

// ---------------------------------------------------------------------------------------------
// General purpose (PKCS#11 3.0 §5.4).

/// `C_Initialize`, once `ffi` has checked the arguments. An application's mutex (§5.4, case 3)
/// is `ffi`'s: it is taken around every call; the state here keeps its own OS locks in every
/// case. `threads`: the module may create a thread to follow readers (else the application's
/// calls poll, `CKF_LIBRARY_CANT_CREATE_OS_THREADS`).
pub fn initialize(threads: bool) -> Result<()> {
    let readers = pcsc::list_readers();
    let mut g = lock()?;
    if let Some(m) = g.as_ref() {
        if m.pid == std::process::id() {
            return fail(CKR_CRYPTOKI_ALREADY_INITIALIZED);
        }
        // A child after fork(): the parent's watcher thread and PC/SC handles do not exist
        // here and must not be closed from here. Leak them.
        if let Some(old) = g.take() {
            std::mem::forget(old);
        }
    }
    let config = Config::load();
    let interval = Duration::from_millis(config.watch_interval_ms.max(10));
    let follow = if threads {
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = std::thread::Builder::new()
            .name(READER_THREAD.into())
            .spawn(move || watch(stop2, interval))
            .map_err(|_| Error::Rv(CKR_CANT_LOCK))?;
        Follow::Thread(Watcher {
            stop,
            thread: Some(thread),
        })
    } else {
        // The initial state is the reader list below; later changes are events.
        let monitor = ReaderMonitor::new().ok().map(|mut mon| {
            let _ = mon.wait(Duration::ZERO);
            set_canceller(Some(mon.canceller()));
            mon
        });
        Follow::Poll(Arc::new(Mutex::new(monitor)))
    };
    let mut m = Module {
        pid: std::process::id(),
        config,
        slots: Vec::new(),
        next_slot: 0,
        sessions: HashMap::new(),
        events: VecDeque::new(),
        follow,
    };
    if let Ok(readers) = readers {
        for r in readers {
            m.reader_added(&r.name, r.card_present);
        }
    }
    *g = Some(m);
    Ok(())
}

/// `C_Finalize`: logs out of every card this process logged in to (VERIFY P1=FF), closes the
/// sessions, stops the watcher (or wakes a caller waiting for a slot event) and releases PC/SC.
pub fn finalize() -> Result<()> {
    let m = {
        let mut g = lock()?;
        match g.as_ref() {
            Some(m) if m.pid == std::process::id() => g.take(),
            _ => return fail(CKR_CRYPTOKI_NOT_INITIALIZED),
        }
    };
    EVENTS.notify_all();
    let Some(mut m) = m else {
        return fail(CKR_CRYPTOKI_NOT_INITIALIZED);
    };
    for s in &m.slots {
        if let Some(t) = &s.token {
            logout_card(t);
        }
    }
    match &mut m.follow {
        Follow::Thread(w) => {
            w.stop.store(true, Ordering::SeqCst);
            cancel_wait();
            if let Some(t) = w.thread.take() {
                let _ = t.join();
            }
        }
        Follow::Poll(_) => {
            // A caller blocked in C_WaitForSlotEvent returns; it drops the monitor last.
            cancel_wait();
            set_canceller(None);
        }
    }
    drop(m);
    Ok(())
}

/// Logs the card out if this process is logged in, and forgets the SO PUK.
fn logout_card(t: &Token) {
    let was_user = match t.login.lock() {
        Ok(mut l) => {
            l.so_puk = None;
            std::mem::take(&mut l.user)
        }
        Err(_) => false,
    };
    if was_user && !t.is_removed() {
        if let Ok(mut card) = card_of(t) {
            let _ = card.logout();
        }
    }
}

/// `CKR_CRYPTOKI_NOT_INITIALIZED` unless the module is initialized in this process.
pub fn check_initialized() -> Result<()> {
    with(|_| Ok(()))
}

/// The order of PKCS#11 3.0 §5.1: not initialized, then an invalid session, before any
/// argument is looked at.
pub fn check_session(h: CK_SESSION_HANDLE) -> Result<()> {
    with(|m| m.session(h).map(|_| ()))
}

/// As [`check_session`] for a slot.
pub fn check_slot(id: CK_SLOT_ID) -> Result<()> {
    with(|m| m.slot(id).map(|_| ()))
}

/// Whether the module is initialized in this process.
pub fn is_initialized() -> bool {
    with(|_| Ok(())).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Slots and tokens (§5.5).

/// `C_GetSlotList`.
pub fn slot_list(token_present: bool) -> Result<Vec<CK_SLOT_ID>> {
    poll(Duration::ZERO)?;
    with(|m| {
        Ok(m.slots
            .iter()
            .filter(|s| s.connected && (!token_present || s.card_present))
            .map(|s| s.id)
            .collect())
    })
}

/// `C_GetSlotInfo` (from watcher state; never touches the card).
pub fn slot_info(id: CK_SLOT_ID) -> Result<SlotInfo> {
    poll(Duration::ZERO)?;
    with(|m| {
        let s = m.slot(id)?;
        let mut flags = CKF_HW_SLOT | CKF_REMOVABLE_DEVICE;
        if s.card_present {
            flags |= CKF_TOKEN_PRESENT;
        }
        Ok(SlotInfo {
            description: s.reader.clone(),
            flags,
        })
    })
}

/// The token in slot `id`, reading the card the first time after insertion.
fn token(id: CK_SLOT_ID) -> Result<Arc<Token>> {
    poll(Duration::ZERO)?;
    let (reader, generation, load_lock, disk_cache, trust_record) = with(|m| {
        let s = m.slot(id)?;
        if !s.card_present {
            return fail(CKR_TOKEN_NOT_PRESENT);
        }
        if s.unrecognized == Some(s.generation) {
            return fail(CKR_TOKEN_NOT_RECOGNIZED);
        }
        Ok((
            s.reader.clone(),
            s.generation,
            s.load_lock.clone(),
            m.config.disk_cache,
            m.config.trust_record,
        ))
    })?;
    let _loading = lock_of(&load_lock)?;
    if let Some(t) = with(|m| Ok(m.slot(id)?.token.clone()))? {
        return Ok(t);
    }
    let token = match Token::load(&reader, disk_cache, trust_record, next_handle) {
        Ok(t) => Arc::new(t),
        Err(Error::Card(e)) if e.is_card_removed() => return fail(CKR_TOKEN_NOT_PRESENT),
        Err(Error::Card(CardError::UnsupportedCard)) => {
            // Not asked again until the card changes: polling must not touch it.
            with(|m| {
                let s = m.slot_mut(id)?;
                if s.generation == generation {
                    s.unrecognized = Some(generation);
                }
                Ok(())
            })?;
            return fail(CKR_TOKEN_NOT_RECOGNIZED);
        }
        Err(Error::Card(_)) => return fail(CKR_DEVICE_ERROR),
        Err(e) => return Err(e),
    };
    with(|m| {
        let s = m.slot_mut(id)?;
        if s.generation != generation || !s.card_present {
            token.mark_removed();
            return fail(CKR_TOKEN_NOT_PRESENT);
        }
        s.token = Some(token.clone());
        Ok(token)
    })
}

/// The PIN and PUK counters, read from the card the first time the token flags or a PIN dialog
/// need them: one GET METADATA each per token (none on cards known to lack metadata), never a
/// VERIFY. Afterwards this module's own PIN operations keep them current, so polling
/// `C_GetTokenInfo` sends nothing, and a process that only lists objects or signs never asks.
fn read_pin_counter(t: &Arc<Token>) -> Result<()> {
    if lock_of(&t.login)?.pin_counter_read {
        return Ok(());
    }
    let mut card = card_of(t)?;
    let r = card.pin_retries();
    let pin = after_card_op(t, card.as_mut(), r)?;
    let r = card.puk_retries();
    let puk = after_card_op(t, card.as_mut(), r)?;
    drop(card);
    // A PIN operation in between knows the tries left better; the card the total.
    let merge = |mine: Option<Retries>, card: Option<Retries>| match (mine, card) {
        (Some(mine), Some(card)) => Some(Retries {
            remaining: mine.remaining,
            total: mine.total.or(card.total),
        }),
        (mine, card) => mine.or(card),
    };
    let mut l = lock_of(&t.login)?;
    if !l.pin_counter_read {
        l.pin_counter_read = true;
        l.pin_tries = merge(l.pin_tries, pin);
        l.puk_tries = merge(l.puk_tries, puk);
    }
    Ok(())
}

/// `C_GetTokenInfo` (after the first read, from memory).
pub fn token_info(id: CK_SLOT_ID) -> Result<TokenInfo> {
    let t = token(id)?;
    read_pin_counter(&t)?;
    let login_flags = lock_of(&t.login)?.flags();
    with(|m| {
        let (mut sessions, mut rw) = (0, 0);
        for s in m.sessions.values().filter(|s| s.slot == id) {
            sessions += 1;
            rw += usize::from(s.rw);
        }
        let (min_pin, max_pin) = pin_range(&t, &m.config);
        Ok(TokenInfo {
            label: t.label.clone(),
            manufacturer: t.manufacturer.clone(),
            model: t.model.clone(),
            serial: t.serial.clone(),
            // Pinentry mode: no C_Login needed (Chromium never logs in to a protected
            // authentication path token); the module asks for the PIN itself.
            flags: if m.config.pin_mode == PinMode::Pinentry {
                CKF_PROTECTED_AUTHENTICATION_PATH
            } else {
                CKF_LOGIN_REQUIRED
            } | CKF_USER_PIN_INITIALIZED
                | CKF_TOKEN_INITIALIZED
                | login_flags,
            sessions,
            rw_sessions: rw,
            min_pin,
            max_pin,
            firmware: t.firmware,
        })
    })
}

/// `C_GetMechanismList`.
pub fn mechanism_list(id: CK_SLOT_ID) -> Result<Vec<CK_MECHANISM_TYPE>> {
    with(|m| m.slot(id).map(|_| ()))?;
    Ok(mechanism::MECHANISMS
        .iter()
        .map(|i| i.kind)
        .chain(digest::MECHANISMS.iter().map(|(k, _)| *k))
        .collect())
}

/// `C_GetMechanismInfo`.
pub fn mechanism_info(id: CK_SLOT_ID, kind: CK_MECHANISM_TYPE) -> Result<MechanismInfo> {
    with(|m| m.slot(id).map(|_| ()))?;
    if let Some(flags) = digest::flags(kind) {
        return Ok(MechanismInfo {
            kind,
            min_bits: 0,
            max_bits: 0,
            flags,
        });
    }
    mechanism::info(kind)
}

/// `C_WaitForSlotEvent`: the next slot whose state changed; `CKR_NO_EVENT` with `dont_block`.
pub fn wait_for_slot_event(dont_block: bool) -> Result<CK_SLOT_ID> {
    let (polling, interval) = with(|m| {
        Ok((
            matches!(m.follow, Follow::Poll(_)),
            Duration::from_millis(m.config.watch_interval_ms.max(10)),
        ))
    })?;
    if polling {
        // No thread of ours: look on the caller's thread (C_Finalize cancels the wait).
        loop {
            if let Some(id) = with(|m| Ok(m.events.pop_front()))? {
                return Ok(id);
            }
            if dont_block {
                poll(Duration::ZERO)?;
                return with(|m| m.events.pop_front().ok_or(Error::Rv(CKR_NO_EVENT)));
            }
            if !poll(interval)? {
                // No PC/SC service: look again later.
                std::thread::sleep(interval);
            }
        }
    }
    let mut g = lock()?;
    loop {
        match g.as_mut() {
            Some(m) if m.pid == std::process::id() => {
                if let Some(id) = m.events.pop_front() {
                    return Ok(id);
                }
                if dont_block {
                    return fail(CKR_NO_EVENT);
                }
            }
            _ => return fail(CKR_CRYPTOKI_NOT_INITIALIZED),
        }
        g = EVENTS.wait(g).map_err(|_| Error::Rv(CKR_GENERAL_ERROR))?;
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions (§5.6).

/// `C_OpenSession`.
pub fn open_session(id: CK_SLOT_ID, flags: CK_FLAGS) -> Result<CK_SESSION_HANDLE> {
    if flags & CKF_SERIAL_SESSION == 0 {
        return fail(CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    }
    let t = token(id)?;
    let rw = flags & CKF_RW_SESSION != 0;
    if !rw && lock_of(&t.login)?.so_puk.is_some() {
        return fail(CKR_SESSION_READ_WRITE_SO_EXISTS);
    }
    with(|m| {
        let h = next_handle();
        m.sessions.insert(
            h,
            Session {
                slot: id,
                token: t,
                rw,
                find: None,
                sign: None,
                decrypt: None,
                digest: None,
                objects: Vec::new(),
            },
        );
        Ok(h)
    })
}

/// When the last session with a token closes, the application is logged out (§5.6).
fn close_where(pred: impl Fn(&Session) -> bool) -> Result<()> {
    let tokens: Vec<Arc<Token>> = with(|m| {
        let closing: Vec<Arc<Token>> = m
            .sessions
            .values()
            .filter(|s| pred(s))
            .map(|s| s.token.clone())
            .collect();
        m.sessions.retain(|_, s| !pred(s));
        Ok(closing
            .into_iter()
            .filter(|t| !m.sessions.values().any(|s| Arc::ptr_eq(&s.token, t)))
            .collect())
    })?;
    let mut seen: Vec<*const Token> = Vec::new();
    for t in tokens {
        if !seen.contains(&Arc::as_ptr(&t)) {
            seen.push(Arc::as_ptr(&t));
            logout_card(&t);
        }
    }
    Ok(())
}

/// `C_CloseSession`.
pub fn close_session(h: CK_SESSION_HANDLE) -> Result<()> {
    let last = with(|m| {
        let s = m
            .sessions
            .remove(&h)
            .ok_or(Error::Rv(CKR_SESSION_HANDLE_INVALID))?;
        let last = !m.sessions.values().any(|o| Arc::ptr_eq(&o.token, &s.token));
        Ok(last.then_some(s.token))
    })?;
    if let Some(t) = last {
        logout_card(&t);
    }
    Ok(())
}

/// `C_CloseAllSessions`.
pub fn close_all_sessions(id: CK_SLOT_ID) -> Result<()> {
    with(|m| m.slot(id).map(|_| ()))?;
    close_where(|s| s.slot == id)
}

/// `C_GetSessionInfo` (from memory).
pub fn session_info(h: CK_SESSION_HANDLE) -> Result<SessionInfo> {
    poll(Duration::ZERO)?;
    let (slot, rw, t) = with(|m| {
        let s = m.session(h)?;
        Ok((s.slot, s.rw, s.token.clone()))
    })?;
    let l = lock_of(&t.login)?;
    let state = match (rw, l.user, l.so_puk.is_some()) {
        (true, _, true) => CKS_RW_SO_FUNCTIONS,
        (true, true, _) => CKS_RW_USER_FUNCTIONS,
        (true, false, _) => CKS_RW_PUBLIC_SESSION,
        (false, true, _) => CKS_RO_USER_FUNCTIONS,
        (false, false, _) => CKS_RO_PUBLIC_SESSION,
    };
    let mut flags = CKF_SERIAL_SESSION;
    if rw {
        flags |= CKF_RW_SESSION;
    }
    Ok(SessionInfo { slot, state, flags })
}

// ---------------------------------------------------------------------------------------------
// Login and PINs (§5.6 C_Login, §5.5 C_InitPIN/C_SetPIN).

/// The token's PIN length range: its card profile's, else the configured one (PIV: 6–8).
fn pin_range(t: &Token, config: &Config) -> (usize, usize) {
    t.pin_rule
        .as_ref()
        .map_or((config.min_pin_len, config.max_pin_len), |r| {
            (r.min_length, r.max_length)
        })
}

/// [`pin_range`] with the module's configuration.
fn pin_range_of(t: &Token) -> Result<(usize, usize)> {
    with(|m| Ok(pin_range(t, &m.config)))
}

/// A PIN to send to the card: within the token's length range (else `CKR_PIN_LEN_RANGE`, before
/// anything reaches the card, so a try is never spent on a PIN the card cannot hold) and a valid
/// PIV PIN.
fn pin_from((min, max): (usize, usize), bytes: &[u8]) -> Result<Pin> {
    if !(min..=max).contains(&bytes.len()) {
        return fail(CKR_PIN_LEN_RANGE);
    }
    Pin::from_bytes(bytes).map_err(pin_error)
}

/// A new PIN (`C_SetPIN`, `C_InitPIN`): [`pin_from`], then the PIN rule of the card's profile
/// when there is one ([`SecretRule::check`], as activation checks the holder's new PIN): a length
/// outside it is `CKR_PIN_LEN_RANGE`, other characters `CKR_PIN_INVALID`.
fn new_pin_from(range: (usize, usize), rule: Option<&SecretRule>, bytes: &[u8]) -> Result<Pin> {
    let pin = pin_from(range, bytes)?;
    if let Some(rule) = rule {
        // Printable ASCII after `pin_from`.
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Rv(CKR_PIN_INVALID))?;
        if rule.check(crate::profile::SecretName::Pin, text).is_err() {
            let n = text.chars().count();
            return fail(if (rule.min_length..=rule.max_length).contains(&n) {
                CKR_PIN_INVALID
            } else {
                CKR_PIN_LEN_RANGE
            });
        }
    }
    Ok(pin)
}

fn puk_from(bytes: &[u8]) -> Result<Puk> {
    Puk::from_bytes(bytes).map_err(pin_error)
}

fn pin_error(e: PinError) -> Error {
    match e {
        PinError::Charset(_) => Error::Rv(CKR_PIN_INVALID),
        _ => Error::Rv(CKR_PIN_LEN_RANGE),
    }
}

/// After a card operation: a reset by someone else logs this process out; a removal ends the
/// token.
fn after_card_op<T>(
    t: &Arc<Token>,
    card: &mut dyn crate::card::CardDriver,
    r: std::result::Result<T, CardError>,
) -> Result<T> {
    if card.take_reset_event() {
        if let Ok(mut l) = t.login.lock() {
            l.user = false;
        }
    }
    match r {
        Ok(v) => Ok(v),
        Err(e) if e.is_card_removed() => {
            t.mark_removed();
            let tt = t.clone();
            let _ = with(|m| {
                let ids: Vec<CK_SLOT_ID> = m
                    .slots
                    .iter()
                    .filter(|s| s.token.as_ref().is_some_and(|x| Arc::ptr_eq(x, &tt)))
                    .map(|s| s.id)
                    .collect();
                for id in ids {
                    m.card_gone(id);
                }
                Ok(())
            });
            fail(CKR_DEVICE_REMOVED)
        }
        Err(CardError::SecurityStatusNotSatisfied) => {
            if let Ok(mut l) = t.login.lock() {
                l.user = false;
            }
            fail(CKR_USER_NOT_LOGGED_IN)
        }
        Err(e) => Err(e.into()),
    }
}

fn session_token(h: CK_SESSION_HANDLE) -> Result<(Arc<Token>, bool)> {
    with(|m| {
        let s = m.session(h)?;
        Ok((s.token.clone(), s.rw))
    })
}

/// `C_Login`. `CKU_USER` sends one VERIFY (never retried); `CKU_SO` keeps the PUK for
/// `C_InitPIN`/`C_SetPIN`; `CKU_CONTEXT_SPECIFIC` keeps the PIN for the one operation in progress,
/// which sends VERIFY and the operation in one card transaction.
///
/// A NULL PIN (`None`: protected authentication path) is asked through the pinentry program in
/// pinentry mode, and is `CKR_ARGUMENTS_BAD` otherwise (an empty PIN is never sent).
pub fn login(h: CK_SESSION_HANDLE, user: CK_USER_TYPE, pin: Option<&[u8]>) -> Result<()> {
    let (t, _) = session_token(h)?;
    match user {
        CKU_USER => {
            {
                let l = lock_of(&t.login)?;
                if l.so_puk.is_some() {
                    return fail(CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
                }
                if l.user {
                    return fail(CKR_USER_ALREADY_LOGGED_IN);
                }
                // Even when our counter says 0 the card is asked: another application may have
                // unblocked it, and a blocked PIV PIN answers 6983 without spending anything.
            }
            let (pin, asked) = login_pin(&t, pin, "to use its keys")?;
            let mut card = card_of(&t)?;
            let r = card.verify_pin(&pin);
            let mut l = lock_of(&t.login)?;
            l.note_pin_result(&r);
            l.user = r.is_ok();
            if asked {
                l.pinentry_wrong = matches!(r, Err(CardError::WrongPin { .. }));
            }
            drop(l);
            after_card_op(&t, card.as_mut(), r)
        }
        CKU_SO => {
            let ro = with(|m| {
                Ok(m.sessions
                    .values()
                    .any(|s| Arc::ptr_eq(&s.token, &t) && !s.rw))
            })?;
            if ro {
                return fail(CKR_SESSION_READ_ONLY_EXISTS);
            }
            let mut l = lock_of(&t.login)?;
            if l.user {
                return fail(CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
            }
            if l.so_puk.is_some() {
                return fail(CKR_USER_ALREADY_LOGGED_IN);
            }
            l.so_puk = Some(puk_from(pin.ok_or(Error::Rv(CKR_ARGUMENTS_BAD))?)?);
            Ok(())
        }
        CKU_CONTEXT_SPECIFIC => {
            let active = with(|m| {
                let s = m.session(h)?;
                Ok(s.sign.is_some() || s.decrypt.is_some())
            })?;
            if !active {
                return fail(CKR_OPERATION_NOT_INITIALIZED);
            }
            let what = with(|m| {
                let s = m.session(h)?;
                Ok(s.sign
                    .as_ref()
                    .map(|o| &o.key)
                    .or(s.decrypt.as_ref().map(|o| &o.key))
                    .map(consent_text))
            })?
            .unwrap_or_default();
            let (pin, _) = login_pin(&t, pin, &what)?;
            with(|m| {
                let s = m.session(h)?;
                if let Some(op) = s.sign.as_mut() {
                    op.context_pin = Some(pin);
                    Ok(())
                } else if let Some(op) = s.decrypt.as_mut() {
                    op.context_pin = Some(pin);
                    Ok(())
                } else {
                    fail(CKR_OPERATION_NOT_INITIALIZED)
                }
            })
        }
        _ => fail(CKR_USER_TYPE_INVALID),
    }
}

/// The PIN of a `C_Login`: the caller's, or (NULL, pinentry mode) the holder's through the
/// pinentry dialog; `true` when asked.
fn login_pin(t: &Arc<Token>, pin: Option<&[u8]>, what: &str) -> Result<(Pin, bool)> {
    match pin {
        Some(p) => Ok((pin_from(pin_range_of(t)?, p)?, false)),
        None if pinentry_mode()? => {
            let chosen = session_pinentry(what).map_err(|_| Error::Rv(CKR_FUNCTION_FAILED))?;
            Ok((ask_pin(t, &chosen, what)?, true))
        }
        None => fail(CKR_ARGUMENTS_BAD),
    }
}

/// `C_Logout`: VERIFY P1=FF on the card (SP 800-73-4 Part 2, 3.2.1), and the PUK forgotten.
pub fn logout(h: CK_SESSION_HANDLE) -> Result<()> {
    let (t, _) = session_token(h)?;
    {
        let l = lock_of(&t.login)?;
        if !l.user && l.so_puk.is_none() {
            return fail(CKR_USER_NOT_LOGGED_IN);
        }
    }
    logout_card(&t);
    Ok(())
}

/// `C_InitPIN`: under `CKU_SO`, RESET RETRY COUNTER with the PUK unblocks and sets the PIN.
pub fn init_pin(h: CK_SESSION_HANDLE, new_pin: &[u8]) -> Result<()> {
    let (t, rw) = session_token(h)?;
    if !rw {
        return fail(CKR_SESSION_READ_ONLY);
    }
    let puk = lock_of(&t.login)?
        .so_puk
        .clone()
        .ok_or(Error::Rv(CKR_USER_NOT_LOGGED_IN))?;
    let new = new_pin_from(pin_range_of(&t)?, t.pin_rule.as_ref(), new_pin)?;
    let mut card = card_of(&t)?;
    let r = card.unblock_pin(&puk, &new);
    {
        let mut l = lock_of(&t.login)?;
        l.note_puk_result(&r);
        if r.is_ok() {
            l.note_pin_result(&Ok(()));
        }
    }
    after_card_op(&t, card.as_mut(), r)
}

/// `C_SetPIN`: the PIN (public or user session), or the PUK under `CKU_SO`. The values are
/// checked before the card is locked (the profile rule is read from files).
pub fn set_pin(h: CK_SESSION_HANDLE, old: &[u8], new: &[u8]) -> Result<()> {
    let (t, rw) = session_token(h)?;
    if !rw {
        return fail(CKR_SESSION_READ_ONLY);
    }
    let so = lock_of(&t.login)?.so_puk.is_some();
    if so {
        let (old, new) = (puk_from(old)?, puk_from(new)?);
        let mut card = card_of(&t)?;
        let r = card.change_puk(&old, &new);
        let mut l = lock_of(&t.login)?;
        l.note_puk_result(&r);
        if r.is_ok() {
            l.so_puk = Some(new);
        }
        drop(l);
        after_card_op(&t, card.as_mut(), r)
    } else {
        let range = pin_range_of(&t)?;
        let old = pin_from(range, old)?;
        let new = new_pin_from(range, t.pin_rule.as_ref(), new)?;
        let mut card = card_of(&t)?;
        let r = card.change_pin(&old, &new);
        lock_of(&t.login)?.note_pin_result(&r);
        after_card_op(&t, card.as_mut(), r)
    }
}

// ---------------------------------------------------------------------------------------------
// Objects (§5.7).

fn visible(o: &Object, logged_in: bool) -> bool {
    !o.private || logged_in
}

/// Whether private objects show: after this process's login, and always in pinentry mode (the
/// application never logs in; the PIN is asked when a key is used).
fn shows_private(t: &Token) -> Result<bool> {
    if lock_of(&t.login)?.user {
        return Ok(true);
    }
    with(|m| Ok(m.config.pin_mode == PinMode::Pinentry))
}

/// Whether the module is in pinentry mode.
fn pinentry_mode() -> Result<bool> {
    with(|m| Ok(m.config.pin_mode == PinMode::Pinentry))
}

/// The pinentry for this session (`pinentry::select`: the configured program, else a graphical
/// one on a display, a terminal one with a terminal). When none can be shown the reason, with
/// the package to install, goes to the module's log (`pkcs11::log`; `sello doctor` shows the same
/// cause) and the caller refuses the operation.
fn session_pinentry(what: &str) -> Result<pinentry::Chosen> {
    let (configured, log) = with(|m| Ok((m.config.pinentry.clone(), m.config.log.clone())))?;
    pinentry::select(configured.as_deref(), &pinentry::SessionEnv::current()).map_err(|e| {
        // The debug log stays English (machine-facing), whatever the user's language.
        super::log::write(
            log.as_deref(),
            &crate::i18n::with_language("en", || format!("cannot ask for the PIN {what}: {e}")),
        );
        Error::Rv(CKR_FUNCTION_FAILED)
    })
}

/// Asks the holder for the PIN through the pinentry program (pinentry mode): the dialog names
/// the card and shows the tries left; one dialog, never a retry. A PIN our counter says is
/// blocked is checked with the card first (another application may have unblocked it) and
/// refused without a dialog if it still is.
fn ask_pin(t: &Arc<Token>, program: &pinentry::Chosen, what: &str) -> Result<Pin> {
    read_pin_counter(t)?;
    let known_blocked = lock_of(&t.login)?
        .pin_tries
        .is_some_and(|r| r.remaining == 0);
    if known_blocked {
        let mut card = card_of(t)?;
        let r = card.pin_retries();
        let r = after_card_op(t, card.as_mut(), r)?;
        let mut l = lock_of(&t.login)?;
        if let Some(r) = r {
            l.pin_tries = Some(r);
        }
        if l.pin_tries.is_some_and(|r| r.remaining == 0) {
            return fail(CKR_PIN_LOCKED);
        }
    }
    let (tries, wrong) = {
        let l = lock_of(&t.login)?;
        (l.pin_tries.map(|r| r.remaining), l.pinentry_wrong)
    };
    let tries_text = match tries {
        Some(1) => crate::tr!("pkcs11-last-try"),
        Some(n) => crate::tr!("tries-left", left = n),
        None => String::new(),
    };
    let description = crate::tr!(
        "pkcs11-pinentry-description",
        label = t.label.as_str(),
        serial = t.serial.as_str(),
        purpose = what
    );
    let prompt = pinentry::Prompt {
        title: crate::tr!("pkcs11-pinentry-title"),
        description: format!("{description}\n{tries_text}"),
        prompt: crate::tr!("pkcs11-pinentry-prompt"),
        error: wrong.then(|| crate::tr!("pkcs11-pinentry-wrong", tries = tries_text.as_str())),
    };
    match pinentry::get_pin(program, &prompt) {
        Ok(bytes) => pin_from(pin_range_of(t)?, &bytes),
        Err(pinentry::PinentryError::Cancelled) => fail(CKR_FUNCTION_CANCELED),
        Err(_) => fail(CKR_FUNCTION_FAILED),
    }
}

/// `C_FindObjectsInit`.
pub fn find_init(h: CK_SESSION_HANDLE, template: Vec<(CK_ATTRIBUTE_TYPE, Vec<u8>)>) -> Result<()> {
    let (t, _) = session_token(h)?;
    let logged_in = shows_private(&t)?;
    with(|m| {
        let s = m.session(h)?;
        if s.find.is_some() {
            return fail(CKR_OPERATION_ACTIVE);
        }
        let handles = t
            .objects
            .iter()
            .chain(s.objects.iter())
            .filter(|o| visible(o, logged_in) && o.matches(&template))
            .map(|o| o.handle)
            .collect();
        s.find = Some(FindOp { handles, pos: 0 });
        Ok(())
    })
}

/// `C_FindObjects`.
pub fn find(h: CK_SESSION_HANDLE, max: usize) -> Result<Vec<CK_OBJECT_HANDLE>> {
    with(|m| {
        let f = m
            .session(h)?
            .find
            .as_mut()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        // ULONG_MAX after a partial read must not wrap around to the start.
        let end = f.pos.saturating_add(max).min(f.handles.len());
        let out = f.handles.get(f.pos..end).unwrap_or_default().to_vec();
        f.pos = end;
        Ok(out)
    })
}

/// `C_FindObjectsFinal`.
pub fn find_final(h: CK_SESSION_HANDLE) -> Result<()> {
    with(|m| {
        m.session(h)?
            .find
            .take()
            .map(|_| ())
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))
    })
}

/// One attribute's answer, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// The value, C-encoded.
    Value(Vec<u8>),
    /// No such attribute.
    Invalid,
    /// Secret.
    Sensitive,
}

fn object_in<'a>(
    t: &'a Token,
    s: &'a Session,
    obj: CK_OBJECT_HANDLE,
    logged_in: bool,
) -> Result<&'a Object> {
    t.object(obj)
        .or_else(|| s.objects.iter().find(|o| o.handle == obj))
        .filter(|o| visible(o, logged_in))
        .ok_or(Error::Rv(CKR_OBJECT_HANDLE_INVALID))
}

/// `C_GetAttributeValue`: the answer for each requested type.
pub fn get_attributes(
    h: CK_SESSION_HANDLE,
    obj: CK_OBJECT_HANDLE,
    types: &[CK_ATTRIBUTE_TYPE],
) -> Result<Vec<Attr>> {
    let (t, _) = session_token(h)?;
    let logged_in = shows_private(&t)?;
    with(|m| {
        let s = m.session(h)?;
        let o = object_in(&t, s, obj, logged_in)?;
        Ok(types
            .iter()
            .map(|ty| match o.get(*ty) {
                AttrValue::Value(v) => Attr::Value(v.to_vec()),
                AttrValue::Invalid => Attr::Invalid,
                AttrValue::Sensitive => Attr::Sensitive,
            })
            .collect())
    })
}

/// `C_GetObjectSize`.
pub fn object_size(h: CK_SESSION_HANDLE, obj: CK_OBJECT_HANDLE) -> Result<usize> {
    let (t, _) = session_token(h)?;
    let logged_in = shows_private(&t)?;
    with(|m| {
        let s = m.session(h)?;
        object_in(&t, s, obj, logged_in).map(Object::size)
    })
}

/// `C_DestroyObject`: only session objects (derived keys) can go.
pub fn destroy_object(h: CK_SESSION_HANDLE, obj: CK_OBJECT_HANDLE) -> Result<()> {
    let (t, _) = session_token(h)?;
    if t.object(obj).is_some() {
        return fail(CKR_ACTION_PROHIBITED);
    }
    with(|m| {
        let s = m.session(h)?;
        let before = s.objects.len();
        s.objects.retain(|o| o.handle != obj);
        if s.objects.len() == before {
            return fail(CKR_OBJECT_HANDLE_INVALID);
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Signing and decryption (§5.9, §5.13).

fn key_for(
    h: CK_SESSION_HANDLE,
    key: CK_OBJECT_HANDLE,
) -> Result<(Arc<Token>, super::object::KeyInfo)> {
    let (t, _) = session_token(h)?;
    let logged_in = shows_private(&t)?;
    let o = t
        .object(key)
        .filter(|o| visible(o, logged_in))
        .ok_or(Error::Rv(CKR_KEY_HANDLE_INVALID))?;
    let info = o.key.ok_or(Error::Rv(CKR_KEY_TYPE_INCONSISTENT))?;
    Ok((t.clone(), info))
}

/// `C_SignInit`.
pub fn sign_init(h: CK_SESSION_HANDLE, mech: &Mechanism, key: CK_OBJECT_HANDLE) -> Result<()> {
    let (_, info) = key_for(h, key)?;
    with(|m| {
        let s = m.session(h)?;
        if s.sign.is_some() {
            return fail(CKR_OPERATION_ACTIVE);
        }
        s.sign = Some(SignOp::new(mech, info)?);
        Ok(())
    })
}

/// The PIN to send with a private-key operation, and what its success means.
struct Auth<'a> {
    pin: Option<Pin>,
    /// Held from a login dialog to the end of the operation, so threads that need the login at
    /// the same time show one dialog, not one each (the others then find the card verified).
    _dialog: Option<MutexGuard<'a, ()>>,
    /// The PIN came from our pinentry dialog.
    asked: bool,
    /// Success leaves the card verified for this process (a login, in pinentry mode).
    logs_in: bool,
}

impl Auth<'_> {
    /// Records the card's answer (PIN counter, login, the dialog's next error line). Call with
    /// the card lock held (lock order: card, then login state).
    fn note<T>(&self, t: &Token, r: &std::result::Result<T, CardError>) -> Result<()> {
        if self.pin.is_none() {
            return Ok(());
        }
        let mut l = lock_of(&t.login)?;
        let r = r.as_ref().map(|_| ()).map_err(clone_pin_err);
        l.note_pin_result(&r);
        if self.asked {
            l.pinentry_wrong = matches!(r, Err(CardError::WrongPin { .. }));
        }
        if self.logs_in && r.is_ok() {
            l.user = true;
        }
        Ok(())
    }
}

/// The PIN to send with an operation: the context-specific PIN for keys that need it every
/// time; otherwise none (the card session is already verified by this process's login). In
/// pinentry mode a missing PIN is asked for instead of answering `CKR_USER_NOT_LOGGED_IN`. In
/// standard mode, a key that needs the PIN for every use (9C) used after `C_Login(CKU_USER)`
/// but without `C_Login(CKU_CONTEXT_SPECIFIC)` — what PDF and document signers do — asks the
/// holder through the session's pinentry for that one signature (no PIN is kept); without a
/// pinentry it stays `CKR_USER_NOT_LOGGED_IN`, with the reason in the log.
fn authorize<'a>(
    t: &'a Arc<Token>,
    key: &super::object::KeyInfo,
    context: Option<Pin>,
) -> Result<Auth<'a>> {
    let needs_context = key.always_authenticate && context.is_none();
    let pinentry_mode = pinentry_mode()?;
    // Lock order: dialog, then gate, card, login state, module state.
    let dialog = if pinentry_mode && key.needs_pin && !needs_context {
        Some(lock_of(&t.dialog)?)
    } else {
        None
    };
    let logged_in = lock_of(&t.login)?.user;
    let needs_login = key.needs_pin && !logged_in;
    if !needs_login && !needs_context {
        return Ok(Auth {
            pin: context,
            _dialog: None,
            asked: false,
            logs_in: false,
        });
    }
    if needs_login && !pinentry_mode {
        return fail(CKR_USER_NOT_LOGGED_IN);
    }
    if let Some(pin) = context {
        // Pinentry mode, not yet logged in: the context-specific PIN (from `C_Login(NULL)`'s
        // dialog, as pkcs11-tool does for 9C) is the PIN; its VERIFY logs this process in.
        return Ok(Auth {
            pin: Some(pin),
            _dialog: dialog,
            asked: false,
            logs_in: true,
        });
    }
    let what = if key.always_authenticate {
        consent_text(key)
    } else {
        crate::tr!("pkcs11-purpose-login")
    };
    let chosen = session_pinentry(&what).map_err(|e| {
        if pinentry_mode {
            e
        } else {
            Error::Rv(CKR_USER_NOT_LOGGED_IN)
        }
    })?;
    let pin = ask_pin(t, &chosen, &what)?;
    Ok(Auth {
        pin: Some(pin),
        _dialog: dialog,
        asked: true,
        logs_in: needs_login,
    })
}

/// What a per-use dialog says the PIN is for: one signature with the document-signing key (PIV
/// 9C, "Digital Signature"), or one use of another always-authenticate key.
fn consent_text(key: &super::object::KeyInfo) -> String {
    if key.key.0 == 0x9C {
        crate::tr!("pkcs11-purpose-signature")
    } else {
        crate::tr!("pkcs11-purpose-key", slot = format!("{:02X}", key.key.0))
    }
}

fn run_sign(t: &Arc<Token>, mut op: SignOp) -> Result<Vec<u8>> {
    let input = op.card_input()?;
    let auth = authorize(t, &op.key, op.context_pin.take())?;
    let mut card = card_of(t)?;
    if t.is_removed() {
        return fail(CKR_DEVICE_REMOVED);
    }
    let r = card.sign_raw(op.key.key, op.key.algorithm, &input, auth.pin.as_ref());
    auth.note(t, &r)?;
    let raw = after_card_op(t, card.as_mut(), r)?;
    op.signature(raw)
}

fn clone_pin_err(e: &CardError) -> CardError {
    match e {
        CardError::WrongPin { tries_left } => CardError::WrongPin {
            tries_left: *tries_left,
        },
        CardError::PinBlocked => CardError::PinBlocked,
        // Not a PIN answer: note_pin_result ignores it.
        _ => CardError::NotSupported(crate::card::Operation::Verify),
    }
}

/// Takes the session's sign operation when the output fits, or reports the size.
fn take_sign(
    h: CK_SESSION_HANDLE,
    cap: Option<usize>,
    data: Option<&[u8]>,
) -> Result<std::result::Result<(Arc<Token>, SignOp), Output>> {
    with(|m| {
        let s = m.session(h)?;
        let op = s
            .sign
            .as_ref()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        if data.is_some() && op.multi_part {
            s.sign = None;
            return fail(CKR_OPERATION_ACTIVE);
        }
        let need = op.signature_len();
        match cap {
            None => return Ok(Err(Output::Size(need))),
            Some(c) if c < need => return Ok(Err(Output::TooSmall(need))),
            _ => {}
        }
        let mut op = s
            .sign
            .take()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        if let Some(d) = data {
            op.update(d)?;
        }
        Ok(Ok((s.token.clone(), op)))
    })
}

/// `C_Sign`.
pub fn sign(h: CK_SESSION_HANDLE, data: &[u8], cap: Option<usize>) -> Result<Output> {
    match take_sign(h, cap, Some(data))? {
        Err(out) => Ok(out),
        Ok((t, op)) => run_sign(&t, op).map(|v| Output::Data(Zeroizing::new(v))),
    }
}

/// `C_SignUpdate`.
pub fn sign_update(h: CK_SESSION_HANDLE, data: &[u8]) -> Result<()> {
    with(|m| {
        let s = m.session(h)?;
        let op = s
            .sign
            .as_mut()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        op.multi_part = true;
        let r = op.update(data);
        if r.is_err() {
            s.sign = None;
        }
        r
    })
}

/// `C_SignFinal`.
pub fn sign_final(h: CK_SESSION_HANDLE, cap: Option<usize>) -> Result<Output> {
    match take_sign(h, cap, None)? {
        Err(out) => Ok(out),
        Ok((t, op)) => run_sign(&t, op).map(|v| Output::Data(Zeroizing::new(v))),
    }
}

/// `C_DecryptInit`.
pub fn decrypt_init(h: CK_SESSION_HANDLE, mech: &Mechanism, key: CK_OBJECT_HANDLE) -> Result<()> {
    let (_, info) = key_for(h, key)?;
    with(|m| {
        let s = m.session(h)?;
        if s.decrypt.is_some() {
            return fail(CKR_OPERATION_ACTIVE);
        }
        s.decrypt = Some(DecryptOp::new(mech, info)?);
        Ok(())
    })
}

/// `C_Decrypt`. The plaintext length is known only after the card's work, so a size query
/// answers the modulus length; a result that does not fit is kept for the next call.
pub fn decrypt(h: CK_SESSION_HANDLE, data: &[u8], cap: Option<usize>) -> Result<Output> {
    let step = with(|m| {
        let s = m.session(h)?;
        let op = s
            .decrypt
            .as_mut()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        if let Some(p) = op.pending.as_ref() {
            return Ok(match cap {
                None => Err(Output::Size(p.len())),
                Some(c) if c < p.len() => Err(Output::TooSmall(p.len())),
                _ => {
                    let p = op.pending.take().unwrap_or_default();
                    s.decrypt = None;
                    Err(Output::Data(p))
                }
            });
        }
        if cap.is_none() {
            return Ok(Err(Output::Size(op.max_len())));
        }
        if let Err(e) = op.check_input(data) {
            s.decrypt = None;
            return Err(e);
        }
        let op = s
            .decrypt
            .take()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        Ok(Ok((s.token.clone(), op)))
    })?;
    let (t, mut op) = match step {
        Err(out) => return Ok(out),
        Ok(v) => v,
    };
    let auth = authorize(&t, &op.key, op.context_pin.take())?;
    let raw = {
        let mut card = card_of(&t)?;
        let r = card.decrypt_raw(op.key.key, op.key.algorithm, data, auth.pin.as_ref());
        auth.note(&t, &r)?;
        after_card_op(&t, card.as_mut(), r)?
    };
    let plain = op.unpad(&raw)?;
    match cap {
        Some(c) if c < plain.len() => {
            let n = plain.len();
            op.pending = Some(plain);
            with(|m| {
                m.session(h)?.decrypt = Some(op);
                Ok(())
            })?;
            Ok(Output::TooSmall(n))
        }
        _ => Ok(Output::Data(plain)),
    }
}

// ---------------------------------------------------------------------------------------------
// Message digests (§5.11), in software. As the other operations: a size query or a buffer too
// small keeps the operation; any other error ends it; `C_Digest` after `C_DigestUpdate` is
// `CKR_OPERATION_ACTIVE` and ends it.

/// `C_DigestInit`.
pub fn digest_init(h: CK_SESSION_HANDLE, mech: &Mechanism) -> Result<()> {
    with(|m| {
        let s = m.session(h)?;
        if s.digest.is_some() {
            return fail(CKR_OPERATION_ACTIVE);
        }
        if mech.params != Params::None {
            return fail(CKR_MECHANISM_PARAM_INVALID);
        }
        s.digest = Some(DigestOp::new(mech.kind)?);
        Ok(())
    })
}

/// `C_Digest` (`data` whole) and `C_DigestFinal` (`None`).
pub fn digest(h: CK_SESSION_HANDLE, data: Option<&[u8]>, cap: Option<usize>) -> Result<Output> {
    with(|m| {
        let s = m.session(h)?;
        let op = s
            .digest
            .as_ref()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        if data.is_some() && op.multi_part {
            s.digest = None;
            return fail(CKR_OPERATION_ACTIVE);
        }
        match cap {
            None => return Ok(Output::Size(op.len)),
            Some(c) if c < op.len => return Ok(Output::TooSmall(op.len)),
            _ => {}
        }
        let mut op = s
            .digest
            .take()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        if let Some(d) = data {
            op.update(d);
        }
        Ok(Output::Data(Zeroizing::new(op.finish())))
    })
}

/// `C_DigestUpdate`.
pub fn digest_update(h: CK_SESSION_HANDLE, data: &[u8]) -> Result<()> {
    with(|m| {
        let op = m
            .session(h)?
            .digest
            .as_mut()
            .ok_or(Error::Rv(CKR_OPERATION_NOT_INITIALIZED))?;
        op.multi_part = true;
        op.update(data);
        Ok(())
    })
}

/// `C_DigestKey`: a secret key whose value the module holds and may show (an ECDH shared
/// secret derived as extractable); the card's keys never leave it (`CKR_KEY_INDIGESTIBLE`).
pub fn digest_key(h: CK_SESSION_HANDLE, key: CK_OBJECT_HANDLE) -> Result<()> {
    let (t, _) = session_token(h)?;
    let logged_in = shows_private(&t)?;
    with(|m| {
        let s = m.session(h)?;
        if s.digest.is_none() {
            return fail(CKR_OPERATION_NOT_INITIALIZED);
        }
        let value = match object_in(&t, s, key, logged_in) {
            Err(_) => Err(Error::Rv(CKR_KEY_HANDLE_INVALID)),
            Ok(o) => {
                let class = match o.get(CKA_CLASS) {
                    AttrValue::Value(v) => v.to_vec(),
                    _ => Vec::new(),
                };
                match o.get(CKA_VALUE) {
                    AttrValue::Value(v) if class == CKO_SECRET_KEY.to_ne_bytes() => {
                        Ok(Zeroizing::new(v.to_vec()))
                    }
                    _ => Err(Error::Rv(CKR_KEY_INDIGESTIBLE)),
                }
            }
        };
        match value {
            Ok(v) => {
                if let Some(op) = s.digest.as_mut() {
                    op.multi_part = true;
                    op.update(&v);
                }
                Ok(())
            }
            Err(e) => {
                s.digest = None;
                Err(e)
            }
        }
    })
}

/// `C_DeriveKey` with `CKM_ECDH1_DERIVE` (`CKD_NULL`): the card computes the shared secret,
/// which becomes a generic secret session object.
pub fn derive_key(
    h: CK_SESSION_HANDLE,
    mech: &Mechanism,
    base: CK_OBJECT_HANDLE,
    template: &[(CK_ATTRIBUTE_TYPE, Vec<u8>)],
) -> Result<CK_OBJECT_HANDLE> {
    if mech.kind != CKM_ECDH1_DERIVE {
        return fail(CKR_MECHANISM_INVALID);
    }
    let Params::Ecdh {
        kdf,
        public,
        shared,
    } = &mech.params
    else {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    };
    if *kdf != CKD_NULL || !shared.is_empty() {
        return fail(CKR_MECHANISM_PARAM_INVALID);
    }
    let (t, key) = key_for(h, base)?;
    if !key.derive {
        return fail(CKR_KEY_FUNCTION_NOT_PERMITTED);
    }
    let auth = authorize(&t, &key, None)?;
    // The peer point may come raw or DER-wrapped in an OCTET STRING.
    let peer = match crate::apdu::tlv::expect_single(public, 0x04) {
        Ok(inner) if matches!(inner.len(), 32 | 65 | 97) && inner.len() + 2 <= public.len() => {
            inner.to_vec()
        }
        _ => public.clone(),
    };
    let secret = {
        let mut card = card_of(&t)?;
        let r = card.key_agreement(key.key, key.algorithm, &peer, auth.pin.as_ref());
        auth.note(&t, &r)?;
        after_card_op(&t, card.as_mut(), r)?
    };
    let flag = |ty: CK_ATTRIBUTE_TYPE, default: bool| {
        template
            .iter()
            .find(|(k, _)| *k == ty)
            .map(|(_, v)| v.first().is_some_and(|b| *b != 0))
            .unwrap_or(default)
    };
    let len = template
        .iter()
        .find(|(k, _)| *k == CKA_VALUE_LEN)
        .and_then(|(_, v)| v.as_slice().try_into().ok().map(CK_ULONG::from_ne_bytes))
        .map(|l| l as usize)
        .unwrap_or(secret.len())
        .min(secret.len());
    let value = secret.get(..len).unwrap_or_default();
    let mut obj = object::derived_secret(
        value,
        flag(CKA_SENSITIVE, false),
        flag(CKA_EXTRACTABLE, true),
        "ECDH shared secret",
    );
    obj.handle = next_handle();
    let handle = obj.handle;
    with(|m| {
        m.session(h)?.objects.push(obj);
        Ok(handle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Charset;

    fn rv(r: Result<Pin>) -> CK_RV {
        r.map_or_else(|e| e.rv(), |_| CKR_OK)
    }

    #[test]
    fn a_pin_outside_the_token_range_is_refused() {
        assert_eq!(rv(pin_from((7, 8), b"123456")), CKR_PIN_LEN_RANGE);
        assert_eq!(rv(pin_from((7, 8), b"1234567")), CKR_OK);
        assert_eq!(rv(pin_from((6, 6), b"1234567")), CKR_PIN_LEN_RANGE);
        assert_eq!(rv(pin_from((6, 8), b"123456789")), CKR_PIN_LEN_RANGE);
        // PIV's own 6–8 still holds under a profile that allows shorter PINs.
        assert_eq!(rv(pin_from((4, 8), b"1234")), CKR_PIN_LEN_RANGE);
        assert_eq!(rv(pin_from((6, 8), b"12345\x01")), CKR_PIN_INVALID);
    }

    #[test]
    fn a_new_pin_follows_the_profile_rule() {
        let digits = SecretRule {
            min_length: 7,
            max_length: 8,
            charset: Charset::Digits,
            retries: 3,
        };
        let new = |range, rule, pin| rv(new_pin_from(range, rule, pin));
        assert_eq!(new((7, 8), Some(&digits), b"1234567"), CKR_OK);
        assert_eq!(new((7, 8), Some(&digits), b"12ab5678"), CKR_PIN_INVALID);
        assert_eq!(new((7, 8), Some(&digits), b"123456"), CKR_PIN_LEN_RANGE);
        // The token's range and the rule are both applied (they differ only when the profile
        // files changed since the card was read).
        assert_eq!(new((6, 8), Some(&digits), b"123456"), CKR_PIN_LEN_RANGE);
        assert_eq!(
            new((6, 8), None, b"12ab56"),
            CKR_OK,
            "no profile: PIV's rule"
        );
    }
}
