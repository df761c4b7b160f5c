//! The cached Python function behind each `py_fn!` item, and one call of it.

use std::ffi::{CStr, CString};

use pyo3::conversion::FromPyObjectOwned;
use pyo3::sync::PyOnceLock;
use pyo3::types::code::PyCodeInput;
use pyo3::types::{PyAnyMethods, PyCode, PyDict, PyDictMethods, PyModule, PyTuple};
use pyo3::{Bound, IntoPyObject, IntoPyObjectExt, Py, PyAny, PyErr, Python, ffi};

use crate::error::{Error, Result};

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
    /// For a closure, the captured names: the parameters of the outer
    /// function the source defines around `name`, whose cells the closure
    /// gets. `None` for a plain function.
    pub captures: Option<&'static [&'static str]>,
    /// For a function of a `py_module!`: the module, whose executed
    /// namespace holds the function object.
    pub namespace: Option<&'static Module>,
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
    /// `__name__`: the Rust module's path.
    pub module: &'static str,
}

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
    globals: PyOnceLock<Py<PyDict>>,
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
            globals: PyOnceLock::new(),
        }
    }

    /// The module's namespace, after its source ran (once).
    fn globals<'py>(&self, py: Python<'py>, caller: &'static str) -> Result<&Bound<'py, PyDict>> {
        let fail = |context: &str, err: PyErr| Error::build_failed(py, caller, context, Some(err));
        self.globals
            .get_or_try_init(py, || {
                let source = CString::new(self.spec.source).map_err(|_| {
                    Error::build_failed(py, caller, "the module source holds a NUL byte", None)
                })?;
                let file = CString::new(self.spec.file).map_err(|_| {
                    Error::build_failed(py, caller, "the source file name holds a NUL byte", None)
                })?;
                let code = PyCode::compile(py, &source, &file, PyCodeInput::File)
                    .map_err(|err| fail("the module source does not compile", err))?;
                let globals = new_globals(py, self.spec.module, self.spec.file)
                    .map_err(|err| fail("cannot create the module's globals", err))?;
                PyModule::import(py, "builtins")
                    .and_then(|builtins| builtins.getattr("exec"))
                    .and_then(|exec| exec.call1((code, &globals)))
                    .map_err(|err| fail("the module source raised while running", err))?;
                Ok(globals.unbind())
            })
            .map(|globals| globals.bind(py))
    }
}

/// The name of the function a closure's source defines around it.
pub const CLOSURE_OUTER: &str = "_pyfn_outer";

/// One Python function: its spec, and what is built from it once.
#[doc(hidden)]
pub struct Function {
    spec: Spec,
    cell: PyOnceLock<Built>,
}

/// What `Function::build` makes, once per process.
struct Built {
    /// The function object (plain functions).
    function: Option<Py<PyAny>>,
    /// The code object, for building closure instances.
    code: Option<Py<PyAny>>,
    globals: Py<PyDict>,
    /// The function's name, as the Python string `FunctionType` takes.
    name: Py<pyo3::types::PyString>,
    argdefs: Option<Py<PyTuple>>,
    /// For each of the code's `co_freevars`, its index in `Spec::captures`.
    freevars: Vec<usize>,
}

impl Function {
    /// A function that is built on its first call.
    pub const fn new(spec: Spec) -> Self {
        Function {
            spec,
            cell: PyOnceLock::new(),
        }
    }

    /// The Python name of the function.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    fn built(&self, py: Python<'_>) -> Result<&Built> {
        self.cell.get_or_try_init(py, || self.build(py))
    }

    /// The function object, built once per process.
    #[inline]
    pub fn get<'a, 'py>(&'a self, py: Python<'py>) -> Result<&'a Bound<'py, PyAny>> {
        match &self.built(py)?.function {
            Some(function) => Ok(function.bind(py)),
            None => Err(Error::build_failed(
                py,
                self.spec.name,
                "a closure is called through its instance",
                None,
            )),
        }
    }

    /// `compile(source, file, "exec")`, the function's code object taken
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
                name: pyo3::types::PyString::intern(py, spec.name).unbind(),
                argdefs: None,
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
        let module = PyCode::compile(py, spec.source, &file, PyCodeInput::File)
            .map_err(|err| fail("the Python source does not compile", err))?
            .into_any();
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
        let name = pyo3::types::PyString::intern(py, spec.name);
        let function = match spec.captures {
            Some(_) => None,
            None => {
                let function = new_function(&code, &globals, &name, argdefs.as_ref(), None)
                    .map_err(|err| fail("cannot create the function object", err))?;
                // The function's own name resolves in its globals, so that it
                // can call itself recursively as it could in a Python module.
                globals
                    .set_item(spec.name, &function)
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
            built.argdefs.as_ref().map(|argdefs| argdefs.bind(py)),
            Some(&closure),
        )
        .map(Bound::unbind)
        .map_err(fail)
    }

    /// Converts captured value `index` to a Python object.
    #[inline]
    pub fn capture<'py, T>(
        &self,
        py: Python<'py>,
        index: usize,
        value: T,
    ) -> Result<Bound<'py, PyAny>>
    where
        T: IntoPyObject<'py>,
    {
        let name = self
            .spec
            .captures
            .and_then(|captures| captures.get(index).copied())
            .unwrap_or("?");
        value.into_bound_py_any(py).map_err(|err| {
            Error::argument(py, self.spec.name, name, std::any::type_name::<T>(), err)
        })
    }

    /// Converts argument `index` to a Python object.
    #[inline]
    pub fn arg<'py, T>(&self, py: Python<'py>, index: usize, value: T) -> Result<Bound<'py, PyAny>>
    where
        T: IntoPyObject<'py>,
    {
        value.into_bound_py_any(py).map_err(|err| {
            Error::argument(
                py,
                self.spec.name,
                self.spec.params.get(index).copied().unwrap_or("?"),
                self.spec.param_types.get(index).copied().unwrap_or("?"),
                err,
            )
        })
    }

    /// Calls `function` with positional `args`: one vectorcall, no tuple.
    #[inline]
    pub fn call<'py, const N: usize>(
        &self,
        function: &Bound<'py, PyAny>,
        args: [Bound<'py, PyAny>; N],
    ) -> Result<Bound<'py, PyAny>> {
        let py = function.py();
        let pointers = args.each_ref().map(|arg| arg.as_ptr());
        // SAFETY: `function` and every argument are live objects we hold a
        // reference to (`args` outlives the call); vectorcall borrows them.
        let result = unsafe {
            ffi::PyObject_Vectorcall(
                function.as_ptr(),
                pointers.as_ptr(),
                N,
                std::ptr::null_mut(),
            )
        };
        self.finish_call(py, result)
    }

    /// The outcome of a vectorcall returning `result`.
    #[inline]
    fn finish_call<'py>(
        &self,
        py: Python<'py>,
        result: *mut ffi::PyObject,
    ) -> Result<Bound<'py, PyAny>> {
        if result.is_null() {
            let err = PyErr::take(py).unwrap_or_else(|| {
                pyo3::exceptions::PySystemError::new_err(
                    "function returned NULL without setting an exception",
                )
            });
            return Err(Error::exception(py, self.spec.name, err));
        }
        // SAFETY: a non-NULL vectorcall result is a new (owned) reference.
        Ok(unsafe { Bound::from_owned_ptr(py, result) })
    }

    /// Adds the argument of a parameter with a default: nothing for `None`
    /// (the default applies), by keyword once an earlier one was left out.
    pub fn push_default<'py, T>(
        &self,
        py: Python<'py>,
        args: &mut Args<'py>,
        index: usize,
        value: Option<T>,
    ) -> Result<()>
    where
        T: IntoPyObject<'py>,
    {
        match value {
            None => args.skipped = true,
            Some(value) => {
                let value = self.arg(py, index, value)?;
                if args.skipped {
                    let name = self.spec.params.get(index).copied().unwrap_or("?");
                    args.keywords.push((name, value));
                } else {
                    args.positional.push(value);
                }
            }
        }
        Ok(())
    }

    /// Calls `function` with positional and keyword `args`: one vectorcall.
    pub fn call_args<'py>(
        &self,
        function: &Bound<'py, PyAny>,
        args: Args<'py>,
    ) -> Result<Bound<'py, PyAny>> {
        let py = function.py();
        let pointers: Vec<*mut ffi::PyObject> = args
            .positional
            .iter()
            .chain(args.keywords.iter().map(|(_, value)| value))
            .map(|arg| arg.as_ptr())
            .collect();
        let names = if args.keywords.is_empty() {
            None
        } else {
            let names = args
                .keywords
                .iter()
                .map(|(name, _)| pyo3::types::PyString::intern(py, name));
            Some(PyTuple::new(py, names).map_err(|err| Error::exception(py, self.spec.name, err))?)
        };
        // SAFETY: `function`, every argument and the names tuple are live
        // objects held until the call returns; vectorcall borrows them.
        let result = unsafe {
            ffi::PyObject_Vectorcall(
                function.as_ptr(),
                pointers.as_ptr(),
                args.positional.len(),
                names
                    .as_ref()
                    .map_or(std::ptr::null_mut(), |names| names.as_ptr()),
            )
        };
        self.finish_call(py, result)
    }

    /// The iterator over the returned iterable, whose items are `T`
    /// (written `item_type`).
    pub fn iter<T>(
        &self,
        value: Bound<'_, PyAny>,
        item_type: &'static str,
    ) -> Result<crate::Iter<T>> {
        crate::Iter::new(&value, self.spec.name, item_type)
            .map_err(|err| Error::return_value(&value, self.spec.name, self.spec.return_type, err))
    }

    /// Converts the return value to `T`.
    #[inline]
    pub fn ret<'py, T>(&self, value: Bound<'py, PyAny>) -> Result<T>
    where
        T: FromPyObjectOwned<'py>,
    {
        value.extract::<T>().map_err(|err| {
            Error::return_value(&value, self.spec.name, self.spec.return_type, err.into())
        })
    }
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

/// A fresh globals dict for one function (or one module of functions).
fn new_globals<'py>(
    py: Python<'py>,
    module: &str,
    file: &str,
) -> pyo3::PyResult<Bound<'py, PyDict>> {
    let globals = PyDict::new(py);
    globals.set_item("__builtins__", PyModule::import(py, "builtins")?)?;
    globals.set_item("__name__", module)?;
    globals.set_item("__file__", file)?;
    Ok(globals)
}

/// `types.FunctionType(code, globals, name, argdefs, closure)`.
fn new_function<'py>(
    code: &Bound<'py, PyAny>,
    globals: &Bound<'py, PyDict>,
    name: &Bound<'py, pyo3::types::PyString>,
    argdefs: Option<&Bound<'py, PyTuple>>,
    closure: Option<&Bound<'py, PyTuple>>,
) -> pyo3::PyResult<Bound<'py, PyAny>> {
    static FUNCTION_TYPE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = code.py();
    let function_type = FUNCTION_TYPE.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            PyModule::import(py, "types")?
                .getattr("FunctionType")?
                .unbind(),
        )
    })?;
    function_type
        .bind(py)
        .call1((code, globals, name, argdefs, closure))
}

/// The arguments of a call to a function with defaults.
#[doc(hidden)]
pub struct Args<'py> {
    positional: Vec<Bound<'py, PyAny>>,
    keywords: Vec<(&'static str, Bound<'py, PyAny>)>,
    /// A parameter with a default was left out: later ones go by keyword.
    skipped: bool,
}

impl<'py> Args<'py> {
    /// Room for `count` arguments.
    pub fn with_capacity(count: usize) -> Self {
        Args {
            positional: Vec::with_capacity(count),
            keywords: Vec::new(),
            skipped: false,
        }
    }

    /// Adds a positional argument.
    pub fn push(&mut self, value: Bound<'py, PyAny>) {
        self.positional.push(value);
    }
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
        match &self.object {
            Ok(object) => Ok(object.bind(py)),
            Err(err) => Err(err.duplicate(py, self.function.name())),
        }
    }
}

/// Prepares the interpreter once per process, before pyfn builds its first
/// function: checks that it is the CPython version pyfn was built against,
/// and makes an active virtual environment's packages importable.
fn prepare(py: Python<'_>, caller: &'static str) -> Result<()> {
    static PREPARED: PyOnceLock<()> = PyOnceLock::new();
    PREPARED
        .get_or_try_init(py, || {
            let info = py.version_info();
            if let Some(problem) =
                version_mismatch(env!("PYFN_BUILD_PYTHON"), (info.major, info.minor))
            {
                return Err(Error::interpreter_mismatch(caller, problem));
            }
            if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
                activate_venv(py, &venv).map_err(|err| {
                    Error::build_failed(
                        py,
                        caller,
                        "cannot add the virtual environment's packages",
                        Some(err),
                    )
                })?;
            }
            Ok(())
        })
        .map(|_| ())
}

/// Why a CPython `running` (major, minor) cannot run code built for
/// `built` ("3.11"), if it cannot.
fn version_mismatch(built: &str, running: (u8, u8)) -> Option<String> {
    let running_text = format!("{}.{}", running.0, running.1);
    (built != running_text).then(|| {
        format!(
            "pyfn was built against CPython {built} but runs on CPython {running_text}: rebuild with the interpreter the program runs on (`PYO3_PYTHON`)"
        )
    })
}

/// Adds the site-packages of the virtual environment at `venv` (the value
/// of `VIRTUAL_ENV`) with `site.addsitedir`, as its own `python` would
/// have them, unless the interpreter already is that environment's.
fn activate_venv(py: Python<'_>, venv: &std::ffi::OsStr) -> pyo3::PyResult<()> {
    const ACTIVATE: &CStr = cr#"
import os, site, sys
venv = os.path.realpath(venv)
if os.path.realpath(sys.prefix) != venv:
    candidates = [
        os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"),
        os.path.join(venv, "Lib", "site-packages"),
    ]
    for path in candidates:
        if os.path.isdir(path) and path not in sys.path:
            site.addsitedir(path)
"#;
    let scope = PyDict::new(py);
    scope.set_item("venv", venv)?;
    py.run(ACTIVATE, Some(&scope), Some(&scope))
}

/// Runs `f` attached to the interpreter, starting it if needed.
#[doc(hidden)]
#[inline]
pub fn attach<F, R>(function: &Function, f: F) -> Result<R>
where
    F: for<'py> FnOnce(Python<'py>) -> Result<R>,
{
    // SAFETY: `Py_IsInitialized` may be called at any time, even before
    // the interpreter starts.
    if unsafe { ffi::Py_IsInitialized() } == 0 {
        Python::initialize();
    }
    crate::thread::keep();
    Python::try_attach(f).unwrap_or_else(|| Err(Error::interpreter(function.name())))
}

#[cfg(test)]
mod tests {
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
            captures: None,
            namespace: None,
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
            captures: None,
            namespace: None,
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
}

#[cfg(test)]
mod version_tests {
    use super::version_mismatch;

    #[test]
    fn versions_must_agree_on_major_and_minor() {
        assert_eq!(version_mismatch("3.11", (3, 11)), None);
        let problem = version_mismatch("3.11", (3, 12)).expect("a mismatch");
        assert!(problem.contains("built against CPython 3.11 but runs on CPython 3.12"));
    }
}
