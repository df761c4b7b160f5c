//! The CPython side: starting the interpreter inside rustc, compiling,
//! analysing. Everything here takes and returns plain data (strings,
//! positions), never a span or a syn type, so that it can run on a thread
//! of its own: CPython's recursion over a deep expression needs more stack
//! than the compiler's thread has (CPython 3.9's `symtable` and AST
//! conversion have no depth limit of their own).

use std::ffi::{CStr, CString};
use std::sync::OnceLock;

use pyo3::exceptions::PySyntaxError;
use pyo3::sync::PyOnceLock;
use pyo3::types::code::PyCodeInput;
use pyo3::types::{PyAnyMethods, PyCode, PyDict, PyDictMethods, PyModule, PyTypeMethods};
use pyo3::{Bound, Py, PyAny, PyErr, PyResult, Python};

use crate::types::ReturnKind;

/// The stack of the thread CPython's work runs on. Only what is used is
/// ever mapped in.
const STACK_SIZE: usize = 1 << 30;

/// A position in the Python source: 1-based line, 0-based column in chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Why CPython could not check a source.
#[derive(Debug)]
pub enum Failure {
    /// CPython rejected it: a `SyntaxError` and its kin.
    Rejected(Rejection),
    /// pyfn's analysis raised: a bug, reported as such, never silence.
    Internal(String),
    /// CPython cannot start or run inside the compiler (a `PYTHONHOME`
    /// without a standard library, say).
    Environment(String),
}

/// Why CPython rejected a source.
#[derive(Debug)]
pub struct Rejection {
    /// `SyntaxError`, `IndentationError`, `TabError`, `RecursionError`…
    pub kind: String,
    /// CPython's message, verbatim.
    pub message: String,
    pub start: Option<Pos>,
    /// Exclusive.
    pub end: Option<Pos>,
}

/// Runs `f` attached to the build interpreter, on a thread with a large
/// stack, starting the interpreter on first use.
fn run<R: Send>(f: impl for<'py> FnOnce(Python<'py>) -> R + Send) -> Result<R, Failure> {
    thread_local! {
        /// Set on the worker thread: a call from inside a call (the
        /// worker holds the interpreter) runs right there, never waits
        /// for a second worker that could not attach.
        static ON_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    start().map_err(Failure::Environment)?;
    if ON_WORKER.with(std::cell::Cell::get) {
        return Python::try_attach(f).ok_or_else(|| {
            Failure::Environment("cannot attach to CPython inside the compiler".to_owned())
        });
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("pyfn-cpython".to_owned())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                ON_WORKER.with(|on| on.set(true));
                Python::try_attach(f)
            });
        match worker.map(|worker| worker.join()) {
            Ok(Ok(Some(result))) => Ok(result),
            Ok(Ok(None)) => Err(Failure::Environment(
                "cannot attach to CPython inside the compiler".to_owned(),
            )),
            Ok(Err(_)) => Err(Failure::Internal(
                "pyfn's CPython worker panicked".to_owned(),
            )),
            Err(err) => Err(Failure::Environment(format!(
                "cannot start a thread for CPython: {err}"
            ))),
        }
    })
}

/// Starts CPython once per compiler process (rustc, or rust-analyzer's
/// proc-macro server, which keeps it for its lifetime).
fn start() -> Result<(), String> {
    static START: OnceLock<Result<(), String>> = OnceLock::new();
    START
        .get_or_init(|| {
            // SAFETY: may be called at any time.
            let started = unsafe { pyo3::ffi::Py_IsInitialized() } != 0;
            // CPython cannot start without its standard library, and says
            // so by ending the process: rustc would die with it.
            if !started
                && let Some(home) = std::env::var_os("PYTHONHOME")
                && let Some(problem) = home_problem(&home, env!("PYFN_MACRO_PYTHON"))
            {
                return Err(problem);
            }
            promote_libpython_symbols();
            if !started {
                let program = pyfn_common::current_program();
                // SAFETY: not started, and `START` runs this once.
                unsafe { start_without_site(program.as_deref()) }
                    .map_err(|err| format!("CPython cannot start inside the compiler: {err}"))?;
                // What `site` would add, without running any of its code:
                // `sitecustomize`, `usercustomize` and the `import` lines
                // of `.pth` files stay out of the compiler.
                Python::try_attach(|py| -> PyResult<()> {
                    let scope = PyDict::new(py);
                    scope.set_item("venv", std::env::var_os("VIRTUAL_ENV"))?;
                    scope.set_item("run_code", false)?;
                    py.run(pyfn_common::SITE, Some(&scope), Some(&scope))
                })
                .ok_or("cannot attach to CPython inside the compiler")?
                .map_err(|err| format!("CPython's site setup failed inside the compiler: {err}"))?;
            }
            Ok(())
        })
        .clone()
}

/// Starts CPython as `python -S` would: without the `site` module (run
/// [`SITE`] afterwards, with or without its code), without signal handlers
/// (the program's are its own), with `program` (the running executable) as
/// its program name, so that no `python3` found on `PATH` (a virtual
/// environment's, say) decides where the standard library is. Returns with
/// the interpreter released (no thread attached), as pyo3's
/// `Python::initialize` does. A start-up failure is returned with CPython's
/// message, not the process ended.
///
/// # Safety
///
/// CPython must not be initialised, and no other thread may start it
/// meanwhile (call it under a `Once`).
unsafe fn start_without_site(program: Option<&CStr>) -> Result<(), String> {
    use pyo3::ffi;
    let mut config: Box<std::mem::MaybeUninit<ffi::PyConfig>> =
        Box::new(std::mem::MaybeUninit::zeroed());
    let config = config.as_mut_ptr();
    // SAFETY: `PyConfig_InitPythonConfig` initialises every field of the
    // zeroed config before any is read; CPython copies the strings it is
    // given; the config is cleared once, after use; the caller guarantees
    // that the interpreter is started once; the thread that started it
    // releases it right after.
    unsafe {
        ffi::PyConfig_InitPythonConfig(config);
        (*config).site_import = 0;
        (*config).install_signal_handlers = 0;
        (*config).configure_c_stdio = 0;
        (*config).parse_argv = 0;
        let mut status = ffi::PyStatus_Ok();
        if let Some(program) = program {
            status = ffi::PyConfig_SetBytesString(
                config,
                &raw mut (*config).program_name,
                program.as_ptr(),
            );
        }
        if ffi::PyStatus_Exception(status) == 0 {
            status = ffi::Py_InitializeFromConfig(config);
        }
        ffi::PyConfig_Clear(config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(if status.err_msg.is_null() {
                "unknown error".to_owned()
            } else {
                CStr::from_ptr(status.err_msg)
                    .to_string_lossy()
                    .into_owned()
            });
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// Why CPython `version` ("3.11") cannot start with `PYTHONHOME` set to
/// `home`, if it cannot: no standard library there.
fn home_problem(home: &std::ffi::OsStr, version: &str) -> Option<String> {
    let text = home.to_string_lossy();
    // `prefix[:exec_prefix]`; an empty value is no value.
    let prefix = text.split(':').next().unwrap_or("");
    if prefix.is_empty() {
        return None;
    }
    let prefix = std::path::Path::new(prefix);
    let stdlib = [
        prefix.join(format!("lib/python{version}/encodings/__init__.py")),
        prefix.join("Lib/encodings/__init__.py"),
    ];
    if stdlib.iter().any(|path| path.exists()) {
        return None;
    }
    Some(format!(
        "PYTHONHOME is `{text}`, which holds no CPython {version} standard library (no `lib/python{version}/encodings`), so CPython cannot start inside the compiler: unset PYTHONHOME, or set it to that CPython's prefix"
    ))
}

/// rustc opens proc-macros with `RTLD_LOCAL`, so libpython's symbols are
/// invisible to the C extensions CPython loads later (`unicodedata`, which
/// the tokenizer imports to normalise a non-ASCII identifier, fails with
/// `undefined symbol: PyModule_Type`). Re-opening the already loaded
/// libpython with `RTLD_GLOBAL` makes them visible, as a `python` binary has
/// them.
#[cfg(unix)]
fn promote_libpython_symbols() {
    // SAFETY: `dladdr` only reads the address of a function we link; the
    // name it returns is owned by the loader and valid while the library is
    // loaded, which it stays (we hold the handle from `dlopen` forever).
    // `RTLD_NOLOAD` never loads anything new: it only changes the flags of
    // the library already mapped into this process.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let address = pyo3::ffi::Py_IsInitialized as *const libc::c_void;
        if libc::dladdr(address, &mut info) != 0 && !info.dli_fname.is_null() {
            libc::dlopen(
                info.dli_fname,
                libc::RTLD_NOW | libc::RTLD_GLOBAL | libc::RTLD_NOLOAD,
            );
        }
    }
}

#[cfg(not(unix))]
fn promote_libpython_symbols() {}

/// `text` as the C string CPython compiles; one holding a NUL character
/// is refused.
fn c_text(text: &str) -> Result<CString, Failure> {
    CString::new(text)
        .map_err(|_| Failure::Internal("the Python source holds a NUL character".to_owned()))
}

/// A code object compiled here, for the program to load instead of
/// compiling its source again.
#[derive(Debug, Clone)]
pub struct Bytecode {
    /// `importlib.util.MAGIC_NUMBER` of this CPython, as the little-endian
    /// number `PyImport_GetMagicNumber` gives the program.
    pub magic: u32,
    /// The file name it was compiled with: its `co_filename`.
    pub file: String,
    /// `marshal.dumps` of the module's code object.
    pub marshal: Vec<u8>,
}

/// Compiles `text` as the runtime will (`compile(text, file, "exec")`);
/// with a `file` name, its code object too.
pub fn compile(text: &str, file: Option<&str>) -> Result<Option<Bytecode>, Failure> {
    let text = c_text(text)?;
    run(|py| compile_in(py, &text, file))?
}

/// `compile(text, file, "exec")` of a `str`, as the runtime compiles a
/// module: a `.py` file's encoding declaration was applied when it was
/// read, and must not apply again to the decoded text. No compiler flags
/// are inherited, and the optimisation level is the one the runtime checks
/// for ([`pyfn_common::BYTECODE_OPTIMIZE`]). With a `file` name (the one
/// the program's code object has), the code object is marshalled in the
/// same trip; without one, only the check is made (`<py_fn>`).
fn compile_in(
    py: Python<'_>,
    text: &std::ffi::CStr,
    file: Option<&str>,
) -> Result<Option<Bytecode>, Failure> {
    let code = quietly(py, || {
        let text = text
            .to_str()
            .map_err(|err| pyo3::exceptions::PyValueError::new_err(err.to_string()))?;
        PyModule::import(py, "builtins")?
            .getattr("compile")?
            .call1((
                text,
                file.unwrap_or("<py_fn>"),
                "exec",
                0,
                true,
                pyfn_common::BYTECODE_OPTIMIZE,
            ))
    })
    .map_err(|err| Failure::Rejected(rejection(py, &err)))?;
    let Some(file) = file else {
        return Ok(None);
    };
    marshal(py, &code, file)
        .map(Some)
        .map_err(|err| Failure::Internal(describe(py, &err)))
}

/// The code object of a dedented inline module with its `.rs` columns
/// given back (`columns`: first line, bytes per line), marshalled.
fn compile_at_columns(
    py: Python<'_>,
    text: &str,
    file: &str,
    columns: &(usize, Vec<usize>),
) -> PyResult<Bytecode> {
    static COMPILE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let compile = COMPILE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let module = PyModule::from_code(
            py,
            pyfn_common::COMPILE_AT_COLUMNS,
            c"pyfn_columns.py",
            c"pyfn_columns",
        )?;
        Ok(module.getattr("compile_at_columns")?.unbind())
    })?;
    let code = quietly(py, || {
        compile.bind(py).call1((
            text,
            file,
            columns.0,
            columns.1.clone(),
            pyfn_common::BYTECODE_OPTIMIZE,
        ))
    })?;
    marshal(py, &code, file)
}

/// `code`, compiled as `file`, marshalled with this CPython's magic number.
fn marshal(py: Python<'_>, code: &Bound<'_, PyAny>, file: &str) -> PyResult<Bytecode> {
    let marshal: Vec<u8> = PyModule::import(py, "marshal")?
        .call_method1("dumps", (code,))?
        .extract()?;
    let magic: [u8; 4] = PyModule::import(py, "importlib.util")?
        .getattr("MAGIC_NUMBER")?
        .extract()?;
    Ok(Bytecode {
        magic: u32::from_le_bytes(magic),
        file: file.to_owned(),
        marshal,
    })
}

/// Runs `f` with Python's warnings ignored: CPython's `SyntaxWarning`s
/// would go raw to rustc's stderr, and under `PYTHONWARNINGS=error` turn
/// valid code into a build error. (The program sees them at run time.)
fn quietly<R>(py: Python<'_>, f: impl FnOnce() -> PyResult<R>) -> PyResult<R> {
    let warnings = PyModule::import(py, "warnings")?;
    let guard = warnings.call_method0("catch_warnings")?;
    guard.call_method0("__enter__")?;
    let outcome = warnings
        .call_method1("simplefilter", ("ignore",))
        .and_then(|_| f());
    let none = py.None();
    guard.call_method1("__exit__", (&none, &none, &none))?;
    outcome
}

/// What to analyse, and how.
pub struct Request {
    /// The exact source the runtime compiles.
    pub text: String,
    pub mode: Mode,
    pub allow_missing_imports: bool,
    /// The file name the program compiles it with; `Some` for the code
    /// that is embedded (its [`Analysis::bytecode`]), `None` for a check.
    pub file: Option<String>,
    /// For a dedented inline module: its first line and, for each line,
    /// the bytes the dedent took; the embedded code gets them back
    /// ([`pyfn_common::COMPILE_AT_COLUMNS`]), as the program's own compile
    /// would. Empty otherwise.
    pub columns: (usize, Vec<usize>),
}

pub enum Mode {
    /// One function, `name`, whose Rust return type can hold `kind`.
    Function {
        name: String,
        kind: ReturnKind,
        /// Free names are captures, not errors.
        closure: bool,
    },
    /// A module; `exposed` are the functions Rust calls. `package`: a
    /// file of a `package`, whose imports of its siblings resolve against
    /// the package's files.
    Module {
        exposed: Vec<(String, ReturnKind)>,
        package: Option<PackageContext>,
    },
}

/// What the analysis of one file of a package knows of the package.
#[derive(Clone)]
pub struct PackageContext {
    /// The file's module, dotted (`pkg.util`; `pkg` for its `__init__`).
    pub name: String,
    /// The file is an `__init__.py`.
    pub is_package: bool,
    /// Every module of the package: its dotted name and decoded source.
    pub modules: Vec<(String, String)>,
    /// The dotted names that are packages (directories).
    pub packages: Vec<String>,
    /// The package's compiled extension modules, dotted, with their files:
    /// not embedded.
    pub extensions: Vec<(String, String)>,
}

/// `bytes`, a source file, decoded as CPython decodes one: a UTF-8 byte
/// order mark, or a PEP 263 encoding declaration, else UTF-8. The problem,
/// as CPython words it, if it cannot be decoded.
pub fn decode_source(bytes: &[u8]) -> Result<String, String> {
    const DECODE: &std::ffi::CStr = cr#"
import io, tokenize
encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
text = data.decode(encoding)
"#;
    run(|py| {
        let scope = PyDict::new(py);
        let decoded = scope
            .set_item("data", pyo3::types::PyBytes::new(py, bytes))
            .and_then(|()| quietly(py, || py.run(DECODE, Some(&scope), Some(&scope))))
            .and_then(|()| {
                scope
                    .get_item("text")?
                    .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err("text"))?
                    .extract::<String>()
            });
        decoded.map_err(|err| describe(py, &err))
    })
    .map_err(|failure| match failure {
        Failure::Environment(message) | Failure::Internal(message) => message,
        Failure::Rejected(rejection) => format!("{}: {}", rejection.kind, rejection.message),
    })?
}

/// Compiles `request.text`, then analyses it: one trip to CPython.
pub fn check(request: &Request) -> Result<Analysis, Failure> {
    let text = c_text(&request.text)?;
    run(|py| {
        let mut bytecode = compile_in(py, &text, request.file.as_deref())?;
        if !request.columns.1.is_empty() {
            bytecode = match (bytecode, request.file.as_deref()) {
                (Some(_), Some(file)) => Some(
                    compile_at_columns(py, &request.text, file, &request.columns)
                        .map_err(|err| Failure::Internal(describe(py, &err)))?,
                ),
                (bytecode, _) => bytecode,
            };
        }
        let mut analysis = analyse(py, request).map_err(|err| analysis_failure(py, &err))?;
        analysis.bytecode = bytecode;
        Ok(analysis)
    })?
}

/// Why the analysis of a source that compiled failed: code too deep for
/// it (CPython 3.9's `symtable` gives up on a 100 000-term expression
/// that its compiler takes) is the code's limit, reported as CPython
/// reports its own; anything else is pyfn's bug.
fn analysis_failure(py: Python<'_>, err: &PyErr) -> Failure {
    if err.is_instance_of::<pyo3::exceptions::PyRecursionError>(py) {
        let message = err
            .value(py)
            .str()
            .map(|s| s.to_string())
            .unwrap_or_default();
        return Failure::Rejected(Rejection {
            kind: "RecursionError".to_owned(),
            message: format!("{message} (while pyfn analysed this code: nest or chain it less)"),
            start: None,
            end: None,
        });
    }
    Failure::Internal(describe(py, err))
}

/// Analyses `request.text` without compiling it first: a closure's source
/// is compiled once, in its final form (see `check::closure_source`). When
/// the analysis cannot read the text, CPython's own rejection of it is the
/// answer.
pub fn analyse_only(request: &Request) -> Result<Analysis, Failure> {
    let text = c_text(&request.text)?;
    run(|py| match analyse(py, request) {
        Ok(analysis) => Ok(analysis),
        Err(err) => {
            compile_in(py, &text, None)?;
            Err(analysis_failure(py, &err))
        }
    })?
}

/// What `analyze.py` found.
#[derive(Default, Debug)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// A closure's free names, with their first use.
    pub captures: Vec<(String, Option<Pos>)>,
    /// Module mode: the exposed functions' signatures.
    pub signatures: Vec<(String, PySignature)>,
    /// Module mode: every top-level function, class and alias.
    pub defined: Vec<String>,
    /// Module mode: exposed names the module binds whose signature cannot
    /// be read without running it (checked at run time only).
    pub opaque: Vec<String>,
    /// Module mode: every `def`, at any depth.
    pub defs: Vec<Def>,
    /// A package's module: the package's modules it imports, unless a
    /// condition decides (not under an `if`, a loop, a `match`, nor an
    /// `except ImportError`'s `try`), dotted.
    pub package_imports: Vec<String>,
    /// The compiled code, when the request named a file.
    pub bytecode: Option<Bytecode>,
}

/// A `def` of a module: where it is and whether it is annotated.
#[derive(Debug, Clone)]
pub struct Def {
    pub name: String,
    /// Its `def` line and its last line (1-based).
    pub start: usize,
    pub end: usize,
    /// At the module's top level.
    pub top: bool,
    /// A parameter or the return has an annotation.
    pub annotated: bool,
}

/// The kinds of finding `analyze.py` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// A name read but defined nowhere.
    Undefined,
    /// An import that cannot resolve.
    Import,
    /// A generator where no `Iter` is expected.
    Generator,
    /// No path returns a value, and the Rust type cannot hold `None`.
    NoReturn,
    /// `super()` outside a class.
    Super,
    /// The function's name shadows a builtin its body calls.
    ShadowedBuiltin,
}

impl FindingKind {
    /// Every check, by the name `#[py(allow(…))]` takes.
    pub const ALL: [FindingKind; 6] = [
        FindingKind::Undefined,
        FindingKind::Import,
        FindingKind::Generator,
        FindingKind::NoReturn,
        FindingKind::Super,
        FindingKind::ShadowedBuiltin,
    ];

    /// The check's name, as `#[py(allow(…))]` takes it.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Undefined => "undefined_name",
            FindingKind::Import => "missing_import",
            FindingKind::Generator => "generator",
            FindingKind::NoReturn => "missing_return",
            FindingKind::Super => "super_outside_class",
            FindingKind::ShadowedBuiltin => "shadowed_builtin",
        }
    }

    fn parse(name: &str) -> Option<FindingKind> {
        Some(match name {
            "undefined" => FindingKind::Undefined,
            "import" => FindingKind::Import,
            "generator" => FindingKind::Generator,
            "no_return" => FindingKind::NoReturn,
            "super" => FindingKind::Super,
            "shadowed_builtin" => FindingKind::ShadowedBuiltin,
            _ => return None,
        })
    }
}

/// One finding of `analyze.py`.
#[derive(Debug)]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
    pub help: Option<String>,
    /// Module mode: the exposed function it concerns.
    pub function: Option<String>,
    /// `None`: the function as a whole (its signature).
    pub start: Option<Pos>,
    pub end: Option<Pos>,
}

impl Finding {
    pub fn message_with_help(&self) -> String {
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        message
    }
}

/// A Python function's signature, as its `def` declares it.
#[derive(Debug)]
pub struct PySignature {
    /// What calling the name calls: a function, or a class (whose
    /// parameters are its `__init__`'s, `__new__`'s or dataclass fields').
    pub class: bool,
    pub params: Vec<PyParam>,
    /// Its `*args`.
    pub varargs: Option<PyParam>,
    /// Its `**kwargs`.
    pub kwargs: Option<PyParam>,
    /// The return annotation, as written, and where.
    pub returns: Option<String>,
    pub returns_at: Option<Pos>,
    /// The `:` that ends the `def` header (for the type checker's
    /// annotations, inserted before it).
    pub colon_at: Option<Pos>,
}

#[derive(Debug)]
pub struct PyParam {
    pub name: String,
    /// After `*` or `*args`.
    pub keyword_only: bool,
    /// Before `/`.
    pub positional_only: bool,
    /// The default's source text.
    pub default: Option<String>,
    pub annotation: Option<String>,
    /// Where the parameter and its annotation are written.
    pub at: Option<Pos>,
    pub annotation_at: Option<Pos>,
}

static ANALYZER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn analyse(py: Python<'_>, request: &Request) -> PyResult<Analysis> {
    let scope = PyDict::new(py);
    scope.set_item("source", &request.text)?;
    scope.set_item("allow_missing_imports", request.allow_missing_imports)?;
    match &request.mode {
        Mode::Function {
            name,
            kind,
            closure,
        } => {
            scope.set_item("mode", "function")?;
            scope.set_item("name", name)?;
            scope.set_item("return_kind", kind.as_str())?;
            scope.set_item("closure", *closure)?;
        }
        Mode::Module { exposed, package } => {
            scope.set_item("mode", "module")?;
            if let Some(package) = package {
                let context = PyDict::new(py);
                context.set_item("name", &package.name)?;
                context.set_item("is_package", package.is_package)?;
                let modules = PyDict::new(py);
                for (name, text) in &package.modules {
                    modules.set_item(name, text)?;
                }
                context.set_item("modules", modules)?;
                context.set_item("packages", &package.packages)?;
                let extensions = PyDict::new(py);
                for (name, file) in &package.extensions {
                    extensions.set_item(name, file)?;
                }
                context.set_item("extensions", extensions)?;
                scope.set_item("package", context)?;
            }
            let exposed: Vec<(&str, &str)> = exposed
                .iter()
                .map(|(name, kind)| (name.as_str(), kind.as_str()))
                .collect();
            scope.set_item("exposed", exposed)?;
        }
    }
    run_analyzer(py, &scope)?;
    let mut analysis = Analysis::default();
    // Top-level modules not found here, by finding.
    let mut missing: Vec<(usize, String)> = Vec::new();
    if let Some(found) = scope.get_item("diagnostics")? {
        for item in found.try_iter()? {
            let item = item?;
            let module: Option<String> = item.get_item("module")?.extract()?;
            if let Some(module) = module.filter(|module| !module.contains('.')) {
                missing.push((analysis.findings.len(), module));
            }
            analysis.findings.push(finding(&item)?);
        }
    }
    if !missing.is_empty() {
        let modules: Vec<&str> = missing.iter().map(|(_, module)| module.as_str()).collect();
        let importable = py.detach(|| importable_by_the_interpreter(&modules));
        let mut index = 0;
        analysis.findings.retain(|_| {
            let keep = !missing
                .iter()
                .any(|(at, module)| *at == index && importable.contains(module));
            index += 1;
            keep
        });
    }
    analysis
        .findings
        .sort_by_key(|finding| (finding.start.is_some(), finding.start));
    if let Some(found) = scope.get_item("captures")? {
        for item in found.try_iter()? {
            let item = item?;
            let name: String = item.get_item("name")?.extract()?;
            analysis.captures.push((name, start_of(&item)?));
        }
    }
    if let Some(found) = scope.get_item("signatures")? {
        for item in found.call_method0("items")?.try_iter()? {
            let (name, signature): (String, Bound<'_, PyAny>) = item?.extract()?;
            analysis.signatures.push((name, signature_of(&signature)?));
        }
    }
    if let Some(opaque) = scope.get_item("opaque")? {
        analysis.opaque = opaque.extract()?;
    }
    if let Some(defined) = scope.get_item("defined")? {
        analysis.defined = defined.extract()?;
    }
    if let Some(imports) = scope.get_item("package_imports")? {
        analysis.package_imports = imports.extract()?;
    }
    if let Some(defs) = scope.get_item("defs")? {
        for def in defs.try_iter()? {
            let def = def?;
            analysis.defs.push(Def {
                name: def.get_item("name")?.extract()?,
                start: def.get_item("start")?.extract()?,
                end: def.get_item("end")?.extract()?,
                top: def.get_item("top")?.extract()?,
                annotated: def.get_item("annotated")?.extract()?,
            });
        }
    }
    Ok(analysis)
}

/// Runs `analyze.py` with `scope` as its globals (inputs in, outputs out).
fn run_analyzer(py: Python<'_>, scope: &Bound<'_, PyDict>) -> PyResult<()> {
    let code = ANALYZER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let text = CString::new(include_str!("analyze.py"))?;
        Ok(
            PyCode::compile(py, &text, c"analyze.py", PyCodeInput::File)?
                .into_any()
                .unbind(),
        )
    })?;
    let exec = PyModule::import(py, "builtins")?.getattr("exec")?;
    quietly(py, || exec.call1((code.bind(py), scope, scope)))?;
    Ok(())
}

/// Who a type checker says lacks a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A module, by its dotted name.
    Module,
    /// A class object, by its name (its metaclass's members count).
    Class,
    /// An object of a class, by the class's name.
    Instance,
    /// A function, by its name.
    Function,
    /// A class given the member (`C.member = …`), by its name.
    SetClass,
    /// A function given the member (`f.member = …`), by its name.
    SetFunction,
    /// No owner: the member is a name the checked source reads (on the
    /// claim's line) and the checker says is not defined.
    Name,
    /// A function of a class, by the class's name, to which an argument
    /// is passed that the checker says must be an object of the class.
    SelfArgument,
    /// A value the checker says may be None where None does not do: the
    /// "name" is which part of the node at the claim's position it is
    /// (`attribute`, `subscript`, `call`, `value`, `left`, `right`,
    /// `operand`), the member the attribute read, if one is.
    NoneValue,
}

impl Owner {
    /// The owner kind `analyze.py`'s members mode reads.
    fn as_str(self) -> &'static str {
        match self {
            Owner::Module => "module",
            Owner::Class => "class",
            Owner::Instance => "instance",
            Owner::Function => "function",
            Owner::SetClass => "set_class",
            Owner::SetFunction => "set_function",
            Owner::Name => "name",
            Owner::SelfArgument => "self_argument",
            Owner::NoneValue => "none_value",
        }
    }
}

/// For each claim `(owner, name, member, at)` of the type checker that
/// `name` lacks `member` (at `at`, a line and character column of `text`,
/// the checked source): whether
/// that is no mistake, the real module or class having it, read from its
/// source without running it, or the import of it on `line` being
/// optional (`try: … except ImportError`) (`analyze.py`'s members mode):
/// `Some(true)`, `Some(false)`, or `None` when that cannot be known (no
/// Python source, a module that binds its globals at run time) or the
/// analysis failed. A class is looked for in `text` and the modules it
/// imports. For a claim of [`Owner::Name`], `Some(true)` means pyfn's own
/// undefined-name check leaves that read alone; for one of
/// [`Owner::NoneValue`], that the None is no declaration of `text`'s.
pub fn has_members(text: &str, claims: &[(Owner, String, String, Pos)]) -> Vec<Option<bool>> {
    let unknown = || vec![None; claims.len()];
    if claims.is_empty() {
        return Vec::new();
    }
    let answered = run(|py| -> PyResult<Vec<Option<bool>>> {
        let scope = PyDict::new(py);
        scope.set_item("source", text)?;
        scope.set_item("allow_missing_imports", true)?;
        scope.set_item("mode", "members")?;
        let claims: Vec<(&str, &str, &str, usize, usize)> = claims
            .iter()
            .map(|(owner, name, member, at)| {
                (
                    owner.as_str(),
                    name.as_str(),
                    member.as_str(),
                    at.line,
                    at.col,
                )
            })
            .collect();
        scope.set_item("claims", claims)?;
        run_analyzer(py, &scope)?;
        match scope.get_item("members")? {
            Some(members) => members.extract(),
            None => Ok(Vec::new()),
        }
    });
    match answered {
        Ok(Ok(answers)) if answers.len() == claims.len() => answers,
        _ => unknown(),
    }
}

/// Asks the build interpreter itself, as a separate process, which of
/// `modules` (top-level names) it can import: there `sitecustomize`,
/// `usercustomize` and `.pth` files run as in any Python program, so a
/// module only an import hook provides (an editable install, setuptools'
/// `distutils` shim) is found. The compiler's own interpreter runs none of
/// that code. Anything that goes wrong (no interpreter to run, a hang)
/// finds nothing, and the modules are reported as before.
fn importable_by_the_interpreter(modules: &[&str]) -> std::collections::BTreeSet<String> {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    const FIND: &str = r#"
import importlib.util, sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
for name in sys.argv[1:]:
    try:
        found = importlib.util.find_spec(name) is not None
    except Exception:
        found = False
    if found:
        print(name)
"#;
    let mut found = std::collections::BTreeSet::new();
    let Some(python) = build_interpreter() else {
        return found;
    };
    let child = Command::new(python)
        .arg("-c")
        .arg(FIND)
        .args(modules)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return found;
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return found;
            }
        }
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
    }
    found.extend(
        out.lines()
            .filter(|line| modules.contains(line))
            .map(str::to_owned),
    );
    found
}

/// The `python` the program's imports are checked against: the active
/// virtual environment's, or the one pyo3 was configured with.
pub fn build_interpreter() -> Option<std::path::PathBuf> {
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        let venv = std::path::Path::new(&venv);
        for python in [
            venv.join("bin").join("python"),
            venv.join("Scripts").join("python.exe"),
        ] {
            if python.is_file() {
                return Some(python);
            }
        }
    }
    let configured = env!("PYFN_MACRO_PYTHON_EXE");
    (!configured.is_empty()).then(|| configured.into())
}

fn start_of(dict: &Bound<'_, PyAny>) -> PyResult<Option<Pos>> {
    let line: Option<usize> = dict.get_item("line")?.extract()?;
    Ok(match line {
        Some(line) => Some(Pos {
            line,
            col: dict.get_item("col")?.extract()?,
        }),
        None => None,
    })
}

fn finding(dict: &Bound<'_, PyAny>) -> PyResult<Finding> {
    let kind: String = dict.get_item("kind")?.extract()?;
    let kind = FindingKind::parse(&kind).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!("unknown finding kind `{kind}`"))
    })?;
    let end_line: Option<usize> = dict.get_item("end_line")?.extract()?;
    let end = match end_line {
        Some(line) => Some(Pos {
            line,
            col: dict.get_item("end_col")?.extract()?,
        }),
        None => None,
    };
    Ok(Finding {
        kind,
        message: dict.get_item("message")?.extract()?,
        help: dict.get_item("help")?.extract()?,
        function: dict.get_item("function")?.extract()?,
        start: start_of(dict)?,
        end,
    })
}

fn pos_of(value: &Bound<'_, PyAny>) -> PyResult<Option<Pos>> {
    if value.is_none() {
        return Ok(None);
    }
    Ok(Some(Pos {
        line: value.get_item("line")?.extract()?,
        col: value.get_item("col")?.extract()?,
    }))
}

fn param_of(param: &Bound<'_, PyAny>) -> PyResult<PyParam> {
    let kind: String = param.get_item("kind")?.extract()?;
    Ok(PyParam {
        name: param.get_item("name")?.extract()?,
        keyword_only: kind == "keyword",
        positional_only: kind == "posonly",
        default: param.get_item("default")?.extract()?,
        annotation: param.get_item("annotation")?.extract()?,
        at: pos_of(&param.get_item("at")?)?,
        annotation_at: pos_of(&param.get_item("annotation_at")?)?,
    })
}

fn signature_of(dict: &Bound<'_, PyAny>) -> PyResult<PySignature> {
    let mut params = Vec::new();
    for param in dict.get_item("params")?.try_iter()? {
        params.push(param_of(&param?)?);
    }
    let optional = |key: &str| -> PyResult<Option<PyParam>> {
        let value = dict.get_item(key)?;
        if value.is_none() {
            Ok(None)
        } else {
            param_of(&value).map(Some)
        }
    };
    let class: String = dict.get_item("callable")?.extract()?;
    Ok(PySignature {
        class: class == "class",
        params,
        varargs: optional("varargs")?,
        kwargs: optional("kwargs")?,
        returns: dict.get_item("returns")?.extract()?,
        returns_at: pos_of(&dict.get_item("returns_at")?)?,
        colon_at: pos_of(&dict.get_item("colon_at")?)?,
    })
}

/// `Type: message` of a Python exception.
fn describe(py: Python<'_>, err: &PyErr) -> String {
    let kind = err
        .get_type(py)
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "Exception".to_owned());
    let message = err
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_default();
    format!("{kind}: {message}")
}

fn rejection(py: Python<'_>, err: &PyErr) -> Rejection {
    let value = err.value(py);
    let kind = err
        .get_type(py)
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "SyntaxError".to_owned());
    if !err.is_instance_of::<PySyntaxError>(py) {
        let message = value.str().map(|s| s.to_string()).unwrap_or_default();
        return Rejection {
            kind,
            message,
            start: None,
            end: None,
        };
    }
    let int = |name: &str| -> Option<usize> {
        value
            .getattr(name)
            .ok()?
            .extract::<Option<isize>>()
            .ok()?
            .and_then(|n| usize::try_from(n).ok())
    };
    let message = value
        .getattr("msg")
        .and_then(|msg| msg.extract::<String>())
        .unwrap_or_else(|_| value.str().map(|s| s.to_string()).unwrap_or_default());
    // `offset` and `end_offset` are 1-based columns.
    let pos = |line: Option<usize>, offset: Option<usize>| {
        line.filter(|&line| line > 0).map(|line| Pos {
            line,
            col: offset.unwrap_or(1).saturating_sub(1),
        })
    };
    let start = pos(int("lineno"), int("offset"));
    let end = pos(int("end_lineno"), int("end_offset")).filter(|end| Some(*end) > start);
    Rejection {
        kind,
        message,
        start,
        end,
    }
}

/// Checks a parameter's default, a Python expression evaluated once in the
/// function's globals (where only builtins are defined): `Some(problem)`.
pub fn check_default(expression: &str) -> Option<String> {
    const CHECK: &std::ffi::CStr = cr#"
import builtins
problem = None
try:
    compile(expression, "<default>", "eval")
except SyntaxError as error:
    problem = "python: %s: %s" % (type(error).__name__, error.msg)
else:
    # Global names read, from the symbol table: not attributes
    # (`co_names` holds both: `", ".join`), not a lambda's parameters.
    import symtable
    unknown = []
    tables = [symtable.symtable(expression, "<default>", "eval")]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for s in table.get_symbols():
            if not s.is_referenced() or hasattr(builtins, s.get_name()):
                continue
            if table.get_type() == "module":
                # Bound nowhere in the expression (a 3.12+ comprehension's
                # variables are inlined here, and bound).
                reads_global = not s.is_assigned()
            else:
                reads_global = s.is_declared_global() or not (
                    s.is_local() or s.is_free() or s.is_parameter())
            if reads_global:
                unknown.append(s.get_name())
    if unknown:
        problem = ("name `%s` is not defined where defaults are evaluated: "
                   "the function's globals hold only the builtins" % unknown[0])
"#;
    let outcome = run(|py| -> Result<Option<String>, String> {
        let checked = (|| -> PyResult<Option<String>> {
            let scope = PyDict::new(py);
            scope.set_item("expression", expression.trim())?;
            quietly(py, || py.run(CHECK, Some(&scope), Some(&scope)))?;
            match scope.get_item("problem")? {
                Some(problem) => problem.extract(),
                None => Ok(None),
            }
        })();
        checked.map_err(|err| format!("python: {}", describe(py, &err)))
    });
    match outcome {
        Ok(Ok(problem)) => problem,
        Ok(Err(problem)) => Some(problem),
        Err(Failure::Environment(problem) | Failure::Internal(problem)) => Some(problem),
        Err(Failure::Rejected(rejection)) => Some(rejection.message),
    }
}

/// The 1-based rows of `text` that begin inside a token spanning several
/// lines (a triple-quoted string, a string continued with `\\`), by
/// CPython's own tokenizer; `None` when it cannot tokenize `text`.
pub fn rows_inside_tokens(text: String) -> Option<Vec<usize>> {
    const FIND: &std::ffi::CStr = cr#"
import io, tokenize
rows = []
try:
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        rows.extend(range(token.start[0] + 1, token.end[0] + 1))
except (tokenize.TokenError, SyntaxError):
    rows = None
"#;
    run(|py| {
        let scope = PyDict::new(py);
        scope.set_item("text", text).ok()?;
        quietly(py, || py.run(FIND, Some(&scope), Some(&scope))).ok()?;
        scope.get_item("rows").ok()??.extract().ok()
    })
    .ok()
    .flatten()
}

#[cfg(test)]
pub(crate) fn with_python<R: Send>(f: impl for<'py> FnOnce(Python<'py>) -> R + Send) -> R {
    match run(f) {
        Ok(result) => result,
        Err(failure) => panic!("CPython starts: {failure:?}"),
    }
}

#[cfg(test)]
mod home_tests {
    use super::home_problem;

    #[test]
    fn a_pythonhome_without_a_standard_library_is_refused() {
        let version = env!("PYFN_MACRO_PYTHON");
        let problem = home_problem("/nonexistent/prefix".as_ref(), version);
        assert!(
            problem.as_deref().is_some_and(|p| p.contains("PYTHONHOME")),
            "{problem:?}"
        );
        assert_eq!(home_problem("".as_ref(), version), None);
        // The prefix of the interpreter this crate was built for has one.
        let prefix = std::path::Path::new(env!("PYFN_MACRO_PREFIX"));
        assert_eq!(home_problem(prefix.as_os_str(), version), None);
    }
}
