//! `fork()` in a program whose other threads run Python: the child can call
//! pyfn functions, from the thread that forked and from new threads, and
//! threads that exit in the child have their Python state reaped. Each
//! child reports through its exit status; the parent waits with a deadline
//! (a hang is a failure, never a stuck test).

#![cfg(unix)]

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pyfn::pyo3::ffi;
use pyfn::pyo3::prelude::*;
use pyfn::{py_fn, py_module};

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    /// Runs Python bytecode for `seconds`: the GIL is taken back and forth
    /// with every other thread that wants it.
    fn spin(seconds: f64) -> i64 {r#"
        import time
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            n += 1
        return n
    "#}

    /// `os.fork()` from Python: CPython prepares the interpreter itself.
    fn python_fork() -> i64 {r#"
        import os, warnings
        with warnings.catch_warnings():
            # 3.12+: "This process is multi-threaded, use of fork() may
            # lead to deadlocks in the child."
            warnings.simplefilter("ignore", DeprecationWarning)
            return os.fork()
    "#}

    /// `subprocess` from Python: with `preexec_fn`, CPython forks itself
    /// (its own fork preparation); without, it uses `vfork` or `fork`.
    #[py(typecheck = false)] fn python_subprocess(preexec: bool) -> i64 {r#"
        import subprocess
        kwargs = {"preexec_fn": (lambda: None)} if preexec else {}
        return subprocess.run(["true"], **kwargs).returncode
    "#}

    /// Imports a module. The parent builds this function (and imports
    /// `importlib`) before it forks; a child imports modules that no
    /// thread of the parent imports: a module another thread is importing
    /// at the moment of the fork stays locked in the child, with pyfn as
    /// with `os.fork`.
    fn import_module(name: &str) -> String {r#"
        import importlib
        return importlib.import_module(name).__name__
    "#}
}

py_module! {
    /// Polled on every call (debug builds): its watch and version locks
    /// are taken by the threads that call it.
    #[py(reload)]
    mod watched {
        file = "tests/python/fork_reload.py";
        pub fn triple(x: i64) -> i64;
    }
}

py_module! {
    /// A package: its modules come from pyfn's finder on `sys.meta_path`.
    #[py(reload)]
    mod shapes {
        package = "tests/python/shapes";
        pub fn area(w: i64, h: i64) -> i64;
        #[py(module = "util")]
        pub fn double(x: i64) -> i64;
    }
}

py_module! {
    /// Its top level takes a while, and gives the GIL away meanwhile.
    mod slow_start {
        source = r#"
            import time
            time.sleep(0.4)

            def ready():
                return "ready"
        "#;
        pub fn ready() -> String;
    }
}

py_fn! {
    /// Its default takes a while to evaluate (once, when it is built).
    fn slow_default(#[py(default = "__import__('time').sleep(0.4) or 5")] x: Option<i64>) -> i64 {
        return x
    }
}

/// How long a child may take before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(60);

/// A thread running Python until dropped.
struct Busy {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Busy {
    /// Starts the thread, which first builds what children call
    /// ([`build_in_parent`]); returns once it has run Python.
    fn start() -> Busy {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let stop = stop.clone();
            let started = started.clone();
            move || {
                build_in_parent();
                while !stop.load(Ordering::Relaxed) {
                    spin(0.02).unwrap();
                    started.store(true, Ordering::Relaxed);
                }
            }
        });
        while !started.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(1));
        }
        Busy {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One test at a time: each forks while its own busy threads run Python,
/// and forks of two tests at once, from threads that hold or wait for the
/// GIL, are the deadlock the README's fork section warns about (seen on
/// CPython 3.9 under load: a hung child, 1.2 s per forking spawn).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Forks; the child runs `child` and exits with 0 if it returned `true`,
/// 1 if it returned `false` or panicked, without running any exit handler
/// (`_exit`). Returns the child's exit code, or `None` if it hung (killed
/// after [`DEADLINE`]).
fn fork_and_wait(child: impl FnOnce() -> bool) -> Option<i32> {
    // SAFETY: the child calls only what the test exercises, then `_exit`.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(AssertUnwindSafe(child)).unwrap_or(false);
        // SAFETY: ends the child without running the parent's exit handlers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    wait(pid)
}

/// Waits for `pid` until [`DEADLINE`]; kills it then.
fn wait(pid: libc::pid_t) -> Option<i32> {
    let started = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: `pid` is our child; `status` is a valid place.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(done >= 0, "waitpid failed");
        if done == pid {
            return Some(if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                128 + libc::WTERMSIG(status)
            });
        }
        if started.elapsed() > DEADLINE {
            print_stacks(pid);
            // SAFETY: as above.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Prints the stacks of a hung child with gdb, where gdb is installed (so
/// that a hang seen once, in CI, says where it waits).
fn print_stacks(pid: libc::pid_t) {
    let _ = std::process::Command::new("gdb")
        .args([
            "-p",
            &pid.to_string(),
            "-batch",
            "-ex",
            "thread apply all bt",
        ])
        .status();
}

fn assert_child_ok(what: &str, code: Option<i32>) {
    match code {
        Some(0) => {}
        Some(code) => panic!("{what}: the child failed (exit code {code})"),
        None => panic!("{what}: the child hung"),
    }
}

/// Builds the functions a child calls, in the parent: building one
/// imports modules, which must not be half imported by another thread when
/// a child needs them.
fn build_in_parent() {
    assert_eq!(add(0, 0).unwrap(), 0);
    assert_eq!(import_module("json").unwrap(), "json");
}

/// Calls from the child, on the thread that forked: a call, and an import
/// (the import lock works).
fn calls_work() -> bool {
    add(2, 3).ok() == Some(5) && import_module("colorsys").is_ok_and(|name| name == "colorsys")
}

#[test]
fn fork_from_a_thread_that_never_ran_python_while_another_runs_python() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    for round in 0..5 {
        let code = fork_and_wait(calls_work);
        assert_child_ok(&format!("round {round}"), code);
    }
    // The parent goes on.
    assert_eq!(add(1, 1).unwrap(), 2);
}

#[test]
fn fork_from_a_thread_that_keeps_a_python_state() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    assert_eq!(add(1, 2).unwrap(), 3);
    for round in 0..5 {
        assert_child_ok(&format!("round {round}"), fork_and_wait(calls_work));
        assert_eq!(add(round, 1).unwrap(), round + 1);
    }
}

#[test]
fn fork_while_attached() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    // Prepares the interpreter (pyfn's handlers), then forks attached.
    assert_eq!(add(1, 2).unwrap(), 3);
    Python::attach(|_py| {
        for round in 0..3 {
            assert_child_ok(&format!("round {round}"), fork_and_wait(calls_work));
        }
    });
    // Python code calling back into Rust that forks: attached as well.
    let forked = Python::attach(|py| -> PyResult<Option<i32>> {
        let fork = pyfn::pyo3::types::PyCFunction::new_closure(py, None, None, |_, _| {
            fork_and_wait(calls_work)
        })?;
        fork.call0()?.extract()
    })
    .unwrap();
    assert_child_ok("from a callback", forked);
}

/// CPython's own forks, run in a forked child of their own: if pyfn's
/// handlers prepared the interpreter a second time, the process forking
/// would deadlock (CPython 3.13), and only a parent outside it can tell.
#[test]
fn os_fork_from_python_while_another_thread_runs_python() {
    let _serial = one_at_a_time();
    let code = fork_and_wait(|| {
        let _busy = Busy::start();
        for _ in 0..3 {
            let pid = python_fork().unwrap();
            if pid == 0 {
                // The grandchild, back in Rust from CPython's own fork.
                let ok = std::panic::catch_unwind(calls_work).unwrap_or(false)
                    && std::thread::spawn(calls_work).join().unwrap_or(false);
                // SAFETY: ends the process without the exit handlers.
                unsafe { libc::_exit(if ok { 0 } else { 1 }) };
            }
            if wait(pid as libc::pid_t) != Some(0) {
                return false;
            }
        }
        add(2, 2).ok() == Some(4)
    });
    assert_child_ok("os.fork", code);
}

#[test]
fn python_subprocesses_while_another_thread_runs_python() {
    let _serial = one_at_a_time();
    let code = fork_and_wait(|| {
        let _busy = Busy::start();
        [false, true]
            .into_iter()
            .all(|preexec| (0..3).all(|_| python_subprocess(preexec).ok() == Some(0)))
    });
    assert_child_ok("subprocess", code);
}

/// The number of Python thread states of the main interpreter.
fn thread_states() -> usize {
    Python::attach(|_py| {
        let mut count = 0;
        // SAFETY: attached; no other thread can add or delete a state of
        // the list while this one holds the GIL, except by creating one
        // (`PyThreadState_New`, which links it first, in one store).
        unsafe {
            let mut state = ffi::PyInterpreterState_ThreadHead(ffi::PyInterpreterState_Main());
            while !state.is_null() {
                count += 1;
                state = ffi::PyThreadState_Next(state);
            }
        }
        count
    })
}

/// In the child: threads that call Python and exit, then more calls; the
/// exited threads' states are deleted (by a reaper the child starts).
fn threads_come_and_go() -> bool {
    if !calls_work() {
        return false;
    }
    let before = thread_states();
    for _ in 0..3 {
        let threads: Vec<_> = (0..8)
            .map(|i| std::thread::spawn(move || add(i, 1).ok() == Some(i + 1)))
            .collect();
        if !threads.into_iter().all(|t| t.join().unwrap_or(false)) || !calls_work() {
            return false;
        }
    }
    let started = Instant::now();
    while thread_states() > before {
        if started.elapsed() > Duration::from_secs(20) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    calls_work()
}

#[test]
fn threads_exit_in_the_child_and_their_states_are_reaped() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    // Threads that exited in the parent: their states queue for the
    // parent's reaper when the fork happens.
    for i in 0..8 {
        std::thread::spawn(move || add(i, 1).unwrap())
            .join()
            .unwrap();
    }
    assert_child_ok("new threads", fork_and_wait(threads_come_and_go));
    // The forking thread keeps a state of its own this time.
    assert_child_ok("again", fork_and_wait(threads_come_and_go));
}

#[test]
fn a_child_forks_again() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    let code = fork_and_wait(|| {
        // The child runs Python on another thread, and forks.
        let _busy = Busy::start();
        let grandchild = fork_and_wait(|| {
            calls_work() && std::thread::spawn(calls_work).join().unwrap_or(false)
        });
        grandchild == Some(0) && calls_work()
    });
    assert_child_ok("child and grandchild", code);
}

#[test]
fn two_threads_fork_at_once() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    let forkers: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..5 {
                    assert_child_ok("concurrent fork", fork_and_wait(calls_work));
                }
            })
        })
        .collect();
    for forker in forkers {
        forker.join().unwrap();
    }
}

/// `std::process::Command`: `posix_spawn` runs no fork handler; with a
/// `pre_exec` closure it forks, and pyfn's handlers run in the parent and
/// in the child before it execs. Neither hangs nor takes long.
#[test]
fn spawning_programs_while_another_thread_runs_python() {
    let _serial = one_at_a_time();
    use std::os::unix::process::CommandExt;
    let _busy = Busy::start();
    let started = Instant::now();
    for _ in 0..50 {
        assert!(
            std::process::Command::new("true")
                .status()
                .unwrap()
                .success()
        );
    }
    let spawned = started.elapsed();
    let started = Instant::now();
    for _ in 0..50 {
        let mut command = std::process::Command::new("true");
        // SAFETY: the closure does nothing.
        unsafe { command.pre_exec(|| Ok(())) };
        assert!(command.status().unwrap().success());
    }
    let forked = started.elapsed();
    eprintln!("50 programs: {spawned:?} spawned, {forked:?} forked");
    assert!(spawned < Duration::from_secs(30) && forked < Duration::from_secs(30));
}

/// A thread that forks from a `pthread` key destructor that runs after
/// pyfn's has retired its state: the handlers leave Python alone (the
/// state may be deleted already), and the child's calls on that thread get
/// an error, as in the parent.
#[test]
fn fork_after_the_thread_state_is_retired() {
    let _serial = one_at_a_time();
    use std::sync::OnceLock;
    static KEY: OnceLock<libc::pthread_key_t> = OnceLock::new();
    static RESULT: std::sync::Mutex<Option<Option<i32>>> = std::sync::Mutex::new(None);

    unsafe extern "C" fn forks_at_exit(_: *mut std::ffi::c_void) {
        let code = fork_and_wait(|| {
            // The state is retired: an error, not a call.
            add(1, 1).is_err()
        });
        *RESULT.lock().unwrap_or_else(|e| e.into_inner()) = Some(code);
    }

    let _busy = Busy::start();
    // pyfn's key exists once a thread other than the one that started the
    // interpreter (which keeps no state of pyfn's) has called pyfn: this
    // one is created after it, and glibc runs its destructor after pyfn's.
    std::thread::spawn(|| add(0, 1).unwrap()).join().unwrap();
    let key = *KEY.get_or_init(|| {
        let mut key = 0;
        // SAFETY: `key` is a valid place; the destructor has the expected
        // signature.
        assert_eq!(
            unsafe { libc::pthread_key_create(&mut key, Some(forks_at_exit)) },
            0
        );
        key
    });
    std::thread::spawn(move || {
        assert_eq!(add(1, 2).unwrap(), 3);
        // SAFETY: a key made above; any non-null value.
        unsafe { libc::pthread_setspecific(key, std::ptr::dangling::<std::ffi::c_void>()) };
    })
    .join()
    .unwrap();
    let code = RESULT.lock().unwrap().take().expect("the destructor ran");
    assert_child_ok("forked at thread exit", code);
    assert_eq!(add(2, 3).unwrap(), 5);
}

/// Threads start and exit in the parent all along while it forks: each
/// creates a Python thread state (CPython holds its lock on the list of
/// states while it does, without the GIL; before 3.12 a child copied at
/// that moment hung in `PyOS_AfterFork_Child`, gh-112275: 2 runs in 5 on
/// 3.11.7 before pyfn created states under its own fork-held lock), and
/// hands it to the reaper at exit (under the reaper's lock). The child
/// never finds either lock held by a thread it does not have, and its new
/// threads start a reaper of their own.
#[test]
fn fork_while_threads_start_and_exit() {
    let _serial = one_at_a_time();
    let _busy = Busy::start();
    let _churn = Churn::start();
    for round in 0..200 {
        let code = fork_and_wait(|| std::thread::spawn(calls_work).join().unwrap_or(false));
        assert_child_ok(&format!("round {round}"), code);
    }
}

/// Two threads that each start threads that call pyfn once and exit, one
/// after another, until dropped (also when a test fails, so that later
/// tests do not fork among them).
struct Churn {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Churn {
    fn start() -> Churn {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..2)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::spawn(|| add(1, 1).unwrap()).join().unwrap();
                    }
                })
            })
            .collect();
        Churn { stop, threads }
    }
}

impl Drop for Churn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Forks while threads call a `#[py(reload)]` module and a package (each
/// call polls the files, under pyfn's locks, with the GIL held): the
/// child calls both, from the
/// forking thread and from a new one.
#[test]
fn fork_while_threads_call_reloadable_modules_and_packages() {
    let _serial = one_at_a_time();
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<JoinHandle<()>> = (0..3)
        .map(|index| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(watched::triple(index).unwrap(), 3 * index);
                    if index > 0 {
                        assert_eq!(shapes::double(index).unwrap(), 2 * index);
                    }
                }
            })
        })
        .collect();
    let mut hung = 0;
    let mut failed = 0;
    for round in 0..100 {
        let code = fork_and_wait(move || {
            let here = watched::triple(round).ok() == Some(3 * round)
                && shapes::area(2, round).ok() == Some(2 * round);
            let there = std::thread::spawn(move || {
                shapes::double(round).ok() == Some(2 * round) && watched::triple(1).ok() == Some(3)
            })
            .join()
            .unwrap_or(false);
            here && there
        });
        match code {
            Some(0) => {}
            Some(_) => failed += 1,
            None => hung += 1,
        }
    }
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.join().expect("a caller panicked");
    }
    assert_eq!(
        (hung, failed),
        (0, 0),
        "(children hung, children failed) of 100"
    );
}

/// A fork while other threads are building a module (its top level runs)
/// and a function (its default is evaluated), each giving the GIL away
/// meanwhile: the child, which lacks those threads, builds both again
/// instead of waiting for them forever.
#[test]
fn fork_while_other_threads_build_a_module_and_a_function() {
    let _serial = one_at_a_time();
    let module = std::thread::spawn(slow_start::ready);
    let function = std::thread::spawn(|| slow_default(None));
    // Both are inside their 0.4 s of building.
    std::thread::sleep(Duration::from_millis(150));
    let code = fork_and_wait(|| {
        slow_start::ready().ok().as_deref() == Some("ready") && slow_default(None).ok() == Some(5)
    });
    assert_eq!(code, Some(0), "the child hung (None) or failed");
    assert_eq!(module.join().unwrap().unwrap(), "ready");
    assert_eq!(function.join().unwrap().unwrap(), 5);
}

/// A module another thread of the parent was importing when it forked
/// (its top level running, so the import system's lock on that module held
/// by a thread the child lacks): the child imports it again instead of
/// waiting for that lock forever. Seen in CI on 3.10: a child whose first
/// call built a package's finder, which imports, hung on such a lock.
#[test]
fn fork_while_another_thread_imports_a_module() {
    let _serial = one_at_a_time();
    let dir = std::env::temp_dir().join(format!("pyfn-fork-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("pyfn_slow_import.py"),
        "import time\ntime.sleep(0.5)\nREADY = 'ready'\n",
    )
    .unwrap();
    let import = |dir: &std::path::Path| import_from(dir, "pyfn_slow_import");
    // pyfn prepared (its fork handlers registered) before the import.
    assert!(calls_work());
    let importer = {
        let dir = dir.clone();
        std::thread::spawn(move || import(&dir))
    };
    // The importer is inside the module's 0.5 s top level.
    std::thread::sleep(Duration::from_millis(150));
    let code = fork_and_wait(|| import(&dir).ok().as_deref() == Some("ready"));
    assert_eq!(importer.join().unwrap().unwrap(), "ready");
    // The same with Python's own `os.fork`, whose child runs pyfn's
    // `after_in_child` hook.
    std::fs::write(
        dir.join("pyfn_slow_import_2.py"),
        "import time\ntime.sleep(0.5)\nREADY = 'ready'\n",
    )
    .unwrap();
    let importer = {
        let dir = dir.clone();
        std::thread::spawn(move || import_from(&dir, "pyfn_slow_import_2"))
    };
    std::thread::sleep(Duration::from_millis(150));
    let os_fork_code = Python::attach(|py| -> PyResult<Option<i32>> {
        let pid: libc::pid_t = py.import("os")?.call_method0("fork")?.extract()?;
        if pid == 0 {
            let ok = import_from(&dir, "pyfn_slow_import_2").ok().as_deref() == Some("ready");
            // SAFETY: ends the child without running the parent's exit
            // handlers.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        Ok(py.detach(|| wait(pid)))
    })
    .unwrap();
    assert_eq!(importer.join().unwrap().unwrap(), "ready");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(0), "the child hung (None) or failed");
    assert_eq!(
        os_fork_code,
        Some(0),
        "os.fork's child hung (None) or failed"
    );
}

/// Imports `module` from `dir` (put first on `sys.path`): its `READY`.
fn import_from(dir: &std::path::Path, module: &str) -> PyResult<String> {
    Python::attach(|py| {
        let sys = py.import("sys")?;
        let path = sys.getattr("path")?;
        let dir = dir.display().to_string();
        if !path.contains(&dir)? {
            path.call_method1("insert", (0, &dir))?;
        }
        py.import(module)?.getattr("READY")?.extract()
    })
}
