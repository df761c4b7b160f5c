//! Hot reload (`#[py(reload)]`, debug builds only): a `py_module!`'s
//! `.py` files are watched while the program runs, and a changed file runs
//! again on the next call.
//!
//! Each call of a reloading module's function polls the files at most
//! every [`POLL`] (a `stat` of each: modification time and size; the first
//! poll compares the files' text with the embedded source). A change is
//! claimed by one caller, under a lock that is never held while Python
//! runs: the new sources are read and decoded as CPython decodes a file,
//! compiled, run in fresh globals (a package: imported again, its modules
//! out of `sys.modules` meanwhile), and each declared function's signature
//! checked against the Rust declaration (names, count and order of the
//! parameters; a default for each parameter Rust may leave out). Any
//! failure keeps the version that ran before, returns the error to the
//! caller that found the change (a `pyfn::Error` of kind `Function`) and
//! prints it to stderr as `pyfn: reload of …: …`; later calls run the old
//! version until the file changes again.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use pyo3::types::{PyAnyMethods, PyDict, PyModule};
use pyo3::{Bound, PyErr, PyResult, Python};

use crate::error::Error;

/// The files are looked at at most this often.
pub const POLL: Duration = Duration::from_millis(50);

/// What a `#[py(reload)]` module knows for reloading, fixed at build time
/// (only in debug builds: release builds have none and read no file).
#[doc(hidden)]
#[derive(Debug)]
pub struct Reload {
    /// The absolute path of each file when the crate was built, in the
    /// order of the module's files (one for `file =`, the package's files
    /// for `package =`; `""` for a directory without `__init__.py`).
    pub paths: &'static [&'static str],
    /// The declared functions, checked again at each reload.
    pub functions: &'static [Declared],
}

/// A function Rust declares, as a reload checks it.
#[doc(hidden)]
#[derive(Debug)]
pub struct Declared {
    /// Its module's dotted name (`""` for a `file =` module).
    pub module: &'static str,
    pub name: &'static str,
    /// The Python parameters, in Rust order.
    pub params: &'static [&'static str],
    /// For each parameter, whether Rust may leave it out (an `Option` over
    /// a Python default): the new `def` must keep a default there.
    pub optional: &'static [bool],
    /// For each parameter, how Rust passes it: `"positional"`,
    /// `"keyword"`, `"args"` (`*args`) or `"kwargs"` (`**kwargs`).
    pub kinds: &'static [&'static str],
}

/// When the files were last looked at, and what they were.
pub(crate) struct Watch {
    state: Mutex<WatchState>,
}

struct WatchState {
    polled: Option<Instant>,
    /// `None` until the first poll.
    stamps: Option<Vec<Option<(SystemTime, u64)>>>,
}

impl Watch {
    pub(crate) const fn new() -> Self {
        Watch {
            state: Mutex::new(WatchState {
                polled: None,
                stamps: None,
            }),
        }
    }

    /// Whether a file changed since the last poll (claimed: other callers
    /// see no change); `embedded`: the texts the binary runs, which the
    /// first poll compares the files with.
    pub(crate) fn changed(&self, paths: &[&str], embedded: &dyn Fn(usize) -> &'static str) -> bool {
        let mut state = crate::once::lock(&self.state);
        let now = Instant::now();
        if state
            .polled
            .is_some_and(|polled| now.duration_since(polled) < POLL)
        {
            return false;
        }
        state.polled = Some(now);
        let stamps: Vec<Option<(SystemTime, u64)>> = paths
            .iter()
            .map(|path| {
                std::fs::metadata(path)
                    .ok()
                    .and_then(|meta| Some((meta.modified().ok()?, meta.len())))
            })
            .collect();
        let changed = match &state.stamps {
            Some(before) => *before != stamps,
            // The first poll: the file's text against the embedded one.
            None => paths.iter().enumerate().any(|(index, path)| {
                !path.is_empty()
                    && std::fs::read(path).is_ok_and(|bytes| !same_text(&bytes, embedded(index)))
            }),
        };
        state.stamps = Some(stamps);
        changed
    }
}

/// Whether a file's bytes are the embedded text (a file in another
/// encoding, or with a byte order mark, counts as changed only if its
/// UTF-8 form differs: decoded here as UTF-8 after a BOM; otherwise the
/// modification time alone decides, from the second poll on).
fn same_text(bytes: &[u8], text: &str) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(file) => file == text,
        Err(_) => true,
    }
}

/// The new source of a file, decoded as CPython decodes a source file.
pub(crate) fn read_source(py: Python<'_>, path: &str) -> PyResult<String> {
    let bytes = std::fs::read(path).map_err(|err| {
        pyo3::exceptions::PyOSError::new_err(format!("cannot read {path}: {err}"))
    })?;
    let decode = PyModule::import(py, "importlib.util")?.getattr("decode_source")?;
    decode
        .call1((pyo3::types::PyBytes::new(py, &bytes),))?
        .extract()
}

/// `compile(source, file, "exec")`.
pub(crate) fn compile<'py>(
    py: Python<'py>,
    source: &str,
    file: &str,
) -> PyResult<Bound<'py, pyo3::PyAny>> {
    PyModule::import(py, "builtins")?
        .getattr("compile")?
        .call1((source, file, "exec"))
}

/// The build's signature check, again, against the new objects (as
/// `inspect.signature` reads them): Rust's positional parameters are the
/// first positional ones of the `def`, by name; its keyword ones exist
/// (or `**kwargs` takes them); `*args`/`**kwargs` are still there; what
/// Rust may leave out keeps a default, and what it never passes has one.
const CHECK: &std::ffi::CStr = cr#"
import inspect

def check(namespace, declared):
    P = inspect.Parameter
    for name, params, optional, kinds in declared:
        function = namespace.get(name)
        if function is None:
            return "the new source defines no `%s`" % name
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError) as err:
            return "cannot read the signature of `%s`: %s" % (name, err)
        values = list(signature.parameters.values())
        positional = [p for p in values if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        by_name = {p.name: p for p in values}
        var_args = any(p.kind == P.VAR_POSITIONAL for p in values)
        var_kwargs = any(p.kind == P.VAR_KEYWORD for p in values)
        passed = set()
        index = 0
        for param, may_omit, kind in zip(params, optional, kinds):
            found = None
            if kind == "positional":
                if index < len(positional):
                    found = positional[index]
                    if found.name != param:
                        return "parameter %d of `%s` is now `%s`, Rust declares `%s`" % (
                            index + 1, name, found.name, param)
                elif not var_args:
                    return "`%s` now takes %d positional parameter(s), Rust passes `%s` too" % (
                        name, len(positional), param)
                index += 1
            elif kind == "keyword":
                found = by_name.get(param)
                if found is None or found.kind not in (P.KEYWORD_ONLY, P.POSITIONAL_OR_KEYWORD):
                    found = None
                    if not var_kwargs:
                        return "`%s` no longer takes a keyword parameter `%s`" % (name, param)
            elif kind == "args":
                if not var_args:
                    return "`%s` no longer takes `*args`" % name
            elif not var_kwargs:
                return "`%s` no longer takes `**kwargs`" % name
            if found is not None:
                passed.add(found.name)
                if may_omit and found.default is found.empty:
                    return ("parameter `%s` of `%s` has no default any more: Rust leaves it out "
                            "on `None`" % (found.name, name))
        for p in values:
            if p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD) or p.name in passed:
                continue
            if p.default is p.empty:
                return "`%s` now has a parameter `%s` without a default, which Rust does not pass" % (
                    name, p.name)
    return None
"#;

/// One declared function as the checker takes it: its name, parameters,
/// which Rust may leave out, and how each is passed.
type DeclaredRow<'a> = (&'a str, Vec<&'a str>, Vec<bool>, Vec<&'a str>);

/// The mismatch between the declared functions of `module` and what
/// `namespace` now holds, or `None`.
pub(crate) fn check_signatures(
    py: Python<'_>,
    namespace: &Bound<'_, PyDict>,
    declared: &[Declared],
    module: &str,
) -> PyResult<Option<String>> {
    static CHECKER: crate::once::Once<pyo3::Py<pyo3::PyAny>> = crate::once::Once::new();
    let checker = CHECKER.get_or_py_init(py, || -> PyResult<_> {
        let scope = PyDict::new(py);
        scope.set_item("__builtins__", PyModule::import(py, "builtins")?)?;
        py.run(CHECK, Some(&scope), None)?;
        Ok(scope.get_item("check")?.unbind())
    })?;
    let declared: Vec<DeclaredRow<'_>> = declared
        .iter()
        .filter(|declared| declared.module == module)
        .map(|declared| {
            (
                declared.name,
                declared.params.to_vec(),
                declared.optional.to_vec(),
                declared.kinds.to_vec(),
            )
        })
        .collect();
    checker.bind(py).call1((namespace, declared))?.extract()
}

/// A failed reload: reported on stderr, and as the caller's error.
pub(crate) fn failed(
    py: Python<'_>,
    caller: &'static str,
    what: &str,
    context: &str,
    err: Option<PyErr>,
) -> Error {
    let error = Error::build_failed(
        py,
        caller,
        &format!("reload of {what}: {context}; the previous version stays"),
        err,
    );
    eprintln!("pyfn: {error}");
    error
}
