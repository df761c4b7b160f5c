//! The phases, wired: parse → lower (the model) → check with CPython →
//! expand. The entry points of both macros, and the one error policy:
//! every error is reported, and whatever has a Rust signature is emitted
//! (as a stub when it has errors), so that callers see pyfn's errors and
//! nothing else.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};

use crate::errors::Errors;
use crate::parse::{self, Body, DefItem, FnInput, ItemFn};
use crate::{check, expand, lower};

/// `py_fn!`.
pub fn py_fn(input: TokenStream) -> TokenStream {
    guard(|| {
        if let Err(err) = parse::check_depth(&input) {
            return err.into_compile_error();
        }
        let mut errors = Errors::default();
        let mut out = TokenStream::new();
        match parse::fn_input(input, &mut errors) {
            Some(FnInput::Items(items)) => {
                for item in &items {
                    if let Some(gated) = cfg_gated_item(item) {
                        out.extend(gated);
                        continue;
                    }
                    let function = lower::item(item, &mut errors);
                    let checked = check::function(&function, &mut errors);
                    out.extend(expand::function(&function, checked.as_ref()));
                }
            }
            Some(FnInput::Closure(item)) => {
                // An expression: its errors go inside it.
                let mut local = std::mem::take(&mut errors);
                let function = lower::closure(&item, &mut local);
                let checked = check::function(&function, &mut local);
                return expand::closure(&function, checked.as_ref(), local.into_compile_error());
            }
            Some(FnInput::Defs(defs)) => {
                for def in &defs {
                    if let Some(gated) = cfg_gated_def(def) {
                        out.extend(gated);
                        continue;
                    }
                    // No Rust signature without the `def`'s annotations:
                    // nothing to emit when CPython cannot read them.
                    if let Some(function) = lower::def_item(def, &mut errors) {
                        let checked = check::function(&function, &mut errors);
                        out.extend(expand::function(&function, checked.as_ref()));
                    }
                }
            }
            Some(FnInput::BrokenClosure) => {
                let errors = errors.into_compile_error();
                return quote!({ #errors });
            }
            None => {}
        }
        out.extend(errors.into_compile_error());
        out
    })
}

/// `py_module!`.
pub fn py_module(input: TokenStream) -> TokenStream {
    guard(|| {
        if let Err(err) = parse::check_depth(&input) {
            return err.into_compile_error();
        }
        let mut errors = Errors::default();
        let Some(input) = parse::module_input(input, &mut errors) else {
            return errors.into_compile_error();
        };
        let module = lower::module(&input, &mut errors);
        let ok = check::module(&module, &mut errors) && errors.is_empty();
        let mut out = expand::module(&module, ok);
        out.extend(errors.into_compile_error());
        out
    })
}

/// An item under `#[cfg(...)]`, emitted as a `py_fn!` call of its own
/// under that `cfg`, so that rustc decides first: an item compiled out for
/// this target (`#[cfg(windows)]` on Linux) is never checked here, and its
/// imports of another system's modules are not refused.
fn cfg_gated_item(item: &ItemFn) -> Option<TokenStream> {
    let (cfgs, attrs) = split_cfgs(&item.attrs)?;
    let py_attrs = &item.py_attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let body = match item.body.as_ref()? {
        Body::Tokens(group) => group.to_token_stream(),
        Body::Str(lit) => quote!({ #lit }),
    };
    Some(quote! {
        #(#cfgs)*
        ::pyfn::py_fn! { #(#attrs)* #(#py_attrs)* #vis #sig #body }
    })
}

/// A `def` item under `#[cfg(...)]`, as [`cfg_gated_item`].
fn cfg_gated_def(def: &DefItem) -> Option<TokenStream> {
    let (cfgs, attrs) = split_cfgs(&def.attrs)?;
    let py_attrs = &def.py_attrs;
    let vis = &def.vis;
    let tokens = &def.tokens;
    Some(quote! {
        #(#cfgs)*
        ::pyfn::py_fn! { #(#attrs)* #(#py_attrs)* #vis #tokens }
    })
}

/// The `#[cfg(...)]` attributes, and the others; `None` without any.
fn split_cfgs(attrs: &[syn::Attribute]) -> Option<(Vec<&syn::Attribute>, Vec<&syn::Attribute>)> {
    let (cfgs, rest): (Vec<_>, Vec<_>) = attrs.iter().partition(|attr| attr.path().is_ident("cfg"));
    (!cfgs.is_empty()).then_some((cfgs, rest))
}

/// Runs a macro expansion. The macro must answer every input with code or
/// a compile error, even if a bug of ours panics: rustc would show an
/// opaque "proc macro panicked" otherwise.
fn guard(expand: impl FnOnce() -> TokenStream + std::panic::UnwindSafe) -> TokenStream {
    std::panic::catch_unwind(expand).unwrap_or_else(|_| {
        syn::Error::new(
            Span::call_site(),
            "internal error in pyfn's macro (a bug in pyfn: please report it with this input)",
        )
        .into_compile_error()
    })
}
