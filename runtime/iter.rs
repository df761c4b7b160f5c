//! `pyfn::Iter<T>`: a Python iterator (a generator, say) driven from Rust.

use std::marker::PhantomData;

use pyo3::conversion::FromPyObjectOwned;
use pyo3::types::PyAnyMethods;
use pyo3::{Bound, Py, PyAny, PyErr, Python, ffi};

use crate::error::{Error, Result};

/// The return type of a Python function that `yield`s (or returns any
/// iterable): a Rust iterator over its items, converted to `T` one by one,
/// lazily, as Rust asks for them.
///
/// Each item is a [`Result`]: the Python code may raise while producing
/// it, or produce something that is not a `T`. After an error, or when the
/// Python iterator is exhausted, the iterator ends. Dropping it before the
/// end closes a generator, so its `finally` blocks and `with` exits run.
///
/// ```
/// use pyfn::{Iter, py_fn};
///
/// py_fn! {
///     fn countdown(n: i64) -> Iter<i64> {
///         while n > 0:
///             yield n
///             n -= 1
///     }
/// }
///
/// # fn main() -> pyfn::Result<()> {
/// let items = countdown(3)?.collect::<pyfn::Result<Vec<i64>>>()?;
/// assert_eq!(items, [3, 2, 1]);
/// # Ok(())
/// # }
/// ```
pub struct Iter<T> {
    iterator: Option<Py<PyAny>>,
    function: &'static str,
    item_type: &'static str,
    _items: PhantomData<fn() -> T>,
}

impl<T> Iter<T> {
    /// `iter(value)`, for function `function` whose items are `item_type`.
    pub(crate) fn new(
        value: &Bound<'_, PyAny>,
        function: &'static str,
        item_type: &'static str,
    ) -> std::result::Result<Self, PyErr> {
        Ok(Iter {
            iterator: Some(value.try_iter()?.into_any().unbind()),
            function,
            item_type,
            _items: PhantomData,
        })
    }
}

impl<T> Iterator for Iter<T>
where
    T: for<'py> FromPyObjectOwned<'py>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let iterator = self.iterator.as_ref()?;
        let (function, item_type) = (self.function, self.item_type);
        if !crate::thread::keep() {
            self.iterator = None;
            return Some(Err(Error::thread_exiting(function)));
        }
        let step = Python::try_attach(|py| {
            // SAFETY: `iterator` is a live iterator object (made by
            // `iter()`); `PyIter_Next` returns a new reference, or NULL at
            // the end or on error.
            let item = unsafe { ffi::PyIter_Next(iterator.as_ptr()) };
            if item.is_null() {
                return PyErr::take(py).map(|err| Err(Error::exception(py, function, err)));
            }
            // SAFETY: a non-NULL result is a new (owned) reference.
            let item = unsafe { Bound::from_owned_ptr(py, item) };
            Some(
                item.extract::<T>()
                    .map_err(|err| Error::return_value(&item, function, item_type, err.into())),
            )
        });
        match step {
            Some(Some(Ok(item))) => Some(Ok(item)),
            Some(Some(Err(err))) => {
                self.iterator = None;
                Some(Err(err))
            }
            Some(None) => {
                self.iterator = None;
                None
            }
            None => {
                self.iterator = None;
                Some(Err(Error::interpreter(function)))
            }
        }
    }
}

impl<T> std::iter::FusedIterator for Iter<T> where T: for<'py> FromPyObjectOwned<'py> {}

impl<T> Drop for Iter<T> {
    /// Closes an unfinished generator, running its `finally` blocks.
    fn drop(&mut self) {
        if let Some(iterator) = self.iterator.take() {
            // A thread at its exit can no longer run Python: the generator
            // is left to Python's own collection.
            if !crate::thread::keep() {
                return;
            }
            let _ = Python::try_attach(|py| {
                let iterator = iterator.into_bound(py);
                if let Ok(close) = iterator.getattr("close") {
                    // An exception from `close` has nowhere to go; Python
                    // itself only reports it as unraisable.
                    if let Err(err) = close.call0() {
                        err.write_unraisable(py, Some(&iterator));
                    }
                }
            });
        }
    }
}

impl<T> std::fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter")
            .field("function", &self.function)
            .field("item_type", &self.item_type)
            .field("finished", &self.iterator.is_none())
            .finish()
    }
}
