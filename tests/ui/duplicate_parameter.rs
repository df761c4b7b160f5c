use pyfn::py_fn;

py_fn! {
    fn add(a: i64, a: i64) -> i64 {
        return a + a
    }
}

fn main() {}
