use pyfn::py_fn;

py_fn! {
    fn squares(n: i64) -> Vec<i64> {
        for i in range(n):
            yield i * i
    }
}

fn main() {}
