use pyfn::py_module;

py_module! {
    mod text {
        source = r#"
            def render(text, *, width=10, fill="."):
                return text.ljust(width, fill)

            def scaled(x, factor=2, /, *, offset=0):
                return x * factor + offset

            def pad(text, *, left, right=0):
                return " " * left + text + " " * right

            def span(text, *, start=0, end=None):
                return text[start:end]
        "#;
        // `width` is keyword-only in Python: it must be marked.
        pub fn render(text: &str, width: Option<usize>) -> String;
        // `factor` is positional-only: it cannot go by name.
        pub fn scaled(x: i64, #[py(keyword)] factor: Option<i64>) -> i64;
        // `left` has no default. (Keyword-only parameters go by name, in
        // any order: `span` is accepted.)
        pub fn pad(text: &str, #[py(keyword)] right: Option<usize>, #[py(keyword)] margin: usize) -> String;
        pub fn span(text: &str, #[py(keyword)] end: Option<usize>, #[py(keyword)] start: Option<usize>) -> String;
    }
}

fn main() {}
