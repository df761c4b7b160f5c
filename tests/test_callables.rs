//! Every callable, in every form: keyword-only parameters, `*args` and
//! `**kwargs`, classes and aliases in `py_module!`, and `def`-form
//! generators.

use std::collections::{BTreeMap, HashMap};

use pyfn::pyo3::types::PyAnyMethods;
use pyfn::pyo3::{Py, PyAny, Python};
use pyfn::{Iter, py_fn, py_module};

// ---- keyword-only parameters ----

py_fn! {
    /// `def join(items, *, sep=", ", end):`
    fn join(
        items: Vec<String>,
        #[py(keyword, default = "', '")] sep: Option<&str>,
        #[py(keyword)] end: &str,
    ) -> String {
        return sep.join(items) + end
    }
}

py_fn! {
    /// What Python received: the keyword-only parameters really are.
    fn kinds(a: i64, #[py(keyword)] b: i64, #[py(keyword, default = "10")] c: Option<i64>) -> (i64, i64, i64, i64) {
        import inspect
        sig = inspect.signature(kinds)
        keyword_only = sum(1 for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY)
        return (a, b, c, keyword_only)
    }
}

#[test]
fn item_keyword_only_with_and_without_the_optional_one() -> pyfn::Result<()> {
    let items = vec!["a".to_owned(), "b".to_owned()];
    assert_eq!(join(items.clone(), None, ".")?, "a, b.");
    assert_eq!(join(items, Some("-"), "!")?, "a-b!");
    assert_eq!(kinds(1, 2, None)?, (1, 2, 10, 2));
    assert_eq!(kinds(1, 2, Some(3))?, (1, 2, 3, 2));
    Ok(())
}

#[test]
fn closure_keyword_only() -> pyfn::Result<()> {
    let prefix = ">";
    let f = py_fn! { |x: i64, #[py(keyword, default = "'#'")] mark: Option<&str>| -> String {
        return prefix + mark + str(x)
    }};
    assert_eq!(f(1, None)?, ">#1");
    assert_eq!(f(2, Some("*"))?, ">*2");
    let sep = "+";
    let joined = py_fn! { |#[py(args)] parts: &[i64], #[py(kwargs)] named: BTreeMap<String, i64>| -> String {
        return sep.join(str(p) for p in (*parts, *named.values()))
    }};
    assert_eq!(joined(&[1, 2], BTreeMap::new())?, "1+2");
    assert_eq!(joined(&[], [("z".to_owned(), 3)].into())?, "3");
    Ok(())
}

py_fn! {
    /// Keyword-only in the `def` form.
    pub def fmt(value: float, *, digits: int = 2, unit: str) -> str:
        return str(round(value, digits)) + " " + unit
}

#[test]
fn def_form_keyword_only() -> pyfn::Result<()> {
    // Rust: fn fmt(value: f64, digits: Option<i64>, unit: &str)
    assert_eq!(fmt(1.23456, None, "m")?, "1.23 m");
    assert_eq!(fmt(1.23456, Some(3), "s")?, "1.235 s");
    Ok(())
}

py_module! {
    mod kw_module {
        source = r#"
            def render(text, *, width=10, fill=".", upper):
                out = text.upper() if upper else text
                return out.ljust(width, fill)

            def typed(text: str, *, times: int = 2) -> str:
                return text * times

            def scaled(x, factor=2, /, *, offset=0):
                return x * factor + offset

            def wrap(text, *, left="[", right="]"):
                return left + text + right
        "#;
        pub fn render(text: &str, #[py(keyword)] width: Option<usize>, #[py(keyword)] upper: bool) -> String;
        pub def typed;
        pub fn scaled(x: i64, factor: Option<i64>, #[py(keyword)] offset: Option<i64>) -> i64;
        // By name, so in any order.
        pub fn wrap(text: &str, #[py(keyword)] right: Option<&str>, #[py(keyword)] left: Option<&str>) -> String;
    }
}

#[test]
fn module_keyword_only() -> pyfn::Result<()> {
    // `fill` is left out entirely: it has a default.
    assert_eq!(kw_module::render("ab", None, false)?, "ab........");
    assert_eq!(kw_module::render("ab", Some(4), true)?, "AB..");
    assert_eq!(kw_module::typed("ab", None)?, "abab");
    assert_eq!(kw_module::typed("ab", Some(3))?, "ababab");
    assert_eq!(kw_module::scaled(3, None, None)?, 6);
    assert_eq!(kw_module::scaled(3, Some(3), Some(1))?, 10);
    assert_eq!(kw_module::scaled(3, None, Some(1))?, 7);
    assert_eq!(kw_module::wrap("x", None, None)?, "[x]");
    assert_eq!(kw_module::wrap("x", Some(">"), None)?, "[x>");
    assert_eq!(kw_module::wrap("x", Some(")"), Some("("))?, "(x)");
    Ok(())
}

// ---- `*args` and `**kwargs` ----

py_fn! {
    fn total(start: i64, #[py(args)] values: &[i64], #[py(kwargs)] weights: HashMap<String, i64>) -> i64 {
        return start + sum(values) + sum(weights.values())
    }
}

py_fn! {
    fn describe(#[py(args)] parts: Vec<&str>, #[py(keyword, default = "'/'")] sep: Option<&str>, #[py(kwargs)] extra: BTreeMap<String, String>) -> String {
        return sep.join(parts) + "".join(";%s=%s" % item for item in sorted(extra.items()))
    }
}

py_fn! {
    /// The type checker sees `*values: "int"`, `**named: "str"` and the
    /// keyword-only `sep: "str" = ","`.
    #[py(typecheck)]
    fn checked(#[py(args)] values: Vec<i64>, #[py(keyword, default = "','")] sep: Option<&str>, #[py(kwargs)] named: HashMap<String, String>) -> String {
        return sep.join(str(v + 1) for v in values) + "".join(n.upper() for n in named.values())
    }
}

#[test]
fn typechecked_variadic_and_keyword_only() -> pyfn::Result<()> {
    let named: HashMap<String, String> = [("a".to_owned(), "x".to_owned())].into();
    assert_eq!(checked(vec![1, 2], None, named)?, "2,3X");
    Ok(())
}

#[test]
fn item_args_and_kwargs() -> pyfn::Result<()> {
    assert_eq!(total(1, &[], HashMap::new())?, 1);
    let weights: HashMap<String, i64> = [("a".to_owned(), 10), ("b".to_owned(), 100)].into();
    assert_eq!(total(1, &[2, 3], weights)?, 116);
    assert_eq!(describe(vec!["a", "b"], None, BTreeMap::new())?, "a/b");
    let extra: BTreeMap<String, String> = [("k".to_owned(), "v".to_owned())].into();
    assert_eq!(describe(vec!["a"], Some("-"), extra)?, "a;k=v");
    Ok(())
}

py_fn! {
    fn spread(first: i64, #[py(default = "10")] second: Option<i64>, #[py(args)] rest: Vec<i64>) -> Vec<i64> {
        return [first, second, *rest]
    }
}

#[test]
fn args_after_a_left_out_default() -> pyfn::Result<()> {
    assert_eq!(spread(1, None, vec![])?, [1, 10]);
    assert_eq!(spread(1, Some(2), vec![3, 4])?, [1, 2, 3, 4]);
    // Python cannot pass `*args` items once `second` is left out.
    let error = spread(1, None, vec![3]).unwrap_err();
    assert_eq!(error.kind(), pyfn::ErrorKind::Argument);
    assert_eq!(error.parameter(), Some("rest"));
    assert!(error.message().contains("left to its default"), "{error}");
    Ok(())
}

#[test]
fn kwargs_naming_a_parameter_is_a_python_error() {
    let clash: HashMap<String, i64> = [("start".to_owned(), 1)].into();
    let error = total(1, &[], clash).unwrap_err();
    assert_eq!(error.exception_type(), Some("TypeError"));
    assert!(error.message().contains("start"), "{}", error.message());
}

py_fn! {
    /// `*args` and `**kwargs` in the `def` form.
    pub def gather(first: int, *rest: int, **named: str) -> str:
        return str(first + sum(rest)) + "".join(sorted(named.values()))
}

#[test]
fn def_form_args_and_kwargs() -> pyfn::Result<()> {
    // Rust: fn gather(first: i64, rest: Vec<i64>, named: HashMap<String, &str>)
    assert_eq!(gather(1, vec![], HashMap::new())?, "1");
    let named: HashMap<String, &str> = [("x".to_owned(), "b"), ("y".to_owned(), "a")].into();
    assert_eq!(gather(1, vec![2, 3], named)?, "6ab");
    Ok(())
}

py_module! {
    mod variadic {
        source = r#"
            def log(level, *args, sep=" ", **kwargs):
                return level + ":" + sep.join(str(a) for a in args) + "".join(
                    "," + k + "=" + str(v) for k, v in sorted(kwargs.items()))

            log_with = log

            def collect(*items: int, **options: bool) -> list[int]:
                return sorted(items, reverse=options.get("reverse", False))
        "#;
        /// Declared without `*args`/`**kwargs`: they are empty.
        pub fn log(level: &str) -> String;
        /// Extra positional parameters fill `*args`; a keyword not in
        /// the `def` goes into `**kwargs`.
        pub fn log_with(level: &str, #[py(args)] args: &[i64], #[py(keyword)] sep: Option<&str>, #[py(kwargs)] kwargs: HashMap<String, i64>) -> String;
        pub def collect;
    }
}

#[test]
fn module_args_and_kwargs() -> pyfn::Result<()> {
    assert_eq!(variadic::log("info")?, "info:");
    let kwargs: HashMap<String, i64> = [("n".to_owned(), 2)].into();
    assert_eq!(
        variadic::log_with("warn", &[1, 2], Some("|"), kwargs)?,
        "warn:1|2,n=2"
    );
    assert_eq!(variadic::log_with("x", &[], None, HashMap::new())?, "x:");
    let options: HashMap<String, bool> = [("reverse".to_owned(), true)].into();
    assert_eq!(variadic::collect(vec![2, 3, 1], options)?, vec![3, 2, 1]);
    Ok(())
}

// ---- classes and aliases ----

py_module! {
    mod shapes {
        source = r#"
            # `typing` first: CPython's `dataclasses` reads it from
            # `sys.modules` without the import lock, and another test's
            # thread may be importing it ("partially initialized module
            # 'typing' has no attribute 'ClassVar'", seen on 3.12).
            import typing
            import dataclasses
            from dataclasses import dataclass, field

            class Greeter:
                def __init__(self, name, punctuation="!"):
                    self.name = name
                    self.punctuation = punctuation

                def greet(self):
                    return "hello, " + self.name + self.punctuation

            @dataclass
            class Point:
                x: float
                y: float = 0.0
                tags: list = field(default_factory=list)

            class Empty:
                pass

            class Counter(dict):
                pass

            make = Greeter
            greeter_alias = make

            def helper(x):
                return x * 2

            other = helper
            doubled = (lambda x: x * 2)
        "#;
        #[allow(non_snake_case)]
        pub fn Greeter(name: &str, punctuation: Option<&str>) -> Py<PyAny>;
        #[allow(non_snake_case)]
        pub fn Point(x: f64, y: Option<f64>) -> (f64, f64);
        #[allow(non_snake_case)]
        pub def Empty;
        /// A subclass of `dict`: not analysable, checked at run time.
        #[allow(non_snake_case)]
        pub fn Counter() -> HashMap<String, i64>;
        pub fn make(name: &str) -> Py<PyAny>;
        pub fn greeter_alias(name: &str, punctuation: Option<&str>) -> Py<PyAny>;
        pub fn other(x: i64) -> i64;
        /// Bound to an expression: checked at run time only.
        pub fn doubled(x: i64) -> i64;
    }
}

#[test]
fn module_classes_and_aliases() -> pyfn::Result<()> {
    let greeting = |object: Py<PyAny>| -> String {
        Python::attach(|py| {
            object
                .bind(py)
                .call_method0("greet")
                .and_then(|value| value.extract())
                .expect("greet")
        })
    };
    assert_eq!(greeting(shapes::Greeter("ann", None)?), "hello, ann!");
    assert_eq!(greeting(shapes::Greeter("bob", Some("?"))?), "hello, bob?");
    assert_eq!(greeting(shapes::make("cy")?), "hello, cy!");
    assert_eq!(
        greeting(shapes::greeter_alias("di", Some("."))?),
        "hello, di."
    );
    assert_eq!(shapes::other(21)?, 42);
    assert_eq!(shapes::doubled(4)?, 8);
    assert_eq!(shapes::Counter()?, HashMap::new());
    Python::attach(|py| {
        let empty = shapes::Empty().expect("an instance");
        assert_eq!(
            empty
                .bind(py)
                .getattr("__class__")?
                .getattr("__name__")?
                .extract::<String>()?,
            "Empty"
        );
        pyfn::pyo3::PyResult::Ok(())
    })
    .expect("attributes");
    Ok(())
}

py_module! {
    /// `kw_only` is CPython 3.10's: on 3.9 this module raises when it runs.
    mod keyword_dataclass {
        source = r#"
            import typing  # before `dataclasses`: see `shapes`
            import dataclasses

            @dataclasses.dataclass(kw_only=True)
            class Options:
                verbose: bool
                level: int = 1
        "#;
        #[allow(non_snake_case)]
        pub fn Options(#[py(keyword)] verbose: bool, #[py(keyword)] level: Option<i64>) -> Py<PyAny>;
    }
}

py_module! {
    /// Names the module binds by importing them: exposed, checked when
    /// called.
    mod imported {
        source = r#"
            from os.path import *
            from textwrap import dedent as undent
        "#;
        pub fn basename(path: &str) -> String;
        pub fn undent(text: &str) -> String;
    }
}

#[test]
fn imported_names_are_exposed() -> pyfn::Result<()> {
    assert_eq!(imported::basename("/a/b.txt")?, "b.txt");
    assert_eq!(imported::undent("  x\n  y")?, "x\ny");
    Ok(())
}

#[test]
fn keyword_only_dataclass_fields() {
    let at_least_3_10 = Python::attach(|py| py.version_info() >= (3, 10));
    let options = keyword_dataclass::Options(true, None);
    if !at_least_3_10 {
        let error = options.unwrap_err();
        assert!(error.message().contains("kw_only"), "{error}");
        return;
    }
    let options = options.expect("an instance");
    Python::attach(|py| {
        let options = options.bind(py);
        assert!(options.getattr("verbose")?.extract::<bool>()?);
        assert_eq!(options.getattr("level")?.extract::<i64>()?, 1);
        pyfn::pyo3::PyResult::Ok(())
    })
    .expect("attributes");
    let options = keyword_dataclass::Options(false, Some(3)).expect("an instance");
    Python::attach(|py| {
        assert_eq!(options.bind(py).getattr("level")?.extract::<i64>()?, 3);
        pyfn::pyo3::PyResult::Ok(())
    })
    .expect("attributes");
}

/// A `Point`'s fields, read as attributes (pyo3's derive).
#[derive(Debug, PartialEq, pyfn::pyo3::FromPyObject)]
#[pyo3(crate = "pyfn::pyo3")]
struct PointData {
    x: f64,
    y: f64,
}

py_module! {
    mod points {
        source = r#"
            import typing  # before `dataclasses`: see `shapes`
            from dataclasses import dataclass

            @dataclass
            class Point:
                x: float
                y: float = 0.0
        "#;
        #[allow(non_snake_case)]
        pub fn Point(x: f64, y: Option<f64>) -> PointData;
    }
}

#[test]
fn class_result_converts_with_from_py_object() {
    assert_eq!(
        points::Point(1.0, None).expect("an instance"),
        PointData { x: 1.0, y: 0.0 }
    );
    assert_eq!(
        points::Point(1.0, Some(2.0)).expect("an instance"),
        PointData { x: 1.0, y: 2.0 }
    );
    // A `Point` is not a tuple: the declared return type is checked when
    // the instance comes back.
    let error = shapes::Point(1.0, None).unwrap_err();
    assert_eq!(error.kind(), pyfn::ErrorKind::Return);
}

// ---- `def`-form generators ----

py_fn! {
    /// A `def`-form generator.
    pub def countdown(n: int) -> Iterator[int]:
        while n > 0:
            yield n
            n -= 1
}

py_fn! {
    def words(text: str) -> typing.Generator[str, None, None]:
        import typing
        for word in text.split():
            yield word.upper()
}

py_fn! {
    def evens(limit: int) -> Iterable[int]:
        return [n for n in range(limit) if n % 2 == 0]
}

py_fn! {
    /// Type-checked with its own annotations: the names of `typing` they
    /// use are bound for the checker (the program never evaluates them).
    #[py(typecheck)]
    def checked_squares(n: int, start: Optional[int] = None) -> Iterator[int]:
        for i in range(start or 0, n):
            yield i * i
}

#[test]
fn def_form_generators() -> pyfn::Result<()> {
    assert_eq!(
        checked_squares(3, None)?.collect::<pyfn::Result<Vec<_>>>()?,
        [0, 1, 4]
    );
    let items: Iter<i64> = countdown(3)?;
    assert_eq!(items.collect::<pyfn::Result<Vec<_>>>()?, [3, 2, 1]);
    assert_eq!(words("a b")?.collect::<pyfn::Result<Vec<_>>>()?, ["A", "B"]);
    assert_eq!(evens(5)?.collect::<pyfn::Result<Vec<_>>>()?, [0, 2, 4]);
    Ok(())
}

py_module! {
    mod gen_module {
        source = r#"
            from typing import Iterator

            def squares(n: int) -> Iterator[int]:
                for i in range(n):
                    yield i * i
        "#;
        pub def squares;
    }
}

#[test]
fn module_def_generators() -> pyfn::Result<()> {
    assert_eq!(
        gen_module::squares(4)?.collect::<pyfn::Result<Vec<_>>>()?,
        [0, 1, 4, 9]
    );
    Ok(())
}
