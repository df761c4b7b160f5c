use pyfn::py_fn;

py_fn! {
    fn one(x: i64) -> i64 {
        return x +
    }

    fn two(class: i64) -> i64 {
        return 2
    }

    fn three() -> i64 {
        return 3
    }
}

fn main() {
    // `three` compiled; `one` still exists as a stub: no cascade.
    let _ = one(1);
    let _ = three();
}
