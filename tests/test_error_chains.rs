//! `pyfn::Error` shows a Python exception as CPython does: Display one
//! line (`Type: message`), Debug and `report()` the text
//! `traceback.format_exception` makes (computed here in Python for the same
//! exception object, and compared), `source()` the chain of causes and
//! contexts, each exception once.
//!
//! Notes and exception groups exist from CPython 3.11 on: those tests check
//! `sys.version_info` at run time and, before 3.11, check that nothing is
//! shown instead (the Python code there avoids the missing names).

use std::error::Error as _;

use pyfn::pyo3::types::{PyAnyMethods, PyModule, PyTracebackMethods};
use pyfn::pyo3::{PyErr, Python};
use pyfn::{Chained, Error, ErrorKind, py_fn, py_module};

/// The 1-based line of this file holding `needle` (once).
fn line_of(needle: &str) -> usize {
    let source = include_str!("test_error_chains.rs");
    let found: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle) && !line.contains("line_of("))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(found.len(), 1, "{needle:?} once in this file");
    found[0]
}

/// The running CPython's (major, minor).
fn python_version() -> (u8, u8) {
    Python::attach(|py| {
        let info = py.version_info();
        (info.major, info.minor)
    })
}

/// `''.join(traceback.format_exception(type(e), e, tb))`, in Python, for
/// the exception `err` holds.
fn format_exception(err: &PyErr) -> String {
    Python::attach(|py| {
        let value = err.value(py);
        let lines = PyModule::import(py, "traceback")
            .and_then(|traceback| {
                traceback.getattr("format_exception")?.call1((
                    value.get_type(),
                    value,
                    err.traceback(py),
                ))
            })
            .expect("traceback.format_exception");
        lines.extract::<Vec<String>>().expect("lines").concat()
    })
}

/// The error, then each error `source()` gives, as `pyfn::Error`s.
fn chain(err: &Error) -> Vec<&Error> {
    let mut out = vec![err];
    let mut next = err.source();
    while let Some(source) = next {
        out.push(
            source
                .downcast_ref::<Error>()
                .expect("every source is a pyfn::Error"),
        );
        next = source.source();
    }
    out
}

/// What `anyhow`'s `{:#}` prints: each error of the chain, joined by `: `.
fn alternate_chain(err: &Error) -> String {
    chain(err)
        .iter()
        .map(|err| err.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// Every error of the chain: Display is one line, Debug is that line then
/// CPython's report, and the report is `format_exception`'s for the
/// exception it holds.
fn assert_formats_like_cpython(err: &Error) {
    for link in chain(err) {
        let display = link.to_string();
        assert!(!display.contains('\n'), "one line: {display:?}");
        let report = link.report().expect("a report");
        let py_err = link.py_err().expect("the exception");
        assert_eq!(report, format_exception(py_err));
        assert_eq!(
            format!("{link:?}"),
            format!("{display}\n\n{}", report.trim_end())
        );
    }
}

py_fn! {
    fn parse_count(text: &str) -> i64 {r#"
        try:
            return int(text)
        except ValueError as e:
            raise RuntimeError("not a count: " + text) from e
    "#}

    fn lookup(key: &str) -> i64 {r#"
        table = {"a": 1}
        try:
            return table[key]
        except KeyError:
            return table["default"] + len(key)
    "#}

    fn hidden(key: &str) -> i64 {r#"
        try:
            return {}[key]
        except KeyError:
            raise LookupError("no such key") from None
    "#}

    fn three_deep() {r#"
        try:
            try:
                raise OSError("disk")
            except OSError as e:
                raise ValueError("bad data") from e
        except ValueError:
            raise RuntimeError("gave up")
    "#}

    fn cycle() {r#"
        first = ValueError("first")
        second = KeyError("second")
        try:
            try:
                raise first
            except ValueError:
                raise second
        except KeyError:
            pass
        first.__context__ = second
        raise first
    "#}

    #[py(typecheck = false)] fn long_chain(n: i64) {r#"
        error = None
        for i in range(n):
            try:
                raise ValueError("link %d" % i) from error
            except ValueError as e:
                error = e
        raise error
    "#}

    fn with_notes() {r#"
        error = ValueError("bad value")
        if hasattr(error, "add_note"):
            error.add_note("while reading row 3")
            error.add_note("check the file's encoding")
        raise error
    "#}

    fn group() -> i64 {r#"
        import builtins
        import sys
        if sys.version_info < (3, 11):
            return 0
        errors = []
        for exc in (ValueError("first"), TypeError("second")):
            try:
                raise exc
            except Exception as e:
                errors.append(e)
        raise builtins.ExceptionGroup("two failures", errors)
    "#}

    fn unprintable() {r#"
        class Weird(Exception):
            def __str__(self):
                raise RuntimeError("no text")
        raise Weird()
    "#}

    #[py(typecheck = false)] fn odd() {r#"
        # A function whose module's loader fails to give its source: the
        # traceback module raises while reading the frame's line.
        class Loader:
            def get_source(self, name):
                raise RuntimeError("no source")
        namespace = {"__name__": "odd_module", "__loader__": Loader()}
        code = "def f():\n    raise ValueError('odd')\n"
        exec(compile(code, "odd_module.py", "exec"), namespace)
        namespace["f"]()
    "#}

    fn surrogate() {r#"
        raise ValueError("bad \udcff byte")
    "#}
}

py_module! {
    mod errors {
        source = r#"
            class ParseError(Exception):
                pass

            def parse(text):
                raise ParseError("cannot parse %r" % text)

            def ratio(a, b):
                return a.real / b
        "#;
        pub fn parse(text: &str);
        pub fn ratio(a: i64, b: i64) -> f64;
    }
}

py_module! {
    mod one_line {
        source = r"def half(x): return x.real / 0";
        pub fn half(x: i64) -> f64;
    }
}

py_module! {
    #[py(typecheck = false)] mod broken {
        source = r#"
            SETTINGS = {"mode": "fast"}
            LIMIT = SETTINGS["limit"]

            def limit():
                return LIMIT
        "#;
        pub fn limit() -> i64;
    }
}

#[test]
fn raise_from_shows_the_cause() {
    let err = parse_count("x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert_eq!(
        err.to_string(),
        "Python function `parse_count` raised RuntimeError: not a count: x"
    );
    assert_eq!(err.chained(), None);
    let cause = chain(&err)[1];
    assert_eq!(cause.chained(), Some(Chained::Cause));
    assert_eq!(cause.kind(), ErrorKind::Exception);
    assert_eq!(cause.function(), "parse_count");
    assert_eq!(cause.exception_type(), Some("ValueError"));
    assert_eq!(
        cause.message(),
        "invalid literal for int() with base 10: 'x'"
    );
    assert_eq!(
        cause.to_string(),
        "ValueError: invalid literal for int() with base 10: 'x'"
    );
    // Its own traceback: its frame, its line, its exception.
    let traceback = cause.traceback().expect("the cause's traceback");
    assert!(
        traceback.contains(&format!(
            "line {}, in parse_count",
            line_of("            return int(text)")
        )),
        "{traceback}"
    );
    assert!(!traceback.contains("RuntimeError"), "{traceback}");
    assert!(cause.source().is_none());

    let report = err.report().expect("a report");
    let (before, after) = report
        .split_once("\nThe above exception was the direct cause of the following exception:\n\n")
        .expect("the cause message");
    assert!(
        before.ends_with("ValueError: invalid literal for int() with base 10: 'x'\n"),
        "{report}"
    );
    assert!(after.starts_with("Traceback (most recent call last):\n"));
    assert!(
        after.ends_with("RuntimeError: not a count: x\n"),
        "{report}"
    );
    // The cause's report is the first part of the whole.
    assert_eq!(cause.report(), Some(before));
    assert_formats_like_cpython(&err);
    assert_eq!(
        alternate_chain(&err),
        "Python function `parse_count` raised RuntimeError: not a count: x: \
         ValueError: invalid literal for int() with base 10: 'x'"
    );
}

#[test]
fn implicit_context_is_shown_as_during_handling() {
    let err = lookup("zz").unwrap_err();
    assert_eq!(err.exception_type(), Some("KeyError"));
    assert_eq!(err.message(), "'default'");
    let links = chain(&err);
    assert_eq!(links.len(), 2);
    assert_eq!(links[1].chained(), Some(Chained::Context));
    assert_eq!(links[1].to_string(), "KeyError: 'zz'");
    let report = err.report().unwrap();
    assert!(
        report.contains(
            "KeyError: 'zz'\n\nDuring handling of the above exception, another exception occurred:\n\n"
        ),
        "{report}"
    );
    assert!(!report.contains("direct cause"), "{report}");
    assert_formats_like_cpython(&err);
}

#[test]
fn from_none_suppresses_the_context() {
    let err = hidden("k").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Python function `hidden` raised LookupError: no such key"
    );
    // The context exists, and is suppressed, as CPython shows it.
    Python::attach(|py| {
        let value = err.py_err().unwrap().value(py);
        assert!(!value.getattr("__context__").unwrap().is_none());
        assert!(
            value
                .getattr("__suppress_context__")
                .unwrap()
                .extract::<bool>()
                .unwrap()
        );
    });
    assert!(err.source().is_none());
    let report = err.report().unwrap();
    assert!(!report.contains("KeyError"), "{report}");
    assert!(!report.contains("During handling"), "{report}");
    assert_formats_like_cpython(&err);
}

#[test]
fn source_chain_names_each_exception_once() {
    let err = three_deep().unwrap_err();
    let links = chain(&err);
    let shown: Vec<String> = links.iter().map(|err| err.to_string()).collect();
    assert_eq!(
        shown,
        [
            "Python function `three_deep` raised RuntimeError: gave up",
            "ValueError: bad data",
            "OSError: disk",
        ]
    );
    assert_eq!(
        links.iter().map(|err| err.chained()).collect::<Vec<_>>(),
        [None, Some(Chained::Context), Some(Chained::Cause)]
    );
    // anyhow's `{:#}`: every message once.
    let joined = alternate_chain(&err);
    assert_eq!(
        joined,
        "Python function `three_deep` raised RuntimeError: gave up: ValueError: bad data: OSError: disk"
    );
    for word in ["gave up", "bad data", "disk"] {
        assert_eq!(joined.matches(word).count(), 1, "{joined}");
    }
    assert_formats_like_cpython(&err);
}

#[test]
fn a_cycle_of_contexts_ends() {
    let err = cycle().unwrap_err();
    let types: Vec<Option<&str>> = chain(&err).iter().map(|err| err.exception_type()).collect();
    assert_eq!(types, [Some("ValueError"), Some("KeyError")]);
    assert_eq!(
        err.report().unwrap(),
        format_exception(err.py_err().unwrap())
    );
}

#[test]
fn a_long_chain_is_linear_and_drops_without_recursing() {
    // On 3.9 traceback.TracebackException recurses along the chain and
    // silently stops near the recursion limit (about 500 links here): pyfn
    // formats the rest plainly, so the whole chain is there.
    let n = 3000;
    let err = long_chain(n).unwrap_err();
    let links = chain(&err);
    assert_eq!(links.len(), n as usize);
    assert_eq!(links[0].message(), format!("link {}", n - 1));
    assert_eq!(links[links.len() - 1].message(), "link 0");
    assert!(
        links[1..]
            .iter()
            .all(|err| err.chained() == Some(Chained::Cause))
    );
    // Each report is a prefix of the first's: the text is held once.
    let whole = err.report().unwrap();
    for link in &links {
        assert!(whole.starts_with(link.report().unwrap()));
    }
    assert_eq!(whole.matches("direct cause").count(), n as usize - 1);
    if python_version() >= (3, 10) {
        assert_eq!(whole, format_exception(err.py_err().unwrap()));
    }
    drop(err);
}

#[test]
fn notes_are_shown_from_3_11() {
    let err = with_notes().unwrap_err();
    assert_eq!(
        err.to_string(),
        "Python function `with_notes` raised ValueError: bad value"
    );
    let traceback = err.traceback().unwrap();
    if python_version() >= (3, 11) {
        assert_eq!(
            err.notes(),
            ["while reading row 3", "check the file's encoding"]
        );
        assert!(
            traceback.ends_with(
                "ValueError: bad value\nwhile reading row 3\ncheck the file's encoding\n"
            ),
            "{traceback}"
        );
    } else {
        // CPython before 3.11 has no notes: nothing added, nothing shown.
        assert!(err.notes().is_empty());
        assert!(
            traceback.ends_with("ValueError: bad value\n"),
            "{traceback}"
        );
    }
    assert_formats_like_cpython(&err);
}

#[test]
fn exception_groups_are_shown_from_3_11() {
    if python_version() < (3, 11) {
        // No ExceptionGroup before 3.11: the function returns instead.
        assert_eq!(group().unwrap(), 0);
        return;
    }
    let err = group().unwrap_err();
    assert_eq!(err.exception_type(), Some("ExceptionGroup"));
    assert_eq!(err.message(), "two failures (2 sub-exceptions)");
    assert_eq!(
        err.to_string(),
        "Python function `group` raised ExceptionGroup: two failures (2 sub-exceptions)"
    );
    let report = err.report().unwrap();
    for line in [
        "  + Exception Group Traceback (most recent call last):\n",
        "  | ExceptionGroup: two failures (2 sub-exceptions)\n",
        "    | ValueError: first\n",
        "    | TypeError: second\n",
    ] {
        assert!(report.contains(line), "{line:?} in\n{report}");
    }
    assert!(
        report.contains(&format!(
            "line {}, in group",
            line_of("                raise exc")
        )),
        "{report}"
    );
    assert_formats_like_cpython(&err);
}

#[test]
fn exception_types_are_named_as_cpython_names_them() {
    let err = errors::parse("x").unwrap_err();
    assert_eq!(err.exception_type(), Some("ParseError"));
    // After the class's __module__ (the module's __name__, a Rust path),
    // as the last line of CPython's traceback.
    let report = format_exception(err.py_err().unwrap());
    let last = report.lines().last().unwrap();
    assert!(last.starts_with(module_path!()), "{last}");
    assert!(last.ends_with(".ParseError: cannot parse 'x'"), "{last}");
    assert_eq!(
        err.to_string(),
        format!("Python function `parse` raised {last}")
    );
    assert_formats_like_cpython(&err);
}

#[test]
fn module_top_level_raise_names_the_exception() {
    let err = broken::limit().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Function);
    assert_eq!(err.exception_type(), Some("KeyError"));
    assert_eq!(
        err.message(),
        "the module source raised while running: KeyError: 'limit'"
    );
    assert_eq!(
        err.to_string(),
        "cannot create Python function `limit`: the module source raised while running: KeyError: 'limit'"
    );
    let report = err.report().unwrap();
    assert!(
        report.contains(&format!(
            "line {}, in <module>",
            line_of(r#"            LIMIT = SETTINGS["limit"]"#)
        )),
        "{report}"
    );
    assert_eq!(report, format_exception(err.py_err().unwrap()));
    // Debug: the Display line, then CPython's report.
    assert_eq!(
        format!("{err:?}"),
        format!("{err}\n\n{}", report.trim_end())
    );
}

#[test]
fn a_failing_str_is_shown_as_cpython_shows_it() {
    let err = unprintable().unwrap_err();
    assert_eq!(err.exception_type(), Some("Weird"));
    let shown = format!("{}.unprintable.<locals>.Weird", module_path!());
    let placeholder = if python_version() >= (3, 11) {
        "<exception str() failed>"
    } else {
        "<unprintable Weird object>"
    };
    assert_eq!(err.message(), placeholder);
    assert_eq!(
        err.to_string(),
        format!("Python function `unprintable` raised {shown}: {placeholder}")
    );
    assert_formats_like_cpython(&err);
}

#[test]
fn formatting_that_raises_falls_back() {
    // CPython's traceback module raises on this exception (its frame's
    // loader fails): the error still names it, and lists its frames
    // without their lines.
    let err = odd().unwrap_err();
    Python::attach(|py| {
        let value = err.py_err().unwrap().value(py);
        let formatted = PyModule::import(py, "traceback").and_then(|traceback| {
            traceback.getattr("format_exception")?.call1((
                value.get_type(),
                value,
                err.py_err().unwrap().traceback(py),
            ))
        });
        assert!(formatted.is_err());
    });
    assert_eq!(err.exception_type(), Some("ValueError"));
    assert_eq!(
        err.to_string(),
        "Python function `odd` raised ValueError: odd"
    );
    let traceback = err.traceback().expect("the frames");
    assert!(
        traceback.starts_with("Traceback (most recent call last):\n"),
        "{traceback}"
    );
    let frames = format!(
        "  File \"{}\", line {}, in odd\n  File \"odd_module.py\", line 2, in f\n",
        file!(),
        line_of(r#"        namespace["f"]()"#)
    );
    assert!(traceback.contains(&frames), "{traceback}");
    assert!(traceback.ends_with("ValueError: odd\n"), "{traceback}");
    assert_eq!(err.report(), Some(traceback));
    assert!(format!("{err:?}").ends_with(traceback.trim_end()));
}

#[test]
fn a_message_rust_cannot_hold_is_escaped() {
    let err = surrogate().unwrap_err();
    assert_eq!(err.message(), "bad \\udcff byte");
    assert!(
        err.report()
            .unwrap()
            .ends_with("ValueError: bad \\udcff byte\n")
    );
}

#[test]
fn errors_format_on_any_thread_without_python() {
    let err = parse_count("y").unwrap_err();
    let expected = (err.to_string(), format!("{err:?}"), alternate_chain(&err));
    let formatted =
        std::thread::spawn(move || (err.to_string(), format!("{err:?}"), alternate_chain(&err)))
            .join()
            .unwrap();
    assert_eq!(formatted, expected);
}

/// `linecache.getline(file, line)`.
fn cached_line(file: &str, line: usize) -> String {
    Python::attach(|py| {
        py.import("linecache")
            .and_then(|linecache| linecache.getattr("getline")?.call1((file, line)))
            .and_then(|text| text.extract())
            .unwrap()
    })
}

/// How CPython shows a source line and the carets under `x.real / 0`
/// (`~~~~~~~^~~`) in it: the line without its indentation, the carets at
/// the same place below.
fn shown_with_carets(line: &str) -> String {
    let shown = line.trim_start();
    let at = shown.find(".real").expect("the expression") - 1;
    format!(
        "    {}\n    {}~~~~~~~^~~\n",
        shown.trim_end(),
        " ".repeat(at)
    )
}

#[test]
fn caret_columns_in_an_inline_module() {
    let version = python_version();
    for (err, needle, function) in [
        (
            errors::ratio(1, 0).unwrap_err(),
            // Split, so that only the Python line holds it whole.
            concat!("                return a.real", " / b"),
            "ratio",
        ),
        (
            // The code right after the quote: its columns are those after
            // `source = r"`.
            one_line::half(1).unwrap_err(),
            concat!(r#"source = r"def half(x): "#, r#"return x.real / 0";"#),
            "half",
        ),
    ] {
        let line = line_of(needle);
        let rs_line = include_str!("test_error_chains.rs")
            .lines()
            .nth(line - 1)
            .unwrap();
        // linecache holds the line at its `.rs` columns.
        let cached = cached_line(file!(), line);
        assert_eq!(
            cached.find(".real"),
            rs_line.find(".real"),
            "{cached:?} / {rs_line:?}"
        );
        let traceback = err.traceback().unwrap();
        let frame = format!("line {line}, in {function}\n");
        if version >= (3, 11) {
            // The traceback module (what pyfn shows), from linecache.
            let expected = format!("{frame}{}", shown_with_carets(&cached));
            assert!(traceback.contains(&expected), "{expected}\nin\n{traceback}");
        } else {
            // No carets before 3.11.
            let expected = format!("{frame}    {}\nZeroDivisionError", cached.trim());
            assert!(traceback.contains(&expected), "{expected}\nin\n{traceback}");
        }
        if ((3, 11)..(3, 13)).contains(&version) {
            // CPython's C printer (PyErr_Display, pyo3's PyErr::print)
            // opens the `.rs` file itself (cargo test runs in the crate's
            // directory): the carets under its own line. They were at
            // column 0 while the code had the dedented columns. (3.13's C
            // printer shows no carets.)
            let printed = Python::attach(|py| {
                err.py_err()
                    .unwrap()
                    .traceback(py)
                    .unwrap()
                    .format()
                    .unwrap()
            });
            let expected = format!("{frame}{}", shown_with_carets(rs_line));
            assert!(printed.contains(&expected), "{expected}\nin\n{printed}");
        }
    }
}
