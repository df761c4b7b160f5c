//! The interpreter pyfn's functions run in: prepared once per process,
//! attached to for each call.

use pyo3::sync::PyOnceLock;
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
    static PREPARED: PyOnceLock<()> = PyOnceLock::new();
    PREPARED
        .get_or_try_init(py, || {
            create_exception_types(py);
            let info = py.version_info();
            if let Some(problem) =
                version_mismatch(env!("PYFN_BUILD_PYTHON"), (info.major, info.minor))
            {
                return Err(Error::interpreter_mismatch(caller, problem));
            }
            crate::venv::activate_from_env(py).map_err(|err| {
                Error::build_failed(
                    py,
                    caller,
                    "cannot add the virtual environment's packages",
                    Some(err),
                )
            })?;
            register_process_handlers(py).map_err(|err| {
                Error::build_failed(
                    py,
                    caller,
                    "cannot register the fork and exit handlers",
                    Some(err),
                )
            })?;
            Ok(())
        })
        .map(|_| ())
}

/// From now on, a `fork` leaves the child's Python usable, and the
/// process's exit runs Python's exit work (`fork.rs`, `exit.rs`). Only
/// once pyfn prepared the interpreter: a program that never calls pyfn
/// gets neither.
#[cfg(unix)]
fn register_process_handlers(py: Python<'_>) -> pyo3::PyResult<()> {
    crate::fork::register(py)?;
    crate::exit::register(py)
}

#[cfg(not(unix))]
fn register_process_handlers(_: Python<'_>) -> pyo3::PyResult<()> {
    Ok(())
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

/// Runs `f` attached to the interpreter, starting it if needed.
#[doc(hidden)]
#[inline]
pub fn attach<F, R>(function: &Function, f: F) -> Result<R>
where
    F: for<'py> FnOnce(Python<'py>) -> Result<R>,
{
    // SAFETY: `Py_IsInitialized` may be called at any time, even before
    // the interpreter starts.
    if unsafe { ffi::Py_IsInitialized() } == 0 {
        Python::initialize();
    }
    if !crate::thread::keep() {
        return Err(Error::thread_exiting(function.name()));
    }
    Python::try_attach(f).unwrap_or_else(|| Err(Error::interpreter(function.name())))
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
