use pyfn::py_fn;

py_fn! {
    fn half(x: i64) -> i64 {
        return x // 2
    }
}

fn main() {}
