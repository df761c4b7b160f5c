use pyfn::py_fn;

py_fn! {
    fn scaled(x: f64, #[py(default = "1.0 *")] factor: Option<f64>) -> f64 {
        return x * factor
    }
}

fn main() {}
