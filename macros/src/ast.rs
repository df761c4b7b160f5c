//! Parsing `py_fn!` input, and the checks local to one signature.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, GenericParam, Ident, LitStr, Pat, ReturnType, Signature, Token, Type};

/// Collects errors so that one build reports all of them.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn append(&mut self, other: Errors) {
        if let Some(error) = other.0 {
            self.push(error);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn into_compile_error(self) -> TokenStream {
        self.0
            .map(syn::Error::into_compile_error)
            .unwrap_or_default()
    }
}

/// Outer attributes, split into pyfn's own `#[py(...)]` and the others
/// (passed through to the generated item).
pub fn parse_attrs(input: ParseStream) -> syn::Result<(Vec<Attribute>, Vec<Attribute>)> {
    Ok(input
        .call(Attribute::parse_outer)?
        .into_iter()
        .partition(|attr| attr.path().is_ident("py")))
}

/// The whole macro input: one or more `fn` items, or one closure.
pub enum Input {
    Items(Vec<PyFn>),
    /// `|x: i64| -> i64 { … }`: an expression; free Python names capture
    /// the Rust variables of the same name.
    Closure(Box<PyFn>),
    /// `def name(x: int) -> int: …`: Python's own syntax, typed by its
    /// annotations.
    Def(Box<crate::def_form::DefItem>),
}

/// One `fn` item as written.
pub struct PyFn {
    /// Attributes passed through to the generated function.
    pub attrs: Vec<Attribute>,
    /// The `#[py(...)]` attributes, which are pyfn's.
    pub py_attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub sig: Signature,
    pub body: Body,
    /// For a closure, the span of its opening `|`.
    pub closure: Option<Span>,
}

/// The Python body.
pub enum Body {
    /// Python written as Rust tokens inside the braces.
    Tokens(Group),
    /// One string literal holding the body.
    Str { lit: LitStr },
    /// No body: a signature declared in `py_module!`, whose body is the
    /// module source's `def`.
    Declared,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`py_fn!` needs at least one function, as in `py_fn! { fn add(a: i64, b: i64) -> i64 { return a + b } }`",
            ));
        }
        if crate::def_form::starts_def(input) {
            return Ok(Input::Def(Box::new(crate::def_form::parse(input)?)));
        }
        if input.peek(Token![|]) || input.peek(Token![||]) || input.peek(Token![move]) {
            let closure = parse_closure(input)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after the closure's body"));
            }
            return Ok(Input::Closure(Box::new(closure)));
        }
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(Input::Items(items))
    }
}

impl Parse for PyFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (py_attrs, attrs) = parse_attrs(input)?;
        let vis: syn::Visibility = input.parse()?;
        let starts_fn = input.peek(Token![fn])
            || input.peek(Token![async])
            || input.peek(Token![const])
            || input.peek(Token![unsafe])
            || input.peek(Token![extern]);
        if !starts_fn {
            return Err(input.error("expected `fn`: `py_fn!` holds function items only"));
        }
        let sig: Signature = input.parse()?;
        let body = if input.peek(syn::token::Brace) {
            let group: Group = input.parse()?;
            body_of(group)
        } else if input.peek(Token![;]) {
            let semi: Token![;] = input.parse()?;
            return Err(syn::Error::new(
                semi.span,
                "missing body: write the Python body in braces, `{ return … }`, or as a string, `{r#\"…\"#}`",
            ));
        } else if input.is_empty() {
            return Err(syn::Error::new(
                signature_end(&sig),
                "missing body: write the Python body in braces after the signature, `{ return … }`",
            ));
        } else {
            return Err(input.error("expected the Python body in braces, `{ … }`"));
        };
        Ok(PyFn {
            attrs,
            py_attrs,
            vis,
            sig,
            body,
            closure: None,
        })
    }
}

/// The Python name of the function a closure runs.
pub const CLOSURE_NAME: &str = "_pyfn_closure";

/// `move? |name: Type, …| (-> Type)? { body }`, as a function signature.
fn parse_closure(input: ParseStream) -> syn::Result<PyFn> {
    let _: Option<Token![move]> = input.parse()?;
    let start = input.span();
    let mut inputs = syn::punctuated::Punctuated::new();
    if input.peek(Token![||]) {
        let _: Token![||] = input.parse()?;
    } else {
        let _: Token![|] = input.parse()?;
        while !input.peek(Token![|]) {
            let attrs = input.call(Attribute::parse_outer)?;
            let pat = Pat::parse_single(input)?;
            if !input.peek(Token![:]) {
                return Err(syn::Error::new_spanned(
                    &pat,
                    "closure parameters need their types, as in `|x: i64|`: pyfn converts by type",
                ));
            }
            let colon_token: Token![:] = input.parse()?;
            let ty: Type = input.parse()?;
            inputs.push_value(FnArg::Typed(syn::PatType {
                attrs,
                pat: Box::new(pat),
                colon_token,
                ty: Box::new(ty),
            }));
            if input.peek(Token![|]) {
                break;
            }
            inputs.push_punct(input.parse()?);
        }
        let _: Token![|] = input.parse()?;
    }
    let output: ReturnType = input.parse()?;
    if !input.peek(syn::token::Brace) {
        return Err(input.error("expected the Python body in braces, `{ … }`"));
    }
    let group: Group = input.parse()?;
    let sig = Signature {
        constness: None,
        asyncness: None,
        safety: syn::Safety::Default,
        abi: None,
        fn_token: Token![fn](start),
        ident: Ident::new(CLOSURE_NAME, start),
        generics: syn::Generics::default(),
        paren_token: syn::token::Paren(start),
        inputs,
        variadic: None,
        output,
    };
    Ok(PyFn {
        attrs: Vec::new(),
        py_attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig,
        body: body_of(group),
        closure: Some(start),
    })
}

/// The last token of a signature, for errors that follow it.
fn signature_end(sig: &Signature) -> Span {
    match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => sig.paren_token.span.close(),
    }
}

/// A body that is exactly one string literal is the string form; anything
/// else is Python written as tokens.
fn body_of(group: Group) -> Body {
    let mut tokens = group.stream().into_iter();
    if let (Some(TokenTree::Literal(literal)), None) = (tokens.next(), tokens.next())
        && let Ok(lit) = syn::parse2::<LitStr>(TokenTree::Literal(literal).into())
    {
        return Body::Str { lit };
    }
    Body::Tokens(group)
}

/// Python's keywords (identical in 3.9 to 3.13): none can name a function or
/// a parameter. Soft keywords (`match`, `case`, `type`, `_`) can.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A signature that passed the checks: what code generation needs.
pub struct Func<'a> {
    pub item: &'a PyFn,
    /// The Python name of the function.
    pub py_name: String,
    /// The `py: Python<'py>` parameter, when the caller holds the interpreter.
    pub py_token: Option<&'a Ident>,
    /// The parameters passed to Python, in order.
    pub params: Vec<Param<'a>>,
    /// The return type; `None` means `()`.
    pub ret: Option<&'a Type>,
    /// Lifetimes the types use but the signature does not declare (`'py`).
    pub implicit_lifetimes: Vec<syn::Lifetime>,
    pub options: Options,
    /// The parameters as the generated Rust function declares them: as
    /// written, less pyfn's own `#[py(...)]` attributes.
    pub inputs: syn::punctuated::Punctuated<FnArg, Token![,]>,
}

/// What `#[py(...)]` attributes ask for.
#[derive(Default)]
pub struct Options {
    /// `#[py(allow_missing_imports)]`: modules the build interpreter lacks
    /// are installed where the program runs.
    pub allow_missing_imports: bool,
}

pub fn parse_options(attrs: &[Attribute], errors: &mut Errors) -> Options {
    let mut options = Options::default();
    for attr in attrs {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("allow_missing_imports") {
                options.allow_missing_imports = true;
                Ok(())
            } else {
                Err(meta.error("unknown `py` option; the options are: `allow_missing_imports`"))
            }
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    options
}

/// One parameter passed to Python.
pub struct Param<'a> {
    pub ident: &'a Ident,
    pub py_name: String,
    pub ty: &'a Type,
    /// `#[py(default = "expr")]`: the Python default, used when the
    /// (`Option`) argument is `None`.
    pub default: Option<LitStr>,
    /// `None` leaves the argument out, so that the Python function's own
    /// default applies (module functions whose `def` has one).
    pub omit_none: bool,
}

/// The `default = "expr"` of a parameter's `#[py(...)]` attributes.
fn parse_param_options(attrs: &[Attribute], errors: &mut Errors) -> Option<LitStr> {
    let mut default = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("py")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                default = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("unknown `py` option for a parameter; the options are: `default = \"<Python expression>\"`"))
            }
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    default
}

fn rust_inputs(sig: &Signature) -> syn::punctuated::Punctuated<FnArg, Token![,]> {
    let mut inputs = sig.inputs.clone();
    for arg in &mut inputs {
        if let FnArg::Typed(typed) = arg {
            typed.attrs.retain(|attr| !attr.path().is_ident("py"));
        }
    }
    inputs
}

/// `T` of a return type `Iter<T>` (`pyfn::Iter`): the items of a generator.
pub fn iter_item(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Iter" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(item) if args.args.len() == 1 => Some(item),
        _ => None,
    }
}

/// Whether `ty` is `Option<…>`.
pub fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|segment| segment.ident == "Option"))
}

/// The Python name of a Rust identifier: `r#type` is `type`.
pub fn python_name(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(bare) => bare.to_owned(),
        None => name,
    }
}

/// Checks one signature; on success returns what expansion needs.
pub fn check_signature<'a>(item: &'a PyFn, all_errors: &mut Errors) -> Option<Func<'a>> {
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

    let py_name = python_name(&sig.ident);
    check_python_name(&sig.ident, &py_name, "function", errors);

    let mut py_token = None;
    let mut params = Vec::new();
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
        if is_python_token(&typed.ty) {
            if index == 0 {
                py_token = Some(ident);
            } else {
                errors.push(syn::Error::new_spanned(
                    &typed.ty,
                    "a `Python<'py>` parameter must come first",
                ));
            }
            continue;
        }
        let name = python_name(ident);
        check_python_name(ident, &name, "parameter", errors);
        if params.iter().any(|param: &Param| param.py_name == name) {
            errors.push(syn::Error::new(
                ident.span(),
                format!("duplicate parameter `{name}`"),
            ));
        }
        if let Some(found) = find_unsupported_type(&typed.ty) {
            errors.push(found);
        }
        let default = parse_param_options(&typed.attrs, errors);
        if default.is_some() && !is_option(&typed.ty) {
            errors.push(syn::Error::new_spanned(
                &typed.ty,
                "a parameter with a Python default must be an `Option<T>`: passing `None` uses the default",
            ));
        }
        if default.is_none() && params.iter().any(|param: &Param| param.default.is_some()) {
            errors.push(syn::Error::new(
                ident.span(),
                "this parameter follows one with a default, so it needs a default too, as in Python",
            ));
        }
        let omit_none = default.is_some();
        params.push(Param {
            ident,
            py_name: name,
            ty: &typed.ty,
            default,
            omit_none,
        });
    }

    let ret = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) if is_unit(ty) => None,
        ReturnType::Type(_, ty) => {
            if let Some(found) = find_unsupported_type(ty) {
                errors.push(found);
            }
            if let Type::Reference(reference) = &**ty {
                errors.push(syn::Error::new_spanned(
                    reference,
                    "a Python function cannot return a reference: the value is made by Python and nothing in Rust owns it; return an owned type such as `String` or `Vec<T>`",
                ));
            }
            Some(&**ty)
        }
    };

    if py_token.is_none() {
        let needs_token = params
            .iter()
            .map(|param| param.ty)
            .chain(ret)
            .find(|ty| mentions_ident(ty.to_token_stream(), &["Bound", "Borrowed"]));
        if let Some(ty) = needs_token {
            errors.push(syn::Error::new_spanned(
                ty,
                "a `Bound<'py, …>` is tied to the interpreter the caller holds: add a first parameter `py: Python<'py>`",
            ));
        }
    }

    let implicit_lifetimes = implicit_lifetimes(sig);
    let options = parse_options(&item.py_attrs, errors);
    let ok = errors.is_empty();
    all_errors.append(std::mem::take(errors));
    if !ok {
        return None;
    }
    Some(Func {
        item,
        py_name,
        py_token,
        params,
        ret,
        implicit_lifetimes,
        options,
        inputs: rust_inputs(sig),
    })
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

/// What the Rust return type can hold, for the checks on what the Python
/// returns: `"unit"`, `"object"` (any Python object), `"value"` (a type
/// that cannot hold `None`), or `"other"` (unknown: not checked).
pub fn return_kind(ret: Option<&Type>) -> &'static str {
    const OBJECTS: &[&str] = &["Py", "Bound", "Borrowed", "PyObject", "PyAny", "Iter"];
    const VALUES: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "f32", "f64", "bool", "char", "String", "Vec", "VecDeque", "HashMap", "BTreeMap",
        "HashSet", "BTreeSet", "Cow", "PathBuf", "OsString",
    ];
    let Some(ty) = ret else {
        return "unit";
    };
    match ty {
        Type::Tuple(tuple) if tuple.elems.is_empty() => "unit",
        Type::Tuple(_) | Type::Array(_) => "value",
        Type::Paren(inner) => return_kind(Some(&inner.elem)),
        Type::Path(path) if path.qself.is_none() => {
            match path.path.segments.last().map(|s| s.ident.to_string()) {
                Some(name) if OBJECTS.contains(&name.as_str()) => "object",
                Some(name) if VALUES.contains(&name.as_str()) => "value",
                _ => "other",
            }
        }
        _ => "other",
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(tuple) if tuple.elems.is_empty())
}

/// `Python`, `Python<'py>`, `pyo3::Python<'_>`…
fn is_python_token(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Python"),
        _ => false,
    }
}

/// Types that cannot cross into Python whatever their traits say.
fn find_unsupported_type(ty: &Type) -> Option<syn::Error> {
    let message = match ty {
        Type::ImplTrait(_) => {
            "`impl Trait` cannot be converted to or from Python; use a concrete type"
        }
        Type::FnPtr(_) => "function pointers cannot be passed to Python",
        Type::Never(_) => {
            "`!` is not a Python value; return `()` for a function that returns nothing"
        }
        Type::Infer(_) => "the type must be written out: pyfn converts by type",
        _ if mentions_ident(ty.to_token_stream(), &["impl"]) => {
            "`impl Trait` cannot be converted to or from Python; use a concrete type"
        }
        _ => return None,
    };
    Some(syn::Error::new_spanned(ty, message))
}

fn mentions_ident(tokens: TokenStream, names: &[&str]) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => names.iter().any(|name| ident == name),
        TokenTree::Group(group) => mentions_ident(group.stream(), names),
        _ => false,
    })
}

/// Named lifetimes used in the signature's types but not declared, such as
/// `'py` in `fn f(py: Python<'py>) -> Bound<'py, PyAny>`: declared for the
/// user, since `py_fn!` items cannot declare generics in the usual place
/// without looking like Rust generics over Python values.
fn implicit_lifetimes(sig: &Signature) -> Vec<syn::Lifetime> {
    let declared: Vec<String> = sig
        .generics
        .lifetimes()
        .map(|def| def.lifetime.ident.to_string())
        .collect();
    let mut found: Vec<syn::Lifetime> = Vec::new();
    let mut tokens = TokenStream::new();
    sig.inputs.to_tokens(&mut tokens);
    sig.output.to_tokens(&mut tokens);
    collect_lifetimes(tokens, &mut |lifetime| {
        let name = lifetime.ident.to_string();
        if name != "_"
            && name != "static"
            && !declared.contains(&name)
            && !found.iter().any(|seen| seen.ident == name)
        {
            found.push(lifetime);
        }
    });
    found
}

fn collect_lifetimes(tokens: TokenStream, found: &mut dyn FnMut(syn::Lifetime)) {
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == '\'' => {
                if let Some(TokenTree::Ident(ident)) = iter.peek() {
                    let lifetime = syn::Lifetime {
                        apostrophe: punct.span(),
                        ident: ident.clone(),
                    };
                    iter.next();
                    found(lifetime);
                }
            }
            TokenTree::Group(group) => collect_lifetimes(group.stream(), found),
            _ => {}
        }
    }
}
