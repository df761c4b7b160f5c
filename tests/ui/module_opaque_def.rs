use pyfn::py_module;

py_module! {
    mod shapes {
        source = r#"
            import functools

            class Counter(dict):
                pass

            def area(w: float, h: float) -> float:
                return w * h

            square = functools.partial(area, h=1.0)
        "#;
        // Neither signature can be read without running the module: both
        // need a Rust signature (`fn Counter() -> …;`).
        pub def Counter;
        pub def square;
    }
}

fn main() {}
