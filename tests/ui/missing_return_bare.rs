use pyfn::py_fn;

py_fn! {
    fn first_even(xs: Vec<i64>) -> i64 {r#"
        for x in xs:
            if x % 2 == 0:
                print(x)
                return
        raise ValueError("no even number")
    "#}
}

fn main() {}
