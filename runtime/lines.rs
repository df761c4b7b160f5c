//! The source lines of tracebacks, from the source the binary carries.
//!
//! CPython's traceback machinery reads a frame's line from `linecache`,
//! which otherwise opens the file by its name (the `.rs` file's path,
//! relative to where the crate was built): run from another directory, or
//! on a machine without the source tree, the lines would be missing, or
//! another file's. Registering the embedded source under that name, with
//! no modification time (so that `linecache.checkcache` keeps it), makes
//! the lines right wherever the program runs.
//!
//! Lazily: whoever reads `linecache` (the `traceback` module, `warnings`,
//! `inspect`, pyfn's own errors) imports it first, and importing it costs
//! a millisecond or more (it imports `tokenize`). So a source is put in
//! `linecache.cache` right away only if `linecache` is imported already;
//! otherwise it waits, and a finder on `sys.meta_path` (that answers only
//! for `linecache`) adds every waiting source to the cache as the module is
//! imported, before the import returns to anyone. pyfn's error formatting
//! also adds them, should something have taken the finder away.
//!
//! A `py_module!` inline source is dedented, but its columns, like its line
//! numbers, are kept the `.rs` file's: its code is compiled from its AST
//! with each line's columns moved back by what the dedent took
//! ([`compile_at_columns`]), and its lines are registered re-indented
//! ([`realign`]). Then CPython's carets fall under the right text both in
//! the `traceback` module (which reads `linecache`) and in the C printer
//! behind `PyErr_Display` on 3.11 and 3.12 (which opens the `.rs` file).

use std::ffi::CStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::types::{
    PyAnyMethods, PyCFunction, PyDict, PyDictMethods, PyList, PyListMethods, PySequenceMethods,
    PyString, PyTuple, PyTupleMethods,
};
use pyo3::{Bound, IntoPyObject, Py, PyAny, PyErr, PyResult, Python, ffi, intern};

/// A source, as its spec holds it.
#[derive(Clone, Copy)]
pub(crate) enum Text {
    /// A function's (made from the `.rs` file's text: UTF-8).
    C(&'static CStr),
    /// A module's.
    Str(&'static str),
}

impl Text {
    fn as_str(self) -> Option<&'static str> {
        match self {
            Text::C(text) => text.to_str().ok(),
            Text::Str(text) => Some(text),
        }
    }
}

/// Sources waiting for `linecache` to be imported: (file, text).
static WAITING: Mutex<Vec<(&'static str, Text)>> = Mutex::new(Vec::new());

/// The finder on `sys.meta_path`, once made.
static FINDER: crate::once::Once<Py<PyAny>> = crate::once::Once::new();

/// Whether the finder was put on `sys.meta_path` and has not left it
/// (read and changed only while attached).
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The line lists pyfn put in `linecache.cache`, by file: extended in
/// place by the next function of the same file (another's list is copied).
static OWN: crate::once::Once<Py<PyDict>> = crate::once::Once::new();

/// Registers `source` as the text of `file`. Several functions of one
/// `.rs` file each bring their own lines (the rest blank): they are merged.
pub(crate) fn register(py: Python<'_>, file: &'static str, source: Text) -> PyResult<()> {
    match imported(py)? {
        Some(linecache) => {
            flush_into(&linecache)?;
            match source.as_str() {
                Some(source) => add(&cache_of(&linecache)?, file, source),
                None => Ok(()),
            }
        }
        None => {
            lock().push((file, source));
            install(py)
        }
    }
}

/// Adds the waiting sources, if `linecache` has been imported.
pub(crate) fn flush(py: Python<'_>) -> PyResult<()> {
    if lock().is_empty() {
        return Ok(());
    }
    match imported(py)? {
        Some(linecache) => flush_into(&linecache),
        None => Ok(()),
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<(&'static str, Text)>> {
    WAITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `sys.modules["linecache"]`, once it has run (an import of it under way
/// on another thread is waited for), or `None` if it is not imported.
fn imported(py: Python<'_>) -> PyResult<Option<Bound<'_, PyAny>>> {
    let name = intern!(py, "linecache");
    // SAFETY: the caller is attached (`py`) and `name` is a live `str`. It
    // returns a new reference, or NULL: with an exception set if the
    // module could not be read, without one if it is not imported.
    let module = unsafe { ffi::PyImport_GetModule(name.as_ptr()) };
    if module.is_null() {
        return PyErr::take(py).map_or(Ok(None), Err);
    }
    // SAFETY: a new, non-NULL reference.
    let module = unsafe { Bound::from_owned_ptr(py, module) };
    Ok((!module.is_none()).then_some(module))
}

fn cache_of<'py>(linecache: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    Ok(linecache
        .getattr(intern!(linecache.py(), "cache"))?
        .cast_into::<PyDict>()?)
}

/// Adds every waiting source to `linecache`'s cache.
fn flush_into(linecache: &Bound<'_, PyAny>) -> PyResult<()> {
    let waiting = std::mem::take(&mut *lock());
    if waiting.is_empty() {
        return Ok(());
    }
    let cache = cache_of(linecache)?;
    for (file, source) in waiting {
        if let Some(source) = source.as_str() {
            add(&cache, file, source)?;
        }
    }
    Ok(())
}

/// Puts the lines of `source` into `cache[file]`, as `(size, None, lines,
/// file)`, over the blank lines of what is there: only the lines that hold
/// text are made into strings.
fn add(cache: &Bound<'_, PyDict>, file: &str, source: &str) -> PyResult<()> {
    let py = cache.py();
    let own = OWN
        .get_or_py_init(py, || Ok(PyDict::new(py).unbind()))?
        .bind(py);
    let entry = cache.get_item(file)?;
    // Someone else's entry of the same kind (no modification time) keeps
    // its lines; pyfn's own list is extended in place.
    let (list, mut size) = match entry
        .as_ref()
        .and_then(|entry| entry.cast::<PyTuple>().ok())
    {
        Some(entry) if entry.len() == 4 && entry.get_item(1)?.is_none() => {
            let lines = entry.get_item(2)?;
            let size: usize = entry.get_item(0)?.extract().unwrap_or(0);
            match own.get_item(file)? {
                Some(mine) if mine.is(&lines) => (mine.cast_into::<PyList>()?, size),
                _ => (
                    PyList::new(py, lines.try_iter()?.collect::<PyResult<Vec<_>>>()?)?,
                    size,
                ),
            }
        }
        _ => (PyList::empty(py), 0),
    };
    let newline = intern!(py, "\n");
    let count = source.split_inclusive('\n').count();
    if list.len() < count {
        let missing = count - list.len();
        let blank = PyList::new(py, [newline])?.as_sequence().repeat(missing)?;
        list.as_sequence().in_place_concat(&blank)?;
        size += missing;
    }
    for (index, line) in source.split_inclusive('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let old = list.get_item(index)?;
        size = size.saturating_sub(old.len().unwrap_or(0));
        size += line.chars().count();
        list.set_item(index, PyString::new(py, line))?;
    }
    own.set_item(file, &list)?;
    let entry = (size, py.None(), &list, file).into_pyobject(py)?;
    cache.set_item(file, entry)
}

/// Makes the finder, once per process (while the interpreter is
/// prepared: the first registration then only puts it in place).
pub(crate) fn warm(py: Python<'_>) -> PyResult<()> {
    finder(py).map(drop)
}

fn finder(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    FINDER
        .get_or_py_init(py, || -> PyResult<Py<PyAny>> {
            let find_spec = PyCFunction::new_closure(
                py,
                Some(c"find_spec"),
                Some(c"pyfn: adds the source lines of pyfn's functions to linecache as it is imported"),
                |args: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| -> PyResult<Py<PyAny>> {
                    find_spec(args)
                },
            )?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("find_spec", find_spec)?;
            Ok(py
                .import("types")?
                .getattr("SimpleNamespace")?
                .call((), Some(&kwargs))?
                .unbind())
        })
        .map(|finder| finder.bind(py))
}

/// Puts the finder on `sys.meta_path` (first), unless it is there.
fn install(py: Python<'_>) -> PyResult<()> {
    if INSTALLED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let finder = finder(py)?;
    let meta_path = py.import("sys")?.getattr("meta_path")?;
    if !meta_path.contains(finder)? {
        meta_path.call_method1("insert", (0, finder))?;
    }
    INSTALLED.store(true, Ordering::Relaxed);
    Ok(())
}

/// The finder's `find_spec(name, path, target=None)`: for `linecache`,
/// the spec the other finders give, with a loader that adds the waiting
/// sources once the module has run; `None` for every other module (and
/// for `linecache` whenever something is not as expected: the import then
/// goes on as if the finder were not there).
fn find_spec(args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
    let py = args.py();
    let is_linecache = args
        .get_item(0)
        .ok()
        .is_some_and(|name| name.eq("linecache").unwrap_or(false));
    if !is_linecache {
        return Ok(py.None());
    }
    Ok(wrapped_spec(args)
        .ok()
        .flatten()
        .map_or_else(|| py.None(), Bound::unbind))
}

fn wrapped_spec<'py>(args: &Bound<'py, PyTuple>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = args.py();
    let finder = FINDER.get().map(|finder| finder.bind(py));
    let meta_path = py.import("sys")?.getattr("meta_path")?;
    let mut spec = None;
    for other in meta_path.try_iter()? {
        let other = other?;
        if finder.is_some_and(|finder| finder.is(&other)) {
            continue;
        }
        let Ok(find) = other.getattr(intern!(py, "find_spec")) else {
            continue;
        };
        let found = find.call1(args)?;
        if !found.is_none() {
            spec = Some(found);
            break;
        }
    }
    let Some(spec) = spec else {
        return Ok(None);
    };
    let loader = spec.getattr(intern!(py, "loader"))?;
    if !loader.hasattr(intern!(py, "exec_module"))? {
        return Ok(Some(spec));
    }
    let create = {
        let loader = loader.clone().unbind();
        PyCFunction::new_closure(
            py,
            Some(c"create_module"),
            None,
            move |args: &Bound<'_, PyTuple>,
                  _: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyAny>> {
                let loader = loader.bind(args.py());
                if loader.hasattr("create_module")? {
                    Ok(loader.call_method1("create_module", args)?.unbind())
                } else {
                    Ok(args.py().None())
                }
            },
        )?
    };
    let exec = {
        let loader = loader.clone().unbind();
        let spec = spec.clone().unbind();
        PyCFunction::new_closure(
            py,
            Some(c"exec_module"),
            None,
            move |args: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
                let py = args.py();
                let loader = loader.bind(py);
                loader.call_method1("exec_module", args)?;
                // The module as if the finder had not been there.
                let module = args.get_item(0)?;
                module.setattr("__loader__", loader)?;
                spec.bind(py).setattr("loader", loader)?;
                flush_into(&module)?;
                INSTALLED.store(false, Ordering::Relaxed);
                if let Some(finder) = FINDER.get() {
                    let meta_path = py.import("sys")?.getattr("meta_path")?;
                    if meta_path.contains(finder)? {
                        meta_path.call_method1("remove", (finder,))?;
                    }
                }
                Ok(())
            },
        )?
    };
    let kwargs = PyDict::new(py);
    kwargs.set_item("create_module", create)?;
    kwargs.set_item("exec_module", exec)?;
    let wrapper = py
        .import("types")?
        .getattr("SimpleNamespace")?
        .call((), Some(&kwargs))?;
    spec.setattr("loader", wrapper)?;
    Ok(Some(spec))
}

/// `source` compiled (`exec` mode, as `file`) with the columns of line
/// `first + i` moved right by `columns[i]` bytes: `ast.parse`, every node's
/// `col_offset` / `end_col_offset` shifted by its line's amount, then
/// `compile(tree, …)`.
pub(crate) fn compile_at_columns<'py>(
    py: Python<'py>,
    source: &str,
    file: &str,
    first: usize,
    columns: &[u32],
) -> PyResult<Bound<'py, PyAny>> {
    static COMPILE: crate::once::Once<Py<PyAny>> = crate::once::Once::new();
    let compile = COMPILE.get_or_py_init(py, || -> PyResult<Py<PyAny>> {
        let module = pyo3::types::PyModule::from_code(
            py,
            pyfn_common::COMPILE_AT_COLUMNS,
            c"pyfn_columns.py",
            c"pyfn_columns",
        )?;
        Ok(module.getattr("compile_at_columns")?.unbind())
    })?;
    compile.bind(py).call1((source, file, first, columns))
}

/// `source` with line `first + i` indented by `columns[i]` more spaces: the
/// lines at the columns [`compile_at_columns`] gives their code.
pub(crate) fn realign(source: &str, first: usize, columns: &[u32]) -> String {
    let mut text = String::with_capacity(source.len());
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let column = index
            .checked_sub(first.saturating_sub(1))
            .and_then(|at| columns.get(at))
            .copied()
            .unwrap_or(0);
        text.extend(std::iter::repeat_n(' ', column as usize));
        text.push_str(line);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines `linecache` gives for `file`.
    fn lines(py: Python<'_>, file: &str) -> Vec<String> {
        py.import("linecache")
            .and_then(|linecache| linecache.call_method1("getlines", (file,)))
            .and_then(|lines| lines.extract())
            .expect("linecache.getlines")
    }

    #[test]
    fn sources_of_one_file_are_merged() {
        Python::attach(|py| {
            py.import("linecache").expect("imported");
            register(py, "src/merged.rs", Text::Str("\n\ndef a():\n    pass\n")).unwrap();
            let b = Text::C(c"\n\n\n\n\ndef b():\n    return 1\n");
            register(py, "src/merged.rs", b).unwrap();
            let got = lines(py, "src/merged.rs");
            assert_eq!(got[2], "def a():\n");
            assert_eq!(got[3], "    pass\n");
            assert_eq!(got[5], "def b():\n");
            assert_eq!(got[6], "    return 1\n");
            assert_eq!(got.len(), 7);
        });
    }
    #[test]
    fn realign_indents_the_listed_lines_only() {
        let source = "\n\ndef f():\n    return 1\n\nX = 2\n";
        assert_eq!(
            realign(source, 3, &[8, 8, 0, 3]),
            "\n\n        def f():\n            return 1\n\n   X = 2\n"
        );
        assert_eq!(realign(source, 1, &[]), source);
        // Columns past the source's end are ignored.
        assert_eq!(realign("a\n", 1, &[2, 4, 6]), "  a\n");
    }

    #[test]
    fn compiled_columns_are_moved_back() {
        Python::attach(|py| {
            // Line 2 (`x = len(y)`) moves right by 8; line 3 stays.
            let source = "\nx = len(y)\nz = 1\n";
            let code = compile_at_columns(py, source, "t.py", 2, &[8]).unwrap();
            if py.version_info() < (3, 11) {
                // No column positions in code objects before 3.11.
                return;
            }
            // `co_positions()`: (line, end line, column, end column).
            type Position = (Option<u32>, Option<u32>, Option<u32>, Option<u32>);
            let positions: Vec<Position> = py
                .import("builtins")
                .and_then(|builtins| {
                    builtins
                        .getattr("list")?
                        .call1((code.call_method0("co_positions")?,))
                })
                .and_then(|list| list.extract())
                .unwrap();
            let columns = |line: u32| -> Vec<(u32, u32)> {
                positions
                    .iter()
                    .filter(|&&(start, end, _, _)| start == Some(line) && end == Some(line))
                    .filter_map(|&(_, _, col, end_col)| Some((col?, end_col?)))
                    .collect()
            };
            // `len(y)` spans columns 4..10 of the dedented line: 12..18.
            assert!(columns(2).contains(&(12, 18)), "{positions:?}");
            assert!(columns(2).iter().all(|&(col, _)| col >= 8), "{positions:?}");
            // `z = 1`: unchanged.
            assert!(columns(3).iter().all(|&(col, _)| col < 8), "{positions:?}");
            assert!(!columns(3).is_empty(), "{positions:?}");
        });
    }
}
