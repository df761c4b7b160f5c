//! Lowering: every form's syntax becomes the one model, validated. A
//! signature with errors still lowers (to a stub with the same signature),
//! so that callers see pyfn's errors and nothing else.
//!
//! Functions typed by their Python annotations (the `def` form, `def name;`
//! in a module) need the `def`'s signature, which the CPython side reads;
//! lowering asks it, as plain data, before building the function.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, GenericParam, Ident, LifetimeParam, LitStr, Pat, ReturnType, Type};

use crate::errors::Errors;
use crate::model::{
    Code, Default, Function, Module, ModuleCode, ModuleFile, Options, Package, PackageFile, Param,
    ParamKind, Return,
};
use crate::parse::{self, DefItem, ItemFn, ModuleInput, ModuleItem};
use crate::python::{self, FindingKind, Mode, PySignature, Request};
use crate::render::{self, Layout, PySource, TokenSource};
use crate::spans;
use crate::types::{self, Ann, Place, ReturnKind};

/// Python's keywords (identical in 3.9 to 3.13): none can name a function or
/// a parameter. Soft keywords (`match`, `case`, `type`, `_`) can.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Which form a signature comes from: what its `#[py(...)]` may say.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// A `fn` item or a closure: `#[py(default = "…")]` on parameters.
    Own,
    /// A `py_module!` function: defaults come from its `def`.
    Member,
}

/// A `fn` item of `py_fn!`.
pub fn item(item: &ItemFn, errors: &mut Errors) -> Function {
    let (mut function, ok) = signature(item, Form::Own, errors);
    if let (true, Some(body)) = (ok, &item.body) {
        let header = vec![function.def_line(None)];
        function.code = render_body(body, &header, errors).map_or(Code::Stub, Code::Source);
    }
    function
}

/// A closure: its body goes under an outer function whose parameters, the
/// captured names, are only known once CPython has read the body; until
/// then the outer function takes none (see `check::closure`).
pub fn closure(item: &ItemFn, errors: &mut Errors) -> Function {
    let (mut function, ok) = signature(item, Form::Own, errors);
    if let (true, Some(body)) = (ok, &item.body) {
        let header = vec![
            format!("def {}():", pyfn_common::CLOSURE_OUTER),
            format!(" {}", function.def_line(None)),
        ];
        function.code = render_body(body, &header, errors).map_or(Code::Stub, Code::Closure);
    }
    function
}

fn render_body(body: &parse::Body, header: &[String], errors: &mut Errors) -> Option<PySource> {
    match body {
        parse::Body::Tokens(group) => render::render_tokens(group, header, errors),
        parse::Body::Str(lit) => render::render_str(lit, header, errors),
    }
}

/// A `def` item of `py_fn!`: CPython compiles it and reads its signature,
/// from which the Rust one is made.
pub fn def_item(def: &DefItem, errors: &mut Errors) -> Option<Function> {
    // The `def` sits under an `if True:` so that it may keep its column; the
    // function's code object is still a constant of the module's.
    let mut local = Errors::default();
    let python = render::render_token_stream(
        &TokenSource {
            stream: def.tokens.clone(),
            text_span: Span::call_site(),
            open: None,
            close: def.next,
            first_column: def.first_column,
        },
        &["if True:".to_owned()],
        &mut local,
    );
    let python = python.filter(|_| local.is_empty());
    errors.append(local);
    let python = python?;
    let py_name = def.name.to_string();
    let request = Request {
        text: python.text.clone(),
        mode: Mode::Module {
            exposed: vec![(py_name.clone(), ReturnKind::Other)],
            package: None,
        },
        allow_missing_imports: true,
        file: None,
        columns: (0, Vec::new()),
    };
    let analysis = match python::check(&request) {
        Ok(analysis) => analysis,
        Err(failure) => {
            errors.push(spans::failure_error(&failure, &python, def.name.span()));
            return None;
        }
    };
    let Some((_, py_signature)) = analysis
        .signatures
        .iter()
        .find(|(name, _)| *name == py_name)
    else {
        errors.push(syn::Error::new(
            def.name.span(),
            "a `py_fn!` `def` must define one function at its top level",
        ));
        return None;
    };
    let options = options(&def.py_attrs, errors);
    let mut function = annotated(
        &def.attrs,
        &def.vis,
        &def.name,
        &python,
        py_signature,
        Form::Own,
        errors,
    )?;
    function.options = options;
    function.code = Code::Source(python);
    Some(function)
}

/// `#[py(...)]` options of a function or module.
fn options(attrs: &[Attribute], errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let names = || {
        FindingKind::ALL
            .iter()
            .map(|kind| format!("`{}`", kind.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for attr in attrs {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("allow_missing_imports") {
                options.allowed.push(FindingKind::Import);
                Ok(())
            } else if meta.path.is_ident("typecheck") {
                options.typecheck = Some(if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::LitBool>()?.value
                } else {
                    true
                });
                Ok(())
            } else if meta.path.is_ident("allow") {
                meta.parse_nested_meta(|check| {
                    let found = FindingKind::ALL
                        .into_iter()
                        .find(|kind| check.path.is_ident(kind.name()));
                    match found {
                        Some(kind) => {
                            options.allowed.push(kind);
                            Ok(())
                        }
                        None => Err(check.error(format!(
                            "unknown check; the checks are: {}",
                            names()
                        ))),
                    }
                })
            } else {
                Err(meta.error(
                    "unknown `py` option; the options are: `allow(<check>, …)`, `allow_missing_imports`, `typecheck`, `typecheck = false`",
                ))
            }
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    options
}

/// What a parameter's `#[py(...)]` attributes say: its `default = "expr"`,
/// and how it is passed (`keyword`, `args`, `kwargs`), with the attribute
/// that said so.
fn param_options(
    attrs: &[Attribute],
    form: Form,
    errors: &mut Errors,
) -> (Option<LitStr>, ParamKind, Option<Span>) {
    let mut default = None;
    let mut kind = ParamKind::Positional;
    let mut kind_at = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("py")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                let value = meta.value()?.parse::<LitStr>()?;
                if form == Form::Member {
                    return Err(syn::Error::new(
                        value.span(),
                        "a `py_module!` function's defaults come from its `def` in the module's Python: write the default there, and take the parameter as an `Option<T>` (`None` uses the default)",
                    ));
                }
                default = Some(value);
                Ok(())
            } else {
                let found = if meta.path.is_ident("keyword") {
                    ParamKind::Keyword
                } else if meta.path.is_ident("args") {
                    ParamKind::VarArgs
                } else if meta.path.is_ident("kwargs") {
                    ParamKind::VarKwargs
                } else {
                    return Err(meta.error("unknown `py` option for a parameter; the options are: `default = \"<Python expression>\"`, `keyword` (keyword-only), `args` (`*args`), `kwargs` (`**kwargs`)"));
                };
                if kind != ParamKind::Positional {
                    return Err(meta.error(
                        "a parameter is passed one way: `keyword`, `args` or `kwargs`, once",
                    ));
                }
                kind = found;
                kind_at = Some(meta.path.span());
                Ok(())
            }
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    (default, kind, kind_at)
}

/// Python's order of parameter kinds: positional, `*args`, keyword-only,
/// `**kwargs`.
fn kind_rank(kind: ParamKind) -> u8 {
    match kind {
        ParamKind::Positional => 0,
        ParamKind::VarArgs => 1,
        ParamKind::Keyword => 2,
        ParamKind::VarKwargs => 3,
    }
}

/// Lowers a Rust signature, as a stub (its code [`Code::Stub`]) that the
/// caller gives its code when the signature is valid (`true`).
fn signature(item: &ItemFn, form: Form, all_errors: &mut Errors) -> (Function, bool) {
    let errors = &mut Errors::default();
    let sig = &item.sig;
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new(
            token.span,
            "a Python function cannot be `const`",
        ));
    }
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new(
            token.span,
            "`async fn` is not supported: the Rust function calls Python synchronously",
        ));
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push(syn::Error::new(
            token.span,
            "a Python function cannot be `unsafe`: calling it is safe",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a Python function cannot have an `extern` ABI",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "variadic parameters are not supported; take a `Vec<T>` or a tuple instead",
        ));
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(ty) => errors.push(syn::Error::new_spanned(
                &ty.ident,
                "generic type parameters are not supported: pyfn converts arguments with concrete types",
            )),
            GenericParam::Const(c) => errors.push(syn::Error::new_spanned(
                &c.ident,
                "const generic parameters are not supported",
            )),
        }
    }
    if let Some(clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            clause,
            "`where` clauses are not supported",
        ));
    }

    let py_name = types::python_name(&sig.ident);
    check_python_name(&sig.ident, &py_name, "function", errors);

    let mut py_token = None;
    let mut params: Vec<Param> = Vec::new();
    let mut inputs = syn::punctuated::Punctuated::new();
    for (index, arg) in sig.inputs.iter().enumerate() {
        let typed = match arg {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new_spanned(
                    receiver,
                    "`self` parameter: a Python function defined with `py_fn!` is a free function, not a method",
                ));
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let mut declared = typed.clone();
        declared.attrs.retain(|attr| !attr.path().is_ident("py"));
        inputs.push(FnArg::Typed(declared));
        let ident = match &*typed.pat {
            Pat::Ident(pat)
                if pat.by_ref.is_none() && pat.mutability.is_none() && pat.subpat.is_none() =>
            {
                &pat.ident
            }
            Pat::Ident(pat) if pat.mutability.is_some() => {
                errors.push(syn::Error::new_spanned(
                    pat.mutability,
                    "`mut` has no effect here: the value is handed to Python",
                ));
                continue;
            }
            other => {
                errors.push(syn::Error::new_spanned(
                    other,
                    "parameters must be plain names (`name: Type`): Python receives each by name",
                ));
                continue;
            }
        };
        if types::is_python_token(&typed.ty) {
            if index == 0 {
                py_token = Some(ident.clone());
            } else {
                errors.push(syn::Error::new_spanned(
                    &typed.ty,
                    "a `Python<'py>` parameter must come first",
                ));
            }
            continue;
        }
        let name = types::python_name(ident);
        check_python_name(ident, &name, "parameter", errors);
        if params.iter().any(|param| param.py_name == name) {
            errors.push(syn::Error::new(
                ident.span(),
                format!("duplicate parameter `{name}`"),
            ));
        }
        if let Some(found) = types::unsupported(&typed.ty) {
            errors.push(found);
        }
        let (default, kind, kind_at) = param_options(&typed.attrs, form, errors);
        let kind_at = kind_at.unwrap_or(ident.span());
        if default.is_some() && !types::is_option(&typed.ty) {
            errors.push(syn::Error::new_spanned(
                &typed.ty,
                "a parameter with a Python default must be an `Option<T>`: passing `None` uses the default",
            ));
        }
        match kind {
            ParamKind::VarArgs | ParamKind::VarKwargs if default.is_some() => {
                errors.push(syn::Error::new(
                    kind_at,
                    "`*args` and `**kwargs` take no default: pass an empty collection",
                ));
            }
            ParamKind::VarArgs if types::sequence_item(&typed.ty).is_none() => {
                errors.push(syn::Error::new_spanned(
                    &typed.ty,
                    "a `#[py(args)]` parameter (`*args`) is a sequence: take a `Vec<T>` or `&[T]`, whose items are passed one by one",
                ));
            }
            ParamKind::VarKwargs if types::map_value(&typed.ty).is_none() => {
                errors.push(syn::Error::new_spanned(
                    &typed.ty,
                    "a `#[py(kwargs)]` parameter (`**kwargs`) is a map: take a `HashMap<String, T>` or `BTreeMap<String, T>`, whose entries are passed by name",
                ));
            }
            _ => {}
        }
        if let Some(last) = params.last()
            && kind_rank(kind) < kind_rank(last.kind)
        {
            errors.push(syn::Error::new(
                kind_at,
                "parameters go in Python's order: positional ones, then `#[py(args)]`, then `#[py(keyword)]` ones, then `#[py(kwargs)]`",
            ));
        }
        if matches!(kind, ParamKind::VarArgs | ParamKind::VarKwargs)
            && params.iter().any(|param| param.kind == kind)
        {
            errors.push(syn::Error::new(
                kind_at,
                "a function takes one `*args` and one `**kwargs` at most",
            ));
        }
        if form == Form::Own
            && kind == ParamKind::Positional
            && default.is_none()
            && params
                .iter()
                .any(|param| param.kind == ParamKind::Positional && param.default.is_some())
        {
            errors.push(syn::Error::new(
                ident.span(),
                "this parameter follows one with a default, so it needs a default too, as in Python",
            ));
        }
        if let Some(default) = &default
            && let Some(problem) = python::check_default(&default.value())
        {
            errors.push(syn::Error::new(default.span(), problem));
        }
        params.push(Param {
            ident: ident.clone(),
            py_name: name,
            ty: (*typed.ty).clone(),
            default: default.map(|lit| Default::Expr {
                text: lit.value().trim().to_owned(),
            }),
            kind,
        });
    }

    let ret = match &sig.output {
        ReturnType::Default => Return::Unit,
        ReturnType::Type(_, ty) if types::is_unit(ty) => Return::Unit,
        ReturnType::Type(_, ty) => {
            let mut supported = true;
            if let Some(found) = types::unsupported(ty) {
                errors.push(found);
                supported = false;
            }
            if let Type::Reference(reference) = &**ty {
                errors.push(syn::Error::new_spanned(
                    reference,
                    "a Python function cannot return a reference: the value is made by Python and nothing in Rust owns it; return an owned type such as `String` or `Vec<T>`",
                ));
                supported = false;
            }
            match types::iter_item(ty) {
                // A stub cannot return what Rust cannot name.
                _ if !supported => Return::Unit,
                Some(item) => Return::Iter {
                    ty: ty.clone(),
                    item: Box::new(item.clone()),
                },
                None => Return::Value(ty.clone()),
            }
        }
    };

    if py_token.is_none() {
        let needs_token = params
            .iter()
            .map(|param| &param.ty)
            .chain(ret.ty())
            .find(|ty| types::needs_python_token(ty));
        if let Some(ty) = needs_token {
            errors.push(syn::Error::new_spanned(
                ty,
                "a `Bound<'py, …>` is tied to the interpreter the caller holds: add a first parameter `py: Python<'py>`",
            ));
        }
    }

    let mut generics = sig.generics.clone();
    for lifetime in types::implicit_lifetimes(sig) {
        generics
            .params
            .push(GenericParam::Lifetime(LifetimeParam::new(lifetime)));
    }
    let options = options(&item.py_attrs, errors);
    let ok = errors.is_empty();
    all_errors.append(std::mem::take(errors));
    let function = Function {
        attrs: item.attrs.clone(),
        vis: item.vis.clone(),
        ident: sig.ident.clone(),
        generics,
        inputs,
        py_name,
        py_token,
        params,
        ret,
        options,
        code: Code::Stub,
    };
    (function, ok)
}

fn check_python_name(ident: &Ident, name: &str, what: &str, errors: &mut Errors) {
    if PYTHON_KEYWORDS.contains(&name) {
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "`{name}` is a Python keyword and cannot name a {what} in Python; rename the {what}"
            ),
        ));
    }
}

/// A function whose Rust signature comes from its `def`'s annotations,
/// each type spanned at its annotation. `None` when some annotation has no
/// Rust type (reported).
fn annotated(
    attrs: &[Attribute],
    vis: &syn::Visibility,
    name: &Ident,
    python: &PySource,
    signature: &PySignature,
    form: Form,
    errors: &mut Errors,
) -> Option<Function> {
    let span_at = |pos| spans::span_at(python, name.span(), pos);
    let mut ok = true;
    let mut fail = |errors: &mut Errors, error| {
        errors.push(error);
        ok = false;
    };
    let mut params = Vec::new();
    let mut inputs = syn::punctuated::Punctuated::new();
    // Python's order: positional, `*args`, keyword-only, `**kwargs`.
    let every = signature
        .params
        .iter()
        .filter(|p| !p.keyword_only)
        .map(|p| (p, ParamKind::Positional))
        .chain(signature.varargs.iter().map(|p| (p, ParamKind::VarArgs)))
        .chain(
            signature
                .params
                .iter()
                .filter(|p| p.keyword_only)
                .map(|p| (p, ParamKind::Keyword)),
        )
        .chain(signature.kwargs.iter().map(|p| (p, ParamKind::VarKwargs)));
    for (param, kind) in every {
        let Some(ident) = types::rust_ident(&param.name, span_at(param.at)) else {
            fail(
                errors,
                syn::Error::new(
                    span_at(param.at),
                    format!("no Rust parameter can be named `{}`", param.name),
                ),
            );
            continue;
        };
        let Some(annotation) = &param.annotation else {
            let what = match kind {
                ParamKind::VarArgs => format!("`*{}` (the type of each item)", param.name),
                ParamKind::VarKwargs => format!("`**{}` (the type of each value)", param.name),
                _ => format!("`{}`", param.name),
            };
            fail(
                errors,
                syn::Error::new(
                    span_at(param.at),
                    format!(
                        "annotate {what}: the `def` form makes the Rust signature from the annotations; supported: {}",
                        types::SUPPORTED_ANNOTATIONS
                    ),
                ),
            );
            continue;
        };
        let span = span_at(param.annotation_at);
        let Some(ty) = Ann::parse(annotation).and_then(|ann| types::rust_type(&ann, Place::Param))
        else {
            fail(errors, unsupported_annotation(span, annotation));
            continue;
        };
        let ty = match kind {
            // `*args: T`: each item is a `T`.
            ParamKind::VarArgs => quote::quote_spanned!(span=> ::pyfn::__private::Vec<#ty>),
            // `**kwargs: T`: each value is a `T`.
            ParamKind::VarKwargs => {
                quote::quote_spanned!(span=> ::pyfn::__private::HashMap<::pyfn::__private::String, #ty>)
            }
            _ if param.default.is_some() && !types::annotation_is_optional(annotation) => {
                quote::quote_spanned!(span=> ::core::option::Option<#ty>)
            }
            _ => ty,
        };
        let ty: Type = syn::parse_quote_spanned!(span=> #ty);
        inputs.push(syn::parse_quote_spanned!(span=> #ident: #ty));
        let default = match (&param.default, form) {
            (None, _) => None,
            (Some(_), Form::Member) => Some(Default::InFunction),
            (Some(text), Form::Own) => {
                if let Some(problem) = python::check_default(text) {
                    fail(errors, syn::Error::new(span_at(param.at), problem));
                }
                Some(Default::Expr { text: text.clone() })
            }
        };
        params.push(Param {
            py_name: param.name.clone(),
            ident,
            ty,
            default,
            kind,
        });
    }
    let ret = match &signature.returns {
        // A class: calling it gives the instance.
        None if signature.class => Return::Value(Box::new(
            syn::parse_quote_spanned!(name.span()=> ::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>),
        )),
        None => {
            fail(
                errors,
                syn::Error::new(
                    name.span(),
                    format!(
                        "annotate the return type (`-> None` if there is none): the `def` form makes the Rust signature from the annotations; supported: {}",
                        types::SUPPORTED_ANNOTATIONS
                    ),
                ),
            );
            Return::Unit
        }
        Some(annotation) => {
            let span = span_at(signature.returns_at);
            let parsed = Ann::parse(annotation);
            let iterated = parsed.as_ref().and_then(types::iterated);
            let item = iterated.and_then(|item| types::rust_type(item, Place::Inner));
            let ty = parsed
                .as_ref()
                .and_then(|ann| types::rust_type(ann, Place::Return));
            match (iterated, item, ty) {
                // `Iterator[T]`, `Iterable[T]`, `Generator[T, …]`.
                (Some(_), Some(item), _) => {
                    let item: Type = syn::parse_quote_spanned!(span=> #item);
                    Return::Iter {
                        ty: Box::new(syn::parse_quote_spanned!(span=> ::pyfn::Iter<#item>)),
                        item: Box::new(item),
                    }
                }
                (None, _, Some(ty)) => {
                    let ty: Type = syn::parse_quote_spanned!(span=> #ty);
                    if types::is_unit(&ty) {
                        Return::Unit
                    } else {
                        Return::Value(Box::new(ty))
                    }
                }
                _ => {
                    fail(errors, unsupported_annotation(span, annotation));
                    Return::Unit
                }
            }
        }
    };
    let Some(ident) = types::rust_ident(&name.to_string(), name.span()) else {
        errors.push(syn::Error::new(
            name.span(),
            format!("no Rust function can be named `{name}`"),
        ));
        return None;
    };
    if !ok {
        return None;
    }
    Some(Function {
        attrs: attrs.to_vec(),
        vis: vis.clone(),
        ident,
        generics: syn::Generics::default(),
        inputs,
        py_name: name.to_string(),
        py_token: None,
        params,
        ret,
        options: Options::default(),
        code: Code::Member,
    })
}

fn unsupported_annotation(span: Span, annotation: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "the annotation `{annotation}` has no Rust type in the `def` form; supported: {}",
            types::SUPPORTED_ANNOTATIONS
        ),
    )
}

/// A `py_module!`: its source rendered (or read), compiled and analysed,
/// and each declared function lowered and matched against its `def`.
pub fn module(input: &ModuleInput, errors: &mut Errors) -> Module {
    let options = options(&input.py_attrs, errors);
    let mut local = Errors::default();
    let mut functions: Vec<Option<Function>> = input
        .items
        .iter()
        .map(|item| match item {
            ModuleItem::Fn(item) => Some(signature(item, Form::Member, &mut local).0),
            ModuleItem::Def(_) => None,
        })
        .collect();
    let signatures_ok = local.is_empty();
    errors.append(local);
    let exposed: Vec<(String, ReturnKind)> = input
        .items
        .iter()
        .zip(&functions)
        .map(|(item, function)| match (item, function) {
            (_, Some(function)) => (function.py_name.clone(), function.ret.kind()),
            (ModuleItem::Def(def), _) => (def.name.to_string(), ReturnKind::Other),
            (ModuleItem::Fn(item), None) => (item.sig.ident.to_string(), ReturnKind::Other),
        })
        .collect();
    let package_source = match &input.source {
        Some(parse::ModuleSource::Package(lit)) => Some(lit),
        _ => None,
    };
    // Each item's module in the package (dotted), `None` outside one.
    let item_modules: Vec<Option<String>> = input
        .items
        .iter()
        .enumerate()
        .map(|(index, _)| {
            let submodule = input.submodules.get(index).cloned().flatten();
            match (package_source, submodule) {
                (Some(lit), submodule) => Some(match submodule {
                    Some(sub) => format!("{}.{}", package_name(lit), sub.value()),
                    None => package_name(lit),
                }),
                (None, Some(sub)) => {
                    errors.push(syn::Error::new(
                        sub.span(),
                        "`#[py(module = \"…\")]` names a module of a `package = \"dir\";`; this module has one source",
                    ));
                    None
                }
                (None, None) => None,
            }
        })
        .collect();
    if let (Some(span), Some(parse::ModuleSource::Inline(_))) = (input.reload, &input.source) {
        errors.push(syn::Error::new(
            span,
            "`#[py(reload)]` reloads `.py` files: an inline `source` changes only with a rebuild; use `file = \"….py\";` or `package = \"dir\";`",
        ));
    }
    let mut package = None;
    if let Some(lit) = package_source {
        package = read_package(
            lit,
            &exposed,
            &item_modules,
            &input.submodules,
            &options,
            errors,
        );
    }
    let python = input.source.as_ref().and_then(|source| match source {
        parse::ModuleSource::Inline(lit) => {
            render::render_module_str(lit, errors).map(|python| (python, None))
        }
        parse::ModuleSource::File(lit) => read_file(lit, errors),
        parse::ModuleSource::Package(_) => None,
    });
    let mut code = None;
    if let Some((python, file)) = python {
        // The name the program's module code has: the `.py` file's path
        // as written, or the `.rs` file's (`file!()`).
        let code_file = match &file {
            Some(ModuleFile { path, .. }) => path.clone(),
            None => spans::invocation_file(),
        };
        let request = Request {
            text: python.text.clone(),
            mode: Mode::Module {
                exposed,
                package: None,
            },
            allow_missing_imports: options.allows(FindingKind::Import),
            file: Some(code_file),
            columns: {
                let (first, columns) = python.lost_columns();
                (first, columns.to_vec())
            },
        };
        match python::check(&request) {
            Ok(analysis) => {
                code = Some(ModuleCode {
                    python,
                    file,
                    analysis,
                })
            }
            Err(failure) => {
                errors.push(spans::failure_error(&failure, &python, input.ident.span()))
            }
        }
    }
    for ((item, function), module) in input.items.iter().zip(&mut functions).zip(&item_modules) {
        // The file the item's `def` is in.
        let found: Option<(&PySource, &python::Analysis)> = match (&package, module) {
            (Some(package), Some(module)) => package
                .files
                .iter()
                .find(|file| &file.module == module)
                .map(|file| (&file.python, &file.analysis)),
            (None, _) => code.as_ref().map(|code| (&code.python, &code.analysis)),
            (Some(_), None) => None,
        };
        let signatures = found.map(|(_, analysis)| &analysis.signatures[..]);
        let defined = found.map(|(_, analysis)| &analysis.defined[..]);
        let find =
            |name: &str| signatures.and_then(|all| all.iter().find(|(found, _)| found == name));
        match (item, function) {
            (ModuleItem::Fn(_), Some(function)) => {
                if let Some((_, analysis)) = found {
                    match find(&function.py_name) {
                        Some((_, py)) => match_signature(function, py, errors),
                        // Bound, but not analysable: checked when called.
                        None if analysis.opaque.contains(&function.py_name) => {}
                        None => errors.push(missing_def(
                            &function.ident,
                            &function.py_name,
                            defined.unwrap_or_default(),
                        )),
                    }
                }
            }
            (ModuleItem::Def(def), slot) => {
                let Some((python, analysis)) = found else {
                    continue;
                };
                let name = def.name.to_string();
                let Some((_, py)) = find(&name) else {
                    if analysis.opaque.contains(&name) {
                        errors.push(syn::Error::new(
                            def.name.span(),
                            format!("the signature of `{name}` cannot be read without running the module (it is not a plain `def`, class or alias of one): declare it with a Rust signature, `fn {name}(…) -> T;`"),
                        ));
                    } else {
                        errors.push(missing_def(&def.name, &name, defined.unwrap_or_default()));
                    }
                    continue;
                };
                if !def.py_attrs.is_empty() {
                    errors.push(syn::Error::new_spanned(
                        &def.py_attrs[0],
                        "`#[py(...)]` options go on the module, not on a `def` it declares",
                    ));
                }
                *slot = annotated(
                    &def.attrs,
                    &def.vis,
                    &def.name,
                    python,
                    py,
                    Form::Member,
                    errors,
                );
            }
            (ModuleItem::Fn(_), None) => {}
        }
    }
    let all_ok = signatures_ok && errors.is_empty() && (code.is_some() || package.is_some());
    let function_modules: Vec<String> = functions
        .iter()
        .zip(&item_modules)
        .filter(|(function, _)| function.is_some())
        .map(|(_, module)| module.clone().unwrap_or_default())
        .collect();
    if let Some(package) = &mut package {
        package.function_modules = function_modules;
    }
    let mut functions: Vec<Function> = functions.into_iter().flatten().collect();
    for function in &mut functions {
        function.code = if all_ok { Code::Member } else { Code::Stub };
    }
    Module {
        attrs: input.attrs.clone(),
        vis: input.vis.clone(),
        ident: input.ident.clone(),
        options,
        code: code.filter(|_| all_ok),
        functions,
        package: package.filter(|_| all_ok),
        reload: input.reload.is_some(),
    }
}

/// The import name of the package in directory `lit`: its last component.
fn package_name(lit: &LitStr) -> String {
    let dir = lit.value();
    dir.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The `.py` files under `dir` (relative to `root`), sorted, each with its
/// path relative to `dir` in `/` form; directories that are not importable
/// names (`__pycache__`, `.git`, `my-dir`) and files whose names are not
/// identifiers are left out, as Python's import cannot reach them. Then
/// the package's compiled extension modules, the same way
/// (`_speedups.cpython-311-x86_64-linux-gnu.so`), which pyfn does not
/// embed.
fn python_files(root: &std::path::Path, dir: &str) -> std::io::Result<(Vec<String>, Vec<String>)> {
    let mut found = Vec::new();
    let mut extensions = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(relative) = stack.pop() {
        let full = if relative.is_empty() {
            root.join(dir)
        } else {
            root.join(dir).join(&relative)
        };
        for entry in std::fs::read_dir(&full)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if relative.is_empty() {
                name.clone()
            } else {
                format!("{relative}/{name}")
            };
            let kind = entry.file_type()?;
            if kind.is_dir() && is_identifier(&name) && name != "__pycache__" {
                stack.push(path);
            } else if (kind.is_file() || kind.is_symlink())
                && name.strip_suffix(".py").is_some_and(is_identifier)
            {
                found.push(path);
            } else if (kind.is_file() || kind.is_symlink())
                && [".so", ".pyd"].iter().any(|suffix| name.ends_with(suffix))
                && name.split('.').next().is_some_and(is_identifier)
            {
                extensions.push(path);
            }
        }
    }
    found.sort();
    extensions.sort();
    Ok((found, extensions))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !PYTHON_KEYWORDS.contains(&name)
}

/// A `package = "dir";`: every `.py` file under the directory read as
/// CPython reads it, compiled and analysed with its siblings known (so
/// that imports between them resolve), each error at `file:line:col`.
fn read_package(
    lit: &LitStr,
    exposed: &[(String, ReturnKind)],
    item_modules: &[Option<String>],
    submodules: &[Option<LitStr>],
    options: &Options,
    errors: &mut Errors,
) -> Option<Package> {
    let dir = lit.value().trim_end_matches('/').to_owned();
    if std::path::Path::new(&dir).is_absolute() {
        errors.push(syn::Error::new(
            lit.span(),
            "the package directory is relative to the crate's `Cargo.toml`, not absolute",
        ));
        return None;
    }
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let found = Found {
        exposed,
        item_modules,
        submodules,
    };
    read_package_in(&root, &dir, lit.span(), &found, options, errors)
}

/// What a package's declared functions ask of it.
pub(crate) struct Found<'a> {
    pub exposed: &'a [(String, ReturnKind)],
    /// Each function's module, dotted.
    pub item_modules: &'a [Option<String>],
    pub submodules: &'a [Option<LitStr>],
}

/// The package in directory `dir` under `root`: see [`read_package`];
/// errors at `span`.
pub(crate) fn read_package_in(
    root: &std::path::Path,
    dir: &str,
    span: Span,
    found: &Found<'_>,
    options: &Options,
    errors: &mut Errors,
) -> Option<Package> {
    let Found {
        exposed,
        item_modules,
        submodules,
    } = *found;
    let name = dir.rsplit('/').next().unwrap_or_default().to_owned();
    if !is_identifier(&name) {
        errors.push(syn::Error::new(
            span,
            format!("the package's name is its directory's: `{name}` is not a Python identifier"),
        ));
        return None;
    }
    let (paths, extension_files) = match python_files(root, dir) {
        Ok(found) => found,
        Err(err) => {
            errors.push(syn::Error::new(
                span,
                format!("cannot read the package directory `{dir}` (relative to the crate's `Cargo.toml`): {err}"),
            ));
            return None;
        }
    };
    // (module, is_package, relative file or None, text, verbatim)
    let mut modules: Vec<(String, bool, Option<String>, String, bool)> = Vec::new();
    // Files CPython cannot decode: (module, is_package, why), reported
    // only if the package imports them (see `reached` below).
    let mut unreadable: Vec<(String, bool, String)> = Vec::new();
    let mut failed = false;
    for relative in &paths {
        let path = format!("{dir}/{relative}");
        let stem = relative.trim_end_matches(".py");
        let (module, is_package) = match stem.strip_suffix("__init__") {
            Some(parent) => (parent.trim_end_matches('/').to_owned(), true),
            None => (stem.to_owned(), false),
        };
        let dotted = if module.is_empty() {
            name.clone()
        } else {
            format!("{name}.{}", module.replace('/', "."))
        };
        let bytes = match std::fs::read(root.join(&path)) {
            Ok(bytes) => bytes,
            Err(err) => {
                errors.push(syn::Error::new(
                    span,
                    format!("cannot read `{path}`: {err}"),
                ));
                failed = true;
                continue;
            }
        };
        let text = match python::decode_source(&bytes) {
            Ok(text) => text,
            Err(problem) => {
                unreadable.push((
                    dotted,
                    is_package,
                    format!("CPython cannot read `{path}`: {problem}"),
                ));
                continue;
            }
        };
        let verbatim = text.as_bytes() == bytes.as_slice();
        modules.push((dotted, is_package, Some(path), text, verbatim));
    }
    if failed {
        return None;
    }
    // Directories without `__init__.py` (and the top one) are packages
    // with an empty `__init__`.
    let mut packages: Vec<String> = vec![name.clone()];
    let every_module = modules
        .iter()
        .map(|(module, ..)| module)
        .chain(unreadable.iter().map(|(module, ..)| module));
    for module in every_module {
        let parts: Vec<&str> = module.split('.').collect();
        for end in 1..parts.len() {
            let parent = parts[..end].join(".");
            if !packages.contains(&parent) {
                packages.push(parent);
            }
        }
    }
    let every_module = modules
        .iter()
        .map(|(module, is_package, ..)| (module, *is_package))
        .chain(
            unreadable
                .iter()
                .map(|(module, is_package, _)| (module, *is_package)),
        );
    for (module, is_package) in every_module {
        if is_package && !packages.contains(module) {
            packages.push(module.clone());
        }
    }
    for package in &packages {
        let exists = modules.iter().any(|(module, ..)| module == package)
            || unreadable.iter().any(|(module, ..)| module == package);
        if !exists {
            modules.push((package.clone(), true, None, String::new(), true));
        }
    }
    modules.sort_by(|a, b| a.0.cmp(&b.0));
    // A declared function's module must be one of the package's.
    for (index, module) in item_modules.iter().enumerate() {
        let Some(module) = module else { continue };
        let exists = modules.iter().any(|(found, ..)| found == module)
            || unreadable.iter().any(|(found, ..)| found == module);
        if !exists {
            let span = submodules
                .get(index)
                .cloned()
                .flatten()
                .map_or(span, |sub| sub.span());
            let names: Vec<String> = modules
                .iter()
                .map(|(found, ..)| format!("`{found}`"))
                .collect();
            errors.push(syn::Error::new(
                span,
                format!(
                    "the package has no module `{module}`; its modules are {}",
                    names.join(", ")
                ),
            ));
            failed = true;
        }
    }
    if failed {
        return None;
    }
    // Extension modules, dotted, with their files.
    let extensions: Vec<(String, String)> = extension_files
        .iter()
        .map(|relative| {
            let file = relative.rsplit('/').next().unwrap_or(relative);
            let stem = file.split('.').next().unwrap_or_default();
            let parent = relative.strip_suffix(file).unwrap_or_default();
            let dotted = format!("{name}.{}{stem}", parent.replace('/', "."));
            (dotted, format!("{dir}/{relative}"))
        })
        .collect();
    let context_modules: Vec<(String, String)> = modules
        .iter()
        .map(|(module, _, _, text, _)| (module.clone(), text.clone()))
        .chain(
            unreadable
                .iter()
                .map(|(module, ..)| (module.clone(), String::new())),
        )
        .collect();
    let mut files = Vec::new();
    // Each file's analysis, or CPython's rejection of it.
    let mut rejected: Vec<(usize, python::Failure)> = Vec::new();
    for (module, is_package, path, text, verbatim) in modules {
        let code_file = match &path {
            Some(path) => path.clone(),
            None => {
                let sub = module[name.len()..]
                    .trim_start_matches('.')
                    .replace('.', "/");
                if sub.is_empty() {
                    format!("{dir}/__init__.py")
                } else {
                    format!("{dir}/{sub}/__init__.py")
                }
            }
        };
        let python = PySource {
            text: text.clone(),
            header_end: 0,
            layout: Layout::File {
                span,
                path: code_file.clone(),
            },
        };
        let own: Vec<(String, ReturnKind)> = exposed
            .iter()
            .zip(item_modules)
            .filter(|(_, item)| item.as_deref() == Some(module.as_str()))
            .map(|(exposed, _)| exposed.clone())
            .collect();
        let request = Request {
            text,
            mode: Mode::Module {
                exposed: own,
                package: Some(python::PackageContext {
                    name: module.clone(),
                    is_package,
                    modules: context_modules.clone(),
                    packages: packages.clone(),
                    extensions: extensions.clone(),
                }),
            },
            allow_missing_imports: options.allows(FindingKind::Import),
            file: Some(code_file.clone()),
            columns: (0, Vec::new()),
        };
        let analysis = match python::check(&request) {
            Ok(analysis) => analysis,
            // CPython rejects it: an error if the package imports it.
            Err(failure @ python::Failure::Rejected(_)) => {
                rejected.push((files.len(), failure));
                python::Analysis::default()
            }
            Err(failure) => {
                errors.push(spans::failure_error(&failure, &python, span));
                failed = true;
                continue;
            }
        };
        files.push(PackageFile {
            module,
            is_package,
            file: path.map(|path| ModuleFile { path, verbatim }),
            code_file,
            python,
            analysis,
            reached: false,
        });
    }
    if failed {
        return None;
    }
    // What importing the declared functions' modules imports: those
    // modules, their parent packages, and, from each, the package's
    // modules it imports where no condition decides. Only these are
    // judged; another module (one for another platform, a test's data
    // file in Python 2's syntax, a plugin imported by name) may never be
    // imported, and fails, if it does, when it is, as in Python.
    let mut pending: Vec<String> = item_modules.iter().flatten().cloned().collect();
    pending.push(name.clone());
    let mut reached: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    while let Some(module) = pending.pop() {
        let parts: Vec<&str> = module.split('.').collect();
        for end in 1..=parts.len() {
            let prefix = parts[..end].join(".");
            if reached.insert(prefix.clone())
                && let Some(file) = files.iter().find(|file| file.module == prefix)
            {
                pending.extend(file.analysis.package_imports.iter().cloned());
            }
        }
    }
    for file in &mut files {
        file.reached = reached.contains(&file.module);
    }
    for (index, failure) in &rejected {
        let file = &files[*index];
        if file.reached {
            errors.push(spans::failure_error(failure, &file.python, span));
            failed = true;
        }
    }
    for (module, _, problem) in &unreadable {
        if reached.contains(module) {
            errors.push(syn::Error::new(span, problem));
            failed = true;
        }
    }
    if failed {
        return None;
    }
    Some(Package {
        name,
        files,
        function_modules: Vec::new(),
    })
}

/// The `.py` file named by `lit`, relative to the crate's `Cargo.toml`,
/// decoded as CPython decodes a source file (byte order mark, PEP 263
/// encoding declaration).
fn read_file(lit: &LitStr, errors: &mut Errors) -> Option<(PySource, Option<ModuleFile>)> {
    let path = lit.value();
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    // An absolute path is the file itself (`join` keeps it), as it is for
    // the program's `include_str!` (see `expand::module_file`).
    let full = std::path::Path::new(&dir).join(&path);
    let bytes = match std::fs::read(&full) {
        Ok(bytes) => bytes,
        Err(err) => {
            errors.push(syn::Error::new(
                lit.span(),
                format!("cannot read `{path}` (relative to the crate's `Cargo.toml`): {err}"),
            ));
            return None;
        }
    };
    let text = match python::decode_source(&bytes) {
        Ok(text) => text,
        Err(problem) => {
            errors.push(syn::Error::new(
                lit.span(),
                format!("CPython cannot read `{path}`: {problem}"),
            ));
            return None;
        }
    };
    let verbatim = text.as_bytes() == bytes.as_slice();
    Some((
        PySource {
            text,
            header_end: 0,
            layout: Layout::File {
                span: lit.span(),
                path: path.clone(),
            },
        },
        Some(ModuleFile { path, verbatim }),
    ))
}

fn missing_def(ident: &Ident, name: &str, defined: &[String]) -> syn::Error {
    let close = defined
        .iter()
        .min_by_key(|found| edit_distance(found, name))
        .filter(|found| edit_distance(found, name) <= name.len() / 3 + 1);
    let mut message =
        format!("the module's Python defines no top-level function, class or alias `{name}`");
    match close {
        Some(found) => message.push_str(&format!("\nhelp: did you mean `{found}`?")),
        None if !defined.is_empty() => {
            message.push_str(&format!("\nnote: it defines `{}`", defined.join("`, `")))
        }
        None => {}
    }
    syn::Error::new(ident.span(), message)
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

/// Checks a declared Rust signature against the Python `def` (or class):
/// names and order, how each parameter is passed, defaults, annotations.
/// A Rust `Option` parameter whose Python parameter has a default leaves
/// it out on `None`.
fn match_signature(function: &mut Function, signature: &PySignature, errors: &mut Errors) {
    let name = function.py_name.clone();
    let whole = function.ident.span();
    let positional: Vec<_> = signature
        .params
        .iter()
        .filter(|p| !p.keyword_only)
        .collect();
    let keyword: Vec<_> = signature.params.iter().filter(|p| p.keyword_only).collect();
    let keyword_names = || {
        keyword
            .iter()
            .map(|p| format!("`{}`", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The Python parameters Rust passes.
    let mut passed: Vec<&str> = Vec::new();
    let mut positional_index = 0;
    for param in function.params.iter_mut() {
        let matched = match param.kind {
            ParamKind::Positional => {
                let index = positional_index;
                positional_index += 1;
                let Some(py) = positional.get(index) else {
                    if let Some(keyword) = keyword.iter().find(|py| py.name == param.py_name) {
                        passed.push(&keyword.name);
                        errors.push(keyword_only_error(param, &name));
                    } else if signature.varargs.is_none() {
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
                    // Reported once: neither Python parameter is then
                    // reported as missing too.
                    passed.push(&py.name);
                    if let Some(keyword) = keyword.iter().find(|py| py.name == param.py_name) {
                        passed.push(&keyword.name);
                        errors.push(keyword_only_error(param, &name));
                    } else {
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
                    continue;
                }
                Some(*py)
            }
            ParamKind::Keyword => {
                // By name: in any order.
                if let Some(py) = keyword.iter().find(|py| py.name == param.py_name) {
                    Some(*py)
                } else if let Some(py) = positional.iter().find(|py| py.name == param.py_name) {
                    if py.positional_only {
                        errors.push(syn::Error::new(
                            param.ident.span(),
                            format!(
                                "`{}` is positional-only in Python (before `/` in `{name}`'s `def`), so it cannot be passed by name: declare it without `#[py(keyword)]`",
                                py.name
                            ),
                        ));
                        continue;
                    }
                    Some(*py)
                } else if signature.kwargs.is_some() {
                    // Goes into the `def`'s `**kwargs`.
                    None
                } else {
                    let known = if keyword.is_empty() {
                        "it has none".to_owned()
                    } else {
                        format!("they are {}", keyword_names())
                    };
                    errors.push(syn::Error::new(
                        param.ident.span(),
                        format!(
                            "`{name}` has no keyword-only parameter `{}` in Python ({known})",
                            param.py_name
                        ),
                    ));
                    continue;
                }
            }
            ParamKind::VarArgs => {
                let Some(py) = &signature.varargs else {
                    errors.push(syn::Error::new(
                        param.ident.span(),
                        format!("`{name}` takes no `*args` in Python, so Rust cannot pass these"),
                    ));
                    continue;
                };
                if let (Some(annotation), Some(item)) =
                    (&py.annotation, types::sequence_item(&param.ty))
                    && types::fits(annotation, item, false) == Some(false)
                {
                    errors.push(syn::Error::new_spanned(
                        &param.ty,
                        format!(
                            "Python annotates each item of `*{}` as `{annotation}`, which does not convert from this type's items",
                            py.name
                        ),
                    ));
                }
                continue;
            }
            ParamKind::VarKwargs => {
                let Some(py) = &signature.kwargs else {
                    errors.push(syn::Error::new(
                        param.ident.span(),
                        format!(
                            "`{name}` takes no `**kwargs` in Python, so Rust cannot pass these"
                        ),
                    ));
                    continue;
                };
                if let (Some(annotation), Some(value)) =
                    (&py.annotation, types::map_value(&param.ty))
                    && types::fits(annotation, value, false) == Some(false)
                {
                    errors.push(syn::Error::new_spanned(
                        &param.ty,
                        format!(
                            "Python annotates each value of `**{}` as `{annotation}`, which does not convert from this type's values",
                            py.name
                        ),
                    ));
                }
                continue;
            }
        };
        let Some(py) = matched else { continue };
        if passed.contains(&py.name.as_str()) {
            errors.push(syn::Error::new(
                param.ident.span(),
                format!("`{}` is already passed by position", py.name),
            ));
        }
        passed.push(&py.name);
        if let Some(annotation) = &py.annotation
            && types::fits(annotation, &param.ty, false) == Some(false)
        {
            errors.push(syn::Error::new_spanned(
                &param.ty,
                format!(
                    "Python annotates `{}` as `{annotation}`, which does not convert to or from this type",
                    py.name
                ),
            ));
        }
        if py.default.is_some() && types::is_option(&param.ty) {
            param.default = Some(Default::InFunction);
        }
    }
    for py in &positional {
        if py.default.is_none() && !passed.contains(&py.name.as_str()) {
            errors.push(syn::Error::new(
                whole,
                format!(
                    "Python parameter `{}` of `{name}` has no default, so the Rust signature must take it",
                    py.name
                ),
            ));
        }
    }
    for py in &keyword {
        if py.default.is_none() && !passed.contains(&py.name.as_str()) {
            errors.push(syn::Error::new(
                whole,
                format!(
                    "`{name}` has a keyword-only parameter `{}` without a default: take it in Rust as `#[py(keyword)] {}: T`",
                    py.name, py.name
                ),
            ));
        }
    }
    if let (Some(annotation), Some(ret)) = (&signature.returns, function.ret.ty())
        && types::fits(annotation, ret, true) == Some(false)
    {
        errors.push(syn::Error::new_spanned(
            ret,
            format!("Python annotates `{name}` as returning `{annotation}`, which does not convert to this type"),
        ));
    }
}

fn keyword_only_error(param: &Param, name: &str) -> syn::Error {
    syn::Error::new(
        param.ident.span(),
        format!(
            "`{}` is keyword-only in Python (after `*` in `{name}`'s `def`): mark it `#[py(keyword)]`, and Rust passes it by name",
            param.py_name
        ),
    )
}
