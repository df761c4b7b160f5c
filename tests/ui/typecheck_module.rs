use pyfn::py_module;

py_module! {
    #[py(typecheck)]
    mod names {
        source = r#"
            def greet(name: str) -> str:
                return "hello " + name.titel()
        "#;
        pub def greet;
    }
}

fn main() {}
