//! Per-call cost of pyfn against hand-written pyo3, the naive approach and
//! CPython's own call, and the cost of a new closure instance.
//! `cargo bench --bench calls`; `benches/compare.sh` adds inline-python and
//! prints the ratio table of BENCHMARKS.md.
//!
//! Groups are the functions (`add(a, b)`, `shout(text)`, `floats(n)`);
//! within each, the same names: `pyfn, attach per call`, `pyfn,
//! interpreter held`, `hand-written pyo3, attach per call`, `hand-written
//! pyo3, interpreter held`, `naive py.run per call`, `CPython calling its
//! own function`.

use std::ffi::CStr;
use std::hint::black_box;

use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
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

    fn shout_held(py: Python<'py>, text: &str) -> String {
        return text.upper() + "!"
    }

    fn floats(n: i64) -> Vec<f64> {
        return [i * 0.5 for i in range(n)]
    }

    fn floats_held(py: Python<'py>, n: i64) -> Vec<f64> {
        return [i * 0.5 for i in range(n)]
    }
}

const ADD: &CStr = c"def add(a, b):\n    return a + b\n";
const SHOUT: &CStr = c"def shout(text):\n    return text.upper() + '!'\n";
const FLOATS: &CStr = c"def floats(n):\n    return [i * 0.5 for i in range(n)]\n";

/// What a careful pyo3 user writes by hand: the function defined once and
/// cached in a `PyOnceLock`, `call1` with a Rust tuple, `extract`.
fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    source: &CStr,
    name: &str,
) -> Bound<'py, PyAny> {
    cell.get_or_init(py, || {
        let scope = PyDict::new(py);
        py.run(source, Some(&scope), None).expect("defines");
        scope
            .get_item(name)
            .expect("readable")
            .expect("defined")
            .unbind()
    })
    .bind(py)
    .clone()
}

fn hand_add(py: Python<'_>, a: i64, b: i64) -> PyResult<i64> {
    static F: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    cached(py, &F, ADD, "add").call1((a, b))?.extract()
}

fn hand_shout(py: Python<'_>, text: &str) -> PyResult<String> {
    static F: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    cached(py, &F, SHOUT, "shout").call1((text,))?.extract()
}

fn hand_floats(py: Python<'_>, n: i64) -> PyResult<Vec<f64>> {
    static F: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    cached(py, &F, FLOATS, "floats").call1((n,))?.extract()
}

/// The naive approach: run the source each call, then call.
fn naive<T: for<'py> FromPyObjectOwned<'py>>(
    py: Python<'_>,
    source: &CStr,
    name: &str,
    args: impl for<'py> pyfn::pyo3::call::PyCallArgs<'py>,
) -> T {
    let scope = PyDict::new(py);
    py.run(source, Some(&scope), None).expect("defines");
    let function = scope.get_item(name).expect("readable").expect("defined");
    function
        .call1(args)
        .expect("calls")
        .extract()
        .map_err(Into::into)
        .unwrap_or_else(|err: PyErr| panic!("{err}"))
}

/// CPython calling its own function `name` with `args` (a Python
/// expression), timed by a Python loop.
fn floor(group: &mut BenchmarkGroup<'_, WallTime>, py: Python<'_>, source: &CStr, call: &str) {
    let scope = PyDict::new(py);
    py.run(source, Some(&scope), None).expect("defines");
    let code = format!(
        "import time\ndef loop(n):\n    t = time.perf_counter_ns()\n    for _ in range(n):\n        {call}\n    return time.perf_counter_ns() - t\n"
    );
    let code = std::ffi::CString::new(code).expect("no NUL");
    py.run(&code, Some(&scope), None).expect("defines the loop");
    let looped = scope.get_item("loop").expect("readable").expect("defined");
    group.bench_function("CPython calling its own function", |b| {
        b.iter_custom(|iters| {
            let ns: u64 = looped.call1((iters,)).expect("runs").extract().expect("ns");
            std::time::Duration::from_nanos(ns)
        })
    });
}

fn calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("add(a, b)");
    group.bench_function("pyfn, attach per call", |b| {
        b.iter(|| add(black_box(2), black_box(3)).unwrap())
    });
    group.bench_function("hand-written pyo3, attach per call", |b| {
        b.iter(|| Python::attach(|py| hand_add(py, black_box(2), black_box(3))).unwrap())
    });
    Python::attach(|py| {
        group.bench_function("pyfn, interpreter held", |b| {
            b.iter(|| add_held(py, black_box(2), black_box(3)).unwrap())
        });
        group.bench_function("hand-written pyo3, interpreter held", |b| {
            b.iter(|| hand_add(py, black_box(2), black_box(3)).unwrap())
        });
        group.bench_function("naive py.run per call", |b| {
            b.iter(|| naive::<i64>(py, ADD, "add", (black_box(2), black_box(3))))
        });
        floor(&mut group, py, ADD, "add(2, 3)");
    });
    group.finish();

    let mut group = c.benchmark_group("shout(text)");
    group.bench_function("pyfn, attach per call", |b| {
        b.iter(|| shout(black_box("hello")).unwrap())
    });
    group.bench_function("hand-written pyo3, attach per call", |b| {
        b.iter(|| Python::attach(|py| hand_shout(py, black_box("hello"))).unwrap())
    });
    Python::attach(|py| {
        group.bench_function("pyfn, interpreter held", |b| {
            b.iter(|| shout_held(py, black_box("hello")).unwrap())
        });
        group.bench_function("hand-written pyo3, interpreter held", |b| {
            b.iter(|| hand_shout(py, black_box("hello")).unwrap())
        });
        group.bench_function("naive py.run per call", |b| {
            b.iter(|| naive::<String>(py, SHOUT, "shout", (black_box("hello"),)))
        });
        floor(&mut group, py, SHOUT, "shout('hello')");
    });
    group.finish();

    let mut group = c.benchmark_group("floats(n)");
    group.bench_function("pyfn, attach per call", |b| {
        b.iter(|| floats(black_box(10)).unwrap())
    });
    group.bench_function("hand-written pyo3, attach per call", |b| {
        b.iter(|| Python::attach(|py| hand_floats(py, black_box(10))).unwrap())
    });
    Python::attach(|py| {
        group.bench_function("pyfn, interpreter held", |b| {
            b.iter(|| floats_held(py, black_box(10)).unwrap())
        });
        group.bench_function("hand-written pyo3, interpreter held", |b| {
            b.iter(|| hand_floats(py, black_box(10)).unwrap())
        });
        group.bench_function("naive py.run per call", |b| {
            b.iter(|| naive::<Vec<f64>>(py, FLOATS, "floats", (black_box(10),)))
        });
        floor(&mut group, py, FLOATS, "floats(10)");
    });
    group.finish();
}

/// The first call's extra work, once per process per function: compile the
/// source, find the code object, evaluate nothing, build the function.
fn first_call(c: &mut Criterion) {
    use pyfn::__private::{Function, Spec};
    let source = std::ffi::CString::new(format!(
        "{}def add(a, b):\n    return a + b\n",
        "\n".repeat(120)
    ))
    .expect("no NUL");
    let source: &'static CStr = Box::leak(source.into_boxed_c_str());
    let spec = || Spec {
        name: "add",
        source,
        file: "src/main.rs",
        module: "bench",
        params: &["a", "b"],
        param_types: &["i64", "i64"],
        return_type: "i64",
        defaults: &[],
        keyword_defaults: &[],
        captures: None,
        namespace: None,
        bytecode: None,
    };
    Python::attach(|py| {
        c.bench_function("first call: compile, find the code, FunctionType", |b| {
            b.iter(|| {
                let function = Function::new(spec());
                function.get(py).map(|f| f.is_callable()).unwrap()
            })
        });
    });
}

fn closures(c: &mut Criterion) {
    let scale = 3_i64;
    let offset = 10_i64;
    let mut group = c.benchmark_group("closures");
    group.bench_function("new closure instance (2 captures)", |b| {
        b.iter(|| {
            let f = py_fn!(|x: i64| -> i64 { return x * scale + offset });
            black_box(f)
        })
    });
    let f = py_fn!(|x: i64| -> i64 { return x * scale + offset });
    group.bench_function("closure call", |b| b.iter(|| f(black_box(2)).unwrap()));
    group.finish();
}

criterion_group!(benches, calls, first_call, closures);
criterion_main!(benches);
