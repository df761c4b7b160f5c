use pyfn::py_module;

py_module! {
    #[py(reload)]
    mod inline {
        source = r#"
            def twice(x):
                return 2 * x
        "#;
        pub fn twice(x: i64) -> i64;
    }
}

fn main() {}
