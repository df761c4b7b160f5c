use pyfn::py_module;

py_module! {
    mod maths {
        source = r#"
            def clamp(x, low, high):
                return max(low, min(x, high))
        "#;
        pub fn clamp(x: f64, low: f64) -> f64;
        pub fn clamp_more(x: f64, low: f64, high: f64, extra: f64) -> f64;
    }
}

fn main() {}
