use pyfn::py_fn;

fn main() {
    let scale = 3;
    let f = py_fn!(|x: i64| -> i64 { return x * scale + ofset });
    let _ = f(1);
}
