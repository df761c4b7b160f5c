//! The generated code names everything by absolute path and keeps its own
//! locals apart from the user's: it compiles without the prelude, next to
//! shadowed `Result`/`Ok`/`Some`, and with parameters named like its locals.
#![no_implicit_prelude]
#![deny(unused_qualifications, unused_results)]

mod shadowing {
    #![allow(dead_code)]
    pub struct Result;
    pub struct Ok;
    pub struct Some;
    pub struct Function;
    pub struct Spec;
    pub fn attach() {}
}

#[allow(unused_imports)]
use self::shadowing::*;

::pyfn::py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    /// Parameters named like the generated code's locals.
    fn locals(py: i64, function: i64, result: i64) -> i64 {
        return py + function + result
    }

    fn unit(x: ::std::string::String) {
        x.upper()
    }
}

#[test]
fn expands_without_the_prelude() {
    ::std::assert_eq!(add(2, 3).unwrap(), 5);
    ::std::assert_eq!(locals(1, 10, 100).unwrap(), 111);
    unit(::std::convert::From::from("x")).unwrap();
}
