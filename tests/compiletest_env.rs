//! Compile-fail cases that need the build's environment set (each case of
//! `tests/ui-env/`; `scripts/diagnostics-doc` lists them with `tests/ui/`'s):
//! the type checker replaced, with `PYFN_TY`, by one that never answers,
//! and a limit of 1 s (`PYFN_TYPECHECK_TIMEOUT`). A test binary of its own:
//! the variables are set for the whole process, which only this test runs.

#[cfg(unix)]
#[test]
fn typecheck_timeout() {
    let fake = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui-env/sleeping-ty");
    // SAFETY: no other thread of this process reads or writes the
    // environment (its only test, before trybuild starts anything).
    unsafe {
        std::env::set_var("PYFN_TY", &fake);
        std::env::set_var("PYFN_TYPECHECK_TIMEOUT", "1");
        std::env::remove_var("PYFN_TYPECHECK_SERVER");
    }
    trybuild::TestCases::new().compile_fail("tests/ui-env/*.rs");
}
