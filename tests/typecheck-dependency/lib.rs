//! A dependency's code that ty finds wrong (`str` has no `uper`): valid
//! for CPython's own checks, an error when type-checked.

use pyfn::py_fn;

py_fn! {
    /// Upper-cases `s` (misspelt on purpose).
    pub fn shout(s: &str) -> String {
        return s.uper()
    }
}
