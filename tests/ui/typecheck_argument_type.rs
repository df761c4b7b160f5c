use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn digits(n: i64) -> i64 {
        return len(n)
    }
}

fn main() {}
