//! A trait in scope, implemented for every type, whose methods take `self`
//! by value and have the names of the runtime methods the generated code
//! calls with method syntax (`get`, `arg`, `call`, `call_args`, `push`,
//! `push_default`, `capture`, `ret`, `iter`): method resolution tries the
//! by-value receiver first, so with `receiver.get(py)` it would pick this
//! trait over the runtime's `&self` method. Run by `tests/hygiene.rs`
//! (trybuild `pass`).
#![deny(warnings)]

/// Extension methods, as a user crate might have.
trait Everything: Sized {
    fn get(self) -> &'static str {
        "user get"
    }
    fn arg(self) -> &'static str {
        "user arg"
    }
    fn call(self) -> &'static str {
        "user call"
    }
    fn call_args(self) -> &'static str {
        "user call_args"
    }
    fn push(self) -> &'static str {
        "user push"
    }
    fn push_default(self) -> &'static str {
        "user push_default"
    }
    fn capture(self) -> &'static str {
        "user capture"
    }
    fn ret(self) -> &'static str {
        "user ret"
    }
    fn iter(self) -> &'static str {
        "user iter"
    }
}

impl<T> Everything for T {}

pyfn::py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn scaled(x: i64, #[py(default = "10")] k: Option<i64>) -> i64 {
        return x * k
    }

    fn countdown(n: i64) -> pyfn::Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }
}

pyfn::py_fn! {
    def area(r: float, n: int = 4) -> float:
        return n * r * r / 2
}

pyfn::py_module! {
    mod module {
        source = r#"
            def scaled(x, factor=2):
                return x * factor
        "#;
        pub fn scaled(x: i64, factor: Option<i64>) -> i64;
    }
}

fn main() {
    assert_eq!(add(2, 3).unwrap(), 5);
    assert_eq!(scaled(3, None).unwrap(), 30);
    assert_eq!(countdown(3).unwrap().map(Result::unwrap).sum::<i64>(), 6);
    assert_eq!(area(1.0, None).unwrap(), 2.0);
    assert_eq!(module::scaled(3, Some(3)).unwrap(), 9);
    let k = 4_i64;
    let times_k = pyfn::py_fn! { |x: i64| -> i64 { return x * k } };
    assert_eq!(times_k(2).unwrap(), 8);
    // The trait is in scope and used.
    assert_eq!(().get(), "user get");
}
