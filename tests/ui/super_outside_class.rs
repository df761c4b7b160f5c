use pyfn::py_fn;

py_fn! {
    fn name() -> String {
        return super().__repr__()
    }
}

fn main() {}
