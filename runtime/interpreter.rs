//! The interpreter pyfn's functions run in: prepared once per process,
//! attached to for each call.

use pyo3::types::PyAnyMethods;
use pyo3::{Python, ffi};

use crate::error::{Error, Result};
use crate::function::Function;

/// Creates, now, the exception types pyo3 otherwise creates the first time
/// an exception is fetched (`PanicException`, against which every fetched
/// exception is compared). Created lazily, the first fetch could happen at
/// Python's recursion limit (Python calling Rust calling pyfn, deep): the
/// creation then fails, and fetching that failure needs the type being
/// created, which hangs CPython 3.11. The limit is raised for the creation,
/// in case this too runs deep.
fn create_exception_types(py: Python<'_>) {
    // SAFETY: the caller holds the interpreter (`py`); the recursion limit
    // is a plain setting, restored right after.
    let limit = unsafe { ffi::Py_GetRecursionLimit() };
    unsafe { ffi::Py_SetRecursionLimit(limit.saturating_add(100)) };
    let _ = <pyo3::panic::PanicException as pyo3::PyTypeInfo>::type_object(py);
    // SAFETY: as above.
    unsafe { ffi::Py_SetRecursionLimit(limit) };
}

/// Prepares the interpreter once per process, before pyfn builds its first
/// function: creates pyo3's exception types, checks that it is the CPython
/// version pyfn was built against, makes an active virtual environment's
/// packages importable, and registers the fork and exit handlers.
pub(crate) fn prepare(py: Python<'_>, caller: &'static str) -> Result<()> {
    PREPARED
        .get_or_try_init(
            py,
            || prepare_once(py, caller, started_by_pyfn()),
            || Error::interpreter(caller),
        )
        .map(|_| ())
}

static PREPARED: crate::once::Once<()> = crate::once::Once::new();

/// [`prepare`]'s work. An interpreter pyfn started is prepared as it
/// starts (its `site` set-up found the environment's packages already).
fn prepare_once(py: Python<'_>, caller: &'static str, started_by_pyfn: bool) -> Result<()> {
    PREPARED_ONCE.store(true, std::sync::atomic::Ordering::Release);
    create_exception_types(py);
    let info = py.version_info();
    if let Some(problem) = version_mismatch(env!("PYFN_BUILD_PYTHON"), (info.major, info.minor)) {
        return Err(Error::interpreter_mismatch(caller, problem));
    }
    // What every function's first call needs, looked up now; a failure here
    // is met again, and reported, where it is needed.
    bytecode_magic(py);
    let _ = crate::function::warm(py);
    let _ = crate::lines::warm(py);
    // An interpreter someone else started ran `site` for its own
    // `python`: the environment's packages are added to it.
    if !started_by_pyfn {
        crate::venv::activate_from_env(py).map_err(|err| {
            Error::build_failed(
                py,
                caller,
                "cannot add the virtual environment's packages",
                Some(err),
            )
        })?;
    }
    register_process_handlers(py).map_err(|err| {
        Error::build_failed(
            py,
            caller,
            "cannot register the fork and exit handlers",
            Some(err),
        )
    })
}

/// From now on, a `fork` leaves the child's Python usable, and the
/// process's exit runs Python's exit work (`fork.rs`, `exit.rs`). Only
/// once pyfn prepared the interpreter: a program that never calls pyfn
/// gets neither.
#[cfg(unix)]
fn register_process_handlers(py: Python<'_>) -> pyo3::PyResult<()> {
    crate::fork::register(py)?;
    crate::exit::register()
}

#[cfg(not(unix))]
fn register_process_handlers(_: Python<'_>) -> pyo3::PyResult<()> {
    Ok(())
}

/// This interpreter's magic number (`PyImport_GetMagicNumber`, the version
/// of its bytecode), if it compiles at the optimisation level of the code
/// the macros embed ([`pyfn_common::BYTECODE_OPTIMIZE`]): embedded code
/// with another number, or under `-O`, is not used. Read once per process.
pub(crate) fn bytecode_magic(py: Python<'_>) -> Option<u32> {
    static MAGIC: crate::once::Once<Option<u32>> = crate::once::Once::new();
    let magic = MAGIC.get_or_py_init(py, || Ok(read_magic(py)));
    magic.ok().copied().flatten()
}

/// What [`bytecode_magic`] reads.
fn read_magic(py: Python<'_>) -> Option<u32> {
    let optimize = py
        .import("sys")
        .and_then(|sys| sys.getattr("flags"))
        .and_then(|flags| flags.getattr("optimize"))
        .and_then(|optimize| optimize.extract::<i32>())
        .ok()?;
    if optimize != pyfn_common::BYTECODE_OPTIMIZE {
        return None;
    }
    // SAFETY: the caller is attached (`py`); it returns -1 with an
    // exception set if it cannot read the number, taken right after.
    let magic = unsafe { ffi::PyImport_GetMagicNumber() };
    if magic == -1 {
        drop(pyo3::PyErr::take(py));
        return None;
    }
    u32::try_from(magic).ok()
}

/// Why a CPython `running` (major, minor) cannot run code built for
/// `built` ("3.11"), if it cannot.
fn version_mismatch(built: &str, running: (u8, u8)) -> Option<String> {
    let running_text = format!("{}.{}", running.0, running.1);
    (built != running_text).then(|| {
        format!(
            "pyfn was built against CPython {built} but runs on CPython {running_text}: rebuild with the interpreter the program runs on (`PYO3_PYTHON`)"
        )
    })
}

/// `Ok(true)` once pyfn has started the interpreter (and set up `site`
/// itself); `Ok(false)` if it found it started by someone else.
static STARTED: std::sync::OnceLock<std::result::Result<bool, String>> = std::sync::OnceLock::new();

/// Starts the interpreter as a `python` would start for this program: the
/// standard library found from the build's CPython (never from a `python3`
/// on `PATH`), then `site` run as `python` runs it, its `.pth` files and
/// customisation modules included, with `sys.path` exactly that of the
/// virtual environment's own `python` when `VIRTUAL_ENV` is set (only then).
fn start() -> std::result::Result<(), String> {
    STARTED
        .get_or_init(|| {
            // SAFETY: may be called at any time.
            if unsafe { ffi::Py_IsInitialized() } != 0 {
                return Ok(false);
            }
            // CPython's pre-initialisation settings, read by the
            // `Py_InitializeEx` of pyo3's `Python::initialize` (which
            // also serialises it with pyo3's `auto-initialize` on other
            // threads): no `site` yet (it runs below, with the virtual
            // environment), and the running executable as the program
            // name, so that no `python3` on `PATH` decides where the
            // standard library is.
            let program = pyfn_common::current_program()
                // SAFETY: `Py_DecodeLocale` may be called before the
                // interpreter starts; it copies the C string.
                .map(|program| unsafe {
                    ffi::Py_DecodeLocale(program.as_ptr(), std::ptr::null_mut())
                })
                .filter(|program| !program.is_null());
            // SAFETY: not started yet (checked above; a racing start by
            // another user of CPython reads the same settings, or none);
            // `Py_SetProgramName` keeps the pointer, and the string
            // `Py_DecodeLocale` allocated is never freed.
            #[allow(deprecated)]
            unsafe {
                ffi::Py_NoSiteFlag = 1;
                if let Some(program) = program {
                    ffi::Py_SetProgramName(program);
                }
            }
            Python::initialize();
            // Whoever started it, `site` runs once: here only if it has not.
            let no_site = Python::try_attach(|py| -> pyo3::PyResult<i64> {
                use pyo3::types::PyAnyMethods;
                py.import("sys")?
                    .getattr("flags")?
                    .getattr("no_site")?
                    .extract()
            })
            .ok_or("the Python interpreter started but cannot be attached to")?
            .map_err(|err| format!("cannot read sys.flags: {err}"))?;
            if no_site == 0 {
                return Ok(false);
            }
            Python::try_attach(|py| -> pyo3::PyResult<()> {
                let scope = pyo3::types::PyDict::new(py);
                pyo3::types::PyDictMethods::set_item(
                    &scope,
                    "venv",
                    std::env::var_os("VIRTUAL_ENV"),
                )?;
                pyo3::types::PyDictMethods::set_item(&scope, "run_code", true)?;
                py.run(pyfn_common::SITE, Some(&scope), Some(&scope))?;
                // Prepared now, while this thread is attached: the first
                // call need not. A failure (another CPython version) is
                // left for the first call to find again and report.
                let _ = PREPARED.get_or_try_init(
                    py,
                    || prepare_once(py, "pyfn", true),
                    || Error::interpreter("pyfn"),
                );
                Ok(())
            })
            .ok_or("the Python interpreter started but cannot be attached to")?
            .map_err(|err| format!("Python's site set-up failed: {err}"))?;
            // This thread's Python thread state, made by the start, lives
            // as long as the interpreter.
            crate::thread::started_here();
            Ok(true)
        })
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// Whether pyfn started the interpreter itself (and so set up `site` and
/// the virtual environment as their `python` would).
fn started_by_pyfn() -> bool {
    matches!(STARTED.get(), Some(Ok(true)))
}

/// [`crate::initialize`]: starts the interpreter if needed, and prepares it.
pub(crate) fn initialize() -> Result<()> {
    const CALLER: &str = "pyfn::initialize";
    // SAFETY: may be called at any time.
    if unsafe { ffi::Py_IsInitialized() } == 0 {
        start().map_err(|problem| Error::interpreter_mismatch(CALLER, problem))?;
    }
    Python::try_attach(|py| prepare(py, CALLER)).unwrap_or_else(|| Err(Error::interpreter(CALLER)))
}

/// Set once pyfn has prepared the interpreter: from then on its objects
/// (cached functions, kept thread states) belong to that interpreter.
static PREPARED_ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// An error if the interpreter pyfn prepared is gone (someone called
/// `Py_Finalize`): pyfn's cached objects and thread states died with it,
/// and a new interpreter would not know them. pyfn does not start another.
fn if_not_finalized(function: &'static str) -> Result<()> {
    if PREPARED_ONCE.load(std::sync::atomic::Ordering::Acquire) {
        return Err(Error::interpreter_mismatch(
            function,
            "the Python interpreter was finalized (`Py_Finalize`) after pyfn used it: pyfn cannot call Python again in this process".to_owned(),
        ));
    }
    Ok(())
}

/// An error if the calling thread runs a sub-interpreter: pyfn's functions
/// and their globals live in the main interpreter, and objects must not
/// cross interpreters.
#[inline]
pub(crate) fn in_main_interpreter(_py: Python<'_>, function: &'static str) -> Result<()> {
    // SAFETY: the caller is attached (`_py`), so the current thread state
    // and its interpreter are alive; both calls only read them.
    let (here, main) = unsafe {
        (
            ffi::PyInterpreterState_Get(),
            ffi::PyInterpreterState_Main(),
        )
    };
    if here == main {
        Ok(())
    } else {
        Err(Error::interpreter_mismatch(
            function,
            "called from a Python sub-interpreter: pyfn's functions live in the main interpreter, and Python objects cannot cross interpreters".to_owned(),
        ))
    }
}

/// Runs `f` attached to the interpreter, starting it if needed.
#[doc(hidden)]
#[inline]
pub fn attach<F, R>(function: &Function, f: F) -> Result<R>
where
    F: for<'py> FnOnce(Python<'py>) -> Result<R>,
{
    // A thread with a Python thread state of its own that lasts (kept by
    // pyfn, or the one that started the interpreter) only attaches.
    if !crate::thread::has_lasting_state() {
        // SAFETY: `Py_IsInitialized` may be called at any time, even
        // before the interpreter starts.
        if unsafe { ffi::Py_IsInitialized() } == 0 {
            if_not_finalized(function.name())?;
            start().map_err(|problem| Error::interpreter_mismatch(function.name(), problem))?;
        }
        if !crate::thread::keep() {
            return Err(Error::thread_exiting(function.name()));
        }
    }
    Python::try_attach(f).unwrap_or_else(|| {
        // Finalized under a thread that keeps its state: say so.
        if_not_finalized(function.name())?;
        Err(Error::interpreter(function.name()))
    })
}

#[cfg(test)]
mod tests {
    use super::version_mismatch;

    #[test]
    fn versions_must_agree_on_major_and_minor() {
        assert_eq!(version_mismatch("3.11", (3, 11)), None);
        let problem = version_mismatch("3.11", (3, 12)).expect("a mismatch");
        assert!(problem.contains("built against CPython 3.11 but runs on CPython 3.12"));
    }
}
