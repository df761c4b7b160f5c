//! Every `py_fn!` form under `forbid` rather than `deny`: the generated
//! code must not `#[allow]` any of these lints (an `allow` under `forbid`
//! is an error), nor trigger them. Run by `tests/hygiene.rs` (trybuild
//! `pass`). Not `py_module!`: its module imports the enclosing one's names
//! for the types of its signatures, with `#[allow(unused_imports)]`, which
//! a `forbid(unused_imports)` refuses (a known limit, in the README).
#![forbid(
    warnings,
    unused,
    unused_imports,
    unused_qualifications,
    unused_results,
    unsafe_code,
    missing_docs,
    nonstandard_style
)]

use pyfn::pyo3::types::PyAnyMethods;
use pyfn::pyo3::{Bound, PyAny, Python};

pyfn::py_fn! {
    /// Tokens.
    pub fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    /// A string body, a default.
    pub fn scaled(x: i64, #[py(default = "10")] k: Option<i64>) -> i64 {"
        return x * k  # comment
    "}

    /// A generator.
    pub fn countdown(n: i64) -> pyfn::Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }

    /// The `py` token.
    pub fn pair(py: Python<'py>, x: i64) -> Bound<'py, PyAny> {
        return [x, x]
    }
}

pyfn::py_fn! {
    /// The `def` form.
    pub def area(r: float, n: int = 4) -> float:
        return n * r * r / 2
}

fn main() {
    assert_eq!(add(2, 3).unwrap(), 5);
    assert_eq!(scaled(3, None).unwrap(), 30);
    assert_eq!(countdown(3).unwrap().map(Result::unwrap).sum::<i64>(), 6);
    Python::attach(|py| assert_eq!(pair(py, 1).unwrap().len().unwrap(), 2));
    assert_eq!(area(1.0, None).unwrap(), 2.0);
    let k = 4_i64;
    let times_k = pyfn::py_fn! { |x: i64| -> i64 { return x * k } };
    assert_eq!(times_k(2).unwrap(), 8);
}
