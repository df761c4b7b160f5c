// A closure whose Python does not compile is still a closure of the same
// type: calling it adds no error.
use pyfn::py_fn;

fn main() -> pyfn::Result<()> {
    let k = 3_i64;
    let scale = py_fn! { |x: i64| -> i64 {
        return x * k +
    }};
    let y: i64 = scale(2)?;
    println!("{y}");
    Ok(())
}
