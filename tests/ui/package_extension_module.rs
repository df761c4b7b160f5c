use pyfn::py_module;

// trybuild builds this case in target/tests/trybuild/pyfn: the package
// directory is relative to that `Cargo.toml`. `_speedups.abi3.so` is a
// compiled extension module, which the embedded package cannot import.
py_module! {
    mod limits {
        package = "../../../../tests/ui/packages/pkg_extension";
        pub fn limit(x: i64) -> i64;
    }
}

fn main() {}
