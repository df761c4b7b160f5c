//! Checking the rendered source with CPython: compiled, never run.

use std::ffi::CString;

use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};
use pyo3::exceptions::PySyntaxError;
use pyo3::sync::PyOnceLock;
use pyo3::types::code::PyCodeInput;
use pyo3::types::{PyAnyMethods, PyCode, PyDict, PyDictMethods, PyModule, PyTypeMethods};
use pyo3::{Bound, Py, PyAny, PyErr, PyResult, Python};

use crate::ast::{Func, return_kind};

use crate::interp::with_python;
use crate::source::{Layout, Located, Pos, PySource, StrLayout};

/// Why CPython rejected a source.
pub struct Rejection {
    /// `SyntaxError`, `IndentationError`, `TabError`, `ValueError`…
    kind: String,
    /// CPython's message, verbatim.
    message: String,
    start: Option<Pos>,
    /// Exclusive.
    end: Option<Pos>,
}

/// Compiles `source` as the runtime will (`compile(source, file, "exec")`).
///
/// # Errors
///
/// The rejection as a compile error at the offending token, or at the call
/// site when CPython cannot start.
pub fn check(source: &PySource, fn_name: &syn::Ident) -> syn::Result<()> {
    let Ok(text) = CString::new(source.text.as_str()) else {
        return Err(syn::Error::new(
            fn_name.span(),
            "the Python source holds a NUL character, which CPython rejects",
        ));
    };
    let outcome = with_python(|py| {
        PyCode::compile(py, &text, c"<py_fn>", PyCodeInput::File)
            .map(drop)
            .map_err(|err| rejection(py, &err))
    });
    match outcome {
        Some(Ok(())) => Ok(()),
        Some(Err(rejection)) => Err(report(source, fn_name, &rejection)),
        None => Err(syn::Error::new(
            Span::call_site(),
            "cannot start CPython inside the compiler to check this Python code",
        )),
    }
}

/// Checks a parameter's default, a Python expression evaluated once in the
/// function's globals (where only builtins are defined).
pub fn check_default(default: &syn::LitStr) -> syn::Result<()> {
    const CHECK: &std::ffi::CStr = cr#"
import builtins
problem = None
try:
    code = compile(expression, "<default>", "eval")
except SyntaxError as error:
    problem = "python: %s: %s" % (type(error).__name__, error.msg)
else:
    unknown = [n for n in code.co_names if not hasattr(builtins, n)]
    if unknown:
        problem = ("name `%s` is not defined where defaults are evaluated: "
                   "the function's globals hold only the builtins" % unknown[0])
"#;
    let problem = with_python(|py| -> PyResult<Option<String>> {
        let scope = PyDict::new(py);
        scope.set_item("expression", default.value().trim())?;
        py.run(CHECK, Some(&scope), Some(&scope))?;
        match scope.get_item("problem")? {
            Some(problem) => problem.extract(),
            None => Ok(None),
        }
    });
    match problem {
        Some(Ok(None)) => Ok(()),
        Some(Ok(Some(problem))) => Err(syn::Error::new(default.span(), problem)),
        Some(Err(err)) => Err(syn::Error::new(default.span(), format!("python: {err}"))),
        None => Err(syn::Error::new(
            default.span(),
            "cannot start CPython inside the compiler to check this default",
        )),
    }
}

/// The 1-based rows of `text` that begin inside a token spanning several
/// lines (a triple-quoted string, a string continued with `\\`), by
/// CPython's own tokenizer; `None` when it cannot tokenize `text`.
pub fn rows_inside_tokens(text: &str) -> Option<Vec<usize>> {
    const FIND: &std::ffi::CStr = cr#"
import io, tokenize
rows = []
try:
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        rows.extend(range(token.start[0] + 1, token.end[0] + 1))
except (tokenize.TokenError, SyntaxError):
    rows = None
"#;
    with_python(|py| {
        let scope = PyDict::new(py);
        scope.set_item("text", text).ok()?;
        py.run(FIND, Some(&scope), Some(&scope)).ok()?;
        scope.get_item("rows").ok()??.extract().ok()
    })
    .flatten()
}

fn rejection(py: Python<'_>, err: &PyErr) -> Rejection {
    let value = err.value(py);
    let kind = err
        .get_type(py)
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "SyntaxError".to_owned());
    if !err.is_instance_of::<PySyntaxError>(py) {
        let message = value.str().map(|s| s.to_string()).unwrap_or_default();
        return Rejection {
            kind,
            message,
            start: None,
            end: None,
        };
    }
    let int = |name: &str| -> Option<usize> {
        value
            .getattr(name)
            .ok()?
            .extract::<Option<isize>>()
            .ok()?
            .and_then(|n| usize::try_from(n).ok())
    };
    let message = value
        .getattr("msg")
        .and_then(|msg| msg.extract::<String>())
        .unwrap_or_else(|_| value.str().map(|s| s.to_string()).unwrap_or_default());
    // `offset` and `end_offset` are 1-based columns.
    let pos = |line: Option<usize>, offset: Option<usize>| {
        line.filter(|&line| line > 0).map(|line| Pos {
            line,
            col: offset.unwrap_or(1).saturating_sub(1),
        })
    };
    let start = pos(int("lineno"), int("offset"));
    let end = pos(int("end_lineno"), int("end_offset")).filter(|end| Some(*end) > start);
    Rejection {
        kind,
        message,
        start,
        end,
    }
}

fn report(source: &PySource, fn_name: &syn::Ident, rejection: &Rejection) -> syn::Error {
    let headline = format!("python: {}: {}", rejection.kind, rejection.message);
    error_at(source, fn_name, rejection.start, rejection.end, &headline)
}

/// An error at Python position `start`..`end`: the tokens there (token
/// form), or the literal with the line and a caret (string form); the
/// function's name for the `def` line or no position.
fn error_at(
    source: &PySource,
    fn_name: &syn::Ident,
    start: Option<Pos>,
    end: Option<Pos>,
    message: &str,
) -> syn::Error {
    let Some(start) = start.filter(|start| start.line > source.header_end) else {
        // The `def` line is made from the Rust signature.
        return syn::Error::new(fn_name.span(), message);
    };
    match &source.layout {
        Layout::Tokens(tokens) => {
            let first = token_at(tokens, start);
            let last = end
                .map(|end| {
                    token_at(
                        tokens,
                        Pos {
                            line: end.line,
                            col: end.col.saturating_sub(1),
                        },
                    )
                })
                .filter(|&last| last >= first)
                .unwrap_or(first);
            spanned(tokens[first].span, tokens[last].span, message.to_owned())
        }
        Layout::Str(layout) => syn::Error::new(
            layout.span,
            format!("{message}\n{}", excerpt(&source.text, layout, start, end)),
        ),
        Layout::File { span, path } => {
            let line_text = source
                .text
                .lines()
                .nth(start.line - 1)
                .unwrap_or("")
                .replace('\t', " ");
            let width = match end {
                Some(end) if end.line == start.line => end.col.saturating_sub(start.col),
                _ => 1,
            };
            syn::Error::new(
                *span,
                format!(
                    "{message}\n --> {path}:{}:{}\n    {line_text}\n    {}{}",
                    start.line,
                    start.col + 1,
                    " ".repeat(start.col),
                    "^".repeat(width.max(1))
                ),
            )
        }
    }
}

/// Runs `analyze.py` on a source that compiled: undefined names, imports
/// that cannot resolve, generators, missing returns. Every finding is
/// returned, so that one build reports them all.
/// What `analyze.py` found.
#[derive(Default)]
struct Analysis {
    diagnostics: Vec<Finding>,
    captures: Vec<Finding>,
    signatures: Vec<(String, PySignature)>,
    defined: Vec<String>,
}

/// Runs `analyze.py` with the inputs `setup` puts in its globals.
fn run_analysis(setup: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>) -> Analysis {
    let found = with_python(|py| -> PyResult<Analysis> {
        let scope = PyDict::new(py);
        setup(&scope)?;
        let code = ANALYZER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let text = CString::new(include_str!("analyze.py"))?;
            Ok(
                PyCode::compile(py, &text, c"analyze.py", PyCodeInput::File)?
                    .into_any()
                    .unbind(),
            )
        })?;
        let exec = PyModule::import(py, "builtins")?.getattr("exec")?;
        exec.call1((code.bind(py), &scope, &scope))?;
        let list = |key: &str| -> PyResult<Vec<Finding>> {
            match scope.get_item(key)? {
                Some(found) => found
                    .try_iter()?
                    .map(|finding| Finding::from_dict(&finding?))
                    .collect(),
                None => Ok(Vec::new()),
            }
        };
        let mut signatures = Vec::new();
        if let Some(found) = scope.get_item("signatures")? {
            for item in found.call_method0("items")?.try_iter()? {
                let (name, signature): (String, Bound<'_, PyAny>) = item?.extract()?;
                signatures.push((name, PySignature::from_dict(&signature)?));
            }
        }
        let defined = match scope.get_item("defined")? {
            Some(defined) => defined.extract()?,
            None => Vec::new(),
        };
        Ok(Analysis {
            diagnostics: list("diagnostics")?,
            captures: list("captures")?,
            signatures,
            defined,
        })
    });
    match found {
        Some(Ok(found)) => found,
        // The analysis is an aid: if it cannot run, the build goes on (the
        // source compiled); a CPython that cannot start was reported already.
        Some(Err(_)) | None => Analysis::default(),
    }
}

/// A Python function's signature, as its `def` declares it.
pub struct PySignature {
    pub params: Vec<PyParam>,
    /// It takes `*args`.
    pub varargs: bool,
    /// The return annotation, as written, and where.
    pub returns: Option<String>,
    pub returns_at: Option<Pos>,
}

pub struct PyParam {
    pub name: String,
    pub keyword_only: bool,
    pub has_default: bool,
    /// The default's source text.
    pub default: Option<String>,
    pub annotation: Option<String>,
    /// Where the parameter and its annotation are written.
    pub at: Option<Pos>,
    pub annotation_at: Option<Pos>,
}

fn pos_of(value: &Bound<'_, PyAny>) -> PyResult<Option<Pos>> {
    if value.is_none() {
        return Ok(None);
    }
    Ok(Some(Pos {
        line: value.get_item("line")?.extract()?,
        col: value.get_item("col")?.extract()?,
    }))
}

impl PySignature {
    fn from_dict(dict: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut params = Vec::new();
        for param in dict.get_item("params")?.try_iter()? {
            let param = param?;
            let kind: String = param.get_item("kind")?.extract()?;
            params.push(PyParam {
                name: param.get_item("name")?.extract()?,
                keyword_only: kind == "keyword",
                has_default: param.get_item("has_default")?.extract()?,
                default: param.get_item("default")?.extract()?,
                annotation: param.get_item("annotation")?.extract()?,
                at: pos_of(&param.get_item("at")?)?,
                annotation_at: pos_of(&param.get_item("annotation_at")?)?,
            });
        }
        Ok(PySignature {
            params,
            varargs: dict.get_item("varargs")?.extract()?,
            returns: dict.get_item("returns")?.extract()?,
            returns_at: pos_of(&dict.get_item("returns_at")?)?,
        })
    }
}

/// A finding of the module analysis: its error, and the exposed function
/// it concerns (if any) with whether it has a position of its own.
pub struct ModuleFinding {
    pub function: Option<String>,
    pub positioned: bool,
    pub error: syn::Error,
}

/// Analyses a `py_module!` source: names and imports across the module,
/// generators and missing returns of the exposed functions, whose `def`
/// signatures are returned for the Rust signatures to be checked against.
pub fn analyze_module(
    source: &PySource,
    module: &syn::Ident,
    exposed: &[(String, &'static str)],
    allow_missing_imports: bool,
) -> (Vec<ModuleFinding>, Vec<(String, PySignature)>, Vec<String>) {
    let analysis = run_analysis(|scope| {
        scope.set_item("source", &source.text)?;
        scope.set_item("mode", "module")?;
        scope.set_item("exposed", exposed.to_vec())?;
        scope.set_item("allow_missing_imports", allow_missing_imports)
    });
    let mut found = analysis.diagnostics;
    found.sort_by_key(|finding| (finding.line.unwrap_or(0), finding.col));
    let findings = found
        .into_iter()
        .map(|finding| ModuleFinding {
            positioned: finding.line.is_some(),
            error: finding.to_error(source, module),
            function: finding.function,
        })
        .collect();
    (findings, analysis.signatures, analysis.defined)
}

/// The signature of the function `name` that a `def`-form source defines.
pub fn def_signature(source: &PySource, name: &str) -> Option<PySignature> {
    let analysis = run_analysis(|scope| {
        scope.set_item("source", &source.text)?;
        scope.set_item("mode", "module")?;
        scope.set_item("exposed", vec![(name, "other")])?;
        scope.set_item("allow_missing_imports", true)
    });
    analysis
        .signatures
        .into_iter()
        .find(|(found, _)| found == name)
        .map(|(_, signature)| signature)
}

pub fn analyze(source: &PySource, func: &Func) -> (Vec<syn::Error>, Vec<Capture>) {
    let fn_name = &func.item.sig.ident;
    let analysis = run_analysis(|scope| {
        scope.set_item("source", &source.text)?;
        scope.set_item("name", &func.py_name)?;
        scope.set_item("return_kind", return_kind(func.ret))?;
        scope.set_item("allow_missing_imports", func.options.allow_missing_imports)?;
        scope.set_item("closure", func.item.closure.is_some())
    });
    let (mut found, captures) = (analysis.diagnostics, analysis.captures);
    found.sort_by_key(|finding| (finding.line.unwrap_or(0), finding.col));
    let errors = found
        .into_iter()
        .map(|finding| match func.ret {
            Some(ret) if finding.kind == "no_return" => {
                syn::Error::new_spanned(ret, finding.message_with_help())
            }
            _ => finding.to_error(source, fn_name),
        })
        .collect();
    let captures = captures
        .into_iter()
        .map(|finding| Capture {
            span: span_at(source, fn_name, finding.start()),
            name: finding.name.unwrap_or_default(),
        })
        .collect();
    (errors, captures)
}

/// A name a closure captures from Rust, and where the body first uses it.
pub struct Capture {
    pub name: String,
    pub span: Span,
}

/// The span of the token at Python position `pos` (token form), or of the
/// literal (string form), or else of the function's name.
pub fn span_at(source: &PySource, fn_name: &syn::Ident, pos: Option<Pos>) -> Span {
    match (&source.layout, pos) {
        (Layout::Tokens(tokens), Some(pos)) if pos.line > source.header_end => {
            tokens[token_at(tokens, pos)].span
        }
        (Layout::Str(layout), Some(pos)) if pos.line > source.header_end => layout.span,
        (Layout::File { span, .. }, Some(_)) => *span,
        _ => fn_name.span(),
    }
}

static ANALYZER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// One finding of `analyze.py`.
struct Finding {
    kind: String,
    message: String,
    help: Option<String>,
    /// A capture's name.
    name: Option<String>,
    /// The exposed function a module finding concerns.
    function: Option<String>,
    line: Option<usize>,
    col: usize,
    end_line: Option<usize>,
    end_col: usize,
}

impl Finding {
    fn message_with_help(&self) -> String {
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        message
    }

    /// The error at the finding's position, else at `fallback`.
    fn to_error(&self, source: &PySource, fallback: &syn::Ident) -> syn::Error {
        let end = self.end_line.map(|line| Pos {
            line,
            col: self.end_col,
        });
        error_at(
            source,
            fallback,
            self.start(),
            end,
            &self.message_with_help(),
        )
    }

    fn start(&self) -> Option<Pos> {
        self.line.map(|line| Pos {
            line,
            col: self.col,
        })
    }

    fn from_dict(dict: &Bound<'_, PyAny>) -> PyResult<Self> {
        let item = |key: &str| dict.get_item(key);
        // Captures have a name and no message; diagnostics the reverse.
        let text = |key: &str| -> PyResult<Option<String>> {
            match dict.get_item(key) {
                Ok(value) => value.extract(),
                Err(_) => Ok(None),
            }
        };
        Ok(Finding {
            kind: text("kind")?.unwrap_or_default(),
            message: text("message")?.unwrap_or_default(),
            help: text("help")?,
            name: text("name")?,
            function: text("function")?,
            line: item("line")?.extract()?,
            col: item("col")?.extract()?,
            end_line: item("end_line")?.extract()?,
            end_col: item("end_col")?.extract()?,
        })
    }
}

/// The token holding `pos`, else the last one before it, else the first.
fn token_at(tokens: &[Located], pos: Pos) -> usize {
    tokens
        .iter()
        .position(|token| token.start <= pos && pos < token.end)
        .or_else(|| tokens.iter().rposition(|token| token.start <= pos))
        .unwrap_or(0)
}

/// An error underlining `first` to `last`: syn reports the span of the first
/// and last tokens of what it is given.
fn spanned(first: Span, last: Span, message: String) -> syn::Error {
    let punct = |span| {
        let mut punct = Punct::new('.', Spacing::Alone);
        punct.set_span(span);
        TokenTree::Punct(punct)
    };
    let tokens: TokenStream = [punct(first), punct(last)].into_iter().collect();
    syn::Error::new_spanned(tokens, message)
}

/// Where in the string literal the error is, with the line and a caret.
fn excerpt(text: &str, layout: &StrLayout, start: Pos, end: Option<Pos>) -> String {
    let line_text = text
        .lines()
        .nth(start.line - 1)
        .unwrap_or("")
        .replace('\t', " ");
    let index = start.line.saturating_sub(layout.first_line);
    let column = if index == 0 {
        (start.col + layout.first_rs_col).saturating_sub(layout.first_py_col)
    } else {
        (start.col + layout.dedent).saturating_sub(layout.indent_added)
    };
    let place = if layout.aligned {
        format!("at line {}, column {}", layout.rs_line + index, column + 1)
    } else {
        format!("at line {} of the string, column {}", index + 1, column + 1)
    };
    let width = match end {
        Some(end) if end.line == start.line => end.col - start.col,
        _ => 1,
    };
    let gutter = " ".repeat(4);
    format!(
        "{place}:\n{gutter}{line_text}\n{gutter}{}{}",
        " ".repeat(start.col),
        "^".repeat(width.max(1))
    )
}
