//! Checking the model with CPython: each function's or module's Python is
//! compiled (never run) and analysed, and what CPython finds becomes
//! errors at the Rust tokens it concerns.

use proc_macro2::{Ident, Span};

use crate::errors::Errors;
use crate::model::{Code, Function, Module, ParamKind};
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
    if typechecks(&function.options) && !type_check(function, python, &text, errors) {
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
    let checked = CheckedText {
        text: with_typing_names(&annotated, &function.py_name),
        inserted: Vec::new(),
        unchecked: Vec::new(),
    };
    report(&function.options, python, whole, &checked, errors)
}

/// The names of `typing` a `def`-form function's own annotations may use
/// (`Optional[T]`, `Any`, `Iterator[T]`, `typing.…`,
/// `collections.abc.…`: pyfn reads them by name, and
/// the program never evaluates them), bound for the type checker on a blank
/// line before the `def` (the padding that keeps its `.rs` line), so that
/// no position moves.
/// Text without such a line, or whose `def` line is pyfn's own, is returned
/// as it is.
fn with_typing_names(text: &str, name: &str) -> String {
    const NAMES: &str = "import typing, collections.abc; from typing import Any, Dict, Generator, Iterable, Iterator, List, Optional, Set, Tuple";
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(def) = lines.iter().position(|line| {
        // `pub def name(`: the `pub` is blanked out, spaces stay.
        let line = line.trim_start();
        let line = line.strip_prefix("async").map_or(line, str::trim_start);
        line.strip_prefix("def")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .and_then(|rest| rest.trim_start().strip_prefix(name))
            .is_some_and(|rest| rest.trim_start().starts_with('('))
    }) else {
        return text.to_owned();
    };
    // A def-form `def` sits under pyfn's `if True:`, on the line before.
    if def < 2 || lines[def - 1].trim() != "if True:" {
        return text.to_owned();
    }
    match (0..def - 1)
        .rev()
        .find(|&index| lines[index].trim().is_empty())
    {
        Some(blank) => {
            let mut lines: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
            lines[blank] = NAMES.to_owned();
            lines.join("\n")
        }
        None => text.to_owned(),
    }
}

/// Whether a type checker checks the Python against the Rust types: as
/// `#[py(typecheck)]` or `#[py(typecheck = false)]` says, else as the
/// `typecheck` feature does ([`typecheck::by_feature`]).
fn typechecks(options: &crate::model::Options) -> bool {
    options.typecheck.unwrap_or_else(typecheck::by_feature)
}

/// A checker error about what `#[py(allow(…))]` turned off.
fn allowed(options: &crate::model::Options, found: &typecheck::Diagnostic) -> bool {
    options.allows(FindingKind::Undefined) && found.rule == "unresolved-reference"
}

/// Type-checks `checked` (the text of `python`) and reports what the
/// checker found at the Python tokens; `true` when it found nothing.
fn report(
    options: &crate::model::Options,
    python: &PySource,
    whole: Span,
    checked: &CheckedText,
    errors: &mut Errors,
) -> bool {
    match typecheck::check(&checked.text) {
        Ok(found) => report_found(options, python, whole, checked, found, errors),
        Err(problem) => {
            errors.push(syn::Error::new(whole, problem));
            false
        }
    }
}

/// Reports what the checker `found` in `checked`, as [`report`] does;
/// `true` when nothing is left to report.
fn report_found(
    options: &crate::model::Options,
    python: &PySource,
    whole: Span,
    checked: &CheckedText,
    found: Vec<typecheck::Diagnostic>,
    errors: &mut Errors,
) -> bool {
    let found: Vec<_> = found
        .into_iter()
        .filter(|found| !typecheck::superseded(found) && !allowed(options, found))
        .filter(|found| {
            !checked
                .unchecked
                .iter()
                .any(|&(start, end)| (start..=end).contains(&found.start.line))
        })
        .collect();
    let found = typecheck::without_refuted(&checked.text, found);
    for diagnostic in &found {
        errors.push(spans::error_at(
            python,
            whole,
            Some(unshift(diagnostic.start, &checked.inserted)),
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
        for file in package.files.iter().filter(|file| file.reached) {
            clean &= findings(module, &file.python, &file.analysis, errors);
        }
        if clean && typechecks(&module.options) {
            return type_check_package(module, package, errors);
        }
        return clean;
    }
    let Some(code) = &module.code else {
        return false;
    };
    let clean = findings(module, &code.python, &code.analysis, errors);
    if clean && typechecks(&module.options) {
        let functions: Vec<&Function> = module.functions.iter().collect();
        let checked = CheckedText::module(&functions, &code.python, &code.analysis);
        return report(
            &module.options,
            &code.python,
            module.ident.span(),
            &checked,
            errors,
        );
    }
    clean
}

/// Type-checks a package's modules together, as files of one directory
/// named as the package, so that each one's imports of the others (`from
/// .tax import rate`, `import invoicing.money`) are read from them; each
/// module's functions declared in Rust are annotated from their
/// signatures, and each file's errors are reported at its lines, as a
/// module's are. `true` when none is left.
fn type_check_package(
    module: &Module,
    package: &crate::model::Package,
    errors: &mut Errors,
) -> bool {
    let whole = module.ident.span();
    let prepared: Vec<CheckedText> = package
        .files
        .iter()
        .map(|file| {
            let functions: Vec<&Function> = module
                .functions
                .iter()
                .zip(&package.function_modules)
                .filter(|(_, of)| **of == file.module)
                .map(|(function, _)| function)
                .collect();
            let mut checked = CheckedText::module(&functions, &file.python, &file.analysis);
            checked.text = with_import_attributes(&checked.text);
            checked
        })
        .collect();
    let files: Vec<(String, &str)> = package
        .files
        .iter()
        .zip(&prepared)
        .map(|(file, checked)| {
            let path = file.module.replace('.', "/");
            let path = if file.is_package {
                format!("{path}/__init__.py")
            } else {
                format!("{path}.py")
            };
            (path, checked.text.as_str())
        })
        .collect();
    let found = match typecheck::check_package(&files) {
        Ok(found) => found,
        Err(problem) => {
            errors.push(syn::Error::new(whole, problem));
            return false;
        }
    };
    let mut clean = true;
    for ((file, checked), found) in package.files.iter().zip(&prepared).zip(found) {
        if file.reached {
            clean &= report_found(&module.options, &file.python, whole, checked, found, errors);
        }
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

/// The bodies of a module whose type errors are not reported, as mypy
/// does not check a function without annotations (gradual typing: code
/// written without types is not judged by them): the line ranges of every
/// `def` that has no annotation of its own and is not a declared function
/// (those get the Rust signature's), less the `def`s inside them that are
/// annotated, which are checked.
fn unchecked_defs(functions: &[&Function], analysis: &python::Analysis) -> Vec<(usize, usize)> {
    let defs = &analysis.defs;
    // The `def` headers of the declared functions (an alias's: its
    // target's).
    let declared: Vec<usize> = analysis
        .signatures
        .iter()
        .filter(|(name, signature)| {
            !signature.class && functions.iter().any(|f| &f.py_name == name)
        })
        .filter_map(|(_, signature)| signature.colon_at.map(|at| at.line))
        .collect();
    let typed = |def: &python::Def| {
        def.annotated
            || (def.top
                && (functions.iter().any(|f| f.py_name == def.name)
                    || declared
                        .iter()
                        .any(|line| (def.start..=def.end).contains(line))))
    };
    let mut lines: Vec<(usize, usize)> = Vec::new();
    for def in defs.iter().filter(|def| !typed(def)) {
        // Split around the annotated `def`s nested in it.
        let mut from = def.start;
        let mut inner: Vec<&python::Def> = defs
            .iter()
            .filter(|other| typed(other) && other.start > def.start && other.end <= def.end)
            .collect();
        inner.sort_by_key(|other| other.start);
        for other in inner {
            if other.start > from {
                lines.push((from, other.start - 1));
            }
            from = from.max(other.end + 1);
        }
        if from <= def.end {
            lines.push((from, def.end));
        }
    }
    lines
}

/// A package module's checked `text`, with what the import system sets
/// declared for the checker after it (no line moves): pyfn's finder
/// imports each module of a package with a spec, so `__spec__` is a
/// `ModuleSpec` and `__package__` a `str` there, where ty assumes either
/// may be `None` (as in a script). The declarations' own lines are not the
/// user's; ty's objection to redeclaring them is silenced on them.
fn with_import_attributes(text: &str) -> String {
    let mut checked = text.to_owned();
    if !checked.ends_with('\n') {
        checked.push('\n');
    }
    checked.push_str(
        "import importlib.machinery as __pyfn_machinery\n\
         __package__: str  # ty: ignore[invalid-declaration]\n\
         __spec__: __pyfn_machinery.ModuleSpec  # ty: ignore[invalid-declaration]\n",
    );
    checked
}

/// What the checker reads for one file, and how its errors map back.
struct CheckedText {
    /// The text checked: the user's, annotated.
    text: String,
    /// The annotations added to the user's lines: columns after them are
    /// moved back to where the user wrote them.
    inserted: Vec<Insertion>,
    /// The line ranges of the bodies whose errors are not reported (a
    /// module's unannotated `def`s, see [`unchecked_defs`]).
    unchecked: Vec<(usize, usize)>,
}

impl CheckedText {
    /// A module's (or a package module's) text, its declared `functions`
    /// annotated from their Rust signatures.
    fn module(functions: &[&Function], python: &PySource, analysis: &python::Analysis) -> Self {
        let inserted = module_annotations(functions, analysis);
        CheckedText {
            text: insert(&python.text, &inserted),
            unchecked: unchecked_defs(functions, analysis),
            inserted,
        }
    }
}

/// Text added to a line of the checked text, at a column (in chars).
struct Insertion {
    at: python::Pos,
    text: String,
}

/// The annotations a module's `def`s get from the Rust signatures
/// declared for them (`fn f(s: &str) -> i64;`), where the `def` has none
/// of its own: `: "str"` after a parameter's name, ` -> "int"` before the
/// header's `:`. On the `def`'s own lines, so that no line moves.
fn module_annotations(functions: &[&Function], analysis: &python::Analysis) -> Vec<Insertion> {
    let typing = typecheck::TYPING;
    let mut inserted = Vec::new();
    for function in functions {
        let Some((_, signature)) = analysis
            .signatures
            .iter()
            .find(|(name, _)| *name == function.py_name)
        else {
            continue;
        };
        // A class's header has no place for them (its `__init__` is not
        // what the Rust result describes).
        if signature.class {
            continue;
        }
        for param in &function.params {
            // `*args` and `**kwargs` are annotated with an item's type.
            let (py, ty) = match param.kind {
                ParamKind::VarArgs => (signature.varargs.as_ref(), types::sequence_item(&param.ty)),
                ParamKind::VarKwargs => (signature.kwargs.as_ref(), types::map_value(&param.ty)),
                _ => (
                    signature.params.iter().find(|py| py.name == param.py_name),
                    Some(&param.ty),
                ),
            };
            let (Some(py), Some(ty)) = (py, ty) else {
                continue;
            };
            let (None, Some(at)) = (&py.annotation, py.at) else {
                continue;
            };
            // A Rust `None` leaves the argument to the `def`'s default: an
            // `Option<T>` with a default other than `None` is a `T` there.
            let ty = match (&py.default, types::option_item(ty)) {
                (Some(default), Some(item)) if default.trim() != "None" => item,
                _ => ty,
            };
            inserted.push(Insertion {
                at: python::Pos {
                    line: at.line,
                    col: at.col + py.name.chars().count(),
                },
                text: format!(": \"{}\"", types::annotation(ty, typing)),
            });
        }
        if let (None, Some(at), Some(ret)) = (
            &signature.returns,
            signature.colon_at,
            function.return_annotation(typing),
        ) {
            inserted.push(Insertion {
                at,
                text: format!(" -> \"{ret}\""),
            });
        }
    }
    // A `def` declared twice (under its name and an alias's) is annotated
    // once, from the first declaration.
    let mut seen = std::collections::HashSet::new();
    inserted.retain(|insertion| seen.insert((insertion.at.line, insertion.at.col)));
    inserted
}

/// `text` with `inserted` added.
fn insert(text: &str, inserted: &[Insertion]) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(index, line)| {
            let mut here: Vec<&Insertion> = inserted
                .iter()
                .filter(|insertion| insertion.at.line == index + 1)
                .collect();
            if here.is_empty() {
                return line.to_owned();
            }
            // From the right, so that earlier columns stay valid.
            here.sort_by_key(|insertion| std::cmp::Reverse(insertion.at.col));
            let mut line = line.to_owned();
            for insertion in here {
                let byte = line
                    .char_indices()
                    .nth(insertion.at.col)
                    .map_or(line.len(), |(byte, _)| byte);
                line.insert_str(byte, &insertion.text);
            }
            line
        })
        .collect()
}

/// A position in the checked text, as a position in the user's text:
/// after the columns `inserted` added on its line, or at the insertion
/// when inside one.
fn unshift(pos: python::Pos, inserted: &[Insertion]) -> python::Pos {
    let mut on_line: Vec<&Insertion> = inserted
        .iter()
        .filter(|insertion| insertion.at.line == pos.line)
        .collect();
    on_line.sort_by_key(|insertion| insertion.at.col);
    let mut col = pos.col;
    // Walk the checked line: each insertion starts at its column plus
    // what the ones before it added.
    let mut added = 0;
    for insertion in on_line {
        let start = insertion.at.col + added;
        let len = insertion.text.chars().count();
        if pos.col < start {
            break;
        }
        if pos.col < start + len {
            col = insertion.at.col;
            return python::Pos {
                line: pos.line,
                col,
            };
        }
        added += len;
        col = pos.col - added;
    }
    python::Pos {
        line: pos.line,
        col,
    }
}

#[cfg(test)]
mod tests {
    use super::{Insertion, insert, unshift};
    use crate::python::Pos;

    #[test]
    fn annotations_inserted_and_positions_moved_back() {
        let at = |line, col| Pos { line, col };
        let text = "x = 1\ndef f(é, n=3):\n    return é\n";
        let inserted = [
            Insertion {
                at: at(2, 7),
                text: ": \"str\"".to_owned(),
            },
            Insertion {
                at: at(2, 13),
                text: " -> \"int\"".to_owned(),
            },
            Insertion {
                at: at(2, 10),
                text: ": \"int\"".to_owned(),
            },
        ];
        let checked = insert(text, &inserted);
        assert_eq!(
            checked,
            "x = 1\ndef f(é: \"str\", n: \"int\"=3) -> \"int\":\n    return é\n"
        );
        // `n`, `3`, and the header's `:`, in the checked line and as written.
        for (checked_col, user_col) in [(16, 9), (25, 11), (35, 13)] {
            assert_eq!(unshift(at(2, checked_col), &inserted), at(2, user_col));
        }
        // Inside an inserted annotation: where it was inserted.
        assert_eq!(unshift(at(2, 10), &inserted), at(2, 7));
        assert_eq!(unshift(at(2, 30), &inserted), at(2, 13));
        // Other lines, and columns before any insertion, stay.
        assert_eq!(unshift(at(3, 11), &inserted), at(3, 11));
        assert_eq!(unshift(at(2, 4), &inserted), at(2, 4));
    }
}
