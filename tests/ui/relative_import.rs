use pyfn::py_fn;

py_fn! {
    fn helper() -> i64 {
        from . import sibling
        return sibling.VALUE
    }
}

fn main() {}
