use pyfn::py_module;

// Functions declared with a Rust signature: their `def`s are checked as if
// annotated with its types (`s: str`, `-> int`, `width: int`).
py_module! {
    #[py(typecheck)]
    mod text {
        source = r#"
            def shout(s):
                return s.uper()

            def size(s, times=2):
                return s * times

            def pad(s, width="8"):
                return s.rjust(width)
        "#;
        pub fn shout(s: &str) -> i64;
        pub fn size(s: &str, times: Option<i64>) -> i64;
        pub fn pad(s: &str, width: Option<i64>) -> String;
    }
}

fn main() {}
