use std::collections::HashMap;

use pyfn::py_module;

py_module! {
    mod logs {
        source = r#"
            def log(level, message):
                return level + ": " + message

            def tagged(*tags: str, **counts: int) -> str:
                return ",".join(tags) + str(sum(counts.values()))
        "#;
        pub fn log(level: &str, message: &str, #[py(args)] rest: Vec<String>, #[py(kwargs)] extra: HashMap<String, String>) -> String;
        pub fn tagged(#[py(args)] tags: Vec<i64>, #[py(kwargs)] counts: HashMap<String, String>) -> String;
    }
}

fn main() {}
