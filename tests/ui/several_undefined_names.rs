use pyfn::py_fn;

py_fn! {
    fn report(rows: Vec<(String, i64)>) -> String {r#"
        import jsonn
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{widht}} {count}" for name, count in rows]
        return sepatator.join(lines) + footer
    "#}
}

fn main() {}
