//! A Python package of three files, importing each other (relative and
//! absolute), exposed to Rust with `py_module!`'s `package` form.
//!
//! Run it with `cargo run --example package`. The files are embedded in
//! the binary: it runs with no `.py` file present.

use pyfn::py_module;

py_module! {
    /// `examples/python/invoicing/`: `__init__.py`, `money.py`, `tax.py`,
    /// checked as a whole at build time; editing any of them rebuilds.
    mod invoicing {
        package = "examples/python/invoicing";
        // From the package's `__init__.py`; `country` has a default.
        pub fn total(lines: Vec<(String, i64, i64)>, country: Option<&str>) -> String;
        // From its submodule `invoicing.tax`.
        #[py(module = "tax")]
        pub fn rate(country: &str) -> f64;
    }
}

fn main() -> pyfn::Result<()> {
    let lines = vec![("coffee".to_owned(), 3, 250), ("cake".to_owned(), 2, 390)];
    println!("total (DE): {}", invoicing::total(lines.clone(), None)?);
    println!(
        "total (FR): {}",
        invoicing::total(lines.clone(), Some("FR"))?
    );
    println!("VAT in LU: {}", invoicing::rate("LU")?);
    // A Python exception is a `pyfn::Error`, its traceback through the
    // package's files.
    let err = invoicing::total(lines, Some("XX")).expect_err("no such rate");
    println!("error: {err}");
    Ok(())
}
