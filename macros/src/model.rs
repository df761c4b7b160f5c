//! The one model every input form lowers to. Checking with CPython and
//! code generation read only this.

use syn::{Attribute, FnArg, Ident, Token, Type};

use crate::python::{Analysis, FindingKind};
use crate::render::PySource;
use crate::types::{self, ReturnKind};

/// A Python function called from Rust.
pub struct Function {
    /// Attributes passed through to the generated function.
    pub attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    /// The Rust name (a closure's is internal).
    pub ident: Ident,
    /// Declared lifetimes, and those the types use without declaring them.
    pub generics: syn::Generics,
    /// The parameters as the generated Rust function declares them: as
    /// written, less pyfn's own `#[py(...)]` attributes.
    pub inputs: syn::punctuated::Punctuated<FnArg, Token![,]>,
    /// The Python name of the function.
    pub py_name: String,
    /// The `py: Python<'py>` parameter, when the caller holds the interpreter.
    pub py_token: Option<Ident>,
    /// The parameters passed to Python, in order.
    pub params: Vec<Param>,
    pub ret: Return,
    pub options: Options,
    pub code: Code,
}

impl Function {
    /// `def name(a, b=None):` for a function whose `def` line is made from
    /// the Rust signature. Defaults are not part of the code object: the
    /// line only marks them; the runtime evaluates them into `argdefs`.
    /// With `typing` (the name `typing` is bound to in the checked text),
    /// every parameter and the result are annotated with their Rust types'
    /// Python annotations, quoted (`def f(a: "int") -> "str":`), for the
    /// type checker; a `()` result is left unannotated (Rust drops it).
    pub fn def_line(&self, typing: Option<&str>) -> String {
        let mut params: Vec<String> = Vec::new();
        let star = self.params.iter().any(|p| p.kind == ParamKind::VarArgs);
        let mut keywords_started = false;
        for p in &self.params {
            if p.kind == ParamKind::Keyword && !star && !keywords_started {
                // Keyword-only parameters follow a bare `*`.
                params.push("*".to_owned());
                keywords_started = true;
            }
            let (prefix, ty) = match p.kind {
                ParamKind::VarArgs => ("*", types::sequence_item(&p.ty)),
                ParamKind::VarKwargs => ("**", types::map_value(&p.ty)),
                _ => ("", Some(&p.ty)),
            };
            // A Rust `None` leaves the argument to the Python default:
            // the type checker sees `T` and that default (on one line),
            // else `T | None` and `None`.
            let (ty, default) = match (&p.default, typing) {
                (Some(Default::Expr { text }), Some(_))
                    if !text.contains(['\n', '\r']) && text.trim() != "None" =>
                {
                    match types::option_item(&p.ty) {
                        Some(item) => (Some(item), text.trim()),
                        None => (ty, "None"),
                    }
                }
                (Some(_), _) => (ty, "None"),
                (None, _) => (ty, ""),
            };
            let annotation = match (typing, ty) {
                (Some(typing), Some(ty)) => {
                    format!(": \"{}\"", types::annotation(ty, typing))
                }
                _ => String::new(),
            };
            if default.is_empty() {
                params.push(format!("{prefix}{}{annotation}", p.py_name));
            } else {
                params.push(format!("{prefix}{}{annotation}={default}", p.py_name));
            }
        }
        let ret = typing
            .and_then(|typing| self.return_annotation(typing))
            .map(|ret| format!(" -> \"{ret}\""))
            .unwrap_or_default();
        format!("def {}({}){ret}:", self.py_name, params.join(", "))
    }

    /// The Python annotation of the result, unquoted (`None` for a `()`
    /// result, which Rust drops); `typing` is the name `typing` is bound to.
    pub fn return_annotation(&self, typing: &str) -> Option<String> {
        match &self.ret {
            Return::Unit => None,
            Return::Value(ty) => Some(types::annotation(ty, typing)),
            Return::Iter { item, .. } => Some(format!(
                "{typing}.Iterable[{}]",
                types::annotation(item, typing)
            )),
        }
    }
}

/// What the Rust return type is.
pub enum Return {
    /// `()` (written or not): the result is dropped.
    Unit,
    /// A value converted with `FromPyObject`.
    Value(Box<Type>),
    /// `Iter<T>`: a generator driven from Rust.
    Iter { ty: Box<Type>, item: Box<Type> },
}

impl Return {
    pub fn ty(&self) -> Option<&Type> {
        match self {
            Return::Unit => None,
            Return::Value(ty) => Some(ty),
            Return::Iter { ty, .. } => Some(ty),
        }
    }

    pub fn kind(&self) -> ReturnKind {
        match self {
            Return::Unit => ReturnKind::Unit,
            Return::Iter { .. } => ReturnKind::Object,
            Return::Value(ty) => ReturnKind::of(ty),
        }
    }
}

/// One parameter passed to Python.
pub struct Param {
    pub ident: Ident,
    pub py_name: String,
    pub ty: Type,
    /// The parameter has a Python default: a Rust `None` leaves the
    /// argument out, so that the default applies.
    pub default: Option<Default>,
    /// How the argument is passed.
    pub kind: ParamKind,
}

/// How a parameter's argument is passed to Python.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// By position (or by name, after a left-out default).
    Positional,
    /// By name always (`#[py(keyword)]`; after `*` in a `def`).
    Keyword,
    /// `*args`: each item of the Rust sequence, by position
    /// (`#[py(args)]`).
    VarArgs,
    /// `**kwargs`: each entry of the Rust map, by name (`#[py(kwargs)]`).
    VarKwargs,
}

/// Where a parameter's Python default comes from. In every form it means
/// the same: `None` from Rust leaves the argument to it.
pub enum Default {
    /// A Python expression, evaluated once into the function's `argdefs`
    /// (`#[py(default = "…")]`, or a `def`-form parameter's `= …`).
    Expr { text: String },
    /// Held by the function object itself (a `py_module!` function).
    InFunction,
}

/// What `#[py(...)]` attributes ask for.
#[derive(Default, Clone)]
pub struct Options {
    /// `#[py(allow(check, …))]` (and `#[py(allow_missing_imports)]`, the
    /// same as `allow(missing_import)`): checks turned off.
    pub allowed: Vec<FindingKind>,
    /// `#[py(typecheck)]` (`Some(true)`) or `#[py(typecheck = false)]`
    /// (`Some(false)`); `None`: as the `typecheck` feature says
    /// ([`crate::typecheck::by_feature`]).
    pub typecheck: Option<bool>,
}

impl Options {
    pub fn allows(&self, kind: FindingKind) -> bool {
        self.allowed.contains(&kind)
    }
}

/// Where a function's code comes from.
pub enum Code {
    /// Its own source: a `fn` body under a `def` made from the Rust
    /// signature, or a whole `def` written in Python's syntax.
    Source(PySource),
    /// A closure's body, under an outer function whose parameters become
    /// the captured names (see [`crate::check`]).
    Closure(PySource),
    /// A member of its `py_module!`'s executed namespace.
    Member,
    /// Nothing to run: the function had errors and is emitted as a stub
    /// that keeps its signature.
    Stub,
}

/// A `py_module!`: its Python, and the functions Rust calls.
pub struct Module {
    pub attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub ident: Ident,
    pub options: Options,
    /// `None` after an error: the functions are stubs.
    pub code: Option<ModuleCode>,
    /// Code [`Code::Member`] (or [`Code::Stub`]), each.
    pub functions: Vec<Function>,
    /// A `package`: its files (then `code` is `None`), and for each of
    /// `functions` the dotted name of the module it comes from.
    pub package: Option<Package>,
    /// `#[py(reload)]`: in debug builds, a changed file runs again.
    pub reload: bool,
}

/// A `py_module!` package: a directory of `.py` files.
pub struct Package {
    /// The package's import name: the directory's last component.
    pub name: String,
    /// Every module of the package, the top-level `__init__` first.
    pub files: Vec<PackageFile>,
    /// For each function of the module, its module's dotted name.
    pub function_modules: Vec<String>,
}

/// One module of a package.
pub struct PackageFile {
    /// Dotted (`pkg.util`; `pkg` for the top-level `__init__`).
    pub module: String,
    /// An `__init__.py` (or a directory without one).
    pub is_package: bool,
    /// The file, relative to `Cargo.toml`; `None` for a directory without
    /// `__init__.py` (an empty module).
    pub file: Option<ModuleFile>,
    /// The name its code is compiled with (`__file__`).
    pub code_file: String,
    pub python: PySource,
    /// What CPython found in it (default, with no code, when CPython
    /// rejects a module the package never imports: it is compiled when it
    /// is imported, and fails then, as in Python).
    pub analysis: Analysis,
    /// Importing the declared functions' modules imports it, where no
    /// condition decides: its findings are reported. Another module is
    /// embedded, not judged.
    pub reached: bool,
}

/// A module's `.py` file.
pub struct ModuleFile {
    /// Relative to `Cargo.toml`, or absolute.
    pub path: String,
    /// The file's bytes are exactly its text in UTF-8 (no byte order mark,
    /// no other encoding): embedded with `include_str!`. Otherwise the text
    /// CPython decodes is embedded, and the file is read with
    /// `include_bytes!` only so that Cargo rebuilds when it changes.
    pub verbatim: bool,
}

/// A module's Python, and what CPython found in it.
pub struct ModuleCode {
    pub python: PySource,
    /// A `.py` file, rather than inline source.
    pub file: Option<ModuleFile>,
    pub analysis: Analysis,
}
