use pyfn::py_fn;

py_fn! {
    fn double(x: i64) -> i64 {
        # twice the input
        return x * 2
    }
}

fn main() {}
