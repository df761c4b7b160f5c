//! Code generation. The generated code names the runtime only by absolute
//! path (`::pyfn::__private::…`) and its own locals with mixed-site
//! hygiene, so it cannot collide with the user's names.

use std::ffi::CString;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, LifetimeParam};

use crate::ast::{Errors, Func, Input, PyFn, check_signature, iter_item};
use crate::source::CLOSURE_OUTER;
use crate::{check, source};

/// The whole macro: parse, check each item, expand each item.
pub fn py_fn(input: TokenStream) -> TokenStream {
    guard(|| expand_input(input))
}

/// Runs a macro expansion. The macro must answer every input with code or
/// a compile error, even if a bug of ours panics: rustc would show an
/// opaque "proc macro panicked" otherwise.
pub fn guard(expand: impl FnOnce() -> TokenStream + std::panic::UnwindSafe) -> TokenStream {
    std::panic::catch_unwind(expand).unwrap_or_else(|_| {
        syn::Error::new(
            Span::call_site(),
            "internal error in `py_fn!` (a bug in pyfn: please report it with this input)",
        )
        .into_compile_error()
    })
}

fn expand_input(input: TokenStream) -> TokenStream {
    match syn::parse2::<Input>(input) {
        Ok(Input::Items(items)) => items.iter().map(expand_item).collect(),
        Ok(Input::Closure(closure)) => expand_item(&closure),
        Ok(Input::Def(def)) => crate::def_form::expand(&def),
        Err(err) => err.into_compile_error(),
    }
}

fn expand_item(item: &PyFn) -> TokenStream {
    let mut errors = Errors::default();
    let Some(func) = check_signature(item, &mut errors) else {
        // A signature rustc would reject cannot be emitted as a stub
        // without a cascade of errors: report ours alone (for a closure,
        // as an expression that never returns).
        let errors = errors.into_compile_error();
        return match item.closure {
            Some(_) => quote!({ #errors loop {} }),
            None => errors,
        };
    };
    // Defaults are not part of the code object: the header marks them
    // (`=None`), the runtime evaluates them into `argdefs`.
    let params: Vec<String> = func
        .params
        .iter()
        .map(|p| match p.default {
            Some(_) => format!("{}=None", p.py_name),
            None => p.py_name.clone(),
        })
        .collect();
    for default in func.params.iter().filter_map(|p| p.default.as_ref()) {
        if let Err(err) = check::check_default(default) {
            errors.push(err);
        }
    }
    let header = format!("def {}({}):", func.py_name, params.join(", "));
    let mut rendered = source::render(&item.body, std::slice::from_ref(&header), &mut errors);
    let mut captures = Vec::new();
    if let Some(rendered) = rendered.as_ref().filter(|_| errors.is_empty()) {
        match check::check(rendered, &item.sig.ident) {
            Err(err) => errors.push(err),
            Ok(()) => {
                let (found, free) = check::analyze(rendered, &func);
                found.into_iter().for_each(|err| errors.push(err));
                captures = free;
            }
        }
    }
    if item.closure.is_some() && errors.is_empty() {
        // A closure's code object is the inner function of an outer one
        // whose parameters are the captures: its free variables, filled
        // with cells each time a closure is created.
        let names: Vec<&str> = captures.iter().map(|c| c.name.as_str()).collect();
        let outer = format!("def {CLOSURE_OUTER}({}):", names.join(", "));
        rendered = source::render(&item.body, &[outer, format!(" {header}")], &mut errors);
        if let Some(rendered) = rendered.as_ref().filter(|_| errors.is_empty())
            && let Err(err) = check::check(rendered, &item.sig.ident)
        {
            errors.push(err);
        }
    }
    let capture_idents: Vec<(Ident, &check::Capture)> = captures
        .iter()
        .filter_map(|capture| match rust_ident(&capture.name, capture.span) {
            Some(ident) => Some((ident, capture)),
            None => {
                errors.push(syn::Error::new(
                    capture.span,
                    format!(
                        "`{}` cannot be captured from Rust: no Rust variable can have that name",
                        capture.name
                    ),
                ));
                None
            }
        })
        .collect();
    let source = rendered
        .as_ref()
        .filter(|_| errors.is_empty())
        .map(|rendered| rendered.text.as_str());
    // On error the function or closure is still emitted (as a stub), so
    // callers see only our error, not a cascade of "cannot find function".
    match item.closure {
        // A closure is an expression: its errors go inside its block.
        Some(_) => {
            let errors = errors.into_compile_error();
            let closure = closure(&func, source, &capture_idents);
            quote!({ #errors #closure })
        }
        None => {
            let mut out = function(&func, source);
            out.extend(errors.into_compile_error());
            out
        }
    }
}

/// The Rust identifier naming Python name `name`: `r#type` for `type`;
/// `None` for names no Rust variable can have (`self`, `_`).
pub fn rust_ident(name: &str, span: Span) -> Option<Ident> {
    let mut ident = syn::parse_str::<Ident>(name)
        .or_else(|_| syn::parse_str::<Ident>(&format!("r#{name}")))
        .ok()?;
    ident.set_span(span);
    Some(ident)
}

/// The Rust function; `source` is `None` for a stub after an error.
fn function(func: &Func, source: Option<&str>) -> TokenStream {
    function_from(func, source, None)
}

/// The Rust function of a `py_fn!` item, or, with `namespace`, of a
/// function declared in a `py_module!` (taken from that module).
pub fn function_from(func: &Func, source: Option<&str>, namespace: Option<&Ident>) -> TokenStream {
    let item = func.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    let ident = &item.sig.ident;
    let inputs = &func.inputs;
    let mut generics = item.sig.generics.clone();
    for lifetime in &func.implicit_lifetimes {
        generics
            .params
            .push(GenericParam::Lifetime(LifetimeParam::new(lifetime.clone())));
    }
    let ret = return_type(func);
    let body = match source {
        Some(source) => {
            let names = Names::new();
            let spec = spec(func, source, None, namespace);
            let cell = &names.cell;
            let py = &names.py;
            let steps = call_steps(func, &names, quote!(#cell.get(#py)?));
            let run = match func.py_token {
                // The caller holds the interpreter: no second attach.
                Some(token) => {
                    quote! {
                        let #py = #token;
                        #steps
                    }
                }
                None => quote!(::pyfn::__private::attach(&#cell, move |#py| { #steps })),
            };
            quote! {
                // Built on the first call, once per process; see `Function::get`.
                static #cell: ::pyfn::__private::Function = ::pyfn::__private::Function::new(#spec);
                #run
            }
        }
        None => stub(func),
    };
    quote! {
        #(#attrs)*
        #vis fn #ident #generics (#inputs) -> ::pyfn::Result<#ret> {
            #body
        }
    }
}

/// The closure expression; `source` is `None` for a stub after an error.
fn closure(
    func: &Func,
    source: Option<&str>,
    captures: &[(Ident, &check::Capture)],
) -> TokenStream {
    let inputs = &func.inputs;
    let ret = return_type(func);
    let Some(source) = source else {
        let body = stub(func);
        return quote!(move |#inputs| -> ::pyfn::Result<#ret> { #body });
    };
    let names = Names::new();
    let (cell, py, instance) = (&names.cell, &names.py, &names.instance);
    let capture_names = captures.iter().map(|(_, capture)| &capture.name);
    let spec = spec(func, source, Some(quote!(&[#(#capture_names),*])), None);
    let values = captures.iter().enumerate().map(|(index, (ident, capture))| {
        quote_spanned!(capture.span=> #cell.capture(#py, #index, &#ident)?)
    });
    let steps = call_steps(func, &names, quote!(#instance.get(#py)?));
    quote! {{
        // Compiled once per process; each closure only creates a function
        // object over its own captured values.
        static #cell: ::pyfn::__private::Function = ::pyfn::__private::Function::new(#spec);
        let #instance = ::pyfn::__private::Instance::new(&#cell, |#py| {
            ::core::result::Result::Ok([#(#values),*])
        });
        move |#inputs| -> ::pyfn::Result<#ret> {
            ::pyfn::__private::attach(&#cell, |#py| { #steps })
        }
    }}
}

/// The generated code's own local names, hygienic (mixed-site).
struct Names {
    py: Ident,
    function: Ident,
    result: Ident,
    instance: Ident,
    cell: Ident,
}

impl Names {
    fn new() -> Self {
        let hygienic = |name: &str| Ident::new(name, Span::mixed_site());
        Names {
            py: hygienic("py"),
            function: hygienic("function"),
            result: hygienic("result"),
            instance: hygienic("instance"),
            cell: hygienic("__PYFN_FUNCTION"),
        }
    }
}

fn return_type(func: &Func) -> TokenStream {
    match func.ret {
        Some(ty) => ty.to_token_stream(),
        None => quote!(()),
    }
}

/// What a function whose Python did not compile does: nothing, since the
/// build fails; it only keeps the signature (and uses the parameters).
fn stub(func: &Func) -> TokenStream {
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

/// The `Spec` literal of a checked function.
fn spec(
    func: &Func,
    source: &str,
    captures: Option<TokenStream>,
    namespace: Option<&Ident>,
) -> TokenStream {
    let name = &func.py_name;
    // The source is checked to hold no NUL before it gets here.
    let source = match CString::new(source) {
        Ok(source) => Literal::c_string(&source),
        Err(_) => Literal::c_string(c""),
    };
    let param_names = func.params.iter().map(|p| &p.py_name);
    let param_types = func.params.iter().map(|p| type_text(p.ty));
    let return_type = func.ret.map_or_else(|| "()".to_owned(), type_text);
    let defaults = func
        .params
        .iter()
        .filter_map(|p| p.default.as_ref())
        .map(|default| default.value().trim().to_owned());
    let namespace = match namespace {
        Some(module) => quote!(::core::option::Option::Some(&#module)),
        None => quote!(::core::option::Option::None),
    };
    let captures = match captures {
        Some(captures) => quote!(::core::option::Option::Some(#captures)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        ::pyfn::__private::Spec {
            name: #name,
            source: #source,
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &[#(#param_names),*],
            param_types: &[#(#param_types),*],
            return_type: #return_type,
            defaults: &[#(#defaults),*],
            captures: #captures,
            namespace: #namespace,
        }
    }
}

/// Converting the arguments, the call, converting the result; `function`
/// is an expression giving the function object.
fn call_steps(func: &Func, names: &Names, function: TokenStream) -> TokenStream {
    let Names {
        py,
        function: function_ident,
        result,
        cell,
        ..
    } = names;
    let convert = match func.ret {
        None => quote! {
            ::core::mem::drop(#result);
            ::core::result::Result::Ok(())
        },
        Some(ty) => match iter_item(ty) {
            Some(item) => {
                let item_text = type_text(item);
                quote_spanned!(ty.span()=> #cell.iter::<#item>(#result, #item_text))
            }
            None => quote_spanned!(ty.span()=> #cell.ret::<#ty>(#result)),
        },
    };
    if func.params.iter().all(|param| !param.omit_none) {
        // The fast path: positional arguments on the stack.
        let args = func.params.iter().enumerate().map(|(index, param)| {
            let ident = param.ident;
            quote_spanned!(param.ty.span()=> #cell.arg(#py, #index, #ident)?)
        });
        return quote! {
            let #function_ident = #function;
            let #result = #cell.call(#function_ident, [#(#args),*])?;
            #convert
        };
    }
    // With defaults: a `None` leaves its parameter to the default; a later
    // `Some` then goes by keyword.
    let args = Ident::new("args", Span::mixed_site());
    let pushes = func.params.iter().enumerate().map(|(index, param)| {
        let ident = param.ident;
        if param.omit_none {
            quote_spanned!(param.ty.span()=> #cell.push_default(#py, &mut #args, #index, #ident)?;)
        } else {
            quote_spanned!(param.ty.span()=> #args.push(#cell.arg(#py, #index, #ident)?);)
        }
    });
    let count = func.params.len();
    quote! {
        let #function_ident = #function;
        let mut #args = ::pyfn::__private::Args::with_capacity(#count);
        #(#pushes)*
        let #result = #cell.call_args(#function_ident, #args)?;
        #convert
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
