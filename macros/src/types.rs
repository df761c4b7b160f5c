//! What pyfn knows about types, in one place: the Rust types of a
//! signature (`Option`, `Iter`, the `Python` token, `Bound`, types that
//! cannot cross into Python, what a return type can hold) and Python
//! annotations (parsed, compared with Rust types, turned into Rust types).
//!
//! Every walk over tokens here is iterative: a type nested thousands deep
//! must not overflow the compiler's stack.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Ident, Signature, Type};

/// What a Rust return type can hold, for the checks on what the Python
/// returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnKind {
    /// `()`: the value is dropped.
    Unit,
    /// Any Python object (`Py`, `Bound`, `Iter`…).
    Object,
    /// A type that cannot hold `None`.
    Value,
    /// Unknown (a user type, `Option<T>`): not checked.
    Other,
}

impl ReturnKind {
    /// The name `analyze.py` knows the kind by.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnKind::Unit => "unit",
            ReturnKind::Object => "object",
            ReturnKind::Value => "value",
            ReturnKind::Other => "other",
        }
    }

    pub fn of(ty: &Type) -> ReturnKind {
        const OBJECTS: &[&str] = &["Py", "Bound", "Borrowed", "PyObject", "PyAny", "Iter"];
        const VALUES: &[&str] = &[
            "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
            "f32", "f64", "bool", "char", "String", "Vec", "VecDeque", "HashMap", "BTreeMap",
            "HashSet", "BTreeSet", "Cow", "PathBuf", "OsString",
        ];
        let mut ty = ty;
        while let Type::Paren(inner) = ty {
            ty = &inner.elem;
        }
        match ty {
            Type::Tuple(tuple) if tuple.elems.is_empty() => ReturnKind::Unit,
            Type::Tuple(_) | Type::Array(_) => ReturnKind::Value,
            Type::Path(path) if path.qself.is_none() => {
                match path.path.segments.last().map(|s| s.ident.to_string()) {
                    Some(name) if OBJECTS.contains(&name.as_str()) => ReturnKind::Object,
                    Some(name) if VALUES.contains(&name.as_str()) => ReturnKind::Value,
                    _ => ReturnKind::Other,
                }
            }
            _ => ReturnKind::Other,
        }
    }
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

/// `T` of `Option<T>`.
pub fn option_item(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Option" {
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

/// The generic arguments of the last segment of path type `ty` named one
/// of `names` (through references).
fn generic_args<'a>(ty: &'a Type, names: &[&str]) -> Option<Vec<&'a Type>> {
    match ty {
        Type::Reference(reference) => generic_args(&reference.elem, names),
        Type::Paren(paren) => generic_args(&paren.elem, names),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            if !names.iter().any(|name| last.ident == name) {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            Some(
                args.args
                    .iter()
                    .filter_map(|arg| match arg {
                        syn::GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The item type of a sequence a `*args` parameter takes: `T` of
/// `Vec<T>`, `&[T]`, `[T; N]`, `VecDeque<T>` (or a reference to one).
pub fn sequence_item(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Reference(reference) => sequence_item(&reference.elem),
        Type::Slice(slice) => Some(&slice.elem),
        Type::Array(array) => Some(&array.elem),
        _ => match generic_args(ty, &["Vec", "VecDeque"])?.as_slice() {
            [item] => Some(item),
            _ => None,
        },
    }
}

/// The value type of a map a `**kwargs` parameter takes: `V` of
/// `HashMap<K, V>` or `BTreeMap<K, V>` (or a reference to one).
pub fn map_value(ty: &Type) -> Option<&Type> {
    match generic_args(ty, &["HashMap", "BTreeMap"])?.as_slice() {
        [_, value, ..] => Some(value),
        _ => None,
    }
}

/// Whether `ty` is `Option<…>`.
pub fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|segment| segment.ident == "Option"))
}

pub fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(tuple) if tuple.elems.is_empty())
}

/// `Python`, `Python<'py>`, `pyo3::Python<'_>`…
pub fn is_python_token(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Python"),
        _ => false,
    }
}

/// Whether `ty` is tied to a held interpreter (`Bound`, `Borrowed`).
pub fn needs_python_token(ty: &Type) -> bool {
    mentions_ident(ty.to_token_stream(), &["Bound", "Borrowed"])
}

/// Types that cannot cross into Python whatever their traits say.
pub fn unsupported(ty: &Type) -> Option<syn::Error> {
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

/// Whether any identifier of `tokens`, at any depth, is one of `names`.
fn mentions_ident(tokens: TokenStream, names: &[&str]) -> bool {
    let mut stack = vec![tokens.into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Ident(ident)) if names.iter().any(|name| ident == name) => {
                return true;
            }
            Some(TokenTree::Group(group)) => stack.push(group.stream().into_iter()),
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    false
}

/// Named lifetimes used in the signature's types but not declared, such as
/// `'py` in `fn f(py: Python<'py>) -> Bound<'py, PyAny>`: declared for the
/// user, since `py_fn!` items cannot declare generics in the usual place
/// without looking like Rust generics over Python values.
pub fn implicit_lifetimes(sig: &Signature) -> Vec<syn::Lifetime> {
    let declared: Vec<String> = sig
        .generics
        .lifetimes()
        .map(|def| def.lifetime.ident.to_string())
        .collect();
    let mut found: Vec<syn::Lifetime> = Vec::new();
    let mut tokens = TokenStream::new();
    sig.inputs.to_tokens(&mut tokens);
    sig.output.to_tokens(&mut tokens);
    let mut stack = vec![tokens.into_iter().peekable()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Punct(punct)) if punct.as_char() == '\'' => {
                if let Some(TokenTree::Ident(ident)) = top.peek() {
                    let name = ident.to_string();
                    let lifetime = syn::Lifetime {
                        apostrophe: punct.span(),
                        ident: ident.clone(),
                    };
                    top.next();
                    if name != "_"
                        && name != "static"
                        && !declared.contains(&name)
                        && !found.iter().any(|seen| seen.ident == name)
                    {
                        found.push(lifetime);
                    }
                }
            }
            Some(TokenTree::Group(group)) => stack.push(group.stream().into_iter().peekable()),
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    found
}

/// The Python name of a Rust identifier: `r#type` is `type`.
pub fn python_name(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(bare) => bare.to_owned(),
        None => name,
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

/// A type as a reader would write it: `Vec<i64>`, not `Vec < i64 >`.
pub fn type_text(ty: &Type) -> String {
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
    // Paths the macro itself spells out (the `def` form's types) read as a
    // user would write them.
    for prefix in [
        "::core::primitive::",
        "::core::option::",
        "::pyfn::__private::",
        "::pyfn::pyo3::",
        "::pyfn::",
    ] {
        out = out.replace(prefix, "");
    }
    out
}

/// A Python annotation, parsed as far as pyfn compares types.
#[derive(Debug)]
pub enum Ann {
    /// `name[args]` (`list[int]`, `Optional[str]`, `typing.Dict[str, int]`).
    Name(String, Vec<Ann>),
    /// `a | b`.
    Union(Vec<Ann>),
}

impl Ann {
    /// Parses an annotation's source text (as `ast.unparse` writes it).
    /// Recursive, but annotations come from source CPython compiled, whose
    /// tokenizer refuses more than 200 nested brackets.
    pub fn parse(text: &str) -> Option<Ann> {
        let text = text.trim();
        let parts = split_top(text, '|');
        if parts.len() > 1 {
            return parts
                .into_iter()
                .map(Ann::parse)
                .collect::<Option<_>>()
                .map(Ann::Union);
        }
        match text.find('[') {
            Some(open) if text.ends_with(']') => {
                let name = text[..open].trim();
                let args = split_top(&text[open + 1..text.len() - 1], ',')
                    .into_iter()
                    .map(Ann::parse)
                    .collect::<Option<Vec<_>>>()?;
                Some(Ann::Name(last_segment(name), args))
            }
            Some(_) => None,
            None => Some(Ann::Name(last_segment(text), Vec::new())),
        }
    }
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

fn last_segment(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).trim().to_owned()
}

fn is_none(ann: &Ann) -> bool {
    matches!(ann, Ann::Name(name, args) if name == "None" && args.is_empty())
}

/// Whether annotation `text` admits `None` (`T | None`, `Optional[T]`).
pub fn annotation_is_optional(text: &str) -> bool {
    match Ann::parse(text) {
        Some(Ann::Union(members)) => members.iter().any(is_none),
        Some(Ann::Name(name, _)) => name == "Optional",
        None => false,
    }
}

/// `T` of a generator's return annotation, `Iterator[T]`, `Iterable[T]`
/// or `Generator[T, …]` (as `typing.` or `collections.abc.` names): what
/// a `def` returning `pyfn::Iter<T>` yields.
pub fn iterated(ann: &Ann) -> Option<&Ann> {
    match ann {
        Ann::Name(name, args) => match (name.as_str(), args.as_slice()) {
            ("Iterator" | "Iterable", [item]) => Some(item),
            ("Generator", [item, ..]) => Some(item),
            _ => None,
        },
        Ann::Union(_) => None,
    }
}

/// Where a type derived from an annotation goes.
#[derive(Clone, Copy, PartialEq)]
pub enum Place {
    Param,
    Return,
    Inner,
}

/// The annotations [`rust_type`] understands, for its errors.
pub const SUPPORTED_ANNOTATIONS: &str = "`int`, `float`, `str`, `bool`, `bytes`, `list[T]`, \
    `dict[K, V]`, `set[T]`, `tuple[A, B, …]`, `T | None` (or `Optional[T]`), `Any`, and as a \
    return `None` and `Iterator[T]`, `Iterable[T]` or `Generator[T, …]` (a `pyfn::Iter<T>`)";

/// The Rust type for annotation `ann`: borrowed `&str` for a `str`
/// parameter, owned types elsewhere. Paths are absolute and never name
/// `::std` (an alloc-only crate has none).
pub fn rust_type(ann: &Ann, place: Place) -> Option<TokenStream> {
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
            ("int", []) => Some(quote!(::core::primitive::i64)),
            ("float", []) => Some(quote!(::core::primitive::f64)),
            ("bool", []) => Some(quote!(::core::primitive::bool)),
            ("str", []) if place == Place::Param => Some(quote!(&::core::primitive::str)),
            ("str", []) => Some(quote!(::pyfn::__private::String)),
            ("bytes", []) => Some(quote!(::pyfn::__private::Vec<::core::primitive::u8>)),
            ("None", []) if place == Place::Return => Some(quote!(())),
            ("Any" | "object", []) => Some(quote!(::pyfn::pyo3::Py<::pyfn::pyo3::PyAny>)),
            ("list" | "List", [item]) => {
                let item = inner(item)?;
                Some(quote!(::pyfn::__private::Vec<#item>))
            }
            ("set" | "Set", [item]) => {
                let item = inner(item)?;
                Some(quote!(::pyfn::__private::HashSet<#item>))
            }
            ("dict" | "Dict", [key, value]) => {
                let (key, value) = (inner(key)?, inner(value)?);
                Some(quote!(::pyfn::__private::HashMap<#key, #value>))
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

/// Whether a value annotated `annotation` converts to or from `ty`:
/// `Some(false)` only when it certainly does not; `None` when pyfn cannot
/// tell (custom classes, `Any`, …).
pub fn fits(annotation: &str, ty: &Type, is_return: bool) -> Option<bool> {
    fits_ann(&Ann::parse(annotation)?, ty, is_return)
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

/// The Python annotation a type checker gives a value of Rust type `ty`,
/// the reverse of [`rust_type`]: `i64` → `int`, `Vec<T>` → `list[T]`,
/// `Option<T>` → `T | None`, …; `Any` for what pyfn cannot name. Written
/// to be quoted (a string annotation, never evaluated), so that `|` and
/// builtin generics read on every Python version; `typing.` names assume
/// `typing` is bound under `typing_alias`.
pub fn annotation(ty: &Type, typing_alias: &str) -> String {
    const INTS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let any = format!("{typing_alias}.Any");
    let Some((name, args)) = rust_name(ty) else {
        return any;
    };
    let arg = |index: usize| {
        args.get(index)
            .map_or_else(|| any.clone(), |ty| annotation(ty, typing_alias))
    };
    match name.as_str() {
        int if INTS.contains(&int) => "int".to_owned(),
        "f32" | "f64" => "float".to_owned(),
        "bool" => "bool".to_owned(),
        "str" | "String" | "char" | "Cow" => "str".to_owned(),
        "()" => "None".to_owned(),
        "[]" | "Vec" | "VecDeque" if args.first().is_some_and(|item| is_u8(item)) => {
            "bytes".to_owned()
        }
        "[]" | "Vec" | "VecDeque" => format!("list[{}]", arg(0)),
        "HashSet" | "BTreeSet" => format!("set[{}]", arg(0)),
        "HashMap" | "BTreeMap" => format!("dict[{}, {}]", arg(0), arg(1)),
        "(..)" => {
            let items: Vec<String> = args.iter().map(|ty| annotation(ty, typing_alias)).collect();
            format!("tuple[{}]", items.join(", "))
        }
        "Option" => {
            let inner = arg(0);
            if inner == any {
                any
            } else {
                format!("{inner} | None")
            }
        }
        // Any iterable works where pyfn's `Iter<T>` is returned.
        "Iter" => format!("{typing_alias}.Iterable[{}]", arg(0)),
        _ => any,
    }
}

fn is_u8(ty: &Type) -> bool {
    matches!(rust_name(ty), Some((name, args)) if name == "u8" && args.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{annotation, fits, type_text};

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

    #[test]
    fn type_text_is_compact() {
        let ty: syn::Type = syn::parse_str("HashMap<String, Vec<(i64, f64)>>").expect("a type");
        assert_eq!(type_text(&ty), "HashMap<String, Vec<(i64, f64)>>");
        let ty: syn::Type = syn::parse_str("&'a [u8]").expect("a type");
        assert_eq!(type_text(&ty), "&'a [u8]");
        let ty: syn::Type = syn::parse_str("Bound<'py, PyAny>").expect("a type");
        assert_eq!(type_text(&ty), "Bound<'py, PyAny>");
    }

    #[test]
    fn annotations_of_rust_types() {
        let of = |text: &str| annotation(&ty(text), "t");
        assert_eq!(of("i64"), "int");
        assert_eq!(of("f64"), "float");
        assert_eq!(of("&str"), "str");
        assert_eq!(of("String"), "str");
        assert_eq!(of("bool"), "bool");
        assert_eq!(of("Vec<u8>"), "bytes");
        assert_eq!(of("&[u8]"), "bytes");
        assert_eq!(of("Vec<i64>"), "list[int]");
        assert_eq!(of("HashMap<String, Vec<f64>>"), "dict[str, list[float]]");
        assert_eq!(of("HashSet<i32>"), "set[int]");
        assert_eq!(of("Option<i64>"), "int | None");
        assert_eq!(of("Option<Py<PyAny>>"), "t.Any");
        assert_eq!(of("(i64, String)"), "tuple[int, str]");
        assert_eq!(of("Py<PyAny>"), "t.Any");
        assert_eq!(of("Iter<i64>"), "t.Iterable[int]");
        assert_eq!(of("MyType"), "t.Any");
    }
}
