use pyfn::py_fn;

py_fn! {
    fn sign(x: i64) -> i64 {"
    if x < 0:
        return -1
	return 1
"}
}

fn main() {}
