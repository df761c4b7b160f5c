//! One call of a Python function: the arguments converted to Python
//! objects, one vectorcall, the result converted back.

use pyo3::conversion::FromPyObjectOwned;
use pyo3::types::{PyAnyMethods, PyString, PyTuple};
use pyo3::{Bound, IntoPyObject, IntoPyObjectExt, PyAny, PyErr, Python, ffi};

use crate::error::{Error, Result};
use crate::function::Function;

/// The arguments of a call to a function with defaults.
#[doc(hidden)]
pub struct Args<'py> {
    positional: Vec<Bound<'py, PyAny>>,
    keywords: Vec<(Bound<'py, PyString>, Bound<'py, PyAny>)>,
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
}

impl Function {
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
        value
            .into_bound_py_any(py)
            .map_err(|err| self.argument_error(py, index, err))
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
            Some(value) => self.push_arg(py, args, index, value)?,
        }
        Ok(())
    }

    /// Adds a positional argument: by keyword once an earlier one was left
    /// to its default.
    pub fn push_arg<'py, T>(
        &self,
        py: Python<'py>,
        args: &mut Args<'py>,
        index: usize,
        value: T,
    ) -> Result<()>
    where
        T: IntoPyObject<'py>,
    {
        let value = self.arg(py, index, value)?;
        if args.skipped {
            args.keywords.push((self.param_name(py, index), value));
        } else {
            args.positional.push(value);
        }
        Ok(())
    }

    /// Adds the argument of a keyword-only parameter, by name.
    pub fn push_keyword<'py, T>(
        &self,
        py: Python<'py>,
        args: &mut Args<'py>,
        index: usize,
        value: T,
    ) -> Result<()>
    where
        T: IntoPyObject<'py>,
    {
        let value = self.arg(py, index, value)?;
        args.keywords.push((self.param_name(py, index), value));
        Ok(())
    }

    /// Adds the argument of a keyword-only parameter with a default, by
    /// name: nothing for `None` (the default applies).
    pub fn push_keyword_default<'py, T>(
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
            None => Ok(()),
            Some(value) => self.push_keyword(py, args, index, value),
        }
    }

    /// Adds each item of `values` (`*args`) as a positional argument. After
    /// an earlier parameter was left to its default, items cannot follow
    /// it: an `Argument` error, unless there are none.
    pub fn push_varargs<'py, I>(
        &self,
        py: Python<'py>,
        args: &mut Args<'py>,
        index: usize,
        values: I,
    ) -> Result<()>
    where
        I: IntoIterator,
        I::Item: IntoPyObject<'py>,
    {
        for value in values {
            if args.skipped {
                let skipped = pyo3::exceptions::PyTypeError::new_err(
                    "a positional parameter before `*args` was left to its default (`None`), so no `*args` item can be passed after it: pass that parameter",
                );
                return Err(self.argument_error(py, index, skipped));
            }
            let value = self.arg(py, index, value)?;
            args.positional.push(value);
        }
        Ok(())
    }

    /// Adds each entry of `entries` (`**kwargs`) as a keyword argument.
    pub fn push_varkwargs<'py, I, K, V>(
        &self,
        py: Python<'py>,
        args: &mut Args<'py>,
        index: usize,
        entries: I,
    ) -> Result<()>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: IntoPyObject<'py>,
    {
        for (key, value) in entries {
            let value = self.arg(py, index, value)?;
            args.keywords.push((PyString::new(py, key.as_ref()), value));
        }
        Ok(())
    }

    /// Parameter `index`'s name, as a Python string.
    fn param_name<'py>(&self, py: Python<'py>, index: usize) -> Bound<'py, PyString> {
        PyString::intern(py, self.spec.params.get(index).copied().unwrap_or("?"))
    }

    /// An `Argument` error for parameter `index`.
    fn argument_error(&self, py: Python<'_>, index: usize, err: PyErr) -> Error {
        Error::argument(
            py,
            self.spec.name,
            self.spec.params.get(index).copied().unwrap_or("?"),
            self.spec.param_types.get(index).copied().unwrap_or("?"),
            err,
        )
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
            let names = args.keywords.iter().map(|(name, _)| name);
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
