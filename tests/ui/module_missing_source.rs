use pyfn::py_module;

py_module! {
    mod nothing {
        pub fn f() -> i64;
    }
}

fn main() {}
