// A `def`-form function whose body fails the check keeps the signature its
// annotations give: calls to it type-check.
use pyfn::py_fn;

py_fn! {
    def area(r: float, n: int = 3) -> float:
        return n * r * r * sin(3.14 / n)

    def label(x: int) -> str:
        return str(x)
}

fn main() -> pyfn::Result<()> {
    let a: f64 = area(1.0, None)?;
    let l: String = label(2)?;
    println!("{a} {l}");
    Ok(())
}
