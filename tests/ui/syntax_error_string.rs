use pyfn::py_fn;

py_fn! {
    fn greet(name: &str) -> String {r#"
        if name:
            return f"hello {name}"
        else
            return "hello"
    "#}
}

fn main() {}
