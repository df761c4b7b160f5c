//! Leaks: memory stays flat over a million calls, closure instances and
//! generators, and every Python reference pyfn takes is given back.
//!
//! The tests run one at a time (`serial`): the RSS of the process is shared
//! by every thread, and a test allocating next to another would blur it.

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyfn::pyo3::types::{PyAnyMethods, PyList, PyListMethods, PyModule};
use pyfn::pyo3::{Bound, Py, PyAny, Python};
use pyfn::{ErrorKind, Iter, py_fn};

/// Largest RSS growth allowed over one measured loop.
const MAX_GROWTH: u64 = 8 << 20;

fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The resident set size of this process in bytes, from `/proc/self/statm`
/// (its second field, in pages).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("the resident field of statm");
    pages * page_size()
}

fn page_size() -> u64 {
    Python::attach(|py| {
        PyModule::import(py, "resource")
            .and_then(|resource| resource.getattr("getpagesize"))
            .and_then(|getpagesize| getpagesize.call0())
            .and_then(|size| size.extract())
            .expect("resource.getpagesize()")
    })
}

/// Runs `step(i)` for a warm-up of `warm_up` iterations, then measures the
/// RSS over `count` more, prints both figures and asserts the growth is
/// below `MAX_GROWTH`.
fn assert_flat(what: &str, warm_up: u64, count: u64, mut step: impl FnMut(u64)) {
    for i in 0..warm_up {
        step(i);
    }
    let before = rss();
    for i in warm_up..warm_up + count {
        step(i);
    }
    let after = rss();
    let growth = after.saturating_sub(before);
    eprintln!(
        "{what}: RSS before {:.2} MiB, after {:.2} MiB ({count} iterations), growth {:+.3} MiB",
        mib(before),
        mib(after),
        (after as f64 - before as f64) / (1 << 20) as f64
    );
    assert!(
        growth < MAX_GROWTH,
        "{what}: RSS grew by {:.2} MiB over {count} iterations ({:.2} MiB -> {:.2} MiB)",
        mib(growth),
        mib(before),
        mib(after)
    );
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// `sys.getrefcount(obj)`, attached; references pyo3 deferred (dropped
/// while detached) are released on attaching, before the count is read.
fn refcount(obj: &Py<PyAny>) -> isize {
    Python::attach(|py| {
        PyModule::import(py, "sys")
            .and_then(|sys| sys.getattr("getrefcount"))
            .and_then(|getrefcount| getrefcount.call1((obj.bind(py),)))
            .and_then(|count| count.extract())
            .expect("sys.getrefcount")
    })
}

/// A fresh Python list `[1, 2, 3]`, owned by the test alone.
fn new_list() -> Py<PyAny> {
    Python::attach(|py| {
        PyList::new(py, [1_i64, 2, 3])
            .expect("a list")
            .into_any()
            .unbind()
    })
}

py_fn! {
    fn echo(s: &str, n: i64) -> String {
        return s * n
    }

    fn count_down(n: i64) -> Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }
}

#[test]
fn rss_is_flat_over_a_million_calls() {
    let _serial = serial();
    let words = ["", "a", "héllo", "日本語", "with\0nul"];
    assert_flat("1_000_000 calls", 10_000, 1_000_000, |i| {
        let word = words[(i % words.len() as u64) as usize];
        let n = (i % 4) as i64;
        let got = echo(word, n).expect("echo");
        assert_eq!(got.len(), word.len() * n as usize);
    });
}

#[test]
fn rss_is_flat_over_threads_that_call_once() {
    // Each thread gets a Python thread state for its calls; it must be
    // released when the thread exits.
    let _serial = serial();
    assert_flat("5_000 threads", 200, 5_000, |i| {
        let got = std::thread::spawn(move || echo("ab", (i % 3) as i64).expect("echo"))
            .join()
            .expect("the calling thread");
        assert_eq!(got.len(), 2 * (i % 3) as usize);
    });
}

#[test]
fn rss_is_flat_over_a_hundred_thousand_closures() {
    let _serial = serial();
    assert_flat("100_000 closures", 1_000, 100_000, |i| {
        let k = i as i64;
        let name = format!("closure-{i}");
        let f = py_fn!(|x: i64| -> String { return name + ":" + str(x + k) });
        assert_eq!(f(1).expect("the closure"), format!("closure-{i}:{}", i + 1));
    });
}

#[test]
fn rss_is_flat_over_a_hundred_thousand_generators() {
    let _serial = serial();
    assert_flat("100_000 generators", 1_000, 100_000, |i| {
        let n = (i % 5) as i64;
        let items: Vec<i64> = count_down(n)
            .expect("count_down")
            .collect::<pyfn::Result<_>>()
            .expect("the items");
        assert_eq!(items.len(), n as usize);
        // Every tenth one is dropped before its end, which closes it.
        if i % 10 == 0 {
            let mut open = count_down(3).expect("count_down");
            assert_eq!(open.next().transpose().expect("an item"), Some(3));
        }
    });
}

py_fn! {
    fn length(items: Py<PyAny>) -> usize {
        return len(items)
    }

    fn length_borrowed(items: &Py<PyAny>) -> usize {
        return len(items)
    }

    fn length_bound(py: Python<'py>, items: &Bound<'py, PyAny>) -> usize {
        return len(items)
    }

    fn same(items: Py<PyAny>) -> Py<PyAny> {
        return items
    }

    fn fails_with(items: Py<PyAny>) -> usize {r#"
        held = items
        raise ValueError(held)
    "#}

    fn walk(items: Py<PyAny>) -> Iter<i64> {
        for item in items:
            yield item
    }
}

#[test]
fn a_captured_object_is_released_with_the_closure() {
    let _serial = serial();
    let items = new_list();
    let before = refcount(&items);
    let f = py_fn!(|extra: i64| -> usize { return len(items) + extra });
    let during = refcount(&items);
    assert!(
        during > before,
        "the closure holds no reference: {before} -> {during}"
    );
    for extra in 0..1000 {
        assert_eq!(f(extra).expect("the closure"), 3 + extra as usize);
    }
    assert_eq!(refcount(&items), during, "calls changed the count");
    drop(f);
    assert_eq!(
        refcount(&items),
        before,
        "dropping the closure kept a reference"
    );

    // Many instances over the same object: each holds one, all give it back.
    let closures: Vec<_> = (0..100)
        .map(|k: i64| py_fn!(|| -> i64 { return len(items) * k }))
        .collect();
    assert_eq!(refcount(&items), before + 100 * (during - before));
    assert_eq!(closures[7]().expect("a closure"), 21);
    drop(closures);
    assert_eq!(refcount(&items), before);
}

#[test]
fn arguments_are_released_after_each_call() {
    let _serial = serial();
    let items = new_list();
    let before = refcount(&items);
    for _ in 0..1000 {
        let owned = Python::attach(|py| items.clone_ref(py));
        assert_eq!(length(owned).expect("length"), 3);
        assert_eq!(length_borrowed(&items).expect("length_borrowed"), 3);
        Python::attach(|py| {
            assert_eq!(length_bound(py, items.bind(py)).expect("length_bound"), 3);
        });
        let back = same(Python::attach(|py| items.clone_ref(py))).expect("same");
        Python::attach(|py| assert!(back.bind(py).is(items.bind(py))));
        drop(back);
    }
    assert_eq!(refcount(&items), before, "1000 calls kept references");
}

#[test]
fn arguments_held_by_an_exception_are_released_with_the_error() {
    let _serial = serial();
    let items = new_list();
    let before = refcount(&items);
    let err = fails_with(Python::attach(|py| items.clone_ref(py))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert_eq!(err.exception_type(), Some("ValueError"));
    // The exception's args and its traceback's frame hold the list.
    assert!(refcount(&items) > before);
    drop(err);
    assert_eq!(
        refcount(&items),
        before,
        "the dropped error kept a reference"
    );
    for _ in 0..1000 {
        let err = fails_with(Python::attach(|py| items.clone_ref(py))).unwrap_err();
        assert_eq!(err.exception_type(), Some("ValueError"));
    }
    assert_eq!(refcount(&items), before, "1000 errors kept references");
}

#[test]
fn a_generator_dropped_early_releases_its_arguments() {
    let _serial = serial();
    let items = new_list();
    let before = refcount(&items);
    let mut walker = walk(Python::attach(|py| items.clone_ref(py))).expect("walk");
    assert_eq!(walker.next().transpose().expect("an item"), Some(1));
    assert!(
        refcount(&items) > before,
        "the suspended generator holds no reference"
    );
    drop(walker);
    assert_eq!(
        refcount(&items),
        before,
        "the dropped generator kept a reference"
    );

    // Not started at all, and run to the end: the same.
    drop(walk(Python::attach(|py| items.clone_ref(py))).expect("walk"));
    assert_eq!(refcount(&items), before);
    let all: Vec<i64> = walk(Python::attach(|py| items.clone_ref(py)))
        .expect("walk")
        .collect::<pyfn::Result<_>>()
        .expect("the items");
    assert_eq!(all, vec![1, 2, 3]);
    assert_eq!(refcount(&items), before);

    // A generator closure over the object, dropped early.
    let step = 10_i64;
    let scaled = py_fn!(|| -> Iter<i64> {
        for item in items:
            yield item * step
    });
    let with_closure = refcount(&items);
    let mut open = scaled().expect("scaled");
    assert_eq!(open.next().transpose().expect("an item"), Some(10));
    assert!(refcount(&items) > with_closure);
    drop(open);
    assert_eq!(refcount(&items), with_closure);
    drop(scaled);
    assert_eq!(refcount(&items), before);
}

#[test]
fn a_list_grown_through_a_capture_is_the_same_object() {
    // The capture is the object itself, not a copy: what Python appends is
    // visible from Rust, and the count comes back after the closure goes.
    let _serial = serial();
    let items = new_list();
    let before = refcount(&items);
    let push = py_fn!(|x: i64| { items.append(x) });
    for x in 0..100 {
        push(x).expect("push");
    }
    drop(push);
    Python::attach(|py| {
        let list = items.bind(py).cast::<PyList>().expect("a list");
        assert_eq!(list.len(), 103);
        assert_eq!(
            list.get_item(102)
                .expect("the last item")
                .extract::<i64>()
                .expect("an int"),
            99
        );
    });
    assert_eq!(refcount(&items), before);
}
