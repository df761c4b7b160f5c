//! Makes pyfn's own tests and examples find libpython, and tells dependants
//! (through `links = "pyfn"`) where it is, for `pyfn-build`.

fn main() {
    let config = pyo3_build_config::get();
    // Tests, examples and benches of this package load libpython at start-up;
    // a pyenv or other non-system CPython is not on the loader path.
    pyo3_build_config::add_libpython_rpath_link_args();
    // Read by `pyfn_build::setup()` in a user's build script as
    // `DEP_PYFN_LIB_DIR` / `DEP_PYFN_VERSION`.
    if let Some(dir) = config.lib_dir() {
        println!("cargo:lib_dir={dir}");
    }
    let version = format!("{}.{}", config.version().major, config.version().minor);
    println!("cargo:version={version}");
    // The runtime compares it with the CPython it runs on.
    println!("cargo:rustc-env=PYFN_BUILD_PYTHON={version}");
    // `Py_IsFinalizing` is public from 3.13 on; `_Py_IsFinalizing` before.
    println!("cargo:rustc-check-cfg=cfg(pyfn_py313)");
    if (config.version().major, config.version().minor) >= (3, 13) {
        println!("cargo:rustc-cfg=pyfn_py313");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
