use pyfn::py_fn;

py_fn! {
    fn byte() -> i64 {
        return 255u8
    }
}

fn main() {}
