//! Compile-fail cases: one per diagnostic, each `.stderr` reviewed.
//!
//! CPython's messages change between versions (3.9 says "invalid syntax"
//! where 3.11 says "expected ':'"), and some diagnostics name the build
//! interpreter, so the `.stderr` files hold the output of one interpreter:
//! the one in `tests/ui/INTERPRETER` (CI's default CPython). Under another
//! interpreter this test says so and compares nothing; every other test
//! runs under all of CPython 3.9 to 3.13.

use pyfn::pyo3::types::PyAnyMethods;

#[test]
fn ui() {
    let pinned = include_str!("ui/INTERPRETER").trim();
    let current = pyfn::pyo3::Python::attach(|py| {
        let sys = py.import("sys").expect("sys");
        let version: String = sys
            .getattr("version")
            .expect("version")
            .extract()
            .expect("str");
        let prefix: String = sys
            .getattr("prefix")
            .expect("prefix")
            .extract()
            .expect("str");
        format!(
            "CPython {} ({prefix})",
            version.split(' ').next().unwrap_or("")
        )
    });
    if current != pinned {
        eprintln!("ui cases hold the output of {pinned}; this build uses {current}: not compared");
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

/// `docs/diagnostics.md` lists every ui case (it is generated from them by
/// `scripts/diagnostics-doc`).
#[test]
fn every_diagnostic_is_documented() {
    let docs = include_str!("../docs/diagnostics.md");
    for entry in std::fs::read_dir("tests/ui").expect("tests/ui") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            let name = path.file_stem().expect("a name").to_string_lossy();
            let stderr = std::fs::read_to_string(path.with_extension("stderr"))
                .expect("each case has its .stderr");
            assert!(
                docs.contains(&format!("### `{name}`")) && docs.contains(stderr.trim_end()),
                "{name} is missing or stale in docs/diagnostics.md: run scripts/diagnostics-doc"
            );
        }
    }
}
