//! The cached Python function behind each `py_fn!` item: built from its
//! source once per process (the code object found by name in the compiled
//! module's `co_consts`, then `types.FunctionType(code, globals, name,
//! argdefs, closure)`), a `py_module!`'s executed module, and a closure's
//! instance.

use std::ffi::CString;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use pyfn_common::CLOSURE_OUTER;
use pyo3::types::code::PyCodeInput;
use pyo3::types::{PyAnyMethods, PyCode, PyDict, PyDictMethods, PyModule, PyString, PyTuple};
use pyo3::{Bound, Py, PyAny, PyErr, Python, ffi};

use crate::error::{Error, Result};
use crate::interpreter::{attach, prepare};
use crate::once::lock;
use crate::spec::{Bytecode, ModuleSpec, Spec};

/// A `py_module!`'s Python module: its source runs once per process, in a
/// globals dict of its own, and its functions are taken from there.
///
/// Taking the exposed functions from the executed namespace, rather than
/// building them from code objects, keeps one source of truth: the module
/// as Python runs it, with its decorators, default values, constants and
/// imports exactly as a Python import would make them.
#[doc(hidden)]
pub struct Module {
    spec: ModuleSpec,
    globals: crate::once::Once<Py<PyDict>>,
    /// `#[py(reload)]`: when the file was last looked at.
    watch: crate::reload::Watch,
    /// After a reload: its generation (from 1) and the new namespace.
    current: Mutex<Option<(u64, Py<PyDict>)>>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

impl Module {
    /// A module executed on the first call of one of its functions.
    pub const fn new(spec: ModuleSpec) -> Self {
        Module {
            spec,
            globals: crate::once::Once::new(),
            watch: crate::reload::Watch::new(),
            current: Mutex::new(None),
        }
    }

    /// Whether the module reloads changed files (`#[py(reload)]`, debug).
    fn reloads(&self) -> bool {
        self.spec.reload.is_some()
            || self
                .spec
                .package
                .is_some_and(|(package, _)| package.reloads())
    }

    /// The module's namespace as it is now: `(0, first)` until a reload,
    /// then `(generation, reloaded)`. Polls the files first.
    fn namespace<'py>(
        &self,
        py: Python<'py>,
        caller: &'static str,
    ) -> Result<(u64, Bound<'py, PyDict>)> {
        let first = self.globals(py, caller)?.clone();
        if let Some((package, module)) = self.spec.package {
            return Ok(package.reloaded(py, module, caller)?.unwrap_or((0, first)));
        }
        let Some(reload) = self.spec.reload else {
            return Ok((0, first));
        };
        let source = self.spec.source;
        if self.watch.changed(reload.paths, &|_| source) {
            self.reload_file(py, reload, caller)?;
        }
        let current = lock(&self.current);
        Ok(match current.as_ref() {
            Some((generation, globals)) => (*generation, globals.bind(py).clone()),
            None => (0, first),
        })
    }

    /// Runs the changed file again in new globals; the old version stays
    /// on any error.
    fn reload_file(
        &self,
        py: Python<'_>,
        reload: &crate::reload::Reload,
        caller: &'static str,
    ) -> Result<()> {
        let spec = &self.spec;
        let path = reload.paths.first().copied().unwrap_or_default();
        let fail = |context: &str, err: Option<PyErr>| {
            crate::reload::failed(py, caller, path, context, err)
        };
        let source = crate::reload::read_source(py, path)
            .map_err(|err| fail("cannot read the file", Some(err)))?;
        let code = crate::reload::compile(py, &source, spec.file)
            .map_err(|err| fail("the new source does not compile", Some(err)))?;
        let globals = new_globals(py, spec.name(), spec.file)
            .map_err(|err| fail("cannot create the module's globals", Some(err)))?;
        // Kept for tracebacks (debug builds only, once per reload).
        let lines: &'static str = Box::leak(source.into_boxed_str());
        crate::lines::register(py, spec.file, crate::lines::Text::Str(lines))
            .and_then(|()| {
                PyModule::import(py, "builtins")?
                    .getattr("exec")?
                    .call1((code, &globals))
            })
            .map_err(|err| fail("the new source raised while running", Some(err)))?;
        match crate::reload::check_signatures(py, &globals, reload.functions, "") {
            Ok(None) => {}
            Ok(Some(mismatch)) => return Err(fail(&mismatch, None)),
            Err(err) => return Err(fail("cannot check the signatures", Some(err))),
        }
        let mut current = lock(&self.current);
        let generation = current.as_ref().map_or(0, |(generation, _)| *generation) + 1;
        *current = Some((generation, globals.unbind()));
        Ok(())
    }

    /// The module's namespace, after its source ran (once).
    fn globals<'py>(&self, py: Python<'py>, caller: &'static str) -> Result<&Bound<'py, PyDict>> {
        let fail = |context: &str, err: PyErr| Error::build_failed(py, caller, context, Some(err));
        self.globals
            .get_or_try_init(
                py,
                || {
                    let spec = &self.spec;
                    if let Some((package, module)) = spec.package {
                        return package.import(py, module, caller).map(Bound::unbind);
                    }
                    // An inline source was dedented: its code gets the `.rs`
                    // columns back, and tracebacks its `.rs` lines, so that
                    // carets fall under the right text whoever prints them
                    // (CPython's C printer reads the `.rs` file itself).
                    let (code, lines) = if spec.columns.is_empty() {
                        // The code compiled at build time, or `compile` of a
                        // `str`, as the build's check did: the text is already
                        // decoded (a `.py` file's encoding declaration was
                        // applied at build time), so it must not apply again.
                        let code = match load(py, spec.bytecode.as_ref(), spec.file) {
                            Some(code) => code,
                            None => PyModule::import(py, "builtins")
                                .and_then(|builtins| builtins.getattr("compile"))
                                .and_then(|compile| compile.call1((spec.source, spec.file, "exec")))
                                .map_err(|err| fail("the module source does not compile", err))?,
                        };
                        (code, spec.source)
                    } else {
                        // Compiled at build time at the `.rs` columns, or now.
                        let code = match load(py, spec.bytecode.as_ref(), spec.file) {
                            Some(code) => code,
                            None => crate::lines::compile_at_columns(
                                py,
                                spec.source,
                                spec.file,
                                spec.columns_from,
                                spec.columns,
                            )
                            .map_err(|err| fail("the module source does not compile", err))?,
                        };
                        // Once per module and process: kept for `linecache`.
                        let lines: &'static str = Box::leak(
                            crate::lines::realign(spec.source, spec.columns_from, spec.columns)
                                .into_boxed_str(),
                        );
                        (code, lines)
                    };
                    let globals = new_globals(py, spec.name(), spec.file)
                        .map_err(|err| fail("cannot create the module's globals", err))?;
                    PyModule::import(py, "builtins")
                        .and_then(|builtins| builtins.getattr("exec"))
                        .and_then(|exec| {
                            // Tracebacks show the lines the binary carries,
                            // even while the module's top level runs.
                            crate::lines::register(py, spec.file, crate::lines::Text::Str(lines))?;
                            exec.call1((code, &globals))
                        })
                        .map_err(|err| fail("the module source raised while running", err))?;
                    Ok(globals.unbind())
                },
                || reentered(py, caller),
            )
            .map(|globals| globals.bind(py))
    }
}

/// A function or module needed by the code that builds it (a module's top
/// level calling one of its own functions through Rust).
fn reentered(py: Python<'_>, caller: &'static str) -> Error {
    Error::build_failed(
        py,
        caller,
        "it is needed while it is being built (by its module's top level or its default values, still running): call it after they have run",
        None,
    )
}

/// One Python function: its spec, and what is built from it once.
#[doc(hidden)]
pub struct Function {
    pub(crate) spec: Spec,
    cell: crate::once::Once<Built>,
    /// A reloading module's function: the generation it was taken from,
    /// and the function object (one leaked per reload: debug builds only).
    reloaded: Mutex<Option<(u64, &'static Py<PyAny>)>>,
}

/// What `Function::build` makes, once per process.
struct Built {
    /// The function object (plain functions).
    function: Option<Py<PyAny>>,
    /// The code object, for building closure instances.
    code: Option<Py<PyAny>>,
    globals: Py<PyDict>,
    /// The function's name, as the Python string `FunctionType` takes.
    name: Py<PyString>,
    argdefs: Option<Py<PyTuple>>,
    /// `__kwdefaults__`: keyword-only parameters' defaults.
    kwdefaults: Option<Py<PyDict>>,
    /// For each of the code's `co_freevars`, its index in `Spec::captures`.
    freevars: Vec<usize>,
}

impl Function {
    /// A function that is built on its first call.
    pub const fn new(spec: Spec) -> Self {
        Function {
            spec,
            cell: crate::once::Once::new(),
            reloaded: Mutex::new(None),
        }
    }

    /// The Python name of the function.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    fn built(&self, py: Python<'_>) -> Result<&Built> {
        self.cell
            .get_or_try_init(py, || self.build(py), || reentered(py, self.spec.name))
    }

    /// The function object, built once per process.
    #[inline]
    pub fn get<'a, 'py>(&'a self, py: Python<'py>) -> Result<&'a Bound<'py, PyAny>> {
        crate::interpreter::in_main_interpreter(py, self.spec.name)?;
        if let Some(module) = self.spec.namespace.filter(|module| module.reloads()) {
            prepare(py, self.spec.name)?;
            let (generation, namespace) = module.namespace(py, self.spec.name)?;
            if generation != 0 {
                return self.reloaded(py, generation, &namespace);
            }
        }
        // Built: one load, inlined into the caller.
        let built = match self.cell.get() {
            Some(built) => built,
            None => self.built(py)?,
        };
        match &built.function {
            Some(function) => Ok(function.bind(py)),
            None => Err(Error::build_failed(
                py,
                self.spec.name,
                "a closure is called through its instance",
                None,
            )),
        }
    }

    /// The function object of a reloaded module's generation
    /// `generation`, taken from its namespace once per generation.
    fn reloaded<'a, 'py>(
        &'a self,
        py: Python<'py>,
        generation: u64,
        namespace: &Bound<'py, PyDict>,
    ) -> Result<&'a Bound<'py, PyAny>> {
        let mut slot = lock(&self.reloaded);
        if let Some((taken, function)) = *slot
            && taken == generation
        {
            return Ok(function.bind(py));
        }
        let function = namespace
            .get_item(self.spec.name)
            .ok()
            .flatten()
            .ok_or_else(|| {
                Error::build_failed(
                    py,
                    self.spec.name,
                    &format!("the reloaded module defines no `{}`", self.spec.name),
                    None,
                )
            })?;
        let function: &'static Py<PyAny> = Box::leak(Box::new(function.unbind()));
        *slot = Some((generation, function));
        Ok(function.bind(py))
    }

    /// The module's code object (compiled at build time, or
    /// `compile(source, file, "exec")`), the function's code object taken
    /// from the module's `co_consts` by name (for a closure, from the outer
    /// function's), the defaults evaluated, and for a plain function
    /// `types.FunctionType(code, globals, name, argdefs, closure)`.
    fn build(&self, py: Python<'_>) -> Result<Built> {
        let spec = &self.spec;
        prepare(py, spec.name)?;
        if let Some(module) = spec.namespace {
            let globals = module.globals(py, spec.name)?;
            let function = globals
                .get_item(spec.name)
                .map_err(|err| {
                    Error::build_failed(py, spec.name, "cannot read the module", Some(err))
                })?
                .ok_or_else(|| {
                    Error::build_failed(
                        py,
                        spec.name,
                        &format!("the module defines no `{}`", spec.name),
                        None,
                    )
                })?;
            return Ok(Built {
                function: Some(function.unbind()),
                code: None,
                globals: globals.clone().unbind(),
                name: PyString::intern(py, spec.name).unbind(),
                argdefs: None,
                kwdefaults: None,
                freevars: Vec::new(),
            });
        }
        let fail =
            |context: &str, err: PyErr| Error::build_failed(py, spec.name, context, Some(err));
        let missing = |what: &str| {
            Error::build_failed(
                py,
                spec.name,
                &format!("the compiled source defines no function `{what}`"),
                None,
            )
        };
        let file = CString::new(spec.file).map_err(|_| {
            Error::build_failed(py, spec.name, "the source file name holds a NUL byte", None)
        })?;
        let module = match load(py, spec.bytecode.as_ref(), spec.file) {
            Some(module) => module,
            None => PyCode::compile(py, spec.source, &file, PyCodeInput::File)
                .map_err(|err| fail("the Python source does not compile", err))?
                .into_any(),
        };
        // Tracebacks show the lines the binary carries.
        crate::lines::register(py, spec.file, crate::lines::Text::C(spec.source))
            .map_err(|err| fail("cannot register the source for tracebacks", err))?;
        let read = |err| fail("cannot read the compiled module", err);
        let scope = match spec.captures {
            Some(_) => function_code(&module, CLOSURE_OUTER)
                .map_err(read)?
                .ok_or_else(|| missing(CLOSURE_OUTER))?,
            None => module,
        };
        let code = function_code(&scope, spec.name)
            .map_err(read)?
            .ok_or_else(|| missing(spec.name))?;
        let globals = new_globals(py, spec.module, spec.file)
            .map_err(|err| fail("cannot create the function's globals", err))?;
        let argdefs = evaluate_defaults(&globals, spec.defaults)
            .map_err(|err| fail("a default value failed to evaluate", err))?;
        let kwdefaults = evaluate_keyword_defaults(&globals, spec.keyword_defaults)
            .map_err(|err| fail("a default value failed to evaluate", err))?;
        let freevars = match spec.captures {
            Some(captures) => closure_order(&code, captures)
                .map_err(read)?
                .ok_or_else(|| {
                    Error::build_failed(
                        py,
                        spec.name,
                        "the closure's free variables are not its captures",
                        None,
                    )
                })?,
            None => Vec::new(),
        };
        let name = PyString::intern(py, spec.name);
        let function = match spec.captures {
            Some(_) => None,
            None => {
                let function = new_function(
                    &code,
                    &globals,
                    &name,
                    (argdefs.as_ref(), kwdefaults.as_ref()),
                    None,
                )
                .map_err(|err| fail("cannot create the function object", err))?;
                // The function's own name resolves in its globals, so that it
                // can call itself recursively as it could in a Python module.
                globals
                    .set_item(&name, &function)
                    .map_err(|err| fail("cannot create the function's globals", err))?;
                Some(function.unbind())
            }
        };
        Ok(Built {
            function,
            code: Some(code.unbind()),
            globals: globals.unbind(),
            name: name.unbind(),
            argdefs: argdefs.map(Bound::unbind),
            kwdefaults: kwdefaults.map(Bound::unbind),
            freevars,
        })
    }

    /// A new closure instance over the captured `values` (in the order of
    /// `Spec::captures`): only `FunctionType(code, globals, name, argdefs,
    /// cells)`, the source was compiled once.
    fn instance(&self, py: Python<'_>, values: &[Bound<'_, PyAny>]) -> Result<Py<PyAny>> {
        let built = self.built(py)?;
        let fail = |err: PyErr| {
            Error::build_failed(py, self.spec.name, "cannot create the closure", Some(err))
        };
        let mut cells = Vec::with_capacity(built.freevars.len());
        for &index in &built.freevars {
            let value = values.get(index).ok_or_else(|| {
                Error::build_failed(py, self.spec.name, "a captured value is missing", None)
            })?;
            // SAFETY: `value` is a live object; `PyCell_New` takes a new
            // reference to it and returns a new reference or NULL.
            let cell = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyCell_New(value.as_ptr())) }
                .map_err(fail)?;
            cells.push(cell);
        }
        let closure = PyTuple::new(py, cells).map_err(fail)?;
        let code = built.code.as_ref().ok_or_else(|| {
            Error::build_failed(
                py,
                self.spec.name,
                "a module function is not a closure",
                None,
            )
        })?;
        new_function(
            code.bind(py),
            built.globals.bind(py),
            built.name.bind(py),
            (
                built.argdefs.as_ref().map(|argdefs| argdefs.bind(py)),
                built
                    .kwdefaults
                    .as_ref()
                    .map(|kwdefaults| kwdefaults.bind(py)),
            ),
            Some(&closure),
        )
        .map(Bound::unbind)
        .map_err(fail)
    }
}

/// How many code objects were loaded from build-time bytecode, and how
/// many compiled from source, in this process: see [`bytecode_counts`].
static LOADED: AtomicUsize = AtomicUsize::new(0);
static COMPILED: AtomicUsize = AtomicUsize::new(0);

/// (loaded, compiled): how many functions and modules this process built
/// from the bytecode compiled at build time, and how many from their
/// source (for tests and benchmarks: the fast path was taken).
#[doc(hidden)]
pub fn bytecode_counts() -> (usize, usize) {
    (
        LOADED.load(Ordering::Relaxed),
        COMPILED.load(Ordering::Relaxed),
    )
}

/// The code object compiled at build time, if this interpreter compiles
/// `file`'s source to that very code (see [`Bytecode`]); `None`: compile
/// the source. Damaged bytes, or bytes that are not a code object, are
/// never run: they fail the checksum, `marshal` refuses them (its error is
/// dropped), or they are not a code object.
pub(crate) fn load<'py>(
    py: Python<'py>,
    bytecode: Option<&Bytecode>,
    file: &str,
) -> Option<Bound<'py, PyAny>> {
    let loaded = bytecode.and_then(|bytecode| {
        if bytecode.file != file
            || crate::interpreter::bytecode_magic(py) != Some(bytecode.magic)
            || pyfn_common::checksum(bytecode.marshal) != bytecode.checksum
        {
            return None;
        }
        let len = ffi::Py_ssize_t::try_from(bytecode.marshal.len()).ok()?;
        // SAFETY: the pointer and length are those of `bytecode.marshal`,
        // readable for the whole call (it only reads them); the caller is
        // attached (`py`). The result is a new reference, or NULL with an
        // exception set, which `from_owned_ptr_or_err` takes (and `ok`
        // drops).
        let object = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyMarshal_ReadObjectFromString(bytecode.marshal.as_ptr().cast(), len),
            )
        }
        .ok()?;
        object.is_instance_of::<PyCode>().then_some(object)
    });
    match loaded {
        Some(_) => LOADED.fetch_add(1, Ordering::Relaxed),
        None => COMPILED.fetch_add(1, Ordering::Relaxed),
    };
    loaded
}

/// Finds the code object of function `name` among the constants of the
/// compiled module `module`, by `co_name`, never by position: the module's
/// constants also hold the docstring, default values and other code.
fn function_code<'py>(
    module: &Bound<'py, PyAny>,
    name: &str,
) -> pyo3::PyResult<Option<Bound<'py, PyAny>>> {
    let code_type = module.get_type();
    let consts = module.getattr(pyo3::intern!(module.py(), "co_consts"))?;
    for constant in consts.try_iter()? {
        let constant = constant?;
        if constant.is_exact_instance(&code_type)
            && constant
                .getattr(pyo3::intern!(module.py(), "co_name"))?
                .eq(name)?
        {
            return Ok(Some(constant));
        }
    }
    Ok(None)
}

/// `argdefs`: each default expression evaluated in `globals`.
fn evaluate_defaults<'py>(
    globals: &Bound<'py, PyDict>,
    defaults: &[&str],
) -> pyo3::PyResult<Option<Bound<'py, PyTuple>>> {
    if defaults.is_empty() {
        return Ok(None);
    }
    let py = globals.py();
    let eval = PyModule::import(py, "builtins")?.getattr("eval")?;
    let values = defaults
        .iter()
        .map(|expression| eval.call1((*expression, globals)))
        .collect::<pyo3::PyResult<Vec<_>>>()?;
    PyTuple::new(py, values).map(Some)
}

/// `__kwdefaults__`: each keyword-only parameter's default expression
/// evaluated in `globals`.
fn evaluate_keyword_defaults<'py>(
    globals: &Bound<'py, PyDict>,
    defaults: &[(&str, &str)],
) -> pyo3::PyResult<Option<Bound<'py, PyDict>>> {
    if defaults.is_empty() {
        return Ok(None);
    }
    let py = globals.py();
    let eval = PyModule::import(py, "builtins")?.getattr("eval")?;
    let values = PyDict::new(py);
    for (name, expression) in defaults {
        values.set_item(*name, eval.call1((*expression, globals))?)?;
    }
    Ok(Some(values))
}

/// For each of `code.co_freevars`, its index in `captures`; `None` if one
/// is not captured.
fn closure_order(code: &Bound<'_, PyAny>, captures: &[&str]) -> pyo3::PyResult<Option<Vec<usize>>> {
    let mut order = Vec::new();
    for name in code
        .getattr(pyo3::intern!(code.py(), "co_freevars"))?
        .try_iter()?
    {
        let name: String = name?.extract()?;
        match captures.iter().position(|capture| *capture == name) {
            Some(index) => order.push(index),
            None => return Ok(None),
        }
    }
    Ok(Some(order))
}

/// Looks up, once per process, what building every function uses (while
/// the interpreter is prepared: the first call then need not).
pub(crate) fn warm(py: Python<'_>) -> pyo3::PyResult<()> {
    builtins(py)?;
    function_type(py)?;
    Ok(())
}

/// The `builtins` module, every function's `__builtins__`.
fn builtins(py: Python<'_>) -> pyo3::PyResult<&Bound<'_, PyModule>> {
    static BUILTINS: crate::once::Once<Py<PyModule>> = crate::once::Once::new();
    BUILTINS
        .get_or_py_init(py, || PyModule::import(py, "builtins").map(Bound::unbind))
        .map(|builtins| builtins.bind(py))
}

/// `types.FunctionType`.
fn function_type(py: Python<'_>) -> pyo3::PyResult<&Bound<'_, PyAny>> {
    static FUNCTION_TYPE: crate::once::Once<Py<PyAny>> = crate::once::Once::new();
    FUNCTION_TYPE
        .get_or_py_init(py, || {
            Ok::<_, PyErr>(
                PyModule::import(py, "types")?
                    .getattr("FunctionType")?
                    .unbind(),
            )
        })
        .map(|function_type| function_type.bind(py))
}

/// A fresh globals dict for one function (or one module of functions).
pub(crate) fn new_globals<'py>(
    py: Python<'py>,
    module: &str,
    file: &str,
) -> pyo3::PyResult<Bound<'py, PyDict>> {
    let builtins = builtins(py)?;
    let globals = PyDict::new(py);
    globals.set_item(pyo3::intern!(py, "__builtins__"), builtins)?;
    globals.set_item(pyo3::intern!(py, "__name__"), module)?;
    globals.set_item(pyo3::intern!(py, "__file__"), file)?;
    Ok(globals)
}

/// `types.FunctionType(code, globals, name, argdefs, closure)`, then its
/// `__kwdefaults__` (the keyword-only parameters' defaults, which
/// `FunctionType` does not take).
fn new_function<'py>(
    code: &Bound<'py, PyAny>,
    globals: &Bound<'py, PyDict>,
    name: &Bound<'py, PyString>,
    (argdefs, kwdefaults): (Option<&Bound<'py, PyTuple>>, Option<&Bound<'py, PyDict>>),
    closure: Option<&Bound<'py, PyTuple>>,
) -> pyo3::PyResult<Bound<'py, PyAny>> {
    let function = function_type(code.py())?.call1((code, globals, name, argdefs, closure))?;
    if let Some(kwdefaults) = kwdefaults {
        // A copy each: a closure instance's defaults are its own, as each
        // `def` evaluation's are.
        function.setattr(
            pyo3::intern!(code.py(), "__kwdefaults__"),
            kwdefaults.copy()?,
        )?;
    }
    Ok(function)
}

/// A closure's Python function object, created when the Rust closure is.
/// A failure is kept and returned by every call.
#[doc(hidden)]
pub struct Instance {
    function: &'static Function,
    object: std::result::Result<Py<PyAny>, Error>,
}

impl Instance {
    /// Converts the captures (`capture`) and creates the function object.
    pub fn new<F, const N: usize>(function: &'static Function, capture: F) -> Self
    where
        F: for<'py> FnOnce(Python<'py>) -> Result<[Bound<'py, PyAny>; N]>,
    {
        let object = attach(function, |py| function.instance(py, &capture(py)?));
        Instance { function, object }
    }

    /// The function object, or the error that kept it from being created.
    #[inline]
    pub fn get<'a, 'py>(&'a self, py: Python<'py>) -> Result<&'a Bound<'py, PyAny>> {
        crate::interpreter::in_main_interpreter(py, self.function.name())?;
        match &self.object {
            Ok(object) => Ok(object.bind(py)),
            Err(err) => Err(err.duplicate(py, self.function.name())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    /// The spec of a function `name` of no parameters returning `()`.
    fn spec(name: &'static str, source: &'static CStr) -> Spec {
        Spec {
            name,
            source,
            file: "src/some.rs",
            module: "crate::some",
            params: &[],
            param_types: &[],
            return_type: "()",
            defaults: &[],
            keyword_defaults: &[],
            captures: None,
            namespace: None,
            bytecode: None,
        }
    }

    fn compile_any<'py>(py: Python<'py>, source: &CStr) -> Bound<'py, PyAny> {
        PyCode::compile(py, source, c"test.rs", PyCodeInput::File)
            .expect("compiles")
            .into_any()
    }

    #[test]
    fn code_object_is_found_by_name_not_position() {
        Python::attach(|py| {
            let module = compile_any(
                py,
                c"'module docstring'\nLIMIT = (1, 2)\ndef helper(): pass\ndef target(x): return x\n",
            );
            let consts = module.getattr("co_consts").expect("co_consts");
            let first = consts.get_item(0).expect("a first constant");
            assert!(!first.is_instance(&module.get_type()).expect("isinstance"));
            let code = function_code(&module, "target")
                .expect("readable")
                .expect("found");
            assert_eq!(
                code.getattr("co_name").expect("co_name").to_string(),
                "target"
            );
            assert!(
                function_code(&module, "missing")
                    .expect("readable")
                    .is_none()
            );
        });
    }

    #[test]
    fn function_gets_fresh_globals_and_the_file_name() {
        static F: Function = Function::new(Spec {
            name: "where_am_i",
            source: c"\n\ndef where_am_i():\n    return (__name__, __file__, where_am_i.__code__.co_filename, where_am_i.__code__.co_firstlineno)\n",
            file: "src/some.rs",
            module: "crate::some",
            params: &[],
            param_types: &[],
            return_type: "(String, String, String, u32)",
            defaults: &[],
            keyword_defaults: &[],
            captures: None,
            namespace: None,
            bytecode: None,
        });
        Python::attach(|py| {
            let f = F.get(py).expect("built");
            let result = F.call(f, []).expect("called");
            let value: (String, String, String, u32) = F.ret(result).expect("converted");
            assert_eq!(
                value,
                (
                    "crate::some".to_owned(),
                    "src/some.rs".to_owned(),
                    "src/some.rs".to_owned(),
                    3
                )
            );
        });
    }

    #[test]
    fn missing_function_is_an_error_not_a_panic() {
        let f = Function::new(spec("absent", c"def present():\n    pass\n"));
        Python::attach(|py| {
            let err = f.get(py).expect_err("an error");
            assert_eq!(err.kind(), crate::ErrorKind::Function);
            assert!(err.message().contains("no function `absent`"), "{err}");
        });
    }

    #[test]
    fn source_rejected_at_run_time_is_an_error() {
        let f = Function::new(spec("broken", c"def broken(:\n"));
        Python::attach(|py| {
            let err = f.get(py).expect_err("an error");
            assert_eq!(err.kind(), crate::ErrorKind::Function);
            assert_eq!(err.exception_type(), Some("SyntaxError"));
        });
    }

    /// `marshal.dumps(compile(source, file, "exec"))`, leaked for a
    /// `'static` spec.
    fn marshalled(source: &str, file: &str) -> &'static [u8] {
        Python::attach(|py| {
            let code = PyModule::import(py, "builtins")
                .and_then(|builtins| builtins.getattr("compile"))
                .and_then(|compile| compile.call1((source, file, "exec")))
                .expect("compiles");
            let bytes: Vec<u8> = PyModule::import(py, "marshal")
                .and_then(|marshal| marshal.call_method1("dumps", (code,)))
                .and_then(|bytes| bytes.extract())
                .expect("marshals");
            &*Box::leak(bytes.into_boxed_slice())
        })
    }

    fn magic() -> u32 {
        Python::attach(|py| {
            let magic: [u8; 4] = PyModule::import(py, "importlib.util")
                .and_then(|util| util.getattr("MAGIC_NUMBER"))
                .and_then(|magic| magic.extract())
                .expect("MAGIC_NUMBER");
            u32::from_le_bytes(magic)
        })
    }

    /// A function `which` whose source returns `"source"` and whose
    /// embedded bytecode (from another source, so that the result tells
    /// which was used) returns `"bytecode"`, with `bytecode` changed by
    /// `edit`.
    fn which(edit: impl FnOnce(&mut Bytecode)) -> Function {
        const FILE: &str = "src/which.rs";
        let marshal = marshalled("\ndef which():\n    return 'bytecode'\n", FILE);
        let mut bytecode = Bytecode {
            magic: magic(),
            file: FILE,
            marshal,
            checksum: pyfn_common::checksum(marshal),
        };
        edit(&mut bytecode);
        Function::new(Spec {
            file: FILE,
            return_type: "String",
            bytecode: Some(bytecode),
            ..spec("which", c"\ndef which():\n    return 'source'\n")
        })
    }

    fn result_of(function: &Function) -> String {
        Python::attach(|py| {
            let f = function.get(py).expect("built");
            let result = function.call(f, []).expect("called");
            function.ret(result).expect("a str")
        })
    }

    #[test]
    fn bytecode_is_loaded_when_it_matches() {
        assert_eq!(result_of(&which(|_| {})), "bytecode");
    }

    #[test]
    fn another_magic_number_compiles_the_source() {
        let f = which(|bytecode| bytecode.magic ^= 1);
        assert_eq!(result_of(&f), "source");
    }

    #[test]
    fn another_file_name_compiles_the_source() {
        let f = which(|bytecode| bytecode.file = "src/elsewhere.rs");
        assert_eq!(result_of(&f), "source");
    }

    #[test]
    fn damaged_bytes_are_never_loaded() {
        // A byte changed: the checksum no longer matches.
        let f = which(|bytecode| {
            let mut bytes = bytecode.marshal.to_vec();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x55;
            bytecode.marshal = Box::leak(bytes.into_boxed_slice());
        });
        assert_eq!(result_of(&f), "source");
    }

    #[test]
    fn bytes_marshal_refuses_compile_the_source() {
        // Garbage and truncated bytes, with a checksum that matches them:
        // `marshal` raises, and the source is compiled.
        for bytes in [
            &b"\xff\xfe garbage"[..],
            &b""[..],
            &marshalled("def which():\n    return 'bytecode'\n", "src/which.rs")[..20],
        ] {
            let f = which(|bytecode| {
                bytecode.marshal = bytes;
                bytecode.checksum = pyfn_common::checksum(bytes);
            });
            assert_eq!(result_of(&f), "source");
        }
        // The interpreter has no exception left set.
        Python::attach(|py| assert!(PyErr::take(py).is_none()));
    }

    #[test]
    fn an_object_that_is_not_code_compiles_the_source() {
        // `marshal.dumps(42)`: valid, but not a code object.
        let f = which(|bytecode| {
            bytecode.marshal = b"\xe9\x2a\x00\x00\x00";
            bytecode.checksum = pyfn_common::checksum(bytecode.marshal);
        });
        assert_eq!(result_of(&f), "source");
    }

    #[test]
    fn a_module_loads_its_bytecode_or_compiles_its_source() {
        const FILE: &str = "src/mod.py";
        let marshal = marshalled("def which():\n    return 'bytecode'\n", FILE);
        let module = |magic: u32| -> &'static Module {
            Box::leak(Box::new(Module::new(ModuleSpec {
                source: "def which():\n    return 'source'\n",
                file: FILE,
                module: "crate::m",
                columns_from: 0,
                columns: &[],
                bytecode: Some(Bytecode {
                    magic,
                    file: FILE,
                    marshal,
                    checksum: pyfn_common::checksum(marshal),
                }),
                package: None,
                reload: None,
            })))
        };
        for (magic, expected) in [(self::magic(), "bytecode"), (self::magic() ^ 1, "source")] {
            let f = Function::new(Spec {
                file: FILE,
                return_type: "String",
                namespace: Some(module(magic)),
                ..spec("which", c"")
            });
            assert_eq!(result_of(&f), expected);
        }
    }
}
