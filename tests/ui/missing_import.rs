use pyfn::py_fn;

py_fn! {
    fn mean(xs: Vec<f64>) -> f64 {
        import numpyy as np
        return float(np.mean(xs))
    }
}

fn main() {}
