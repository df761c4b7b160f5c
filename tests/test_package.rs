//! `py_module!` with `package = "dir";`: a directory of `.py` files,
//! embedded, imported under the package's name through pyfn's finder.

use pyfn::py_module;
use pyfn::pyo3::prelude::*;

py_module! {
    /// `tests/python/shapes`: `__init__.py`, `util.py` and `sub/deep.py`
    /// (a directory without `__init__.py`, a Latin-1 encoding line), and
    /// `bommed.py` (a byte order mark).
    mod shapes {
        package = "tests/python/shapes";
        pub fn area(w: i64, h: i64) -> i64;
        pub fn deep(x: i64) -> i64;
        pub fn r#where() -> (String, String, String, String);
        pub fn fail() -> i64;
        #[py(module = "util")]
        pub fn double(x: i64) -> i64;
        #[py(module = "util")]
        pub fn location() -> (String, String, String);
        #[py(module = "sub.deep")]
        pub fn label() -> String;
        /// A file that starts with a byte order mark.
        #[py(module = "bommed")]
        pub fn marker() -> String;
    }
}

#[test]
fn package_functions_import_their_siblings() -> pyfn::Result<()> {
    assert_eq!(shapes::area(3, 4)?, 12);
    // `import shapes.sub.deep`, `from ..util import double`.
    assert_eq!(shapes::deep(5)?, 15);
    assert_eq!(shapes::double(21)?, 42);
    // The Latin-1 file, decoded as CPython decodes it.
    assert_eq!(shapes::label()?, "café");
    assert_eq!(shapes::marker()?, "été");
    Ok(())
}

#[test]
fn modules_have_their_import_attributes() -> pyfn::Result<()> {
    assert_eq!(
        shapes::r#where()?,
        (
            "shapes".to_owned(),
            "shapes".to_owned(),
            "__init__.py".to_owned(),
            "shapes".to_owned()
        )
    );
    assert_eq!(
        shapes::location()?,
        (
            "shapes.util".to_owned(),
            "shapes".to_owned(),
            "util.py".to_owned()
        )
    );
    Python::attach(|py| {
        let modules = py.import("sys").unwrap().getattr("modules").unwrap();
        let util = modules.get_item("shapes.util").expect("imported");
        let file: String = util.getattr("__file__").unwrap().extract().unwrap();
        assert_eq!(file, "tests/python/shapes/util.py");
        let package = modules.get_item("shapes").expect("imported");
        let path: Vec<String> = package.getattr("__path__").unwrap().extract().unwrap();
        assert!(path.is_empty(), "{path:?}");
        // A directory without `__init__.py` is a package too.
        let sub = modules.get_item("shapes.sub").expect("imported");
        assert!(sub.hasattr("__path__").unwrap());
        // `import shapes.util` from Python gives the same module.
        let again = py.import("shapes.util").unwrap();
        assert!(again.is(&util));
    });
    Ok(())
}

#[test]
fn tracebacks_name_the_package_files() {
    let err = shapes::fail().expect_err("raises");
    let traceback = err.traceback().unwrap_or_default();
    assert!(
        traceback.contains("tests/python/shapes/util.py\", line 9, in explode"),
        "{traceback}"
    );
    assert!(
        traceback.contains("raise ValueError(\"exploded in util\")"),
        "{traceback}"
    );
    assert!(
        traceback.contains("tests/python/shapes/__init__.py\", line 20, in fail"),
        "{traceback}"
    );
}

/// No file of the package is opened at run time: an audit hook records
/// every `open`, and a child process runs from an empty directory, where
/// the relative file names the package carries name nothing.
#[test]
fn no_python_file_is_read_at_run_time() {
    if std::env::var_os("PYFN_PACKAGE_CHILD").is_some() {
        let scope = Python::attach(|py| {
            let scope = pyo3::types::PyDict::new(py);
            py.run(
                c"import sys\nopened = []\nsys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == 'open' else None)\n",
                Some(&scope),
                None,
            )
            .unwrap();
            scope.unbind()
        });
        assert_eq!(shapes::deep(2).expect("runs"), 6);
        assert_eq!(shapes::label().expect("runs"), "café");
        let err = shapes::fail().expect_err("raises");
        assert!(
            err.traceback()
                .unwrap_or_default()
                .contains("raise ValueError")
        );
        let opened: Vec<String> = Python::attach(|py| {
            scope
                .bind(py)
                .get_item("opened")
                .unwrap()
                .unwrap()
                .extract()
                .unwrap()
        });
        let ours: Vec<&String> = opened
            .iter()
            .filter(|path| path.contains("shapes"))
            .collect();
        assert!(ours.is_empty(), "opened {ours:?}");
        // Here the file names the modules carry name no file at all.
        Python::attach(|py| {
            py.run(
                c"import os, sys\nfor name in ('shapes', 'shapes.util', 'shapes.sub.deep'):\n    assert not os.path.exists(sys.modules[name].__file__), name\n",
                None,
                None,
            )
            .expect("no package file where the modules say they are");
        });
        println!("CHILD OK");
        return;
    }
    let dir = std::env::temp_dir().join(format!("pyfn-package-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "no_python_file_is_read_at_run_time",
            "--nocapture",
        ])
        .env("PYFN_PACKAGE_CHILD", "1")
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("CHILD OK"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

py_module! {
    /// `tests/python/porous`: modules the package never imports here
    /// (`console.py`, Windows only, imported under `sys.platform ==
    /// "win32"`; `data/py2_grammar.py`, Python 2; `data/bad_coding.py`, an
    /// encoding CPython does not know) build, and fail only if imported,
    /// as in Python; `porous.extern.tool` comes from the package's own
    /// import hook.
    mod porous {
        package = "tests/python/porous";
        pub fn answer() -> i64;
        pub fn lazy() -> i64;
        pub fn load(name: &str) -> Py<PyAny>;
        /// From `porous.extern.tool`, which the package's own import hook
        /// (`extern/__init__.py`) finds: no file of that name.
        pub fn vendored() -> i64;
    }
}

#[test]
fn modules_the_package_never_imports_are_not_judged() {
    assert_eq!(porous::answer().unwrap(), 42);
    assert_eq!(porous::lazy().unwrap(), 42);
    assert_eq!(porous::vendored().unwrap(), 7);
    // Imported anyway: CPython's own error, when it is.
    let py2 = porous::load("data.py2_grammar").unwrap_err();
    assert_eq!(py2.exception_type(), Some("SyntaxError"), "{py2:?}");
    assert!(py2.to_string().contains("Missing parentheses"), "{py2}");
    let console = porous::load("console").unwrap_err();
    assert_eq!(
        console.exception_type(),
        Some("ModuleNotFoundError"),
        "{console:?}"
    );
    assert!(console.to_string().contains("msvcrt"), "{console}");
    // Not embedded (CPython cannot read it): not found.
    let bad = porous::load("data.bad_coding").unwrap_err();
    assert_eq!(bad.exception_type(), Some("ModuleNotFoundError"), "{bad:?}");
}
