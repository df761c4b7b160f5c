use pyfn::py_module;

// trybuild builds this case in target/tests/trybuild/pyfn: the package
// directory is relative to that `Cargo.toml`. Its modules are type-checked
// together: `label`'s error needs `rate`'s type from `tax.py`, and
// `money.py`'s is reported at its own line.
py_module! {
    #[py(typecheck)]
    mod invoicing {
        package = "../../../../tests/ui/packages/pkg_typecheck";
        pub fn total(amount: i64, country: &str) -> String;
        pub fn label(country: &str) -> String;
    }
}

fn main() {}
