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
    // For the tests: the build's `python`, to make venvs of its version.
    println!(
        "cargo:rustc-env=PYFN_BUILD_PYTHON_EXE={}",
        config.executable().unwrap_or_default()
    );
    // `Py_IsFinalizing` is public from 3.13 on; `_Py_IsFinalizing` before.
    println!("cargo:rustc-check-cfg=cfg(pyfn_py313)");
    if (config.version().major, config.version().minor) >= (3, 13) {
        println!("cargo:rustc-cfg=pyfn_py313");
    }
    // From 3.12 on the current thread state is per thread, not the GIL
    // holder's (runtime/thread.rs, `attached`).
    println!("cargo:rustc-check-cfg=cfg(pyfn_py312)");
    if (config.version().major, config.version().minor) >= (3, 12) {
        println!("cargo:rustc-cfg=pyfn_py312");
    }
    ui_pin(&version);
    println!("cargo:rerun-if-changed=build.rs");
}

/// `tests/ui/*.stderr` hold the messages of one CPython major.minor, the
/// one in `tests/ui/PYTHON_VERSION`: `pyfn_ui_pinned` is set when this build
/// uses it, and `tests/compiletest.rs` ignores its `ui` test otherwise.
/// Without the file (a packaged crate built as a dependency) nothing is set.
/// A path that does not exist is not watched: Cargo would rerun this script
/// on every build.
fn ui_pin(version: &str) {
    println!("cargo:rustc-check-cfg=cfg(pyfn_ui_pinned)");
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let Ok(pin) = std::fs::read_to_string(dir.join("tests/ui/PYTHON_VERSION")) else {
        // The file may come back (a checkout): watch the directory it goes in.
        if dir.join("tests/ui").is_dir() {
            println!("cargo:rerun-if-changed=tests/ui");
        }
        return;
    };
    println!("cargo:rerun-if-changed=tests/ui/PYTHON_VERSION");
    if pin.trim() == version {
        println!("cargo:rustc-cfg=pyfn_ui_pinned");
    }
}
