//! Keeping a Python thread state per Rust thread.
//!
//! Attaching to CPython from a thread that has no Python thread state
//! creates one (`PyGILState_Ensure`), and detaching deletes it again: about
//! 10 µs per call, paid on every call from a thread other than the one
//! that started the interpreter. pyfn creates the state once per thread
//! (`PyThreadState_New`, which binds it as the thread's `PyGILState`
//! state) and keeps it, detached, until the thread exits, so that later calls only
//! take and release the GIL (the pattern CPython documents for threads
//! created outside Python). An exited thread's state is deleted by a
//! reaper thread, so that a thread never waits for the GIL as it exits.
//!
//! The state is retired by a `pthread` key destructor, which glibc runs
//! after all of the thread's Rust thread-local destructors: a destructor
//! that calls pyfn still finds the state alive. A call after that (from
//! another `pthread` key destructor) gets a `pyfn::Error`, never a freed
//! state. Where there are no `pthread` keys, nothing is kept: each call
//! attaches as pyo3 does.
//!
//! pyfn creates every thread state it keeps (and the reaper's own) under a
//! lock of its own, which a forking thread also holds across the copy:
//! creating a state takes CPython's lock on the interpreter's list of
//! states without the GIL, and a child copied while another thread held
//! that lock hangs in `PyOS_AfterFork_Child` before CPython 3.12
//! (gh-112275).
//!
//! A child made by `fork` has no reaper thread: the fork handlers
//! (`fork.rs`) hold the reaper's lock across the copy, and in the child
//! mark the reaper as not running and drop the queued states (CPython
//! deleted them with the other threads' states); the next thread that
//! keeps a state starts a reaper.

use std::cell::Cell;
#[cfg(unix)]
use std::cell::RefCell;
#[cfg(unix)]
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use pyo3::ffi;

/// This thread's kept state: none yet, kept, or retired (the thread is
/// exiting and its state went to the reaper).
const NONE: u8 = 0;
const KEPT: u8 = 1;
const RETIRED: u8 = 2;
/// The thread that started the interpreter: its thread state, made by the
/// start, lives as long as the interpreter.
const STARTER: u8 = 3;

thread_local! {
    /// Read on every call. No destructor: it stays readable while the
    /// thread's other thread-local destructors run.
    static STATE: Cell<u8> = const { Cell::new(NONE) };
}

/// The reaper: whether its thread runs, and the states of exited threads
/// waiting for it.
#[cfg(unix)]
struct Reaper {
    /// Whether the reaper thread runs in this process. A child made by
    /// `fork` has no reaper thread even if its parent had one.
    running: bool,
    /// The states waiting to be deleted.
    queue: Vec<usize>,
}

/// Never held while waiting for the GIL, so that a thread holding the GIL
/// may take it (as the `fork` handlers do).
#[cfg(unix)]
static REAPER: Mutex<Reaper> = Mutex::new(Reaper {
    running: false,
    queue: Vec::new(),
});
#[cfg(unix)]
static WAKE: Condvar = Condvar::new();

#[cfg(unix)]
fn lock_reaper() -> MutexGuard<'static, Reaper> {
    REAPER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts the reaper thread if this process has none. Started from an
/// ordinary call, never from a thread's exit (where spawning a thread is
/// not safe). States retired while no reaper runs wait in the queue for
/// the next one.
#[cfg(unix)]
fn start_reaper() -> bool {
    let mut reaper = lock_reaper();
    if !reaper.running {
        reaper.running = std::thread::Builder::new()
            .name("pyfn-reaper".to_owned())
            .spawn(reap)
            .is_ok();
    }
    reaper.running
}

/// Hands the state of an exiting thread to the reaper thread, which deletes
/// it when it gets the GIL. Only a mutex and a condition variable: this
/// runs at thread exit, after the thread's Rust thread-locals are gone.
#[cfg(unix)]
fn reaper_send(tstate: usize) {
    lock_reaper().queue.push(tstate);
    WAKE.notify_one();
}

/// The reaper thread: deletes the thread states of exited threads.
///
/// Deleting a thread state from a thread other than its own is what
/// CPython does for threads that died; since 3.12 it also unbinds the
/// deleting thread's `PyGILState` slot, so the deleting must happen on a
/// thread that never uses `PyGILState`: this one, which attaches with its
/// own state through `PyEval_RestoreThread` only.
#[cfg(unix)]
fn reap() {
    loop {
        let batch: Vec<usize> = {
            let mut reaper = lock_reaper();
            while reaper.queue.is_empty() {
                reaper = WAKE
                    .wait(reaper)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            std::mem::take(&mut reaper.queue)
        };
        // SAFETY: may be called at any time.
        if unsafe { ffi::Py_IsInitialized() } == 0 || finalizing() {
            continue;
        }
        // SAFETY: the interpreter is initialized; this thread holds no
        // thread state, so it creates one, attaches with it (waiting for
        // the GIL), deletes the exited threads' states (cleared first, as
        // required; their threads have run their last code), then deletes
        // its own while detaching.
        unsafe {
            let own = new_state();
            if own.is_null() {
                continue;
            }
            ffi::PyEval_RestoreThread(own);
            for tstate in batch {
                let tstate = tstate as *mut ffi::PyThreadState;
                ffi::PyThreadState_Clear(tstate);
                ffi::PyThreadState_Delete(tstate);
            }
            ffi::PyThreadState_Clear(own);
            ffi::PyThreadState_DeleteCurrent();
        }
    }
}

/// The key whose destructor retires a thread's kept state.
///
/// Not a Rust thread-local with a destructor: those run in reverse order
/// of first use, so a user's thread-local first touched before pyfn's
/// would run its destructor after pyfn's, and a pyfn call from it would
/// find a state already handed to the reaper, which CPython's own
/// per-thread slot still points at (a use after free). glibc runs every
/// Rust (`__cxa_thread_atexit`) destructor first and the `pthread` key
/// destructors after them, so a state retired here outlives every Rust
/// thread-local destructor of its thread.
#[cfg(unix)]
fn key() -> Option<libc::pthread_key_t> {
    static KEY: OnceLock<Option<libc::pthread_key_t>> = OnceLock::new();
    *KEY.get_or_init(|| {
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is a valid place for the new key; `retire` has the
        // destructor signature `pthread_key_create` expects.
        (unsafe { libc::pthread_key_create(&mut key, Some(retire)) } == 0).then_some(key)
    })
}

/// At the exit of a thread with a kept state (its value for [`key`]):
/// later calls on this thread get an error; the reaper deletes the state.
#[cfg(unix)]
unsafe extern "C" fn retire(tstate: *mut std::ffi::c_void) {
    let _ = STATE.try_with(|state| state.set(RETIRED));
    reaper_send(tstate as usize);
}

/// Whether this thread has a Python thread state that outlives each call:
/// one pyfn keeps, or the one the interpreter's start made. Then calls
/// only attach (the interpreter was started, since the state exists).
#[inline]
pub(crate) fn has_lasting_state() -> bool {
    matches!(STATE.try_with(Cell::get), Ok(KEPT | STARTER))
}

/// Marks this thread as the one that started the interpreter.
pub(crate) fn started_here() {
    let _ = STATE.try_with(|state| {
        if state.get() == NONE {
            state.set(STARTER);
        }
    });
}

/// Gives this thread a Python thread state that outlives each call, if it
/// has none. Call before attaching, with the interpreter initialized.
/// `false` when this thread must not attach: it is exiting, and its state
/// is gone.
#[inline]
pub(crate) fn keep() -> bool {
    match STATE.try_with(Cell::get) {
        Ok(KEPT | STARTER) => return true,
        Ok(RETIRED) => return false,
        Ok(_) => {}
        // Unreachable (no destructor); attach as pyo3 does.
        Err(_) => return true,
    }
    // SAFETY: `PyGILState_GetThisThreadState` may be called without the
    // GIL once the interpreter is initialized (checked by the caller).
    if !unsafe { ffi::PyGILState_GetThisThreadState() }.is_null() || finalizing() {
        // A thread Python knows already (the one that started it, or one
        // attached by the caller right now): nothing to keep.
        return true;
    }
    keep_new();
    true
}

#[cfg(unix)]
fn keep_new() {
    let Some(key) = key() else { return };
    if !start_reaper() {
        return;
    }
    // A new state, bound to this thread as its `PyGILState` state (this
    // thread has none: checked by the caller), which later attaches use.
    let tstate = new_state();
    if tstate.is_null() {
        return;
    }
    // SAFETY: `pthread_setspecific` stores the state for `retire`, with a
    // key `pthread_key_create` made. If it cannot, the state is deleted as
    // the reaper deletes its own: attached with it (it is this thread's,
    // detached), cleared, then deleted while detaching (which also unbinds
    // it from this thread's `PyGILState` slot).
    unsafe {
        if libc::pthread_setspecific(key, tstate.cast()) != 0 {
            ffi::PyEval_RestoreThread(tstate);
            ffi::PyThreadState_Clear(tstate);
            ffi::PyThreadState_DeleteCurrent();
            return;
        }
    }
    let _ = STATE.try_with(|state| state.set(KEPT));
}

/// Held by pyfn while it creates a Python thread state without the GIL,
/// and by a thread that forks, from the `fork` handlers' "prepare" to
/// their "parent" or "child". Creating a state takes CPython's lock of the
/// interpreter's list of states without the GIL, and before CPython 3.12
/// (and some later patch releases of 3.9–3.11, gh-112275) a child whose
/// parent forked while another thread held that lock waits for it forever
/// in `PyOS_AfterFork_Child`. Never held while waiting for the GIL or for
/// [`REAPER`]'s lock.
#[cfg(unix)]
static NEW_STATE: Mutex<()> = Mutex::new(());

#[cfg(unix)]
fn lock_new_state() -> MutexGuard<'static, ()> {
    NEW_STATE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A new thread state of the main interpreter, detached, created under
/// [`NEW_STATE`] (so never while a thread forks). `PyThreadState_New` binds
/// it to the calling thread as its `PyGILState` state if it has none.
/// Null if CPython could not allocate it.
#[cfg(unix)]
fn new_state() -> *mut ffi::PyThreadState {
    let _creating = lock_new_state();
    // SAFETY: the interpreter is initialized (every caller checks);
    // `PyThreadState_New` needs no GIL.
    unsafe { ffi::PyThreadState_New(ffi::PyInterpreterState_Main()) }
}

/// Elsewhere no state is kept: each call attaches as pyo3 does.
#[cfg(not(unix))]
fn keep_new() {}

/// Whether this thread is exiting and its kept state went to the reaper:
/// its `PyGILState` slot may point to a deleted state.
#[cfg(unix)]
pub(crate) fn retired() -> bool {
    matches!(STATE.try_with(Cell::get), Ok(RETIRED))
}

/// Whether this thread is attached (holds the GIL), with its `PyGILState`
/// state (how pyo3 and pyfn attach) or, from 3.12 on, with any state.
/// Call with the interpreter initialized.
#[cfg(unix)]
pub(crate) fn attached() -> bool {
    if retired() {
        // Its `PyGILState` slot may name a deleted state: not compared.
        return false;
    }
    // SAFETY: may be called without the GIL; returns this thread's
    // attached state (3.12+) or the state holding the GIL (earlier), or
    // null. Only compared, never dereferenced.
    let current = unsafe { ffi::compat::PyThreadState_GetUnchecked() };
    if current.is_null() {
        return false;
    }
    if cfg!(pyfn_py312) {
        return true;
    }
    // SAFETY: may be called without the GIL once the interpreter is
    // initialized (the caller's condition). Only compared.
    current == unsafe { ffi::PyGILState_GetThisThreadState() }
}

#[cfg(unix)]
thread_local! {
    /// The reaper's lock, held by the thread that forks from the `fork`
    /// handlers' "prepare" to their "parent" or "child".
    static HELD_FOR_FORK: RefCell<Option<HeldForFork>> = const { RefCell::new(None) };
}

/// The locks a forking thread holds across the copy: [`NEW_STATE`], then
/// the reaper's.
#[cfg(unix)]
type HeldForFork = (MutexGuard<'static, ()>, MutexGuard<'static, Reaper>);

/// Before `fork` (after the forking thread took the GIL, if it did): takes
/// [`NEW_STATE`] (waiting for a thread state being created to be made) and
/// the reaper's lock, so that no other thread holds either when the
/// process is copied.
#[cfg(unix)]
pub(crate) fn before_fork() {
    let held = (lock_new_state(), lock_reaper());
    // On a thread whose thread-locals are gone the locks are not kept: the
    // child may then find them held, but only by a thread of the parent
    // that held them at that instant, briefly.
    let _ = HELD_FOR_FORK.try_with(|slot| *slot.borrow_mut() = Some(held));
}

/// After `fork`, in the parent: releases the reaper's lock.
#[cfg(unix)]
pub(crate) fn after_fork_parent() {
    let _ = HELD_FOR_FORK.try_with(|held| held.borrow_mut().take());
}

/// After `fork`, in the child: there is no reaper thread (the next thread
/// that keeps a state starts one), and the queued states are gone with
/// the parent's other threads (`PyOS_AfterFork_Child` deleted every
/// thread state but the forking thread's).
#[cfg(unix)]
pub(crate) fn after_fork_child() {
    let _ = HELD_FOR_FORK.try_with(|held| {
        if let Some((_creating, mut reaper)) = held.borrow_mut().take() {
            reaper.running = false;
            // Not deleted here: `PyOS_AfterFork_Child` deleted them, or,
            // where it could not run, the child leaks them.
            reaper.queue.clear();
        }
    });
}

/// Whether the interpreter is shutting down.
pub(crate) fn finalizing() -> bool {
    #[cfg(pyfn_py313)]
    // SAFETY: may be called at any time.
    return unsafe { ffi::Py_IsFinalizing() } != 0;
    #[cfg(not(pyfn_py313))]
    {
        unsafe extern "C" {
            fn _Py_IsFinalizing() -> std::ffi::c_int;
        }
        // SAFETY: may be called at any time (CPython 3.9 to 3.12).
        unsafe { _Py_IsFinalizing() != 0 }
    }
}
