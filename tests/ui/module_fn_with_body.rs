use pyfn::py_module;

py_module! {
    mod m {
        source = "def f():\n    return 1\n";
        pub fn f() -> i64 {
            return 1
        }
    }
}

fn main() {}
