// py_fn! { … } (see snapshots.rs)
fn broken(a: i64) -> ::pyfn::Result<i64> {
    let _ = (a,);
    ::core::result::Result::Err(::pyfn::__private::not_compiled("broken"))
}
::core::compile_error! {
    "python: SyntaxError: invalid syntax"
}
