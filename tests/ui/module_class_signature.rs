use pyfn::py_module;
use pyfn::pyo3::{Py, PyAny};

py_module! {
    mod shapes {
        source = r#"
            from dataclasses import dataclass

            class Greeter:
                def __init__(self, name, punctuation="!"):
                    self.name = name

            @dataclass
            class Point:
                x: float
                y: float = 0.0

            make = Greeter
        "#;
        #[allow(non_snake_case)]
        pub fn Greeter(nom: &str) -> Py<PyAny>;
        #[allow(non_snake_case)]
        pub fn Point(y: f64) -> Py<PyAny>;
        pub fn make() -> Py<PyAny>;
    }
}

fn main() {}
