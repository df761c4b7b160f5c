use pyfn::py_fn;

py_fn! {
    fn span(#[py(default = "0")] start: Option<i64>, end: i64) -> i64 {
        return end - start
    }
}

fn main() {}
