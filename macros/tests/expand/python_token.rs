// py_fn! { … } (see snapshots.rs)
fn first<'py>(
    py: Python<'py>,
    items: Bound<'py, PyAny>,
) -> ::pyfn::Result<Bound<'py, PyAny>> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "first",
            source: c"def first(items):\n    return items[0]\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["items"],
            param_types: &["Bound<'py, PyAny>"],
            return_type: "Bound<'py, PyAny>",
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
    let py = py;
    let function = ::pyfn::__private::Function::get(cell, py)?;
    let result = ::pyfn::__private::Function::call(
        cell,
        function,
        [::pyfn::__private::Function::arg(cell, py, 0usize, items)?],
    )?;
    ::pyfn::__private::Function::ret::<Bound<'py, PyAny>>(cell, result)
}
