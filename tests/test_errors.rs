//! Failures come back as `pyfn::Error`, with the Python details.

use pyfn::{ErrorKind, py_fn};

/// The 1-based line of this file holding `needle` (once).
fn line_of(needle: &str) -> usize {
    let source = include_str!("test_errors.rs");
    let mut lines = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle));
    let (index, _) = lines.next().expect("needle in this file");
    index + 1
}

py_fn! {
    fn divide(a: i64, b: i64) -> f64 {
        return a / b
    }
}

py_fn! {
    fn raise_value_error(message: &str) {
        raise ValueError(message)
    }
}

py_fn! {
    #[py(typecheck = false)] fn not_a_number() -> i64 {
        return "forty-two"
    }
}

py_fn! {
    /// Falls off the end (returning `None`) when `flag` is false.
    #[py(typecheck = false)] fn nothing_returned(flag: bool) -> String {
        if flag:
            return "yes"
    }
}

py_fn! {
    fn too_big() -> u8 {
        return 256
    }
}

py_fn! {
    fn nested_failure(n: i64) -> i64 {r#"
        def inner(k):
            return {}[k]
        return inner(n)
    "#}
}

#[test]
fn exception_carries_type_message_and_traceback() {
    let err = divide(1, 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert_eq!(err.function(), "divide");
    assert_eq!(err.exception_type(), Some("ZeroDivisionError"));
    assert_eq!(err.message(), "division by zero");
    let traceback = err.traceback().expect("a traceback");
    // The Python line is this file's line of `return a / b`.
    let line = line_of("        return a / b");
    assert!(
        traceback.contains(&format!("File \"{}\", line {line}, in divide", file!())),
        "{traceback}"
    );
    assert!(traceback.contains("return a / b"), "{traceback}");
    assert!(
        traceback.ends_with("ZeroDivisionError: division by zero\n"),
        "{traceback}"
    );
    assert_eq!(
        err.to_string(),
        "Python function `divide` raised ZeroDivisionError: division by zero"
    );
    // Debug shows the traceback too, for `fn main() -> pyfn::Result<()>`.
    assert!(format!("{err:?}").contains("Traceback (most recent call last):"));
    assert!(err.py_err().is_some());
}

#[test]
fn raised_exception_keeps_its_message() {
    let err = raise_value_error("bad input").unwrap_err();
    assert_eq!(err.exception_type(), Some("ValueError"));
    assert_eq!(err.message(), "bad input");
    let traceback = err.traceback().expect("a traceback");
    assert!(
        traceback.contains(&format!(
            "line {}, in raise_value_error",
            line_of("        raise ValueError(message)")
        )),
        "{traceback}"
    );
}

#[test]
fn nested_frames_point_at_their_rs_lines() {
    let err = nested_failure(3).unwrap_err();
    assert_eq!(err.exception_type(), Some("KeyError"));
    let traceback = err.traceback().expect("a traceback");
    assert!(
        traceback.contains(&format!(
            "line {}, in nested_failure",
            line_of("        return inner(n)")
        )),
        "{traceback}"
    );
    assert!(
        traceback.contains(&format!(
            "line {}, in inner",
            line_of("            return {}[k]")
        )),
        "{traceback}"
    );
    assert!(traceback.contains("return {}[k]"), "{traceback}");
}

#[test]
fn wrong_return_type_names_both_types() {
    let err = not_a_number().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("i64"));
    assert_eq!(err.python_type(), Some("str"));
    assert!(
        err.to_string()
            .starts_with("Python function `not_a_number` returned `str`, which cannot be converted to Rust type `i64`"),
        "{err}"
    );
}

#[test]
fn missing_return_is_a_return_error() {
    assert_eq!(nothing_returned(true).unwrap(), "yes");
    let err = nothing_returned(false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.python_type(), Some("NoneType"));
    assert_eq!(err.rust_type(), Some("String"));
}

#[test]
fn overflow_is_a_return_error() {
    let err = too_big().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.exception_type(), Some("OverflowError"));
    assert_eq!(err.rust_type(), Some("u8"));
    assert_eq!(err.python_type(), Some("int"));
}

#[test]
fn error_converts_back_into_the_python_exception() {
    let err = divide(1, 0).unwrap_err();
    let py_err: pyfn::pyo3::PyErr = err.into();
    pyfn::pyo3::Python::attach(|py| {
        assert!(py_err.is_instance_of::<pyfn::pyo3::exceptions::PyZeroDivisionError>(py));
    });
}

#[test]
fn error_is_a_std_error() {
    fn takes_boxed(_: Box<dyn std::error::Error + Send + Sync>) {}
    let err = divide(1, 0).unwrap_err();
    // Nothing is chained to the exception: no source (the error is not its
    // own source; chains are in tests/test_error_chains.rs).
    assert!(std::error::Error::source(&err).is_none());
    takes_boxed(Box::new(err));
}
