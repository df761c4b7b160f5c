//! From Python positions back to Rust spans: where each diagnostic about a
//! rendered source points, and how it shows the Python line.

use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};

use crate::python::Failure;
use crate::render::{Layout, Located, Pos, PySource, StrLayout};

/// An error at Python position `start`..`end`: the tokens there (token
/// form), or the literal with the line and a caret (string form, files);
/// `whole` (the function's name) for the `def` line or no position.
pub fn error_at(
    source: &PySource,
    whole: Span,
    start: Option<Pos>,
    end: Option<Pos>,
    message: &str,
) -> syn::Error {
    let Some(start) = start.filter(|start| start.line > source.header_end) else {
        // The `def` line is made from the Rust signature.
        return syn::Error::new(whole, message);
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

/// The error for a source CPython could not check.
pub fn failure_error(failure: &Failure, source: &PySource, whole: Span) -> syn::Error {
    match failure {
        Failure::Rejected(rejection) => error_at(
            source,
            whole,
            rejection.start,
            rejection.end,
            &format!("python: {}: {}", rejection.kind, rejection.message),
        ),
        Failure::Environment(problem) => syn::Error::new(
            whole,
            format!("python: cannot check this Python code: {problem}"),
        ),
        Failure::Internal(problem) => syn::Error::new(
            whole,
            format!(
                "internal error: pyfn could not check this Python code: {problem}\nnote: this is a bug in pyfn or a broken interpreter; please report it with this input"
            ),
        ),
    }
}

/// The span of the token at Python position `pos` (token form), or of the
/// literal (string form, files), or else `whole`.
pub fn span_at(source: &PySource, whole: Span, pos: Option<Pos>) -> Span {
    match (&source.layout, pos) {
        (Layout::Tokens(tokens), Some(pos)) if pos.line > source.header_end => {
            tokens[token_at(tokens, pos)].span
        }
        (Layout::Str(layout), Some(pos)) if pos.line > source.header_end => layout.span,
        (Layout::File { span, .. }, Some(_)) => *span,
        _ => whole,
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
        Some(end) if end.line == start.line => end.col.saturating_sub(start.col),
        _ => 1,
    };
    let gutter = " ".repeat(4);
    format!(
        "{place}:\n{gutter}{line_text}\n{gutter}{}{}",
        " ".repeat(start.col),
        "^".repeat(width.max(1))
    )
}

/// The file name the program gives the code of this macro invocation
/// (`file!()` there): the path of the file rustc is compiling, as given to
/// it (remapped as `file!()` is). Where the two differ (an invocation
/// inside a `macro_rules!` of another file, whose `file!()` is the outer
/// invocation's), the program finds the embedded code's file name wrong and
/// compiles the source instead.
pub fn invocation_file() -> String {
    proc_macro2::Span::call_site().file()
}
