//! Build-script helper for crates that use [pyfn](https://docs.rs/pyfn).
//!
//! A program that calls Python through pyfn links `libpython`. When that
//! library is not on the system loader path (pyenv, a self-built CPython,
//! conda, …) the program fails to start, or silently picks up another
//! CPython. One call in the crate's `build.rs` fixes it for every binary,
//! test, example and bench of the crate:
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     pyfn_build::setup();
//! }
//! ```
//!
//! with, in `Cargo.toml`:
//!
//! ```toml
//! [dependencies]
//! pyfn = "0.1"
//!
//! [build-dependencies]
//! pyfn-build = "0.1"
//! ```
//!
//! No direct `pyo3` dependency is needed: pyfn's own build script publishes
//! the directory of the `libpython` that pyo3 was configured for (through
//! Cargo's `links` metadata), and this crate turns it into an `rpath`.

// The examples are build scripts: their `fn main` is the point.
#![allow(clippy::needless_doctest_main)]

use std::env;

/// What [`setup`] found, returned by [`try_setup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The directory holding `libpython`, added to the binaries' `rpath`
    /// (`None` when CPython did not report one, e.g. a static build).
    pub lib_dir: Option<String>,
    /// The `major.minor` version of the CPython pyfn was built against.
    pub python_version: String,
}

/// Why [`try_setup`] could not configure the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The crate whose build script called this does not depend on `pyfn`
    /// directly, so Cargo did not pass pyfn's metadata to it.
    NoPyfnDependency,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoPyfnDependency => f.write_str(
                "pyfn-build: `DEP_PYFN_VERSION` is not set; add `pyfn` to this crate's \
                 [dependencies] (Cargo only passes pyfn's build metadata to direct dependants)",
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Configures the calling build script's crate to find the `libpython` pyfn
/// was built against. Call it from `build.rs`.
///
/// It prints a Cargo warning and does nothing else when the crate does not
/// depend on `pyfn` directly; use [`try_setup`] to handle that case yourself.
///
/// ```no_run
/// fn main() {
///     pyfn_build::setup();
/// }
/// ```
pub fn setup() {
    if let Err(err) = try_setup() {
        println!("cargo:warning={err}");
    }
}

/// Like [`setup`], but reports what it did, or why it could not.
///
/// # Errors
///
/// [`Error::NoPyfnDependency`] when Cargo did not pass pyfn's metadata,
/// i.e. the crate does not list `pyfn` in its `[dependencies]`.
///
/// ```no_run
/// fn main() {
///     let setup = pyfn_build::try_setup().expect("pyfn is a dependency");
///     println!("cargo:warning=building against CPython {}", setup.python_version);
/// }
/// ```
pub fn try_setup() -> Result<Setup, Error> {
    let python_version = env::var("DEP_PYFN_VERSION").map_err(|_| Error::NoPyfnDependency)?;
    let lib_dir = env::var("DEP_PYFN_LIB_DIR")
        .ok()
        .filter(|dir| !dir.is_empty());
    if let Some(dir) = &lib_dir
        && let Some(arg) = rpath_arg(&env::var("CARGO_CFG_TARGET_OS").unwrap_or_default(), dir)
    {
        println!("cargo:rustc-link-arg={arg}");
    }
    Ok(Setup {
        lib_dir,
        python_version,
    })
}

/// The linker argument that adds `dir` to the run-time search path, for the
/// target operating systems that have one.
fn rpath_arg(target_os: &str, dir: &str) -> Option<String> {
    match target_os {
        // Windows finds DLLs through PATH; wasm has no rpath.
        "windows" | "cygwin" | "wasi" | "unknown" | "" => None,
        _ => Some(format!("-Wl,-rpath,{dir}")),
    }
}

#[cfg(test)]
mod tests {
    use super::rpath_arg;

    #[test]
    fn rpath_on_unix_only() {
        assert_eq!(
            rpath_arg("linux", "/opt/py/lib").as_deref(),
            Some("-Wl,-rpath,/opt/py/lib")
        );
        assert_eq!(
            rpath_arg("macos", "/opt/py/lib").as_deref(),
            Some("-Wl,-rpath,/opt/py/lib")
        );
        assert_eq!(rpath_arg("windows", "C:/py"), None);
    }
}
