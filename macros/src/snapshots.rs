//! One expansion snapshot per form, pretty-printed, so that a reviewer can
//! read what each form generates: `macros/tests/expand/<form>.rs`.
//! `PYFN_BLESS=1 cargo test -p pyfn-macros snapshots` rewrites them; read
//! the diff before committing it.

use crate::tests::serial;

/// The forms, each as a macro and its input.
const CASES: &[(&str, &str, &str)] = &[
    (
        "item_tokens",
        "py_fn",
        "/// Adds.\npub fn add(a: i64, b: i64) -> i64 {\n    return a + b\n}",
    ),
    (
        "item_string",
        "py_fn",
        "fn shout(text: &str) -> String {r#\"\n    # a comment\n    return f'{text.upper()}!'\n\"#}",
    ),
    (
        "defaults",
        "py_fn",
        "fn greet(name: &str, #[py(default = \"'hello'\")] greeting: Option<&str>) -> String {\n    return greeting + \", \" + name\n}",
    ),
    (
        "generator",
        "py_fn",
        "fn count(n: i64) -> Iter<i64> {\n    for i in range(n):\n        yield i\n}",
    ),
    (
        "python_token",
        "py_fn",
        "fn first(py: Python<'py>, items: Bound<'py, PyAny>) -> Bound<'py, PyAny> {\n    return items[0]\n}",
    ),
    (
        "closure",
        "py_fn",
        "move |x: i64| -> i64 {\n    return x * factor + offset\n}",
    ),
    (
        "def_form",
        "py_fn",
        "def area(r: float, n: int = 3) -> float:\n    return n * r * r\n\ndef label(words: list[str]) -> str:\n    return \" \".join(words)",
    ),
    (
        "module_inline",
        "py_module",
        "pub mod geometry {\n    source = r#\"\n        def area(r, n=3):\n            return n * r * r\n\n        def name(x: int) -> str:\n            return str(x)\n    \"#;\n    pub fn area(r: f64, n: Option<i64>) -> f64;\n    pub def name;\n}",
    ),
    (
        "module_file",
        "py_module",
        "mod units {\n    file = \"tests/fixtures/units.py\";\n    pub fn to_celsius(f: f64) -> f64;\n}",
    ),
    (
        "callables",
        "py_fn",
        "fn total(start: i64, #[py(args)] values: &[i64], #[py(keyword, default = \"','\")] sep: Option<&str>, #[py(keyword)] end: &str, #[py(kwargs)] named: HashMap<String, i64>) -> String {\n    return sep.join(str(v) for v in (start, *values, *named.values())) + end\n}",
    ),
    (
        "module_package",
        "py_module",
        "mod conv {\n    package = \"tests/fixtures/conv\";\n    pub fn to_celsius(f: f64) -> f64;\n    #[py(module = \"scale\")]\n    pub fn twice(x: i64) -> i64;\n}",
    ),
    (
        "module_reload",
        "py_module",
        "#[py(reload)]\nmod units {\n    file = \"tests/fixtures/units.py\";\n    pub fn to_celsius(f: f64) -> f64;\n}",
    ),
    (
        "stub_after_error",
        "py_fn",
        "fn broken(a: i64) -> i64 {\n    return a +\n}",
    ),
];

/// The expansion as a reader sees it: items pretty-printed, an expression
/// inside a `let`.
fn pretty(tokens: proc_macro2::TokenStream) -> String {
    let file = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => file,
        Err(_) => syn::parse_quote!(fn closure() { let f = #tokens; }),
    };
    prettyplease::unparse(&file)
}

/// The expansion with its embedded code objects elided: their bytes, magic
/// number and checksum are those of the CPython that ran the macro.
fn without_bytecode(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let field = ["magic: ", "marshal: ", "checksum: "]
            .into_iter()
            .find(|field| trimmed.starts_with(field));
        match field {
            Some(field) => out.push_str(&format!("{indent}{field}/* the build's CPython's */,\n")),
            None => out.push_str(line),
        }
    }
    out
}

#[test]
fn every_form_expands_as_its_snapshot() {
    let _serial = serial();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let bless = std::env::var_os("PYFN_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, form, input) in CASES {
        let tokens: proc_macro2::TokenStream = input.parse().expect("tokens");
        let out = match *form {
            "py_fn" => crate::pipeline::py_fn(tokens),
            _ => crate::pipeline::py_module(tokens),
        };
        let text = format!(
            "// {form}! {{ … }} (see snapshots.rs)\n{}",
            without_bytecode(&pretty(out))
        );
        let path = dir.join(format!("{name}.rs"));
        if bless {
            std::fs::create_dir_all(&dir).expect("the snapshot directory");
            std::fs::write(&path, &text).expect("a snapshot written");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(format!("{name}:\n{text}"));
        }
    }
    assert!(
        stale.is_empty(),
        "expansions differ from macros/tests/expand (PYFN_BLESS=1 rewrites them):\n{}",
        stale.join("\n")
    );
}
