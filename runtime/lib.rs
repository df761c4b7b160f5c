//! Python functions written inline in Rust, checked by CPython when
//! `cargo build` runs, and called as ordinary typed Rust functions.
//!
//! # Example
//!
//! ```
//! use pyfn::py_fn;
//!
//! py_fn! {
//!     /// Adds in Python.
//!     pub fn add(a: i64, b: i64) -> i64 {
//!         return a + b
//!     }
//! }
//!
//! py_fn! {
//!     pub fn slug(title: &str) -> String {r#"
//!         import re
//!         return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
//!     "#}
//! }
//!
//! fn main() -> pyfn::Result<()> {
//!     assert_eq!(add(2, 3)?, 5);
//!     assert_eq!(slug("Hello, World!")?, "hello-world");
//!     Ok(())
//! }
//! ```
//!
//! # How it works
//!
//! At compile time [`py_fn!`] turns each body into Python source and has
//! CPython, the interpreter pyo3 links, compile it: a `SyntaxError` is a Rust
//! compile error at the offending token, with CPython's own message. The
//! compiled code object (with the `.rs` file as its file name, and its lines
//! as Python's line numbers, so tracebacks point into the Rust file) is
//! embedded in the program, marshalled, next to the source.
//!
//! At run time, on the first call in a process, the generated function
//! loads that code object (or, if the program's CPython would not compile
//! the source to the very same code, compiles the source), takes the
//! function's code object from the module's constants by name, and builds
//! it with `types.FunctionType(code, globals, name, argdefs, closure)`.
//! Every later call is one vectorcall plus the argument and return
//! conversions.
//!
//! # Body forms
//!
//! - **Tokens**: Python written directly between the braces. The macro
//!   rebuilds the text from each token's line and column, so the
//!   indentation is yours. Rust's tokenizer must accept it, which excludes
//!   `#` comments, `//` (Rust reads a comment), single-quoted strings,
//!   f-strings and `\` line continuations: the macro reports each at its
//!   token (where Rust does not reject it first) and recommends the string
//!   form.
//! - **String**: the body as one string literal, raw or not, for any Python
//!   at all. It is dedented as a block.
//!
//! # Modules, closures, defaults, generators
//!
//! [`py_module!`] exposes the functions of a whole Python module, inline or
//! a `.py` file, each declared signature checked against its `def`:
//!
//! ```
//! use pyfn::py_module;
//!
//! py_module! {
//!     mod geometry {
//!         source = r#"
//!             import math
//!
//!             TAU = 2 * math.pi
//!
//!             def circumference(r: float) -> float:
//!                 return TAU * r
//!         "#;
//!         pub def circumference;
//!     }
//! }
//!
//! # fn main() -> pyfn::Result<()> {
//! assert!((geometry::circumference(1.0)? - std::f64::consts::TAU).abs() < 1e-12);
//! # Ok(())
//! # }
//! ```
//!
//! A directory of `.py` files is a package (README: "Packages"): every
//! file embedded, imported under the package's name at run time, imports
//! between its files checked at build time:
//!
//! ```
//! use pyfn::py_module;
//!
//! py_module! {
//!     mod invoicing {
//!         package = "examples/python/invoicing";
//!         pub fn total(lines: Vec<(String, i64, i64)>, country: Option<&str>) -> String;
//!         #[py(module = "tax")]
//!         pub fn rate(country: &str) -> f64;
//!     }
//! }
//!
//! # fn main() -> pyfn::Result<()> {
//! assert_eq!(invoicing::total(vec![("tea".into(), 2, 300)], None)?, "7.14 EUR");
//! assert_eq!(invoicing::rate("FR")?, 0.2);
//! # Ok(())
//! # }
//! ```
//!
//! In a debug build, `#[py(reload)]` runs a changed `file` or `package`
//! again on the next call (README: "Hot reload"):
//!
//! ```
//! use pyfn::py_module;
//!
//! py_module! {
//!     #[py(reload)]
//!     mod demo {
//!         file = "examples/python/reload_demo.py";
//!         pub fn greet(name: &str, punctuation: Option<&str>) -> String;
//!     }
//! }
//!
//! # fn main() -> pyfn::Result<()> {
//! assert!(demo::greet("Ada", Some("!"))?.ends_with("Ada!"));
//! # Ok(())
//! # }
//! ```
//!
//! A closure captures Rust values as Python closure cells; a trailing
//! `Option` parameter can carry a Python default; a generator returns a
//! [`pyfn::Iter`](Iter); a whole `def` can be written in Python's own
//! syntax, typed by its annotations:
//!
//! ```
//! use pyfn::{Iter, py_fn};
//!
//! py_fn! {
//!     fn evens(n: i64, #[py(default = "0")] start: Option<i64>) -> Iter<i64> {
//!         for i in range(start, n):
//!             if i % 2 == 0:
//!                 yield i
//!     }
//! }
//!
//! py_fn! {
//!     def hypot(x: float, y: float) -> float:
//!         import math
//!         return math.hypot(x, y)
//! }
//!
//! # fn main() -> pyfn::Result<()> {
//! let scale = 10;
//! let scaled = py_fn! { |x: i64| -> i64 { return x * scale } };
//! assert_eq!(scaled(4)?, 40);
//! assert_eq!(evens(7, None)?.collect::<pyfn::Result<Vec<_>>>()?, [0, 2, 4, 6]);
//! assert_eq!(hypot(3.0, 4.0)?, 5.0);
//! # Ok(())
//! # }
//! ```
//!
//! # Every callable
//!
//! Keyword-only parameters, `*args` and `**kwargs` are marked
//! `#[py(keyword)]`, `#[py(args)]` and `#[py(kwargs)]` (in the `def` form,
//! the `def` says it); a `py_module!` also exposes classes (calling one
//! returns the instance) and aliases, each checked against what calling it
//! takes; a `def`-form `-> Iterator[T]` returns a [`pyfn::Iter`](Iter):
//!
//! ```
//! use std::collections::HashMap;
//!
//! use pyfn::pyo3::{Py, PyAny};
//! use pyfn::{py_fn, py_module};
//!
//! py_fn! {
//!     fn total(
//!         start: i64,
//!         #[py(args)] values: &[i64],
//!         #[py(keyword, default = "', '")] sep: Option<&str>,
//!         #[py(keyword)] unit: &str,
//!         #[py(kwargs)] extra: HashMap<String, i64>,
//!     ) -> String {
//!         parts = [str(start), *map(str, values), *(k + "=" + str(v) for k, v in extra.items())]
//!         return sep.join(parts) + " " + unit
//!     }
//! }
//!
//! py_fn! {
//!     def gather(first: int, *rest: int, digits: int = 2, **named: float) -> str:
//!         return str(round(first + sum(rest) + sum(named.values()), digits))
//! }
//!
//! py_fn! {
//!     def countdown(n: int) -> Iterator[int]:
//!         while n > 0:
//!             yield n
//!             n -= 1
//! }
//!
//! py_module! {
//!     mod people {
//!         source = r#"
//!             from dataclasses import dataclass
//!
//!             class Greeter:
//!                 def __init__(self, name, punctuation="!"):
//!                     self.line = "hello, " + name + punctuation
//!
//!             @dataclass
//!             class Point:
//!                 x: float
//!                 y: float = 0.0
//!
//!             make = Greeter
//!         "#;
//!         #[allow(non_snake_case)]
//!         pub fn Greeter(name: &str, punctuation: Option<&str>) -> Py<PyAny>;
//!         #[allow(non_snake_case)]
//!         pub fn Point(x: f64, y: Option<f64>) -> Py<PyAny>;
//!         pub fn make(name: &str) -> Py<PyAny>;
//!     }
//! }
//!
//! # fn main() -> pyfn::Result<()> {
//! use pyfn::pyo3::types::PyAnyMethods;
//!
//! assert_eq!(total(1, &[2, 3], None, "kg", HashMap::new())?, "1, 2, 3 kg");
//! assert_eq!(total(1, &[], Some("/"), "m", [("x".to_owned(), 4)].into())?, "1/x=4 m");
//! assert_eq!(gather(1, vec![2], Some(1), [("a".to_owned(), 0.25)].into())?, "3.2");
//! assert_eq!(countdown(2)?.collect::<pyfn::Result<Vec<_>>>()?, [2, 1]);
//! let greeter = people::make("ann")?;
//! let point = people::Point(1.0, None)?;
//! pyfn::pyo3::Python::attach(|py| {
//!     let line: String = greeter.bind(py).getattr("line")?.extract()?;
//!     assert_eq!(line, "hello, ann!");
//!     let y: f64 = point.bind(py).getattr("y")?.extract()?;
//!     assert_eq!(y, 0.0);
//!     pyfn::pyo3::PyResult::Ok(())
//! })
//! .expect("attributes");
//! # let _ = people::Greeter;
//! # Ok(())
//! # }
//! ```
//!
//! # Types
//!
//! Arguments are converted with pyo3's [`IntoPyObject`](pyo3::IntoPyObject)
//! and the result with [`FromPyObject`](pyo3::FromPyObject): `i8`–`i128`,
//! `u8`–`u128`, `isize`/`usize`, `f32`/`f64`, `bool`, `String`, `&str`,
//! `char`, `Vec<T>`, `&[T]`, `Option<T>`, tuples, `HashMap<K, V>`,
//! `BTreeMap`, `HashSet`, and [`Py<PyAny>`](pyo3::Py) for anything else.
//! No return type means `()`: the Python result is ignored. A first
//! parameter `py: Python<'py>` uses the interpreter the caller already holds
//! and allows `Bound<'py, …>` parameters and return types.
//!
//! # Errors
//!
//! Every generated function returns [`Result<T>`]; see [`Error`].

mod call;
mod error;
#[cfg(unix)]
mod exit;
#[cfg(unix)]
mod fork;
mod function;
mod interpreter;
mod iter;
mod lines;
mod once;
mod package;
mod reload;
mod report;
mod spec;
mod thread;
mod venv;

pub use error::{Chained, Error, ErrorKind, Result};
pub use iter::Iter;
#[doc(inline)]
pub use pyfn_macros::{py_fn, py_module};

/// The pyo3 pyfn is built on, with its `macros` feature: for naming
/// `Python`, `Bound`, `Py` and `PyAny` in signatures, and for
/// `#[derive(FromPyObject)]`, `#[pyclass]` and `#[pyfunction]`, without a
/// direct dependency. pyo3's macros name `::pyo3` unless told otherwise:
/// through this re-export, add `#[pyo3(crate = "pyfn::pyo3")]`.
///
/// ```
/// use pyfn::pyo3::FromPyObject;
///
/// #[derive(FromPyObject, Debug, PartialEq)]
/// #[pyo3(crate = "pyfn::pyo3")]
/// struct Point {
///     x: i64,
///     y: i64,
/// }
///
/// pyfn::py_fn! {
///     fn origin() -> Point {r#"
///         class P:
///             x = 0
///             y = 0
///         return P()
///     "#}
/// }
///
/// # fn main() -> pyfn::Result<()> {
/// assert_eq!(origin()?, Point { x: 0, y: 0 });
/// # Ok(())
/// # }
/// ```
pub use pyo3;

/// Starts the interpreter as pyfn's first call would (see the README's
/// "Interpreter and environment"), if it is not running yet. Only needed
/// to use pyo3 directly (`pyfn::pyo3::Python::attach`) before any pyfn
/// function has been called: without a running interpreter, pyo3's
/// `attach` panics (pyfn's own functions start it themselves).
///
/// ```
/// use pyfn::pyo3::prelude::*;
///
/// # fn main() -> pyfn::Result<()> {
/// pyfn::initialize()?;
/// let version = Python::attach(|py| py.version_info().major);
/// assert_eq!(version, 3);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// An [`ErrorKind::Interpreter`] error if CPython cannot start, or is not
/// the version pyfn was built for.
pub fn initialize() -> Result<()> {
    interpreter::initialize()
}

/// Used by the code `py_fn!` generates. Not public API: it changes without
/// notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::Args;
    pub use crate::error::{Error, Result};
    pub use crate::function::{Function, Instance, Module, bytecode_counts};
    pub use crate::interpreter::attach;
    pub use crate::package::Package;
    pub use crate::reload::{Declared, Reload};
    pub use crate::spec::{Bytecode, ModuleSpec, PackageFile, PackageSpec, Spec};
    pub use pyfn_common::CLOSURE_OUTER;
    pub use pyo3::Python;

    // The std types generated code names (the Rust types of `str`, `bytes`,
    // `list`, `set` and `dict` annotations), so that it never spells a
    // `::std` path, which a `no_std` crate using pyfn cannot resolve.
    pub use ::std::collections::{HashMap, HashSet};
    pub use ::std::string::String;
    pub use ::std::vec::Vec;

    /// What the stub of a function whose Python did not compile returns;
    /// never reached, since the build fails.
    pub fn not_compiled(function: &'static str) -> Error {
        Error::not_compiled(function)
    }
}
