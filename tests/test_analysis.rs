//! Code the build-time analysis must accept: every function here compiles
//! (no false positive) and behaves as Python says.

use pyfn::py_fn;
use pyfn::pyo3::types::PyAnyMethods;
use pyfn::pyo3::{Py, PyAny};

py_fn! {
    /// Always raises: no value is ever returned, and that is fine.
    fn always_raises(x: i64) -> i64 {
        raise ValueError("bad " + str(x))
    }

    /// Loops until it returns.
    fn first_power_above(limit: i64) -> i64 {
        n = 1
        while True:
            n *= 2
            if n > limit:
                return n
    }

    /// `None` is a fine value for an `Option`.
    fn maybe(flag: bool) -> Option<i64> {
        if flag:
            return 1
    }

    /// No return type: nothing to return.
    fn side_effect(values: Vec<i64>) {
        values.append(1)
    }

    /// A generator object is a fine `Py<PyAny>`.
    fn counter(n: i64) -> Py<PyAny> {
        for i in range(n):
            yield i
    }

    /// Builtins, the function's own name, `__name__` and `__file__`.
    fn introspect() -> (String, String, bool) {
        return (__name__, __file__, callable(introspect))
    }

    /// Recursion through the function's own name.
    fn fib(n: u64) -> u64 {
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    }
}

py_fn! {
    /// Names bound every way Python binds them.
    fn bindings(xs: Vec<i64>) -> i64 {r#"
        import math, collections.abc as cabc
        from functools import reduce
        total = 0
        for i, x in enumerate(xs):
            total += i * x
        with open(__file__) as handle:
            first = handle.readline()
        try:
            1 / 0
        except ZeroDivisionError as error:
            caught = type(error).__name__
        squares = [y * y for y in xs if (z := y) > 0]
        def helper(k, scale=len(xs)):
            return k * scale + total
        class Box:
            size = 3
            def get(self):
                return self.size + math.floor(1.5)
        global counter_value
        counter_value = 1
        lam = lambda a, *rest, **named: a + len(rest) + len(named)
        del first
        assert isinstance(xs, cabc.Sequence)
        return helper(1) + Box().get() + reduce(lambda a, b: a + b, squares, 0) \
            + lam(1, 2, b=3) + len(caught) + counter_value + z
    "#}
}

py_fn! {
    /// Optional and platform-specific imports are not checked.
    fn optional_imports(flag: bool) -> String {r#"
        try:
            import not_installed_anywhere_pyfn
        except ImportError:
            not_installed_anywhere_pyfn = None
        import sys
        if sys.platform == "win32":
            import winreg
        if flag:
            return "fallback" if not_installed_anywhere_pyfn is None else "found"
        return "unused"
    "#}

    /// The opt-out: a module only the machine running the program has.
    #[py(allow_missing_imports)]
    fn deployed_only(use_it: bool) -> i64 {
        if use_it:
            import pyfn_module_present_only_in_production
            return pyfn_module_present_only_in_production.VALUE
        return 0
    }
}

#[test]
fn raising_and_looping_bodies_work() {
    let err = always_raises(3).unwrap_err();
    assert_eq!(err.message(), "bad 3");
    assert_eq!(first_power_above(100).unwrap(), 128);
    assert_eq!(maybe(true).unwrap(), Some(1));
    assert_eq!(maybe(false).unwrap(), None);
    side_effect(vec![1, 2]).unwrap();
}

#[test]
fn generator_as_object() {
    let generator = counter(3).unwrap();
    pyfn::pyo3::Python::attach(|py| {
        let list = py.import("builtins").unwrap().getattr("list").unwrap();
        let items: Vec<i64> = list
            .call1((generator.bind(py),))
            .unwrap()
            .extract()
            .unwrap();
        assert_eq!(items, vec![0, 1, 2]);
    });
}

#[test]
fn globals_hold_name_file_and_the_function() {
    let (name, file, callable) = introspect().unwrap();
    assert_eq!(name, module_path!());
    assert_eq!(file, file!());
    assert!(callable);
    assert_eq!(fib(20).unwrap(), 6765);
}

#[test]
fn every_binding_form_is_known() {
    // helper(1) = 1*3 + total(0*1 + 1*2 + 2*3 = 8) = 11; Box().get() = 4;
    // squares sum = 1 + 4 + 9 = 14; lam = 1 + 1 + 1 = 3;
    // len("ZeroDivisionError") = 17; counter_value = 1; z = 3.
    assert_eq!(
        bindings(vec![1, 2, 3]).unwrap(),
        11 + 4 + 14 + 3 + 17 + 1 + 3
    );
}

#[test]
fn unchecked_imports_behave_at_run_time() {
    assert_eq!(optional_imports(true).unwrap(), "fallback");
    assert_eq!(deployed_only(false).unwrap(), 0);
    let err = deployed_only(true).unwrap_err();
    assert_eq!(err.exception_type(), Some("ModuleNotFoundError"));
}

py_fn! {
    /// `tripled` is bound at run time (in `builtins`), where the analysis
    /// cannot see it: `allow(undefined_name)` turns that one check off.
    #[py(allow(undefined_name))]
    #[py(typecheck = false)] fn late_bound(x: i64) -> i64 {
        import builtins
        builtins.tripled = lambda v: v * 3
        return tripled(x)
    }
}

pyfn::py_module! {
    #[py(allow(undefined_name))]
    #[py(typecheck = false)] mod late_module {
        source = r#"
            import builtins
            builtins.quadrupled = lambda v: v * 4

            def go(x):
                return quadrupled(x)
        "#;
        pub fn go(x: i64) -> i64;
    }
}

#[test]
fn allow_turns_one_check_off() -> pyfn::Result<()> {
    assert_eq!(late_bound(2)?, 6);
    assert_eq!(late_module::go(2)?, 8);
    Ok(())
}
