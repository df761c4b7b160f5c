//! The build-time checks measured both ways on real code, under whichever
//! CPython this crate is built for (CI runs 3.9-3.13):
//!
//! - nothing valid refused: every self-contained top-level function of the
//!   whole standard library (every `.py` file under it that CPython
//!   compiles, tests included), unchanged, as a `py_fn!` with a string
//!   body, gets no diagnostic;
//! - nothing invalid let through: every program of CPython's own
//!   `test_syntax` that CPython rejects is rejected by `py_module!`, and a
//!   set of real mistakes is reported by `py_fn!`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::tests::{COMPILE_ERROR, ERROR_BRACE, serial};

/// Collects, for every top-level `def` of every standard-library `.py` file
/// that CPython compiles, whose free names are all builtins (or its own
/// name, for recursion) that its module does not rebind (`webbrowser`'s
/// own `open`, a module docstring's `__doc__`): its name, parameter names, body text and whether
/// it is `async`. Files are decoded as CPython decodes them (BOM, PEP 263).
const FUNCTIONS: &std::ffi::CStr = cr#"
import ast, builtins, io, os, symtable, sysconfig, textwrap, tokenize
stdlib = sysconfig.get_paths()["stdlib"]
names = set(dir(builtins))
functions, files = [], 0

def free_globals(table, out):
    for symbol in table.get_symbols():
        if table.get_type() != "module" and symbol.is_global() and symbol.is_referenced():
            out.add(symbol.get_name())
    for child in table.get_children():
        free_globals(child, out)

for root, dirs, entries in os.walk(stdlib):
    dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
    for entry in sorted(entries):
        if not entry.endswith(".py"):
            continue
        path = os.path.join(root, entry)
        with open(path, "rb") as f:
            data = f.read()
        try:
            tree = compile(data, path, "exec", ast.PyCF_ONLY_AST)
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            # Lines as CPython counts them: `str.splitlines` also splits at
            # form feeds and other separators CPython reads as spaces.
            text = data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
            lines = text.split("\n")
        except Exception:
            continue
        files += 1
        # What the module binds at its top level (its docstring is its
        # `__doc__`): a function reading one of these, where a builtin has
        # the same name (`open` in `webbrowser`), means the module's, and
        # is not self-contained.
        try:
            module_table = symtable.symtable(text, path, "exec")
        except SyntaxError:
            continue
        module_names = {s.get_name() for s in module_table.get_symbols()
                        if s.is_assigned() or s.is_imported() or s.is_namespace()}
        if ast.get_docstring(tree) is not None:
            module_names.add("__doc__")
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            text = textwrap.dedent("\n".join(lines[node.lineno - 1:node.end_lineno]))
            try:
                table = symtable.symtable(text, "f", "exec")
            except SyntaxError:
                continue
            free = set()
            free_globals(table, free)
            if not free <= names | {node.name} or (free - {node.name}) & module_names:
                continue
            a = node.args
            params = [(p.arg, "positional") for p in a.posonlyargs + a.args]
            params += [(a.vararg.arg, "args")] if a.vararg else []
            params += [(p.arg, "keyword") for p in a.kwonlyargs]
            params += [(a.kwarg.arg, "kwargs")] if a.kwarg else []
            head = node.body[0]
            first = min([head.lineno] + [d.lineno for d in getattr(head, "decorator_list", [])])
            start = lines[first - 1]
            col = len(start.encode("utf-8")[:head.col_offset].decode("utf-8")) if first == head.lineno else 0
            if start[:col].strip():
                # The body starts on the line of the `def`: `def f(): return 1`.
                body = "\n".join([start[col:]] + lines[first:node.end_lineno])
            else:
                body = "\n".join(lines[first - 1:node.end_lineno])
            where = "%s:%d" % (os.path.relpath(path, stdlib), node.lineno)
            functions.append((where, node.name, params, body,
                              isinstance(node, ast.AsyncFunctionDef)))
"#;

/// Rust keywords that are Python names: written `r#name` in Rust.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Names Rust cannot give a function or parameter at all, not even raw.
const RUST_UNNAMEABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

fn rust_name(name: &str) -> String {
    if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// (file:line, name, parameters as (name, kind), body, whether `async`).
/// A parameter's kind: `positional`, `args` (`*args`), `keyword`
/// (keyword-only) or `kwargs` (`**kwargs`).
type Collected = (String, String, Vec<(String, String)>, String, bool);

/// What [`FUNCTIONS`] collects: how many stdlib files it read, and the
/// self-contained functions.
fn collected() -> (usize, Vec<Collected>) {
    crate::python::with_python(|py| {
        let scope = PyDict::new(py);
        py.run(FUNCTIONS, Some(&scope), Some(&scope))
            .expect("collects the stdlib's functions");
        let get = |key: &str| scope.get_item(key).expect("readable").expect(key);
        (
            get("files").extract().expect("a count"),
            get("functions").extract().expect("functions"),
        )
    })
}

/// A collected function as a `py_fn!` input: `attrs`, then `fn name(…) ->
/// Py<PyAny>` with the function's own parameters, of their own kinds
/// (`*args` a `#[py(args)] Vec<Py<PyAny>>`, a keyword-only one
/// `#[py(keyword)]`, `**kwargs` a `#[py(kwargs)] HashMap<String,
/// Py<PyAny>>`), every value a `Py<PyAny>`, and the body unchanged as a raw
/// string (with enough `#`s).
fn py_fn_input(attrs: &str, name: &str, params: &[(String, String)], body: &str) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|(p, kind)| match kind.as_str() {
            "args" => format!("#[py(args)] {}: Vec<Py<PyAny>>", rust_name(p)),
            "keyword" => format!("#[py(keyword)] {}: Py<PyAny>", rust_name(p)),
            "kwargs" => format!(
                "#[py(kwargs)] {}: std::collections::HashMap<String, Py<PyAny>>",
                rust_name(p)
            ),
            _ => format!("{}: Py<PyAny>", rust_name(p)),
        })
        .collect();
    let mut hashes = "#".repeat(8);
    while body.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!(
        "{attrs}fn {}({}) -> Py<PyAny> {{r{hashes}\"\n{body}\n\"{hashes}}}",
        rust_name(name),
        params.join(", ")
    )
}

/// The standard library's self-contained functions that `py_fn!` rightly
/// refuses, as `(file, function, what the diagnostic says)`; each is listed,
/// with its reason, in docs/diagnostics.md. Their code is valid Python, but
/// taken out of its file it could not run as written on this CPython.
const RIGHTLY_REFUSED: &[(&str, &str, &str)] = &[
    // Runs only on Jython: CPython has no `java` module.
    ("platform.py", "_java_getprop", "module `java` not found"),
    // Part of a package: a relative import has nothing to be relative to.
    (
        "multiprocessing/dummy/__init__.py",
        "Pool",
        "relative import `..pool`",
    ),
    (
        "importlib/resources/_common.py",
        "from_package",
        "relative import `._adapters`",
    ),
    // Imports a module the test writes to disk before calling it.
    (
        "test/test_bdb.py",
        "tfunc_import",
        "module `test_module_for_bdb` not found",
    ),
    // Imports setuptools, a third-party package, which works only where
    // it is installed.
    (
        "test/support/__init__.py",
        "missing_compiler_executable",
        "module `setuptools` not found",
    ),
];

/// Every self-contained standard-library function, through `py_fn!` with
/// its body unchanged as a string: no diagnostic. The only functions left
/// out are those `py_fn!` cannot declare at all, counted and printed:
/// `async def`s (a Rust `fn` runs its body to the end) and functions with a
/// parameter Rust cannot name (`self`, `_`).
#[test]
fn stdlib_functions_through_py_fn_give_no_diagnostic() {
    let _serial = serial();
    let (files, functions) = collected();
    assert!(files > 500, "only {files} stdlib files");
    let (mut checked, mut asynchronous, mut unnameable, mut refused) = (0, 0, 0, 0);
    let mut flagged = Vec::new();
    for (place, name, params, body, is_async) in &functions {
        if *is_async {
            asynchronous += 1;
            continue;
        }
        if RUST_UNNAMEABLE.contains(&name.as_str())
            || params
                .iter()
                .any(|(p, _)| RUST_UNNAMEABLE.contains(&p.as_str()))
        {
            unnameable += 1;
            continue;
        }
        let input = py_fn_input("", name, params, body);
        let Ok(tokens) = input.parse::<proc_macro2::TokenStream>() else {
            flagged.push(format!("{place}: {name}: not Rust tokens"));
            continue;
        };
        let out = crate::pipeline::py_fn(tokens).to_string();
        checked += 1;
        if let Some(at) = out.find(COMPILE_ERROR) {
            let file = place
                .rsplit_once(':')
                .map_or(place.as_str(), |(file, _)| file);
            let expected = RIGHTLY_REFUSED.iter().any(|(f, n, says)| {
                *f == file
                    && n == name
                    && out
                        .split(COMPILE_ERROR)
                        .skip(1)
                        .all(|error| error.contains(says))
            });
            if expected {
                refused += 1;
            } else {
                flagged.push(format!("{place}: {name}: {}", &out[at..]));
            }
        }
    }
    eprintln!(
        "{files} stdlib files: {} self-contained functions, {checked} checked through py_fn!, \
         {refused} rightly refused (listed), left out: {asynchronous} async, {unnameable} with a \
         name Rust cannot write",
        functions.len()
    );
    assert!(checked > 500, "only {checked} functions checked");
    assert!(
        flagged.is_empty(),
        "{} of {checked} flagged:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}

/// What ty finds in the stdlib functions of CPython 3.11 under
/// `#[py(typecheck)]` (every one run, `PYFN_TYPECHECK_SWEEP_STRIDE=1`: 3
/// of 1034; every parameter and result is `Any`, so none is about pyfn's
/// annotations). (file, function, ty's rule.) All three are real errors:
/// `test_dis`'s functions are broken on purpose (only disassembled: `[…] +
/// 1`, `*_, _ = ...`, `with 1:`).
///
/// No longer here, valid code ty flags and pyfn does not report:
/// - A `None` that is no declaration of the checked source
///   ([`crate::typecheck::without_refuted`], `analyze.py`'s `_declared`):
///   typeshed's optional attributes where the code knows better
///   (`f.__closure__[0]` of a function with a closure, 3;
///   `Popen(…, stdin=PIPE).stdin`, 1), a variable first `None` then set in
///   a loop before the line that reads it (`ctypes._aix`), `[None] * n`
///   filled with callables (`test_generators`). A `None` the source
///   declares (an `Option<T>`, an annotation) is still reported.
/// - A member of a subclass, in the class's package, of what a library's
///   factory returns (`ccompiler.new_compiler().initialize()`, an
///   `MSVCCompiler`'s).
/// - A mismatch only where the expected type is gradual (`tkinter.ttk`'s
///   `Unknown | str` for a found `(Unknown & ~P) | str`).
/// - Members typeshed's stubs lack (`float.__getformat__`,
///   `distutils.archive_util.ARCHIVE_FORMATS`, `FancyGetopt.print_help`),
///   which pyfn asks the real module or class about; `platform._platform`,
///   whose `*args` the sweep now keeps (as one positional parameter ty
///   inferred `filter(len, args)`'s items as `Sized`); `pdb.help` and
///   `webbrowser.open_new(_tab)`, which read names their module rebinds
///   (`__doc__`, `open`) and so are not self-contained. `winreg` and
///   `msvcrt` code checks clean since ty checks for any platform
///   ([`crate::typecheck::PLATFORM`]).
const TYPECHECK_KNOWN: &[(&str, &str, &str)] = &[
    ("test/test_dis.py", "bug1333982", "unsupported-operator"),
    ("test/test_dis.py", "extended_arg_quick", "not-iterable"),
    ("test/test_dis.py", "jumpy", "invalid-context-manager"),
];

/// The same stdlib functions under `#[py(typecheck)]` (their parameters
/// and result `Py<PyAny>`, so `Any`): ty finds nothing but
/// [`TYPECHECK_KNOWN`] (asserted under CPython 3.11, whose stdlib that
/// list is; printed under another). A
/// deterministic sample, every `PYFN_TYPECHECK_SWEEP_STRIDE`-th function
/// (default 25; `1`: all, which takes a process of ty per function);
/// skipped, saying so, when ty is not installed next to the build
/// interpreter.
#[test]
fn stdlib_functions_type_check_clean() {
    if !crate::typecheck::available() {
        eprintln!(
            "skipped: the type checker ty is not installed next to the build interpreter (scripts/ensure-typecheck installs it)"
        );
        return;
    }
    let _serial = serial();
    let stride: usize = std::env::var("PYFN_TYPECHECK_SWEEP_STRIDE")
        .ok()
        .and_then(|text| text.parse().ok())
        .filter(|&stride| stride > 0)
        .unwrap_or(25);
    let (_, functions) = collected();
    let candidates = functions.iter().filter(|(_, name, params, _, is_async)| {
        !is_async
            && !RUST_UNNAMEABLE.contains(&name.as_str())
            && !params
                .iter()
                .any(|(p, _)| RUST_UNNAMEABLE.contains(&p.as_str()))
    });
    let start = std::time::Instant::now();
    let (mut checked, mut expected) = (0, 0);
    let mut flagged = Vec::new();
    for (place, name, params, body, _) in candidates.step_by(stride) {
        let input = py_fn_input("#[py(typecheck)] ", name, params, body);
        let Ok(tokens) = input.parse::<proc_macro2::TokenStream>() else {
            continue;
        };
        let out = crate::pipeline::py_fn(tokens).to_string();
        checked += 1;
        if out.contains("[ty: ") || out.contains("needs the type checker") {
            let file = place
                .rsplit_once(':')
                .map_or(place.as_str(), |(file, _)| file);
            let known = TYPECHECK_KNOWN.iter().any(|(f, n, rule)| {
                *f == file && n == name && out.contains(&format!("[ty: {rule}]"))
            });
            // ty's messages (the first line of each error), for the log.
            let messages: Vec<&str> = out
                .split("compile_error")
                .filter_map(|error| {
                    let message = error.split_once('"')?.1;
                    let rule = message.find("[ty: ")?;
                    let end = rule + message[rule..].find(']')? + 1;
                    Some(&message[..end])
                })
                .collect();
            eprintln!("ty: {place}: {name}: {}", messages.join(" | "));
            if known {
                expected += 1;
            } else {
                let at = out.find("compile_error").unwrap_or(0);
                flagged.push(format!("{place}: {name}: {}", &out[at..]));
            }
        }
    }
    eprintln!(
        "type-checked {checked} stdlib functions (every {stride}th) in {:.1} s: {expected} known \
         findings of ty, {} others",
        start.elapsed().as_secs_f64(),
        flagged.len()
    );
    assert!(checked > 20, "only {checked} functions type-checked");
    if env!("PYFN_MACRO_PYTHON") != "3.11" {
        eprintln!(
            "not asserted: the known findings are CPython 3.11's stdlib's; this is {}:\n{}",
            env!("PYFN_MACRO_PYTHON"),
            flagged.join("\n")
        );
        return;
    }
    assert!(
        flagged.is_empty(),
        "{} of {checked} flagged by ty:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
    if stride == 1 {
        // Every function checked: the list is exactly what ty finds (a
        // finding that went away leaves the list).
        assert_eq!(
            expected,
            TYPECHECK_KNOWN.len(),
            "TYPECHECK_KNOWN lists findings ty no longer reports"
        );
    }
}

/// The other way from [`stdlib_functions_type_check_clean`]: the same
/// stdlib functions with their first parameter declared `Any | None` (a
/// Rust `Option<Py<PyAny>>`), every other one `Any`. Each error ty finds
/// only with that declaration (the function uses the parameter where None
/// does not do, without a check, through whatever flow the real code
/// takes: assignments, loops, `with`, subscripts) must still be reported
/// after pyfn's refutations, which drop the `None`s no declaration gives.
/// Skipped without ty.
#[test]
fn declared_nones_in_stdlib_functions_are_reported() {
    if !crate::typecheck::available() {
        eprintln!("skipped: the type checker ty is not installed next to the build interpreter");
        return;
    }
    let _serial = serial();
    let (_, functions) = collected();
    // The function as ty reads it, its first positional parameter `first`.
    let text = |name: &str, params: &[(String, String)], body: &str, first: &str| {
        let mut positional = true;
        let params: Vec<String> = params
            .iter()
            .map(|(p, kind)| match kind.as_str() {
                "args" => format!("*{p}: typing.Any"),
                "kwargs" => format!("**{p}: typing.Any"),
                "keyword" if positional => {
                    positional = false;
                    format!("*, {p}: typing.Any")
                }
                _ => format!("{p}: typing.Any"),
            })
            .collect();
        let mut params = params;
        params[0] = format!(
            "{}: {first}",
            params[0].split(':').next().unwrap_or_default()
        );
        let indent = body
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.len() - line.trim_start().len())
            .min()
            .unwrap_or(0);
        let body: String = body
            .lines()
            .map(|line| format!("    {}\n", line.get(indent..).unwrap_or_default()))
            .collect();
        format!(
            "import typing\ndef {name}({}) -> typing.Any:\n{body}",
            params.join(", ")
        )
    };
    let (mut functions_flagged, mut declared, mut kept) = (0, 0, 0);
    let mut lost = Vec::new();
    for (place, name, params, body, is_async) in &functions {
        if *is_async || params.first().is_none_or(|(_, kind)| kind != "positional") {
            continue;
        }
        let plain = text(name, params, body, "typing.Any");
        let optional = text(name, params, body, "typing.Any | None");
        let (Ok(before), Ok(after)) = (
            crate::typecheck::check(&plain),
            crate::typecheck::check(&optional),
        ) else {
            continue;
        };
        let key = |d: &crate::typecheck::Diagnostic| (d.start, d.rule.clone(), d.message.clone());
        let new: Vec<_> = after
            .iter()
            .filter(|d| !before.iter().any(|b| key(b) == key(d)))
            .map(key)
            .collect();
        if new.is_empty() {
            continue;
        }
        functions_flagged += 1;
        declared += new.len();
        let reported: Vec<_> = crate::typecheck::without_refuted(
            &optional,
            after
                .into_iter()
                .filter(|d| !crate::typecheck::superseded(d))
                .collect(),
        )
        .iter()
        .map(key)
        .collect();
        for finding in new {
            if reported.contains(&finding) {
                kept += 1;
            } else {
                lost.push(format!("{place}: {name}: {}", finding.2));
            }
        }
    }
    eprintln!(
        "{} stdlib functions, first parameter `Any | None`: ty finds {declared} errors the declaration \
         causes, in {functions_flagged} functions; pyfn reports {kept}",
        functions.len()
    );
    assert!(declared > 50, "too few to measure: {declared}");
    assert!(lost.is_empty(), "not reported:\n{}", lost.join("\n"));
}

/// The programs of CPython's `test_syntax` (its doctests, and the literal
/// sources its test methods check) that CPython itself rejects.
const INVALID: &std::ffi::CStr = cr#"
import ast, doctest, os, sysconfig
path = os.path.join(sysconfig.get_paths()["stdlib"], "test", "test_syntax.py")
with open(path, encoding="utf-8") as f:
    text = f.read()
tree = ast.parse(text)
sources = []
doc = ast.get_docstring(tree, clean=False) or ""
for example in doctest.DocTestParser().get_examples(doc):
    sources.append(example.source)
for node in ast.walk(tree):
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("_check_error", "_check_noerror") and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        if node.func.attr == "_check_error":
            sources.append(node.args[0].value)
invalid = []
for source in sources:
    try:
        compile(source, "<test_syntax>", "exec")
    except (SyntaxError, ValueError):
        invalid.append(source)
    except Exception:
        pass
"#;

/// Every invalid program of CPython's `test_syntax`, as a `py_module!`
/// file, is a compile error.
#[test]
fn cpythons_invalid_programs_are_all_rejected() {
    let _serial = serial();
    let invalid: Vec<String> = crate::python::with_python(|py| {
        let scope = PyDict::new(py);
        py.run(INVALID, Some(&scope), Some(&scope)).expect(
            "reads CPython's test/test_syntax.py (a CPython without its test package cannot run this test)",
        );
        scope
            .get_item("invalid")
            .expect("readable")
            .expect("invalid")
            .extract()
            .expect("sources")
    });
    assert!(
        invalid.len() > 100,
        "only {} invalid programs",
        invalid.len()
    );
    let dir = std::env::temp_dir().join(format!("pyfn-test-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch dir");
    let mut let_through = Vec::new();
    for (index, source) in invalid.iter().enumerate() {
        let path = dir.join(format!("case{index}.py"));
        std::fs::write(&path, source).expect("writes");
        let input = format!("mod m {{ file = {:?}; }}", path.display().to_string());
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        if !out.contains(COMPILE_ERROR) {
            let_through.push(source.clone());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{} invalid programs of test_syntax rejected", invalid.len());
    assert!(
        let_through.is_empty(),
        "{} let through:\n{}",
        let_through.len(),
        let_through.join("\n---\n")
    );
}

/// Real mistakes, each reported (with the check that reports it), on every
/// CPython: the ui cases pin their exact text under one version only.
#[test]
fn real_mistakes_are_all_reported() {
    let _serial = serial();
    let cases = [
        (
            "undefined name",
            "fn f(a: i64) -> i64 {\n    totl = a\n    return total\n}",
        ),
        (
            "attribute of a typo",
            "fn f() -> i64 {\n    import math\n    return maht.floor(1.5)\n}",
        ),
        (
            "missing import",
            "fn f() -> i64 {\n    import surely_missing_pyfn_module\n    return 1\n}",
        ),
        (
            "missing from-import module",
            "fn f() -> i64 {\n    from surely_missing_pyfn_module import x\n    return x\n}",
        ),
        (
            "missing return",
            "fn f(a: i64) -> i64 {\n    if a:\n        return\n    print(a)\n}",
        ),
        ("no return at all", "fn f(a: i64) -> String {\n    a + 1\n}"),
        ("generator for a value", "fn f() -> i64 {\n    yield 1\n}"),
        (
            "builtin-named wrapper",
            "fn sum(xs: Vec<i64>) -> i64 {\n    return sum(xs)\n}",
        ),
        (
            "super outside a class",
            "fn f() -> i64 {\n    return super().x\n}",
        ),
        ("syntax error", "fn f(a: i64) -> i64 {\n    return a +\n}"),
        (
            "string-body syntax error",
            "fn f() -> i64 {r#\"\n    return (1,\n\"#}",
        ),
        (
            "nonlocal at function level",
            "fn f() -> i64 {r#\"\n    nonlocal x\n    return 1\n\"#}",
        ),
        (
            "undefined in a comprehension",
            "fn f(xs: Vec<i64>) -> Vec<i64> {\n    return [y * k for y in xs]\n}",
        ),
    ];
    let mut missed = Vec::new();
    for (what, input) in cases {
        let out = crate::pipeline::py_fn(input.parse().expect("tokens")).to_string();
        if !out.contains(COMPILE_ERROR) {
            missed.push(what);
        }
    }
    assert!(missed.is_empty(), "not reported: {missed:?}");
}

/// Every `.py` file of the standard library's packages (and tests) that
/// CPython compiles, unchanged, as a `py_module!` file. Such a file belongs
/// to a package, which a single-file module is not (a `package` is, see
/// [`stdlib_packages_as_packages`]), so its relative imports are rightly
/// refused, and so are modules this
/// platform lacks (Windows' `winreg`); both are checked to be so. Every
/// other diagnostic must be a name undefined on purpose, listed in
/// [`UNDEFINED_ON_PURPOSE`]: CPython's tests use undefined names to test
/// `NameError`. No analysis may fail.
#[test]
fn stdlib_package_files_as_modules() {
    let _serial = serial();
    let (stdlib, files) = stdlib_files(false);
    assert!(files.len() > 500, "only {} files", files.len());
    let mut unexpected = Vec::new();
    let (mut relative, mut missing, mut on_purpose) = (0, 0, 0);
    for path in &files {
        let input = format!("mod m {{ file = {path:?}; }}");
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        let file = path
            .strip_prefix(&stdlib)
            .unwrap_or(path)
            .trim_start_matches('/');
        for error in out.split(ERROR_BRACE).skip(1) {
            let message = error.split("\\n").next().unwrap_or(error);
            if message.contains("has no package to be relative to") {
                relative += 1;
            } else if let Some(module) = message
                .strip_prefix(" \"module `")
                .and_then(|rest| rest.split('`').next())
                .filter(|_| message.contains("not found by the build interpreter"))
            {
                if importable(module) {
                    unexpected.push(format!("{file}: `{module}` is importable: {message}"));
                } else {
                    missing += 1;
                }
            } else if let Some(name) = message
                .strip_prefix(" \"name `")
                .and_then(|rest| rest.split('`').next())
                .filter(|_| message.contains("is not defined"))
            {
                if UNDEFINED_ON_PURPOSE
                    .iter()
                    .any(|(f, n)| *f == file && *n == name)
                {
                    on_purpose += 1;
                } else {
                    unexpected.push(format!("(\"{file}\", \"{name}\"),"));
                }
            } else {
                unexpected.push(format!("{file}: {message}"));
            }
        }
    }
    eprintln!(
        "{} package files: {relative} relative imports, {missing} modules this platform lacks, \
         {on_purpose} names undefined on purpose",
        files.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// Whole top-level stdlib modules as `#[py(typecheck)]` `py_module!`
/// files: a measurement, not a check (`cargo test -p pyfn-macros --lib
/// stdlib_modules_type_check -- --ignored --nocapture`; with
/// `PYFN_SWEEP_VERBOSE` set, every error; `PYFN_SWEEP_MODULES_DIR`: the
/// `.py` files at the top of that directory instead): prints ty's errors by rule.
/// Untyped `def`s are not judged (gradual typing); what is left is
/// top-level code ty reads differently, see `BENCHMARKS.md`.
#[test]
#[ignore = "a measurement: prints what ty finds in whole stdlib modules"]
fn stdlib_modules_type_check() {
    if !crate::typecheck::available() {
        eprintln!("skipped: ty is not installed next to the build interpreter");
        return;
    }
    let _serial = serial();
    // `PYFN_SWEEP_MODULES_DIR`: the `.py` files at the top of that
    // directory instead (a site-packages: third-party single-file modules).
    let files = match std::env::var("PYFN_SWEEP_MODULES_DIR") {
        Ok(dir) => {
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .expect("PYFN_SWEEP_MODULES_DIR lists")
                .filter_map(|entry| Some(entry.ok()?.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
                .map(|path| path.display().to_string())
                .collect();
            files.sort();
            files
        }
        Err(_) => stdlib_files(true).1,
    };
    let start = std::time::Instant::now();
    let mut rules = std::collections::BTreeMap::<String, usize>::new();
    let (mut flagged, mut unchecked) = (0, 0);
    for path in &files {
        let input = format!("#[py(typecheck, allow_missing_imports)] mod m {{ file = {path:?}; }}");
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        let errors: Vec<&str> = out.split(ERROR_BRACE).skip(1).collect();
        let found: Vec<&str> = errors
            .iter()
            .filter_map(|error| {
                let rule = error.find("[ty: ")? + 5;
                Some(&error[rule..rule + error[rule..].find(']')?])
            })
            .collect();
        if found.is_empty() && !errors.is_empty() {
            unchecked += 1;
            if std::env::var_os("PYFN_SWEEP_VERBOSE").is_some() {
                for error in &errors {
                    eprintln!(
                        "{path}: not type-checked: {}",
                        &error[..error.len().min(300)]
                    );
                }
            }
        }
        if !found.is_empty() {
            flagged += 1;
            if std::env::var_os("PYFN_SWEEP_VERBOSE").is_some() {
                for error in &errors {
                    eprintln!("{path}: {}", &error[..error.len().min(300)]);
                }
            }
        }
        for rule in found {
            *rules.entry(rule.to_owned()).or_default() += 1;
        }
    }
    let mut by_count: Vec<_> = rules.iter().collect();
    by_count.sort_by_key(|(_, count)| std::cmp::Reverse(**count));
    eprintln!(
        "{} modules in {:.1} s: {} ty errors in {flagged} modules ({unchecked} not type-checked: pyfn's own errors first)",
        files.len(),
        start.elapsed().as_secs_f64(),
        rules.values().sum::<usize>()
    );
    for (rule, count) in by_count {
        eprintln!("  {count:5} {rule}");
    }
}

/// The standard library's directory, and its `.py` files that CPython
/// compiles: the top-level modules (`top_level`), or every other file (its
/// packages and tests).
pub(crate) fn stdlib_files(top_level: bool) -> (String, Vec<String>) {
    crate::python::with_python(|py| {
        let scope = PyDict::new(py);
        scope.set_item("top_level", top_level).expect("set");
        py.run(
            cr#"
import os, sysconfig
stdlib = sysconfig.get_paths()["stdlib"]
files = []
for root, dirs, names in os.walk(stdlib):
    dirs[:] = [] if top_level else sorted(
        d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
    if (root == stdlib) != top_level:
        continue
    for name in sorted(names):
        path = os.path.join(root, name)
        if not name.endswith(".py") or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            source = f.read()
        try:
            compile(source, path, "exec")
        except Exception:
            continue
        files.append(path)
"#,
            Some(&scope),
            Some(&scope),
        )
        .expect("lists the stdlib");
        let get = |key: &str| scope.get_item(key).expect("readable").expect(key);
        (
            get("stdlib").extract().expect("a path"),
            get("files").extract().expect("paths"),
        )
    })
}

/// Whether the running CPython can find top-level module `name`.
fn importable(name: &str) -> bool {
    crate::python::with_python(|py| {
        py.import("importlib.util")
            .and_then(|util| util.call_method1("find_spec", (name,)))
            .map(|spec| !spec.is_none())
            .unwrap_or(true)
    })
}

/// Names CPython's own files leave undefined on purpose (tests of
/// `NameError`, code that is only compiled, pickled or never run), or that
/// only exist in a package (`__path__`): `(file, name)`, on any version.
pub(crate) const UNDEFINED_ON_PURPOSE: &[(&str, &str)] = &[
    // distutils/tests/test_versionpredicate.py: never imported `unittest` (under `__main__`).
    ("distutils/tests/test_versionpredicate.py", "unittest"),
    // idlelib/config_key.py: names a class renamed since (under `__main__`).
    ("idlelib/config_key.py", "GetKeysDialog"),
    // idlelib/idle_test/test_rpc.py: a function only pickled, never called.
    ("idlelib/idle_test/test_rpc.py", "a"),
    ("idlelib/idle_test/test_rpc.py", "b"),
    ("idlelib/idle_test/test_rpc.py", "c"),
    // logging/__init__.py: `__path__`: only a package has it.
    ("logging/__init__.py", "__path__"),
    // test/ann_module.py: a function never called.
    ("test/ann_module.py", "List"),
    // test/ann_module3.py: tests the `NameError` of annotated targets.
    ("test/ann_module3.py", "no_such_name"),
    ("test/ann_module3.py", "sfel"),
    // test/datetimetester.py: a helper removed from the module, in code no test runs.
    ("test/datetimetester.py", "_utcfromtimestamp"),
    // test/test__interpreters.py: code run in another interpreter.
    ("test/test__interpreters.py", "w"),
    // test/test_capi/test_eval_code_ex.py: code run with other globals.
    ("test/test_capi/test_eval_code_ex.py", "a"),
    ("test/test_capi/test_eval_code_ex.py", "r"),
    // test/test_importlib/test_locks.py: misspelt `unittets` under `__main__`.
    ("test/test_importlib/test_locks.py", "unittets"),
    // test/test_importlib/test_threaded_import.py: misspelt `unittets` under `__main__`.
    ("test/test_importlib/test_threaded_import.py", "unittets"),
    // test/test_keywordonlyarg.py: tests the `NameError` of defaults.
    ("test/test_keywordonlyarg.py", "b"),
    ("test/test_keywordonlyarg.py", "c"),
    ("test/test_keywordonlyarg.py", "d"),
    // test/test_pathlib/test_pathlib_abc.py: a test skipped where `os.readlink` exists.
    ("test/test_pathlib/test_pathlib_abc.py", "q"),
    // test/test_peepholer.py: code only compiled and disassembled.
    ("test/test_peepholer.py", "a"),
    ("test/test_peepholer.py", "b"),
    ("test/test_peepholer.py", "baz"),
    ("test/test_peepholer.py", "c"),
    ("test/test_peepholer.py", "d"),
    ("test/test_peepholer.py", "f"),
    ("test/test_peepholer.py", "foo"),
    ("test/test_peepholer.py", "x"),
    // test/test_raise.py: tests `NameError`.
    ("test/test_raise.py", "xyzzy"),
    // test/test_shutil.py: a lambda never called.
    ("test/test_shutil.py", "x"),
    // test/test_sqlite3/test_dbapi.py: a test that never runs here (`bigmemtest`).
    ("test/test_sqlite3/test_dbapi.py", "size"),
    // test/test_unittest/test_case.py: a test method never run.
    ("test/test_unittest/test_case.py", "MyException"),
    // test/test_unittest/test_suite.py: a test method never run.
    ("test/test_unittest/test_suite.py", "fail"),
    // test/test_with.py: tests `NameError`.
    ("test/test_with.py", "foo"),
    // test/typinganndata/ann_module.py: a function never called.
    ("test/typinganndata/ann_module.py", "List"),
    // test/typinganndata/ann_module3.py: tests the `NameError` of annotated targets.
    ("test/typinganndata/ann_module3.py", "no_such_name"),
    ("test/typinganndata/ann_module3.py", "sfel"),
    // unittest/test/test_case.py: a test method never run.
    ("unittest/test/test_case.py", "MyException"),
    // unittest/test/test_suite.py: a test method never run.
    ("unittest/test/test_suite.py", "fail"),
];

/// Every `.py` file of the build interpreter's site-packages (or of
/// `PYFN_SWEEP_SITE`) as a `py_module!` file (imports not checked: a file
/// of a package has relative imports): the names pyfn reports undefined,
/// printed with their lines. A measurement of the undefined-name check on
/// third-party code (`cargo test -p pyfn-macros --lib
/// sweep::site_packages_undefined_names -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement: prints the names pyfn reports undefined in site-packages"]
fn site_packages_undefined_names() {
    let _serial = serial();
    let site = std::env::var("PYFN_SWEEP_SITE").unwrap_or_else(|_| {
        crate::python::with_python(|py| {
            py.import("sysconfig")
                .and_then(|sysconfig| sysconfig.call_method0("get_paths"))
                .and_then(|paths| paths.get_item("purelib"))
                .and_then(|purelib| purelib.extract())
                .expect("purelib")
        })
    });
    let mut files = Vec::new();
    let mut pending = vec![std::path::PathBuf::from(&site)];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "py") {
                files.push(path.display().to_string());
            }
        }
    }
    files.sort();
    let start = std::time::Instant::now();
    let (mut with_names, mut names, mut refused) = (0, 0, 0);
    for path in &files {
        let input = format!("#[py(allow_missing_imports)] mod m {{ file = {path:?}; }}");
        let Ok(tokens) = input.parse::<proc_macro2::TokenStream>() else {
            continue;
        };
        let out = crate::pipeline::py_module(tokens).to_string();
        let mut here = 0;
        for error in out.split(ERROR_BRACE).skip(1) {
            let message = error.split("\\n").next().unwrap_or(error);
            if message.contains("is not defined") {
                here += 1;
                eprintln!("{path}: {}", &error[..error.len().min(400)]);
            } else if !message.contains("relative to") && !message.contains("package") {
                refused += 1;
                eprintln!("{path}: other: {}", &message[..message.len().min(200)]);
            }
        }
        if here > 0 {
            with_names += 1;
            names += here;
        }
    }
    eprintln!(
        "{} files of {site} in {:.1} s: {names} undefined names in {with_names} files; {refused} other findings",
        files.len(),
        start.elapsed().as_secs_f64()
    );
}

/// Every top-level package of the standard library, unchanged, as a
/// `py_module!` `package` with no function declared (what importing it
/// imports is judged, see `lower::read_package_in`): none gives a
/// diagnostic. Before what is judged was what is imported, `asyncio`,
/// `multiprocessing`, `distutils` (Windows modules: `_overlapped`,
/// `msvcrt`, `winreg`), `dbm` (`_gdbm`, an optional C module), `lib2to3`
/// (Python 2 test data) and `test` (files of unknown encodings) were
/// refused, and test files' names undefined on purpose were reported.
/// With `PYFN_SWEEP_TYPECHECK` set, each is also type-checked, and ty's
/// errors are counted (with `PYFN_SWEEP_VERBOSE`, printed), not asserted
/// (a measurement). With
/// `PYFN_SWEEP_PACKAGES_DIR`, the packages of that directory instead (a
/// site-packages).
#[test]
fn stdlib_packages_as_packages() {
    let _serial = serial();
    let packages = crate::python::with_python(|py| {
        let scope = PyDict::new(py);
        scope
            .set_item("manifest", env!("CARGO_MANIFEST_DIR"))
            .expect("set");
        scope
            .set_item("elsewhere", std::env::var("PYFN_SWEEP_PACKAGES_DIR").ok())
            .expect("set");
        py.run(
            cr#"
import os, sysconfig
stdlib = elsewhere or sysconfig.get_paths()["stdlib"]
# Relative to the crate's `Cargo.toml`, as a package's directory is.
dirs = sorted(os.path.relpath(os.path.join(stdlib, d), manifest) for d in os.listdir(stdlib)
              if os.path.isfile(os.path.join(stdlib, d, "__init__.py")))
"#,
            Some(&scope),
            Some(&scope),
        )
        .expect("lists the stdlib's packages");
        let dirs: Vec<String> = scope
            .get_item("dirs")
            .expect("readable")
            .expect("dirs")
            .extract()
            .expect("dirs");
        dirs
    });
    assert!(packages.len() > 20, "only {} packages", packages.len());
    let typecheck = std::env::var_os("PYFN_SWEEP_TYPECHECK").is_some();
    let mut refused = Vec::new();
    for dir in &packages {
        let attrs = if typecheck { "#[py(typecheck)] " } else { "" };
        let input = format!("{attrs}mod m {{ package = {dir:?}; }}");
        let start = std::time::Instant::now();
        let out = crate::pipeline::py_module(input.parse().expect("tokens")).to_string();
        let took = start.elapsed().as_secs_f64();
        let errors: Vec<&str> = out
            .split(ERROR_BRACE)
            .skip(1)
            .map(|error| error.split("\\n").next().unwrap_or(error))
            .collect();
        let typed = errors
            .iter()
            .filter(|error| error.contains("[ty: "))
            .count();
        if typecheck {
            eprintln!("{dir}: {typed} ty errors ({took:.1} s)");
            if std::env::var_os("PYFN_SWEEP_VERBOSE").is_some() {
                for error in out
                    .split(ERROR_BRACE)
                    .filter(|error| error.contains("[ty: "))
                {
                    let lines: Vec<&str> = error.split("\\n").take(2).collect();
                    eprintln!("    {}", lines.join(" "));
                }
            }
        }
        refused.extend(
            errors
                .iter()
                .filter(|error| !error.contains("[ty: "))
                .map(|error| format!("{dir}: {error}")),
        );
    }
    eprintln!("{} stdlib packages", packages.len());
    assert!(
        refused.is_empty(),
        "{} diagnostics:\n{}",
        refused.len(),
        refused.join("\n")
    );
}
