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

py_module! {
    /// A package of the crate: editing any of its files rebuilds the crate.
    mod textkit {
        package = "python/textkit";
        pub fn shout(text: &str) -> String;
    }
}

fn main() -> pyfn::Result<()> {
    assert_eq!(add(2, 3)?, 5);
    println!("python {}", interpreter()?);
    println!("{}", textkit::shout("pyfn")?);
    println!("{}", greeting::greet("pyfn")?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(super::add(40, 2).unwrap(), 42);
    }

    /// pyo3 through the re-export, without a pyo3 dependency of its own
    /// (so without pyo3's `auto-initialize`): `pyfn::initialize` first,
    /// then `Python::attach`, and pyo3's derive macros.
    #[test]
    fn pyo3_through_pyfn() {
        use pyfn::pyo3::prelude::*;

        #[derive(FromPyObject)]
        #[pyo3(crate = "pyfn::pyo3")]
        struct Pair(i64, i64);

        pyfn::initialize().expect("CPython starts");
        let Pair(a, b) = Python::attach(|py| {
            py.eval(c"(1, 2)", None, None)
                .and_then(|pair| pair.extract())
                .expect("a pair")
        });
        assert_eq!((a, b), (1, 2));
    }
}
