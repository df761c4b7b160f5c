use pyfn::py_fn;

py_fn! {
    #[py(allow_missing_modules)]
    fn plot() {
        import matplotlib
    }
}

fn main() {}
