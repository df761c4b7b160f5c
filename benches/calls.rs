//! Per-call cost of pyfn against hand-written pyo3 and CPython's own call,
//! and the cost of a new closure instance. `cargo bench --bench calls`;
//! the figures and ratios are in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pyfn::py_fn;
use pyfn::pyo3::prelude::*;
use pyfn::pyo3::sync::PyOnceLock;
use pyfn::pyo3::types::PyDict;

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn add_held(py: Python<'py>, a: i64, b: i64) -> i64 {
        return a + b
    }

    fn shout(text: &str) -> String {
        return text.upper() + "!"
    }
}

/// What a careful pyo3 user writes by hand: the function cached in a
/// `PyOnceLock`, `call1` with a Rust tuple, `extract`.
fn hand_written_add(py: Python<'_>, a: i64, b: i64) -> PyResult<i64> {
    static ADD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let add = ADD.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let scope = PyDict::new(py);
        py.run(c"def add(a, b):\n    return a + b\n", Some(&scope), None)?;
        Ok(scope.get_item("add")?.expect("defined").unbind())
    })?;
    add.bind(py).call1((a, b))?.extract()
}

fn calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("add(a, b)");
    group.bench_function("pyfn, attach per call", |b| {
        b.iter(|| add(black_box(2), black_box(3)).unwrap())
    });
    group.bench_function("hand-written pyo3, attach per call", |b| {
        b.iter(|| Python::attach(|py| hand_written_add(py, black_box(2), black_box(3))).unwrap())
    });
    Python::attach(|py| {
        group.bench_function("pyfn, interpreter held", |b| {
            b.iter(|| add_held(py, black_box(2), black_box(3)).unwrap())
        });
        group.bench_function("hand-written pyo3, interpreter held", |b| {
            b.iter(|| hand_written_add(py, black_box(2), black_box(3)).unwrap())
        });
        // The floor: CPython calling its own function, per call, measured
        // by a Python loop of 100 000 calls.
        let scope = PyDict::new(py);
        py.run(
            c"import time\ndef add(a, b):\n    return a + b\ndef loop(n):\n    t = time.perf_counter_ns()\n    for _ in range(n):\n        add(2, 3)\n    return time.perf_counter_ns() - t\n",
            Some(&scope),
            None,
        )
        .unwrap();
        let looped = scope.get_item("loop").unwrap().unwrap();
        group.bench_function("CPython calling its own function", |b| {
            b.iter_custom(|iters| {
                let ns: u64 = looped.call1((iters,)).unwrap().extract().unwrap();
                std::time::Duration::from_nanos(ns)
            })
        });
    });
    group.finish();

    c.bench_function("shout(&str) -> String, pyfn", |b| {
        b.iter(|| shout(black_box("hello")).unwrap())
    });
}

fn closures(c: &mut Criterion) {
    let scale = 3_i64;
    let offset = 10_i64;
    c.bench_function("new closure instance (2 captures)", |b| {
        b.iter(|| {
            let f = py_fn!(|x: i64| -> i64 { return x * scale + offset });
            black_box(f)
        })
    });
    let f = py_fn!(|x: i64| -> i64 { return x * scale + offset });
    c.bench_function("closure call", |b| b.iter(|| f(black_box(2)).unwrap()));
}

criterion_group!(benches, calls, closures);
criterion_main!(benches);
