//! `#[py(reload)]`: in a debug build, a changed `.py` file runs again on
//! the next call; a new source that does not compile, raises, or no longer
//! matches the Rust signatures keeps the old version and returns an error.
//! The tests edit the files under `tests/python/` and restore them. A
//! release build (`cargo test --release --test test_reload`) never reads
//! them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pyfn::py_module;

py_module! {
    #[py(reload)]
    mod calc {
        file = "tests/python/reload_calc.py";
        pub fn scale(x: i64, factor: Option<i64>) -> i64;
        pub fn version() -> String;
    }
}

py_module! {
    #[py(reload)]
    mod greeter {
        package = "tests/python/reload_pkg";
        pub fn hello(name: &str) -> String;
    }
}

py_module! {
    #[py(reload)]
    mod kinds {
        file = "tests/python/reload_kinds.py";
        pub fn join(
            first: &str,
            #[py(args)] rest: Vec<String>,
            #[py(keyword)] sep: Option<&str>,
            #[py(kwargs)] named: HashMap<String, String>,
        ) -> String;
    }
}

/// A file restored to its text when dropped (also on a failed assert).
struct Edited {
    path: PathBuf,
    original: Vec<u8>,
}

impl Edited {
    fn new(path: &str) -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let original = std::fs::read(&path).expect("the file");
        Edited { path, original }
    }

    /// Writes `text` (whole: a new file renamed over the old, as editors
    /// save, so that no poll reads half a file) and waits out the poll
    /// interval.
    fn write(&self, text: &str) {
        let new = self.path.with_extension("py.new");
        std::fs::write(&new, text).expect("written");
        std::fs::rename(&new, &self.path).expect("renamed");
        std::thread::sleep(Duration::from_millis(120));
    }
}

impl Drop for Edited {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.original);
    }
}

#[cfg(debug_assertions)]
const V1: &str =
    "def scale(x, factor=2):\n    return x * factor\n\n\ndef version():\n    return \"v1\"\n";
const V2: &str =
    "def scale(x, factor=3):\n    return x * factor\n\n\ndef version():\n    return \"v2\"\n";

#[cfg(debug_assertions)]
#[test]
fn a_changed_file_runs_again_and_a_bad_one_keeps_the_old_version() {
    let file = Edited::new("tests/python/reload_calc.py");
    assert_eq!(calc::version().unwrap(), "v1");
    assert_eq!(calc::scale(5, None).unwrap(), 10);

    file.write(V2);
    assert_eq!(calc::version().unwrap(), "v2");
    assert_eq!(calc::scale(5, None).unwrap(), 15);

    // A syntax error: the call that finds it gets the error, then the
    // old version runs on.
    file.write("def scale(x, factor=3):\n    return x *\n\n\ndef version():\n    return \"v3\"\n");
    let err = calc::version().expect_err("does not compile");
    let message = err.to_string();
    assert!(
        message.contains("the new source does not compile"),
        "{message}"
    );
    assert!(message.contains("SyntaxError"), "{message}");
    assert!(message.contains("the previous version stays"), "{message}");
    assert_eq!(calc::version().unwrap(), "v2");

    // A parameter more.
    file.write("def scale(x, y, factor=3):\n    return x * y * factor\n\n\ndef version():\n    return \"v4\"\n");
    let message = calc::scale(1, None).expect_err("mismatch").to_string();
    assert!(
        message.contains("parameter 2 of `scale` is now `y`, Rust declares `factor`"),
        "{message}"
    );
    assert_eq!(calc::version().unwrap(), "v2");

    // The default that Rust's `None` leaves to is gone.
    file.write(
        "def scale(x, factor):\n    return x * factor\n\n\ndef version():\n    return \"v5\"\n",
    );
    let message = calc::version().expect_err("mismatch").to_string();
    assert!(
        message.contains("parameter `factor` of `scale` has no default any more"),
        "{message}"
    );
    assert_eq!(calc::scale(5, None).unwrap(), 15);

    // A reloaded function that raises: its traceback shows the new
    // file's line.
    file.write("def scale(x, factor=2):\n    return x * factor\n\n\ndef version():\n    raise LookupError('from the reloaded line')\n");
    let err = calc::version().expect_err("raises");
    let traceback = err.traceback().unwrap_or_default();
    assert!(
        traceback.contains("reload_calc.py\", line 6, in version")
            && traceback.contains("raise LookupError('from the reloaded line')"),
        "{traceback}"
    );
    file.write(V2);
    assert_eq!(calc::version().unwrap(), "v2");

    // A top level that raises.
    file.write("raise RuntimeError('not today')\n");
    let message = calc::version().expect_err("raises").to_string();
    assert!(
        message.contains("the new source raised while running"),
        "{message}"
    );
    assert!(message.contains("not today"), "{message}");

    // Calls from other threads while the file changes: each sees a whole
    // version, never an error.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut calls = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let version = calc::version().expect("a version");
                    assert!(version == "v1" || version == "v2", "{version}");
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    for text in [V1, V2, V1] {
        file.write(text);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let calls: usize = callers
        .into_iter()
        .map(|t| t.join().expect("no panic"))
        .sum();
    assert!(calls > 0);
    assert_eq!(calc::version().unwrap(), "v1");
}

#[cfg(debug_assertions)]
#[test]
fn a_changed_package_file_is_imported_again() {
    let util = Edited::new("tests/python/reload_pkg/util.py");
    assert_eq!(greeter::hello("ann").unwrap(), "hello ann!");

    util.write("def greet(name):\n    return 'hi ' + name\n");
    assert_eq!(greeter::hello("ann").unwrap(), "hi ann!");

    // A sibling that no longer compiles: the old package stays imported.
    util.write("def greet(name)\n    return 'hey ' + name\n");
    let message = greeter::hello("ann")
        .expect_err("does not compile")
        .to_string();
    assert!(
        message.contains(
            "reload of package `reload_pkg`: `tests/python/reload_pkg/util.py` does not compile"
        ),
        "{message}"
    );
    assert_eq!(greeter::hello("ann").unwrap(), "hi ann!");

    // A name the `__init__` imports is gone: the import fails, the old
    // modules are put back.
    util.write("def welcome(name):\n    return 'yo ' + name\n");
    let message = greeter::hello("ann").expect_err("import fails").to_string();
    assert!(
        message.contains("importing `reload_pkg` raised"),
        "{message}"
    );
    assert_eq!(greeter::hello("bob").unwrap(), "hi bob!");

    util.write("def greet(name):\n    return 'hello ' + name\n");
    assert_eq!(greeter::hello("ann").unwrap(), "hello ann!");
}

/// A reload checks `*args`, keyword-only parameters and `**kwargs` as the
/// build does: a new keyword-only parameter with a default is fine; losing
/// `**kwargs`, or the default Rust leaves `sep` to, keeps the old version.
#[cfg(debug_assertions)]
#[test]
fn a_reload_checks_every_kind_of_parameter() {
    let file = Edited::new("tests/python/reload_kinds.py");
    let call = || {
        let named = HashMap::from([("k".to_owned(), "c".to_owned())]);
        kinds::join("a", vec!["b".to_owned()], None, named)
    };
    assert_eq!(call().unwrap(), "a, b, c v1");
    assert_eq!(
        kinds::join("a", vec![], Some("-"), HashMap::new()).unwrap(),
        "a v1"
    );

    file.write(
        "def join(first, *rest, sep=\"; \", end=\"!\", **named):\n    return sep.join([first, *rest, *named.values()]) + end\n",
    );
    assert_eq!(call().unwrap(), "a; b; c!");

    file.write("def join(first, *rest, sep=\", \"):\n    return sep.join([first, *rest])\n");
    let err = call().expect_err("no **kwargs any more");
    assert!(
        err.to_string().contains("no longer takes `**kwargs`")
            && err.to_string().contains("the previous version stays"),
        "{err}"
    );
    assert_eq!(call().unwrap(), "a; b; c!");

    file.write(
        "def join(first, *rest, sep, **named):\n    return sep.join([first, *rest, *named.values()])\n",
    );
    let err = call().expect_err("sep lost its default");
    assert!(err.to_string().contains("has no default any more"), "{err}");
    assert_eq!(call().unwrap(), "a; b; c!");
}

/// A release build carries no paths: an edited file changes nothing.
#[cfg(not(debug_assertions))]
#[test]
fn a_release_build_never_reads_the_files() {
    let file = Edited::new("tests/python/reload_calc.py");
    let util = Edited::new("tests/python/reload_pkg/util.py");
    assert_eq!(calc::version().unwrap(), "v1");
    assert_eq!(greeter::hello("ann").unwrap(), "hello ann!");
    file.write(V2);
    util.write("def greet(name):\n    return 'hi ' + name\n");
    assert_eq!(calc::version().unwrap(), "v1");
    assert_eq!(calc::scale(5, None).unwrap(), 10);
    assert_eq!(greeter::hello("ann").unwrap(), "hello ann!");
}
