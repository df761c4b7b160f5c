//! Keeping a Python thread state per Rust thread.
//!
//! Attaching to CPython from a thread that has no Python thread state
//! creates one (`PyGILState_Ensure`), and detaching deletes it again: about
//! 10 µs per call, paid on every call from a thread other than the one
//! that started the interpreter. pyfn creates the state once per thread
//! and keeps it, detached, until the thread exits, so that later calls only
//! take and release the GIL (the pattern CPython documents for threads
//! created outside Python).

use std::cell::Cell;

use pyo3::ffi;

/// The state pyfn created for this thread, deleted when the thread exits.
struct Kept {
    gstate: ffi::PyGILState_STATE,
    tstate: *mut ffi::PyThreadState,
}

impl Drop for Kept {
    fn drop(&mut self) {
        // SAFETY: both calls may be made at any time. The interpreter never
        // finalizes under pyo3's embedding unless the program asks; if it
        // did, the state is left to CPython rather than touched.
        let usable = unsafe { ffi::Py_IsInitialized() } != 0 && !finalizing();
        if usable {
            // SAFETY: `tstate` is this thread's state, detached by
            // `PyEval_SaveThread` in `keep`; re-attaching it and releasing
            // the `PyGILState_Ensure` of `keep` deletes it, as documented.
            unsafe {
                ffi::PyEval_RestoreThread(self.tstate);
                ffi::PyGILState_Release(self.gstate);
            }
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
        let gstate = ffi::PyGILState_Ensure();
        let tstate = ffi::PyEval_SaveThread();
        Kept { gstate, tstate }
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
