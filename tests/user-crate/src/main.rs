//! A user's program: prints the CPython it runs on, so `.ci/run` can check
//! it is the one the crate was built for, not whatever the loader found.

use pyfn::{py_fn, py_module};

py_fn! {
    /// Adds in Python.
    pub fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    /// The running interpreter's version and library.
    pub fn interpreter() -> String {r#"
        import sys, sysconfig
        return f"{sys.version.split()[0]} {sysconfig.get_config_var('LIBDIR')}"
    "#}
}

py_module! {
    /// A `.py` file of the crate: editing it rebuilds the crate.
    mod greeting {
        file = "python/greeting.py";
        pub fn greet(name: &str) -> String;
    }
}

fn main() -> pyfn::Result<()> {
    assert_eq!(add(2, 3)?, 5);
    println!("python {}", interpreter()?);
    println!("{}", greeting::greet("pyfn")?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(super::add(40, 2).unwrap(), 42);
    }
}
