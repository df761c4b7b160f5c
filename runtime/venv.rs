//! Making an active virtual environment's packages importable.

use pyo3::Python;
use pyo3::types::{PyDict, PyDictMethods};

/// If `VIRTUAL_ENV` is set, adds that environment's site-packages with
/// `site.addsitedir`, as its own `python` would have them, unless the
/// interpreter already is that environment's (see
/// [`pyfn_common::VENV_ACTIVATE`], the same Python the macros run).
pub(crate) fn activate_from_env(py: Python<'_>) -> pyo3::PyResult<()> {
    match std::env::var_os("VIRTUAL_ENV") {
        Some(venv) => activate(py, &venv),
        None => Ok(()),
    }
}

/// Adds the site-packages of the virtual environment at `venv` (the value
/// of `VIRTUAL_ENV`).
fn activate(py: Python<'_>, venv: &std::ffi::OsStr) -> pyo3::PyResult<()> {
    let scope = PyDict::new(py);
    scope.set_item("venv", venv)?;
    py.run(pyfn_common::VENV_ACTIVATE, Some(&scope), Some(&scope))
}

#[cfg(test)]
mod tests {
    use pyo3::types::PyAnyMethods;

    use super::*;

    #[test]
    fn a_directory_without_site_packages_adds_nothing() {
        Python::attach(|py| {
            let path_len = || {
                py.import("sys")
                    .and_then(|sys| sys.getattr("path"))
                    .and_then(|path| path.len())
                    .expect("sys.path")
            };
            let before = path_len();
            let dir = std::env::temp_dir();
            activate(py, dir.as_os_str()).expect("the snippet runs");
            assert_eq!(path_len(), before);
        });
    }
}
