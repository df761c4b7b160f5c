use pyfn::py_fn;

fn main() {
    let f = py_fn!(|lambda: i64, (a, b): (i64, i64)| -> i64 { return a });
    let _ = f(1, (2, 3));
}
