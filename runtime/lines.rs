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
//! A `py_module!` inline source is dedented, but its columns, like its line
//! numbers, are kept the `.rs` file's: its code is compiled from its AST
//! with each line's columns moved back by what the dedent took
//! ([`compile_at_columns`]), and its lines are registered re-indented
//! ([`realign`]). Then CPython's carets fall under the right text both in
//! the `traceback` module (which reads `linecache`) and in the C printer
//! behind `PyErr_Display` on 3.11 and 3.12 (which opens the `.rs` file).

use pyo3::sync::PyOnceLock;
use pyo3::types::{PyAnyMethods, PyModule};
use pyo3::{Bound, Py, PyAny, PyResult, Python};

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
    static COMPILE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let compile = COMPILE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let module = PyModule::from_code(
            py,
            cr#"
import ast

def compile_at_columns(source, file, first, columns):
    tree = ast.parse(source, file)
    last = first + len(columns)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is not None and first <= line < last and getattr(node, "col_offset", None) is not None:
            node.col_offset += columns[line - first]
        line = getattr(node, "end_lineno", None)
        if line is not None and first <= line < last and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset += columns[line - first]
    return compile(tree, file, "exec", dont_inherit=True)
"#,
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
