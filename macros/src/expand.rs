//! Code generation. The generated code names the runtime only by absolute
//! path (`::pyfn::__private::…`) and its own locals with mixed-site
//! hygiene, so it cannot collide with the user's names.

use std::ffi::CString;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, LifetimeParam};

use crate::ast::{Errors, Func, Input, PyFn, check_signature};
use crate::{check, source};

/// The whole macro: parse, check each item, expand each item.
pub fn py_fn(input: TokenStream) -> TokenStream {
    // The macro must answer every input with code or a compile error, even
    // if a bug of ours panics: rustc would show an opaque "proc macro
    // panicked" otherwise.
    std::panic::catch_unwind(|| expand_input(input)).unwrap_or_else(|_| {
        syn::Error::new(
            Span::call_site(),
            "internal error in `py_fn!` (a bug in pyfn: please report it with this input)",
        )
        .into_compile_error()
    })
}

fn expand_input(input: TokenStream) -> TokenStream {
    match syn::parse2::<Input>(input) {
        Ok(input) => input.items.iter().map(expand_item).collect(),
        Err(err) => err.into_compile_error(),
    }
}

fn expand_item(item: &PyFn) -> TokenStream {
    let mut errors = Errors::default();
    let Some(func) = check_signature(item, &mut errors) else {
        // A signature rustc would reject cannot be emitted as a stub
        // without a cascade of errors: report ours alone.
        return errors.into_compile_error();
    };
    let params: Vec<&str> = func.params.iter().map(|p| p.py_name.as_str()).collect();
    let header = format!("def {}({}):", func.py_name, params.join(", "));
    let rendered = source::render(&item.body, &header, &mut errors);
    if let Some(rendered) = rendered.as_ref().filter(|_| errors.is_empty()) {
        match check::check(rendered, &item.sig.ident) {
            Err(err) => errors.push(err),
            Ok(()) => check::analyze(rendered, &func)
                .into_iter()
                .for_each(|err| errors.push(err)),
        }
    }
    match rendered {
        Some(rendered) if errors.is_empty() => function(&func, Some(&rendered.text)),
        // Keep the function defined, so callers see only our error, not a
        // cascade of "cannot find function".
        _ => {
            let mut out = function(&func, None);
            out.extend(errors.into_compile_error());
            out
        }
    }
}

/// The Rust function; `source` is `None` for a stub after an error.
fn function(func: &Func, source: Option<&str>) -> TokenStream {
    let item = func.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    let ident = &item.sig.ident;
    let inputs = &item.sig.inputs;
    let mut generics = item.sig.generics.clone();
    for lifetime in &func.implicit_lifetimes {
        generics
            .params
            .push(GenericParam::Lifetime(LifetimeParam::new(lifetime.clone())));
    }
    let ret = match func.ret {
        Some(ty) => ty.to_token_stream(),
        None => quote!(()),
    };
    let body = match source {
        Some(source) => call(func, source),
        None => {
            let name = &func.py_name;
            let used = func
                .params
                .iter()
                .map(|param| param.ident)
                .chain(func.py_token);
            quote! {
                let _ = (#(#used,)*);
                ::core::result::Result::Err(::pyfn::__private::not_compiled(#name))
            }
        }
    };
    quote! {
        #(#attrs)*
        #vis fn #ident #generics (#inputs) -> ::pyfn::Result<#ret> {
            #body
        }
    }
}

/// The body of a checked function: the cached Python function and one
/// call of it.
fn call(func: &Func, source: &str) -> TokenStream {
    let hygienic = |name: &str| Ident::new(name, Span::mixed_site());
    let py = hygienic("py");
    let function = hygienic("function");
    let result = hygienic("result");
    let cell = Ident::new("__PYFN_FUNCTION", Span::mixed_site());

    let name = &func.py_name;
    // The source is checked to hold no NUL before it gets here.
    let source = match CString::new(source) {
        Ok(source) => Literal::c_string(&source),
        Err(_) => Literal::c_string(c""),
    };
    let param_names = func.params.iter().map(|p| &p.py_name);
    let param_types = func.params.iter().map(|p| type_text(p.ty));
    let return_type = func.ret.map_or_else(|| "()".to_owned(), type_text);

    let args = func.params.iter().enumerate().map(|(index, param)| {
        let ident = param.ident;
        quote_spanned!(param.ty.span()=> #cell.arg(#py, #index, #ident)?)
    });
    let convert = match func.ret {
        None => quote! {
            ::core::mem::drop(#result);
            ::core::result::Result::Ok(())
        },
        Some(ty) => quote_spanned!(ty.span()=> #cell.ret::<#ty>(#result)),
    };
    let steps = quote! {
        let #function = #cell.get(#py)?;
        let #result = #cell.call(#function, [#(#args),*])?;
        #convert
    };
    let run = match func.py_token {
        // The caller holds the interpreter: no second attach.
        Some(token) => quote! {
            let #py = #token;
            #steps
        },
        None => quote! {
            ::pyfn::__private::attach(&#cell, move |#py| { #steps })
        },
    };
    quote! {
        // Built on the first call, once per process; see `Function::get`.
        static #cell: ::pyfn::__private::Function =
            ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: #name,
                source: #source,
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &[#(#param_names),*],
                param_types: &[#(#param_types),*],
                return_type: #return_type,
            });
        #run
    }
}

/// A type as a reader would write it: `Vec<i64>`, not `Vec < i64 >`.
fn type_text(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let tight_after = matches!(prev, Some('<' | '&' | '(' | '[' | '\'' | ':'));
            let tight_before = matches!(next, Some('<' | '>' | ',' | ')' | ']' | ':' | ';'));
            if tight_after || tight_before {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::type_text;

    #[test]
    fn type_text_is_compact() {
        let ty: syn::Type = syn::parse_str("HashMap<String, Vec<(i64, f64)>>").expect("a type");
        assert_eq!(type_text(&ty), "HashMap<String, Vec<(i64, f64)>>");
        let ty: syn::Type = syn::parse_str("&'a [u8]").expect("a type");
        assert_eq!(type_text(&ty), "&'a [u8]");
        let ty: syn::Type = syn::parse_str("Bound<'py, PyAny>").expect("a type");
        assert_eq!(type_text(&ty), "Bound<'py, PyAny>");
    }
}
