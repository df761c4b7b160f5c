use pyfn::py_module;

py_module! {
    mod shapes {
        source = r#"
            def scale(points: list[tuple[float, float]], factor: float, origin=(0, 0)) -> list:
                return [(x * factor, y * factor) for x, y in points]

            def label(name: str, count: int, *, sep) -> str:
                return f"{name}{sep}{count}"
        "#;
        pub fn scale(points: Vec<(f64, f64)>, ratio: f64) -> Vec<(f64, f64)>;
        pub fn label(name: &str, count: String) -> i64;
    }
}

fn main() {}
