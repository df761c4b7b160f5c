use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn count(items: Vec<String>) -> i64 {
        if not items:
            return "none"
        return len(items)
    }
}

fn main() {}
