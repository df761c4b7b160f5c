//! Closures capturing Rust values, Python defaults, generators and the
//! `def` form.
//!
//! Run it with `cargo run --example closures`.

use pyfn::{Iter, py_fn};

py_fn! {
    /// A generator: `Iter<T>` drives it lazily.
    fn fibonacci() -> Iter<u64> {
        a, b = 0, 1
        while True:
            yield a
            a, b = b, a + b
    }

    /// `sep` has a Python default, used when Rust passes `None`.
    fn join(words: Vec<String>, #[py(default = "' '")] sep: Option<&str>) -> String {
        return sep.join(words)
    }
}

py_fn! {
    def clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
        return max(low, min(x, high))
}

fn main() -> pyfn::Result<()> {
    let scale = 3;
    let offset = 10_i64;
    let affine = py_fn! { |x: i64| -> i64 { return x * scale + offset } };
    println!("affine(2) = {}", affine(2)?);

    // Each closure captures its own values; the code is compiled once.
    let adders: Vec<_> = (1..=3)
        .map(|n: i64| py_fn! { |x: i64| -> i64 { return x + n } })
        .collect();
    for (i, add) in adders.iter().enumerate() {
        println!("adder {i}: 10 -> {}", add(10)?);
    }

    let first: Vec<u64> = fibonacci()?.take(10).collect::<pyfn::Result<_>>()?;
    println!("fibonacci: {first:?}");

    let words = vec![
        "closures".to_owned(),
        "and".to_owned(),
        "defaults".to_owned(),
    ];
    println!("{}", join(words.clone(), None)?);
    println!("{}", join(words, Some("-"))?);
    println!("clamp(1.7) = {}", clamp(1.7, None, None)?);
    Ok(())
}
