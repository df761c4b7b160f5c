//! Compile-fail cases: one per diagnostic, each `.stderr` reviewed.
//!
//! CPython's messages change between minor versions (3.9 says "invalid
//! syntax" where 3.11 says "expected ':'"), so the `.stderr` files hold the
//! output of one CPython major.minor: the one in `tests/ui/PYTHON_VERSION`
//! (CI's default CPython). The build script sets `pyfn_ui_pinned` when the
//! build interpreter is that version; under another, `ui` is reported as
//! ignored. Every other test runs under all of CPython 3.9 to 3.13.

/// The reason names the version in `tests/ui/PYTHON_VERSION`
/// (`ui_ignore_reason_names_the_pin` checks it): the test harness shows only
/// a literal reason.
#[test]
#[cfg_attr(
    not(pyfn_ui_pinned),
    ignore = "ui .stderr files hold CPython 3.11's messages (tests/ui/PYTHON_VERSION); this build uses another CPython"
)]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

#[test]
fn ui_ignore_reason_names_the_pin() {
    let pin = include_str!("ui/PYTHON_VERSION").trim();
    let reason = format!(
        "ignore = \"ui .stderr files hold CPython {pin}'s messages (tests/ui/PYTHON_VERSION);"
    );
    assert!(
        include_str!("compiletest.rs").contains(&reason),
        "the ignore reason of `ui` must name CPython {pin}, the version in tests/ui/PYTHON_VERSION"
    );
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
