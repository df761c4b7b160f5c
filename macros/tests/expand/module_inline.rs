// py_module! { … } (see snapshots.rs)
pub mod geometry {
    #[allow(unused_imports)]
    use super::*;
    mod __pyfn {
        pub(super) static MODULE: ::pyfn::__private::Module = ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
            source: "\n\ndef area(r, n=3):\n    return n * r * r\n\ndef name(x: int) -> str:\n    return str(x)\n\n",
            file: ::core::file!(),
            module: ::core::module_path!(),
            columns_from: 2usize,
            columns: &[0u32, 8u32, 8u32, 0u32, 8u32, 8u32],
            bytecode: ::core::option::Option::Some(::pyfn::__private::Bytecode {
                magic: /* the build's CPython's */,
                file: "<unspecified>",
                marshal: /* the build's CPython's */,
                checksum: /* the build's CPython's */,
            }),
            package: ::core::option::Option::None,
            reload: ::core::option::Option::None,
        });
    }
    pub fn area(r: f64, n: Option<i64>) -> ::pyfn::Result<f64> {
        let cell: &'static ::pyfn::__private::Function = {
            static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: "area",
                source: c"",
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &["r", "n"],
                param_types: &["f64", "Option<i64>"],
                return_type: "f64",
                defaults: &[],
                keyword_defaults: &[],
                captures: ::core::option::Option::None,
                namespace: ::core::option::Option::Some(&__pyfn::MODULE),
                bytecode: ::core::option::Option::None,
            });
            &FUNCTION
        };
        ::pyfn::__private::attach(
            cell,
            move |py| {
                let function = ::pyfn::__private::Function::get(cell, py)?;
                let mut args = ::pyfn::__private::Args::with_capacity(2usize);
                ::pyfn::__private::Function::push_arg(cell, py, &mut args, 0usize, r)?;
                ::pyfn::__private::Function::push_default(
                    cell,
                    py,
                    &mut args,
                    1usize,
                    n,
                )?;
                let result = ::pyfn::__private::Function::call_args(
                    cell,
                    function,
                    args,
                )?;
                ::pyfn::__private::Function::ret::<f64>(cell, result)
            },
        )
    }
    pub fn name(x: ::core::primitive::i64) -> ::pyfn::Result<::pyfn::__private::String> {
        let cell: &'static ::pyfn::__private::Function = {
            static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: "name",
                source: c"",
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &["x"],
                param_types: &["i64"],
                return_type: "String",
                defaults: &[],
                keyword_defaults: &[],
                captures: ::core::option::Option::None,
                namespace: ::core::option::Option::Some(&__pyfn::MODULE),
                bytecode: ::core::option::Option::None,
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
                    [::pyfn::__private::Function::arg(cell, py, 0usize, x)?],
                )?;
                ::pyfn::__private::Function::ret::<
                    ::pyfn::__private::String,
                >(cell, result)
            },
        )
    }
}
