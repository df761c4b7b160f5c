//! Keeping a Python thread state per Rust thread.
//!
//! Attaching to CPython from a thread that has no Python thread state
//! creates one (`PyGILState_Ensure`), and detaching deletes it again: about
//! 10 µs per call, paid on every call from a thread other than the one
//! that started the interpreter. pyfn creates the state once per thread
//! and keeps it, detached, until the thread exits, so that later calls only
//! take and release the GIL (the pattern CPython documents for threads
//! created outside Python). An exited thread's state is deleted by the next
//! call on any thread, which holds the GIL then.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::{Python, ffi};

/// The state pyfn created for this thread, deleted when the thread exits.
struct Kept {
    tstate: *mut ffi::PyThreadState,
}

impl Drop for Kept {
    /// At thread exit. Deleting the state needs the GIL, and waiting for it
    /// here could deadlock (another thread may hold the GIL while it joins
    /// this one), so the state is handed to the next thread that attaches.
    fn drop(&mut self) {
        if let Ok(mut pending) = EXITED.lock() {
            pending.push(self.tstate as usize);
            HAS_EXITED.store(true, Ordering::Release);
        }
    }
}

/// Thread states of exited threads, to delete (as addresses: raw pointers
/// are not `Send`).
static EXITED: Mutex<Vec<usize>> = Mutex::new(Vec::new());
static HAS_EXITED: AtomicBool = AtomicBool::new(false);

/// Deletes the thread states of exited threads. Call attached.
#[inline]
pub(crate) fn reap(_py: Python<'_>) {
    if !HAS_EXITED.load(Ordering::Acquire) {
        return;
    }
    let exited = match EXITED.lock() {
        Ok(mut pending) => {
            HAS_EXITED.store(false, Ordering::Release);
            std::mem::take(&mut *pending)
        }
        Err(_) => return,
    };
    for tstate in exited {
        // SAFETY: the state belonged to a thread that has exited, so no
        // thread uses it; we hold the GIL, as `PyThreadState_Clear`
        // requires, and `PyThreadState_Delete` follows the clear.
        unsafe {
            let tstate = tstate as *mut ffi::PyThreadState;
            ffi::PyThreadState_Clear(tstate);
            ffi::PyThreadState_Delete(tstate);
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
