// `#[py(allow(…))]` takes the names of the analysis' checks only.
use pyfn::py_fn;

py_fn! {
    #[py(allow(undefined_names))]
    fn f(x: i64) -> i64 {
        return x
    }
}

fn main() {}
