//! The `py_fn!` macro of [pyfn](https://docs.rs/pyfn). Use it through the
//! `pyfn` crate, which holds its documentation and the runtime it expands to.

mod ast;
mod check;
mod def_form;
mod expand;
mod interp;
mod module;
mod source;

use proc_macro::TokenStream;

/// Defines Rust functions whose bodies are Python, checked by CPython at
/// build time. See the [`pyfn`](https://docs.rs/pyfn) crate documentation.
#[proc_macro]
pub fn py_fn(input: TokenStream) -> TokenStream {
    expand::py_fn(input.into()).into()
}

/// Exposes the functions of a Python module, inline or a `.py` file,
/// checked by CPython at build time. See the [`pyfn`](https://docs.rs/pyfn)
/// crate documentation.
#[proc_macro]
pub fn py_module(input: TokenStream) -> TokenStream {
    expand::guard(|| module::expand(input.into())).into()
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
