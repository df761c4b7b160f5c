//! Every form in a `#![no_std]` crate that declares no `extern crate
//! alloc`: the generated code must need nothing from `::std` (nor
//! `::alloc`). pyfn itself uses std, linked in through it; only the code
//! expanded here is checked. Run by `tests/hygiene.rs` (trybuild `pass`).
//!
//! The `def` forms take and return `str`, `bytes`, `list`, `dict` and `set`,
//! whose Rust types (`String`, `Vec`, `HashMap`, `HashSet`) this crate
//! cannot name itself: the values come from other Python functions, and are
//! checked without naming their types.
#![no_std]
#![deny(warnings, unused_qualifications, unused_results)]

use pyfn::pyo3::types::PyAnyMethods;
use pyfn::pyo3::{Bound, PyAny, Python};

pyfn::py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn shout_len(text: &str) -> usize {r#"
        return len(text.upper() + "!")  # the string form
    "#}

    fn countdown(n: i64) -> pyfn::Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }

    fn scaled(x: i64, #[py(default = "10")] k: Option<i64>) -> i64 {
        return x * k
    }

    fn pair_len(py: Python<'py>, x: i64) -> Bound<'py, PyAny> {
        return [x, x]
    }

    fn check(x: i64) {
        if x < 0:
            raise ValueError("negative")
    }
}

pyfn::py_fn! {
    def area(r: float, n: int = 3) -> float:
        import math
        return n * r * r * math.sin(2 * math.pi / n) / 2
}

pyfn::py_fn! {
    def words(text: str, sep: str | None = None) -> list[str]:
        return text.split(sep)
}

pyfn::py_fn! {
    def joined(items: list[str]) -> str:
        return "+".join(items)
}

pyfn::py_fn! {
    def tally(items: list[str]) -> dict[str, int]:
        counts = {}
        for item in items:
            counts[item] = counts.get(item, 0) + 1
        return counts
}

pyfn::py_fn! {
    def unique(items: list[str]) -> set[str]:
        return set(items)
}

pyfn::py_fn! {
    def encode(text: str) -> bytes:
        return text.encode()
}

pyfn::py_fn! {
    def squares(n: int) -> Iterator[int]:
        for i in range(n):
            yield i * i
}

pyfn::py_fn! {
    fn keyword_only(x: i64, #[py(args)] rest: &[i64], #[py(keyword, default = "2")] k: Option<i64>, #[py(keyword)] plus: i64) -> i64 {
        return (x + sum(rest)) * k + plus
    }
}

pyfn::py_module! {
    mod module {
        source = r#"
            def scaled(x, factor=2):
                return x * factor

            def countdown(n):
                while n > 0:
                    yield n
                    n -= 1

            def upper(text: str) -> str:
                return text.upper()

            def lengths(items: list[str]) -> dict[str, int]:
                return {item: len(item) for item in items}
        "#;
        pub fn scaled(x: i64, factor: Option<i64>) -> i64;
        pub fn countdown(n: i64) -> pyfn::Iter<i64>;
        pub def upper;
        pub def lengths;
    }
}

fn main() {
    assert_eq!(add(2, 3).unwrap(), 5);
    assert_eq!(shout_len("hey").unwrap(), 4);
    assert_eq!(countdown(3).unwrap().map(Result::unwrap).sum::<i64>(), 6);
    assert_eq!(scaled(3, None).unwrap(), 30);
    assert_eq!(scaled(3, Some(2)).unwrap(), 6);
    Python::attach(|py| {
        assert_eq!(pair_len(py, 7).unwrap().len().unwrap(), 2);
    });
    check(1).unwrap();
    assert!(check(-1).is_err());

    let square = area(1.0, Some(4)).unwrap();
    assert!(square > 2.0 - 1e-12 && square < 2.0 + 1e-12);
    let items = words("a b a", None).unwrap();
    assert_eq!(items, ["a", "b", "a"]);
    assert_eq!(
        joined(words("a,b", Some(",".into())).unwrap()).unwrap(),
        "a+b"
    );
    let counts = tally(words("a b a", None).unwrap()).unwrap();
    assert_eq!((counts.len(), counts["a"], counts["b"]), (2, 2, 1));
    assert_eq!(unique(items).unwrap().len(), 2);
    assert_eq!(encode("hé").unwrap(), "hé".as_bytes());
    assert_eq!(squares(4).unwrap().map(Result::unwrap).sum::<i64>(), 14);
    assert_eq!(keyword_only(1, &[2], None, 1).unwrap(), 7);
    assert_eq!(keyword_only(1, &[], Some(3), 0).unwrap(), 3);

    let k = 3_i64;
    let times_k = pyfn::py_fn! { |x: i64, #[py(default = "1")] y: Option<i64>| -> i64 {
        return x * y * k
    }};
    assert_eq!(times_k(2, None).unwrap(), 6);
    assert_eq!(times_k(2, Some(5)).unwrap(), 30);
    let upto = pyfn::py_fn! { |n: i64| -> pyfn::Iter<i64> {
        yield from range(k, n)
    }};
    assert_eq!(upto(6).unwrap().map(Result::unwrap).sum::<i64>(), 12);

    assert_eq!(module::scaled(3, None).unwrap(), 6);
    assert_eq!(
        module::countdown(3)
            .unwrap()
            .map(Result::unwrap)
            .sum::<i64>(),
        6
    );
    assert_eq!(module::upper("abc").unwrap(), "ABC");
    let lengths = module::lengths(words("ab c", None).unwrap()).unwrap();
    assert_eq!((lengths["ab"], lengths["c"]), (2, 1));
}
