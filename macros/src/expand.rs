//! Code generation, from the model alone: it never calls CPython or
//! parses. The generated code names the runtime only by absolute path
//! (`::pyfn::__private::…`, `::core::…`) and its own locals with
//! mixed-site hygiene, so it cannot collide with the user's names.
//!
//! A function whose Python did not check is still emitted, as a stub with
//! the same signature (as tokio-macros and thiserror do), so that callers
//! see pyfn's errors and nothing else.

use std::ffi::CString;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::check::Checked;
use crate::model::{Default, Function, Module, ModuleFile, Package, ParamKind, Return};
use crate::python::Bytecode;
use crate::types::type_text;

/// A `py_fn!` item or `def`: the Rust function.
pub fn function(function: &Function, checked: Option<&Checked>) -> TokenStream {
    item(
        function,
        checked.map(|checked| (checked.text.as_str(), checked.bytecode.as_ref())),
        None,
    )
}

/// A closure expression; its errors go inside its block, where an
/// expression may hold them.
pub fn closure(function: &Function, checked: Option<&Checked>, errors: TokenStream) -> TokenStream {
    let inputs = &function.inputs;
    let ret = return_type(function);
    let Some(checked) = checked else {
        let (inputs, body) = stub(function);
        return quote! {{
            #errors
            move |#inputs| -> ::pyfn::Result<#ret> { #body }
        }};
    };
    let names = Names::new();
    let (cell, py, instance) = (&names.cell, &names.py, &names.instance);
    let capture_names = checked.captures.iter().map(|capture| &capture.name);
    let spec = spec(
        function,
        &checked.text,
        checked.bytecode.as_ref(),
        Some(quote!(&[#(#capture_names),*])),
        None,
    );
    // Only the captured name carries the Python token's span: rustc's
    // "cannot find value" points there, and lints see the rest as the
    // macro's own code.
    let values = checked.captures.iter().enumerate().map(|(index, capture)| {
        let ident = &capture.ident;
        quote!(::pyfn::__private::Function::capture(#cell, #py, #index, &#ident)?)
    });
    let steps = call_steps(
        function,
        &names,
        quote!(::pyfn::__private::Instance::get(&#instance, #py)?),
    );
    let cell_static = cell_static(&spec);
    quote! {{
        #errors
        // Compiled once per process; each closure only creates a function
        // object over its own captured values.
        let #cell: &'static ::pyfn::__private::Function = #cell_static;
        let #instance = ::pyfn::__private::Instance::new(#cell, |#py| {
            ::core::result::Result::Ok([#(#values),*])
        });
        move |#inputs| -> ::pyfn::Result<#ret> {
            ::pyfn::__private::attach(#cell, |#py| { #steps })
        }
    }}
}

/// A `py_module!`: a Rust module holding the module's static and its
/// functions; every function a stub unless the whole module checked.
pub fn module(module: &Module, ok: bool) -> TokenStream {
    if let Some(package) = module.package.as_ref().filter(|_| ok) {
        return package_module(module, package);
    }
    // The module's static lives in a private module of its own, which no
    // parameter name can shadow (modules are in the type namespace).
    let private = Ident::new("__pyfn", Span::call_site());
    let cell = quote!(#private::MODULE);
    let code = module.code.as_ref().filter(|_| ok);
    let items = module
        .functions
        .iter()
        .map(|function| item(function, code.map(|_| ("", None)), Some(&cell)));
    let module_static = code.map(|code| {
        let (source, file) = match &code.file {
            // `include_str!` makes Cargo rebuild when the file changes.
            Some(ModuleFile {
                path,
                verbatim: true,
            }) => {
                let file = module_file(path);
                (quote!(::core::include_str!(#file)), quote!(#path))
            }
            // Not UTF-8 as it stands: the text CPython decodes, and the
            // bytes read only for Cargo to track the file.
            Some(ModuleFile {
                path,
                verbatim: false,
            }) => {
                let text = &code.python.text;
                let file = module_file(path);
                (
                    quote!({
                        const _: &[::core::primitive::u8] = ::core::include_bytes!(#file);
                        #text
                    }),
                    quote!(#path),
                )
            }
            None => {
                let text = &code.python.text;
                (quote!(#text), quote!(::core::file!()))
            }
        };
        let reload = match &code.file {
            Some(ModuleFile { path, .. }) if module.reload => reload(module, &[Some(path)], None),
            _ => quote!(::core::option::Option::None),
        };
        // What the dedent took from each line, given back at run time.
        let (first_line, columns) = code.python.lost_columns();
        // Compiled at build time, with the columns moved back if they are.
        let bytecode = bytecode(code.analysis.bytecode.as_ref());
        let columns = columns
            .iter()
            .map(|&column| u32::try_from(column).unwrap_or(u32::MAX));
        quote! {
            // Runs once per process, on the first call of a function.
            pub(super) static MODULE: ::pyfn::__private::Module =
                ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
                    source: #source,
                    file: #file,
                    module: ::core::module_path!(),
                    columns_from: #first_line,
                    columns: &[#(#columns),*],
                    bytecode: #bytecode,
                    package: ::core::option::Option::None,
                    reload: #reload,
                });
        }
    });
    rust_module(module, &private, quote!(#module_static), items)
}

/// The path `include_str!` reads a module's `.py` file from: the one the
/// build checked. A relative path is relative to the crate's `Cargo.toml`
/// (`include_str!` alone would take it relative to the `.rs` file); an
/// absolute one (or, on Windows, one from the drive's root) is the file
/// itself.
fn module_file(path: &str) -> TokenStream {
    let as_path = std::path::Path::new(path);
    if as_path.is_absolute() || as_path.has_root() {
        quote!(#path)
    } else {
        quote!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #path))
    }
}

/// A `py_module!` package: one static for the package (every file
/// embedded), one per module that declared functions come from.
fn package_module(module: &Module, package: &Package) -> TokenStream {
    let private = Ident::new("__pyfn", Span::call_site());
    let files = package.files.iter().map(|file| {
        let name = &file.module;
        let is_package = file.is_package;
        let code_file = &file.code_file;
        let source = match &file.file {
            // `include_str!` makes Cargo rebuild when the file changes.
            Some(ModuleFile {
                path,
                verbatim: true,
            }) => quote!(::core::include_str!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"),
                "/",
                #path
            ))),
            Some(ModuleFile {
                path,
                verbatim: false,
            }) => {
                let text = &file.python.text;
                quote!({
                    const _: &[::core::primitive::u8] = ::core::include_bytes!(
                        ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #path)
                    );
                    #text
                })
            }
            None => quote!(""),
        };
        let bytecode = bytecode(file.analysis.bytecode.as_ref());
        quote! {
            ::pyfn::__private::PackageFile {
                module: #name,
                is_package: #is_package,
                file: #code_file,
                source: #source,
                bytecode: #bytecode,
            }
        }
    });
    let name = &package.name;
    let reload = if module.reload {
        let paths: Vec<Option<&String>> = package
            .files
            .iter()
            .map(|file| file.file.as_ref().map(|file| &file.path))
            .collect();
        self::reload(module, &paths, Some(&package.function_modules))
    } else {
        quote!(::core::option::Option::None)
    };
    // One module static per package module a function comes from.
    let mut used: Vec<&str> = Vec::new();
    for dotted in &package.function_modules {
        if !used.contains(&dotted.as_str()) {
            used.push(dotted);
        }
    }
    let statics = used.iter().enumerate().map(|(index, dotted)| {
        let cell = format_ident!("MODULE_{}", index);
        quote! {
            pub(super) static #cell: ::pyfn::__private::Module =
                ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
                    source: "",
                    file: "",
                    module: #dotted,
                    columns_from: 0,
                    columns: &[],
                    bytecode: ::core::option::Option::None,
                    package: ::core::option::Option::Some((&PACKAGE, #dotted)),
                    reload: ::core::option::Option::None,
                });
        }
    });
    let items = module
        .functions
        .iter()
        .zip(&package.function_modules)
        .map(|(function, dotted)| {
            let index = used.iter().position(|used| used == dotted).unwrap_or(0);
            let cell = format_ident!("MODULE_{}", index);
            item(function, Some(("", None)), Some(&quote!(#private::#cell)))
        });
    let statics = quote! {
        // Every file of the package, imported through pyfn's finder.
        pub(super) static PACKAGE: ::pyfn::__private::Package =
            ::pyfn::__private::Package::new(::pyfn::__private::PackageSpec {
                name: #name,
                files: &[#(#files),*],
                reload: #reload,
            });
        #(#statics)*
    };
    rust_module(module, &private, statics, items)
}

/// The Rust module a `py_module!` becomes: its `items` (the declared
/// functions), and `statics` in a private module of their own.
fn rust_module(
    module: &Module,
    private: &Ident,
    statics: TokenStream,
    items: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    let ident = &module.ident;
    let attrs = &module.attrs;
    let vis = &module.vis;
    quote! {
        #(#attrs)*
        #vis mod #ident {
            // Types in the signatures are named as in the enclosing module.
            #[allow(unused_imports)]
            use super::*;
            mod #private {
                #statics
            }
            #(#items)*
        }
    }
}

/// `#[py(reload)]`: in a debug build of the user's crate, the files'
/// absolute paths at build time and the declared signatures; in a release
/// build `None`, so that nothing reads the files.
fn reload(module: &Module, paths: &[Option<&String>], modules: Option<&[String]>) -> TokenStream {
    let paths = paths.iter().map(|path| match path {
        Some(path) => module_file(path),
        None => quote!(""),
    });
    let functions = module
        .functions
        .iter()
        .enumerate()
        .map(|(index, function)| {
            let dotted = modules
                .and_then(|modules| modules.get(index))
                .map_or("", String::as_str);
            let name = &function.py_name;
            let params = function.params.iter().map(|param| &param.py_name);
            let optional = function.params.iter().map(|param| param.default.is_some());
            let kinds = function.params.iter().map(|param| match param.kind {
                ParamKind::Positional => "positional",
                ParamKind::Keyword => "keyword",
                ParamKind::VarArgs => "args",
                ParamKind::VarKwargs => "kwargs",
            });
            quote! {
                ::pyfn::__private::Declared {
                    module: #dotted,
                    name: #name,
                    params: &[#(#params),*],
                    optional: &[#(#optional),*],
                    kinds: &[#(#kinds),*],
                }
            }
        });
    quote! {
        if ::core::cfg!(debug_assertions) {
            ::core::option::Option::Some(&::pyfn::__private::Reload {
                paths: &[#(#paths),*],
                functions: &[#(#functions),*],
            })
        } else {
            ::core::option::Option::None
        }
    }
}

/// The Rust function; `code` (the source and its compiled code) is `None`
/// for a stub. With `namespace`, a function of that `py_module!` (taken
/// from its executed namespace).
fn item(
    function: &Function,
    code: Option<(&str, Option<&Bytecode>)>,
    namespace: Option<&TokenStream>,
) -> TokenStream {
    let attrs = &function.attrs;
    let vis = &function.vis;
    let ident = &function.ident;
    let inputs = &function.inputs;
    let generics = &function.generics;
    let where_clause = &generics.where_clause;
    let ret = return_type(function);
    let Some((source, bytecode)) = code else {
        let (inputs, body) = stub(function);
        return quote! {
            #(#attrs)*
            #vis fn #ident #generics (#inputs) -> ::pyfn::Result<#ret> #where_clause {
                #body
            }
        };
    };
    let names = Names::new();
    let spec = spec(function, source, bytecode, None, namespace);
    let cell = &names.cell;
    let py = &names.py;
    let steps = call_steps(
        function,
        &names,
        quote!(::pyfn::__private::Function::get(#cell, #py)?),
    );
    let run = match &function.py_token {
        // The caller holds the interpreter: no second attach.
        Some(token) => quote! {
            let #py = #token;
            #steps
        },
        None => quote!(::pyfn::__private::attach(#cell, move |#py| { #steps })),
    };
    let cell_static = cell_static(&spec);
    quote! {
        #(#attrs)*
        #vis fn #ident #generics (#inputs) -> ::pyfn::Result<#ret> #where_clause {
            // Built on the first call, once per process; see `Function::get`.
            let #cell: &'static ::pyfn::__private::Function = #cell_static;
            #run
        }
    }
}

/// The function's static, in a block of its own: no name the user wrote
/// (a parameter, a capture) is in its scope, so none can resolve to it.
fn cell_static(spec: &TokenStream) -> TokenStream {
    let name = Ident::new("FUNCTION", Span::mixed_site());
    quote! {{
        static #name: ::pyfn::__private::Function = ::pyfn::__private::Function::new(#spec);
        &#name
    }}
}

/// The generated code's own local names, hygienic (mixed-site).
struct Names {
    py: Ident,
    function: Ident,
    result: Ident,
    instance: Ident,
    cell: Ident,
    args: Ident,
}

impl Names {
    fn new() -> Self {
        let hygienic = |name: &str| Ident::new(name, Span::mixed_site());
        Names {
            py: hygienic("py"),
            function: hygienic("function"),
            result: hygienic("result"),
            instance: hygienic("instance"),
            cell: hygienic("cell"),
            args: hygienic("args"),
        }
    }
}

fn return_type(function: &Function) -> TokenStream {
    match function.ret.ty() {
        Some(ty) => ty.to_token_stream(),
        None => quote!(()),
    }
}

/// What a function whose Python did not check does: nothing, since the
/// build fails. It keeps the signature; a parameter written as a pattern,
/// `mut`, or twice gets a plain name of the macro's own (as written, it could add
/// warnings, and an `allow` would clash with a user's `forbid`), and the
/// body uses every parameter.
fn stub(function: &Function) -> (TokenStream, TokenStream) {
    let name = &function.py_name;
    let mut names = Vec::new();
    let mut inputs = Vec::new();
    for (index, arg) in function.inputs.iter().enumerate() {
        if let syn::FnArg::Typed(typed) = arg {
            let ident = match &*typed.pat {
                syn::Pat::Ident(pat)
                    if pat.by_ref.is_none()
                        && pat.mutability.is_none()
                        && pat.subpat.is_none()
                        && !names.contains(&pat.ident) =>
                {
                    pat.ident.clone()
                }
                _ => Ident::new(&format!("arg{index}"), Span::mixed_site()),
            };
            let attrs = &typed.attrs;
            let ty = &typed.ty;
            inputs.push(quote!(#(#attrs)* #ident: #ty));
            names.push(ident);
        }
    }
    let inputs = quote!(#(#inputs),*);
    let body = quote! {
        let _ = (#(#names,)*);
        ::core::result::Result::Err(::pyfn::__private::not_compiled(#name))
    };
    (inputs, body)
}

/// The `Spec` literal of a checked function.
fn spec(
    function: &Function,
    source: &str,
    bytecode: Option<&Bytecode>,
    captures: Option<TokenStream>,
    namespace: Option<&TokenStream>,
) -> TokenStream {
    let name = &function.py_name;
    // The source was checked to hold no NUL before it got here.
    let source = match CString::new(source) {
        Ok(source) => Literal::c_string(&source),
        Err(_) => Literal::c_string(c""),
    };
    let param_names = function.params.iter().map(|p| &p.py_name);
    let param_types = function.params.iter().map(|p| type_text(&p.ty));
    let return_type = function.ret.ty().map_or_else(|| "()".to_owned(), type_text);
    let defaults = function
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Positional)
        .filter_map(|p| match &p.default {
            Some(Default::Expr { text, .. }) => Some(text),
            Some(Default::InFunction) | None => None,
        });
    let keyword_defaults = function
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Keyword)
        .filter_map(|p| match &p.default {
            Some(Default::Expr { text, .. }) => {
                let name = &p.py_name;
                Some(quote!((#name, #text)))
            }
            Some(Default::InFunction) | None => None,
        });
    let namespace = match namespace {
        Some(module) => quote!(::core::option::Option::Some(&#module)),
        None => quote!(::core::option::Option::None),
    };
    let captures = match captures {
        Some(captures) => quote!(::core::option::Option::Some(#captures)),
        None => quote!(::core::option::Option::None),
    };
    let bytecode = self::bytecode(bytecode);
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
            keyword_defaults: &[#(#keyword_defaults),*],
            captures: #captures,
            namespace: #namespace,
            bytecode: #bytecode,
        }
    }
}

/// The `Option<Bytecode>` literal of code compiled at build time: the
/// program loads it instead of compiling the source, when its CPython has
/// the same magic number and the bytes their checksum.
fn bytecode(bytecode: Option<&Bytecode>) -> TokenStream {
    let Some(bytecode) = bytecode else {
        return quote!(::core::option::Option::None);
    };
    let magic = Literal::u32_suffixed(bytecode.magic);
    let file = &bytecode.file;
    let marshal = Literal::byte_string(&bytecode.marshal);
    let checksum = Literal::u64_suffixed(pyfn_common::checksum(&bytecode.marshal));
    quote! {
        ::core::option::Option::Some(::pyfn::__private::Bytecode {
            magic: #magic,
            file: #file,
            marshal: #marshal,
            checksum: #checksum,
        })
    }
}

/// Converting the arguments, the call, converting the result; `function`
/// is an expression giving the function object.
fn call_steps(function: &Function, names: &Names, object: TokenStream) -> TokenStream {
    let Names {
        py,
        function: function_ident,
        result,
        cell,
        args,
        ..
    } = names;
    let convert = match &function.ret {
        Return::Unit => quote! {
            ::core::mem::drop(#result);
            ::core::result::Result::Ok(())
        },
        Return::Iter { ty, item } => {
            let item_text = type_text(item);
            quote_spanned!(ty.span()=> ::pyfn::__private::Function::iter::<#item>(#cell, #result, #item_text))
        }
        Return::Value(ty) => {
            quote_spanned!(ty.span()=> ::pyfn::__private::Function::ret::<#ty>(#cell, #result))
        }
    };
    let plain = |param: &crate::model::Param| {
        param.default.is_none() && param.kind == ParamKind::Positional
    };
    if function.params.iter().all(plain) {
        // The fast path: positional arguments on the stack.
        let values = function.params.iter().enumerate().map(|(index, param)| {
            let ident = &param.ident;
            quote_spanned!(param.ty.span()=> ::pyfn::__private::Function::arg(#cell, #py, #index, #ident)?)
        });
        return quote! {
            let #function_ident = #object;
            let #result = ::pyfn::__private::Function::call(#cell, #function_ident, [#(#values),*])?;
            #convert
        };
    }
    // With defaults: a `None` leaves its parameter to the default; a later
    // positional `Some` then goes by keyword. Keyword-only parameters and
    // `**kwargs` go by keyword, `*args` items by position.
    let pushes = function.params.iter().enumerate().map(|(index, param)| {
        let ident = &param.ident;
        let method = match (param.kind, param.default.is_some()) {
            (ParamKind::Positional, true) => quote!(push_default),
            (ParamKind::Positional, false) => quote!(push_arg),
            (ParamKind::Keyword, true) => quote!(push_keyword_default),
            (ParamKind::Keyword, false) => quote!(push_keyword),
            (ParamKind::VarArgs, _) => quote!(push_varargs),
            (ParamKind::VarKwargs, _) => quote!(push_varkwargs),
        };
        quote_spanned!(param.ty.span()=> ::pyfn::__private::Function::#method(#cell, #py, &mut #args, #index, #ident)?;)
    });
    let count = function.params.len();
    quote! {
        let #function_ident = #object;
        let mut #args = ::pyfn::__private::Args::with_capacity(#count);
        #(#pushes)*
        let #result = ::pyfn::__private::Function::call_args(#cell, #function_ident, #args)?;
        #convert
    }
}
