// A function whose Python fails the check is still emitted (as a stub), so
// that `main` calling it sees this one error and nothing else.
use pyfn::py_fn;

py_fn! {
    fn mean(values: Vec<f64>) -> f64 {
        total = sum(values)
        return totl / len(values)
    }
}

fn main() -> pyfn::Result<()> {
    let m: f64 = mean(vec![1.0, 2.0])?;
    println!("{m}");
    Ok(())
}
