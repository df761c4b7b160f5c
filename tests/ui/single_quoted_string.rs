use pyfn::py_fn;

py_fn! {
    fn label() -> String {
        return 'x
    }
}

fn main() {}
