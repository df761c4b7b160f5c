use pyfn::py_module;

// trybuild builds this case in target/tests/trybuild/pyfn: the package
// directory is relative to that `Cargo.toml`. What importing the declared
// functions' modules certainly imports is judged: `worker.py`, which the
// package's `__init__` imports (its import under `suppress(ImportError)`
// is optional), and `console.py`, a declared function's own module (its
// `msvcrt` is Windows'). Not `drawing.py`, imported in a function's body
// (when it runs, if it does), nor `data/old.py` (Python 2), which nothing
// imports.
py_module! {
    mod reached {
        package = "../../../../tests/ui/packages/pkg_reached";
        pub fn run() -> i64;
        #[py(module = "console")]
        pub fn getch() -> i64;
    }
}

fn main() {}
