// py_fn! { … } (see snapshots.rs)
fn count(n: i64) -> ::pyfn::Result<Iter<i64>> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "count",
            source: c"def count(n):\n    for i in range(n):\n        yield i\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["n"],
            param_types: &["i64"],
            return_type: "Iter<i64>",
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
                [::pyfn::__private::Function::arg(cell, py, 0usize, n)?],
            )?;
            ::pyfn::__private::Function::iter::<i64>(cell, result, "i64")
        },
    )
}
