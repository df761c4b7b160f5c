use pyfn::py_fn;

py_fn! {
    fn mean(xs: Vec<f64>) -> f64 {r#"
        total = sum(xs)
        return (total / len(xs)
    "#}
}

fn main() {}
