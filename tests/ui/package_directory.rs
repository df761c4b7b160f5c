use pyfn::py_module;

py_module! {
    mod absolute {
        package = "/usr/lib/python3/mypkg";
        pub fn f(x: i64) -> i64;
    }
}

py_module! {
    mod not_a_name {
        package = "python/my-package";
        pub fn f(x: i64) -> i64;
    }
}

py_module! {
    mod missing {
        package = "python/no_such_package";
        pub fn f(x: i64) -> i64;
    }
}

fn main() {}
