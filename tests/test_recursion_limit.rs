//! The first exception a process fetches, fetched at Python's recursion
//! limit (Python calling Rust calling pyfn, deep): an error or a result,
//! never a hang. (pyo3 creates an exception type on the first fetch; at the
//! limit that creation failed, and CPython 3.11 hung.) Each depth runs in a
//! fresh process of its own: only a process's first fetch can hit it.

use std::time::Duration;

mod support;

use pyfn::py_fn;
use pyfn::pyo3::prelude::*;
use pyfn::pyo3::types::{PyCFunction, PyDict, PyTuple};

py_fn! {
    fn deep(callback: Py<PyAny>, n: i64) -> i64 {r#"
        def go(k):
            if k == 0:
                return callback()
            return go(k - 1)
        return go(n)
    "#}

    fn fails() -> i64 {
        raise ValueError("expected")
    }
}

/// In the child: recurse to `limit - margin` frames, then call a pyfn
/// function that raises, from a Rust callback.
fn child(margin: i64) {
    let callback = Python::attach(|py| {
        let closure = |_: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| -> PyResult<i64> {
            // At the limit, even building `fails` may fail: any error will
            // do, as long as it comes back.
            match fails() {
                Ok(value) => Ok(value),
                Err(_) => Ok(-1),
            }
        };
        PyCFunction::new_closure(py, None, None, closure)
            .map(|function| function.into_any().unbind())
    })
    .unwrap();
    let limit: i64 = Python::attach(|py| {
        py.import("sys")?
            .getattr("getrecursionlimit")?
            .call0()?
            .extract()
    })
    .unwrap();
    match deep(callback, limit - margin) {
        Ok(value) => assert_eq!(value, -1),
        Err(err) => assert!(err.to_string().contains("RecursionError"), "{err}"),
    }
}

#[test]
fn exceptions_fetched_at_the_recursion_limit() {
    if let Some(margin) = std::env::var_os("PYFN_RECURSION_MARGIN") {
        child(margin.to_string_lossy().parse().unwrap());
        return;
    }
    for margin in 1..=12 {
        let mut command = support::this_test("exceptions_fetched_at_the_recursion_limit");
        command.env("PYFN_RECURSION_MARGIN", margin.to_string());
        let child = support::run(&mut command, Duration::from_secs(60));
        let what = format!("{margin} frames below the recursion limit");
        child.assert(child.status.is_some(), &format!("{what}: the process hung"));
        child.assert(child.success() && child.stdout.contains("1 passed"), &what);
    }
}
