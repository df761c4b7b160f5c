use pyfn::py_fn;

py_fn! {
    fn clamp(x: i64) -> i64 {
        if x < 0:
            return 0
          return x
    }
}

fn main() {}
