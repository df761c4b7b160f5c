//! Closures whose parameters are named like the Python functions the
//! generated source defines around a closure (`def _pyfn_outer(captures…):`
//! holding `def _pyfn_closure(params…):`): valid Rust and Python names.
//! (Capturing a Rust variable of either name is refused at build time:
//! `tests/ui/closure_reserved_capture.rs`.) Run by `tests/hygiene.rs`
//! (trybuild `pass`).
#![deny(warnings)]

fn main() {
    let params = pyfn::py_fn! { |_pyfn_outer: i64, _pyfn_closure: i64| -> i64 {
        return _pyfn_outer * _pyfn_closure
    }};
    let scale = 5_i64;
    let captured = pyfn::py_fn! { |_pyfn_outer: i64| -> i64 { return _pyfn_outer * scale } };
    assert_eq!(params(3, 4).map_err(|err| err.to_string()), Ok(12));
    assert_eq!(captured(3).map_err(|err| err.to_string()), Ok(15));
}
