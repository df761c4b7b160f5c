//! `VIRTUAL_ENV` at run time: a real venv, made by this test with
//! `python -m venv`, and a package installed into it (offline: a module
//! file written into its site-packages); the program's `sys.path` is then
//! the venv's own `python`'s. This binary holds one test, since the
//! environment is read when pyfn starts the interpreter.

use pyfn::py_fn;

mod support;

py_fn! {
    /// The build interpreter has no `pyfn_venv_probe`: only the venv does.
    #[py(allow_missing_imports)]
    fn probe() -> (i64, String) {
        import pyfn_venv_probe
        return (pyfn_venv_probe.VALUE, pyfn_venv_probe.__file__)
    }
}

py_fn! {
    /// `sys.path` as this program has it, without the `''` of `python -c`.
    fn sys_path() -> String {
        import sys
        return repr([p for p in sys.path if p != ""])
    }
}

/// `sys.path` as `python` has it (without the `''` of `-c`).
fn sys_path_of(python: &std::path::Path) -> String {
    let output = std::process::Command::new(python)
        .args([
            "-c",
            "import sys\nprint(repr([p for p in sys.path if p != '']))",
        ])
        .env_remove("VIRTUAL_ENV")
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn virtual_env_packages_are_importable() {
    // The interpreter pyfn runs on (the build's), to make a venv of the same
    // version. pyfn starts the interpreter itself, with the venv active.
    let version = env!("PYFN_BUILD_PYTHON");
    let dir =
        support::make_venv(&std::env::temp_dir().join(format!("pyfn-venv-{}", std::process::id())));
    let site_packages = dir
        .join("lib")
        .join(format!("python{version}"))
        .join("site-packages");
    assert!(
        site_packages.is_dir(),
        "{} missing",
        site_packages.display()
    );
    std::fs::write(site_packages.join("pyfn_venv_probe.py"), "VALUE = 42\n").unwrap();
    // A `.pth` file's path line and its code both take effect, as in the
    // venv's own `python`.
    let extra = dir.join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(
        site_packages.join("pyfn_probe.pth"),
        format!(
            "{}\nimport os; os.environ['PYFN_PTH_RAN'] = '1'\n",
            extra.display()
        ),
    )
    .unwrap();

    // SAFETY: this test binary runs this one test; no other thread reads
    // the environment while it is set.
    unsafe { std::env::set_var("VIRTUAL_ENV", &dir) };
    let (value, file) = probe().expect("the venv's module imports");
    assert_eq!(value, 42);
    assert!(file.starts_with(dir.to_str().unwrap()), "{file}");
    // Exactly the venv's own `python`'s `sys.path`: the venv's
    // site-packages and what its `.pth` names, none of the base
    // interpreter's (`include-system-site-packages = false`).
    let ours = sys_path().expect("sys.path");
    assert!(ours.contains("/extra'"), "{ours}");
    assert_eq!(ours, sys_path_of(&dir.join("bin").join("python")));
    let _ = std::fs::remove_dir_all(&dir);
}
