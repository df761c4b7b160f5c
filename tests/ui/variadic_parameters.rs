use std::collections::HashMap;

use pyfn::py_fn;

py_fn! {
    // `*args` takes a sequence, `**kwargs` a map.
    fn wrong_types(#[py(args)] values: i64, #[py(kwargs)] named: Vec<String>) -> i64 {
        return 0
    }
}

py_fn! {
    // Python's order: positional, `*args`, keyword-only, `**kwargs`.
    fn wrong_order(#[py(kwargs)] named: HashMap<String, i64>, #[py(keyword)] sep: &str, x: i64) -> i64 {
        return x
    }
}

py_fn! {
    fn twice(#[py(args)] a: Vec<i64>, #[py(args)] b: Vec<i64>, #[py(keyword, args)] c: Vec<i64>) -> i64 {
        return 0
    }
}

py_fn! {
    fn defaulted(#[py(args, default = "()")] values: Option<Vec<i64>>) -> i64 {
        return 0
    }
}

fn main() {}
