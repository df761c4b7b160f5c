use pyfn::py_fn;

py_fn! {
    fn pattern(text: &str) -> bool {
        import re
        return re.match(r#"\d+"#, text) is not None
    }
}

fn main() {}
