use pyfn::py_fn;

py_fn! {
    fn shout(text: &str) -> String {r#"
        # upper-case, with emphasis
        return txt.upper() + "!"
    "#}
}

fn main() {}
