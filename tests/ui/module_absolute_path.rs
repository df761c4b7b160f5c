use pyfn::py_module;

py_module! {
    mod colors {
        file = "/usr/lib/python3/colorsys.py";
        pub fn rgb_to_hls(r: f64, g: f64, b: f64) -> (f64, f64, f64);
    }
}

fn main() {}
