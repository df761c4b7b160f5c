use pyfn::py_module;

// trybuild builds this case in target/tests/trybuild/pyfn: the package
// directory is relative to that `Cargo.toml`.
py_module! {
    mod limits {
        package = "../../../../tests/ui/packages/pkg_missing_function";
        pub fn limit(x: i64) -> i64;
        #[py(module = "helpers")]
        pub fn clamp(x: i64) -> i64;
    }
}

fn main() {}
