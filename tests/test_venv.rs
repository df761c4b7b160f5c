//! `VIRTUAL_ENV` at run time: a real venv, made by this test with
//! `python -m venv`, and a package installed into it (offline: a module
//! file written into its site-packages). This binary holds one test, since
//! the environment is read when pyfn first builds a function.

use pyfn::py_fn;
use pyfn::pyo3::prelude::*;

py_fn! {
    /// The build interpreter has no `pyfn_venv_probe`: only the venv does.
    #[py(allow_missing_imports)]
    fn probe() -> (i64, String) {
        import pyfn_venv_probe
        return (pyfn_venv_probe.VALUE, pyfn_venv_probe.__file__)
    }
}

#[test]
fn virtual_env_packages_are_importable() {
    // The interpreter pyfn runs on, to make a venv of the same version.
    let (python, version): (String, String) = Python::attach(|py| {
        let sysconfig = py.import("sysconfig").unwrap();
        let bindir: String = sysconfig
            .call_method1("get_config_var", ("BINDIR",))
            .unwrap()
            .extract()
            .unwrap();
        let info = py.version_info();
        (
            format!("{bindir}/python{}.{}", info.major, info.minor),
            format!("{}.{}", info.major, info.minor),
        )
    });
    let dir = std::env::temp_dir().join(format!("pyfn-venv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = std::process::Command::new(&python)
        .args(["-m", "venv", "--without-pip"])
        .arg(&dir)
        .status()
        .expect("python -m venv runs");
    assert!(status.success(), "{python} -m venv failed");
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

    // SAFETY: this test binary runs this one test; no other thread reads
    // the environment while it is set.
    unsafe { std::env::set_var("VIRTUAL_ENV", &dir) };
    let (value, file) = probe().expect("the venv's module imports");
    assert_eq!(value, 42);
    assert!(file.starts_with(dir.to_str().unwrap()), "{file}");
    let _ = std::fs::remove_dir_all(&dir);
}
