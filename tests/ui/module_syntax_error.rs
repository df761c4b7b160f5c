use pyfn::py_module;

py_module! {
    mod broken {
        source = r#"
            LIMIT = 10

            def check(x):
                if x > LIMIT
                    return True
                return False
        "#;
        pub fn check(x: i64) -> bool;
    }
}

fn main() {}
