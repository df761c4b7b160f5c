//! pyenv's CPython (the default `python3` here) is not on the loader path:
//! embed libpython's directory as an rpath so `cargo run --release` finds it
//! without LD_LIBRARY_PATH. pyo3-build-config 0.25 has no
//! `add_libpython_rpath_link_args()` (that arrived in a later pyo3), so this
//! does what it does, from the same interpreter config pyo3 0.25 links.

fn main() {
    let config = pyo3_build_config::get();
    if config.shared
        && let Some(dir) = &config.lib_dir
    {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
