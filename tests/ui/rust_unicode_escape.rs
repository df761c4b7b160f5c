use pyfn::py_fn;

py_fn! {
    fn smile() -> String {
        return "\u{1F600}"
    }
}

fn main() {}
