use pyfn::py_fn;

py_fn! {
    fn first<T>(items: Vec<T>) -> T {
        return items[0]
    }
}

fn main() {}
