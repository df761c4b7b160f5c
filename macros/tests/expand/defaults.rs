// py_fn! { … } (see snapshots.rs)
fn greet(name: &str, greeting: Option<&str>) -> ::pyfn::Result<String> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "greet",
            source: c"def greet(name, greeting=None):\n    return greeting + \", \" + name\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["name", "greeting"],
            param_types: &["&str", "Option<&str>"],
            return_type: "String",
            defaults: &["'hello'"],
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
            ::pyfn::__private::Function::push_arg(cell, py, &mut args, 0usize, name)?;
            ::pyfn::__private::Function::push_default(
                cell,
                py,
                &mut args,
                1usize,
                greeting,
            )?;
            let result = ::pyfn::__private::Function::call_args(cell, function, args)?;
            ::pyfn::__private::Function::ret::<String>(cell, result)
        },
    )
}
