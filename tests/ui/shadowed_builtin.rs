// A function named like a builtin its body calls: in Python the name is
// the function itself, so the call would recurse.
use pyfn::py_fn;

py_fn! {
    pub fn sum(values: Vec<i64>) -> i64 {
        return sum(values)
    }
}

fn main() {}
