//! Type checking (`#[py(typecheck)]`): representative functions of every
//! form, checked by ty against their Rust types, build clean and run. The
//! mistakes it catches are the `tests/ui/typecheck_*` cases. Needs `ty`
//! next to the build interpreter (`scripts/ensure-typecheck`).

use std::collections::{HashMap, HashSet};

use pyfn::pyo3::prelude::*;
use pyfn::{Iter, py_fn, py_module};

py_fn! {
    #[py(typecheck)]
    fn shout(s: &str, times: i64) -> String {
        return (s.upper() + "!") * times
    }

    #[py(typecheck)]
    fn word_counts(words: Vec<String>) -> HashMap<String, i64> {
        counts = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        return counts
    }

    #[py(typecheck)]
    fn first_or(items: Vec<i64>, fallback: Option<i64>) -> Option<i64> {
        if items:
            return items[0]
        if fallback is None:
            return None
        return fallback * 2
    }

    #[py(typecheck)]
    fn join(items: Vec<String>, #[py(default = "', '")] sep: Option<&str>) -> String {
        return sep.join(items)
    }

    #[py(typecheck)]
    fn stats(xs: Vec<f64>) -> (f64, f64) {r#"
        import statistics
        return (statistics.mean(xs), statistics.pstdev(xs))  # string form
    "#}

    #[py(typecheck)]
    fn evens(n: i64) -> Iter<i64> {
        for i in range(n):
            if i % 2 == 0:
                yield i
    }

    #[py(typecheck)]
    fn sizes(data: Vec<u8>, tags: HashSet<String>) -> (i64, i64) {
        return (len(data), len(tags))
    }

    #[py(typecheck)]
    fn to_json(data: HashMap<String, Vec<i64>>) -> String {
        from json import dumps
        return dumps(data, sort_keys=True)
    }

    /// The README's example.
    #[py(typecheck)]
    fn initials(names: Vec<String>, sep: Option<&str>) -> String {
        if sep is None:
            sep = "."
        return sep.join(name[0].upper() for name in names)
    }

    /// A `None` only `re.match`'s type allows: not a type error (pyfn
    /// reports the `None`s the signature or the Python declares); when it
    /// is None after all, the call is a `pyfn::Error`.
    #[py(typecheck)]
    fn first_word(text: &str) -> String {
        import re
        return re.match(r"[a-z]+", text).group(0)
    }

    /// Turned off for this one: the Rust side converts the `int`.
    #[py(typecheck = false)]
    fn loose(n: i64) -> f64 {
        return str(n)
    }
}

py_fn! {
    #[py(typecheck)]
    def area(w: float, h: float = 1.0) -> float:
        return w * h
}

// `#[py(...)]` on the `def`'s own line: the item counts as starting at the
// attribute, so the body is indented under it.
py_fn! {
    #[py(typecheck)] def volume(w: float, h: float, d: int) -> float:
        return w * h * d

    #[doc = "Public."] #[py(typecheck)] pub def perimeter(w: float, h: float) -> float:
        return 2 * (w + h)
}

py_module! {
    #[py(typecheck)]
    mod shapes {
        source = r#"
            import math

            def circle(r: float) -> float:
                return math.pi * r * r

            def label(name: str, sides: int) -> str:
                return f"{name.title()} ({sides})"
        "#;
        pub def circle;
        pub def label;
    }
}

#[test]
fn a_library_none_is_left_to_the_run_time() {
    assert_eq!(first_word("abc def").expect("matches"), "abc");
    let error = first_word("123").expect_err("no match: None has no group");
    assert_eq!(error.exception_type(), Some("AttributeError"), "{error}");
}

#[test]
fn typechecked_closure_runs() {
    let base = 10;
    let add = py_fn!(
        #[py(typecheck)]
        |x: i64| -> i64 { return x + base }
    );
    assert_eq!(add(5).unwrap(), 15);
}

#[test]
fn typechecked_functions_run() {
    assert_eq!(shout("hi", 2).unwrap(), "HI!HI!");
    assert_eq!(
        initials(vec!["ada".into(), "bob".into()], None).unwrap(),
        "A.B"
    );
    assert_eq!(
        word_counts(vec!["a".into(), "b".into(), "a".into()]).unwrap()["a"],
        2
    );
    assert_eq!(first_or(vec![], Some(4)).unwrap(), Some(8));
    assert_eq!(first_or(vec![], None).unwrap(), None);
    assert_eq!(join(vec!["a".into(), "b".into()], None).unwrap(), "a, b");
    assert_eq!(stats(vec![1.0, 3.0]).unwrap(), (2.0, 1.0));
    let evens: Vec<i64> = evens(7).unwrap().collect::<pyfn::Result<_>>().unwrap();
    assert_eq!(evens, vec![0, 2, 4, 6]);
    assert_eq!(
        to_json(HashMap::from([("k".to_owned(), vec![1])])).unwrap(),
        r#"{"k": [1]}"#
    );
    assert_eq!(
        sizes(b"abc".to_vec(), HashSet::from(["x".to_owned()])).unwrap(),
        (3, 1)
    );
    assert!(loose(3).is_err());
    assert_eq!(area(2.0, None).unwrap(), 2.0);
    assert_eq!(volume(2.0, 3.0, 4).unwrap(), 24.0);
    assert_eq!(perimeter(2.0, 3.0).unwrap(), 10.0);
    assert_eq!(shapes::label("square", 4).unwrap(), "Square (4)");
    assert!((shapes::circle(1.0).unwrap() - std::f64::consts::PI).abs() < 1e-12);
}

// Declared with Rust signatures: checked against them (the `def`s carry
// no annotations, or some of their own).
py_module! {
    #[py(typecheck)]
    mod counting {
        source = r#"
            def count(words, word):
                return sum(1 for w in words if w == word)

            def repeat(s, times=2,
                       sep: str = "-"):  # a comment: with a colon
                return sep.join([s] * times)

            def maybe_len(s) -> "int | None":
                return None if s is None else len(s)

            def squares(n):
                for i in range(n):
                    yield i * i

            def sign(n):
                if n > 0:
                    return 1
                if n < 0:
                    return -1
                if n == 0:
                    return 0
                # ty cannot see that the `if`s are exhaustive: whether a
                # function ends without a value is pyfn's own check.

            def total(*values, scale=1):
                return scale * sum(values)

            def keys(**named):
                return sorted(named)

            class Counter:
                def __init__(self, start):
                    self.value = start

            make = Counter
        "#;
        pub fn count(words: Vec<String>, word: &str) -> i64;
        pub fn repeat(s: &str, times: Option<i64>, sep: Option<&str>) -> String;
        pub fn maybe_len(s: Option<&str>) -> Option<i64>;
        pub fn squares(n: i64) -> Iter<i64>;
        pub fn sign(n: i64) -> i64;
        pub fn total(#[py(args)] values: Vec<i64>, #[py(keyword)] scale: Option<i64>) -> i64;
        pub fn keys(#[py(kwargs)] named: HashMap<String, i64>) -> Vec<String>;
        #[allow(non_snake_case)]
        pub fn Counter(start: i64) -> Py<PyAny>;
        pub fn make(start: i64) -> Py<PyAny>;
    }
}

#[test]
fn module_functions_checked_against_rust_signatures_run() {
    let words = vec!["a".to_owned(), "b".to_owned(), "a".to_owned()];
    assert_eq!(counting::count(words, "a").unwrap(), 2);
    assert_eq!(counting::repeat("x", None, None).unwrap(), "x-x");
    assert_eq!(counting::repeat("x", Some(3), Some("+")).unwrap(), "x+x+x");
    assert_eq!(counting::maybe_len(Some("abc")).unwrap(), Some(3));
    assert_eq!(counting::maybe_len(None).unwrap(), None);
    let squares: Vec<i64> = counting::squares(4)
        .unwrap()
        .collect::<pyfn::Result<_>>()
        .unwrap();
    assert_eq!(squares, vec![0, 1, 4, 9]);
    assert_eq!(counting::sign(-5).unwrap(), -1);
    assert_eq!(counting::sign(0).unwrap(), 0);
    // `*args`, a keyword-only parameter, `**kwargs`, a class and an alias,
    // checked against their Rust declarations too.
    assert_eq!(counting::total(vec![1, 2, 3], None).unwrap(), 6);
    assert_eq!(counting::total(vec![1, 2], Some(10)).unwrap(), 30);
    let named = HashMap::from([("b".to_owned(), 1), ("a".to_owned(), 2)]);
    assert_eq!(counting::keys(named).unwrap(), vec!["a", "b"]);
    for counter in [counting::Counter(7).unwrap(), counting::make(7).unwrap()] {
        let value: i64 = Python::attach(|py| counter.getattr(py, "value")?.extract(py)).unwrap();
        assert_eq!(value, 7);
    }
}

// Valid code whose members ty's stubs lack, or that Python lets a program
// give a class or function, or that imports a name optionally: not
// reported (pyfn reads the real module or class, and the `try`).
py_module! {
    #[py(typecheck)]
    mod members {
        source = r#"
            import tty
            from base64 import MAXBINSIZE

            try:
                from json import pyfn_fast_dumps as dumps
            except ImportError:
                from json import dumps

            class Span:
                def __init__(self, length):
                    self.length = length

            Span.unit = Span(1)

            def describe():
                return "span"

            describe.version = 2

            def float_format():
                return float.__getformat__("double")

            def has_tcgetattr():
                return callable(tty.tcgetattr)

            def max_bin_size():
                return MAXBINSIZE

            def unit_length():
                return Span.unit.length + describe.version

            def encoded(value):
                return dumps(value)
        "#;
        pub fn float_format() -> String;
        pub fn has_tcgetattr() -> bool;
        pub fn max_bin_size() -> i64;
        pub fn unit_length() -> i64;
        pub fn encoded(value: Vec<i64>) -> String;
    }
}

#[test]
fn members_stubs_lack_and_optional_imports_are_not_reported() {
    assert!(members::float_format().unwrap().contains("IEEE"));
    assert!(members::has_tcgetattr().unwrap());
    assert_eq!(members::max_bin_size().unwrap(), 57);
    assert_eq!(members::unit_length().unwrap(), 3);
    assert_eq!(members::encoded(vec![1, 2]).unwrap(), "[1, 2]");
}

// ty's own suppression comment works where the Python is text (a string
// body, a `py_module!`'s source or file): one line of valid code that a
// type checker cannot follow (typeshed's `__closure__` is `Optional`).
py_fn! {
    #[py(typecheck)]
    fn first_cell_value(n: i64) -> i64 {r#"
        def inner():
            return n
        return inner.__closure__[0].cell_contents  # ty: ignore[not-subscriptable]
    "#}
}

#[test]
fn a_ty_ignore_comment_silences_one_line() {
    assert_eq!(first_cell_value(5).unwrap(), 5);
}

// A package: its modules type-checked together (`from .util import
// double`, `import shapes.sub.deep`, a directory without `__init__.py`, a
// Latin-1 file), each declared function against its Rust signature, and
// `__spec__` and `__package__` as pyfn's finder sets them (a `ModuleSpec`,
// a `str`; ty alone takes either for `Optional`).
py_module! {
    #[py(typecheck)]
    mod typed_shapes {
        package = "tests/python/shapes";
        pub fn area(w: i64, h: i64) -> i64;
        pub fn deep(x: i64) -> i64;
        pub fn r#where() -> (String, String, String, String);
        #[py(module = "util")]
        pub fn location() -> (String, String, String);
        #[py(module = "sub.deep")]
        pub fn label() -> String;
    }
}

#[test]
fn a_typechecked_package_runs() -> pyfn::Result<()> {
    assert_eq!(typed_shapes::area(3, 4)?, 12);
    assert_eq!(typed_shapes::deep(5)?, 15);
    assert_eq!(typed_shapes::label()?, "café");
    let name = |text: &str| text.to_owned();
    assert_eq!(
        typed_shapes::r#where()?,
        (
            name("shapes"),
            name("shapes"),
            name("__init__.py"),
            name("shapes")
        )
    );
    assert_eq!(
        typed_shapes::location()?,
        (name("shapes.util"), name("shapes"), name("util.py"))
    );
    Ok(())
}
