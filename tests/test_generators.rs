//! Generators: a body that `yield`s, returning `pyfn::Iter<T>`.

use pyfn::{ErrorKind, Iter, py_fn};

py_fn! {
    fn squares(n: i64) -> Iter<i64> {
        for i in range(n):
            yield i * i
    }

    /// Records in `log` when its `finally` runs.
    fn guarded(log: pyfn::pyo3::Py<pyfn::pyo3::PyAny>) -> Iter<String> {
        try:
            for word in ["a", "b", "c"]:
                yield word
        finally:
            log.append("closed")
    }

    fn fails_after(n: i64) -> Iter<i64> {
        yield from range(n)
        raise RuntimeError("done badly")
    }

    fn mixed() -> Iter<i64> {
        yield 1
        yield "two"
        yield 3
    }

    /// Any iterable works, not only generators.
    fn letters(text: &str) -> Iter<char> {
        return sorted(set(text))
    }

    fn endless() -> Iter<u64> {
        import itertools
        yield from itertools.count()
    }
}

#[test]
fn items_arrive_lazily_and_in_order() -> pyfn::Result<()> {
    let items: Vec<i64> = squares(5)?.collect::<pyfn::Result<_>>()?;
    assert_eq!(items, vec![0, 1, 4, 9, 16]);
    let firsts: Vec<u64> = endless()?.take(3).collect::<pyfn::Result<_>>()?;
    assert_eq!(firsts, vec![0, 1, 2]);
    Ok(())
}

#[test]
fn early_drop_closes_the_generator() -> pyfn::Result<()> {
    use pyfn::pyo3::types::{PyAnyMethods, PyList, PyListMethods};
    let log = pyfn::pyo3::Python::attach(|py| PyList::empty(py).into_any().unbind());
    let mut words = guarded(log.clone_ref_attached())?;
    assert_eq!(words.next().transpose()?, Some("a".to_owned()));
    let closed = |log: &pyfn::pyo3::Py<pyfn::pyo3::PyAny>| {
        pyfn::pyo3::Python::attach(|py| log.bind(py).len().unwrap())
    };
    assert_eq!(closed(&log), 0, "finally ran before the drop");
    drop(words);
    assert_eq!(closed(&log), 1, "finally did not run on drop");
    pyfn::pyo3::Python::attach(|py| {
        let list = log.bind(py).cast::<PyList>().unwrap();
        assert_eq!(
            list.get_item(0).unwrap().extract::<String>().unwrap(),
            "closed"
        );
    });
    // Running to the end runs `finally` once, and dropping adds nothing.
    let all: Vec<String> = guarded(log.clone_ref_attached())?.collect::<pyfn::Result<_>>()?;
    assert_eq!(all, vec!["a", "b", "c"]);
    assert_eq!(closed(&log), 2);
    Ok(())
}

trait CloneRefAttached {
    fn clone_ref_attached(&self) -> Self;
}

impl CloneRefAttached for pyfn::pyo3::Py<pyfn::pyo3::PyAny> {
    fn clone_ref_attached(&self) -> Self {
        pyfn::pyo3::Python::attach(|py| self.clone_ref(py))
    }
}

#[test]
fn an_exception_ends_the_iteration() -> pyfn::Result<()> {
    let mut items = fails_after(2)?;
    assert_eq!(items.next().transpose()?, Some(0));
    assert_eq!(items.next().transpose()?, Some(1));
    let err = items.next().expect("an error item").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exception);
    assert_eq!(err.exception_type(), Some("RuntimeError"));
    assert_eq!(err.function(), "fails_after");
    assert!(items.next().is_none());
    Ok(())
}

#[test]
fn a_wrong_item_type_is_a_return_error() -> pyfn::Result<()> {
    let mut items = mixed()?;
    assert_eq!(items.next().transpose()?, Some(1));
    let err = items.next().expect("an error item").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Return);
    assert_eq!(err.rust_type(), Some("i64"));
    assert_eq!(err.python_type(), Some("str"));
    assert!(items.next().is_none());
    Ok(())
}

#[test]
fn any_iterable_is_an_iter() -> pyfn::Result<()> {
    let letters: String = letters("banana")?.collect::<pyfn::Result<_>>()?;
    assert_eq!(letters, "abn");
    Ok(())
}

#[test]
fn generator_closures() -> pyfn::Result<()> {
    let step = 3;
    let multiples = py_fn!(|n: i64| -> Iter<i64> {
        for i in range(n):
            yield i * step
    });
    let items: Vec<i64> = multiples(4)?.collect::<pyfn::Result<_>>()?;
    assert_eq!(items, vec![0, 3, 6, 9]);
    Ok(())
}
