//! Interpreter events pyfn does not survive are refused with an error, never
//! undefined behaviour: `Py_Finalize` after pyfn used the interpreter, and a
//! call from a sub-interpreter. Each runs in a child process of this test
//! binary (the interpreter starts once per process, and a crash must fail
//! the test, not end the run).

use std::time::Duration;

use pyfn::py_fn;
use pyfn::pyo3::ffi;
use pyfn::pyo3::prelude::*;

mod support;

py_fn! {
    fn double(x: i64) -> i64 {
        return 2 * x
    }

    fn double_held(py: Python<'py>, x: i64) -> i64 {
        return 2 * x
    }
}

/// Runs the ignored test `name` in a child process; its stdout.
#[track_caller]
fn run_child(name: &str) -> String {
    let child = support::run(&mut support::this_test(name), Duration::from_secs(60));
    child.assert(child.success(), name);
    child.stdout
}

#[test]
#[ignore = "run as a child process by `a_call_after_py_finalize_is_an_error`"]
fn child_finalize() {
    assert_eq!(double(21).expect("before"), 42);
    // SAFETY: this thread takes the GIL and finalizes; nothing else runs
    // Python in this process.
    unsafe {
        ffi::PyGILState_Ensure();
        ffi::Py_FinalizeEx();
    }
    let err = double(21).expect_err("after Py_Finalize");
    println!("AFTER {err}");
    let err = std::thread::spawn(|| double(1))
        .join()
        .expect("no panic")
        .expect_err("other thread");
    println!("THREAD {err}");
}

#[test]
fn a_call_after_py_finalize_is_an_error() {
    let out = run_child("child_finalize");
    assert!(
        out.contains("AFTER ") && out.contains("was finalized"),
        "{out}"
    );
    assert!(
        out.contains("THREAD ") && out.matches("was finalized").count() == 2,
        "{out}"
    );
}

#[test]
#[ignore = "run as a child process by `a_call_from_a_sub_interpreter_is_an_error`"]
fn child_sub_interpreter() {
    assert_eq!(double(21).expect("main interpreter"), 42);
    // SAFETY: the GIL is taken, a sub-interpreter is made current on this
    // thread, used only through the token for it, ended, and the main
    // interpreter's thread state restored before the GIL is released.
    unsafe {
        let gil = ffi::PyGILState_Ensure();
        let main = ffi::PyThreadState_Get();
        let sub = ffi::Py_NewInterpreter();
        assert!(!sub.is_null(), "a sub-interpreter");
        let py = Python::assume_attached();
        let err = double_held(py, 21).expect_err("from the sub-interpreter");
        println!("SUB {err}");
        ffi::Py_EndInterpreter(sub);
        ffi::PyThreadState_Swap(main);
        ffi::PyGILState_Release(gil);
    }
    // The main interpreter still works.
    assert_eq!(double(4).expect("main again"), 8);
    let held = Python::attach(|py| double_held(py, 5)).expect("held, main");
    assert_eq!(held, 10);
    println!("MAIN OK");
}

#[test]
fn a_call_from_a_sub_interpreter_is_an_error() {
    let out = run_child("child_sub_interpreter");
    assert!(
        out.contains("SUB ") && out.contains("sub-interpreter"),
        "{out}"
    );
    assert!(out.contains("MAIN OK"), "{out}");
}
