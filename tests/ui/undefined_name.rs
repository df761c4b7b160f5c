use pyfn::py_fn;

py_fn! {
    fn average(values: Vec<f64>) -> f64 {
        total = sum(values)
        return totl / len(values)
    }
}

fn main() {}
