// py_module! { … } (see snapshots.rs)
mod units {
    #[allow(unused_imports)]
    use super::*;
    mod __pyfn {
        pub(super) static MODULE: ::pyfn::__private::Module = ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
            source: ::core::include_str!(
                ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/",
                "tests/fixtures/units.py")
            ),
            file: "tests/fixtures/units.py",
            module: ::core::module_path!(),
            columns_from: 0usize,
            columns: &[],
            bytecode: ::core::option::Option::Some(::pyfn::__private::Bytecode {
                magic: /* the build's CPython's */,
                file: "tests/fixtures/units.py",
                marshal: /* the build's CPython's */,
                checksum: /* the build's CPython's */,
            }),
            package: ::core::option::Option::None,
            reload: if ::core::cfg!(debug_assertions) {
                ::core::option::Option::Some(
                    &::pyfn::__private::Reload {
                        paths: &[
                            ::core::concat!(
                                ::core::env!("CARGO_MANIFEST_DIR"), "/",
                                "tests/fixtures/units.py"
                            ),
                        ],
                        functions: &[
                            ::pyfn::__private::Declared {
                                module: "",
                                name: "to_celsius",
                                params: &["f"],
                                optional: &[false],
                                kinds: &["positional"],
                            },
                        ],
                    },
                )
            } else {
                ::core::option::Option::None
            },
        });
    }
    pub fn to_celsius(f: f64) -> ::pyfn::Result<f64> {
        let cell: &'static ::pyfn::__private::Function = {
            static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: "to_celsius",
                source: c"",
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &["f"],
                param_types: &["f64"],
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
                let result = ::pyfn::__private::Function::call(
                    cell,
                    function,
                    [::pyfn::__private::Function::arg(cell, py, 0usize, f)?],
                )?;
                ::pyfn::__private::Function::ret::<f64>(cell, result)
            },
        )
    }
}
