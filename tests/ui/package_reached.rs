use pyfn::py_module;

// trybuild builds this case in target/tests/trybuild/pyfn: the package
// directory is relative to that `Cargo.toml`. What importing the declared
// functions' modules imports is judged: `worker.py`, which `run` imports
// when it runs, and `console.py`, a declared function's own module (its
// `msvcrt` is Windows'). `data/old.py` (Python 2), which nothing imports,
// is not.
py_module! {
    mod reached {
        package = "../../../../tests/ui/packages/pkg_reached";
        pub fn run() -> i64;
        #[py(module = "console")]
        pub fn getch() -> i64;
    }
}

fn main() {}
