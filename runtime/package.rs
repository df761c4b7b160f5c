//! A `py_module!` package (`package = "dir";`): its files, embedded in the
//! binary, importable under the package's name through one importlib
//! finder and loader on `sys.meta_path`, installed once per process.
//!
//! The finder is the first entry of `sys.meta_path`, so the embedded
//! package wins over one of the same name on `sys.path`. A module of the
//! package's name already imported from elsewhere is an error (never
//! replaced, never reused): two packages would otherwise share one name.

use std::ffi::CStr;
use std::sync::Mutex;

use pyo3::types::{PyAnyMethods, PyDict, PyDictMethods, PyModule, PyModuleMethods};
use pyo3::{Bound, Py, PyAny, PyErr, PyResult, Python};

use crate::error::{Error, Result};
use crate::once::lock;
use crate::spec::{PackageFile, PackageSpec};

/// The finder and loader, defined once per process (`FINDER`).
const FINDER_SOURCE: &CStr = cr#"
import sys
from importlib.machinery import ModuleSpec


class PyfnFinder:
    """The packages of pyfn's `py_module!`s, embedded in this program:
    a finder and loader for their modules, by dotted name."""

    def __init__(self):
        self.modules = {}

    def add(self, name, file, is_package, source, code):
        self.modules[name] = (file, is_package, source, code)

    def find_spec(self, fullname, path=None, target=None):
        entry = self.modules.get(fullname)
        if entry is None:
            return None
        spec = ModuleSpec(fullname, self, origin=entry[0], is_package=entry[1])
        spec.has_location = True
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        file, _, source, code = self.modules[module.__spec__.name]
        if code is None:
            code = compile(source, file, "exec", dont_inherit=True)
        exec(code, module.__dict__)

    def get_source(self, fullname):
        entry = self.modules.get(fullname)
        return None if entry is None else entry[2]

    def is_package(self, fullname):
        return self.modules[fullname][1]


finder = PyfnFinder()
sys.meta_path.insert(0, finder)
"#;

/// The process's one finder, on `sys.meta_path`.
fn finder(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static FINDER: crate::once::Once<Py<PyAny>> = crate::once::Once::new();
    FINDER
        .get_or_py_init(py, || {
            let scope = PyDict::new(py);
            scope.set_item("__builtins__", PyModule::import(py, "builtins")?)?;
            scope.set_item("__name__", "pyfn._package")?;
            py.run(FINDER_SOURCE, Some(&scope), Some(&scope))?;
            let finder = scope
                .get_item("finder")?
                .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("no finder"))?;
            Ok::<_, PyErr>(finder.unbind())
        })
        .map(|finder| finder.bind(py))
}

/// A package of a `py_module!`: its files are given to the finder on the
/// first call of one of its functions.
#[doc(hidden)]
pub struct Package {
    spec: PackageSpec,
    installed: crate::once::Once<()>,
    /// `#[py(reload)]`: when the files were last looked at.
    watch: crate::reload::Watch,
    /// After a reload: its generation (from 1), and the namespace of each
    /// module a declared function comes from.
    current: Mutex<Option<Reloaded>>,
}

/// A reload's generation, and the namespace of each module a declared
/// function comes from.
type Reloaded = (u64, Vec<(&'static str, Py<PyDict>)>);

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

impl Package {
    /// A package installed on the first call of one of its functions.
    pub const fn new(spec: PackageSpec) -> Self {
        Package {
            spec,
            installed: crate::once::Once::new(),
            watch: crate::reload::Watch::new(),
            current: Mutex::new(None),
        }
    }

    /// Whether the package reloads changed files.
    pub(crate) fn reloads(&self) -> bool {
        self.spec.reload.is_some()
    }

    /// After a reload, module `module`'s new namespace and the reload's
    /// generation; `None` before any. Polls the files first.
    pub(crate) fn reloaded<'py>(
        &self,
        py: Python<'py>,
        module: &str,
        caller: &'static str,
    ) -> Result<Option<(u64, Bound<'py, PyDict>)>> {
        let Some(reload) = self.spec.reload else {
            return Ok(None);
        };
        let files = self.spec.files;
        let embedded = |index: usize| files.get(index).map_or("", |file| file.source);
        if self.watch.changed(reload.paths, &embedded) {
            self.reload(py, reload, caller)?;
        }
        let current = lock(&self.current);
        Ok(current.as_ref().and_then(|(generation, modules)| {
            modules
                .iter()
                .find(|(name, _)| *name == module)
                .map(|(_, namespace)| (*generation, namespace.bind(py).clone()))
        }))
    }

    /// Reads, compiles and imports every file again; the old modules stay
    /// (in `sys.modules` and the finder) on any error.
    fn reload(
        &self,
        py: Python<'_>,
        reload: &crate::reload::Reload,
        caller: &'static str,
    ) -> Result<()> {
        let what = format!("package `{}`", self.spec.name);
        let fail = |context: &str, err: Option<PyErr>| {
            crate::reload::failed(py, caller, &what, context, err)
        };
        let finder = finder(py).map_err(|err| fail("no finder", Some(err)))?;
        // The new files, each compiled: nothing changes unless all do.
        let mut new = Vec::new();
        for (index, file) in self.spec.files.iter().enumerate() {
            let path = reload.paths.get(index).copied().unwrap_or_default();
            let source = if path.is_empty() {
                String::new()
            } else {
                crate::reload::read_source(py, path)
                    .map_err(|err| fail(&format!("cannot read `{}`", file.file), Some(err)))?
            };
            let code = crate::reload::compile(py, &source, file.file)
                .map_err(|err| fail(&format!("`{}` does not compile", file.file), Some(err)))?;
            new.push((file, source, code));
        }
        let swap = (|| -> PyResult<(Bound<'_, PyDict>, Bound<'_, PyDict>)> {
            let modules = PyModule::import(py, "sys")?.getattr("modules")?;
            let entries = finder.getattr("modules")?;
            let old_modules = PyDict::new(py);
            let old_entries = PyDict::new(py);
            for (file, source, code) in &new {
                if let Ok(module) = modules.get_item(file.module) {
                    old_modules.set_item(file.module, module)?;
                    modules.del_item(file.module)?;
                }
                old_entries.set_item(file.module, entries.get_item(file.module)?)?;
                let lines: &'static str = Box::leak(source.clone().into_boxed_str());
                crate::lines::register(py, file.file, crate::lines::Text::Str(lines))?;
                finder.call_method1(
                    "add",
                    (file.module, file.file, file.is_package, lines, code),
                )?;
            }
            Ok((old_modules, old_entries))
        })();
        let (old_modules, old_entries) =
            swap.map_err(|err| fail("cannot replace the modules", Some(err)))?;
        let mut namespaces = Vec::new();
        let mut outcome = Ok(());
        for declared in reload.functions {
            if namespaces.iter().any(|(name, _)| *name == declared.module) {
                continue;
            }
            let imported = match PyModule::import(py, declared.module) {
                Ok(module) => module.dict(),
                Err(err) => {
                    outcome = Err(fail(
                        &format!("importing `{}` raised", declared.module),
                        Some(err),
                    ));
                    break;
                }
            };
            match crate::reload::check_signatures(py, &imported, reload.functions, declared.module)
            {
                Ok(None) => namespaces.push((declared.module, imported.unbind())),
                Ok(Some(mismatch)) => {
                    outcome = Err(fail(&mismatch, None));
                    break;
                }
                Err(err) => {
                    outcome = Err(fail("cannot check the signatures", Some(err)));
                    break;
                }
            }
        }
        if let Err(error) = outcome {
            // Back to the old modules and sources.
            let restore = (|| -> PyResult<()> {
                let modules = PyModule::import(py, "sys")?.getattr("modules")?;
                for (file, ..) in &new {
                    if modules.get_item(file.module).is_ok() {
                        modules.del_item(file.module)?;
                    }
                }
                modules.call_method1("update", (&old_modules,))?;
                finder
                    .getattr("modules")?
                    .call_method1("update", (&old_entries,))?;
                for (file, ..) in &new {
                    let entry = old_entries.get_item(file.module)?;
                    if let Some(entry) = entry {
                        let source: String = entry.get_item(2)?.extract()?;
                        let lines: &'static str = Box::leak(source.into_boxed_str());
                        crate::lines::register(py, file.file, crate::lines::Text::Str(lines))?;
                    }
                }
                Ok(())
            })();
            if let Err(err) = restore {
                eprintln!("pyfn: reload of {what}: cannot restore the old modules: {err}");
            }
            return Err(error);
        }
        let mut current = lock(&self.current);
        let generation = current.as_ref().map_or(0, |(generation, _)| *generation) + 1;
        *current = Some((generation, namespaces));
        Ok(())
    }

    /// The namespace of module `module` (dotted) of the package, imported
    /// (once, as Python imports: `sys.modules` holds it).
    pub(crate) fn import<'py>(
        &self,
        py: Python<'py>,
        module: &str,
        caller: &'static str,
    ) -> Result<Bound<'py, PyDict>> {
        let fail = |context: &str, err: PyErr| Error::build_failed(py, caller, context, Some(err));
        let finder = finder(py).map_err(|err| fail("cannot install the package finder", err))?;
        self.foreign(py, finder, caller)?;
        self.installed
            .get_or_py_init(py, || install(py, finder, self.spec.files))
            .map_err(|err| fail("cannot install the package's modules", err))?;
        let imported = PyModule::import(py, module)
            .map_err(|err| fail(&format!("importing `{module}` raised"), err))?;
        Ok(imported.dict())
    }

    /// An error if `sys.modules` holds the package's name from elsewhere.
    fn foreign(
        &self,
        py: Python<'_>,
        finder: &Bound<'_, PyAny>,
        caller: &'static str,
    ) -> Result<()> {
        let found = (|| -> PyResult<Option<String>> {
            let modules = PyModule::import(py, "sys")?.getattr("modules")?;
            let Ok(existing) = modules.get_item(self.spec.name) else {
                return Ok(None);
            };
            let loader = existing
                .getattr("__spec__")
                .and_then(|spec| spec.getattr("loader"))
                .ok();
            let from = existing
                .getattr("__file__")
                .and_then(|file| file.str().map(|s| s.to_string()))
                .ok();
            // Ours: the same package (another `py_module!` of the same
            // directory) is reused; another directory of the same name is
            // an error.
            let own = self
                .spec
                .files
                .iter()
                .find(|file| file.module == self.spec.name)
                .map(|file| file.file);
            if loader.is_some_and(|loader| loader.is(finder)) && from.as_deref() == own {
                return Ok(None);
            }
            let from = from.unwrap_or_else(|| "somewhere else".to_owned());
            Ok(Some(from))
        })();
        match found {
            Ok(None) => Ok(()),
            Ok(Some(from)) => Err(Error::build_failed(
                py,
                caller,
                &format!(
                    "a module named `{}` is already imported, from {from}: pyfn's embedded package of that name cannot be imported too (rename one of them)",
                    self.spec.name
                ),
                None,
            )),
            Err(err) => Err(Error::build_failed(
                py,
                caller,
                "cannot read `sys.modules`",
                Some(err),
            )),
        }
    }
}

/// Gives every file of a package to the finder: its code object (compiled
/// at build time, when this interpreter would compile the same) or its
/// source, and registers the source for tracebacks.
fn install(py: Python<'_>, finder: &Bound<'_, PyAny>, files: &[PackageFile]) -> PyResult<()> {
    for file in files {
        let code = crate::function::load(py, file.bytecode.as_ref(), file.file);
        crate::lines::register(py, file.file, crate::lines::Text::Str(file.source))?;
        finder.call_method1(
            "add",
            (file.module, file.file, file.is_package, file.source, code),
        )?;
    }
    Ok(())
}
