//! Keeping a Python thread state per Rust thread.
//!
//! Attaching to CPython from a thread that has no Python thread state
//! creates one (`PyGILState_Ensure`), and detaching deletes it again: about
//! 10 µs per call, paid on every call from a thread other than the one
//! that started the interpreter. pyfn creates the state once per thread
//! and keeps it, detached, until the thread exits, so that later calls only
//! take and release the GIL (the pattern CPython documents for threads
//! created outside Python). An exited thread's state is deleted by a
//! reaper thread, so that a thread never waits for the GIL as it exits.

use std::cell::Cell;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, OnceLock};

use pyo3::ffi;

/// The state pyfn created for this thread, deleted when the thread exits.
struct Kept {
    tstate: *mut ffi::PyThreadState,
}

impl Drop for Kept {
    /// At thread exit. Deleting the state needs the GIL, and waiting for it
    /// here could deadlock (another thread may hold the GIL while it joins
    /// this one), so the state goes to the reaper thread.
    fn drop(&mut self) {
        reaper_send(self.tstate as usize);
    }
}

/// Hands the state of an exited thread to the reaper thread, which deletes
/// it when it gets the GIL. On failure (process exit) the state is left.
fn reaper_send(tstate: usize) {
    static REAPER: OnceLock<Option<Mutex<Sender<usize>>>> = OnceLock::new();
    let reaper = REAPER.get_or_init(|| {
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name("pyfn-reaper".to_owned())
            .spawn(move || reap(receiver))
            .ok()
            .map(|_| Mutex::new(sender))
    });
    if let Some(sender) = reaper
        && let Ok(sender) = sender.lock()
    {
        let _ = sender.send(tstate);
    }
}

/// The reaper thread: deletes the thread states of exited threads.
///
/// Deleting a thread state from a thread other than its own is what
/// CPython does for threads that died; since 3.12 it also unbinds the
/// deleting thread's `PyGILState` slot, so the deleting must happen on a
/// thread that never uses `PyGILState`: this one, which attaches with its
/// own state through `PyEval_RestoreThread` only.
fn reap(receiver: Receiver<usize>) {
    while let Ok(first) = receiver.recv() {
        let batch: Vec<usize> = std::iter::once(first).chain(receiver.try_iter()).collect();
        // SAFETY: may be called at any time.
        if unsafe { ffi::Py_IsInitialized() } == 0 || finalizing() {
            continue;
        }
        // SAFETY: the interpreter is initialized; this thread holds no
        // thread state, so it creates one, attaches with it (waiting for
        // the GIL), deletes the exited threads' states (cleared first, as
        // required; no thread uses them any more), then deletes its own
        // while detaching.
        unsafe {
            let own = ffi::PyThreadState_New(ffi::PyInterpreterState_Main());
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

thread_local! {
    static KEPT: Cell<Option<Kept>> = const { Cell::new(None) };
    /// Whether `KEPT` holds this thread's state (read on every call).
    static KEEPING: Cell<bool> = const { Cell::new(false) };
}

/// Gives this thread a Python thread state that outlives each call, if it
/// has none. Call before attaching, with the interpreter initialized.
#[inline]
pub(crate) fn keep() {
    if KEEPING.try_with(Cell::get).unwrap_or(true) {
        return;
    }
    // SAFETY: `PyGILState_GetThisThreadState` may be called without the
    // GIL once the interpreter is initialized (checked by the caller).
    if !unsafe { ffi::PyGILState_GetThisThreadState() }.is_null() || finalizing() {
        // A thread Python knows already (the one that started it, or one
        // attached by the caller right now): nothing to keep.
        return;
    }
    // SAFETY: this thread holds no thread state and is not attached;
    // `PyGILState_Ensure` creates one and attaches, `PyEval_SaveThread`
    // detaches again and returns it, still alive.
    let kept = unsafe {
        ffi::PyGILState_Ensure();
        let tstate = ffi::PyEval_SaveThread();
        Kept { tstate }
    };
    // If the thread is exiting, `kept` is dropped (deleted) right here.
    if KEPT.try_with(|slot| slot.set(Some(kept))).is_ok() {
        let _ = KEEPING.try_with(|keeping| keeping.set(true));
    }
}

/// Whether the interpreter is shutting down.
fn finalizing() -> bool {
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
