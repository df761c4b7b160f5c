// The names pyfn's generated Python uses cannot be captured.
use pyfn::py_fn;

fn main() {
    let _pyfn_closure = 1_i64;
    let f = py_fn! { |x: i64| -> i64 {
        return x + _pyfn_closure
    }};
    let _ = f(1);
}
