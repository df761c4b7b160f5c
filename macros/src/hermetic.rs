//! The build is hermetic: inside the compiler no `sitecustomize`,
//! `usercustomize` or `.pth` code runs, yet `sys.path` is the one the
//! build interpreter (or the virtual environment's own `python`) has; a
//! module only an import hook provides is not reported missing; warnings
//! never fail the build; a broken `PYTHONHOME` is a compile error.
//!
//! CPython starts once per process, with the environment of that moment,
//! so each case runs this test binary again as a child process with the
//! environment it needs, running only `child` (ignored otherwise).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tests::COMPILE_ERROR;

/// What the child expands: imports found only through a `.pth` path line,
/// only through a `.pth` import hook, and not at all; and code that makes
/// CPython warn (`is` with a literal).
const BODY: &str = "fn f() -> bool {r#\"
import os
import found_by_pth_path
import found_by_hook
import surely_missing_pyfn_module
return os.sep is \"/\" or 1 is 1
\"#}";

/// Run as a child by the tests below: expands [`BODY`] and prints the
/// expansion, the process id and `sys.path` as the compiler's CPython has
/// it.
#[test]
#[ignore = "run as a child process by the tests of this module"]
fn child() {
    let _serial = crate::tests::serial();
    let out = crate::pipeline::py_fn(BODY.parse().expect("tokens")).to_string();
    println!("EXPANSION {out}");
    println!("PID {}", std::process::id());
    if !out.contains("CPython cannot start") && !out.contains("PYTHONHOME") {
        let path: Vec<String> = crate::python::with_python(|py| {
            use pyo3::types::PyAnyMethods;
            py.import("sys")
                .and_then(|sys| sys.getattr("path"))
                .and_then(|path| path.extract())
                .expect("sys.path")
        });
        println!("PATH {path:?}");
    }
}

struct Child {
    expansion: String,
    pid: String,
    path: Option<String>,
}

fn run_child(env: &[(&str, &Path)], remove: &[&str]) -> Child {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args([
        "--ignored",
        "--exact",
        "hermetic::child",
        "--nocapture",
        "--test-threads=1",
    ]);
    for var in [
        "PYTHONPATH",
        "PYTHONUSERBASE",
        "VIRTUAL_ENV",
        "PYTHONHOME",
        "PYTHONWARNINGS",
    ] {
        command.env_remove(var);
    }
    for var in remove {
        command.env_remove(var);
    }
    for (var, value) in env {
        command.env(var, value);
    }
    let output = command.output().expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "child failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let line = |prefix: &str| {
        stdout.lines().find_map(|line| {
            line.find(prefix)
                .map(|at| line[at + prefix.len()..].to_owned())
        })
    };
    Child {
        expansion: line("EXPANSION ").unwrap_or_else(|| panic!("no expansion in\n{stdout}")),
        pid: line("PID ").expect("a pid"),
        path: line("PATH "),
    }
}

/// `sys.path` as `python` itself has it, without the `''` of `-c`.
fn sys_path_of(python: &Path, env: &[(&str, &Path)]) -> String {
    let mut command = Command::new(python);
    command.args(["-c", "import sys\nprint([p for p in sys.path if p != ''])"]);
    for var in [
        "PYTHONPATH",
        "PYTHONUSERBASE",
        "VIRTUAL_ENV",
        "PYTHONHOME",
        "PYTHONNOUSERSITE",
    ] {
        command.env_remove(var);
    }
    for (var, value) in env {
        command.env(var, value);
    }
    let output = command.output().expect("python runs");
    assert!(output.status.success(), "{output:?}");
    // Python's list repr and Rust's `Vec<String>` Debug differ only in quotes.
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .replace('\'', "\"")
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("pyfn-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch dir");
        Scratch(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
        std::fs::write(&path, text).expect("writes");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Python code that appends the running process's id to `marker`.
fn mark(marker: &Path) -> String {
    format!(
        "open({:?}, 'a').write('%d\\n' % __import__('os').getpid())",
        marker.display().to_string()
    )
}

/// Writes, in `site_packages`: a `.pth` naming a directory that holds
/// `found_by_pth_path`, with a line of code that leaves a mark; and a `.pth`
/// installing an import hook that provides `found_by_hook` (as editable
/// installs do).
fn populate(scratch: &Scratch, site_packages: &str, marker: &Path) {
    let extra = scratch.0.join("extra");
    scratch.write("extra/found_by_pth_path.py", "");
    scratch.write("hooked/found_by_hook.py", "");
    scratch.write(
        &format!("{site_packages}/paths.pth"),
        &format!(
            "# a comment\n{}\nimport os; {}\n",
            extra.display(),
            mark(marker)
        ),
    );
    scratch.write(
        &format!("{site_packages}/pyfn_test_hook.py"),
        &format!(
            "import importlib.machinery, sys\n\
             class Finder:\n\
             \x20   @classmethod\n\
             \x20   def find_spec(cls, name, path=None, target=None):\n\
             \x20       if name == 'found_by_hook':\n\
             \x20           return importlib.machinery.PathFinder.find_spec(name, [{:?}])\n\
             def install():\n\
             \x20   sys.meta_path.append(Finder)\n",
            scratch.0.join("hooked").display().to_string()
        ),
    );
    scratch.write(
        &format!("{site_packages}/hook.pth"),
        "import pyfn_test_hook; pyfn_test_hook.install()\n",
    );
}

fn version() -> &'static str {
    env!("PYFN_MACRO_PYTHON")
}

fn build_python() -> PathBuf {
    PathBuf::from(env!("PYFN_MACRO_PYTHON_EXE"))
}

/// Asserts the child reported the missing module, and only it, and that
/// no line of `.pth`/customisation code ran in its process.
fn assert_hermetic(child: &Child, markers: &[&Path]) {
    assert!(
        child.expansion.contains("surely_missing_pyfn_module"),
        "{}",
        child.expansion
    );
    for found in ["found_by_pth_path", "found_by_hook"] {
        assert!(
            !child.expansion.contains(&format!("`{found}`")),
            "{found} reported: {}",
            child.expansion
        );
    }
    assert_eq!(
        child.expansion.matches(COMPILE_ERROR).count(),
        1,
        "{}",
        child.expansion
    );
    for marker in markers {
        let marks = std::fs::read_to_string(marker).unwrap_or_default();
        assert!(
            !marks.lines().any(|pid| pid == child.pid),
            "{} was written by the compiler's process {}",
            marker.display(),
            child.pid
        );
    }
}

#[test]
fn no_customisation_runs_and_sys_path_is_the_interpreters() {
    let scratch = Scratch::new("hermetic-site");
    let marker = scratch.0.join("marks");
    let user_base = scratch.0.join("userbase");
    let user_site = format!("userbase/lib/python{}/site-packages", version());
    populate(&scratch, &user_site, &marker);
    scratch.write(&format!("{user_site}/usercustomize.py"), &mark(&marker));
    let python_path = scratch.0.join("pythonpath");
    scratch.write("pythonpath/sitecustomize.py", &mark(&marker));
    let env = [
        ("PYTHONUSERBASE", user_base.as_path()),
        ("PYTHONPATH", python_path.as_path()),
        ("PYTHONWARNINGS", Path::new("error")),
    ];
    let child = run_child(&env, &["PYTHONNOUSERSITE"]);
    assert_hermetic(&child, &[&marker]);
    let path = child.path.expect("sys.path");
    assert!(path.contains("/extra"), "{path}");
    assert_eq!(path, sys_path_of(&build_python(), &env[..2]));
}

#[test]
fn a_virtual_environment_is_seen_as_its_own_python_sees_it() {
    let scratch = Scratch::new("hermetic-venv");
    let marker = scratch.0.join("marks");
    let venv = scratch.0.join("venv");
    let python = build_python();
    let home = python.parent().expect("the interpreter's directory");
    scratch.write(
        "venv/pyvenv.cfg",
        &format!(
            "home = {}\ninclude-system-site-packages = false\n",
            home.display()
        ),
    );
    std::fs::create_dir_all(venv.join("bin")).expect("bin");
    let venv_python = venv.join("bin").join("python");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&python, &venv_python).expect("a venv python");
    let site_packages = format!("venv/lib/python{}/site-packages", version());
    populate(&scratch, &site_packages, &marker);
    let env = [("VIRTUAL_ENV", venv.as_path())];
    let child = run_child(&env, &[]);
    assert_hermetic(&child, &[&marker]);
    let path = child.path.expect("sys.path");
    assert!(path.contains(&site_packages), "{path}");
    // Isolated (`include-system-site-packages = false`): not the base
    // interpreter's site-packages.
    let base = home
        .parent()
        .expect("a prefix")
        .join(format!("lib/python{}/site-packages", version()));
    assert!(
        !path.contains(&format!("{:?}", base.display().to_string())),
        "{path}"
    );
    assert_eq!(path, sys_path_of(&venv_python, &[]));
}

#[test]
fn a_broken_pythonhome_is_a_compile_error() {
    let scratch = Scratch::new("hermetic-home");
    let child = run_child(&[("PYTHONHOME", scratch.0.as_path())], &[]);
    assert!(
        child.expansion.contains(COMPILE_ERROR),
        "{}",
        child.expansion
    );
    assert!(
        child.expansion.contains("PYTHONHOME"),
        "{}",
        child.expansion
    );
}
