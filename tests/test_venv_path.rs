//! Only `VIRTUAL_ENV` activates a virtual environment: a venv's `python3`
//! first on `PATH`, with `VIRTUAL_ENV` unset, is not adopted (CPython's
//! start-up would otherwise take the program name `python3`, find it on
//! `PATH`, and read its `pyvenv.cfg`). The check runs in a child process of
//! this test binary, with that `PATH`, since the interpreter starts once.

use pyfn::py_fn;

mod support;

py_fn! {
    fn prefix_and_path() -> (String, Vec<String>) {
        import sys
        return (sys.prefix, sys.path)
    }
}

#[test]
#[ignore = "run as a child process by `a_venv_on_path_is_not_adopted`"]
fn child() {
    let (prefix, path) = prefix_and_path().expect("runs");
    println!("PREFIX {prefix}");
    println!("PATH {path:?}");
}

#[test]
fn a_venv_on_path_is_not_adopted() {
    let dir = support::make_venv(
        &std::env::temp_dir().join(format!("pyfn-venv-path-{}", std::process::id())),
    );
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = support::this_test("child");
    command.env("PATH", path).env_remove("VIRTUAL_ENV");
    let child = support::run(&mut command, std::time::Duration::from_secs(60));
    child.assert(child.success(), "the child failed");
    let stdout = child.stdout;
    let _ = std::fs::remove_dir_all(&dir);
    let venv = dir.display().to_string();
    assert!(stdout.contains("PREFIX "), "{stdout}");
    assert!(
        !stdout.contains(&venv),
        "the venv on PATH was adopted:\n{stdout}"
    );
}
