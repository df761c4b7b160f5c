//! Parameters and captured variables named like the statics the generated
//! code declares (`__PYFN_FUNCTION` in each function and closure,
//! `__PYFN_MODULE` in each `py_module!`). Both are valid Rust and Python
//! names. Run by `tests/hygiene.rs` (trybuild `pass`).
#![deny(warnings)]
#![allow(non_snake_case)]

pyfn::py_fn! {
    fn item(__PYFN_FUNCTION: i64) -> i64 {
        return __PYFN_FUNCTION + 1
    }

    fn with_default(__PYFN_FUNCTION: i64, #[py(default = "10")] __PYFN_MODULE: Option<i64>) -> i64 {
        return __PYFN_FUNCTION + __PYFN_MODULE
    }
}

pyfn::py_fn! {
    def def_form(__PYFN_FUNCTION: int) -> int:
        return __PYFN_FUNCTION * 2
}

pyfn::py_module! {
    mod module {
        source = r#"
            def scaled(__PYFN_MODULE, __PYFN_FUNCTION=2):
                return __PYFN_MODULE * __PYFN_FUNCTION
        "#;
        pub fn scaled(__PYFN_MODULE: i64, __PYFN_FUNCTION: Option<i64>) -> i64;
    }
}

fn main() {
    assert_eq!(item(1).unwrap(), 2);
    assert_eq!(with_default(1, None).unwrap(), 11);
    assert_eq!(def_form(4).unwrap(), 8);
    assert_eq!(module::scaled(3, None).unwrap(), 6);
    let __PYFN_FUNCTION = 5_i64;
    let capture = pyfn::py_fn! { |x: i64| -> i64 { return x + __PYFN_FUNCTION } };
    assert_eq!(capture(1).unwrap(), 6);
}
