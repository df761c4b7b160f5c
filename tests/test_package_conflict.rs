//! A module of the package's name already imported from elsewhere: pyfn
//! neither replaces nor reuses it, its functions return an error (a test
//! file of its own: `sys.modules` is the process's).

use pyfn::py_module;
use pyfn::pyo3::prelude::*;

py_module! {
    mod shapes {
        package = "tests/python/shapes";
        pub fn area(w: i64, h: i64) -> i64;
    }
}

py_module! {
    /// The same package again: reused.
    mod same {
        package = "tests/python/shapes";
        pub fn area(w: i64, h: i64) -> i64;
    }
}

py_module! {
    /// Another directory of the same name.
    mod other {
        package = "tests/python/other/shapes";
        pub fn area(w: i64, h: i64) -> i64;
    }
}

#[test]
fn a_module_of_the_same_name_imported_elsewhere_is_an_error() {
    Python::attach(|py| {
        py.run(
            c"import sys, types\nm = types.ModuleType('shapes')\nm.__file__ = '/elsewhere/shapes/__init__.py'\nsys.modules['shapes'] = m\n",
            None,
            None,
        )
        .unwrap();
    });
    let err = shapes::area(2, 3).expect_err("the name is taken");
    let message = err.to_string();
    assert!(
        message.contains(
            "a module named `shapes` is already imported, from /elsewhere/shapes/__init__.py"
        ),
        "{message}"
    );
    assert_eq!(err.kind(), pyfn::ErrorKind::Function, "{err:?}");
    // The other module stays as it was.
    Python::attach(|py| {
        let modules = py.import("sys").unwrap().getattr("modules").unwrap();
        let file: String = modules
            .get_item("shapes")
            .unwrap()
            .getattr("__file__")
            .unwrap()
            .extract()
            .unwrap();
        assert_eq!(file, "/elsewhere/shapes/__init__.py");
    });
    // Once it is gone, the package imports.
    Python::attach(|py| {
        py.run(c"import sys\ndel sys.modules['shapes']\n", None, None)
            .unwrap();
    });
    assert_eq!(shapes::area(2, 3).expect("imports now"), 6);
    // Another `py_module!` of the same directory shares the import.
    assert_eq!(same::area(2, 3).expect("the same package"), 6);
    // Another embedded directory of that name is refused, not mixed in.
    let message = other::area(2, 3)
        .expect_err("the name is taken")
        .to_string();
    assert!(
        message.contains(
            "a module named `shapes` is already imported, from tests/python/shapes/__init__.py"
        ),
        "{message}"
    );
    assert_eq!(shapes::area(2, 3).expect("still the first"), 6);
}
