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
    });
    Python::try_attach(f)
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
