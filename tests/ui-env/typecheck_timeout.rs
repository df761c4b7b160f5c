// Built with `PYFN_TY` naming a type checker that never answers and
// `PYFN_TYPECHECK_TIMEOUT=1` (tests/compiletest_env.rs).
use pyfn::py_fn;

py_fn! {
    #[py(typecheck)]
    fn double(x: i64) -> i64 {
        return x * 2
    }
}

fn main() {}
