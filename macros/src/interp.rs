//! Starting CPython inside rustc, once per compiler process.

use std::sync::Once;

use pyo3::Python;

/// Runs `f` attached to the build interpreter, starting it on first use.
/// `None` when it cannot be attached to.
pub fn with_python<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    static START: Once = Once::new();
    START.call_once(|| {
        promote_libpython_symbols();
        Python::initialize();
        if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
            // The import checks see what the program will import.
            let _ = Python::try_attach(|py| activate_venv(py, &venv));
        }
    });
    Python::try_attach(f)
}

/// Adds the site-packages of the virtual environment `VIRTUAL_ENV` names,
/// as the runtime does (`pyfn`'s `activate_venv`; the crates share no code).
fn activate_venv(py: Python<'_>, venv: &std::ffi::OsStr) -> pyo3::PyResult<()> {
    use pyo3::types::{PyDict, PyDictMethods};
    const ACTIVATE: &std::ffi::CStr = cr#"
import os, site, sys
venv = os.path.realpath(venv)
if os.path.realpath(sys.prefix) != venv:
    candidates = [
        os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"),
        os.path.join(venv, "Lib", "site-packages"),
    ]
    for path in candidates:
        if os.path.isdir(path) and path not in sys.path:
            site.addsitedir(path)
"#;
    let scope = PyDict::new(py);
    scope.set_item("venv", venv)?;
    py.run(ACTIVATE, Some(&scope), Some(&scope))
}

/// rustc opens proc-macros with `RTLD_LOCAL`, so libpython's symbols are
/// invisible to the C extensions CPython loads later (`unicodedata`, which
/// the tokenizer imports to normalise a non-ASCII identifier, fails with
/// `undefined symbol: PyModule_Type`). Re-opening the already loaded
/// libpython with `RTLD_GLOBAL` makes them visible, as a `python` binary has
/// them.
#[cfg(unix)]
fn promote_libpython_symbols() {
    // SAFETY: `dladdr` only reads the address of a function we link; the
    // name it returns is owned by the loader and valid while the library is
    // loaded, which it stays (we hold the handle from `dlopen` forever).
    // `RTLD_NOLOAD` never loads anything new: it only changes the flags of
    // the library already mapped into this process.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let address = pyo3::ffi::Py_IsInitialized as *const libc::c_void;
        if libc::dladdr(address, &mut info) != 0 && !info.dli_fname.is_null() {
            libc::dlopen(
                info.dli_fname,
                libc::RTLD_NOW | libc::RTLD_GLOBAL | libc::RTLD_NOLOAD,
            );
        }
    }
}

#[cfg(not(unix))]
fn promote_libpython_symbols() {}
