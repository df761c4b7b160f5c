use pyfn::py_fn;

fn main() {
    let prefix = "id-";
    let label = py_fn!(
        #[py(typecheck)]
        |n: i64| -> String {
            return prefix + n.upper()
        }
    );
    let _ = label(1);
}
