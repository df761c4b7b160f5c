//! A `.py` file and an inline module, exposed to Rust with `py_module!`.
//!
//! Run it with `cargo run --example modules`.

use pyfn::py_module;

py_module! {
    /// `examples/python/units.py`, checked at build time; editing it
    /// rebuilds this example.
    mod units {
        file = "examples/python/units.py";
        // Declared by name: the annotations give `fn(f64) -> f64`.
        pub def celsius_to_fahrenheit;
        // `to` has a Python default: `None` uses it.
        pub fn convert(value: f64, unit: &str, to: Option<&str>) -> f64;
    }
}

py_module! {
    /// An inline module: a constant, a helper and an exposed function.
    mod stats {
        source = r#"
            import statistics

            MIN_SAMPLES = 2

            def _clean(values):
                return [v for v in values if v == v]  # drop NaNs

            def summary(values):
                values = _clean(values)
                if len(values) < MIN_SAMPLES:
                    raise ValueError(f"need at least {MIN_SAMPLES} values")
                return (statistics.mean(values), statistics.stdev(values))
        "#;
        pub fn summary(values: Vec<f64>) -> (f64, f64);
    }
}

fn main() -> pyfn::Result<()> {
    println!("100 °C = {} °F", units::celsius_to_fahrenheit(100.0)?);
    println!("5 km = {:.3} mi", units::convert(5.0, "km", Some("mi"))?);
    println!("3 ft = {:.4} m", units::convert(3.0, "ft", None)?);
    match units::convert(1.0, "parsec", None) {
        Ok(_) => unreachable_python(),
        Err(err) => println!("error, as expected: {err}"),
    }
    let (mean, stdev) = stats::summary(vec![2.0, 4.0, f64::NAN, 4.0, 5.0])?;
    println!("mean {mean}, stdev {stdev:.3}");
    Ok(())
}

fn unreachable_python() {
    eprintln!("the Python function should have raised");
    std::process::exit(1);
}
