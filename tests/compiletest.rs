//! Compile-fail cases: one per diagnostic, each `.stderr` reviewed.
//!
//! CPython's messages change between versions (3.9 says "invalid syntax"
//! where 3.11 says "expected ':'"), so the `.stderr` files hold the wording
//! of the interpreter they were written with, CPython 3.11. Under another
//! interpreter this test says so and checks nothing; every other test runs
//! under all of 3.9 to 3.13.

const PINNED: (u8, u8) = (3, 11);

#[test]
fn ui() {
    let version = pyfn::pyo3::Python::attach(|py| {
        let info = py.version_info();
        (info.major, info.minor)
    });
    if version != PINNED {
        eprintln!(
            "ui cases pin CPython {}.{} messages; this build uses {}.{}: not compared",
            PINNED.0, PINNED.1, version.0, version.1
        );
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
