use pyfn::py_fn;

py_fn! {
    def gather(first: int, *rest, **named) -> int:
        return first + len(rest) + len(named)
}

fn main() {}
