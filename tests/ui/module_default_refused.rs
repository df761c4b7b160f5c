// A `py_module!` function's defaults are its `def`'s: a Rust default is
// refused, not silently ignored.
use pyfn::py_module;

py_module! {
    mod greetings {
        source = r#"
            def greet(name, greeting="hello"):
                return greeting + ", " + name
        "#;
        pub fn greet(name: &str, #[py(default = "'hi'")] greeting: Option<&str>) -> String;
    }
}

fn main() {}
