use pyfn::py_fn;

py_fn! {
    def double(x: int):
        return x * 2
}

fn main() {}
