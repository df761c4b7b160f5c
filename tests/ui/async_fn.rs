use pyfn::py_fn;

py_fn! {
    async fn fetch() -> i64 {
        return 1
    }
}

fn main() {}
