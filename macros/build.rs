//! rustc loads this proc-macro into its own process, and the macro starts
//! CPython. Without an rpath to the libpython pyo3 was configured for, the
//! loader picks whatever `libpython3.x.so` is on the system path (Debian's
//! 3.11, say), not the one `PYO3_PYTHON` names.

fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
    println!("cargo:rerun-if-changed=build.rs");
    // The macro's checks depend on what the build interpreter finds: a
    // change of these rebuilds this crate, and so re-expands its users.
    for var in [
        "PYO3_PYTHON",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSAFEPATH",
        "PYTHONNOUSERSITE",
        "VIRTUAL_ENV",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
}
