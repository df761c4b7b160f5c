use pyfn::py_fn;

py_fn! {
    fn pass() {
        return None
    }
}

fn main() {}
