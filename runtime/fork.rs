//! `fork()` in a process where pyfn started Python.
//!
//! A child made by `fork` has one thread, the one that forked. If another
//! thread held the GIL at that moment, or was half-way through changing
//! the interpreter, the child finds it so forever: its first call into
//! Python hangs. CPython's `os.fork` avoids this with three functions:
//! `PyOS_BeforeFork` (called attached, that is holding the GIL: runs
//! `os.register_at_fork(before=…)` hooks, takes the import lock, and from
//! 3.13 stops the world and takes the runtime's lock), then
//! `PyOS_AfterFork_Parent` or `PyOS_AfterFork_Child` (recreates the GIL
//! and the locks, deletes the other threads' states, runs the `after_in_*`
//! hooks). pyfn calls them around every `fork()` of the process, from
//! `pthread_atfork` handlers registered when it prepares the interpreter:
//!
//! - **prepare** (in the forking thread, before the copy): if the thread
//!   is not attached, it first takes the GIL with `PyGILState_Ensure` (its
//!   own kept state, or a new one), waiting for the thread that holds it,
//!   as any call would. Then it takes pyfn's lock on creating thread
//!   states and the reaper's lock (`thread::before_fork`), so that no
//!   thread holds either in the copy, and no thread of pyfn's is creating
//!   a Python thread state (which holds CPython's own lock on the list of
//!   states, without the GIL: before 3.12, `PyOS_AfterFork_Child` waits
//!   for it forever, gh-112275), and last `PyOS_BeforeFork` (which takes
//!   that CPython lock itself from 3.13: taken before pyfn's lock, it
//!   deadlocked with a thread creating a state under pyfn's lock).
//! - **parent**: releases those locks, `PyOS_AfterFork_Parent`, and
//!   gives the GIL back if prepare took it.
//! - **child**: counts the fork (a value another thread was building,
//!   [`crate::once::Once`], is built again in the child), resets the
//!   reaper (no reaper thread in the child; the
//!   queued states are deleted with the other threads' states), then
//!   `PyOS_AfterFork_Child`, drops the import system's locks on modules
//!   that threads the child lacks were importing (and those half-made
//!   modules: they are imported again), and gives the GIL back likewise:
//!   the child's threads, the forking one and new ones, call Python as
//!   usual. The `after_in_child` hook does the same for CPython's forks.
//!
//! CPython's own forks (`os.fork`, `os.forkpty`, `subprocess` with
//! `preexec_fn`, `multiprocessing`'s fork start method) call these
//! functions themselves, and calling `PyOS_BeforeFork` twice deadlocks
//! CPython 3.13: an `os.register_at_fork(before=…)` hook marks the thread,
//! and the handlers then leave Python alone (they still reset the reaper).
//!
//! Nothing is done while the interpreter is not initialized or is
//! finalizing, nor on a thread whose kept state was already retired (it
//! is exiting, from a `pthread` key destructor). `posix_spawn` and `vfork`
//! (what `std::process::Command` uses when it can, and `subprocess` on
//! Linux) run no `fork` handlers: spawning a program costs nothing more.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::types::{PyAnyMethods, PyCFunction, PyDict, PyDictMethods};
use pyo3::{PyResult, Python, ffi};

/// What this thread's prepare handler did for the fork in progress.
const NOTHING: u8 = 0;
/// `PyOS_BeforeFork` on a thread that was attached already.
const PREPARED: u8 = 1;
/// `PyGILState_Ensure`, then `PyOS_BeforeFork`: the GIL is given back after.
const PREPARED_ENSURED: u8 = 2;

thread_local! {
    /// Set while CPython's own fork is in progress on this thread (between
    /// its `before` and `after_in_*` hooks).
    static CPYTHON_FORKING: Cell<bool> = const { Cell::new(false) };
    /// What the prepare handler did, for the parent or child handler.
    static PREPARE: Cell<u8> = const { Cell::new(NOTHING) };
}

/// Registers the handlers, once per process. Called with the interpreter
/// prepared; a retry after a failure registers nothing twice.
pub(crate) fn register(py: Python<'_>) -> PyResult<()> {
    static PYTHON_HOOKS: AtomicBool = AtomicBool::new(false);
    static C_HANDLERS: AtomicBool = AtomicBool::new(false);
    if !PYTHON_HOOKS.load(Ordering::Acquire) {
        let hooks = PyDict::new(py);
        hooks.set_item(
            "before",
            PyCFunction::new_closure(py, Some(c"pyfn_before_fork"), None, |_, _| {
                mark_cpython_forking(true)
            })?,
        )?;
        hooks.set_item(
            "after_in_parent",
            PyCFunction::new_closure(py, Some(c"pyfn_after_fork_in_parent"), None, |_, _| {
                mark_cpython_forking(false)
            })?,
        )?;
        hooks.set_item(
            "after_in_child",
            PyCFunction::new_closure(py, Some(c"pyfn_after_fork_in_child"), None, |args, _| {
                anchor_child_state(args.py());
                release_import_locks(args.py());
                mark_cpython_forking(false)
            })?,
        )?;
        py.import("os")?
            .getattr("register_at_fork")?
            .call((), Some(&hooks))?;
        PYTHON_HOOKS.store(true, Ordering::Release);
    }
    if !C_HANDLERS.load(Ordering::Acquire) {
        // SAFETY: the three handlers are `extern "C"` functions without
        // arguments, which do not panic (thread-locals read with
        // `try_with`, a poisoned lock taken anyway, CPython calls).
        if unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) } != 0 {
            return Err(pyo3::exceptions::PyMemoryError::new_err(
                "pthread_atfork could not register pyfn's fork handlers",
            ));
        }
        C_HANDLERS.store(true, Ordering::Release);
    }
    Ok(())
}

/// The `os.register_at_fork` hooks: CPython's own fork is in progress on
/// this thread (`before`), or over (`after_in_*`).
fn mark_cpython_forking(forking: bool) -> PyResult<()> {
    let _ = CPYTHON_FORKING.try_with(|flag| flag.set(forking));
    Ok(())
}

/// In the child, at the end of `PyOS_AfterFork_Child` (pyfn's or CPython's
/// own): a thread state that no thread uses and nothing deletes, so that
/// the interpreter's list of states never empties. The child's only state
/// is the forking thread's, which goes when that thread exits (the
/// reaper), and CPython 3.11 gives the next new state the interpreter's
/// first one without resetting it, then aborts ("init_threadstate: thread
/// state already initialized"). (In the parent, the state of the thread
/// that started Python is never deleted.) One state per child.
fn anchor_child_state(_py: Python<'_>) {
    // SAFETY: may be called without the GIL (this thread holds it anyway,
    // in a hook). Only compared with null.
    if unsafe { ffi::PyGILState_GetThisThreadState() }.is_null() {
        // The new state would become this thread's `PyGILState` one, which
        // its later attaches would use: not made.
        return;
    }
    // SAFETY: attached (`_py`); `PyThreadState_New` adds a state to the
    // current interpreter and, since this thread has a `PyGILState` state
    // already, does not bind it to this thread. It is never deleted.
    unsafe {
        ffi::PyThreadState_New(ffi::PyInterpreterState_Get());
    }
}

/// Whether pyfn may touch Python around this fork at all.
fn python_usable() -> bool {
    let cpython_forking = CPYTHON_FORKING.try_with(Cell::get).unwrap_or(false);
    // SAFETY: `Py_IsInitialized` may be called at any time.
    !cpython_forking
        && unsafe { ffi::Py_IsInitialized() } != 0
        && !crate::thread::finalizing()
        && !crate::thread::retired()
}

/// The `pthread_atfork` prepare handler: runs in the forking thread before
/// the copy. The GIL first, then pyfn's locks: no thread waits for the GIL
/// holding one of them.
extern "C" fn prepare() {
    // The record must be possible before anything is taken that the
    // parent or child handler must give back.
    if PREPARE.try_with(|_| ()).is_ok() && python_usable() {
        let done = if crate::thread::attached() {
            PREPARED
        } else {
            // SAFETY: the interpreter is initialized and not finalizing;
            // this thread is not attached, and the state its `PyGILState`
            // slot names, if any, is alive (it is not retired):
            // `PyGILState_Ensure` attaches with it, or with a new one,
            // waiting for the GIL.
            unsafe { ffi::PyGILState_Ensure() };
            PREPARED_ENSURED
        };
        // pyfn's locks after the GIL (no holder of theirs waits for the
        // GIL) and before `PyOS_BeforeFork`, which from 3.13 takes
        // CPython's lock on the list of thread states: a thread holding
        // pyfn's lock on creating states waits for that one (inside
        // `PyThreadState_New`).
        crate::thread::before_fork();
        // SAFETY: this thread is attached, which is what `PyOS_BeforeFork`
        // requires, and is not inside CPython's own fork (which called it
        // already).
        unsafe { ffi::PyOS_BeforeFork() };
        let _ = PREPARE.try_with(|prepared| prepared.set(done));
    } else {
        crate::thread::before_fork();
    }
}

/// What this thread's prepare handler did, cleared for the next fork.
fn take_prepared() -> u8 {
    let _ = CPYTHON_FORKING.try_with(|flag| flag.set(false));
    PREPARE
        .try_with(|prepared| prepared.replace(NOTHING))
        .unwrap_or(NOTHING)
}

/// The `pthread_atfork` parent handler: in the parent after the copy
/// (also when `fork` failed).
extern "C" fn parent() {
    crate::thread::after_fork_parent();
    let prepared = take_prepared();
    if prepared != NOTHING {
        // SAFETY: the prepare handler called `PyOS_BeforeFork` on this
        // thread, which is still attached.
        unsafe { ffi::PyOS_AfterFork_Parent() };
    }
    if prepared == PREPARED_ENSURED {
        // SAFETY: pairs the prepare handler's `PyGILState_Ensure` (which
        // found this thread detached) on the same thread.
        unsafe { ffi::PyGILState_Release(ffi::PyGILState_STATE::PyGILState_UNLOCKED) };
    }
}

/// In the child: the import system's locks on single modules
/// (`importlib._bootstrap._module_locks`) that a thread the child lacks
/// held at the fork, that is, modules that thread was importing (their top
/// level running), are dropped, and so are those modules, half made, from
/// `sys.modules`: the child imports them again. Otherwise the child's
/// first import of one waits forever for a thread it does not have
/// (CPython resets its global import lock in the child, not these). A lock
/// this thread holds (it forked from inside an import) stays. Anything
/// unexpected (another CPython's import system) leaves things as they
/// were.
fn release_import_locks(py: Python<'_>) {
    let released = || -> PyResult<()> {
        let bootstrap = py.import("_frozen_importlib")?;
        let locks = bootstrap.getattr("_module_locks")?.cast_into::<PyDict>()?;
        let me = py.import("_thread")?.call_method0("get_ident")?;
        let modules = py.import("sys")?.getattr("modules")?;
        for (name, reference) in locks.copy()?.iter() {
            // A weak reference to the lock.
            let lock = reference.call0()?;
            if lock.is_none() {
                continue;
            }
            let owner = lock.getattr("owner")?;
            if owner.is_none() || owner.eq(&me)? {
                continue;
            }
            locks.del_item(&name)?;
            let half_made = modules
                .get_item(&name)
                .and_then(|module| module.getattr("__spec__"))
                .and_then(|spec| spec.getattr("_initializing"))
                .and_then(|initializing| initializing.is_truthy())
                .unwrap_or(false);
            if half_made {
                modules.del_item(&name)?;
            }
        }
        Ok(())
    };
    // An error leaves the import system as it was; it is not raised into
    // the child's code.
    let _ = released();
}

/// The `pthread_atfork` child handler: in the child, on its only thread.
extern "C" fn child() {
    crate::once::forked();
    crate::thread::after_fork_child();
    let prepared = take_prepared();
    if prepared != NOTHING {
        // SAFETY: the prepare handler called `PyOS_BeforeFork` attached on
        // this thread, the child's only one, which is still attached: what
        // `PyOS_AfterFork_Child` requires.
        unsafe { ffi::PyOS_AfterFork_Child() };
        // SAFETY: still attached (the GIL is given back below).
        release_import_locks(unsafe { Python::assume_attached() });
    }
    if prepared == PREPARED_ENSURED {
        // SAFETY: pairs the prepare handler's `PyGILState_Ensure`; after
        // `PyOS_AfterFork_Child` this thread's state is the current one.
        unsafe { ffi::PyGILState_Release(ffi::PyGILState_STATE::PyGILState_UNLOCKED) };
    }
}
