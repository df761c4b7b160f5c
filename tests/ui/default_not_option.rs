use pyfn::py_fn;

py_fn! {
    fn greet(#[py(default = "'world'")] name: String) -> String {
        return "hello " + name
    }
}

fn main() {}
