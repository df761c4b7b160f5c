//! The generated code names everything by absolute path and keeps its own
//! locals apart from the user's, in every form `py_fn!` and `py_module!`
//! take: token and string bodies, closures, defaults, generators, the
//! `py: Python<'py>` form with `Bound` types, the `def` form, inline and
//! file modules with `fn` and `def` declarations, a package (with
//! `#[py(reload)]`), and every callable
//! (keyword-only parameters, `*args`, `**kwargs`, a class and an alias, a
//! `def`-form generator).
//!
//! All of it compiles without the prelude, next to crate-root items that
//! shadow every name the generated code could use unqualified (`Result`,
//! `Ok`, `Some`, `Option`, `String`, `Vec`, the runtime's `Function`,
//! `Spec`, `attach`…, and modules `core`, `std`, `alloc`, `pyo3`, `pyfn`),
//! with parameters and captured variables named like its locals, and with
//! every warning denied. Each test calls the functions and checks what they
//! return.
//!
//! The trybuild `pass` cases under `tests/hygiene/` are crates of their
//! own, for what one file cannot hold next to this one's: a `#![no_std]`
//! crate (the generated code must not need `::std`), a trait in scope with
//! by-value methods named like the runtime's, types named like the
//! primitives, parameters and captures named like the generated statics or
//! the Python functions wrapped around a closure, and `forbid` in place of
//! `deny`.
#![no_implicit_prelude]
#![forbid(unsafe_code)]
#![deny(warnings)]
#![deny(
    unused_qualifications,
    unused_results,
    unused_variables,
    unused_imports,
    unused_mut,
    unused_lifetimes,
    unused_extern_crates,
    unused_import_braces,
    unused_macro_rules,
    dead_code,
    unreachable_code,
    elided_lifetimes_in_paths,
    explicit_outlives_requirements,
    let_underscore_drop,
    redundant_lifetimes,
    trivial_casts,
    trivial_numeric_casts,
    unit_bindings,
    non_ascii_idents,
    missing_debug_implementations,
    keyword_idents
)]

// ------------------------------------------------------------ the shadows
//
// Each is legal in Rust 2024 under `no_implicit_prelude` (no extern prelude
// to be ambiguous with), and `::core::…`, `::std::…`, `::pyfn::…` still name
// the crates: a leading `::` only reaches crates.

mod core {
    pub(crate) struct Shadow;
}
mod std {
    pub(crate) struct Shadow;
}
mod alloc {
    pub(crate) struct Shadow;
}
mod pyo3 {
    pub(crate) struct Shadow;
}
mod pyfn {
    pub(crate) struct Shadow;
}
mod __private {
    pub(crate) struct Shadow;
}

struct Result;
struct Ok;
struct Err;
struct Some;
struct None;
struct Option;
struct String;
struct Vec;
struct Box;
struct HashMap;
struct HashSet;
struct Function;
struct Spec;
struct Module;
struct ModuleSpec;
struct Instance;
struct Args;
struct Error;
struct Iter;
struct Python;
struct Bound;
struct Py;
struct PyAny;

fn attach() -> u8 {
    1
}
fn not_compiled() -> u8 {
    2
}
fn drop() -> u8 {
    3
}

/// The names of the generated statics, at the crate root: a `py_module!`
/// glob-imports its parent (`use super::*`), so these are in its scope.
#[allow(non_upper_case_globals)]
static __PYFN_FUNCTION: u8 = 4;
#[allow(non_upper_case_globals)]
static __PYFN_MODULE: u8 = 5;

#[test]
fn the_shadows_are_what_the_crate_root_names() {
    let _: (Result, Ok, Err, Some, None, Option, String, Vec, Box) =
        (Result, Ok, Err, Some, None, Option, String, Vec, Box);
    let _: (HashMap, HashSet, Function, Spec, Module, ModuleSpec) =
        (HashMap, HashSet, Function, Spec, Module, ModuleSpec);
    let _: (Instance, Args, Error, Iter, Python, Bound, Py, PyAny) =
        (Instance, Args, Error, Iter, Python, Bound, Py, PyAny);
    let _ = (
        core::Shadow,
        std::Shadow,
        alloc::Shadow,
        pyo3::Shadow,
        pyfn::Shadow,
        __private::Shadow,
    );
    ::std::assert_eq!(
        (
            attach(),
            not_compiled(),
            drop(),
            __PYFN_FUNCTION,
            __PYFN_MODULE
        ),
        (1, 2, 3, 4, 5)
    );
}

/// `None` and `Some(x)` of `::core::option::Option`, whatever the type.
macro_rules! none {
    () => {
        ::core::option::Option::None
    };
}
macro_rules! some {
    ($value:expr) => {
        ::core::option::Option::Some($value)
    };
}

// ------------------------------------------------------------ token bodies

::pyfn::py_fn! {
    /// The plain form.
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    /// Parameters named like the generated code's locals.
    fn locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> i64 {
        return py + 10 * function + 100 * result + 1000 * instance + 10000 * args + 100000 * cell
    }

    /// No return type: the Python result is dropped.
    fn check_positive(result: i64) {
        if result <= 0:
            raise ValueError("not positive")
        return result
    }

    /// A raw identifier, and a `pub` item.
    pub(crate) fn shout(r#type: &str) -> ::std::string::String {
        return type.upper() + "!"
    }
}

#[test]
fn token_bodies() -> ::pyfn::Result<()> {
    ::std::assert_eq!(add(2, 3)?, 5);
    ::std::assert_eq!(locals(1, 2, 3, 4, 5, 6)?, 654321);
    check_positive(1)?;
    ::std::assert!(check_positive(0).is_err());
    ::std::assert_eq!(shout("hey")?, "HEY!");
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ string bodies

::pyfn::py_fn! {
    fn slug(title: &str) -> ::std::string::String {r#"
        import re  # comments, //, 'quotes', f"strings": the string form takes any Python
        return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    "#}

    fn string_locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> ::std::vec::Vec<i64> {"
        return [py, function, result, instance, args, cell]
    "}

    fn string_unit(function: &str) {"
        if function != 'ok':
            raise ValueError(f'{function!r}')
    "}
}

#[test]
fn string_bodies() -> ::pyfn::Result<()> {
    ::std::assert_eq!(slug("Hello, World!")?, "hello-world");
    ::std::assert_eq!(string_locals(1, 2, 3, 4, 5, 6)?, [1, 2, 3, 4, 5, 6]);
    string_unit("ok")?;
    ::std::assert!(string_unit("no").is_err());
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ defaults

::pyfn::py_fn! {
    fn join(
        items: ::std::vec::Vec<::std::string::String>,
        #[py(default = "', '")] sep: ::core::option::Option<&str>,
        #[py(default = "'.'")] end: ::core::option::Option<&str>,
    ) -> ::std::string::String {
        return sep.join(items) + end
    }

    /// With defaults the generated code builds an argument list (its local
    /// `args`): every parameter is named like one of its locals.
    fn default_locals(
        py: i64,
        #[py(default = "10")] function: ::core::option::Option<i64>,
        #[py(default = "20")] result: ::core::option::Option<i64>,
        #[py(default = "30")] instance: ::core::option::Option<i64>,
        #[py(default = "40")] args: ::core::option::Option<i64>,
        #[py(default = "50")] cell: ::core::option::Option<i64>,
    ) -> ::std::vec::Vec<i64> {
        return [py, function, result, instance, args, cell]
    }
}

#[test]
fn defaults() -> ::pyfn::Result<()> {
    let words = || -> ::std::vec::Vec<::std::string::String> {
        ::std::vec![
            ::core::convert::From::from("a"),
            ::core::convert::From::from("b"),
        ]
    };
    ::std::assert_eq!(join(words(), none!(), none!())?, "a, b.");
    ::std::assert_eq!(
        join(words(), none!(), ::core::option::Option::Some("!"))?,
        "a, b!"
    );
    ::std::assert_eq!(
        join(words(), ::core::option::Option::Some("+"), none!())?,
        "a+b."
    );
    ::std::assert_eq!(
        default_locals(1, none!(), none!(), none!(), none!(), none!())?,
        [1, 10, 20, 30, 40, 50]
    );
    ::std::assert_eq!(
        default_locals(1, some!(2), none!(), some!(4), none!(), some!(6))?,
        [1, 2, 20, 4, 40, 6]
    );
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ every callable

::pyfn::py_fn! {
    /// Keyword-only, `*args` and `**kwargs`: each parameter named like one
    /// of the generated code's locals.
    fn callable_locals(
        py: i64,
        #[py(args)] function: &[i64],
        #[py(keyword, default = "7")] result: ::core::option::Option<i64>,
        #[py(keyword)] instance: i64,
        #[py(kwargs)] args: ::std::collections::BTreeMap<::std::string::String, i64>,
    ) -> ::std::vec::Vec<i64> {
        return [py, sum(function), result, instance, sum(args.values())]
    }
}

::pyfn::py_fn! {
    def def_callable(py: int, *function: int, result: int = 3, **args: int) -> list[int]:
        return [py, sum(function), result, sum(args.values())]

    def def_generator(cell: int) -> Iterator[int]:
        yield from range(cell)
}

::pyfn::py_module! {
    mod callables {
        source = r#"
            class Made:
                def __init__(self, py, *, function=2):
                    self.value = py + function

            alias = Made

            def value(made):
                return made.value
        "#;
        #[allow(non_snake_case)]
        pub fn Made(py: i64, #[py(keyword)] function: ::core::option::Option<i64>) -> ::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>;
        pub fn alias(py: i64) -> ::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>;
        pub fn value(made: ::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>) -> i64;
    }
}

#[test]
fn every_callable() -> ::pyfn::Result<()> {
    let mut named = ::std::collections::BTreeMap::new();
    let _ = named.insert(::std::string::ToString::to_string("a"), 10);
    ::std::assert_eq!(
        callable_locals(1, &[2, 3], none!(), 4, ::core::clone::Clone::clone(&named))?,
        [1, 5, 7, 4, 10]
    );
    ::std::assert_eq!(
        callable_locals(1, &[], some!(8), 4, ::std::collections::BTreeMap::new())?,
        [1, 0, 8, 4, 0]
    );
    let mut hashed = ::std::collections::HashMap::new();
    let _ = hashed.insert(::std::string::ToString::to_string("b"), 5);
    ::std::assert_eq!(
        def_callable(1, ::std::vec![2], none!(), hashed)?,
        [1, 2, 3, 5]
    );
    ::std::assert_eq!(collect(def_generator(3)?)?, [0, 1, 2]);
    ::std::assert_eq!(callables::value(callables::Made(1, none!())?)?, 3);
    ::std::assert_eq!(callables::value(callables::Made(1, some!(5))?)?, 6);
    ::std::assert_eq!(callables::value(callables::alias(4)?)?, 6);
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ generators

::pyfn::py_fn! {
    fn countdown(n: i64) -> ::pyfn::Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }

    fn iter_locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> ::pyfn::Iter<i64> {
        yield from [py, function, result, instance, args, cell]
    }

    /// A generator with a default: the argument-list path.
    fn evens(n: i64, #[py(default = "0")] start: ::core::option::Option<i64>) -> ::pyfn::Iter<i64> {"
        for i in range(start, n):
            if i % 2 == 0:
                yield i
    "}
}

fn collect(items: ::pyfn::Iter<i64>) -> ::pyfn::Result<::std::vec::Vec<i64>> {
    ::core::iter::Iterator::collect(items)
}

#[test]
fn generators() -> ::pyfn::Result<()> {
    ::std::assert_eq!(collect(countdown(3)?)?, [3, 2, 1]);
    ::std::assert_eq!(collect(iter_locals(1, 2, 3, 4, 5, 6)?)?, [1, 2, 3, 4, 5, 6]);
    ::std::assert_eq!(
        collect(evens(7, ::core::option::Option::None)?)?,
        [0, 2, 4, 6]
    );
    ::std::assert_eq!(collect(evens(7, ::core::option::Option::Some(3))?)?, [4, 6]);
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ `py: Python<'py>`

::pyfn::py_fn! {
    fn pair_up(
        py: ::pyfn::pyo3::Python<'py>,
        x: ::pyfn::pyo3::Bound<'py, ::pyfn::pyo3::PyAny>,
    ) -> ::pyfn::pyo3::Bound<'py, ::pyfn::pyo3::PyAny> {
        return [x, x]
    }

    /// The token under another name, and the other parameters named like
    /// the generated code's locals (its own `py` among them).
    fn token_locals(
        gil: ::pyfn::pyo3::Python<'py>,
        py: i64,
        function: &::pyfn::pyo3::Bound<'py, ::pyfn::pyo3::PyAny>,
        result: i64,
        instance: i64,
        args: i64,
        cell: i64,
    ) -> i64 {
        return py + len(function) + result + instance + args + cell
    }

    fn token_default(
        py: ::pyfn::pyo3::Python<'py>,
        x: i64,
        #[py(default = "100")] args: ::core::option::Option<i64>,
    ) -> ::pyfn::pyo3::Bound<'py, ::pyfn::pyo3::types::PyList> {
        return [x, args]
    }

    fn token_iter(py: ::pyfn::pyo3::Python<'py>, result: i64) -> ::pyfn::Iter<i64> {
        yield from range(result)
    }

    fn token_unit(py: ::pyfn::pyo3::Python<'py>, x: i64) {
        if x < 0:
            raise ValueError("negative")
    }
}

#[test]
fn python_token_and_bound() {
    use ::pyfn::pyo3::types::PyAnyMethods;
    ::pyfn::pyo3::Python::attach(|py| {
        let value = ::pyfn::pyo3::IntoPyObject::into_pyobject("é", py)
            .unwrap()
            .into_any();
        let pair = pair_up(py, ::core::clone::Clone::clone(&value)).unwrap();
        let got: ::std::vec::Vec<::std::string::String> = pair.extract().unwrap();
        ::std::assert_eq!(got, ["é", "é"]);
        ::std::assert!(pair.get_item(0).unwrap().is(&value));

        ::std::assert_eq!(token_locals(py, 1, &pair, 3, 4, 5, 6).unwrap(), 21);

        let list = token_default(py, 1, ::core::option::Option::None).unwrap();
        let got: ::std::vec::Vec<i64> = list.extract().unwrap();
        ::std::assert_eq!(got, [1, 100]);
        let list = token_default(py, 1, ::core::option::Option::Some(2)).unwrap();
        let got: ::std::vec::Vec<i64> = list.extract().unwrap();
        ::std::assert_eq!(got, [1, 2]);

        ::std::assert_eq!(collect(token_iter(py, 3).unwrap()).unwrap(), [0, 1, 2]);

        token_unit(py, 1).unwrap();
        ::std::assert!(token_unit(py, -1).is_err());
    });
}

// ------------------------------------------------------------ closures

// Closures are invoked with braces: rustfmt leaves `py_fn! { … }` alone,
// but formats Python that happens to parse as Rust inside `py_fn!( … )`.

#[test]
fn closures_capture_variables_named_like_the_generated_locals() -> ::pyfn::Result<()> {
    let py = 1_i64;
    let function = 2_i64;
    let result = 3_i64;
    let instance = 4_i64;
    let args = 5_i64;
    let cell = 6_i64;
    let all = ::pyfn::py_fn! { |x: i64| -> i64 {
        return x + py + 10 * function + 100 * result + 1000 * instance + 10000 * args + 100000 * cell
    }};
    ::std::assert_eq!(all(1_000_000)?, 1_654_321);
    // One capture at a time, each alone in its closure.
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return py } }()?, 1);
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return function } }()?, 2);
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return result } }()?, 3);
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return instance } }()?, 4);
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return args } }()?, 5);
    ::std::assert_eq!(::pyfn::py_fn! { || -> i64 { return cell } }()?, 6);
    // Captured by reference: the variables are still usable.
    ::std::assert_eq!(py + function + result + instance + args + cell, 21);
    ::core::result::Result::Ok(())
}

#[test]
fn closure_parameters_named_like_the_generated_locals() -> ::pyfn::Result<()> {
    let offset = 1_000_000_i64;
    let f = ::pyfn::py_fn! {
        |py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64| -> i64 {
            return offset + py + 10 * function + 100 * result + 1000 * instance + 10000 * args + 100000 * cell
        }
    };
    ::std::assert_eq!(f(1, 2, 3, 4, 5, 6)?, 1_654_321);
    ::core::result::Result::Ok(())
}

#[test]
fn closure_forms() -> ::pyfn::Result<()> {
    let prefix: ::std::string::String = ::core::convert::From::from("re");
    let result = 2_i64;
    // String body, `move`, a capture that is not `Copy`.
    let greet = ::pyfn::py_fn! { move |instance: &str| -> ::std::string::String {r#"
        return f"{prefix}-{instance}"  # the string form
    "#}};
    ::std::assert_eq!(greet("x")?, "re-x");
    ::std::assert_eq!(prefix, "re");
    // No return type.
    let check = ::pyfn::py_fn! { |function: i64| {
        if function < result:
            raise ValueError("too small")
    }};
    check(2)?;
    ::std::assert!(check(1).is_err());
    // A generator.
    let upto = ::pyfn::py_fn! { |py: i64| -> ::pyfn::Iter<i64> {
        yield from range(result, py)
    }};
    ::std::assert_eq!(collect(upto(5)?)?, [2, 3, 4]);
    // A default.
    let scale = ::pyfn::py_fn! {
        |x: i64, #[py(default = "10")] args: ::core::option::Option<i64>| -> i64 {
            return x * args + result
        }
    };
    ::std::assert_eq!(scale(3, none!())?, 32);
    ::std::assert_eq!(scale(3, some!(2))?, 8);
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ the `def` form

::pyfn::py_fn! {
    def area(r: float, n: int = 3) -> float:
        import math
        return n * r * r * math.sin(2 * math.pi / n) / 2
}

::pyfn::py_fn! {
    def def_locals(py: int, function: int, result: int, instance: int, args: int = 5, cell: int = 6) -> list[int]:
        return [py, function, result, instance, args, cell]
}

::pyfn::py_fn! {
    #[py(typecheck = false)]
    pub(crate) def def_types(text: str, data: bytes, items: list[str], counts: dict[str, int], tags: set[int], pair: tuple[object, bool], maybe: int | None) -> tuple[str, bytes, list[str], dict[str, int], set[int], int | None, bool]:
        return (text.upper(), data + b"!", items + ["b"], {**counts, "n": len(pair[0])}, tags | {len(pair[0])}, maybe, not pair[1])
}

::pyfn::py_fn! {
    def def_unit(instance: int) -> None:
        if instance < 0:
            raise ValueError("negative")
}

#[test]
fn def_form() -> ::pyfn::Result<()> {
    let triangle = area(1.0, none!())?;
    ::std::assert!((triangle - 1.299_038_105_676_658).abs() < 1e-12);
    ::std::assert!((area(1.0, some!(4))? - 2.0).abs() < 1e-12);
    ::std::assert_eq!(
        def_locals(1, 2, 3, 4, none!(), none!())?,
        [1, 2, 3, 4, 5, 6]
    );
    ::std::assert_eq!(
        def_locals(1, 2, 3, 4, some!(50), some!(60))?,
        [1, 2, 3, 4, 50, 60]
    );

    let text: ::std::string::String = ::core::convert::From::from("a");
    let mut counts = ::std::collections::HashMap::new();
    let _ = counts.insert(::core::clone::Clone::clone(&text), 1_i64);
    let tags: ::std::collections::HashSet<i64> =
        ::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter([1_i64, 2]));
    let anything = ::pyfn::pyo3::Python::attach(|py| {
        ::pyfn::pyo3::IntoPyObject::into_pyobject(::std::vec![1_i64, 2, 3], py)
            .unwrap()
            .into_any()
            .unbind()
    });
    let (upper, data, items, counts, tags, maybe, flag) = def_types(
        "abc",
        ::std::vec![1_u8, 2],
        ::std::vec![text],
        counts,
        tags,
        (anything, true),
        some!(9),
    )?;
    ::std::assert_eq!(upper, "ABC");
    ::std::assert_eq!(data, b"\x01\x02!");
    ::std::assert_eq!(items, ["a", "b"]);
    ::std::assert_eq!((counts.len(), counts["a"], counts["n"]), (2, 1, 3));
    let mut tags: ::std::vec::Vec<i64> =
        ::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter(tags));
    tags.sort();
    ::std::assert_eq!(tags, [1, 2, 3]);
    ::std::assert_eq!(maybe, some!(9));
    ::std::assert!(!flag);

    def_unit(1)?;
    ::std::assert!(def_unit(-1).is_err());
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ `py_module!`

::pyfn::py_module! {
    /// An inline module: `fn` and `def` declarations, defaults, a generator,
    /// the `py` token, parameters named like the generated locals.
    mod inline_module {
        source = r#"
            import math  # a comment: the source is a string

            SCALE = 10

            def locals(py, function, result, instance, args, cell):
                return py + 10 * function + 100 * result + 1000 * instance + 10000 * args + 100000 * cell

            def scaled(args, cell=SCALE):
                return args * cell

            def countdown(result):
                while result > 0:
                    yield result
                    result -= 1

            def pair(x):
                return [x, x]

            def hypot(instance: float, function: float) -> float:
                return math.hypot(instance, function)

            def join(items: list[str], sep: str = ", ") -> str:
                return sep.join(items)
        "#;
        pub(crate) fn locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> i64;
        pub(crate) fn scaled(args: i64, cell: ::core::option::Option<i64>) -> i64;
        pub(crate) fn countdown(result: i64) -> ::pyfn::Iter<i64>;
        pub(crate) fn pair(
            py: ::pyfn::pyo3::Python<'py>,
            x: i64,
        ) -> ::pyfn::pyo3::Bound<'py, ::pyfn::pyo3::PyAny>;
        pub(crate) def hypot;
        pub(crate) def join;
    }
}

#[test]
fn inline_module() -> ::pyfn::Result<()> {
    use ::pyfn::pyo3::types::PyAnyMethods;
    ::std::assert_eq!(inline_module::locals(1, 2, 3, 4, 5, 6)?, 654321);
    ::std::assert_eq!(inline_module::scaled(3, ::core::option::Option::None)?, 30);
    ::std::assert_eq!(
        inline_module::scaled(3, ::core::option::Option::Some(2))?,
        6
    );
    ::std::assert_eq!(collect(inline_module::countdown(3)?)?, [3, 2, 1]);
    let pair: ::std::vec::Vec<i64> =
        ::pyfn::pyo3::Python::attach(|py| inline_module::pair(py, 7).unwrap().extract().unwrap());
    ::std::assert_eq!(pair, [7, 7]);
    ::std::assert_eq!(inline_module::hypot(3.0, 4.0)?, 5.0);
    let items = ::std::vec![
        ::core::convert::From::from("a"),
        ::core::convert::From::from("b"),
    ];
    ::std::assert_eq!(
        inline_module::join(
            ::core::clone::Clone::clone(&items),
            ::core::option::Option::None
        )?,
        "a, b"
    );
    ::std::assert_eq!(
        inline_module::join(items, ::core::option::Option::Some("-"))?,
        "a-b"
    );
    ::core::result::Result::Ok(())
}

::pyfn::py_module! {
    /// A `.py` file.
    pub(crate) mod file_module {
        file = "tests/hygiene/module.py";
        pub(crate) fn locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> ::std::vec::Vec<i64>;
        pub(crate) fn offset(py: i64, args: ::core::option::Option<i64>) -> i64;
        pub(crate) fn evens(n: i64, start: ::core::option::Option<i64>) -> ::pyfn::Iter<i64>;
        pub(crate) def tally;
        pub(crate) def unique;
        pub(crate) def encode;
    }
}

#[test]
fn file_module() -> ::pyfn::Result<()> {
    ::std::assert_eq!(file_module::locals(1, 2, 3, 4, 5, 6)?, [1, 2, 3, 4, 5, 6]);
    ::std::assert_eq!(file_module::offset(1, none!())?, 101);
    ::std::assert_eq!(file_module::offset(1, some!(2))?, 3);
    ::std::assert_eq!(collect(file_module::evens(7, none!())?)?, [0, 2, 4, 6]);
    ::std::assert_eq!(collect(file_module::evens(7, some!(3))?)?, [4, 6]);
    let words = ::std::vec![
        ::core::convert::From::from("a"),
        ::core::convert::From::from("b"),
        ::core::convert::From::from("a"),
    ];
    let counts = file_module::tally(::core::clone::Clone::clone(&words), none!())?;
    ::std::assert_eq!((counts.len(), counts["a"], counts["b"]), (2, 2, 1));
    let counts = file_module::tally(words, some!(10))?;
    ::std::assert_eq!((counts.len(), counts["a"], counts["b"]), (2, 20, 10));
    let unique = file_module::unique(::std::vec![3, 1, 3])?;
    ::std::assert_eq!(
        (unique.len(), unique.contains(&1), unique.contains(&3)),
        (2, true, true)
    );
    ::std::assert_eq!(file_module::encode("hé")?, "hé".as_bytes());
    ::core::result::Result::Ok(())
}

::pyfn::py_module! {
    /// A package, reloading changed files in a debug build.
    #[py(reload)]
    pub(crate) mod package_module {
        package = "tests/hygiene/hygiene_pkg";
        pub(crate) fn locals(py: i64, function: i64, result: i64, instance: i64, args: i64, cell: i64) -> ::std::vec::Vec<i64>;
        pub(crate) fn offset(py: i64, args: ::core::option::Option<i64>) -> i64;
        #[py(module = "helpers")]
        pub(crate) def twice;
    }
}

#[test]
fn package_module() -> ::pyfn::Result<()> {
    ::std::assert_eq!(
        package_module::locals(1, 2, 3, 4, 5, 6)?,
        [1, 2, 3, 4, 5, 6]
    );
    ::std::assert_eq!(package_module::offset(1, none!())?, 102);
    ::std::assert_eq!(package_module::offset(1, some!(2))?, 6);
    ::std::assert_eq!(package_module::twice(21)?, 42);
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ inside a function body

#[test]
fn items_and_modules_inside_a_function_body() -> ::pyfn::Result<()> {
    // Locals named like the generated code's, before the items.
    let py = 1_i64;
    let function = 2_i64;
    ::pyfn::py_fn! {
        fn local_add(py: i64, function: i64) -> i64 {
            return py + function
        }

        fn local_scaled(result: i64, #[py(default = "3")] args: ::core::option::Option<i64>) -> i64 {"
            return result * args
        "}
    }
    ::pyfn::py_fn! {
        def local_def(instance: int, cell: int = 4) -> int:
            return instance * cell
    }
    ::pyfn::py_module! {
        mod local_module {
            source = r#"
                def twice(py):
                    return 2 * py

                def label(function: int) -> str:
                    return f"n{function}"
            "#;
            pub(super) fn twice(py: i64) -> i64;
            pub(super) def label;
        }
    }
    ::std::assert_eq!(local_add(py, function)?, 3);
    ::std::assert_eq!(local_scaled(2, none!())?, 6);
    ::std::assert_eq!(local_scaled(2, some!(5))?, 10);
    ::std::assert_eq!(local_def(2, none!())?, 8);
    ::std::assert_eq!(local_module::twice(py)?, 2);
    ::std::assert_eq!(local_module::label(function)?, "n2");
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ the real names in scope

/// The same forms where `Option`, `Some`, `String`, the runtime's names…
/// are in scope as the very items the generated code names by path: its
/// absolute paths must not be unnecessary qualifications.
mod real_names {
    #[allow(unused_imports)]
    use ::core::option::Option::{self, None, Some};
    #[allow(unused_imports)]
    use ::core::result::Result::{self, Err, Ok};
    #[allow(unused_imports)]
    use ::core::{concat, env, file, include_str, mem::drop, module_path};
    #[allow(unused_imports)]
    use ::pyfn::__private::{
        Args, Function, Instance, Module, ModuleSpec, Spec, attach, not_compiled,
    };
    #[allow(unused_imports)]
    use ::pyfn::Iter;
    #[allow(unused_imports)]
    use ::pyfn::pyo3::{Bound, Py, PyAny, Python};
    #[allow(unused_imports)]
    use ::std::collections::{HashMap, HashSet};
    #[allow(unused_imports)]
    use ::std::string::String;
    #[allow(unused_imports)]
    use ::std::vec::Vec;

    ::pyfn::py_fn! {
        pub(super) fn add(a: i64, #[py(default = "1")] b: Option<i64>) -> i64 {
            return a + b
        }

        pub(super) fn bound(py: Python<'py>, x: i64) -> Bound<'py, PyAny> {
            return [x]
        }

        pub(super) fn upto(n: i64) -> Iter<i64> {
            yield from range(n)
        }

        pub(super) fn unit(x: i64) {
            return x
        }
    }

    ::pyfn::py_fn! {
        pub(super) def words(text: str, sep: str | None = None) -> dict[str, list[str]]:
            return {"words": text.split(sep)}
    }

    ::pyfn::py_module! {
        pub(super) mod module {
            source = r#"
                def scaled(x, factor=2):
                    return x * factor

                def tags(xs: list[int]) -> set[int]:
                    return set(xs)
            "#;
            pub(crate) fn scaled(x: i64, factor: Option<i64>) -> i64;
            pub(crate) def tags;
        }
    }

    pub(super) fn closure(k: i64) -> impl ::core::ops::Fn(i64) -> ::pyfn::Result<i64> {
        ::pyfn::py_fn!(move |x: i64| -> i64 { return x * k })
    }
}

#[test]
fn with_the_real_names_in_scope() -> ::pyfn::Result<()> {
    ::std::assert_eq!(real_names::add(1, none!())?, 2);
    ::std::assert_eq!(real_names::add(1, some!(5))?, 6);
    let one: ::std::vec::Vec<i64> = ::pyfn::pyo3::Python::attach(|py| {
        use ::pyfn::pyo3::types::PyAnyMethods;
        real_names::bound(py, 7).unwrap().extract().unwrap()
    });
    ::std::assert_eq!(one, [7]);
    ::std::assert_eq!(collect(real_names::upto(3)?)?, [0, 1, 2]);
    real_names::unit(1)?;
    let words = real_names::words("a b", none!())?;
    ::std::assert_eq!(words["words"], ["a", "b"]);
    let words = real_names::words("a,b", some!(::core::convert::From::from(",")))?;
    ::std::assert_eq!(words["words"], ["a", "b"]);
    ::std::assert_eq!(real_names::module::scaled(3, none!())?, 6);
    ::std::assert_eq!(real_names::module::tags(::std::vec![1, 1])?.len(), 1);
    ::std::assert_eq!(real_names::closure(3)(4)?, 12);
    ::core::result::Result::Ok(())
}

// ------------------------------------------------------------ crates of their own
//
// Each file under `tests/hygiene/` is a crate of its own, built and run by
// trybuild (`pass`: it must compile, and its `main` must succeed). A
// trybuild binary has no rpath to libpython, so each runs in a child process
// of this test binary whose library path holds the directory of the
// libpython this process runs on: otherwise, under a pyenv CPython, the
// binaries would not start (or would load the system's libpython).

/// `#![no_std]`: the generated code of every form needs nothing from
/// `::std` (or `::alloc`).
#[test]
fn no_std_crate() {
    pass("no_std_crate", "tests/hygiene/no_std.rs");
}

/// A trait in scope, implemented for every type, with by-value methods
/// named like the runtime methods the generated code calls.
#[test]
fn trait_methods_in_scope() {
    pass("trait_methods_in_scope", "tests/hygiene/method_names.rs");
}

/// Types named `i64`, `f64`, `bool`, `u8`, `str` next to the `def` form.
#[test]
fn primitive_type_names() {
    pass("primitive_type_names", "tests/hygiene/primitives.rs");
}

/// Parameters and captures named like the generated statics.
#[test]
fn names_of_the_generated_statics() {
    pass(
        "names_of_the_generated_statics",
        "tests/hygiene/reserved_names.rs",
    );
}

/// Closure captures and parameters named like the Python functions the
/// generated source wraps a closure in.
#[test]
fn python_names_of_the_generated_source() {
    pass(
        "python_names_of_the_generated_source",
        "tests/hygiene/python_names.rs",
    );
}

/// `forbid` instead of `deny`: no `#[allow]` in the generated code.
#[test]
fn forbidden_lints() {
    pass("forbidden_lints", "tests/hygiene/forbid.rs");
}

::pyfn::py_fn! {
    /// The directory of the libpython this process runs on.
    fn libpython_dir() -> ::std::string::String {
        import sysconfig
        return sysconfig.get_config_var("LIBDIR")
    }
}

/// Builds and runs the trybuild `pass` case `case` for the test `test`: in
/// a child process (the same test, run again with the case in its
/// environment) that finds libpython.
fn pass(test: &str, case: &str) {
    // In the child: run the case.
    if ::std::env::var_os("PYFN_HYGIENE_CASE").is_some() {
        ::trybuild::TestCases::new().pass(case);
        return;
    }
    // Once: `sysconfig` fills its variables lazily, and a second thread
    // asking meanwhile can get `None`.
    static LIBPYTHON_DIR: ::std::sync::OnceLock<::std::string::String> =
        ::std::sync::OnceLock::new();
    let dir = LIBPYTHON_DIR.get_or_init(|| libpython_dir().unwrap());
    let mut path: ::std::ffi::OsString = ::core::convert::From::from(dir);
    if let ::core::option::Option::Some(inherited) = ::std::env::var_os("LD_LIBRARY_PATH") {
        path.push(":");
        path.push(inherited);
    }
    let output = ::std::process::Command::new(::std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture"])
        .env("PYFN_HYGIENE_CASE", case)
        .env("LD_LIBRARY_PATH", &path)
        .env("DYLD_FALLBACK_LIBRARY_PATH", &path)
        .output()
        .unwrap();
    let stdout = ::std::string::String::from_utf8_lossy(&output.stdout);
    ::std::assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{case}:\n{stdout}\n{}",
        ::std::string::String::from_utf8_lossy(&output.stderr),
    );
}
