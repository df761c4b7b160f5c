use pyfn::py_fn;

fn main() {
    let f = py_fn!(|x| -> i64 { return x });
    let _ = f(1);
}
