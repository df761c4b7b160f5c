use pyfn::py_fn;

py_fn! {
    fn scaled(x: f64, #[py(default = "DEFAULT_FACTOR")] factor: Option<f64>) -> f64 {
        return x * factor
    }
}

fn main() {}
