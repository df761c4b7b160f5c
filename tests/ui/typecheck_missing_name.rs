use pyfn::py_fn;
use std::collections::HashMap;

py_fn! {
    #[py(typecheck)]
    fn encode(data: HashMap<String, i64>) -> String {
        from json import dumsp
        return dumsp(data)
    }
}

fn main() {}
