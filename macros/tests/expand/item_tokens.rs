// py_fn! { … } (see snapshots.rs)
/// Adds.
pub fn add(a: i64, b: i64) -> ::pyfn::Result<i64> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "add",
            source: c"\ndef add(a, b):\n    return a + b\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["a", "b"],
            param_types: &["i64", "i64"],
            return_type: "i64",
            defaults: &[],
            keyword_defaults: &[],
            captures: ::core::option::Option::None,
            namespace: ::core::option::Option::None,
            bytecode: ::core::option::Option::Some(::pyfn::__private::Bytecode {
                magic: /* the build's CPython's */,
                file: "<unspecified>",
                marshal: /* the build's CPython's */,
                checksum: /* the build's CPython's */,
            }),
        });
        &FUNCTION
    };
    ::pyfn::__private::attach(
        cell,
        move |py| {
            let function = ::pyfn::__private::Function::get(cell, py)?;
            let result = ::pyfn::__private::Function::call(
                cell,
                function,
                [
                    ::pyfn::__private::Function::arg(cell, py, 0usize, a)?,
                    ::pyfn::__private::Function::arg(cell, py, 1usize, b)?,
                ],
            )?;
            ::pyfn::__private::Function::ret::<i64>(cell, result)
        },
    )
}
