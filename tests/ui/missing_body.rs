use pyfn::py_fn;

py_fn! {
    fn answer() -> i64;
}

fn main() {}
