use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn next_id(last: Option<i64>) -> i64 {
        return last + 1
    }
}

fn main() {}
