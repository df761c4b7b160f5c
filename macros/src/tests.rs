//! Fidelity of the rendered source on real Python: every function body of
//! a set of standard-library modules, written as `py_fn!` bodies in both
//! forms, must parse to exactly the AST CPython parses from the original.
//! A body the token form cannot carry must be refused, never changed.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::Errors;
use crate::parse::{self, Body, FnInput, ItemFn};
use crate::render::{self, PySource};

/// How an expansion reports an error: `::core::compile_error!`, as
/// proc-macro2 prints it. (The bare word could be in the embedded code.)
pub(crate) const COMPILE_ERROR: &str = ":: core :: compile_error !";

/// [`COMPILE_ERROR`] with the brace its message follows.
pub(crate) const ERROR_BRACE: &str = ":: core :: compile_error ! {";

/// Runs the crate's CPython tests (these and `fuzz.rs`) one at a time:
/// CPython 3.11 (seen with 3.11.2 and 3.11.7) fails `ast.parse` with "AST
/// constructor recursion depth mismatch" when two threads parse at once
/// (CPython issue 106905). rustc expands macros on one thread.
pub(crate) fn serial() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn python<R: Send>(f: impl for<'py> FnOnce(Python<'py>) -> R + Send) -> Option<R> {
    Some(crate::python::with_python(f))
}

/// The first `fn` item of `rust`, parsed as `py_fn!` parses it.
pub(crate) fn parse_item(rust: &str) -> Option<ItemFn> {
    let tokens: proc_macro2::TokenStream = rust.parse().ok()?;
    let mut errors = Errors::default();
    match parse::fn_input(tokens, &mut errors) {
        Some(FnInput::Items(items)) if errors.is_empty() => items.into_iter().next(),
        _ => None,
    }
}

/// `item`'s body rendered under the `def` lines `header`.
pub(crate) fn render_body(
    item: &ItemFn,
    header: &[String],
    errors: &mut Errors,
) -> Option<PySource> {
    match item.body.as_ref()? {
        Body::Tokens(group) => render::render_tokens(group, header, errors),
        Body::Str(lit) => render::render_str(lit, header, errors),
    }
}

const MODULES: &[&str] = &[
    "textwrap",
    "colorsys",
    "statistics",
    "json.encoder",
    "json.decoder",
    "difflib",
    "fractions",
    "heapq",
    "bisect",
    "calendar",
    "string",
    "shlex",
    "ipaddress",
    "csv",
    "base64",
    "fnmatch",
    "posixpath",
    "urllib.parse",
    "html",
    "random",
    "dataclasses",
    "functools",
    "collections",
    "pprint",
    "reprlib",
    "copy",
    "contextlib",
    "configparser",
    "argparse",
    "enum",
    "inspect",
    "tokenize",
    "ast",
    "typing",
];

/// `(body text with its original indentation, ast.dump of the body)` for
/// every function and method of `MODULES` whose body starts on its own line.
const COLLECT: &std::ffi::CStr = cr#"
import ast, importlib, inspect
cases = []
for name in MODULES:
    module = importlib.import_module(name)
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        continue
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        head = node.body[0]
        first = min([head.lineno] + [d.lineno for d in getattr(head, "decorator_list", [])])
        if first == node.lineno:
            continue
        body = "\n".join(lines[first - 1:node.end_lineno])
        cases.append((body, ast.dump(ast.Module(body=node.body, type_ignores=[]))))
"#;

/// `ast.dump` of the body of the only function in `source`.
const DUMP: &std::ffi::CStr = cr#"
import ast
tree = ast.parse(source)
fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
dumped = ast.dump(ast.Module(body=fn.body, type_ignores=[]))
"#;

fn collect(py: Python<'_>) -> Vec<(String, String)> {
    let scope = PyDict::new(py);
    scope.set_item("MODULES", MODULES.to_vec()).expect("set");
    py.run(COLLECT, Some(&scope), Some(&scope))
        .expect("collects");
    scope
        .get_item("cases")
        .expect("readable")
        .expect("cases")
        .extract()
        .expect("pairs")
}

fn dump(py: Python<'_>, source: &str) -> PyResult<String> {
    let scope = PyDict::new(py);
    scope.set_item("source", source)?;
    py.run(DUMP, Some(&scope), Some(&scope))?;
    scope
        .get_item("dumped")?
        .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err("dumped"))?
        .extract()
}

/// Renders `body` as the body of `fn f()` written as `rust`.
fn render(rust: &str) -> Option<Result<String, ()>> {
    let item = parse_item(rust)?;
    let mut errors = Errors::default();
    let rendered = render_body(&item, &["def f(*args, **kwargs):".to_owned()], &mut errors);
    Some(match rendered {
        Some(rendered) if errors.is_empty() => Ok(rendered.text),
        _ => Err(()),
    })
}

#[test]
fn stdlib_bodies_keep_their_meaning_in_both_forms() {
    let _serial = serial();
    python(|py| {
        let cases = collect(py);
        assert!(cases.len() > 1000, "only {} functions found", cases.len());
        let (mut tokens_same, mut tokens_refused, mut not_rust, mut strings_same) = (0, 0, 0, 0);
        for (body, expected) in &cases {
            // Token form: whatever Rust's tokenizer accepts is either
            // rebuilt to the same AST or refused with an error.
            match render(&format!("fn f() {{\n{body}\n}}")) {
                None => not_rust += 1,
                Some(Err(())) => tokens_refused += 1,
                Some(Ok(text)) => {
                    let got = dump(py, &text).unwrap_or_else(|err| {
                        panic!("token form of\n{body}\nrendered as\n{text}\ndoes not parse: {err}")
                    });
                    assert_eq!(&got, expected, "token form changed\n{body}\ninto\n{text}");
                    tokens_same += 1;
                }
            }
            // String form: any Python at all.
            let hashes = "#".repeat(8);
            let rust = format!("fn f() {{r{hashes}\"\n{body}\n\"{hashes}}}");
            match render(&rust) {
                Some(Ok(text)) => {
                    let got = dump(py, &text).unwrap_or_else(|err| {
                        panic!("string form of\n{body}\nrendered as\n{text}\ndoes not parse: {err}")
                    });
                    assert_eq!(&got, expected, "string form changed\n{body}\ninto\n{text}");
                    strings_same += 1;
                }
                _ => panic!("string form refused\n{body}"),
            }
        }
        eprintln!(
            "{} functions: string form {strings_same} identical; token form {tokens_same} identical, \
             {tokens_refused} refused with an error, {not_rust} not Rust tokens",
            cases.len()
        );
        assert_eq!(strings_same, cases.len());
        assert!(tokens_same > 100, "token form rebuilt only {tokens_same} bodies");
    })
    .expect("CPython starts");
}

#[test]
fn body_form_is_chosen_by_content() {
    let _serial = serial();
    let item = parse_item("fn f() { \"doc\" }").expect("parses");
    assert!(matches!(item.body, Some(Body::Str(_))));
    let item = parse_item("fn f() { \"doc\"\n return 1 }").expect("parses");
    assert!(matches!(item.body, Some(Body::Tokens(_))));
}

fn expand(source: &str) -> String {
    let tokens: proc_macro2::TokenStream = source.parse().expect("tokens");
    crate::pipeline::py_fn(tokens).to_string()
}

#[test]
fn expansion_names_the_runtime_by_absolute_path() {
    let _serial = serial();
    let out = expand("pub fn add(a: i64, b: i64) -> i64 {\n    return a + b\n}");
    assert!(
        out.contains("pub fn add (a : i64 , b : i64) -> :: pyfn :: Result < i64 >"),
        "{out}"
    );
    assert!(out.contains(":: pyfn :: __private :: attach"), "{out}");
    assert!(
        out.contains("c\"def add(a, b):\\n    return a + b\\n\""),
        "{out}"
    );
    assert!(!out.contains(COMPILE_ERROR), "{out}");
}

#[test]
fn python_token_parameter_skips_attach() {
    let _serial = serial();
    let out = expand(
        "fn f(py: Python<'py>, x: Bound<'py, PyAny>) -> Bound<'py, PyAny> {\n    return x\n}",
    );
    assert!(!out.contains("attach"), "{out}");
    assert!(out.contains("fn f < 'py >"), "{out}");
    assert!(out.contains("def f(x):"), "{out}");
}

#[test]
fn raw_identifiers_are_python_names() {
    let _serial = serial();
    let out = expand("fn r#match(r#type: &str) -> bool {\n    return type == \"x\"\n}");
    assert!(out.contains("def match(type):"), "{out}");
    assert!(out.contains("fn r#match"), "{out}");
}

#[test]
fn errors_keep_a_stub_with_the_same_signature() {
    let _serial = serial();
    let out = expand("fn f(a: i64) -> i64 {\n    return a +\n}");
    assert!(out.contains(COMPILE_ERROR), "{out}");
    assert!(
        out.contains("fn f (a : i64) -> :: pyfn :: Result < i64 >"),
        "{out}"
    );
    assert!(out.contains("not_compiled"), "{out}");
}

#[test]
fn garbage_input_is_an_error_not_a_panic() {
    let _serial = serial();
    for input in [
        "",
        "fn",
        "fn f",
        "fn f(",
        "fn f() ->",
        "fn f() {",
        "struct S;",
        "fn f() { return 1 } trailing",
        "fn f(a: i64, a: i64) { return a }",
        "fn f() { \"\\0\" }",
        "fn f() { \"   \" }",
        "#[doc] fn f() { pass }",
        "fn f() { ( }",
    ] {
        // Unbalanced input does not even lex; the rest must give errors.
        let Ok(tokens) = input.parse::<proc_macro2::TokenStream>() else {
            continue;
        };
        let out = crate::pipeline::py_fn(tokens).to_string();
        assert!(
            out.contains(COMPILE_ERROR) || out.contains("fn f"),
            "{input:?} gave {out}"
        );
    }
}

/// Runs `analyze.py` on every top-level function and method of `MODULES`,
/// with the module's own names as the known globals: whatever it reports is
/// a false positive, since these functions run fine.
const NO_FALSE_POSITIVES: &std::ffi::CStr = cr#"
import ast, importlib, inspect, symtable, textwrap
findings, checked = [], 0
ANALYZE = compile(ANALYZE, "analyze.py", "exec")
for module_name in MODULES:
    module = importlib.import_module(module_name)
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        continue
    tree = ast.parse(source)
    top = symtable.symtable(source, module_name, "exec")
    known = set(dir(module)) | {s.get_name() for s in top.get_symbols()
                                if s.is_assigned() or s.is_imported()}
    # Methods are analysed as plain functions: `super()` then has no class,
    # which the analysis rightly reports; those findings are skipped.
    parents = [tree] + [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for parent in parents:
        for node in parent.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            node.decorator_list = []
            text = textwrap.dedent(ast.get_source_segment(source, node, padded=True))
            if isinstance(node, ast.AsyncFunctionDef):
                continue
            scope = {"source": text, "name": node.name, "return_kind": "object",
                     "allow_missing_imports": False, "known_globals": sorted(known)}
            try:
                exec(ANALYZE, scope)
            except SyntaxError:
                continue
            checked += 1
            for d in scope["diagnostics"]:
                if d["kind"] == "super":
                    continue
                findings.append("%s.%s: %s" % (module_name, node.name, d["message"]))
"#;

#[test]
fn analysis_has_no_false_positives_on_the_stdlib() {
    let _serial = serial();
    python(|py| {
        let scope = PyDict::new(py);
        scope.set_item("MODULES", MODULES.to_vec()).expect("set");
        scope
            .set_item("ANALYZE", include_str!("analyze.py"))
            .expect("set");
        py.run(NO_FALSE_POSITIVES, Some(&scope), Some(&scope))
            .expect("runs");
        let checked: usize = scope
            .get_item("checked")
            .expect("readable")
            .expect("checked")
            .extract()
            .expect("a count");
        let findings: Vec<String> = scope
            .get_item("findings")
            .expect("readable")
            .expect("findings")
            .extract()
            .expect("strings");
        eprintln!("analysed {checked} stdlib functions");
        assert!(checked > 1000, "only {checked} functions analysed");
        assert!(
            findings.is_empty(),
            "false positives:\n{}",
            findings.join("\n")
        );
    })
    .expect("CPython starts");
}

/// `(kind, line, col, end_col)` of each finding of `analyze.py` on `source`.
fn findings(source: &str, return_kind: &str) -> Vec<(String, Option<usize>, usize, usize)> {
    analysis_findings(source, Some(("f", return_kind)))
}

/// The findings of `analyze.py` on `source`: as function `name` returning
/// `kind`, or (`None`) as a module.
fn analysis_findings(
    source: &str,
    function: Option<(&str, &str)>,
) -> Vec<(String, Option<usize>, usize, usize)> {
    python(|py| {
        let scope = PyDict::new(py);
        scope.set_item("source", source).expect("set");
        match function {
            Some((name, return_kind)) => {
                scope.set_item("name", name).expect("set");
                scope.set_item("return_kind", return_kind).expect("set");
            }
            None => {
                scope.set_item("mode", "module").expect("set");
                scope
                    .set_item("exposed", Vec::<(String, String)>::new())
                    .expect("set");
            }
        }
        scope.set_item("allow_missing_imports", false).expect("set");
        let code = std::ffi::CString::new(include_str!("analyze.py")).expect("no NUL");
        py.run(&code, Some(&scope), Some(&scope))
            .expect("the analysis runs on this CPython");
        let found = scope
            .get_item("diagnostics")
            .expect("readable")
            .expect("diagnostics");
        found
            .try_iter()
            .expect("a list")
            .map(|d| {
                let d = d.expect("an item");
                let get = |key: &str| d.get_item(key).expect("a key");
                (
                    get("kind").extract().expect("str"),
                    get("line").extract().expect("int"),
                    get("col").extract().expect("int"),
                    get("end_col").extract().expect("int"),
                )
            })
            .collect()
    })
    .expect("CPython starts")
}

#[test]
fn analysis_finds_each_problem_on_every_cpython() {
    let _serial = serial();
    let kind = |s: &str| Some(s.to_owned());
    let found = findings("def f(a):\n    totl = a\n    return total\n", "value");
    assert_eq!(found, vec![("undefined".into(), Some(3), 11, 16)]);
    let found = findings(
        "def f(a):\n    import numpyy as np, os\n    return a\n",
        "value",
    );
    assert_eq!(found, vec![("import".into(), Some(2), 11, 17)]);
    let found = findings(
        "def f(a):\n    from xml.etree.ElemenTree import X\n    return X\n",
        "value",
    );
    assert_eq!(found, vec![("import".into(), Some(2), 9, 29)]);
    let found = findings("def f(a):\n    a.append(1)\n", "value");
    assert_eq!(found.first().map(|f| f.0.clone()), kind("no_return"));
    assert_eq!(found[0].1, None);
    let found = findings("def f(a):\n    yield a\n", "value");
    assert_eq!(found, vec![("generator".into(), Some(2), 4, 11)]);
    let found = findings("def f(a):\n    return super().x\n", "object");
    assert_eq!(found, vec![("super".into(), Some(2), 11, 18)]);
    // Non-ASCII text before a name: columns count characters, not bytes.
    let found = findings("def f(a):\n    s = 'é' + nom\n    return s\n", "value");
    assert_eq!(found, vec![("undefined".into(), Some(2), 14, 17)]);
    assert!(findings("def f(a):\n    raise ValueError(a)\n", "value").is_empty());
    assert!(findings("def f(a):\n    pass\n", "other").is_empty());
}

/// Valid code the analysis once refused: each must give no finding, on
/// every CPython.
#[test]
fn analysis_accepts_valid_code_on_every_cpython() {
    let _serial = serial();
    let function_cases = [
        // A function named `top`: `symtable` before 3.13 takes it for the
        // module, and its parameters for globals.
        (
            "top",
            "def top(words, k):\n    return [w for w, _ in sorted(words)[:k]]\n",
        ),
        // A generator nested in the body does not make the body one.
        (
            "f",
            "def f(text):\n    def lines():\n        for l in text.split():\n            yield l\n    return list(lines())\n",
        ),
        // Imports guarded by `except ImportError`, a platform test,
        // `TYPE_CHECKING`; modules every program has.
        (
            "f",
            "def f(x):\n    try:\n        import numpyq as np\n    except ImportError:\n        np = None\n    import sys\n    if sys.platform == 'win32':\n        import winreg\n    from typing import TYPE_CHECKING\n    if TYPE_CHECKING:\n        import nosuchmod\n    import __main__\n    return x\n",
        ),
        // `super()` in a class nested in the function.
        (
            "f",
            "def f(x):\n    class A(dict):\n        def keys(self):\n            return super().keys()\n    return A(x)\n",
        ),
    ];
    for (name, source) in function_cases {
        let found = analysis_findings(source, Some((name, "object")));
        assert!(found.is_empty(), "{found:?} in\n{source}");
    }
    let module_cases = [
        "from collections import Counter\n\ndef top(words, k):\n    return [w for w, _ in Counter(words).most_common(k)]\n",
        // A star import binds names only running it would show.
        "from os.path import *\nimport __main__\n\ndef g(x):\n    return join(x, 'a')\n",
        "class C:\n    def m(self):\n        return super().m()\n",
    ];
    for source in module_cases {
        let found = analysis_findings(source, None);
        assert!(found.is_empty(), "{found:?} in\n{source}");
    }
    for default in [
        "', '.join(['a', 'b'])",
        "lambda x: x + 1",
        "[i for i in range(3)]",
    ] {
        assert_eq!(crate::python::check_default(default), None, "{default}");
    }
    assert!(crate::python::check_default("lambda x: y").is_some());
    let found = analysis_findings("def sum(xs):\n    return sum(xs)\n", Some(("sum", "value")));
    assert_eq!(found, vec![("shadowed_builtin".into(), Some(2), 11, 14)]);
}

/// CPython's own invalid programs (the examples of `test.test_syntax`) as
/// bodies in both forms: each gets CPython's error (or, in token form, a
/// refusal), never a panic, never an accepted program CPython rejects.
const SYNTAX_CASES: &std::ffi::CStr = cr#"
import doctest, textwrap
try:
    import test.test_syntax as t
    sources = [e.source for e in doctest.DocTestParser().get_examples(t.__doc__) if e.exc_msg]
except ImportError:
    # CPython without its test package (Debian's): a sample of the same.
    sources = [
        "(True := 1)\n", "obj.None = 1\n", "None = 1\n", "f() = 1\n", "del f()\n",
        "[x for x in x] = 1\n", "a, b += 1, 2\n", "lambda: x = 1\n", "1 if 1 else 0 = 1\n",
        "def f(x, x): pass\n", "print 'hello'\n", "if x = 3:\n    pass\n", "for x in range(10)\n",
        "while True\n    pass\n", "x = (1, 2\n", "f(x for x in L, 1)\n", "class C(x for x in L):\n    pass\n",
        "def f(*): pass\n", "def f(**x, *y): pass\n", "import a as b.c\n", "from x import y z\n",
        "try:\n    pass\n", "x = 1 +\n", "else:\n    pass\n", "continue\n", "break\n",
        "nonlocal x\n", "def g():\n    global x\n    x: int = 1\n", "f(**x, *y)\n", "f(a=1, a=2)\n",
        "with x as 1:\n    pass\n", "a = 1 = 2\n", "'abc' = 1\n", "x += yield = 1\n", "0x\n", "1__0\n",
        "1.2.3\n", "\"unterminated\n", "return = 1\n", "def f():\n    x = 1\n  y = 2\n",
    ]
cases = []
for text in sources:
    body = textwrap.indent(text, "    ")
    source = "def f(*args, **kwargs):\n" + body
    try:
        compile(source, "<case>", "exec")
        expected = None
    except (SyntaxError, ValueError) as error:
        expected = getattr(error, "msg", str(error))
    cases.append((body, expected))
"#;

#[test]
fn cpython_invalid_programs_are_reported_not_accepted() {
    let _serial = serial();
    let cases: Vec<(String, Option<String>)> = python(|py| {
        let scope = PyDict::new(py);
        py.run(SYNTAX_CASES, Some(&scope), Some(&scope))
            .expect("collects the cases");
        scope
            .get_item("cases")
            .expect("readable")
            .expect("cases")
            .extract()
            .expect("pairs")
    })
    .expect("CPython starts");
    assert!(cases.len() > 30, "only {} cases", cases.len());
    let (mut rejected, mut token_refused) = (0, 0);
    for (body, expected) in &cases {
        let hashes = "#".repeat(8);
        for (form, rust) in [
            (
                "string",
                format!("fn f() {{r{hashes}\"\n{body}\"{hashes}}}"),
            ),
            ("token", format!("fn f() {{\n{body}\n}}")),
        ] {
            let Some(item) = parse_item(&rust) else {
                continue; // not Rust tokens: rustc refuses it before pyfn
            };
            let mut errors = Errors::default();
            let Some(rendered) =
                render_body(&item, &["def f(*args, **kwargs):".to_owned()], &mut errors)
            else {
                assert_eq!(form, "token", "string form refused\n{body}");
                token_refused += 1;
                continue;
            };
            let outcome = crate::python::compile(&rendered.text, None)
                .map(drop)
                .map_err(|failure| {
                    crate::spans::failure_error(&failure, &rendered, item.sig.ident.span())
                });
            match (expected, outcome) {
                (Some(message), Err(error)) => {
                    assert!(
                        error.to_string().contains(message.as_str()),
                        "{form} form of\n{body}\ngave `{error}`, CPython says `{message}`"
                    );
                    rejected += 1;
                }
                (None, Ok(())) => {}
                (Some(message), Ok(())) => {
                    panic!("{form} form accepted\n{body}\nwhich CPython rejects: {message}")
                }
                (None, Err(error)) if form == "token" => {
                    // Rust's tokens lose what CPython needs (`\` continuation
                    // spacing, ...): an error, never a silent change.
                    let _ = error;
                }
                (None, Err(error)) => panic!("string form of\n{body}\nrejected: {error}"),
            }
        }
    }
    eprintln!(
        "{} invalid programs: {rejected} rejected with CPython's message, {token_refused} refused by the token form",
        cases.len()
    );
}

#[test]
fn module_file_errors_name_the_file_line_and_column() {
    let _serial = serial();
    let out = crate::pipeline::py_module(
        "mod m { file = \"tests/fixtures/broken.py\"; fn check(x: i64) -> bool; }"
            .parse()
            .expect("tokens"),
    )
    .to_string();
    // 3.9 says "invalid syntax" at the line's end, later versions
    // "expected ':'" after `LIMIT`: both on line 5.
    assert!(out.contains("python: SyntaxError: "), "{out}");
    assert!(out.contains("--> tests/fixtures/broken.py:5:"), "{out}");
    assert!(out.contains("if x > LIMIT"), "{out}");
    let out = crate::pipeline::py_module(
        "mod m { file = \"tests/fixtures/missing.py\"; fn check(x: i64) -> bool; }"
            .parse()
            .expect("tokens"),
    )
    .to_string();
    assert!(out.contains("cannot read"), "{out}");
    assert!(out.contains("missing.py"), "{out}");
}

/// Input deeper or longer than any real program: a clear error (or, where
/// CPython accepts it, code), never a crashed compiler. CPython 3.9's
/// `symtable` recurses without limit over a 100 000-term expression: the
/// CPython side runs on a thread with a stack for it.
#[test]
fn deep_and_long_inputs_give_errors_not_crashes() {
    let _serial = serial();
    let brackets = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let out = expand(&format!(
        "fn f() -> i64 {{\n    x = {brackets}\n    return 1\n}}"
    ));
    assert!(
        out.contains("brackets nested more than 256 deep"),
        "{out:.300}"
    );
    // Deep enough for CPython's own limit (200), not for ours.
    let brackets = format!("{}{}", "(".repeat(230), ")".repeat(230));
    let out = expand(&format!(
        "fn f() -> i64 {{\n    x = {brackets}\n    return 1\n}}"
    ));
    assert!(out.contains("too many nested parentheses"), "{out:.300}");
    let terms = vec!["1"; 100_000].join(" + ");
    for body in [
        format!("{{\n    return {terms}\n}}"),
        format!("{{r#\"\n    return {terms}\n\"#}}"),
    ] {
        let out = expand(&format!("fn f() -> i64 {body}"));
        // Either CPython's RecursionError, reported at the function, or
        // (a CPython that compiles it) a function.
        assert!(
            out.contains("RecursionError") || !out.contains(COMPILE_ERROR),
            "{out:.300}"
        );
    }
}

/// CPython's warnings never reach rustc's stderr, and never fail the build,
/// even when the environment turns them into errors.
#[test]
fn warnings_do_not_fail_the_check() {
    let _serial = serial();
    // An invalid escape: a DeprecationWarning before 3.12, a SyntaxWarning
    // since; `is` with a literal: a SyntaxWarning.
    let body = "{r#\"\n    if x is 1:\n        return \"\\d\"\n    return \"\"\n\"#}";
    python(|py| {
        py.run(
            c"import warnings; warnings.simplefilter('error')",
            None,
            None,
        )
        .expect("filters set");
    });
    let out = expand(&format!("fn f(x: i64) -> String {body}"));
    python(|py| {
        py.run(c"import warnings; warnings.resetwarnings()", None, None)
            .expect("filters reset");
    });
    assert!(!out.contains(COMPILE_ERROR), "{out}");
}

/// A `.py` file with a UTF-8 byte order mark is read as CPython reads it.
#[test]
fn module_file_with_a_byte_order_mark() {
    let _serial = serial();
    let out = crate::pipeline::py_module(
        "mod m { file = \"tests/fixtures/bom.py\"; pub def twice; }"
            .parse()
            .expect("tokens"),
    )
    .to_string();
    assert!(!out.contains(COMPILE_ERROR), "{out}");
    assert!(out.contains("pub fn twice"), "{out}");
}

/// An absolute `file` path is checked and embedded as the same file: the
/// program's `include_str!` (and, for a file not UTF-8 as it stands, its
/// `include_bytes!`) names it as written, not joined to the crate's
/// directory; a relative one is joined.
#[test]
fn absolute_module_paths_include_the_checked_file() {
    let _serial = serial();
    let dir = env!("CARGO_MANIFEST_DIR");
    for (name, include) in [("units.py", "include_str"), ("latin1.py", "include_bytes")] {
        let absolute = format!("{dir}/tests/fixtures/{name}");
        let input = format!("mod m {{ file = {absolute:?}; }}");
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        assert!(!out.contains(COMPILE_ERROR), "{out}");
        assert!(
            out.contains(&format!(":: core :: {include} ! ({absolute:?})")),
            "{out}"
        );
        assert!(!out.contains("CARGO_MANIFEST_DIR"), "{out}");
        let relative = format!("mod m {{ file = \"tests/fixtures/{name}\"; }}");
        let out = crate::pipeline::py_module(relative.parse().expect("tokens")).to_string();
        assert!(!out.contains(COMPILE_ERROR), "{out}");
        assert!(out.contains("CARGO_MANIFEST_DIR"), "{out}");
    }
}

/// The lines of what the analysis of module `source` finds.
fn finding_lines(source: &str) -> Vec<Option<usize>> {
    analysis_findings(source, None)
        .into_iter()
        .map(|(_, line, _, _)| line)
        .collect()
}

/// Found on whole stdlib files: a name is undefined where its scope reads it
/// as a global, not where another scope has a local of that name; code
/// CPython never evaluates, and names Python programs get at run time, are
/// not errors.
#[test]
fn names_are_judged_in_their_own_scope() {
    let _serial = serial();
    // The undefined `b` is the default on line 5, not `g`'s parameter.
    assert_eq!(
        finding_lines(
            "def g(a, b=0):\n    return a + b\n\ndef t():\n    def f(x=b):\n        pass\n"
        ),
        vec![Some(5)]
    );
    // Guarded by `except NameError`; a parameter of the same name elsewhere
    // is another variable.
    assert!(
        finding_lines(
            "def g(nope):\n    return nope\ntry:\n    nope\nexcept NameError:\n    pass\n"
        )
        .is_empty()
    );
    // Annotations in functions, and all of them under the future import,
    // are never evaluated; a module with annotations has `__annotations__`.
    assert!(finding_lines("class C:\n    def f(self, x):\n        self.x: Nope = x\n        y: AlsoNope = 2\nz: int = 1\nprint(__annotations__)\n").is_empty());
    assert!(
        finding_lines(
            "from __future__ import annotations\ndef f(x: Nope) -> AlsoNope:\n    return x\n"
        )
        .is_empty()
    );
    assert_eq!(
        finding_lines("def f(x: Nope):\n    return x\n"),
        vec![Some(1)]
    );
    // `gettext.install` adds `_` (and what `names` lists) to the builtins;
    // `WindowsError` is a builtin on Windows.
    assert!(finding_lines("import gettext\ngettext.install('app', names=['ngettext'])\nprint(_('a'), ngettext('a', 'b', 2), WindowsError)\n").is_empty());
}

/// Found on whole third-party files (site-packages): code this Python
/// never runs is not judged. A branch a test of the version rules out (a
/// pyfn program runs on the CPython minor it was built with), or a
/// constant flag (`DEBUG = False`); an `except ImportError` fallback for an
/// import; the rest of a scope that first tests a name with `except
/// NameError`. A name read where the code does run is still reported.
#[test]
fn code_this_python_never_runs_is_not_judged() {
    let _serial = serial();
    let source = "\
import sys
PY3 = sys.version_info[0] >= 3
PY2 = not PY3
DEBUG = False
if sys.version_info[0] >= 3:
    string_types = (str,)
else:
    string_types = (str, unicode)
text_type = str if PY3 else unicode
int_types = (int, long) if PY2 else (int,)
def to_text(obj):
    if isinstance(obj, bytes) and sys.version_info < (3,):
        obj = unicode(obj)
    if sys.version_info[:2] >= (3, 8) or oldname:
        return obj
    if DEBUG:
        print(trace)
    return obj
try:
    from collections.abc import Mapping
except ImportError:
    from collections import Mapping
    str = unicode
def in_jupyter():
    try:
        get_ipython
    except NameError:
        return False
    return get_ipython() is not None
def live():
    if sys.version_info >= (3, 0):
        return basestring
def typo():
    return lenn([])
";
    // Only the names read where the code runs: `basestring`, `lenn`.
    let mut found = finding_lines(source);
    found.sort();
    assert_eq!(found, vec![Some(32), Some(34)]);
    // A flag a function rebinds is not constant.
    let rebound = "FLAG = False\ndef on():\n    global FLAG\n    FLAG = True\ndef f():\n    if FLAG:\n        return nope\n";
    assert_eq!(finding_lines(rebound), vec![Some(7)]);
    // A test of the platform is not decided: the program runs elsewhere.
    let platform = "import sys\nif sys.platform == 'win32':\n    x = nope\n";
    assert_eq!(finding_lines(platform), vec![Some(3)]);
}

/// A star import binds what the imported module's source says, read without
/// running it: names it does not bind are still undefined. A star import
/// whose names cannot be known that way (a C module) turns the
/// undefined-name check off for the module.
#[test]
fn star_imports_are_resolved_from_source() {
    let _serial = serial();
    let kinds = |source: &str| -> Vec<(String, Option<usize>)> {
        analysis_findings(source, None)
            .into_iter()
            .map(|(kind, line, _, _)| (kind, line))
            .collect()
    };
    // `posixpath` (frozen in 3.11+) and `json` declare a literal `__all__`.
    assert_eq!(
        kinds(
            "from posixpath import *\nfrom json import *\nprint(join, basename, dumps, loads)\nprint(no_such_name)\n"
        ),
        vec![("undefined".to_owned(), Some(4))]
    );
    // `textwrap`'s `__all__` does not list `_whitespace`.
    assert_eq!(
        kinds("from textwrap import *\nprint(dedent, _whitespace)\n"),
        vec![("undefined".to_owned(), Some(2))]
    );
    // `math` is a C module: what it binds is known only by importing it.
    assert!(kinds("from math import *\nprint(floor, no_such_name)\n").is_empty());
}

/// A `.py` file with a PEP 263 encoding declaration is decoded as CPython
/// decodes it, and embedded as that text; one CPython cannot decode is an
/// error at the path, with CPython's words.
#[test]
fn module_files_are_decoded_as_cpython_decodes_them() {
    let _serial = serial();
    let out = crate::pipeline::py_module(
        "mod m { file = \"tests/fixtures/latin1.py\"; pub def cafe; }"
            .parse()
            .expect("tokens"),
    )
    .to_string();
    assert!(!out.contains(COMPILE_ERROR), "{out}");
    assert!(out.contains("include_bytes"), "{out}");
    assert!(out.contains("CAFE = \\\"caf\u{e9}\\\""), "{out}");
    let out = crate::pipeline::py_module(
        "mod m { file = \"tests/fixtures/unknown_encoding.py\"; pub def f; }"
            .parse()
            .expect("tokens"),
    )
    .to_string();
    assert!(
        out.contains("CPython cannot read `tests/fixtures/unknown_encoding.py`: SyntaxError: unknown encoding"),
        "{out}"
    );
}

/// Every top-level module of the running CPython's standard library,
/// unchanged, as a `py_module!` file: no diagnostic at all. (Only files
/// CPython itself cannot compile here are left out: none in 3.9-3.13.)
#[test]
fn stdlib_modules_as_files_give_no_diagnostic() {
    let _serial = serial();
    let (_, files) = crate::sweep::stdlib_files(true);
    assert!(files.len() > 100, "only {} modules", files.len());
    let mut flagged = Vec::new();
    for path in &files {
        let input = format!("mod m {{ file = {path:?}; }}");
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        if out.contains(COMPILE_ERROR) {
            flagged.push(format!(
                "{path}: {}",
                &out[out.find(COMPILE_ERROR).unwrap_or(0)..]
            ));
        }
    }
    eprintln!("{} stdlib modules checked", files.len());
    assert!(
        flagged.is_empty(),
        "{} flagged:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}

/// The signatures `analyze.py` reads from the source for classes (their
/// `__init__`, `__new__`, dataclass fields, a base's) and aliases
/// (`make = Greeter`), on every class and alias at the top level of every
/// standard-library module, against `inspect.signature` of the imported
/// object: parameter names, keyword-only or not, default or not, `*args`
/// and `**kwargs`. A wrong signature would refuse a valid declaration. The
/// imports run code, so the build interpreter runs it as a process of its
/// own (`tests/class_signatures.py`).
#[test]
fn class_signatures_agree_with_inspect_on_the_stdlib() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let interpreter = crate::python::build_interpreter().expect("the build interpreter");
    let output = std::process::Command::new(interpreter)
        .arg(dir.join("tests/class_signatures.py"))
        .arg(dir.join("src/analyze.py"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the build interpreter runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).expect("UTF-8");
    let (compared, disagreements) = python(|py| {
        let parsed = py
            .import("json")
            .and_then(|json| json.call_method1("loads", (report.trim(),)))
            .expect("one JSON object");
        let compared: usize = parsed
            .get_item("counts")
            .and_then(|counts| counts.get_item("compared"))
            .and_then(|n| n.extract())
            .expect("a count");
        let disagreements: Vec<String> = parsed
            .get_item("disagreements")
            .and_then(|found| found.try_iter())
            .expect("a list")
            .map(|item| item.expect("an item").to_string())
            .collect();
        (compared, disagreements)
    })
    .expect("CPython starts");
    eprintln!("compared {compared} classes and aliases");
    assert!(compared > 500, "only {compared} compared");
    assert!(
        disagreements.is_empty(),
        "signatures that differ from inspect's:\n{}",
        disagreements.join("\n")
    );
}

/// Every package of the running CPython's standard library (each
/// top-level directory with an `__init__.py`: `json`, `email`, `asyncio`,
/// `xml`, …, whole, subpackages included), unchanged, read as a
/// `package`: every file compiles, and no import between its files, nor
/// any other check, is flagged. Imports of modules outside the package go
/// through the usual check, which the build interpreter answers: those it
/// cannot find here (Windows' `_winapi`, `msvcrt`, `winreg`, optional
/// C modules such as `_gdbm`: 11 under CPython 3.11, each printed) are
/// counted, not failed, as `stdlib_modules_as_files_give_no_diagnostic`
/// does not see them either (a package's files are its own test files).
#[test]
fn stdlib_packages_as_packages_give_no_diagnostic() {
    let _serial = serial();
    let (stdlib, _) = crate::sweep::stdlib_files(true);
    let root = std::path::Path::new(&stdlib);
    let mut packages: Vec<String> = std::fs::read_dir(root)
        .expect("the stdlib")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            (entry.path().join("__init__.py").is_file()
                && !matches!(name.as_str(), "test" | "site-packages" | "dist-packages"))
            .then_some(name)
        })
        .collect();
    packages.sort();
    // Left out: a package holding files CPython itself cannot compile
    // (lib2to3's Python 2 test data), as the module sweep leaves them out.
    let (_, compiled) = crate::sweep::stdlib_files(false);
    let compiled: std::collections::HashSet<String> = compiled.into_iter().collect();
    let mut skipped = Vec::new();
    packages.retain(|package| {
        let mut stack = vec![root.join(package)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "py")
                    && !compiled.contains(&path.to_string_lossy().into_owned())
                {
                    skipped.push(package.clone());
                    return false;
                }
            }
        }
        true
    });
    eprintln!("left out (files CPython cannot compile): {skipped:?}");
    assert!(packages.len() > 15, "only {packages:?}");
    let options = crate::model::Options::default();
    let found = crate::lower::Found {
        exposed: &[],
        item_modules: &[],
        submodules: &[],
    };
    let (mut files, mut outside) = (0, 0);
    let mut flagged = Vec::new();
    for package in &packages {
        let mut errors = crate::errors::Errors::default();
        let read = crate::lower::read_package_in(
            root,
            package,
            proc_macro2::Span::call_site(),
            &found,
            &options,
            &mut errors,
        );
        let Some(read) = read else {
            flagged.push(format!(
                "{package}: not read: {}",
                errors.into_compile_error()
            ));
            continue;
        };
        for file in &read.files {
            files += 1;
            for finding in &file.analysis.findings {
                if finding
                    .message
                    .contains("not found by the build interpreter")
                {
                    eprintln!(
                        "outside the package: {}: {}",
                        file.code_file, finding.message
                    );
                    outside += 1;
                    continue;
                }
                // The names the module sweep knows to be undefined on
                // purpose (tests of `NameError`, code never run).
                let name = finding.message.split('`').nth(1).unwrap_or_default();
                if finding.kind == crate::python::FindingKind::Undefined
                    && crate::sweep::UNDEFINED_ON_PURPOSE.contains(&(file.code_file.as_str(), name))
                {
                    continue;
                }
                flagged.push(format!(
                    "{}:{:?}: {}",
                    file.code_file, finding.start, finding.message
                ));
            }
        }
    }
    eprintln!(
        "{} stdlib packages, {files} files, {outside} imports of modules outside the stdlib's reach here",
        packages.len()
    );
    assert!(files > 300, "only {files} files");
    assert!(
        flagged.is_empty(),
        "{} flagged:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}
