use pyfn::py_fn;

py_fn! {
    fn sum_pair((a, b): (i64, i64)) -> i64 {
        return a + b
    }
}

fn main() {}
