//! The first exception a process fetches, fetched at Python's recursion
//! limit (Python calling Rust calling pyfn, deep): an error or a result,
//! never a hang. (pyo3 creates an exception type on the first fetch; at the
//! limit that creation failed, and CPython 3.11 hung.) Each depth runs in a
//! fresh process of its own: only a process's first fetch can hit it.

use std::time::{Duration, Instant};

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
        let mut process = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "exceptions_fetched_at_the_recursion_limit",
                "--exact",
                "--nocapture",
            ])
            .env("PYFN_RECURSION_MARGIN", margin.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = process.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = process.kill();
                panic!("{margin} frames below the recursion limit: the process hung");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let output = process.wait_with_output().unwrap();
        assert!(
            status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed"),
            "{margin} frames below the limit:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
