// A module whose Python fails the check keeps every declared function, so
// that calls to them add no error.
use pyfn::py_module;

py_module! {
    mod stats {
        source = r#"
            def mean(values):
                return sum(values) / lenght(values)

            def double(x: int) -> int:
                return 2 * x
        "#;
        pub fn mean(values: Vec<f64>) -> f64;
        pub def double;
    }
}

fn main() -> pyfn::Result<()> {
    let m: f64 = stats::mean(vec![1.0])?;
    println!("{m}");
    Ok(())
}
