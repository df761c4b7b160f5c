//! Checking the model with CPython: each function's or module's Python is
//! compiled (never run) and analysed, and what CPython finds becomes
//! errors at the Rust tokens it concerns.

use proc_macro2::{Ident, Span};

use crate::errors::Errors;
use crate::model::{Code, Function, Module};
use crate::python::{self, FindingKind, Mode, Request};
use crate::render::PySource;
use crate::spans;
use crate::typecheck;
use crate::types;

/// A function whose Python checked clean: what code generation embeds.
pub struct Checked {
    /// The source the runtime compiles.
    pub text: String,
    /// A closure's captured Rust variables, in the order of the outer
    /// function's parameters.
    pub captures: Vec<Capture>,
    /// `text` compiled, for the program to load instead of compiling it.
    pub bytecode: Option<python::Bytecode>,
}

/// A name a closure captures from Rust, as the Rust identifier spanned
/// where the body first uses it.
pub struct Capture {
    pub name: String,
    pub ident: Ident,
}

/// Checks a `py_fn!` function or closure; `None` when it has errors (they
/// are in `errors`) or nothing of its own to check.
pub fn function(function: &Function, errors: &mut Errors) -> Option<Checked> {
    let (python, closure) = match &function.code {
        Code::Source(python) => (python, false),
        Code::Closure(python) => (python, true),
        Code::Member | Code::Stub => return None,
    };
    let whole = function.ident.span();
    let request = Request {
        text: python.text.clone(),
        mode: Mode::Function {
            name: function.py_name.clone(),
            kind: function.ret.kind(),
            closure,
        },
        allow_missing_imports: function.options.allows(FindingKind::Import),
        file: (!closure).then(spans::invocation_file),
        columns: (0, Vec::new()),
    };
    // A closure's text is compiled once, in its final form, below.
    let analysis = match if closure {
        python::analyse_only(&request)
    } else {
        python::check(&request)
    } {
        Ok(analysis) => analysis,
        Err(failure) => {
            errors.push(spans::failure_error(&failure, python, whole));
            return None;
        }
    };
    let findings: Vec<_> = analysis
        .findings
        .iter()
        .filter(|finding| !function.options.allows(finding.kind))
        .collect();
    let mut ok = findings.is_empty();
    for finding in findings {
        let error = match (finding.kind, function.ret.ty()) {
            // About the function as a whole: at its return type.
            (FindingKind::NoReturn, Some(ret)) => {
                syn::Error::new_spanned(ret, finding.message_with_help())
            }
            _ => spans::error_at(
                python,
                whole,
                finding.start,
                finding.end,
                &finding.message_with_help(),
            ),
        };
        errors.push(error);
    }
    let mut captures = Vec::new();
    let mut bytecode = analysis.bytecode;
    for (name, at) in &analysis.captures {
        let span = spans::span_at(python, whole, *at);
        if [pyfn_common::CLOSURE_NAME, pyfn_common::CLOSURE_OUTER].contains(&name.as_str()) {
            ok = false;
            errors.push(syn::Error::new(
                span,
                format!("`{name}` cannot be captured: pyfn's generated Python uses that name; rename the variable"),
            ));
            continue;
        }
        match types::rust_ident(name, span) {
            Some(ident) => captures.push(Capture {
                name: name.clone(),
                ident,
            }),
            None => {
                ok = false;
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "`{name}` cannot be captured from Rust: no Rust variable can have that name"
                    ),
                ));
            }
        }
    }
    if !ok {
        return None;
    }
    let text = if closure {
        let (text, compiled) = closure_source(python, &captures, whole, errors)?;
        bytecode = compiled;
        text
    } else {
        python.text.clone()
    };
    if function.options.typechecks() && !type_check(function, python, &text, errors) {
        return None;
    }
    Some(Checked {
        text,
        captures,
        bytecode,
    })
}

/// Runs the type checker on a function's final source, its `def` line
/// annotated with the Rust signature's types (a `def`-form function
/// carries its own annotations); `true` when it found nothing.
fn type_check(function: &Function, python: &PySource, text: &str, errors: &mut Errors) -> bool {
    let whole = function.ident.span();
    // The function's own `def` is the last header line; its columns and
    // every other line stay as they are.
    let def_index = python.header_end.checked_sub(1);
    let plain = function.def_line(None);
    let typed = function.def_line(Some(typecheck::TYPING));
    let annotated: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(index, line)| {
            let (content, end) = match line.strip_suffix('\n') {
                Some(content) => (content, "\n"),
                None => (line, ""),
            };
            let indent = &content[..content.len() - content.trim_start().len()];
            if Some(index) == def_index && content.trim_start() == plain {
                format!("{indent}{typed}{end}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    report(&function.options, python, whole, &annotated, errors)
}

/// A checker error about what `#[py(allow(…))]` turned off.
fn allowed(options: &crate::model::Options, found: &typecheck::Diagnostic) -> bool {
    options.allows(FindingKind::Undefined) && found.rule == "unresolved-reference"
}

/// Type-checks `text` and reports what the checker found at the Python
/// tokens; `true` when it found nothing.
fn report(
    options: &crate::model::Options,
    python: &PySource,
    whole: Span,
    text: &str,
    errors: &mut Errors,
) -> bool {
    let found = match typecheck::check(text) {
        Ok(found) => found,
        Err(problem) => {
            errors.push(syn::Error::new(whole, problem));
            return false;
        }
    };
    let found: Vec<_> = found
        .into_iter()
        .filter(|found| !typecheck::superseded(found) && !allowed(options, found))
        .collect();
    for diagnostic in &found {
        errors.push(spans::error_at(
            python,
            whole,
            Some(diagnostic.start),
            None,
            &diagnostic.text(),
        ));
    }
    found.is_empty()
}

/// A closure's final source: its outer function takes the captured names,
/// so that they are the inner function's free variables, filled with cells
/// each time a closure is created. Compiled, as the runtime will, and its
/// code object kept.
fn closure_source(
    python: &PySource,
    captures: &[Capture],
    whole: Span,
    errors: &mut Errors,
) -> Option<(String, Option<python::Bytecode>)> {
    let names: Vec<&str> = captures.iter().map(|c| c.name.as_str()).collect();
    let outer = format!("def {}({}):", pyfn_common::CLOSURE_OUTER, names.join(", "));
    // The outer `def` is the first of the two header lines.
    let outer_index = python.header_end.checked_sub(2)?;
    let text: String = python
        .text
        .split_inclusive('\n')
        .enumerate()
        .map(|(index, line)| {
            if index == outer_index {
                format!("{outer}\n")
            } else {
                line.to_owned()
            }
        })
        .collect();
    match python::compile(&text, Some(&spans::invocation_file())) {
        Ok(bytecode) => Some((text, bytecode)),
        Err(failure) => {
            errors.push(spans::failure_error(&failure, python, whole));
            None
        }
    }
}

/// Reports what the analysis found in a `py_module!`'s Python; `true` when
/// it found nothing.
pub fn module(module: &Module, errors: &mut Errors) -> bool {
    if let Some(package) = &module.package {
        let mut clean = true;
        for file in &package.files {
            clean &= findings(module, &file.python, &file.analysis, errors);
        }
        return clean;
    }
    let Some(code) = &module.code else {
        return false;
    };
    let clean = findings(module, &code.python, &code.analysis, errors);
    if clean && module.options.typechecks() {
        return report(
            &module.options,
            &code.python,
            module.ident.span(),
            &code.python.text,
            errors,
        );
    }
    clean
}

/// Reports what the analysis of one module file found; `true` when it
/// found nothing.
fn findings(
    module: &Module,
    python: &PySource,
    analysis: &python::Analysis,
    errors: &mut Errors,
) -> bool {
    let findings: Vec<_> = analysis
        .findings
        .iter()
        .filter(|finding| !module.options.allows(finding.kind))
        .collect();
    for finding in &findings {
        let function = finding
            .function
            .as_ref()
            .and_then(|name| module.functions.iter().find(|f| &f.py_name == name));
        let error = match function {
            // About an exposed function as a whole: at its Rust signature.
            Some(function) if finding.start.is_none() => {
                let span = function
                    .ret
                    .ty()
                    .map_or(function.ident.span(), syn::spanned::Spanned::span);
                syn::Error::new(span, finding.message_with_help())
            }
            _ => spans::error_at(
                python,
                module.ident.span(),
                finding.start,
                finding.end,
                &finding.message_with_help(),
            ),
        };
        errors.push(error);
    }
    findings.is_empty()
}
