//! Property tests of the source reconstruction: random input never panics,
//! and a body written as tokens never means something other than the same
//! text written as a string.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use pyo3::Python;
use pyo3::types::{PyAnyMethods, PyDict, PyDictMethods};

use crate::errors::Errors;
use crate::parse::{Body, ItemFn as PyFn};
use crate::render::PySource;
use crate::tests::{parse_item, render_body};

use crate::tests::serial;

/// 256 cases, or `PROPTEST_CASES` for a longer hunt.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        // A failure is reported with its minimal input; nothing is written
        // next to the sources.
        failure_persistence: None,
        ..Config::default()
    })
}

/// Runs the property, panicking with proptest's minimal failing input.
fn run<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(failure) = runner().run(&strategy, test) {
        panic!("{failure}");
    }
}

fn python<R: Send>(f: impl for<'py> FnOnce(Python<'py>) -> R + Send) -> R {
    crate::python::with_python(f)
}

/// `ast.dump` of the whole module `source` (the `def` and whatever else
/// it holds), or why CPython cannot parse it.
fn dump(source: &str) -> Result<String, String> {
    const DUMP: &std::ffi::CStr = cr#"
import ast, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        dumped = (True, ast.dump(ast.parse(source)))
    except Exception as error:
        dumped = (False, "%s: %s" % (type(error).__name__, error))
"#;
    python(|py| {
        let scope = PyDict::new(py);
        scope.set_item("source", source).expect("set");
        py.run(DUMP, Some(&scope), Some(&scope))
            .expect("the dump runs");
        let (ok, text): (bool, String) = scope
            .get_item("dumped")
            .expect("readable")
            .expect("dumped")
            .extract()
            .expect("a pair");
        if ok { Ok(text) } else { Err(text) }
    })
}

const HEADER: &str = "def f():";

/// What became of one `fn f() { … }` written as `rust`.
enum Outcome {
    /// Rust's tokenizer or `PyFn`'s parser rejects it.
    NotRust,
    /// `render` reported errors (and rendered nothing).
    Refused,
    Rendered(PySource),
}

/// Parses `rust` as a `PyFn` and renders its body under `def f():`,
/// checking that errors are reported exactly when nothing is rendered.
fn render(rust: &str) -> Result<(Outcome, Option<PyFn>), TestCaseError> {
    let Some(item) = parse_item(rust) else {
        return Ok((Outcome::NotRust, None));
    };
    let mut errors = Errors::default();
    let rendered = render_body(&item, &[HEADER.to_owned()], &mut errors);
    let outcome = match rendered {
        Some(rendered) => {
            prop_assert!(errors.is_empty(), "rendered, with errors: {rust:?}");
            check_rendered(&rendered, &item)?;
            Outcome::Rendered(rendered)
        }
        None => {
            prop_assert!(!errors.is_empty(), "nothing rendered, no error: {rust:?}");
            Outcome::Refused
        }
    };
    Ok((outcome, Some(item)))
}

/// What holds for every rendered source: the `def` sits on line
/// `header_end`, the text ends in a newline, and if CPython compiles it
/// (`check`) it also parses it.
fn check_rendered(rendered: &PySource, item: &PyFn) -> Result<(), TestCaseError> {
    let text = &rendered.text;
    prop_assert!(text.ends_with('\n'), "{text:?}");
    prop_assert_eq!(
        text.split('\n').nth(rendered.header_end - 1),
        Some(HEADER),
        "the def is not on line header_end {} of {:?}",
        rendered.header_end,
        text
    );
    prop_assert!(
        text.split('\n')
            .take(rendered.header_end - 1)
            .all(str::is_empty),
        "lines before the def: {text:?}"
    );
    let _ = item;
    match crate::python::compile(&rendered.text, None).map(drop) {
        Ok(()) => {
            prop_assert!(dump(text).is_ok(), "compiles but does not parse: {text:?}");
        }
        Err(err) => {
            let shown = format!("{err:?}");
            prop_assert!(!shown.is_empty());
        }
    }
    Ok(())
}

/// `body` as a raw string literal with more `#`s than it ever needs.
fn raw_literal(body: &str) -> String {
    let mut hashes = "#".to_owned();
    while body.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{body}\"{hashes}")
}

/// `body` as a normal string literal, with escapes (`\n`, `\"`, `\u{…}`).
fn escaped_literal(body: &str) -> String {
    format!("{body:?}")
}

// ------------------------------------------------------------ random text

/// Rust- and Python-ish fragments, many of which lex as Rust.
#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "x", "return", "if", "else", "pass", "é", "日本", "🦀", "=", "+", "-", "*", "/", "//",
    "/*", "*/", "///", "#", "#!", "@", "$", "?", "!", "~", "^", ":", ";", ",", ".", "..",
    "(", ")", "[", "]", "{", "}", "\"", "\"a\"", "'", "'a'", "'a", "''", "\"\"\"", "'''",
    "r\"x\"", "r#\"x\"#", "br\"x\"", "b\"x\"", "b'x'", "c\"x\"", "f\"{x}\"", "\\", "\\n",
    "\"\\u{41}\"", "\"\\x41\"", "\"\\0\"", "1", "1u8", "1.5", "1e5", "1.", "0x1F", "2j",
    "1_000", " ", "  ", "    ", "\t", "\n", "\r\n", "\u{0}", "\u{feff}", "\u{85}",
    "\u{2028}", "\u{a0}", "\u{3000}", "r#type", "'\\''", "yield", "lambda",
];

/// Strings of any chars, and Rust- and Python-ish fragments that often lex.
fn any_text() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(FRAGMENTS);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        prop::collection::vec(fragments, 0..40).prop_map(|parts| parts.concat()),
    ]
}

#[test]
fn random_token_bodies_never_panic() {
    let _serial = serial();
    let rendered = Cell::new(0);
    run(body(), |body| {
        let (outcome, _) = render(&format!("fn f() {{\n{body}\n}}"))?;
        if let Outcome::Rendered(_) = outcome {
            rendered.set(rendered.get() + 1);
        }
        Ok(())
    });
    eprintln!(
        "random token bodies: {} of {} rendered",
        rendered.get(),
        cases()
    );
}

#[test]
fn random_string_bodies_never_panic_and_render_alike() {
    let _serial = serial();
    run((any_text(), any::<bool>()), |(body, own_line)| {
        // On lines of their own (`{r"\n…\n"}`), or right after the quote.
        let text = if own_line {
            format!("\n{body}\n")
        } else {
            body.clone()
        };
        let refused = text.contains('\0') || text.trim().is_empty();
        let mut texts = Vec::new();
        for literal in [raw_literal(&text), escaped_literal(&text)] {
            let rust = format!("fn f() {{{literal}}}");
            let (outcome, item) = render(&rust)?;
            if let Some(item) = item {
                prop_assert!(
                    matches!(item.body, Some(Body::Str(_))),
                    "not the string form: {rust:?}"
                );
            }
            match outcome {
                // Rust allows no lone carriage return in a raw string.
                Outcome::NotRust if literal.starts_with('r') && text.contains('\r') => {}
                Outcome::NotRust => prop_assert!(false, "a string literal body: {rust:?}"),
                Outcome::Refused => prop_assert!(refused, "refused: {rust:?}"),
                Outcome::Rendered(rendered) => {
                    prop_assert!(!refused, "rendered: {rust:?}");
                    texts.push(rendered.text);
                }
            }
        }
        // Raw or escaped, a literal whose value starts on its own line
        // renders to the same Python.
        if own_line && let [raw, escaped] = &texts[..] {
            prop_assert_eq!(raw, escaped);
        }
        Ok(())
    });
}

// ------------------------------------------------- a Python-ish grammar

/// A simple statement, and what it holds that the token form cannot carry
/// or that spans lines.
#[derive(Clone, Copy, Debug)]
struct Simple {
    text: &'static str,
    /// A `#` comment outside any string.
    comment: bool,
    /// `//` outside any string (floor division; a comment to Rust).
    floor: bool,
    /// A line break inside a token (a triple-quoted string).
    multiline: bool,
}

const fn plain(text: &'static str) -> Simple {
    Simple {
        text,
        comment: false,
        floor: false,
        multiline: false,
    }
}

/// Statements Rust's tokenizer accepts and the token form carries.
const SIMPLE: &[Simple] = &[
    plain("x = 1"),
    plain("y = x + 2"),
    plain("return x"),
    plain("return"),
    plain("pass"),
    plain("x = \"it's\""),
    plain("x = 'c'"),
    plain("x = '\\''"),
    plain("x = 'a' 'b'"),
    plain("x = \"a\" \"b\""),
    plain("x = \"#not a comment\""),
    plain("x = \"// nor this\""),
    plain("s = \"\"\"one line\"\"\""),
    Simple {
        multiline: true,
        ..plain("s = \"\"\"one\ntwo\n  three\"\"\" + x")
    },
    Simple {
        multiline: true,
        ..plain("\"\"\"doc\nstring\"\"\"")
    },
    plain("z = [1, 2,\n3]"),
    plain("z = (1 +\n        2)"),
    plain("z = {\n}"),
    plain("d = {\"a\": 1, 'b': 2}"),
    plain("b = b\"bytes\\x00\""),
    plain("b = b'x'"),
    plain("t = \"tab\\there\\n\""),
    plain("u = \"é日本\" + é"),
    plain("n = 1e3 + 0x1f + 1_000 + 3j + 1."),
    plain("n = 0o17 + 0b1"),
    plain("e = ..."),
    plain("del x"),
    plain("assert x, \"msg\""),
    plain("g = lambda: 0"),
    plain("r = r\"raw\\d\""),
    plain("q = x if x else -x"),
    plain("x = 1; y = 2"),
    plain("yield x"),
    plain("x = a.b[c](d)"),
    plain("x = y @ z"),
    plain("raise ValueError(\"bad\")"),
    plain("x = not x"),
    plain("x = 1   "),
    plain("print(x, end=\"\")"),
    plain("x =\t1"),
    plain("x =\u{c}1"),
    plain("z = [\n1,\n]"),
    plain("z = (\n\t1)"),
    plain("u = \"🦀\" + x"),
    Simple {
        multiline: true,
        ..plain("s = \"\"\"a\n\"\"\"; y = 2")
    },
    Simple {
        multiline: true,
        ..plain("x = \"a\\\n  b\"")
    },
];

/// Statements the token form cannot carry: Rust rejects them, or the
/// macro must refuse them (comments), and invalid Python.
const TRICKY: &[Simple] = &[
    plain("x = 'say \"hi\"'"),
    plain("s = \"\"\"tri\"ple\"\"\""),
    Simple {
        floor: true,
        ..plain("w = x // 2")
    },
    Simple {
        comment: true,
        ..plain("x = 1  # note")
    },
    Simple {
        comment: true,
        ..plain("x = 1#note")
    },
    plain("n = 1u8"),
    plain("f\"{x}\""),
    plain("x = \"\\u{41}\""),
    plain("x = 1 +\\\n    2"),
    plain("x = `1`"),
    plain("s = '''single'''"),
    plain("x = $"),
];

/// The line that opens a block.
const HEADERS: &[&str] = &[
    "if x:",
    "for i in range(3):",
    "while x:",
    "with x as y:",
    "def g(a, b=1):",
    "class C:",
    "try:",
    "if (x and\n        y):",
];

/// The line that opens a block's second part, for headers that take one.
fn clause(header: &str) -> Option<&'static str> {
    match header {
        "if x:" | "if (x and\n        y):" => Some("else:"),
        "for i in range(3):" | "while x:" => Some("else:"),
        "try:" => Some("except ValueError as e:"),
        _ => None,
    }
}

#[derive(Clone, Debug)]
enum Stmt {
    Simple(Simple),
    /// Whitespace only.
    Blank(&'static str),
    /// A comment line at the block's indentation.
    Comment(&'static str),
    /// A simple statement at column 0, whatever the depth.
    ColumnZero(Simple),
    Block {
        header: &'static str,
        body: Vec<Stmt>,
        second: Option<Vec<Stmt>>,
    },
}

/// A generated body: statements, and how they are laid out.
#[derive(Clone, Debug)]
struct Program {
    stmts: Vec<Stmt>,
    /// The indentation of the top-level statements.
    base: &'static str,
    /// One more level of indentation.
    unit: &'static str,
    newline: &'static str,
}

/// What a rendered program holds.
#[derive(Default)]
struct Flags {
    comment: bool,
    floor: bool,
    multiline: bool,
}

impl Program {
    fn text(&self) -> (String, Flags) {
        let mut lines = Vec::new();
        let mut flags = Flags::default();
        self.write(&self.stmts, self.base.to_owned(), &mut lines, &mut flags);
        (lines.join(self.newline), flags)
    }

    fn write(&self, stmts: &[Stmt], indent: String, lines: &mut Vec<String>, flags: &mut Flags) {
        let simple = |indent: &str, s: &Simple, lines: &mut Vec<String>, flags: &mut Flags| {
            flags.comment |= s.comment;
            flags.floor |= s.floor;
            flags.multiline |= s.multiline;
            // Only the first line is indented: the others continue a
            // token or a bracket, as written.
            lines.push(format!("{indent}{}", s.text.replace('\n', self.newline)));
        };
        for stmt in stmts {
            match stmt {
                Stmt::Simple(s) => simple(&indent, s, lines, flags),
                Stmt::ColumnZero(s) => simple("", s, lines, flags),
                Stmt::Blank(blank) => lines.push((*blank).to_owned()),
                Stmt::Comment(comment) => {
                    flags.comment = true;
                    lines.push(format!("{indent}{comment}"));
                }
                Stmt::Block {
                    header,
                    body,
                    second,
                } => {
                    lines.push(format!("{indent}{}", header.replace('\n', self.newline)));
                    let inner = format!("{indent}{}", self.unit);
                    self.write(body, inner.clone(), lines, flags);
                    match (second, clause(header)) {
                        (Some(second), Some(clause)) => {
                            lines.push(format!("{indent}{clause}"));
                            self.write(second, inner, lines, flags);
                        }
                        // A `try` needs a second part.
                        (None, Some(_)) if *header == "try:" => {
                            lines.push(format!("{indent}finally:"));
                            lines.push(format!("{inner}pass"));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// A statement; with `tricky`, also the statements and comments the token
/// form cannot carry.
fn stmt(tricky: bool) -> BoxedStrategy<Stmt> {
    let simple = prop_oneof![
        8 => prop::sample::select(SIMPLE),
        u32::from(tricky) => prop::sample::select(TRICKY),
    ];
    let leaf = prop_oneof![
        30 => simple.clone().prop_map(Stmt::Simple),
        2 => prop::sample::select(vec!["", " ", "\t", "        ", "\u{c}"]).prop_map(Stmt::Blank),
        u32::from(tricky) => prop::sample::select(vec!["# a comment", "#", "# it's \"quoted\"", "#!x"])
            .prop_map(Stmt::Comment),
        1 => simple.prop_map(Stmt::ColumnZero),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        (
            prop::sample::select(HEADERS),
            prop::collection::vec(inner.clone(), 1..4),
            prop::option::of(prop::collection::vec(inner, 1..3)),
        )
            .prop_map(|(header, body, second)| Stmt::Block {
                header,
                body,
                second,
            })
    })
    .boxed()
}

fn program() -> impl Strategy<Value = Program> {
    let stmts = prop_oneof![
        2 => prop::collection::vec(stmt(false), 1..5),
        1 => prop::collection::vec(stmt(true), 1..5),
    ];
    (
        stmts,
        prop::sample::select(vec!["", "", "    ", "  ", "\t", "        "]),
        prop::sample::select(vec!["    ", "    ", "  ", " ", "\t"]),
        prop::sample::select(vec!["\n", "\n", "\n", "\r\n"]),
    )
        .prop_map(|(stmts, base, unit, newline)| Program {
            stmts,
            base,
            unit,
            newline,
        })
}

/// The Python CPython gets from `body` written in a `.py` file under
/// `def f():`, every line indented by four more columns.
fn reference(body: &str) -> String {
    let indented: Vec<String> = body.split('\n').map(|line| format!("    {line}")).collect();
    format!("{HEADER}\n{}\n", indented.join("\n"))
}

#[test]
fn grammar_bodies_mean_the_same_in_both_forms() {
    let _serial = serial();
    let (tokens_same, tokens_refused, tokens_error, not_rust) =
        (Cell::new(0), Cell::new(0), Cell::new(0), Cell::new(0));
    run(program(), |program| {
        let (body, flags) = program.text();
        if body.trim().is_empty() {
            // No statement at all: both forms refuse it (`random_string_bodies…`).
            return Ok(());
        }
        // The string form: any Python, exactly as CPython reads it in a
        // `.py` file (whose lines are not re-indented inside tokens).
        let string_rust = format!("fn f() {{{}}}", raw_literal(&format!("\n{body}\n")));
        let (outcome, _) = render(&string_rust)?;
        let Outcome::Rendered(string_form) = outcome else {
            return Err(TestCaseError::fail(format!(
                "the string form refused {body:?}"
            )));
        };
        let string_dump = dump(&string_form.text);
        let mixed_indent = [program.base, program.unit].concat().contains('\t')
            && [program.base, program.unit].concat().contains(' ');
        if !flags.multiline && !mixed_indent {
            let expected = dump(&reference(&body));
            prop_assert_eq!(
                string_dump.is_ok(),
                expected.is_ok(),
                "the string form of {:?} rendered as {:?}: {:?}, in a .py file: {:?}",
                body,
                string_form.text,
                string_dump,
                expected
            );
            if let (Ok(got), Ok(expected)) = (&string_dump, &expected) {
                prop_assert_eq!(got, expected, "the string form changed {:?}", body);
            }
        }
        // The escaped string literal renders the same text.
        let (outcome, _) = render(&format!(
            "fn f() {{{}}}",
            escaped_literal(&format!("\n{body}\n"))
        ))?;
        match outcome {
            Outcome::Rendered(escaped) => prop_assert_eq!(&escaped.text, &string_form.text),
            _ => prop_assert!(false, "the escaped string form refused {body:?}"),
        }
        // Written right after the opening quote, the first line joins the
        // block below it: where both parse, the same program.
        let quote_line = body.trim_start_matches([' ', '\t']);
        if !quote_line.trim().is_empty() {
            let (outcome, _) = render(&format!("fn f() {{{}}}", raw_literal(quote_line)))?;
            let Outcome::Rendered(quote_form) = outcome else {
                return Err(TestCaseError::fail(format!(
                    "the string form refused {quote_line:?}"
                )));
            };
            if let (Ok(got), Ok(expected)) = (dump(&quote_form.text), &string_dump) {
                prop_assert_eq!(
                    &got,
                    expected,
                    "after the quote, {:?} became {:?}",
                    quote_line,
                    quote_form.text
                );
            }
        }

        // The token form: the same text, or an error, never another program.
        let token_rust = format!("fn f() {{\n{body}\n}}");
        match render(&token_rust)?.0 {
            Outcome::NotRust => not_rust.set(not_rust.get() + 1),
            Outcome::Refused => tokens_refused.set(tokens_refused.get() + 1),
            Outcome::Rendered(token_form) => {
                prop_assert!(
                    !flags.comment && !flags.floor,
                    "a comment was dropped silently from {:?}: rendered as {:?}",
                    body,
                    token_form.text
                );
                let token_dump = dump(&token_form.text);
                prop_assert_eq!(
                    token_dump.is_ok(),
                    string_dump.is_ok(),
                    "token form {:?} vs string form {:?} of {:?}: {:?} vs {:?}",
                    token_form.text,
                    string_form.text,
                    body,
                    token_dump,
                    string_dump
                );
                match (&token_dump, &string_dump) {
                    (Ok(got), Ok(expected)) => {
                        prop_assert_eq!(
                            got,
                            expected,
                            "the token form changed {:?} into {:?}",
                            body,
                            token_form.text
                        );
                        tokens_same.set(tokens_same.get() + 1);
                    }
                    _ => tokens_error.set(tokens_error.get() + 1),
                }
            }
        }
        Ok(())
    });
    eprintln!(
        "grammar bodies: token form {} same, {} same error, {} refused, {} not Rust",
        tokens_same.get(),
        tokens_error.get(),
        tokens_refused.get(),
        not_rust.get()
    );
    assert!(
        tokens_same.get() >= cases() / 4,
        "the token form rebuilt only {} of {} bodies: the property was hardly tested",
        tokens_same.get(),
        cases()
    );
}

// ------------------------------------------------------ the whole macro

/// A body: Python from the grammar, or any text.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![program().prop_map(|program| program.text().0), any_text()]
}

/// Pieces of `py_fn!` input: signatures, closures, attributes, bodies.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "fn", "f", "g", "pub", "async", "const", "unsafe", "extern \"C\"", "move", "(", ")",
    "a: i64", "b: &str", "self", "&self", "mut m: i64", "py: Python<'py>",
    "x: Bound<'py, PyAny>", "v: Vec<u8>", "o: Option<i64>", "_: i64", ",", ":", "->", "i64",
    "String", "()", "!", "impl Iterator", "Iter<i64>", "&str", "Bound<'py, PyAny>", "<T>",
    "<'a>", "where T: Copy", "|", "||", "{", "}", "{ return a }", "{ pass }", "{ yield 1 }",
    "{ return a + 1 }", "{ return undefined_name }", "{ import os }",
    "{ import nosuchmodule_xyz }", "{ return ( }", "{ return 'x' }", "{ x = 1 // 2 }",
    "{ # c }", "{r#\"return a\"#}", "{\"return a\"}", "{\"\"}", "{\"\\0\"}", "{ }",
    "#[py(default = \"1\")]", "#[py(default = \"nope(\")]", "#[py(default = \"x\")]",
    "#[py(allow_missing_imports)]", "#[py(bogus)]", "#[doc = \"d\"]", "/// doc\n",
    "#[inline]", ";", "\n", " ", "\t", "r#type", "r#match", "def", "class", "lambda",
    "None", "True", "yield", "await", "é", "1u8", "'a", "..", "=",
];

/// Random `py_fn!` input.
fn macro_input() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(PIECES);
    prop_oneof![
        any_text(),
        prop::collection::vec(pieces.clone(), 0..16).prop_map(|parts| parts.join(" ")),
        // Mostly well-formed items and closures, to get past the parser.
        (
            prop::sample::select(vec!["", "pub ", "#[py(allow_missing_imports)] ", "/// d\n"]),
            prop::sample::select(vec!["f", "r#type", "g2", "é"]),
            prop::collection::vec(pieces.clone(), 0..4),
            prop::sample::select(vec!["", "-> i64", "-> String", "-> Iter<i64>", "-> ()"]),
            body(),
        )
            .prop_map(|(attrs, name, params, ret, body)| {
                format!(
                    "{attrs}fn {name}({}) {ret} {{\n{body}\n}}",
                    params.join(" ")
                )
            }),
        (
            prop::collection::vec(pieces, 0..3),
            prop::sample::select(vec!["", "-> i64", "-> Iter<i64>"]),
            body(),
        )
            .prop_map(|(params, ret, body)| format!("|{}| {ret} {{\n{body}\n}}", params.join(" "))),
    ]
}

/// `input` after the outer attributes it starts with (`#[…]`, brackets
/// balanced), trimmed.
fn after_attributes(input: &str) -> &str {
    let mut rest = input.trim_start();
    while let Some(attribute) = rest.strip_prefix('#').map(str::trim_start) {
        if !attribute.starts_with('[') {
            break;
        }
        let mut depth = 0;
        let Some(end) = attribute.char_indices().find_map(|(at, c)| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(at)
        }) else {
            break;
        };
        rest = attribute[end + 1..].trim_start();
    }
    rest
}

#[test]
fn after_attributes_skips_options() {
    assert_eq!(after_attributes(r#" #[py(default = "1")] | fn"#), "| fn");
    assert_eq!(after_attributes("#[a] #[b[c]] |x| x"), "|x| x");
    assert_eq!(after_attributes("fn f() {}"), "fn f() {}");
    assert_eq!(after_attributes("#[unclosed"), "#[unclosed");
}

#[test]
fn the_whole_macro_answers_every_input() {
    let _serial = serial();
    let lexed = Cell::new(0);
    run(macro_input(), |input| {
        let Ok(tokens) = input.parse::<proc_macro2::TokenStream>() else {
            return Ok(());
        };
        lexed.set(lexed.get() + 1);
        let out = crate::pipeline::py_fn(tokens);
        let text = out.to_string();
        // `py_fn` catches its own panics and answers with this error.
        prop_assert!(
            !text.contains("internal error in pyfn's macro"),
            "the macro panicked on {input:?}"
        );
        prop_assert!(!text.is_empty(), "no output for {input:?}");
        // Well-formed Rust: items (code or errors) for items, an expression
        // (errors inside it) for a closure.
        // A closure may have `#[py(…)]` options before its `|`.
        let closure = after_attributes(&input).starts_with(['|', 'm']);
        if !closure {
            prop_assert!(
                syn::parse2::<syn::File>(out).is_ok(),
                "{input:?} expanded to malformed Rust: {text}"
            );
        } else {
            prop_assert!(
                syn::parse2::<syn::Expr>(out).is_ok(),
                "{input:?} expanded to a malformed closure: {text}"
            );
        }
        Ok(())
    });
    eprintln!("whole macro: {} of {} inputs lexed", lexed.get(), cases());
    assert!(
        lexed.get() > cases() / 4,
        "only {} inputs lexed",
        lexed.get()
    );
}
