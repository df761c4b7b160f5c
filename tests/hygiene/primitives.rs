//! Types named like the primitives the `def` form maps its annotations to
//! (`int` to `i64`, `float` to `f64`, `bool`, `str` to `&str`, `bytes` to
//! `Vec<u8>`): legal Rust, and the generated signature must still mean the
//! primitives (`::core::primitive::i64`…). Run by `tests/hygiene.rs`
//! (trybuild `pass`).
#![deny(warnings)]
#![allow(non_camel_case_types)]

/// Shadow the primitive types in this module.
mod shadowed {
    #![allow(dead_code)]
    pub struct i64;
    pub struct f64;
    pub struct bool;
    pub struct u8;
    pub struct str;
}
// Unused: the generated code names the real primitives by path.
#[allow(unused_imports)]
use shadowed::*;

pyfn::py_fn! {
    def describe(n: int, x: float, flag: bool, text: str, data: bytes) -> tuple[int, float, bool, str, bytes]:
        return (n + 1, x * 2, not flag, text.upper(), data + b"!")
}

pyfn::py_module! {
    mod module {
        source = r#"
            def double(n: int, x: float = 1.5) -> float:
                return n * x * 2
        "#;
        pub def double;
    }
}

fn main() {
    let (n, x, flag, text, data) = describe(1, 1.5, true, "ab", vec![1, 2]).unwrap();
    assert_eq!(
        (n, x, flag, text.as_str(), data.as_slice()),
        (2, 3.0, false, "AB", &b"\x01\x02!"[..])
    );
    assert_eq!(module::double(2, None).unwrap(), 6.0);
}
