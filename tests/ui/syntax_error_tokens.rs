use pyfn::py_fn;

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        total = a +
        return total
    }
}

fn main() {}
