use std::collections::HashMap;

use pyfn::py_fn;

py_fn! {
    // The checker sees `*values: "int"`, `sep: "str" = ","` (keyword-only)
    // and `**named: "str"`.
    #[py(typecheck)]
    fn joined(#[py(args)] values: Vec<i64>, #[py(keyword, default = "','")] sep: Option<&str>, #[py(kwargs)] named: HashMap<String, String>) -> String {
        return sep.join(v.upper() for v in values) + str(named["a"] + 1)
    }
}

fn main() {}
