use pyfn::py_fn;

py_fn! {
    fn greeting() -> &'static str {
        return "hello"
    }
}

fn main() {}
