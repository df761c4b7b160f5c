//! Every form runs the code object compiled at build time, not its source
//! compiled again; the source is compiled instead where the embedded code
//! would not be the program's own (`-O`), with the result Python gives.
//! One test per process state: the counts are the process's.

use pyfn::{py_fn, py_module};

mod support;

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn shout(text: &str) -> String {r#"
        return text.upper() + "!"
    "#}

    fn greet(name: &str, #[py(default = "'hello'")] greeting: Option<&str>) -> String {
        return greeting + ", " + name
    }

    fn checked(x: i64) -> i64 {
        assert x > 0, "not positive"
        return x
    }
}

py_fn! {
    def area(r: float) -> float:
        return 3.0 * r * r
}

py_module! {
    mod colors {
        file = "tests/python/colorsys.py";
        pub fn rgb_to_hsv(r: f64, g: f64, b: f64) -> (f64, f64, f64);
    }
}

py_module! {
    mod inline {
        source = r#"
            def double(x):
                return 2 * x
        "#;
        pub fn double(x: i64) -> i64;
    }
}

/// `py_fn!` inside a `macro_rules!` of this file: its `file!()` is this
/// file, as is the invocation's.
macro_rules! triple {
    ($name:ident) => {
        py_fn! {
            fn $name(x: i64) -> i64 {
                return 3 * x
            }
        }
    };
}
triple!(triple);

/// Calls every function once; each builds its code object (the module
/// once for both of its calls).
fn call_all() -> usize {
    let scale = 10;
    let scaled = py_fn!(|x: i64| -> i64 { return x * scale });
    assert_eq!(add(2, 3).unwrap(), 5);
    assert_eq!(shout("hi").unwrap(), "HI!");
    assert_eq!(greet("ann", None).unwrap(), "hello, ann");
    assert_eq!(area(1.0).unwrap(), 3.0);
    assert_eq!(scaled(4).unwrap(), 40);
    assert_eq!(colors::rgb_to_hsv(1.0, 0.0, 0.0).unwrap(), (0.0, 1.0, 1.0));
    assert_eq!(inline::double(4).unwrap(), 8);
    assert_eq!(triple(2).unwrap(), 6);
    8
}

#[test]
fn every_form_loads_its_build_time_code() {
    if std::env::var_os("PYFN_BYTECODE_CHILD").is_some() {
        return optimized_child();
    }
    let built = call_all();
    assert_eq!(checked(1).unwrap(), 1);
    let err = checked(-1).unwrap_err();
    assert_eq!(err.exception_type(), Some("AssertionError"), "{err}");
    // Tracebacks name the `.rs` file and its line, as the source would.
    let traceback = err.traceback().unwrap_or_default();
    assert!(
        traceback.contains(file!()) && traceback.contains("assert x > 0"),
        "{traceback}"
    );
    assert_eq!(
        pyfn::__private::bytecode_counts(),
        (built + 1, 0),
        "(loaded, compiled)"
    );

    // Under `-O` the program compiles the sources: asserts are gone, as
    // they are in any Python program run with `-O`.
    let mut command = support::this_test("every_form_loads_its_build_time_code");
    command
        .env("PYFN_BYTECODE_CHILD", "1")
        .env("PYTHONOPTIMIZE", "1");
    let child = support::run(&mut command, std::time::Duration::from_secs(60));
    child.assert(
        child.success() && child.stdout.contains("1 passed"),
        "the optimised child failed",
    );
}

fn optimized_child() {
    let built = call_all();
    assert_eq!(checked(-1).unwrap(), -1);
    assert_eq!(pyfn::__private::bytecode_counts(), (0, built + 1));
}
