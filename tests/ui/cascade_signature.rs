// A signature pyfn refuses, but Rust accepts, is still emitted as a stub:
// only pyfn's errors are shown, not a cascade from callers.
use pyfn::py_fn;

py_fn! {
    async fn fetch(mut n: i64, (a, b): (i64, i64)) -> i64 {
        return n + a + b
    }
}

fn main() -> pyfn::Result<()> {
    let total: i64 = fetch(1, (2, 3))?;
    println!("{total}");
    Ok(())
}
