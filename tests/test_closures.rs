//! Closures: free Python names capture Rust variables as closure cells.

use std::collections::HashMap;

use pyfn::pyo3::types::PyAnyMethods;
use pyfn::{ErrorKind, py_fn};

#[test]
fn the_issue_example() -> pyfn::Result<()> {
    let scale = 3;
    let offset = 10_i64;
    let f = py_fn!(|x: i64| -> i64 { return x * scale + offset });
    assert_eq!(f(2)?, 16);
    assert_eq!(f(-1)?, 7);
    Ok(())
}

#[test]
fn captures_of_many_types() -> pyfn::Result<()> {
    let name = String::from("Ada");
    let words = vec!["b", "a", "c"];
    let weights: HashMap<String, f64> = [("x".to_owned(), 0.5)].into_iter().collect();
    let limit: Option<u32> = None;
    let pair = (1_u8, "one");
    let flag = true;
    let describe = py_fn!(|n: i64| -> String {
        r#"
        ordered = sorted(words)
        w = weights["x"]
        return f"{name}:{n}:{ordered}:{w}:{limit}:{pair}:{flag}"
    "#
    });
    assert_eq!(
        describe(7)?,
        "Ada:7:['a', 'b', 'c']:0.5:None:(1, 'one'):True"
    );
    // The captured Rust values stay usable: they were converted, not moved.
    assert_eq!(name, "Ada");
    assert_eq!(words.len(), 3);
    Ok(())
}

#[test]
fn captures_are_converted_once_at_creation() -> pyfn::Result<()> {
    let mut base = 1_i64;
    let f = py_fn!(|x: i64| -> i64 { return x + base });
    base = 100;
    assert_eq!(base, 100);
    assert_eq!(f(1)?, 2);
    Ok(())
}

fn make_adder(n: i64) -> impl Fn(i64) -> pyfn::Result<i64> + Send + Sync {
    py_fn!(|x: i64| -> i64 { return x + n })
}

#[test]
fn instances_keep_their_own_captures() -> pyfn::Result<()> {
    let add2 = make_adder(2);
    let add5 = make_adder(5);
    assert_eq!(add2(1)?, 3);
    assert_eq!(add5(1)?, 6);
    assert_eq!(add2(10)?, 12);
    Ok(())
}

#[test]
fn closure_code_identity_is_visible_from_python() -> pyfn::Result<()> {
    // A closure that returns its own function object lets Python compare
    // the code objects of two instances.
    fn instance(tag: i64) -> impl Fn() -> pyfn::Result<pyfn::pyo3::Py<pyfn::pyo3::PyAny>> {
        py_fn!(|| -> pyfn::pyo3::Py<pyfn::pyo3::PyAny> {
            r#"
            import sys
            return (sys._getframe().f_code, tag)
        "#
        })
    }
    let (a, b) = (instance(1)()?, instance(2)()?);
    pyfn::pyo3::Python::attach(|py| {
        let (code_a, tag_a): (pyfn::pyo3::Bound<'_, pyfn::pyo3::PyAny>, i64) =
            a.bind(py).extract().unwrap();
        let (code_b, tag_b): (pyfn::pyo3::Bound<'_, pyfn::pyo3::PyAny>, i64) =
            b.bind(py).extract().unwrap();
        assert!(code_a.is(&code_b), "each instance compiled its own code");
        assert_eq!((tag_a, tag_b), (1, 2));
        let freevars: Vec<String> = code_a.getattr("co_freevars").unwrap().extract().unwrap();
        assert_eq!(freevars, vec!["tag".to_owned()]);
    });
    Ok(())
}

#[test]
fn closures_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let k = 2_i64;
    let f = py_fn!(|x: i64| -> i64 { return x * k });
    assert_send_sync(&f);
    let results: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let f = &f;
                scope.spawn(move || f(i).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results, vec![0, 2, 4, 6]);
}

#[test]
fn builtins_and_imports_are_not_captured() -> pyfn::Result<()> {
    // A Rust variable named like a builtin does not shadow it.
    #[allow(unused_variables)]
    let len = 99;
    let suffix = "!";
    let f = py_fn!(|items: Vec<i64>| -> String {
        r#"
        import math
        return str(len(items) + math.floor(0.5)) + suffix
    "#
    });
    assert_eq!(f(vec![1, 2])?, "2!");
    Ok(())
}

#[test]
fn closure_without_parameters_or_return() -> pyfn::Result<()> {
    let log = vec![1_i64];
    let f = py_fn!(|| { log.append(2) });
    f()?;
    f()?;
    Ok(())
}

#[test]
fn closure_exceptions_and_conversion_errors() {
    let divisor = 0_i64;
    let f = py_fn!(|x: i64| -> i64 { return x / divisor });
    let err = f(1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert_eq!(err.exception_type(), Some("ZeroDivisionError"));
    assert_eq!(err.function(), "_pyfn_closure");
    let traceback = err.traceback().unwrap();
    assert!(traceback.contains("return x / divisor"), "{traceback}");

    let text = "not a number";
    let g = py_fn!(|| -> i64 { return text });
    let err = g().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.python_type(), Some("str"));
}

/// A value whose conversion to Python always fails.
struct Unconvertible;

impl<'py> pyfn::pyo3::IntoPyObject<'py> for &Unconvertible {
    type Target = pyfn::pyo3::PyAny;
    type Output = pyfn::pyo3::Bound<'py, pyfn::pyo3::PyAny>;
    type Error = pyfn::pyo3::PyErr;

    fn into_pyobject(self, _py: pyfn::pyo3::Python<'py>) -> Result<Self::Output, Self::Error> {
        Err(pyfn::pyo3::exceptions::PyValueError::new_err(
            "cannot be converted",
        ))
    }
}

#[test]
fn capture_conversion_failure_is_returned_by_every_call() {
    let thing = Unconvertible;
    let f = py_fn!(|x: i64| -> i64 { return x if thing else 0 });
    for _ in 0..3 {
        let err = f(1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Argument);
        assert_eq!(err.parameter(), Some("thing"));
        assert_eq!(err.message(), "cannot be converted");
    }
}
