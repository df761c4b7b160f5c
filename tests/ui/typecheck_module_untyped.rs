use pyfn::py_module;

// Gradual typing, as mypy does it: the body of a `def` with no annotation
// that Rust does not call by name is not judged (`helper`, and `loose`
// nested in `strict`); an annotated `def` is (`strict`), and so is a
// declared function (`count`, annotated from its Rust signature) and the
// module's top level.
py_module! {
    #[py(typecheck)]
    mod text {
        source = r#"
            def helper(s):
                return s.uper()

            def strict(s: str) -> str:
                def loose(t):
                    return t.uper()
                return loose(s) + s.uper()

            def count(s):
                return helper(s) + s.uper()

            LIMIT: int = "ten"
        "#;
        pub fn count(s: &str) -> i64;
    }
}

fn main() {}
