use pyfn::py_fn;

struct Point {
    x: f64,
}

py_fn! {
    fn norm(p: Point) -> f64 {
        return abs(p)
    }
}

fn main() {
    let _ = Point { x: 1.0 }.x;
}
