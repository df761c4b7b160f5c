//! Parsing the macros' input: syn only. Each form parses to its own syntax
//! tree; `lower` turns all of them into the one model.
//!
//! Parsing recovers where it can: an item whose signature parsed is kept
//! even when what follows is wrong, so that it is still emitted (as a stub)
//! and callers see only pyfn's error, not "cannot find function".

use proc_macro2::{Delimiter, Group, LineColumn, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, LitStr, Pat, ReturnType, Signature, Token, Type};

use crate::errors::Errors;

/// Deeper nesting than this is refused before anything else reads the
/// input: CPython's tokenizer allows 200 nested brackets, and every later
/// step (syn's parser among them) may recurse per level.
pub const MAX_DEPTH: usize = 256;

/// `py_fn!`'s input.
pub enum FnInput {
    /// One or more `fn` items.
    Items(Vec<ItemFn>),
    /// `|x: i64| -> i64 { … }`: an expression.
    Closure(Box<ItemFn>),
    /// One or more `def name(x: int) -> int: …`.
    Defs(Vec<DefItem>),
    /// A closure that did not parse: its errors must still form an
    /// expression.
    BrokenClosure,
}

/// A `fn` item, or a closure as the signature of its function.
pub struct ItemFn {
    /// Attributes passed through to the generated function.
    pub attrs: Vec<Attribute>,
    /// The `#[py(...)]` attributes, which are pyfn's.
    pub py_attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub sig: Signature,
    /// `None` after an error (a missing body): the item becomes a stub.
    pub body: Option<Body>,
}

/// The Python body of a `fn` item or closure.
pub enum Body {
    /// Python written as Rust tokens inside the braces.
    Tokens(Group),
    /// One string literal holding the body.
    Str(LitStr),
}

/// A `def` item: Python's own syntax, typed by its annotations.
pub struct DefItem {
    pub attrs: Vec<Attribute>,
    pub py_attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    /// The function's name, after `def`.
    pub name: Ident,
    /// From `def` to the end of the item.
    pub tokens: TokenStream,
    /// With `pub def` or `#[attr] def` on one line: the column of the first
    /// of them, where `def` counts as standing for the block structure.
    pub first_column: Option<usize>,
    /// The first token of the next item, if any: where this one's text
    /// ends.
    pub next: Option<Span>,
}

/// `py_module!`'s input: `#[attrs] vis mod name { source | file; items }`.
pub struct ModuleInput {
    pub attrs: Vec<Attribute>,
    pub py_attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub ident: Ident,
    /// `None` after an error: the module is emitted with stubs.
    pub source: Option<ModuleSource>,
    pub items: Vec<ModuleItem>,
    /// For each item, the package module it comes from,
    /// `#[py(module = "util")]` (a `package` only; `None`: the package's
    /// `__init__`).
    pub submodules: Vec<Option<LitStr>>,
    /// `#[py(reload)]` on the module: hot reload in debug builds.
    pub reload: Option<Span>,
}

pub enum ModuleSource {
    /// `source = r#"…"#;`
    Inline(LitStr),
    /// `file = "….py";`
    File(LitStr),
    /// `package = "dir";`: a directory of `.py` files.
    Package(LitStr),
}

/// A function the module exposes.
pub enum ModuleItem {
    /// `vis fn name(params) -> Ret;`
    Fn(Box<ItemFn>),
    /// `vis def name;`: typed by its annotations.
    Def(DeclaredDef),
}

pub struct DeclaredDef {
    pub attrs: Vec<Attribute>,
    pub py_attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub name: Ident,
}

/// Outer attributes, split into pyfn's own `#[py(...)]` and the others.
fn parse_attrs(input: ParseStream) -> syn::Result<(Vec<Attribute>, Vec<Attribute>)> {
    Ok(input
        .call(Attribute::parse_outer)?
        .into_iter()
        .partition(|attr| attr.path().is_ident("py")))
}

/// Refuses input nested deeper than [`MAX_DEPTH`], walking it with an
/// explicit stack.
pub fn check_depth(input: &TokenStream) -> syn::Result<()> {
    let mut stack = vec![input.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(group)) => {
                if stack.len() > MAX_DEPTH {
                    return Err(syn::Error::new(
                        group.span_open(),
                        format!(
                            "brackets nested more than {MAX_DEPTH} deep: pyfn does not read input this deep (CPython's parser allows 200 levels)"
                        ),
                    ));
                }
                stack.push(group.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Parses `py_fn!`'s input. Items parsed before an error are returned with
/// it, to be emitted as stubs.
pub fn fn_input(input: TokenStream, errors: &mut Errors) -> Option<FnInput> {
    let closure = match input.clone().into_iter().next() {
        Some(TokenTree::Punct(punct)) => punct.as_char() == '|',
        Some(TokenTree::Ident(ident)) => ident == "move",
        _ => false,
    };
    let parser = |input: ParseStream| -> syn::Result<Option<FnInput>> {
        if input.is_empty() {
            errors.push(syn::Error::new(
                Span::call_site(),
                "`py_fn!` needs at least one function, as in `py_fn! { fn add(a: i64, b: i64) -> i64 { return a + b } }`",
            ));
            return Ok(None);
        }
        if starts_def(input) {
            return Ok(Some(FnInput::Defs(parse_defs(input, errors))));
        }
        // `#[py(…)]` options before a closure (`#[py(typecheck)] |x| …`).
        let mut closure_options = Vec::new();
        if input.peek(Token![#]) {
            let fork = input.fork();
            if let Ok((py_attrs, attrs)) = parse_attrs(&fork)
                && attrs.is_empty()
                && (fork.peek(Token![|]) || fork.peek(Token![||]) || fork.peek(Token![move]))
            {
                syn::parse::discouraged::Speculative::advance_to(input, &fork);
                closure_options = py_attrs;
            }
        }
        if input.peek(Token![|]) || input.peek(Token![||]) || input.peek(Token![move]) {
            match parse_closure(input) {
                Ok(mut closure) => {
                    closure.py_attrs = closure_options;
                    if !input.is_empty() {
                        errors.push(input.error("unexpected tokens after the closure's body"));
                        let _: TokenStream = input.parse()?;
                    }
                    return Ok(Some(FnInput::Closure(Box::new(closure))));
                }
                Err(err) => {
                    errors.push(err);
                    let _: TokenStream = input.parse()?;
                    return Ok(Some(FnInput::BrokenClosure));
                }
            }
        }
        let mut items = Vec::new();
        while !input.is_empty() {
            match parse_item(input, errors) {
                Ok(item) => items.push(item),
                Err(err) => {
                    errors.push(err);
                    let _: TokenStream = input.parse()?;
                }
            }
        }
        Ok(Some(FnInput::Items(items)))
    };
    match parser.parse2(input) {
        Ok(parsed) => parsed,
        Err(err) => {
            errors.push(err);
            closure.then_some(FnInput::BrokenClosure)
        }
    }
}

/// One `fn` item. A missing body is an error, and the item is kept.
fn parse_item(input: ParseStream, errors: &mut Errors) -> syn::Result<ItemFn> {
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
        Some(body_of(group))
    } else if input.peek(Token![;]) {
        let semi: Token![;] = input.parse()?;
        errors.push(syn::Error::new(
            semi.span,
            "missing body: write the Python body in braces, `{ return … }`, or as a string, `{r#\"…\"#}`",
        ));
        None
    } else if input.is_empty() {
        errors.push(syn::Error::new(
            signature_end(&sig),
            "missing body: write the Python body in braces after the signature, `{ return … }`",
        ));
        None
    } else {
        errors.push(input.error("expected the Python body in braces, `{ … }`"));
        let _: TokenStream = input.parse()?;
        None
    };
    Ok(ItemFn {
        attrs,
        py_attrs,
        vis,
        sig,
        body,
    })
}

/// `move? |name: Type, …| (-> Type)? { body }`, as the signature of a
/// function named `closure_name`.
fn parse_closure(input: ParseStream) -> syn::Result<ItemFn> {
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
        ident: Ident::new(pyfn_common::CLOSURE_NAME, start),
        generics: syn::Generics::default(),
        paren_token: syn::token::Paren(start),
        inputs,
        variadic: None,
        output,
    };
    Ok(ItemFn {
        attrs: Vec::new(),
        py_attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig,
        body: Some(body_of(group)),
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
pub fn body_of(group: Group) -> Body {
    let mut tokens = group.stream().into_iter();
    if let (Some(TokenTree::Literal(literal)), None) = (tokens.next(), tokens.next())
        && let Ok(lit) = syn::parse2::<LitStr>(TokenTree::Literal(literal).into())
    {
        return Body::Str(lit);
    }
    Body::Tokens(group)
}

/// Whether `input` (after attributes and visibility) is a `def`.
fn starts_def(input: ParseStream) -> bool {
    let fork = input.fork();
    let _ = fork.call(Attribute::parse_outer);
    let _ = fork.parse::<syn::Visibility>();
    fork.cursor()
        .ident()
        .is_some_and(|(ident, _)| ident == "def")
}

/// Every `def` item of the input. An item ends where a line starts at or
/// left of its own first column: the next item, as Python's indentation
/// would end the function.
fn parse_defs(input: ParseStream, errors: &mut Errors) -> Vec<DefItem> {
    let mut items = Vec::new();
    while !input.is_empty() {
        match parse_def(input) {
            Ok(mut item) => {
                item.next = (!input.is_empty()).then(|| input.cursor().span());
                items.push(item);
            }
            Err(err) => {
                errors.push(err);
                let _ = input.parse::<TokenStream>();
                break;
            }
        }
    }
    items
}

fn parse_def(input: ParseStream) -> syn::Result<DefItem> {
    let start = input.span().start();
    let (py_attrs, attrs) = parse_attrs(input)?;
    let vis_start = input.span().start();
    let vis: syn::Visibility = input.parse()?;
    let item_column = start.column;
    if input
        .cursor()
        .ident()
        .is_none_or(|(ident, _)| ident != "def")
    {
        return Err(input.error("expected `def`: this `py_fn!` holds `def` items"));
    }
    let mut tokens = TokenStream::new();
    let mut last_line = vis_start.line;
    let mut first = true;
    while !input.is_empty() {
        let next = input.cursor().span().start();
        if !first && next.line > last_line && next.column <= item_column {
            break;
        }
        first = false;
        let token: TokenTree = input.parse()?;
        last_line = end_line(&token);
        tokens.extend([token]);
    }
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
    let def_start = tokens
        .clone()
        .into_iter()
        .next()
        .map(|token| token.span().start());
    // The first of the attributes and `pub` written on the `def`'s own
    // line (`#[py(typecheck)] def f():`) is where the item's block starts.
    let first_column = def_start.and_then(|def| {
        let vis_column = (!matches!(vis, syn::Visibility::Inherited)).then_some(vis_start);
        py_attrs
            .iter()
            .chain(&attrs)
            .map(|attr| attr.pound_token.span.start())
            .chain(vis_column)
            .filter(|at| at.line == def.line)
            .map(|at| at.column)
            .min()
    });
    Ok(DefItem {
        attrs,
        py_attrs,
        vis,
        name,
        tokens,
        first_column,
        next: None,
    })
}

fn end_line(token: &TokenTree) -> usize {
    let end: LineColumn = match token {
        TokenTree::Group(group) => group.span_close().end(),
        other => other.span().end(),
    };
    end.line
}

/// Parses `py_module!`'s input.
pub fn module_input(input: TokenStream, errors: &mut Errors) -> Option<ModuleInput> {
    let parser = |input: ParseStream| -> syn::Result<ModuleInput> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`py_module!` needs a module: `py_module! { mod name { file = \"name.py\"; fn f(x: i64) -> i64; } }`",
            ));
        }
        let (py_attrs, attrs) = parse_attrs(input)?;
        let (reload, py_attrs) = take_reload(py_attrs);
        let vis: syn::Visibility = input.parse()?;
        let _: Token![mod] = input.parse()?;
        let ident: Ident = input.parse()?;
        let content;
        let braces = syn::braced!(content in input);
        let mut module = ModuleInput {
            attrs,
            py_attrs,
            vis,
            ident,
            source: None,
            items: Vec::new(),
            submodules: Vec::new(),
            reload,
        };
        let mut sources = 0;
        while !content.is_empty() {
            if let Err(err) = parse_module_entry(&content, &mut module, &mut sources, errors) {
                errors.push(err);
                let _: TokenStream = content.parse()?;
            }
        }
        if sources == 0 {
            errors.push(syn::Error::new(
                braces.span.join(),
                "the module needs its Python: `source = r#\"…\"#;`, `file = \"….py\";` or `package = \"dir\";`",
            ));
        }
        if !input.is_empty() {
            errors.push(input.error("`py_module!` holds one module"));
            let _: TokenStream = input.parse()?;
        }
        Ok(module)
    };
    match parser.parse2(input) {
        Ok(module) => Some(module),
        Err(err) => {
            errors.push(err);
            None
        }
    }
}

fn parse_module_entry(
    content: ParseStream,
    module: &mut ModuleInput,
    sources: &mut usize,
    errors: &mut Errors,
) -> syn::Result<()> {
    if content.peek(Ident) && content.peek2(Token![=]) {
        let key: Ident = content.parse()?;
        let _: Token![=] = content.parse()?;
        let value: LitStr = content.parse()?;
        let _: Token![;] = content.parse()?;
        let parsed = if key == "source" {
            ModuleSource::Inline(value)
        } else if key == "file" {
            ModuleSource::File(value)
        } else if key == "package" {
            ModuleSource::Package(value)
        } else {
            return Err(syn::Error::new(
                key.span(),
                "expected `source = \"…\";` (the Python inline), `file = \"….py\";` or `package = \"dir\";` (relative to the crate's Cargo.toml)",
            ));
        };
        *sources += 1;
        if *sources > 1 {
            errors.push(syn::Error::new(
                key.span(),
                "the module has one source: `source`, `file` or `package`, once",
            ));
            module.source = None;
        } else {
            module.source = Some(parsed);
        }
        return Ok(());
    }
    if starts_def(content) {
        let (py_attrs, attrs) = parse_attrs(content)?;
        let (submodule, py_attrs) = take_submodule(py_attrs, errors);
        let vis: syn::Visibility = content.parse()?;
        let _def: Ident = content.parse()?;
        let name: Ident = content.parse()?;
        if !content.peek(Token![;]) {
            return Err(content.error(
                "a `def` in `py_module!` is only its name, `def name;`: its signature comes from the annotations",
            ));
        }
        let _: Token![;] = content.parse()?;
        module.submodules.push(submodule);
        module.items.push(ModuleItem::Def(DeclaredDef {
            attrs,
            py_attrs,
            vis,
            name,
        }));
        return Ok(());
    }
    let (py_attrs, attrs) = parse_attrs(content)?;
    let (submodule, py_attrs) = take_submodule(py_attrs, errors);
    let vis: syn::Visibility = content.parse()?;
    let sig: Signature = content.parse()?;
    if content.peek(syn::token::Brace) {
        errors.push(content.error(
            "a `py_module!` function is declared without a body: its body is the `def` in the module's Python",
        ));
        let _: Group = content.parse()?;
        if content.peek(Token![;]) {
            let _: Token![;] = content.parse()?;
        }
    } else {
        let _: Token![;] = content.parse()?;
    }
    module.submodules.push(submodule);
    module.items.push(ModuleItem::Fn(Box::new(ItemFn {
        attrs,
        py_attrs,
        vis,
        sig,
        body: None,
    })));
    Ok(())
}

/// Splits `#[py(module = "name")]` (which package module a declared
/// function comes from) off the other `#[py(...)]` attributes.
fn take_submodule(attrs: Vec<Attribute>, errors: &mut Errors) -> (Option<LitStr>, Vec<Attribute>) {
    let mut found = None;
    let mut rest = Vec::new();
    for attr in attrs {
        let mut value = None;
        let is_module = attr
            .parse_nested_meta(|meta| {
                if meta.path.is_ident("module") {
                    value = Some(meta.value()?.parse::<LitStr>()?);
                    Ok(())
                } else {
                    Err(meta.error("not `module`"))
                }
            })
            .is_ok();
        match value {
            Some(value) if is_module => {
                if found.is_some() {
                    errors.push(syn::Error::new(
                        value.span(),
                        "a function comes from one package module: one `#[py(module = \"…\")]`",
                    ));
                }
                found = Some(value);
            }
            _ => rest.push(attr),
        }
    }
    (found, rest)
}

/// Splits `#[py(reload)]` off a module's `#[py(...)]` attributes.
fn take_reload(attrs: Vec<Attribute>) -> (Option<Span>, Vec<Attribute>) {
    let mut found = None;
    let mut rest = Vec::new();
    for attr in attrs {
        let mut at = None;
        let is_reload = attr
            .parse_nested_meta(|meta| {
                if meta.path.is_ident("reload") && meta.input.is_empty() {
                    at = Some(meta.path.span());
                    Ok(())
                } else {
                    Err(meta.error("not `reload`"))
                }
            })
            .is_ok();
        if let (true, Some(at)) = (is_reload, at) {
            found = Some(at);
        } else {
            rest.push(attr);
        }
    }
    (found, rest)
}

/// Whether a group is delimited (not an invisible group from another macro).
pub fn delimiters(group: &Group) -> Option<(&'static str, &'static str)> {
    match group.delimiter() {
        Delimiter::Parenthesis => Some(("(", ")")),
        Delimiter::Brace => Some(("{", "}")),
        Delimiter::Bracket => Some(("[", "]")),
        Delimiter::None => None,
    }
}
