use pyfn::py_fn;

fn main() {
    let k = 2;
    let f = py_fn!(|x: i64| -> i64 { return x * k + });
    let _ = f(1);
}
