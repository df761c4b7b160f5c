use pyfn::py_fn;

py_fn! {
    def scale(x, factor: float) -> float:
        return x * factor
}

fn main() {}
