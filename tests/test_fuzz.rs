//! Property tests across the boundary: random Rust values reach Python and
//! come back unchanged, values that do not fit come back as
//! `ErrorKind::Return` errors, and random Python source run through `eval`
//! and `exec` fails only with `pyfn::Error`s. Nothing ever panics.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::Config;
use pyfn::pyo3::exceptions::PySyntaxWarning;
use pyfn::pyo3::types::{PyAnyMethods, PyDict, PyDictMethods, PyModule, PyTypeMethods};
use pyfn::pyo3::{Py, PyAny, Python};
use pyfn::{ErrorKind, py_fn};

/// 256 cases, or `PROPTEST_CASES` for a longer hunt.
fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|cases| cases.parse().ok())
            .unwrap_or(256),
        // A failure is reported with its minimal input; nothing is written
        // next to the sources.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Strings of any chars: proptest's own (printable, any script) and raw
/// chars, which include NUL, controls and the edges of every plane.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..48).prop_map(String::from_iter),
    ]
}

/// Every error is well formed: its text renders and names the function.
fn assert_well_formed(err: &pyfn::Error, function: &str) {
    assert_eq!(err.function(), function);
    let shown = format!("{err}");
    assert!(shown.contains(function), "{shown}");
    let _ = format!("{err:?} {err:#?}");
}

py_fn! {
    fn same_str(s: &str) -> String {
        return s
    }

    fn same_string(s: String) -> (String, usize) {
        return (s, len(s))
    }

    fn same_i64(x: i64) -> i64 {
        return x
    }

    fn same_u64(x: u64) -> u64 {
        return x
    }

    fn same_f64(x: f64) -> f64 {
        return x
    }

    fn f64_arithmetic(x: f64, y: f64) -> (f64, f64, f64, bool) {
        return (x + y, x * y, -x, x == y)
    }

    fn same_bytes(b: Vec<u8>) -> (Vec<u8>, String) {
        return (b, type(b).__name__)
    }

    fn same_slice(b: &[u8]) -> Vec<u8> {
        return b
    }

    fn same_vec(v: Vec<i64>) -> (Vec<i64>, i128) {
        return (v, sum(v))
    }

    fn same_option(s: Option<String>) -> (Option<String>, bool) {
        return (s, s is None)
    }

    fn same_map(m: HashMap<String, i64>) -> (HashMap<String, i64>, usize) {
        return (m, len(m))
    }

    fn times_two_to_the_64(n: i64) -> i64 {
        return n * 2 ** 64
    }

    fn negated_minus_one(n: u64) -> u64 {
        return -n - 1
    }

    fn narrowed(n: i64) -> i32 {
        return n
    }

    #[py(typecheck = false)] fn as_text(n: i64) -> String {
        return n if n % 2 else str(n)
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn strings_round_trip(s in any_text()) {
        prop_assert_eq!(same_str(&s).expect("same_str"), s.clone());
        let (back, chars) = same_string(s.clone()).expect("same_string");
        prop_assert_eq!(back, s.clone());
        prop_assert_eq!(chars, s.chars().count());
    }

    #[test]
    fn integers_round_trip(x in any::<i64>(), u in any::<u64>()) {
        prop_assert_eq!(same_i64(x).expect("same_i64"), x);
        prop_assert_eq!(same_u64(u).expect("same_u64"), u);
    }

    #[test]
    fn floats_round_trip_bit_for_bit(
        x in prop_oneof![any::<f64>(), any::<u64>().prop_map(f64::from_bits)],
        y in any::<f64>(),
    ) {
        let back = same_f64(x).expect("same_f64");
        if x.is_nan() {
            prop_assert!(back.is_nan());
        } else {
            prop_assert_eq!(back.to_bits(), x.to_bits());
        }
        // IEEE arithmetic is the same on both sides (NaNs only as NaNs).
        let (sum, product, negated, equal) = f64_arithmetic(x, y).expect("f64_arithmetic");
        let same = |a: f64, b: f64| (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits();
        prop_assert!(same(sum, x + y), "{x:?} + {y:?}: {sum:?} vs {:?}", x + y);
        prop_assert!(same(product, x * y), "{x:?} * {y:?}: {product:?} vs {:?}", x * y);
        prop_assert!(same(negated, -x), "-{x:?}: {negated:?}");
        prop_assert_eq!(equal, x == y);
    }

    #[test]
    fn bytes_round_trip_as_bytes(b in prop::collection::vec(any::<u8>(), 0..128)) {
        let (back, type_name) = same_bytes(b.clone()).expect("same_bytes");
        prop_assert_eq!(&back, &b);
        prop_assert_eq!(type_name, "bytes");
        prop_assert_eq!(same_slice(&b).expect("same_slice"), b);
    }

    #[test]
    fn integer_lists_round_trip(v in prop::collection::vec(any::<i64>(), 0..64)) {
        let (back, sum) = same_vec(v.clone()).expect("same_vec");
        prop_assert_eq!(sum, v.iter().map(|&x| i128::from(x)).sum::<i128>());
        prop_assert_eq!(back, v);
    }

    #[test]
    fn options_round_trip(s in prop::option::of(any_text())) {
        let (back, was_none) = same_option(s.clone()).expect("same_option");
        prop_assert_eq!(was_none, s.is_none());
        prop_assert_eq!(back, s);
    }

    #[test]
    fn maps_round_trip(m in prop::collection::hash_map(any_text(), any::<i64>(), 0..16)) {
        let (back, len) = same_map(m.clone()).expect("same_map");
        prop_assert_eq!(len, m.len());
        prop_assert_eq!(back, m);
    }

    #[test]
    fn integers_that_do_not_fit_are_return_errors(n in any::<i64>(), u in any::<u64>()) {
        match times_two_to_the_64(n) {
            Ok(value) => {
                prop_assert_eq!(n, 0);
                prop_assert_eq!(value, 0);
            }
            Err(err) => {
                prop_assert_ne!(n, 0);
                prop_assert_eq!(err.kind(), ErrorKind::Return);
                prop_assert_eq!(err.exception_type(), Some("OverflowError"));
                prop_assert_eq!(err.python_type(), Some("int"));
                prop_assert_eq!(err.rust_type(), Some("i64"));
                assert_well_formed(&err, "times_two_to_the_64");
            }
        }
        // `-u - 1` is negative for every u64.
        let err = negated_minus_one(u).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::Return);
        prop_assert_eq!(err.rust_type(), Some("u64"));
        assert_well_formed(&err, "negated_minus_one");
        // An i64 fits an i32 exactly when Rust says it does.
        match (narrowed(n), i32::try_from(n)) {
            (Ok(got), Ok(expected)) => prop_assert_eq!(got, expected),
            (Err(err), Err(_)) => {
                prop_assert_eq!(err.kind(), ErrorKind::Return);
                prop_assert_eq!(err.exception_type(), Some("OverflowError"));
            }
            (got, expected) => prop_assert!(false, "narrowed({n}) = {got:?}, i32 says {expected:?}"),
        }
        // A value of the wrong Python type is a return error too.
        match as_text(n) {
            Ok(text) => {
                prop_assert_eq!(n % 2, 0);
                prop_assert_eq!(text, n.to_string());
            }
            Err(err) => {
                prop_assert_ne!(n % 2, 0);
                prop_assert_eq!(err.kind(), ErrorKind::Return);
                prop_assert_eq!(err.python_type(), Some("int"));
                prop_assert_eq!(err.rust_type(), Some("String"));
            }
        }
    }
}

py_fn! {
    fn eval_any(code: &str) -> Py<PyAny> {r#"
        return eval(code, {"code": code})
    "#}

    fn eval_int(code: &str) -> i64 {r#"
        return eval(code, {"code": code})
    "#}

    /// Never raises: reports what `exec` raised by its type's name.
    fn exec_caught(code: &str) -> String {r#"
        try:
            exec(code, {"code": code})
        except BaseException as error:
            return type(error).__name__
        return "ok"
    "#}
}

/// What evaluating `code` directly through pyo3 (not pyfn) gives:
/// `Ok(int or None)` for a value (an int when it fits `i64`), or the name
/// of the exception raised.
fn eval_directly(code: &str) -> Result<Option<i64>, String> {
    Python::attach(|py| {
        let eval = PyModule::import(py, "builtins")
            .and_then(|builtins| builtins.getattr("eval"))
            .expect("builtins.eval");
        let globals = PyDict::new(py);
        globals.set_item("code", code).expect("a dict");
        match eval.call1((code, globals)) {
            Ok(value) => Ok(value.extract::<i64>().ok()),
            Err(err) => Err(err.get_type(py).name().expect("a type name").to_string()),
        }
    })
}

/// Python-ish source: fragments that make some valid expressions and
/// statements, and many invalid ones. Nothing here can loop or allocate
/// without bound (no `while`, `for`, `*`, `**`, `<<`).
fn python_soup() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "x",
        "code",
        "len",
        "str",
        "int",
        "abs",
        "None",
        "True",
        "False",
        "lambda",
        "if",
        "else",
        "not",
        "and",
        "or",
        "in",
        "is",
        "=",
        ":=",
        "==",
        "<",
        "+",
        "-",
        "/",
        "//",
        "%",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        ".",
        ";",
        "\"s\"",
        "'q'",
        "\"\\0\"",
        "b\"x\"",
        "f\"{x}\"",
        "f\"{code!r}\"",
        "0",
        "1",
        "7",
        "99",
        "1.5",
        "1j",
        "0x1F",
        " ",
        "\n",
        "\t",
        "\\",
        "#",
        "\u{0}",
        "é",
        "…",
        "pass",
        "raise",
        "ValueError",
        "del",
        "import",
        "sys",
        "assert",
        "-1",
        "9223372036854775807",
        "9223372036854775808",
    ]);
    prop::collection::vec(fragments, 0..24).prop_map(|parts| parts.concat())
}

/// Silences the `SyntaxWarning`s (`invalid decimal literal`) that random
/// source makes CPython print: they are warnings, not errors.
fn quiet() {
    Python::attach(|py| {
        PyModule::import(py, "warnings")
            .and_then(|warnings| warnings.getattr("filterwarnings"))
            .and_then(|filter| filter.call1(("ignore", "", py.get_type::<PySyntaxWarning>())))
            .expect("warnings.filterwarnings");
    });
}

fn any_source() -> impl Strategy<Value = String> {
    prop_oneof![python_soup(), any_text()]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn eval_of_random_source_fails_only_with_errors(code in any_source()) {
        quiet();
        let direct = eval_directly(&code);
        match (eval_any(&code), &direct) {
            (Ok(_), Ok(_)) => {}
            (Err(err), Err(raised)) => {
                prop_assert_eq!(err.kind(), ErrorKind::Exception);
                prop_assert_eq!(err.exception_type(), Some(raised.as_str()));
                prop_assert!(err.py_err().is_some());
                assert_well_formed(&err, "eval_any");
            }
            (got, expected) => prop_assert!(false, "eval({code:?}): {got:?}, directly {expected:?}"),
        }
        match (eval_int(&code), &direct) {
            (Ok(got), Ok(Some(expected))) => prop_assert_eq!(got, *expected),
            (Err(err), Ok(None)) => {
                prop_assert_eq!(err.kind(), ErrorKind::Return);
                prop_assert!(err.python_type().is_some());
                assert_well_formed(&err, "eval_int");
            }
            (Err(err), Err(raised)) => {
                prop_assert_eq!(err.kind(), ErrorKind::Exception);
                prop_assert_eq!(err.exception_type(), Some(raised.as_str()));
            }
            (got, expected) => prop_assert!(false, "eval({code:?}) as i64: {got:?}, directly {expected:?}"),
        }
    }

    #[test]
    fn exec_of_random_source_is_caught_in_python(code in any_source()) {
        quiet();
        let outcome = exec_caught(&code).expect("exec_caught catches everything");
        prop_assert!(
            outcome == "ok" || outcome.ends_with("Error") || outcome.ends_with("Exception"),
            "exec({code:?}) gave {outcome:?}"
        );
    }
}

#[test]
fn nul_and_edge_strings_round_trip() {
    for s in [
        "",
        "\0",
        "a\0b",
        "\0\0\0",
        "\u{7f}\u{80}\u{ff}",
        "\u{ffff}\u{10000}\u{10ffff}",
        "\u{feff}bom",
        "\r\n\t",
        "e\u{301}",
    ] {
        assert_eq!(same_str(s).expect("same_str"), s);
        assert_eq!(
            same_string(s.to_owned()).expect("same_string").1,
            s.chars().count()
        );
    }
    // NUL in source text is a Python error, not a Rust one.
    let err = eval_any("1\0").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert!(
        matches!(err.exception_type(), Some("ValueError" | "SyntaxError")),
        "{err}"
    );
}

#[test]
fn special_floats_round_trip() {
    for x in [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
    ] {
        assert_eq!(same_f64(x).expect("same_f64").to_bits(), x.to_bits());
    }
    assert!(same_f64(f64::NAN).expect("same_f64").is_nan());
}
