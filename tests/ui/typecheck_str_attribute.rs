use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn shout(s: &str) -> String {
        return s.uper() + "!"
    }
}

fn main() {}
