// py_fn! { … } (see snapshots.rs)
fn area(
    r: ::core::primitive::f64,
    n: ::core::option::Option<::core::primitive::i64>,
) -> ::pyfn::Result<::core::primitive::f64> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "area",
            source: c"if True:\n    def area(r: float, n: int = 3) -> float:\n        return n * r * r\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["r", "n"],
            param_types: &["f64", "Option<i64>"],
            return_type: "f64",
            defaults: &["3"],
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
            let mut args = ::pyfn::__private::Args::with_capacity(2usize);
            ::pyfn::__private::Function::push_arg(cell, py, &mut args, 0usize, r)?;
            ::pyfn::__private::Function::push_default(cell, py, &mut args, 1usize, n)?;
            let result = ::pyfn::__private::Function::call_args(cell, function, args)?;
            ::pyfn::__private::Function::ret::<::core::primitive::f64>(cell, result)
        },
    )
}
fn label(
    words: ::pyfn::__private::Vec<::pyfn::__private::String>,
) -> ::pyfn::Result<::pyfn::__private::String> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "label",
            source: c"\n\nif True:\n    def label(words: list[str]) -> str:\n        return \" \".join(words)\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["words"],
            param_types: &["Vec<String>"],
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
                [::pyfn::__private::Function::arg(cell, py, 0usize, words)?],
            )?;
            ::pyfn::__private::Function::ret::<::pyfn::__private::String>(cell, result)
        },
    )
}
