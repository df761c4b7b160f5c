//! The `py_fn!` macro of [pyfn](https://docs.rs/pyfn). Use it through the
//! `pyfn` crate, which holds its documentation and the runtime it expands to.

mod check;
mod errors;
mod expand;
mod lower;
mod model;
mod parse;
mod pipeline;
mod python;
mod render;
mod spans;
mod typecheck;
mod types;
mod tyserver;

use proc_macro::TokenStream;

/// Defines Rust functions whose bodies are Python, checked by CPython at
/// build time.
///
/// Input forms:
///
/// | form | example |
/// |---|---|
/// | items (one or more) | `fn add(a: i64, b: i64) -> i64 { return a + b }` |
/// | string body | `fn f(x: i64) -> i64 {r#" … "#}` |
/// | closure (an expression) | `py_fn!(\|x: i64\| -> i64 { return x * k })` |
/// | `def` form | `def area(r: float) -> float: …` |
///
/// Options, as attributes:
///
/// | attribute | on | meaning |
/// |---|---|---|
/// | `#[py(allow(check, …))]` | a function | turns named checks of the analysis off (`undefined_name`, `missing_import`, `generator`, `missing_return`, `super_outside_class`, `shadowed_builtin`) |
/// | `#[py(allow_missing_imports)]` | a function | modules the build interpreter lacks are installed where the program runs (`allow(missing_import)`) |
/// | `#[py(typecheck)]`, `#[py(typecheck = false)]` | a function, or before a closure's `\|` | the type checker ty checks the body against the Rust types (on everywhere with the `typecheck` feature), or not |
/// | `#[py(default = "expr")]` | a trailing `Option` parameter | the Python default; `None` uses it |
///
/// See the [`pyfn`](https://docs.rs/pyfn) crate documentation for examples.
#[proc_macro]
pub fn py_fn(input: TokenStream) -> TokenStream {
    pipeline::py_fn(input.into()).into()
}

/// Exposes the functions of a Python module, inline, a `.py` file or a
/// package directory, checked by CPython at build time.
///
/// Inside `mod name { … }`:
///
/// | entry | meaning |
/// |---|---|
/// | `source = r#"…"#;` | the module's Python, inline (dedented) |
/// | `file = "path.py";` | the module's Python, a file relative to `Cargo.toml` (rebuilt on change) |
/// | `package = "dir";` | a package: every `.py` file under the directory (relative to `Cargo.toml`), embedded and imported under the directory's name |
/// | `vis fn name(params) -> Ret;` | a function of the module, called with this Rust signature |
/// | `vis def name;` | a function of the module, typed by its annotations |
/// | `#[py(module = "sub")]` on either | in a package, the function comes from module `sub` (else from `__init__`) |
///
/// `#[py(allow(check, …))]` on the module turns named checks off
/// (`#[py(allow_missing_imports)]`: the import check); `#[py(typecheck)]`
/// (`= false`) turns type checking of the whole source on (off);
/// `#[py(reload)]` runs a changed `file` or `package` again while a debug
/// build runs.
/// See the [`pyfn`](https://docs.rs/pyfn) crate documentation for examples.
#[proc_macro]
pub fn py_module(input: TokenStream) -> TokenStream {
    pipeline::py_module(input.into()).into()
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod hermetic;
#[cfg(test)]
mod snapshots;
#[cfg(test)]
mod sweep;
#[cfg(test)]
mod tests;
