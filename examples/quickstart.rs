//! The README's first example: two Python functions called from Rust.
//!
//! Run it with `cargo run --example quickstart`.

use pyfn::py_fn;

py_fn! {
    /// Adds in Python.
    pub fn add(a: i64, b: i64) -> i64 {
        return a + b
    }
}

py_fn! {
    /// Turns a title into a URL slug with Python's `re`.
    pub fn slug(title: &str) -> String {r#"
        import re
        return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    "#}
}

fn main() -> pyfn::Result<()> {
    assert_eq!(add(2, 3)?, 5);
    assert_eq!(slug("Hello, World!")?, "hello-world");
    println!("add(2, 3) = {}", add(2, 3)?);
    println!("slug(\"Hello, World!\") = {:?}", slug("Hello, World!")?);
    Ok(())
}
