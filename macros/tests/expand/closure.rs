// py_fn! { … } (see snapshots.rs)
fn closure() {
    let f = {
        let cell: &'static ::pyfn::__private::Function = {
            static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: "_pyfn_closure",
                source: c"def _pyfn_outer(factor, offset):\n def _pyfn_closure(x):\n    return x * factor + offset\n",
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &["x"],
                param_types: &["i64"],
                return_type: "i64",
                defaults: &[],
                keyword_defaults: &[],
                captures: ::core::option::Option::Some(&["factor", "offset"]),
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
        let instance = ::pyfn::__private::Instance::new(
            cell,
            |py| {
                ::core::result::Result::Ok([
                    ::pyfn::__private::Function::capture(cell, py, 0usize, &factor)?,
                    ::pyfn::__private::Function::capture(cell, py, 1usize, &offset)?,
                ])
            },
        );
        move |x: i64| -> ::pyfn::Result<i64> {
            ::pyfn::__private::attach(
                cell,
                |py| {
                    let function = ::pyfn::__private::Instance::get(&instance, py)?;
                    let result = ::pyfn::__private::Function::call(
                        cell,
                        function,
                        [::pyfn::__private::Function::arg(cell, py, 0usize, x)?],
                    )?;
                    ::pyfn::__private::Function::ret::<i64>(cell, result)
                },
            )
        }
    };
}
