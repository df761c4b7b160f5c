use pyfn::py_module;

py_module! {
    mod colors {
        source = r#"
            def hls_to_rgb(h, l, s):
                return (l, l, l)
        "#;
        pub fn hsl_to_rgb(h: f64, l: f64, s: f64) -> (f64, f64, f64);
    }
}

fn main() {}
