use pyfn::py_fn;

py_fn! {
    def norm(p: complex) -> float:
        return abs(p)
}

fn main() {}
