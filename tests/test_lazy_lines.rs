//! pyfn does not import `linecache` to register its sources for
//! tracebacks: they wait until something imports it, and are in its cache
//! before that import returns, whoever imports it (here: Python code, the
//! `warnings` machinery). One test: the order of first imports matters.

use pyfn::py_fn;
use pyfn::pyo3::prelude::*;
use pyfn::pyo3::types::PyDict;

py_fn! {
    fn quiet(x: i64) -> i64 {
        return x + 1
    }

    fn warn_once() -> String {r#"
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("careful")  # the line a warning shows
        import linecache
        w = caught[0]
        return linecache.getline(w.filename, w.lineno)
    "#}

    fn later(x: i64) -> i64 {
        return x * 2
    }
}

fn modules(py: Python<'_>) -> Bound<'_, PyAny> {
    py.import("sys").unwrap().getattr("modules").unwrap()
}

#[test]
fn sources_reach_linecache_when_it_is_imported() {
    assert_eq!(quiet(1).unwrap(), 2);
    let first_import = Python::attach(|py| {
        let imported = modules(py).contains("linecache").unwrap();
        let finders: Vec<String> = py
            .import("sys")
            .and_then(|sys| sys.getattr("meta_path"))
            .and_then(|path| path.str().map(|s| s.to_string()))
            .map(|text| vec![text])
            .unwrap();
        (imported, finders)
    });
    assert!(!first_import.0, "pyfn imported linecache");
    assert!(
        first_import.1[0].contains("find_spec"),
        "{:?}",
        first_import.1
    );

    // Python imports `linecache` itself (through `warnings`): the line of
    // the warning is the binary's source.
    assert_eq!(
        warn_once().unwrap().trim(),
        "warnings.warn(\"careful\")  # the line a warning shows"
    );
    Python::attach(|py| {
        let scope = PyDict::new(py);
        scope.set_item("file", file!()).unwrap();
        py.run(
            cr#"
import linecache, sys
lines = linecache.getlines(file)
loader = type(linecache.__loader__).__name__
spec_loader = type(linecache.__spec__.loader).__name__
finders = [f for f in sys.meta_path if "pyfn" in str(getattr(f, "find_spec", ""))
           or "find_spec=<built-in" in repr(f)]
"#,
            Some(&scope),
            None,
        )
        .unwrap();
        let lines: Vec<String> = scope.get_item("lines").unwrap().unwrap().extract().unwrap();
        assert!(lines.iter().any(|line| line.contains("return x + 1")));
        // The module is as an import without the finder makes it, and the
        // finder has left.
        for key in ["loader", "spec_loader"] {
            let name: String = scope.get_item(key).unwrap().unwrap().extract().unwrap();
            assert_eq!(name, "SourceFileLoader", "{key}");
        }
        let left: usize = scope.get_item("finders").unwrap().unwrap().len().unwrap();
        assert_eq!(left, 0);
    });

    // Now imported: a function built later registers right away.
    assert_eq!(later(2).unwrap(), 4);
    Python::attach(|py| {
        let lines: Vec<String> = py
            .import("linecache")
            .and_then(|linecache| linecache.call_method1("getlines", (file!(),)))
            .and_then(|lines| lines.extract())
            .unwrap();
        assert!(lines.iter().any(|line| line.contains("return x * 2")));
        assert!(lines.iter().any(|line| line.contains("return x + 1")));
    });
}
