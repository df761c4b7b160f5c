// py_fn! { … } (see snapshots.rs)
fn total(
    start: i64,
    values: &[i64],
    sep: Option<&str>,
    end: &str,
    named: HashMap<String, i64>,
) -> ::pyfn::Result<String> {
    let cell: &'static ::pyfn::__private::Function = {
        static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
            name: "total",
            source: c"def total(start, *values, sep=None, end, **named):\n    return sep.join(str(v) for v in (start, *values, *named.values())) + end\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            params: &["start", "values", "sep", "end", "named"],
            param_types: &[
                "i64",
                "&[i64]",
                "Option<&str>",
                "&str",
                "HashMap<String, i64>",
            ],
            return_type: "String",
            defaults: &[],
            keyword_defaults: &[("sep", "','")],
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
            let mut args = ::pyfn::__private::Args::with_capacity(5usize);
            ::pyfn::__private::Function::push_arg(cell, py, &mut args, 0usize, start)?;
            ::pyfn::__private::Function::push_varargs(
                cell,
                py,
                &mut args,
                1usize,
                values,
            )?;
            ::pyfn::__private::Function::push_keyword_default(
                cell,
                py,
                &mut args,
                2usize,
                sep,
            )?;
            ::pyfn::__private::Function::push_keyword(cell, py, &mut args, 3usize, end)?;
            ::pyfn::__private::Function::push_varkwargs(
                cell,
                py,
                &mut args,
                4usize,
                named,
            )?;
            let result = ::pyfn::__private::Function::call_args(cell, function, args)?;
            ::pyfn::__private::Function::ret::<String>(cell, result)
        },
    )
}
