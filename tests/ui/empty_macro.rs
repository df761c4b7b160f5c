use pyfn::py_fn;

py_fn! {}

fn main() {}
