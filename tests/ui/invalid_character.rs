use pyfn::py_fn;

py_fn! {
    fn price() -> f64 {"
        return 3€
    "}
}

fn main() {}
