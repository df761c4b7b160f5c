// py_module! { … } (see snapshots.rs)
mod conv {
    #[allow(unused_imports)]
    use super::*;
    mod __pyfn {
        pub(super) static PACKAGE: ::pyfn::__private::Package = ::pyfn::__private::Package::new(::pyfn::__private::PackageSpec {
            name: "conv",
            files: &[
                ::pyfn::__private::PackageFile {
                    module: "conv",
                    is_package: true,
                    file: "tests/fixtures/conv/__init__.py",
                    source: ::core::include_str!(
                        ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/",
                        "tests/fixtures/conv/__init__.py")
                    ),
                    bytecode: ::core::option::Option::Some(::pyfn::__private::Bytecode {
                        magic: /* the build's CPython's */,
                        file: "tests/fixtures/conv/__init__.py",
                        marshal: /* the build's CPython's */,
                        checksum: /* the build's CPython's */,
                    }),
                },
                ::pyfn::__private::PackageFile {
                    module: "conv.scale",
                    is_package: false,
                    file: "tests/fixtures/conv/scale.py",
                    source: ::core::include_str!(
                        ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/",
                        "tests/fixtures/conv/scale.py")
                    ),
                    bytecode: ::core::option::Option::Some(::pyfn::__private::Bytecode {
                        magic: /* the build's CPython's */,
                        file: "tests/fixtures/conv/scale.py",
                        marshal: /* the build's CPython's */,
                        checksum: /* the build's CPython's */,
                    }),
                },
            ],
            reload: ::core::option::Option::None,
        });
        pub(super) static MODULE_0: ::pyfn::__private::Module = ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
            source: "",
            file: "",
            module: "conv",
            columns_from: 0,
            columns: &[],
            bytecode: ::core::option::Option::None,
            package: ::core::option::Option::Some((&PACKAGE, "conv")),
            reload: ::core::option::Option::None,
        });
        pub(super) static MODULE_1: ::pyfn::__private::Module = ::pyfn::__private::Module::new(::pyfn::__private::ModuleSpec {
            source: "",
            file: "",
            module: "conv.scale",
            columns_from: 0,
            columns: &[],
            bytecode: ::core::option::Option::None,
            package: ::core::option::Option::Some((&PACKAGE, "conv.scale")),
            reload: ::core::option::Option::None,
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
                namespace: ::core::option::Option::Some(&__pyfn::MODULE_0),
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
    pub fn twice(x: i64) -> ::pyfn::Result<i64> {
        let cell: &'static ::pyfn::__private::Function = {
            static FUNCTION: ::pyfn::__private::Function = ::pyfn::__private::Function::new(::pyfn::__private::Spec {
                name: "twice",
                source: c"",
                file: ::core::file!(),
                module: ::core::module_path!(),
                params: &["x"],
                param_types: &["i64"],
                return_type: "i64",
                defaults: &[],
                keyword_defaults: &[],
                captures: ::core::option::Option::None,
                namespace: ::core::option::Option::Some(&__pyfn::MODULE_1),
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
                ::pyfn::__private::Function::ret::<i64>(cell, result)
            },
        )
    }
}
