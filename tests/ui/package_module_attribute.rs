use pyfn::py_module;

py_module! {
    mod one_source {
        source = r#"
            def f(x):
                return x
        "#;
        #[py(module = "util")]
        pub fn f(x: i64) -> i64;
    }
}

py_module! {
    mod twice {
        package = "../../../../tests/ui/packages/pkg_missing_function";
        #[py(module = "util")]
        #[py(module = "util")]
        pub fn clamp(x: i64, lo: i64, hi: i64) -> i64;
    }
}

fn main() {}
