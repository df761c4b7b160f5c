//! `py_module!`: a Python module (inline or a `.py` file) whose functions
//! Rust calls through declared signatures, each checked against its `def`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitStr, Signature, Token, Type};

use crate::ast::{
    Body, Errors, Func, PyFn, check_signature, is_option, parse_attrs, parse_options, return_kind,
};
use crate::check::{self, PySignature};
use crate::expand::function_from;
use crate::source::{self, Layout, PySource};

/// `#[attrs] vis mod name { source = "…"; | file = "….py"; fn …; }`
pub struct PyModuleDef {
    attrs: Vec<Attribute>,
    py_attrs: Vec<Attribute>,
    vis: syn::Visibility,
    ident: Ident,
    source: ModuleSource,
    fns: Vec<PyFn>,
    /// `def name;`: functions whose Rust signature comes from their
    /// annotations.
    defs: Vec<DeclaredDef>,
}

struct DeclaredDef {
    attrs: Vec<Attribute>,
    py_attrs: Vec<Attribute>,
    vis: syn::Visibility,
    name: Ident,
}

enum ModuleSource {
    Inline(LitStr),
    File(LitStr),
}

impl Parse for PyModuleDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`py_module!` needs a module: `py_module! { mod name { file = \"name.py\"; fn f(x: i64) -> i64; } }`",
            ));
        }
        let (py_attrs, attrs) = parse_attrs(input)?;
        let vis: syn::Visibility = input.parse()?;
        let _: Token![mod] = input.parse()?;
        let ident: Ident = input.parse()?;
        let content;
        let braces = syn::braced!(content in input);
        let mut source = None;
        let mut fns = Vec::new();
        let mut defs = Vec::new();
        while !content.is_empty() {
            if (content.peek(Ident) && content.peek2(Token![=])) && !content.peek(Token![fn]) {
                let key: Ident = content.parse()?;
                let _: Token![=] = content.parse()?;
                let value: LitStr = content.parse()?;
                let _: Token![;] = content.parse()?;
                let parsed = if key == "source" {
                    ModuleSource::Inline(value)
                } else if key == "file" {
                    ModuleSource::File(value)
                } else {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `source = \"…\";` (the Python inline) or `file = \"….py\";` (relative to the crate's Cargo.toml)",
                    ));
                };
                if source.replace(parsed).is_some() {
                    return Err(syn::Error::new(
                        key.span(),
                        "the module has one source: either `source` or `file`, once",
                    ));
                }
                continue;
            }
            if crate::def_form::starts_def(&content) {
                defs.push(parse_declared_def(&content)?);
            } else {
                fns.push(parse_declared_fn(&content)?);
            }
        }
        let Some(source) = source else {
            return Err(syn::Error::new(
                braces.span.join(),
                "the module needs its Python: `source = r#\"…\"#;` or `file = \"….py\";`",
            ));
        };
        if !input.is_empty() {
            return Err(input.error("`py_module!` holds one module"));
        }
        Ok(PyModuleDef {
            attrs,
            py_attrs,
            vis,
            ident,
            source,
            fns,
            defs,
        })
    }
}

/// `#[attrs] vis def name;`: a function typed by its annotations.
fn parse_declared_def(input: ParseStream) -> syn::Result<DeclaredDef> {
    let (py_attrs, attrs) = parse_attrs(input)?;
    let vis: syn::Visibility = input.parse()?;
    let _def: Ident = input.parse()?;
    let name: Ident = input.parse()?;
    if !input.peek(Token![;]) {
        return Err(input.error(
            "a `def` in `py_module!` is only its name, `def name;`: its signature comes from the annotations",
        ));
    }
    let _: Token![;] = input.parse()?;
    Ok(DeclaredDef {
        attrs,
        py_attrs,
        vis,
        name,
    })
}

/// `#[attrs] vis fn name(params) -> Ret;`: a function the module defines.
fn parse_declared_fn(input: ParseStream) -> syn::Result<PyFn> {
    let (py_attrs, attrs) = parse_attrs(input)?;
    let vis: syn::Visibility = input.parse()?;
    let sig: Signature = input.parse()?;
    if input.peek(syn::token::Brace) {
        return Err(input.error(
            "a `py_module!` function is declared without a body: its body is the `def` in the module's Python",
        ));
    }
    let _: Token![;] = input.parse()?;
    Ok(PyFn {
        attrs,
        py_attrs,
        vis,
        sig,
        body: Body::Declared,
        closure: None,
    })
}

pub fn expand(input: TokenStream) -> TokenStream {
    let def = match syn::parse2::<PyModuleDef>(input) {
        Ok(def) => def,
        Err(err) => return err.into_compile_error(),
    };
    let mut errors = Errors::default();
    let options = parse_options(&def.py_attrs, &mut errors);
    let mut funcs: Vec<Func> = def
        .fns
        .iter()
        .filter_map(|item| check_signature(item, &mut errors))
        .collect();
    let mut all_fns_ok = funcs.len() == def.fns.len();
    // Functions declared by name, with which of their Python parameters
    // have defaults.
    let mut derived: Vec<(PyFn, Vec<bool>)> = Vec::new();

    let (rendered, source_expr, file_expr) = match &def.source {
        ModuleSource::Inline(lit) => (
            source::render_module_str(lit, &mut errors),
            None,
            quote!(::core::file!()),
        ),
        ModuleSource::File(lit) => {
            let rendered = read_file(lit, &mut errors);
            let path = lit.value();
            (
                rendered,
                // `include_str!` makes Cargo rebuild when the file changes.
                Some(quote!(::core::include_str!(::core::concat!(
                    ::core::env!("CARGO_MANIFEST_DIR"),
                    "/",
                    #path
                )))),
                quote!(#path),
            )
        }
    };

    if let Some(rendered) = rendered.as_ref().filter(|_| errors.is_empty()) {
        match check::check(rendered, &def.ident) {
            Err(err) => errors.push(err),
            Ok(()) => {
                let exposed: Vec<(String, &'static str)> = funcs
                    .iter()
                    .map(|func| (func.py_name.clone(), return_kind(func.ret)))
                    .chain(def.defs.iter().map(|d| (d.name.to_string(), "other")))
                    .collect();
                let (found, signatures, defined) = check::analyze_module(
                    rendered,
                    &def.ident,
                    &exposed,
                    options.allow_missing_imports,
                );
                for finding in found {
                    let func = finding
                        .function
                        .as_ref()
                        .and_then(|name| funcs.iter().find(|func| &func.py_name == name));
                    match func {
                        Some(func) if !finding.positioned => {
                            let span = func
                                .ret
                                .map_or(func.item.sig.ident.span(), |ret| ret.span());
                            errors.push(syn::Error::new(span, finding.error.to_string()));
                        }
                        _ => errors.push(finding.error),
                    }
                }
                let defined: Vec<&str> = defined.iter().map(String::as_str).collect();
                for func in &mut funcs {
                    match signatures.iter().find(|(name, _)| name == &func.py_name) {
                        Some((_, signature)) => match_signature(func, signature, &mut errors),
                        None => errors.push(missing_def(func, &defined)),
                    }
                }
                for declared in &def.defs {
                    let name = declared.name.to_string();
                    let Some((_, signature)) = signatures.iter().find(|(found, _)| *found == name)
                    else {
                        errors.push(syn::Error::new(
                            declared.name.span(),
                            format!("the module's Python defines no top-level function `{name}`"),
                        ));
                        all_fns_ok = false;
                        continue;
                    };
                    match crate::def_form::rust_signature(
                        &declared.name,
                        rendered,
                        signature,
                        &mut errors,
                    ) {
                        Some(sig) => derived.push((
                            PyFn {
                                attrs: declared.attrs.clone(),
                                py_attrs: declared.py_attrs.clone(),
                                vis: declared.vis.clone(),
                                sig,
                                body: Body::Declared,
                                closure: None,
                            },
                            signature.params.iter().map(|p| p.has_default).collect(),
                        )),
                        None => all_fns_ok = false,
                    }
                }
            }
        }
    }

    let mut derived_funcs: Vec<Func> = Vec::new();
    for (item, defaults) in &derived {
        let Some(mut func) = check_signature(item, &mut errors) else {
            all_fns_ok = false;
            continue;
        };
        // Python's defaults stay in the module: `None` leaves them out.
        for (param, &has_default) in func.params.iter_mut().zip(defaults) {
            param.omit_none = has_default && is_option(param.ty);
        }
        derived_funcs.push(func);
    }
    let ok = errors.is_empty() && all_fns_ok;
    let cell = Ident::new("__PYFN_MODULE", Span::call_site());
    let items = funcs.iter().chain(&derived_funcs).map(|func| {
        // A function whose Python did not check keeps its signature as a stub.
        function_from(func, ok.then_some(""), Some(&cell))
    });
    let attrs = &def.attrs;
    let vis = &def.vis;
    let ident = &def.ident;
    let module_static = match (&rendered, ok) {
        (Some(rendered), true) => {
            let source = source_expr.unwrap_or_else(|| {
                let text = &rendered.text;
                quote!(#text)
            });
            quote! {
                // Runs once per process, on the first call of a function.
                static #cell: ::pyfn::__private::Module =
                    ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
                        source: #source,
                        file: #file_expr,
                        module: ::core::module_path!(),
                    });
            }
        }
        _ => quote!(),
    };
    let errors = errors.into_compile_error();
    quote! {
        #(#attrs)*
        #vis mod #ident {
            // Types in the signatures are named as in the enclosing module.
            #[allow(unused_imports)]
            use super::*;
            #module_static
            #(#items)*
        }
        #errors
    }
}

/// The `.py` file named by `lit`, relative to the crate's `Cargo.toml`.
fn read_file(lit: &LitStr, errors: &mut Errors) -> Option<PySource> {
    let path = lit.value();
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let full = std::path::Path::new(&dir).join(&path);
    match std::fs::read_to_string(&full) {
        Ok(text) => Some(PySource {
            text,
            header_end: 0,
            layout: Layout::File {
                span: lit.span(),
                path,
            },
        }),
        Err(err) => {
            errors.push(syn::Error::new(
                lit.span(),
                format!("cannot read `{}`: {err}", full.display()),
            ));
            None
        }
    }
}

fn missing_def(func: &Func, defined: &[&str]) -> syn::Error {
    let close = defined
        .iter()
        .min_by_key(|name| edit_distance(name, &func.py_name))
        .filter(|name| edit_distance(name, &func.py_name) <= func.py_name.len() / 3 + 1);
    let mut message = format!(
        "the module's Python defines no top-level function `{}`",
        func.py_name
    );
    match close {
        Some(name) => message.push_str(&format!("\nhelp: did you mean `{name}`?")),
        None if !defined.is_empty() => {
            message.push_str(&format!("\nnote: it defines `{}`", defined.join("`, `")))
        }
        None => {}
    }
    syn::Error::new(func.item.sig.ident.span(), message)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Checks a declared Rust signature against the Python `def`: names and
/// order, defaults, annotations. A Rust `Option` parameter whose Python
/// parameter has a default leaves it out on `None`.
fn match_signature(func: &mut Func, signature: &PySignature, errors: &mut Errors) {
    let name = &func.py_name;
    let positional: Vec<_> = signature
        .params
        .iter()
        .filter(|p| !p.keyword_only)
        .collect();
    for (index, param) in func.params.iter_mut().enumerate() {
        let Some(py) = positional.get(index) else {
            if !signature.varargs {
                errors.push(syn::Error::new(
                    param.ident.span(),
                    format!(
                        "`{name}` takes {} positional parameter{} in Python, so Rust cannot pass this one",
                        positional.len(),
                        if positional.len() == 1 { "" } else { "s" }
                    ),
                ));
            }
            continue;
        };
        if py.name != param.py_name {
            errors.push(syn::Error::new(
                param.ident.span(),
                format!(
                    "parameter {} of `{name}` is `{}` in Python, not `{}`",
                    index + 1,
                    py.name,
                    param.py_name
                ),
            ));
        }
        if let Some(annotation) = &py.annotation
            && fits(annotation, param.ty, false) == Some(false)
        {
            errors.push(syn::Error::new_spanned(
                param.ty,
                format!(
                    "Python annotates `{}` as `{annotation}`, which does not convert to or from this type",
                    py.name
                ),
            ));
        }
        if py.has_default && is_option(param.ty) {
            param.omit_none = true;
        }
    }
    for py in positional.iter().skip(func.params.len()) {
        if !py.has_default {
            errors.push(syn::Error::new(
                func.item.sig.ident.span(),
                format!(
                    "Python parameter `{}` of `{name}` has no default, so the Rust signature must take it",
                    py.name
                ),
            ));
        }
    }
    for py in signature
        .params
        .iter()
        .filter(|p| p.keyword_only && !p.has_default)
    {
        errors.push(syn::Error::new(
            func.item.sig.ident.span(),
            format!(
                "`{name}` has a keyword-only parameter `{}` without a default, which Rust cannot pass",
                py.name
            ),
        ));
    }
    if let (Some(annotation), Some(ret)) = (&signature.returns, func.ret)
        && fits(annotation, ret, true) == Some(false)
    {
        errors.push(syn::Error::new_spanned(
            ret,
            format!("Python annotates `{name}` as returning `{annotation}`, which does not convert to this type"),
        ));
    }
}

/// A Python annotation, parsed as far as pyfn compares types.
#[derive(Debug)]
pub enum Ann {
    /// `name[args]` (`list[int]`, `Optional[str]`, `typing.Dict[str, int]`).
    Name(String, Vec<Ann>),
    /// `a | b`.
    Union(Vec<Ann>),
}

pub fn parse_ann(text: &str) -> Option<Ann> {
    let text = text.trim();
    let parts = split_top(text, '|');
    if parts.len() > 1 {
        return parts
            .into_iter()
            .map(parse_ann)
            .collect::<Option<_>>()
            .map(Ann::Union);
    }
    match text.find('[') {
        Some(open) if text.ends_with(']') => {
            let name = text[..open].trim();
            let args = split_top(&text[open + 1..text.len() - 1], ',')
                .into_iter()
                .map(parse_ann)
                .collect::<Option<Vec<_>>>()?;
            Some(Ann::Name(last_segment(name), args))
        }
        Some(_) => None,
        None => Some(Ann::Name(last_segment(text), Vec::new())),
    }
}

fn last_segment(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).trim().to_owned()
}

fn split_top(text: &str, separator: char) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0_i32, 0, Vec::new());
    for (at, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Whether a value annotated `annotation` converts to or from `ty`:
/// `Some(false)` only when it certainly does not; `None` when pyfn cannot
/// tell (custom classes, `Any`, …).
fn fits(annotation: &str, ty: &Type, is_return: bool) -> Option<bool> {
    fits_ann(&parse_ann(annotation)?, ty, is_return)
}

fn rust_name(ty: &Type) -> Option<(String, Vec<&Type>)> {
    match ty {
        Type::Reference(reference) => rust_name(&reference.elem),
        Type::Slice(slice) => Some(("[]".to_owned(), vec![&*slice.elem])),
        Type::Array(array) => Some(("[]".to_owned(), vec![&*array.elem])),
        Type::Tuple(tuple) if tuple.elems.is_empty() => Some(("()".to_owned(), Vec::new())),
        Type::Tuple(tuple) => Some(("(..)".to_owned(), tuple.elems.iter().collect())),
        Type::Paren(inner) => rust_name(&inner.elem),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let args = match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => args
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        syn::GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some((last.ident.to_string(), args))
        }
        _ => None,
    }
}

fn fits_ann(ann: &Ann, ty: &Type, is_return: bool) -> Option<bool> {
    const INTS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let (rust, rust_args) = rust_name(ty)?;
    if matches!(
        rust.as_str(),
        "Py" | "Bound" | "Borrowed" | "PyObject" | "PyAny"
    ) {
        return None;
    }
    let is_none =
        |ann: &Ann| matches!(ann, Ann::Name(name, args) if name == "None" && args.is_empty());
    // `Option<T>` holds `None` and whatever `T` holds.
    if rust == "Option" {
        let inner = rust_args.first()?;
        return match ann {
            Ann::Union(members) => {
                let rest: Vec<&Ann> = members.iter().filter(|m| !is_none(m)).collect();
                any_fits(&rest, inner, is_return)
            }
            Ann::Name(name, args) if name == "Optional" => {
                fits_ann(args.first()?, inner, is_return)
            }
            _ if is_none(ann) => Some(true),
            _ => fits_ann(ann, inner, is_return),
        };
    }
    match ann {
        Ann::Union(members) => {
            let has_none = members.iter().any(is_none);
            if has_none && is_return && rust != "()" {
                return Some(false);
            }
            let rest: Vec<&Ann> = members.iter().filter(|m| !is_none(m)).collect();
            any_fits(&rest, ty, is_return)
        }
        Ann::Name(name, args) => {
            let fits = match name.as_str() {
                "int" => INTS.contains(&rust.as_str()) || matches!(rust.as_str(), "f32" | "f64"),
                "float" => matches!(rust.as_str(), "f32" | "f64"),
                "str" => matches!(rust.as_str(), "String" | "str" | "char" | "Cow"),
                "bool" => rust == "bool",
                "bytes" | "bytearray" => rust == "Vec" || rust == "[]" || rust == "Cow",
                "None" => rust == "()",
                "list" | "List" | "Sequence" | "MutableSequence" => {
                    matches!(rust.as_str(), "Vec" | "[]" | "VecDeque")
                        && elements_fit(args, &rust_args, is_return)
                }
                "dict" | "Dict" | "Mapping" | "MutableMapping" => {
                    matches!(rust.as_str(), "HashMap" | "BTreeMap")
                        && elements_fit(args, &rust_args, is_return)
                }
                "set" | "Set" | "frozenset" | "FrozenSet" => {
                    matches!(rust.as_str(), "HashSet" | "BTreeSet")
                        && elements_fit(args, &rust_args, is_return)
                }
                "tuple" | "Tuple" => {
                    rust == "(..)"
                        && (args.is_empty()
                            || args.len() != rust_args.len()
                            || elements_fit(args, &rust_args, is_return))
                }
                "Optional" => {
                    if is_return && rust != "()" {
                        return Some(false);
                    }
                    return fits_ann(args.first()?, ty, is_return);
                }
                _ => return None,
            };
            Some(fits)
        }
    }
}

fn any_fits(members: &[&Ann], ty: &Type, is_return: bool) -> Option<bool> {
    let results: Vec<Option<bool>> = members.iter().map(|m| fits_ann(m, ty, is_return)).collect();
    if results.contains(&Some(true)) {
        Some(true)
    } else if results.iter().all(|r| *r == Some(false)) && !results.is_empty() {
        Some(false)
    } else {
        None
    }
}

/// The element types agree wherever both sides name them.
fn elements_fit(anns: &[Ann], types: &[&Type], is_return: bool) -> bool {
    anns.iter()
        .zip(types)
        .all(|(ann, ty)| fits_ann(ann, ty, is_return) != Some(false))
}

#[cfg(test)]
mod tests {
    use super::fits;

    fn ty(text: &str) -> syn::Type {
        syn::parse_str(text).expect("a type")
    }

    #[test]
    fn annotations_against_rust_types() {
        assert_eq!(fits("int", &ty("i64"), false), Some(true));
        assert_eq!(fits("int", &ty("String"), false), Some(false));
        assert_eq!(fits("float", &ty("f64"), false), Some(true));
        assert_eq!(fits("str", &ty("&str"), false), Some(true));
        assert_eq!(fits("list[int]", &ty("Vec<i64>"), false), Some(true));
        assert_eq!(fits("list[int]", &ty("Vec<String>"), false), Some(false));
        assert_eq!(
            fits("typing.List[str]", &ty("&[String]"), false),
            Some(true)
        );
        assert_eq!(
            fits("dict[str, float]", &ty("HashMap<String, f64>"), false),
            Some(true)
        );
        assert_eq!(
            fits("tuple[float, float, float]", &ty("(f64, f64, f64)"), true),
            Some(true)
        );
        assert_eq!(fits("Optional[int]", &ty("Option<i64>"), true), Some(true));
        assert_eq!(fits("int | None", &ty("i64"), true), Some(false));
        assert_eq!(fits("int | None", &ty("i64"), false), Some(true));
        assert_eq!(fits("Point", &ty("i64"), false), None);
        assert_eq!(fits("int", &ty("Py<PyAny>"), false), None);
    }
}
