use pyfn::py_fn;

py_fn! {
    fn identity(x: pyfn::pyo3::Bound<'py, pyfn::pyo3::PyAny>) -> i64 {
        return x
    }
}

fn main() {}
