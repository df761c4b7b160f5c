//! The source lines of tracebacks, from the source the binary carries.
//!
//! CPython's traceback machinery reads a frame's line from `linecache`,
//! which otherwise opens the file by its name (the `.rs` file's path,
//! relative to where the crate was built): run from another directory, or
//! on a machine without the source tree, the lines would be missing, or
//! another file's. Registering the embedded source under that name, with
//! no modification time (so that `linecache.checkcache` keeps it), makes
//! the lines right wherever the program runs.

use pyo3::sync::PyOnceLock;
use pyo3::types::{PyAnyMethods, PyModule};
use pyo3::{Py, PyAny, PyResult, Python};

/// Registers `source` as the text of `file`. Several functions of one
/// `.rs` file each bring their own lines (the rest blank): they are merged.
pub(crate) fn register(py: Python<'_>, file: &str, source: &str) -> PyResult<()> {
    static REGISTER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let register = REGISTER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let module = PyModule::from_code(
            py,
            cr#"
import linecache

def register(file, text):
    lines = text.splitlines(True)
    entry = linecache.cache.get(file)
    if entry is not None and len(entry) == 4 and entry[1] is None:
        merged = list(entry[2])
        merged += ["\n"] * (len(lines) - len(merged))
        for index, line in enumerate(lines):
            if line.strip():
                merged[index] = line
        lines = merged
    linecache.cache[file] = (sum(map(len, lines)), None, lines, file)
"#,
            c"pyfn_lines.py",
            c"pyfn_lines",
        )?;
        Ok(module.getattr("register")?.unbind())
    })?;
    register.bind(py).call1((file, source))?;
    Ok(())
}
