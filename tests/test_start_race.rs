//! The interpreter is started once even when pyfn's first call and pyo3's
//! own start-up (`Python::attach` with pyo3's `auto-initialize`, which this
//! package's tests enable) race on two threads: pyfn starts it through
//! pyo3's `Python::initialize`, which serialises both. Each round is a fresh
//! child process of this test binary (the interpreter starts once per
//! process); a double start would end it with a fatal Python error.

use std::time::Duration;

use pyfn::py_fn;
use pyfn::pyo3::prelude::*;

mod support;

py_fn! {
    fn answer() -> i64 {
        return 42
    }
}

#[test]
#[ignore = "run as a child process by `pyfn_and_pyo3_starting_at_once`"]
fn child() {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let other = {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            barrier.wait();
            Python::attach(|py| py.version_info().major)
        })
    };
    barrier.wait();
    assert_eq!(answer().expect("pyfn's first call"), 42);
    assert_eq!(other.join().expect("pyo3's first attach"), 3);
    // `site` ran once, whichever thread started the interpreter.
    let site_ran = Python::attach(|py| {
        py.import("sys")
            .and_then(|sys| sys.getattr("modules"))
            .and_then(|modules| modules.contains("site"))
            .expect("sys.modules")
    });
    assert!(site_ran);
}

#[test]
fn pyfn_and_pyo3_starting_at_once() {
    for round in 0..20 {
        let child = support::run(&mut support::this_test("child"), Duration::from_secs(60));
        child.assert(
            child.success() && child.stdout.contains("1 passed"),
            &format!("round {round}"),
        );
    }
}
