//! The `def` form: `py_fn! { def area(r: float, n: int = 3) -> float: … }`,
//! a whole Python function whose Rust signature comes from its annotations.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::ParseStream;
use syn::{Attribute, Ident, LitStr, Signature};

use crate::ast::{Body, Errors, PyFn, check_signature, parse_attrs};
use crate::check::{self, PySignature};
use crate::expand::{function_from, rust_ident};
use crate::module::{Ann, parse_ann};
use crate::source::{self, PySource, TokenSource};

/// The annotations the `def` form understands, for its errors.
const SUPPORTED: &str = "`int`, `float`, `str`, `bool`, `bytes`, `list[T]`, `dict[K, V]`, \
    `set[T]`, `tuple[A, B, …]`, `T | None` (or `Optional[T]`), `Any`, and `None` as a return";

pub struct DefItem {
    /// Where the item starts on the `def` line (at `pub` in `pub def`).
    first_column: Option<usize>,
    attrs: Vec<Attribute>,
    py_attrs: Vec<Attribute>,
    vis: syn::Visibility,
    /// The function's name, after `def`.
    name: Ident,
    /// Everything from `def` to the end of the input.
    tokens: TokenStream,
}

/// Whether `input` (after attributes and visibility) is a `def`.
pub fn starts_def(input: ParseStream) -> bool {
    let fork = input.fork();
    let _ = fork.call(Attribute::parse_outer);
    let _ = fork.parse::<syn::Visibility>();
    fork.cursor()
        .ident()
        .is_some_and(|(ident, _)| ident == "def")
}

pub fn parse(input: ParseStream) -> syn::Result<DefItem> {
    let (py_attrs, attrs) = parse_attrs(input)?;
    let vis_start = input.span().start();
    let vis: syn::Visibility = input.parse()?;
    let tokens: TokenStream = input.parse()?;
    let def_start = tokens
        .clone()
        .into_iter()
        .next()
        .map(|token| token.span().start());
    let first_column = match (&vis, def_start) {
        (syn::Visibility::Inherited, _) => None,
        (_, Some(def)) if def.line == vis_start.line => Some(vis_start.column),
        _ => None,
    };
    let mut iter = tokens.clone().into_iter();
    let _def = iter.next();
    let name = match iter.next() {
        Some(TokenTree::Ident(name)) => name,
        other => {
            return Err(syn::Error::new(
                other.map_or(Span::call_site(), |token| token.span()),
                "expected the function's name after `def`",
            ));
        }
    };
    Ok(DefItem {
        first_column,
        attrs,
        py_attrs,
        vis,
        name,
        tokens,
    })
}

pub fn expand(item: &DefItem) -> TokenStream {
    let mut errors = Errors::default();
    // The `def` sits under an `if True:` so that it may keep its column; the
    // function's code object is still a constant of the module's.
    let rendered = source::render_token_stream(
        &TokenSource {
            stream: item.tokens.clone(),
            text_span: Span::call_site(),
            open: None,
            close: None,
            first_column: item.first_column,
        },
        &["if True:".to_owned()],
        &mut errors,
    );
    let Some(rendered) = rendered.filter(|_| errors.is_empty()) else {
        return errors.into_compile_error();
    };
    if let Err(err) = check::check(&rendered, &item.name) {
        return err.into_compile_error();
    }
    let py_name = item.name.to_string();
    let Some(signature) = check::def_signature(&rendered, &py_name) else {
        return syn::Error::new(
            item.name.span(),
            "a `py_fn!` `def` must define one function at its top level",
        )
        .into_compile_error();
    };
    let Some(sig) = rust_signature(&item.name, &rendered, &signature, &mut errors) else {
        return errors.into_compile_error();
    };
    let pyfn = PyFn {
        attrs: item.attrs.clone(),
        py_attrs: item.py_attrs.clone(),
        vis: item.vis.clone(),
        sig,
        body: Body::Declared,
        closure: None,
    };
    let Some(mut func) = check_signature(&pyfn, &mut errors) else {
        return errors.into_compile_error();
    };
    // Python's defaults become `argdefs`, and `None` leaves them out.
    for (param, py) in func.params.iter_mut().zip(&signature.params) {
        if let Some(default) = &py.default {
            let literal = LitStr::new(default, param.ident.span());
            if let Err(err) = check::check_default(&literal) {
                errors.push(err);
            }
            param.default = Some(literal);
            param.omit_none = true;
        }
    }
    let (found, _) = check::analyze(&rendered, &func);
    found.into_iter().for_each(|err| errors.push(err));
    let ok = errors.is_empty();
    let mut out = function_from(&func, ok.then_some(rendered.text.as_str()), None);
    out.extend(errors.into_compile_error());
    out
}

/// The Rust signature the annotations give: `fn name(param: Type, …) -> Type`,
/// each type spanned at its annotation.
pub fn rust_signature(
    name: &Ident,
    rendered: &PySource,
    signature: &PySignature,
    errors: &mut Errors,
) -> Option<Signature> {
    let span_at = |pos| check::span_at(rendered, name, pos);
    if signature.varargs || signature.params.iter().any(|p| p.keyword_only) {
        errors.push(syn::Error::new(
            name.span(),
            "the `def` form takes positional parameters only (no `*args`, no keyword-only parameters)",
        ));
    }
    let mut params = Vec::new();
    for param in signature.params.iter().filter(|p| !p.keyword_only) {
        let Some(ident) = rust_ident(&param.name, span_at(param.at)) else {
            errors.push(syn::Error::new(
                span_at(param.at),
                format!("no Rust parameter can be named `{}`", param.name),
            ));
            continue;
        };
        let Some(annotation) = &param.annotation else {
            errors.push(syn::Error::new(
                span_at(param.at),
                format!(
                    "annotate `{}`: the `def` form makes the Rust signature from the annotations; supported: {SUPPORTED}",
                    param.name
                ),
            ));
            continue;
        };
        let span = span_at(param.annotation_at);
        match parse_ann(annotation).and_then(|ann| rust_type(&ann, Place::Param)) {
            Some(ty) => {
                let ty = if param.has_default && !annotation_is_optional(annotation) {
                    quote!(::core::option::Option<#ty>)
                } else {
                    ty
                };
                params.push(quote_spanned!(span=> #ident: #ty));
            }
            None => errors.push(unsupported(span, annotation)),
        }
    }
    let ret = match &signature.returns {
        None => {
            errors.push(syn::Error::new(
                name.span(),
                format!(
                    "annotate the return type (`-> None` if there is none): the `def` form makes the Rust signature from the annotations; supported: {SUPPORTED}"
                ),
            ));
            None
        }
        Some(annotation) => {
            let span = span_at(signature.returns_at);
            match parse_ann(annotation).and_then(|ann| rust_type(&ann, Place::Return)) {
                Some(ty) => Some(quote_spanned!(span=> #ty)),
                None => {
                    errors.push(unsupported(span, annotation));
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return None;
    }
    let Some(ident) = rust_ident(&name.to_string(), name.span()) else {
        errors.push(syn::Error::new(
            name.span(),
            format!("no Rust function can be named `{name}`"),
        ));
        return None;
    };
    let tokens = quote_spanned!(name.span()=> fn #ident(#(#params),*) -> #ret);
    match syn::parse2::<Signature>(tokens) {
        Ok(sig) => Some(sig),
        Err(err) => {
            errors.push(err);
            None
        }
    }
}

fn unsupported(span: Span, annotation: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "the annotation `{annotation}` has no Rust type in the `def` form; supported: {SUPPORTED}"
        ),
    )
}

fn annotation_is_optional(annotation: &str) -> bool {
    matches!(parse_ann(annotation), Some(Ann::Union(members)) if members.iter().any(is_none))
        || matches!(parse_ann(annotation), Some(Ann::Name(name, _)) if name == "Optional")
}

fn is_none(ann: &Ann) -> bool {
    matches!(ann, Ann::Name(name, args) if name == "None" && args.is_empty())
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Param,
    Return,
    Inner,
}

/// The Rust type for annotation `ann`: borrowed `&str` for a `str`
/// parameter, owned types elsewhere.
fn rust_type(ann: &Ann, place: Place) -> Option<TokenStream> {
    let inner = |ann: &Ann| rust_type(ann, Place::Inner);
    match ann {
        Ann::Union(members) => {
            let rest: Vec<&Ann> = members.iter().filter(|m| !is_none(m)).collect();
            match rest.as_slice() {
                [only] if rest.len() < members.len() => {
                    let ty = inner(only)?;
                    Some(quote!(::core::option::Option<#ty>))
                }
                _ => None,
            }
        }
        Ann::Name(name, args) => match (name.as_str(), args.as_slice()) {
            ("int", []) => Some(quote!(i64)),
            ("float", []) => Some(quote!(f64)),
            ("bool", []) => Some(quote!(bool)),
            ("str", []) if place == Place::Param => Some(quote!(&str)),
            ("str", []) => Some(quote!(::std::string::String)),
            ("bytes", []) => Some(quote!(::std::vec::Vec<u8>)),
            ("None", []) if place == Place::Return => Some(quote!(())),
            ("Any" | "object", []) => Some(quote!(::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>)),
            ("list" | "List", [item]) => {
                let item = inner(item)?;
                Some(quote!(::std::vec::Vec<#item>))
            }
            ("set" | "Set", [item]) => {
                let item = inner(item)?;
                Some(quote!(::std::collections::HashSet<#item>))
            }
            ("dict" | "Dict", [key, value]) => {
                let (key, value) = (inner(key)?, inner(value)?);
                Some(quote!(::std::collections::HashMap<#key, #value>))
            }
            ("tuple" | "Tuple", items) if !items.is_empty() => {
                let items = items.iter().map(inner).collect::<Option<Vec<_>>>()?;
                Some(quote!((#(#items,)*)))
            }
            ("Optional", [item]) => {
                let item = inner(item)?;
                Some(quote!(::core::option::Option<#item>))
            }
            _ => None,
        },
    }
}
