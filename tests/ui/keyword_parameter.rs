use pyfn::py_fn;

py_fn! {
    fn apply(lambda: i64) -> i64 {
        return lambda
    }
}

fn main() {}
