//! What the macros know about each Python function and module, fixed at
//! build time: the data generated code builds in `const` context.

use std::ffi::CStr;

use crate::function::Module;
use crate::package::Package;
use crate::reload::Reload;

/// What the macro knows about one Python function, fixed at build time.
#[doc(hidden)]
#[derive(Debug)]
pub struct Spec {
    /// The Python name of the function (`def name(...)`).
    pub name: &'static str,
    /// The whole module source: blank lines, then `def name(...):` and the
    /// body, so that Python's line numbers are the `.rs` file's.
    pub source: &'static CStr,
    /// `file!()` of the invocation; becomes `co_filename`.
    pub file: &'static str,
    /// `module_path!()` of the invocation; becomes `__name__`.
    pub module: &'static str,
    /// Parameter names, in order, as written in Rust.
    pub params: &'static [&'static str],
    /// Parameter types, as written in Rust.
    pub param_types: &'static [&'static str],
    /// The return type, as written in Rust.
    pub return_type: &'static str,
    /// Python expressions of the defaults of the last parameters, evaluated
    /// once in the function's globals when it is built (`argdefs`).
    pub defaults: &'static [&'static str],
    /// Keyword-only parameters' names and the Python expressions of their
    /// defaults, evaluated once with `defaults` (`__kwdefaults__`).
    pub keyword_defaults: &'static [(&'static str, &'static str)],
    /// For a closure, the captured names: the parameters of the outer
    /// function the source defines around `name`, whose cells the closure
    /// gets. `None` for a plain function.
    pub captures: Option<&'static [&'static str]>,
    /// For a function of a `py_module!`: the module, whose executed
    /// namespace holds the function object.
    pub namespace: Option<&'static Module>,
    /// `source` compiled at build time; `None`: compiled at run time.
    pub bytecode: Option<Bytecode>,
}

/// What the macro knows about a `py_module!` source.
#[doc(hidden)]
#[derive(Debug)]
pub struct ModuleSpec {
    /// The module source, as compiled at build time (an inline source is
    /// padded so that its line numbers are the `.rs` file's).
    pub source: &'static str,
    /// The file named in tracebacks: the `.py` file, or the `.rs` file.
    pub file: &'static str,
    /// `module_path!()` where the module's static is: inside the private
    /// module of the `py_module!`'s Rust module (`crate::colors::__pyfn`).
    /// [`ModuleSpec::name`] is its `__name__`.
    pub module: &'static str,
    /// The line of `columns[0]`.
    pub columns_from: usize,
    /// For an inline source whose lines are the `.rs` file's: for each of
    /// its lines, the UTF-8 bytes the dedent took from its start. The
    /// compiled code's columns get them back, so that they are the `.rs`
    /// file's, as its line numbers are. Empty for a `.py` file.
    pub columns: &'static [u32],
    /// `source` compiled at build time (at the `.rs` columns, for an
    /// inline source); `None`: compiled at run time.
    pub bytecode: Option<Bytecode>,
    /// For a module of a `package`: the package, and the module's dotted
    /// name, imported through the package's finder (`source`, `file` and
    /// `bytecode` are then unused).
    pub package: Option<(&'static Package, &'static str)>,
    /// `#[py(reload)]` of a `file =` module, in a debug build.
    pub reload: Option<&'static Reload>,
}

impl ModuleSpec {
    /// `__name__` of the module's namespace: the path of the Rust module
    /// the `py_module!` makes (`crate::colors`), as a `py_fn!` function's
    /// is the `module_path!()` it is in.
    pub(crate) fn name(&self) -> &'static str {
        self.module.strip_suffix("::__pyfn").unwrap_or(self.module)
    }
}

/// What the macro knows about a `py_module!` package.
#[doc(hidden)]
#[derive(Debug)]
pub struct PackageSpec {
    /// The package's import name.
    pub name: &'static str,
    /// Every module of the package.
    pub files: &'static [PackageFile],
    /// `#[py(reload)]`, in a debug build.
    pub reload: Option<&'static Reload>,
}

/// One module of a package.
#[doc(hidden)]
#[derive(Debug)]
pub struct PackageFile {
    /// Its dotted name (`pkg.util`; `pkg` for the `__init__`).
    pub module: &'static str,
    /// An `__init__.py` (or a directory without one): a package.
    pub is_package: bool,
    /// `__file__` and the code's file name: the path relative to
    /// `Cargo.toml`.
    pub file: &'static str,
    /// The decoded source.
    pub source: &'static str,
    /// `source` compiled at build time; `None`: compiled at run time.
    pub bytecode: Option<Bytecode>,
}

/// A module's code object, compiled from the source by the macro's CPython
/// (the build interpreter) and marshalled. The program loads it instead of
/// compiling the source only when it is the same code its own `compile()`
/// would give: its CPython has the same magic number (the bytecode
/// version), compiles at the same optimisation level
/// ([`pyfn_common::BYTECODE_OPTIMIZE`]), the file name is the one the
/// program gives the source, and the bytes still have their checksum.
/// Otherwise it compiles the source, as it would without this.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Bytecode {
    /// `importlib.util.MAGIC_NUMBER` of the CPython that compiled it, read
    /// as a little-endian number (what `PyImport_GetMagicNumber` returns).
    pub magic: u32,
    /// The file name it was compiled with (its `co_filename`).
    pub file: &'static str,
    /// `marshal.dumps` of the module's code object.
    pub marshal: &'static [u8],
    /// [`pyfn_common::checksum`] of `marshal`.
    pub checksum: u64,
}
