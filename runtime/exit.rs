//! What Python does at the end of the process, done when a program that
//! called pyfn exits.
//!
//! pyo3 never finalizes the interpreter, so without this nothing Python
//! does at exit happens: `atexit` callbacks (`logging.shutdown`,
//! `weakref.finalize`, the user's) never run, and text in `sys.stdout`'s
//! buffer or in a buffered file still open is lost. When pyfn prepares the
//! interpreter it registers a C `atexit` handler; `exit()` runs it, which
//! is what happens when `main` returns and on `std::process::exit` (after
//! the exiting thread's Rust thread-local destructors, which may still
//! call pyfn). It runs, attached:
//!
//! 1. `atexit._run_exitfuncs()`: the `atexit` callbacks, as Python runs
//!    them (an exception is printed, and the next callback runs);
//! 2. `flush()` on every open `io.TextIOWrapper`, then every open
//!    `io.BufferedWriter` and `io.BufferedRandom` (subclasses included;
//!    found with `gc.get_objects()`, about 0.1 s per two million live
//!    objects): what finalizing the interpreter would have flushed when it
//!    freed them;
//! 3. `flush()` on `sys.stdout` and `sys.stderr`, whatever they are.
//!
//! It does not call `Py_Finalize`: other threads may still be inside
//! Python, or hold states pyfn keeps for them (or pyo3 objects in
//! statics); finalizing under them frees what they use, and CPython ends a
//! thread that attaches during finalization with `pthread_exit`, which
//! cannot unwind Rust frames. So no module is torn down and no `__del__`
//! runs for live objects. Nor does it call `threading._shutdown`: Python
//! threads still running are not waited for, as Rust threads are not when
//! `main` returns (a non-daemon `threading.Thread` does not keep the
//! process alive; `concurrent.futures` work still queued is dropped).
//!
//! The exiting thread runs this itself if it is attached (e.g.
//! `std::process::exit` from inside a call); otherwise a helper thread does
//! (a plain `pthread`: the exiting thread's Rust thread-locals are gone,
//! and `std::thread::spawn` needs them), and the exiting thread waits for
//! it to take the GIL for at most [`GIL_WAIT`]. A thread running Python
//! lets go of the GIL every few milliseconds; one that holds it throughout
//! (a long C call, or a Rust loop inside `Python::attach`) would make exit
//! wait forever: after [`GIL_WAIT`] the exit goes on without the Python
//! part, and says so on stderr. Once the GIL is taken, exit waits for the
//! callbacks to finish, as Python does. The handler runs once per process
//! (and in a `fork` child that calls `exit`, as Python's does). On `_exit`,
//! an abort or a fatal signal nothing runs.

use std::ffi::{CStr, c_void};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use pyo3::types::{PyAnyMethods, PyDict};
use pyo3::{PyResult, Python, ffi};

/// How long the exiting thread waits for the helper thread to take the GIL.
pub(crate) const GIL_WAIT: Duration = Duration::from_secs(2);

/// The exit work, in Python: `run()`.
const EXIT_SOURCE: &CStr = cr#"
def run():
    import sys
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        # atexit printed it (3.9 raises the last callback's exception again).
        pass
    try:
        import gc, io, itertools
        def family(*roots):
            seen, todo = set(), list(roots)
            while todo:
                kind = todo.pop()
                if kind not in seen:
                    seen.add(kind)
                    todo.extend(kind.__subclasses__())
            return seen
        text = family(io.TextIOWrapper)
        kinds = text | family(io.BufferedWriter, io.BufferedRandom)
        objects = gc.get_objects()
        # C loops only: about 0.1 s for two million objects.
        files = list(itertools.compress(objects, map(kinds.__contains__, map(type, objects))))
        del objects
        # A text file's flush writes into its binary buffer: text first.
        files.sort(key=lambda file: type(file) not in text)
        for file in files:
            try:
                if not file.closed:
                    file.flush()
            except Exception:
                pass
    except BaseException:
        pass
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        if stream is None:
            continue
        try:
            stream.flush()
        except Exception as error:
            try:
                sys.__stderr__.write(
                    f"Exception ignored at exit flushing sys.{name}: {error!r}\n"
                )
                sys.__stderr__.flush()
            except Exception:
                pass
"#;

/// Registers the `atexit` handler, once per process. Called with the
/// interpreter prepared. The exit work's Python ([`EXIT_SOURCE`]) is
/// compiled when the process exits, not here: compiling it took about a
/// sixth of a millisecond of every program's start.
pub(crate) fn register() -> PyResult<()> {
    static REGISTERED: AtomicBool = AtomicBool::new(false);
    if REGISTERED.load(Ordering::Acquire) {
        return Ok(());
    }
    // SAFETY: `at_exit` is an `extern "C"` function without arguments that
    // never unwinds (it catches panics).
    if unsafe { libc::atexit(at_exit) } != 0 {
        return Err(pyo3::exceptions::PyMemoryError::new_err(
            "atexit could not register pyfn's exit handler",
        ));
    }
    REGISTERED.store(true, Ordering::Release);
    Ok(())
}

/// The helper thread's progress: waiting for the GIL, running the exit
/// work, done; or abandoned by the exiting thread (then it does nothing).
const WAITING: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
const ABANDONED: u8 = 3;
static HELPER: AtomicU8 = AtomicU8::new(WAITING);

/// The C `atexit` handler.
extern "C" fn at_exit() {
    let _ = std::panic::catch_unwind(run_at_exit);
}

fn run_at_exit() {
    static RAN: AtomicBool = AtomicBool::new(false);
    if RAN.swap(true, Ordering::AcqRel) || !python_usable() {
        return;
    }
    if crate::thread::attached() {
        // SAFETY: this thread holds the GIL (`attached`), and keeps it
        // until the work returns. (Not `Python::attach`: from 3.12 on the
        // thread may be attached with a state that is not its `PyGILState`
        // one, and `PyGILState_Ensure` would then wait for the GIL this
        // thread holds.)
        run_exit_work(unsafe { Python::assume_attached() });
        return;
    }
    if !spawn_helper() {
        say(
            "pyfn: Python's exit work (atexit callbacks, flushing files) did not run: no thread could be started for it\n",
        );
        return;
    }
    let started = Instant::now();
    loop {
        match HELPER.load(Ordering::Acquire) {
            DONE | ABANDONED => return,
            WAITING
                if started.elapsed() >= GIL_WAIT
                    && HELPER
                        .compare_exchange(WAITING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok() =>
            {
                say(&format!(
                    "pyfn: Python's exit work (atexit callbacks, flushing files) did not run: another thread held the GIL for {} s\n",
                    GIL_WAIT.as_secs()
                ));
                return;
            }
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Whether there is an interpreter to run the exit work in.
fn python_usable() -> bool {
    // SAFETY: `Py_IsInitialized` may be called at any time.
    (unsafe { ffi::Py_IsInitialized() }) != 0 && !crate::thread::finalizing()
}

/// Runs the exit work, attached.
fn run_exit_work(py: Python<'_>) {
    let globals = PyDict::new(py);
    let run = py
        .run(EXIT_SOURCE, Some(&globals), None)
        .and_then(|()| globals.as_any().get_item("run"));
    match run {
        Ok(run) => {
            if let Err(err) = run.call0() {
                err.write_unraisable(py, Some(&run));
            }
        }
        Err(err) => err.write_unraisable(py, None),
    }
}

/// Starts the helper thread, detached.
fn spawn_helper() -> bool {
    let mut thread: libc::pthread_t = 0;
    // SAFETY: `thread` is a valid place for the id; `helper` has the
    // signature `pthread_create` expects and catches panics; its argument
    // is unused. The thread is detached at once: nothing joins it.
    unsafe {
        if libc::pthread_create(&mut thread, std::ptr::null(), helper, std::ptr::null_mut()) != 0 {
            return false;
        }
        libc::pthread_detach(thread);
    }
    true
}

/// The helper thread: takes the GIL, then runs the exit work unless the
/// exiting thread gave up on it meanwhile.
extern "C" fn helper(_: *mut c_void) -> *mut c_void {
    let _ = std::panic::catch_unwind(|| {
        let _ = Python::try_attach(|py| {
            if HELPER
                .compare_exchange(WAITING, RUNNING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                run_exit_work(py);
            }
        });
    });
    // Done after detaching, so that no thread of the exiting process is
    // left attached by pyfn.
    let _ = HELPER.compare_exchange(RUNNING, DONE, Ordering::AcqRel, Ordering::Acquire);
    // An abandoned or failed helper: nothing to report.
    let _ = HELPER.compare_exchange(WAITING, DONE, Ordering::AcqRel, Ordering::Acquire);
    std::ptr::null_mut()
}

/// Writes `text` to stderr with one `write`: no Rust lock, which another
/// thread may hold at exit.
fn say(text: &str) {
    // SAFETY: `text` is valid for `text.len()` bytes.
    let _ = unsafe { libc::write(2, text.as_ptr().cast(), text.len()) };
}
