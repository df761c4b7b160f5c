//! rustc loads this proc-macro into its own process, and the macro starts
//! CPython. Without an rpath to the libpython pyo3 was configured for, the
//! loader picks whatever `libpython3.x.so` is on the system path (Debian's
//! 3.11, say), not the one `PYO3_PYTHON` names.

fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
    let version = pyo3_build_config::get().version();
    // The standard library a `PYTHONHOME` must hold for CPython to start.
    println!(
        "cargo:rustc-env=PYFN_MACRO_PYTHON={}.{}",
        version.major, version.minor
    );
    // For the tests: the prefix whose standard library that CPython uses.
    let prefix = pyo3_build_config::get()
        .lib_dir()
        .and_then(|dir| std::path::Path::new(dir).parent())
        .map(|prefix| prefix.display().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=PYFN_MACRO_PREFIX={prefix}");
    // The interpreter asked, as a process of its own, about modules the
    // compiler's interpreter (which runs no `.pth` code) cannot find.
    let executable = pyo3_build_config::get()
        .executable()
        .map(|exe| exe.to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=PYFN_MACRO_PYTHON_EXE={executable}");
    println!("cargo:rerun-if-changed=build.rs");
    // The macro's checks depend on what the build interpreter finds: a
    // change of these rebuilds this crate, and so re-expands its users.
    for var in [
        "PYO3_PYTHON",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSAFEPATH",
        "PYTHONNOUSERSITE",
        "PYTHONUSERBASE",
        "PYTHONPLATLIBDIR",
        "VIRTUAL_ENV",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
}
