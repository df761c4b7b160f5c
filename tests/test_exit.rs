//! The end of a process that called pyfn: Python's `atexit` callbacks run
//! and its buffers are flushed, when `main` returns and on
//! `std::process::exit`, without hanging on threads still in Python. Each
//! case runs in a fresh process (this test binary, running that one test
//! with `PYFN_EXIT_CHILD` set), whose output and exit status the parent
//! checks, with a deadline.

#![cfg(unix)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod support;
use support::Child;

use pyfn::py_fn;
use pyfn::pyo3::prelude::*;

py_fn! {
    /// Leaves text in `sys.stdout`'s buffer and registers `atexit`
    /// callbacks: one that raises (printed; the others still run) and one
    /// that writes without flushing.
    fn setup() {r#"
        import atexit, sys
        def last():
            sys.stdout.write("[atexit ran]")
        def fails():
            raise ValueError("an atexit callback failed")
        atexit.register(last)
        atexit.register(fails)
        sys.stdout.write("[buffered]")
        print("[no newline]", end="")
    "#}

    /// Writes to `sys.stdout` without flushing.
    fn say(text: &str) {r#"
        import sys
        sys.stdout.write(text)
    "#}

    /// Opens files that stay open, and writes less than their buffers hold.
    fn write_files(directory: &str) {r#"
        import os
        text = open(os.path.join(directory, "text"), "w")
        text.write("text file")
        binary = open(os.path.join(directory, "binary"), "wb")
        binary.write(b"binary file")
        both = open(os.path.join(directory, "random"), "w+b")
        both.write(b"random access file")
        big = open(os.path.join(directory, "big"), "w", buffering=1 << 20)
        big.write("x" * 100_000)
        globals()["kept"] = [text, binary, both, big]
    "#}

    fn spin(seconds: f64) -> i64 {r#"
        import time
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            n += 1
        return n
    "#}

    /// A non-daemon Python thread that runs for ten minutes.
    fn start_python_thread() {r#"
        import threading, time
        threading.Thread(target=time.sleep, args=(600,), daemon=False).start()
    "#}
}

/// How long a child may take before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(60);

/// What the whole of `setup`'s output looks like at the end.
const SETUP_OUTPUT: &str = "[buffered][no newline][atexit ran]";

/// Whether this process is the child running `test`'s case.
fn in_child() -> bool {
    std::env::var_os("PYFN_EXIT_CHILD").is_some()
}

/// Runs `test` in a child process and waits for it (killed after
/// [`DEADLINE`]: then the test fails).
#[track_caller]
fn run_child(test: &str, env: &[(&str, &str)]) -> Child {
    let mut command = support::this_test(test);
    // Python's stdout is a pipe here: block buffered, unless this says
    // otherwise.
    command
        .env("PYFN_EXIT_CHILD", "1")
        .env_remove("PYTHONUNBUFFERED");
    for (name, value) in env {
        command.env(name, value);
    }
    let child = support::run(&mut command, DEADLINE);
    child.assert(child.status.is_some(), &format!("{test}: the child hung"));
    child
}

/// Starts a thread that runs `body`, and returns once it has started.
fn start_thread(body: impl FnOnce() + Send + 'static) {
    static STARTED: AtomicBool = AtomicBool::new(false);
    std::thread::spawn(move || {
        STARTED.store(true, Ordering::SeqCst);
        body();
    });
    while !STARTED.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Inside the call by now.
    std::thread::sleep(Duration::from_millis(200));
}

#[test]
fn atexit_callbacks_run_and_stdout_is_flushed_when_main_returns() {
    if in_child() {
        setup().unwrap();
        return;
    }
    let child = run_child(
        "atexit_callbacks_run_and_stdout_is_flushed_when_main_returns",
        &[],
    );
    child.assert(child.code == Some(0), "the child failed");
    child.assert(
        child.stdout.contains(SETUP_OUTPUT),
        "the buffered text and the callback's output are missing",
    );
    child.assert(
        child
            .stderr
            .contains("ValueError: an atexit callback failed"),
        "the failing callback's exception was not printed",
    );
}

#[test]
fn buffered_files_are_flushed() {
    if in_child() {
        write_files(&std::env::var("PYFN_EXIT_DIR").unwrap()).unwrap();
        return;
    }
    let directory = std::env::temp_dir().join(format!("pyfn-exit-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let child = run_child(
        "buffered_files_are_flushed",
        &[("PYFN_EXIT_DIR", directory.to_str().unwrap())],
    );
    child.assert(child.code == Some(0), "the child failed");
    let read = |name: &str| std::fs::read_to_string(directory.join(name)).unwrap_or_default();
    let files = [
        read("text"),
        read("binary"),
        read("random"),
        read("big").len().to_string(),
    ];
    let _ = std::fs::remove_dir_all(&directory);
    assert_eq!(
        files,
        ["text file", "binary file", "random access file", "100000"]
    );
}

#[test]
fn exit_with_std_process_exit() {
    if in_child() {
        setup().unwrap();
        // From the test's thread, not the main thread.
        std::process::exit(7);
    }
    let child = run_child("exit_with_std_process_exit", &[]);
    child.assert(child.code == Some(7), "not the exit code given");
    child.assert(child.stdout.contains(SETUP_OUTPUT), "the output is missing");
}

#[test]
fn exit_while_attached() {
    if in_child() {
        setup().unwrap();
        // Attached: the exiting thread holds the GIL and runs the work.
        Python::attach(|_py| std::process::exit(3));
    }
    let child = run_child("exit_while_attached", &[]);
    child.assert(child.code == Some(3), "not the exit code given");
    child.assert(child.stdout.contains(SETUP_OUTPUT), "the output is missing");
}

struct SaysAtThreadExit;

impl Drop for SaysAtThreadExit {
    fn drop(&mut self) {
        let _ = say("[thread-local destructor]");
    }
}

thread_local! {
    static SAYS: SaysAtThreadExit = const { SaysAtThreadExit };
}

#[test]
fn exit_after_thread_local_destructors_that_call_python() {
    if in_child() {
        // Touched first: its destructor runs at `exit`, before the exit
        // handlers, on a thread whose kept state is still alive.
        SAYS.with(|_| {});
        setup().unwrap();
        std::process::exit(0);
    }
    let child = run_child("exit_after_thread_local_destructors_that_call_python", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(
        child
            .stdout
            .contains("[buffered][no newline][thread-local destructor][atexit ran]"),
        "the destructor's call or the exit work is missing",
    );
}

#[test]
fn exit_while_another_thread_runs_a_long_python_call() {
    if in_child() {
        setup().unwrap();
        start_thread(|| {
            let _ = spin(600.0);
        });
        return;
    }
    let child = run_child("exit_while_another_thread_runs_a_long_python_call", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(child.stdout.contains(SETUP_OUTPUT), "the output is missing");
    child.assert(
        child.elapsed < Duration::from_secs(30),
        "exit took too long",
    );
}

#[test]
fn exit_while_another_thread_holds_the_gil() {
    if in_child() {
        setup().unwrap();
        start_thread(|| {
            Python::attach(|_py| {
                loop {
                    std::hint::spin_loop();
                }
            })
        });
        return;
    }
    let child = run_child("exit_while_another_thread_holds_the_gil", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(
        child
            .stderr
            .contains("pyfn: Python's exit work (atexit callbacks, flushing files) did not run"),
        "no word of the skipped exit work",
    );
    child.assert(
        !child.stdout.contains("[atexit ran]"),
        "the exit work ran without the GIL",
    );
    child.assert(
        child.elapsed < Duration::from_secs(30),
        "exit took too long",
    );
}

#[test]
fn python_threads_are_not_waited_for() {
    if in_child() {
        setup().unwrap();
        start_python_thread().unwrap();
        return;
    }
    let child = run_child("python_threads_are_not_waited_for", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(child.stdout.contains(SETUP_OUTPUT), "the output is missing");
    child.assert(child.elapsed < Duration::from_secs(30), "exit waited");
}

/// Without a pyfn call, pyfn does nothing at exit, even if the program
/// runs Python through pyo3.
#[test]
fn nothing_at_exit_without_a_pyfn_call() {
    if in_child() {
        Python::attach(|py| {
            py.run(
                c"import atexit, sys\natexit.register(sys.stdout.write, '[atexit ran]')\nsys.stdout.write('[buffered]')",
                None,
                None,
            )
        })
        .unwrap();
        return;
    }
    let child = run_child("nothing_at_exit_without_a_pyfn_call", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(
        !child.stdout.contains("[atexit ran]") && !child.stdout.contains("[buffered]"),
        "pyfn ran Python's exit work for a program that never called it",
    );
}

/// A child made by `fork` that ends with `exit` runs the exit work too, on
/// its copy of the buffers and callbacks, as a Python child does.
#[test]
fn a_fork_child_that_exits_runs_the_exit_work() {
    if in_child() {
        setup().unwrap();
        start_thread(|| {
            let _ = spin(600.0);
        });
        // SAFETY: the child calls pyfn and exits; nothing else.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            say("[fork child]").unwrap();
            std::process::exit(5);
        }
        let mut status = 0;
        // SAFETY: `pid` is this process's child; `status` a valid place.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 5);
        return;
    }
    let child = run_child("a_fork_child_that_exits_runs_the_exit_work", &[]);
    child.assert(child.code == Some(0), "the child failed");
    child.assert(
        child
            .stdout
            .contains("[buffered][no newline][fork child][atexit ran]"),
        "the fork child's exit work is missing",
    );
    child.assert(
        child.stdout.matches(SETUP_OUTPUT).count() == 1,
        "the parent's exit work is missing",
    );
}
