// py_fn! { … } (see snapshots.rs)
fn shout(text: &str) -> ::pyfn::Result<String> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "shout",
            source: c"def shout(text):\n    # a comment\n    return f'{text.upper()}!'\n\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["text"],
            param_types: &["&str"],
            return_type: "String",
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
                [::pyfn::__private::Function::arg(cell, py, 0usize, text)?],
            )?;
            ::pyfn::__private::Function::ret::<String>(cell, result)
        },
    )
}
