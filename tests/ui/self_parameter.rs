use pyfn::py_fn;

py_fn! {
    fn area(&self) -> f64 {
        return 1.0
    }
}

fn main() {}
