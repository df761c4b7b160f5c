//! Rendering a body as the Python source CPython compiles, and keeping the
//! map from Python positions back to Rust spans.
//!
//! The source is padded with blank lines so that its line numbers are the
//! `.rs` file's: tracebacks and CPython's messages ("on line 12") then name
//! the user's own lines. Token bodies keep their columns too.

use proc_macro2::{Group, LineColumn, Span, TokenStream, TokenTree};

use crate::errors::Errors;
use crate::parse::delimiters;
use crate::types::python_name;

pub use crate::python::Pos;

/// The Python source of one function, and where its pieces came from.
pub struct PySource {
    pub text: String,
    /// The last Python line of the `def` lines before the body.
    pub header_end: usize,
    pub layout: Layout,
}

impl PySource {
    /// For a module source whose lines are the `.rs` file's: its first line,
    /// and the bytes each line lost to the dedent ([`StrLayout::columns`]).
    /// `(0, [])` otherwise.
    pub fn lost_columns(&self) -> (usize, &[usize]) {
        match &self.layout {
            Layout::Str(layout) => (layout.first_line, &layout.columns),
            _ => (0, &[]),
        }
    }
}

pub enum Layout {
    /// Token form: every token's Python range and Rust span, in order.
    Tokens(Vec<Located>),
    /// String form: positions inside one literal.
    Str(StrLayout),
    /// A `.py` file: positions are the file's own; errors point at the
    /// literal naming it.
    File { span: Span, path: String },
}

pub struct Located {
    pub start: Pos,
    /// Exclusive.
    pub end: Pos,
    pub span: Span,
}

pub struct StrLayout {
    /// The literal.
    pub span: Span,
    /// The Python line of the literal's first line.
    pub first_line: usize,
    /// The `.rs` line the literal starts on.
    pub rs_line: usize,
    /// Whether each line of the literal's value is a line of the `.rs`
    /// file (raw strings, strings without escapes).
    pub aligned: bool,
    /// Columns added to every line but the first to indent the body.
    pub indent_added: usize,
    /// Columns removed from every line but the first (a module source's
    /// common indentation).
    pub dedent: usize,
    /// The `.rs` and Python columns of the text after the opening quote.
    pub first_rs_col: usize,
    pub first_py_col: usize,
    /// A module source whose lines are the `.rs` file's: for each line of
    /// the literal, the UTF-8 bytes its start lost (the dedent; on the
    /// first line, everything before the code), 0 on blank lines, trailing
    /// zeros dropped. The runtime adds them back to the compiled code's
    /// columns, so that tracebacks put carets under the `.rs` text. Empty
    /// otherwise.
    pub columns: Vec<usize>,
}

const STRING_FORM_HINT: &str = "write the body as a string literal instead: `{r#\"…\"#}`";

/// One token of a token-form body, with its Python text.
struct Leaf {
    text: String,
    /// The token as Rust printed it (differs from `text` for `r#ident`).
    source: String,
    start: LineColumn,
    end: LineColumn,
    span: Span,
}

/// How deep the body must be indented under `header`'s last line.
fn required_indent(header: &[String]) -> usize {
    header
        .last()
        .map_or(0, |line| line.len() - line.trim_start().len())
        + 1
}

pub fn render_tokens(group: &Group, header: &[String], errors: &mut Errors) -> Option<PySource> {
    render_token_stream(
        &TokenSource {
            stream: group.stream(),
            text_span: group.span(),
            open: Some(group.span_open()),
            close: Some(group.span_close()),
            first_column: None,
        },
        header,
        errors,
    )
}

/// Python written as Rust tokens, and where to find its source text.
pub struct TokenSource {
    pub stream: TokenStream,
    /// A span whose source text holds all the tokens (for whitespace and
    /// dropped comments).
    pub text_span: Span,
    /// The delimiters around the tokens, if any: comments right after the
    /// opening one and before the closing one are looked for too. (For a
    /// `def` item followed by another, `close` is the next item's first
    /// token.)
    pub open: Option<Span>,
    pub close: Option<Span>,
    /// The column the first token counts as at (`pub def f():` is indented
    /// as if `def` stood where `pub` does).
    pub first_column: Option<usize>,
}

/// Renders Python written as tokens (a body, or a whole `def`) under the
/// `header` lines.
pub fn render_token_stream(
    tokens: &TokenSource,
    header: &[String],
    errors: &mut Errors,
) -> Option<PySource> {
    let mut leaves = Vec::new();
    let mut local = Errors::default();
    collect_leaves(tokens.stream.clone(), &mut leaves, &mut local);
    if let (Some(first), Some(column)) = (leaves.first_mut(), tokens.first_column) {
        first.start.column = column.min(first.start.column);
    }
    let Some(first) = leaves.first() else {
        errors.push(syn::Error::new(
            tokens.text_span,
            "empty body: a Python function needs at least one statement, such as `pass`",
        ));
        return None;
    };

    let map = SourceMap::new(tokens.text_span, &leaves);
    // The `def` lines go on the lines above the first body line, so that
    // every body line keeps its `.rs` line number; only a body at the top
    // of a file moves down.
    let shift = (header.len() + 1).saturating_sub(first.start.line);
    let header_end = first.start.line + shift - 1;
    let mut text = "\n".repeat(header_end - header.len());
    text.push_str(&header.join("\n"));
    text.push('\n');
    let mut cur = Pos {
        line: header_end + 1,
        col: 0,
    };
    // A body written flush left (any line starting at column 0) is
    // indented by four columns, line by line: the `def` needs its body
    // deeper than itself. Lines inside multi-line tokens are not touched.
    let first_columns = leaves.iter().enumerate().filter_map(|(index, leaf)| {
        let starts_line = index == 0 || leaves[index - 1].end.line < leaf.start.line;
        starts_line.then_some(leaf.start.column)
    });
    let indent_added = if first_columns.min() < Some(required_indent(header)) {
        4
    } else {
        0
    };
    let mut line_shift = 0;
    let mut located = Vec::with_capacity(leaves.len());
    let mut prev_end = tokens.open.map_or(first.start, |open| open.end());
    for (index, leaf) in leaves.iter().enumerate() {
        let starts_line = index == 0 || leaves[index - 1].end.line < leaf.start.line;
        if starts_line {
            line_shift = indent_added;
        } else if leaves[index - 1].start.line < leaf.start.line {
            // The line began inside the previous (multi-line) token.
            line_shift = 0;
        }
        let start = Pos {
            line: leaf.start.line + shift,
            col: leaf.start.column + line_shift,
        };
        if start < cur {
            local.push(syn::Error::new(
                leaf.span,
                format!(
                    "cannot rebuild the Python source: this token's position is not known (tokens made by another macro have none); {STRING_FORM_HINT}"
                ),
            ));
            errors.append(local);
            return None;
        }
        let gap = map.as_ref().and_then(|map| map.slice(prev_end, leaf.start));
        if let Some(gap) = gap {
            check_gap(
                gap,
                index.checked_sub(1).map(|i| &leaves[i]),
                leaf.span,
                &mut local,
            );
        }
        if start.line > cur.line {
            text.extend(std::iter::repeat_n('\n', start.line - cur.line));
            cur = Pos {
                line: start.line,
                col: 0,
            };
        }
        // Whitespace as written (tabs included) where the source text is
        // available: a line's own indentation at a line start, the gap
        // between two tokens otherwise; else spaces to the same column.
        let written = match gap {
            Some(gap) if cur.col == 0 && starts_line => {
                let indent = gap.rsplit('\n').next().unwrap_or(gap).replace('\r', "");
                (gap.contains('\n') || index > 0).then(|| " ".repeat(line_shift) + &indent)
            }
            Some(gap) if !gap.contains('\n') => Some(gap.to_owned()),
            _ => None,
        };
        match written.filter(|fill| fill.chars().count() == start.col - cur.col) {
            Some(fill) => text.push_str(&fill),
            None => text.extend(std::iter::repeat_n(' ', start.col - cur.col)),
        }
        text.push_str(&leaf.text);
        cur = advance(start, &leaf.text);
        located.push(Located {
            start,
            end: cur,
            span: leaf.span,
        });
        prev_end = leaf.end;
    }
    match tokens.close {
        Some(close) => {
            if let Some(gap) = map
                .as_ref()
                .and_then(|map| map.slice(prev_end, close.start()))
            {
                check_gap(gap, leaves.last(), close, &mut local);
            }
        }
        // Tokens that end their macro's input: up to the closing delimiter
        // of the invocation, which `text_span` ends with.
        None => {
            if let Some(gap) = map
                .as_ref()
                .and_then(|map| map.slice(prev_end, tokens.text_span.end()))
            {
                let gap = gap.trim_end();
                let gap = gap.strip_suffix(['}', ')', ']']).unwrap_or(gap);
                check_gap(gap, leaves.last(), tokens.text_span, &mut local);
            }
        }
    }
    text.push('\n');
    let ok = local.is_empty();
    errors.append(local);
    ok.then_some(PySource {
        text,
        header_end,
        layout: Layout::Tokens(located),
    })
}

/// The position after writing `text` at `pos`.
fn advance(pos: Pos, text: &str) -> Pos {
    match text.rfind('\n') {
        Some(last) => Pos {
            line: pos.line + text.matches('\n').count(),
            col: text[last + 1..].chars().count(),
        },
        None => Pos {
            line: pos.line,
            col: pos.col + text.chars().count(),
        },
    }
}

/// Between two tokens there is only whitespace, unless Rust dropped a
/// comment there: Python code the macro never saw.
fn check_gap(gap: &str, before: Option<&Leaf>, after: Span, errors: &mut Errors) {
    let comment = gap.trim_matches(|c: char| c.is_whitespace());
    if comment.is_empty() {
        return;
    }
    let shown = comment.lines().next().unwrap_or(comment).trim_end();
    let message = format!(
        "Rust drops the comment `{shown}` here, so the macro never sees it; in Python, `//` is floor division and `#` starts a comment: {STRING_FORM_HINT}"
    );
    errors.push(syn::Error::new(
        before.map_or(after, |leaf| leaf.span),
        message,
    ));
}

/// The tokens of `stream` in order, delimiters included, with the
/// problems Python written as Rust tokens has. Iterative: the depth of the
/// input is bounded (`parse::check_depth`), but the walk needs no stack of
/// its own.
fn collect_leaves(stream: TokenStream, leaves: &mut Vec<Leaf>, errors: &mut Errors) {
    // Each level: its tokens, and the closing delimiter to add after them.
    let mut stack: Vec<(
        std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
        Option<Leaf>,
    )> = vec![(stream.into_iter().peekable(), None)];
    while let Some((tokens, _)) = stack.last_mut() {
        let Some(token) = tokens.next() else {
            if let Some((_, Some(close))) = stack.pop() {
                leaves.push(close);
            }
            continue;
        };
        match token {
            TokenTree::Group(group) => {
                let close = delimiters(&group).map(|(open, close)| {
                    leaves.push(leaf(open.to_owned(), open.to_owned(), group.span_open()));
                    leaf(close.to_owned(), close.to_owned(), group.span_close())
                });
                stack.push((group.stream().into_iter().peekable(), close));
            }
            TokenTree::Ident(ident) => {
                leaves.push(leaf(python_name(&ident), ident.to_string(), ident.span()));
            }
            TokenTree::Punct(punct) => {
                match punct.as_char() {
                    '#' => errors.push(syn::Error::new(
                        punct.span(),
                        format!(
                            "a `#` comment cannot be written in token form (Rust would read the comment as code); {STRING_FORM_HINT}"
                        ),
                    )),
                    '\'' => errors.push(syn::Error::new(
                        punct.span(),
                        format!(
                            "single-quoted strings cannot be written in token form (Rust reads `'name` as a lifetime); use double quotes, or {STRING_FORM_HINT}"
                        ),
                    )),
                    _ => {}
                }
                let text = punct.as_char().to_string();
                let mut leaf = leaf(text.clone(), text, punct.span());
                // A lifetime `'x` is two tokens at overlapping positions.
                if punct.as_char() == '\''
                    && let Some(TokenTree::Ident(ident)) = tokens.peek()
                {
                    leaf.text.push_str(&ident.to_string());
                    leaf.source = leaf.text.clone();
                    leaf.end = ident.span().end();
                    tokens.next();
                }
                leaves.push(leaf);
            }
            TokenTree::Literal(literal) => {
                if let Some(problem) = literal_problem(&literal) {
                    errors.push(syn::Error::new(literal.span(), problem));
                }
                let text = literal.to_string();
                leaves.push(leaf(text.clone(), text, literal.span()));
            }
        }
    }
}

fn leaf(text: String, source: String, span: Span) -> Leaf {
    Leaf {
        text,
        source,
        start: span.start(),
        end: span.end(),
        span,
    }
}

/// Rust literal syntax that means something else, or nothing, in Python.
fn literal_problem(literal: &proc_macro2::Literal) -> Option<String> {
    let text = literal.to_string();
    let suffix_problem = |suffix: &str, imaginary_ok: bool| {
        let allowed = suffix.is_empty() || (imaginary_ok && (suffix == "j" || suffix == "J"));
        (!allowed).then(|| {
            format!("`{text}` has the Rust type suffix `{suffix}`, which Python does not have")
        })
    };
    match syn::Lit::new(literal.clone()) {
        syn::Lit::Int(int) => suffix_problem(int.suffix(), true),
        syn::Lit::Float(float) => suffix_problem(float.suffix(), true),
        syn::Lit::CStr(_) => Some(format!(
            "`{text}` is a Rust C string literal, which Python does not have"
        )),
        syn::Lit::Str(_) | syn::Lit::ByteStr(_) | syn::Lit::Char(_) | syn::Lit::Byte(_) => {
            string_problem(&text)
        }
        _ => None,
    }
}

fn string_problem(text: &str) -> Option<String> {
    let quote = text.find(['"', '\''])?;
    let prefix = &text[..quote];
    let close = text.rfind(['"', '\''])?;
    let suffix = &text[close + 1..];
    if !suffix.is_empty() && !suffix.starts_with('#') {
        return Some(format!(
            "`{text}` has the Rust suffix `{suffix}`, which Python does not have"
        ));
    }
    if prefix.contains('r') {
        if text.contains("\"#") || prefix.ends_with('#') {
            return Some(format!(
                "`r#\"…\"#` is Rust raw-string syntax, not Python: use `r\"…\"` or {STRING_FORM_HINT}"
            ));
        }
        if text[..close].ends_with('\\') {
            return Some(format!(
                "this raw string ends in `\\`, where Rust and Python disagree on where it ends; {STRING_FORM_HINT}"
            ));
        }
        return None;
    }
    if text.contains("\\u{") {
        return Some(format!(
            "`\\u{{…}}` is a Rust escape, not Python; Python's `\\uXXXX` is not valid Rust, so {STRING_FORM_HINT}"
        ));
    }
    None
}

/// The source text of a token body, to copy whitespace (tabs included)
/// exactly and to find the comments Rust dropped.
struct SourceMap {
    text: String,
    start: LineColumn,
    /// Byte offset of every char of `text`, and `text.len()` at the end.
    chars: Vec<usize>,
    /// For each line: the index in `chars` of its first char, and its
    /// length in chars (positions are looked up in constant time: a body
    /// may be one line of a hundred thousand tokens).
    lines: Vec<(usize, usize)>,
}

impl SourceMap {
    /// `None` when the source text is unavailable (tokens made by a macro)
    /// or does not agree with the tokens' positions.
    fn new(span: Span, leaves: &[Leaf]) -> Option<Self> {
        let text = span.source_text()?;
        let mut chars: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        chars.push(text.len());
        let mut lines = Vec::new();
        let mut line_start = 0;
        for (index, c) in text.chars().enumerate() {
            if c == '\n' {
                lines.push((line_start, index - line_start));
                line_start = index + 1;
            }
        }
        lines.push((line_start, chars.len() - 1 - line_start));
        let map = SourceMap {
            text,
            start: span.start(),
            chars,
            lines,
        };
        let agrees = leaves.iter().all(|leaf| {
            map.offset(leaf.start)
                .is_some_and(|at| map.text[at..].starts_with(&leaf.source))
        });
        agrees.then_some(map)
    }

    fn offset(&self, pos: LineColumn) -> Option<usize> {
        let index = pos.line.checked_sub(self.start.line)?;
        let &(first, len) = self.lines.get(index)?;
        let col = if index == 0 {
            pos.column.checked_sub(self.start.column)?
        } else {
            pos.column
        };
        (col <= len).then(|| self.chars[first + col])
    }

    fn slice(&self, from: LineColumn, to: LineColumn) -> Option<&str> {
        let (from, to) = (self.offset(from)?, self.offset(to)?);
        self.text.get(from..to)
    }
}

/// A string literal holding Python, split into lines.
struct StrText {
    value: String,
    lines: Vec<String>,
    /// Whether each line of the value is a line of the `.rs` file (raw
    /// strings, strings without escapes).
    aligned: bool,
    start: LineColumn,
    /// The `.rs` column of the text right after the opening quote.
    first_rs_col: usize,
}

impl StrText {
    /// `lit`'s value, or an error if CPython would reject it (`what` is
    /// "body" or "source").
    fn read(lit: &syn::LitStr, what: &str, errors: &mut Errors) -> Option<Self> {
        let value = lit.value();
        if value.contains('\0') {
            errors.push(syn::Error::new(
                lit.span(),
                format!("the Python {what} holds a NUL character, which CPython rejects"),
            ));
            return None;
        }
        let token = lit.token().to_string();
        let quote = token.find('"').unwrap_or(0);
        let start = lit.span().start();
        let lines = value
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
            .collect();
        Some(StrText {
            aligned: token[..quote].contains('r') || !token.contains('\\'),
            first_rs_col: start.column + token[..=quote].chars().count(),
            start,
            lines,
            value,
        })
    }
}

/// The 1-based rows of `lines` that continue a multi-line token (the inside
/// of a triple-quoted string): content, not indentation. `value` is the
/// literal's text, to skip the tokenizer when no line can be inside one.
fn rows_inside_tokens(value: &str, lines: &[String]) -> Vec<usize> {
    if value.contains(['"', '\'', '\\']) {
        crate::python::rows_inside_tokens(lines.join("\n")).unwrap_or_default()
    } else {
        Vec::new()
    }
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

pub fn render_str(lit: &syn::LitStr, header: &[String], errors: &mut Errors) -> Option<PySource> {
    let text = StrText::read(lit, "body", errors)?;
    if text.value.trim().is_empty() {
        errors.push(syn::Error::new(
            lit.span(),
            "empty body: a Python function needs at least one statement, such as `pass`",
        ));
        return None;
    }
    let (aligned, start, first_rs_col) = (text.aligned, text.start, text.first_rs_col);
    let inside_token = rows_inside_tokens(&text.value, &text.lines);
    let mut lines = text.lines;
    let first_blank = lines[0].trim().is_empty();
    if first_blank {
        lines[0].clear();
    }
    // Lines inside multi-line tokens are never counted, never changed.
    let code: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(index, line)| !line.trim().is_empty() && !inside_token.contains(&(index + 1)))
        .map(|(index, _)| index)
        .collect();
    // Text right after the opening quote is a statement of the block: it
    // takes the block's indentation (that of the lines below it), or, alone,
    // keeps its `.rs` column.
    if !first_blank {
        let block = code
            .iter()
            .filter(|&&index| index > 0)
            .map(|&index| indent_of(&lines[index]))
            .min();
        let pad = block.unwrap_or(if aligned { first_rs_col } else { 0 });
        lines[0].insert_str(0, &" ".repeat(pad));
    }
    // A body the user wrote flush left gets a uniform indent, which keeps
    // Python's view of its block structure.
    let required = required_indent(header);
    let indent_added = if code
        .iter()
        .any(|&index| indent_of(&lines[index]) < required)
    {
        4
    } else {
        0
    };
    if indent_added > 0 {
        for &index in &code {
            lines[index].insert_str(0, "    ");
        }
    }

    let first_py_col = indent_of(&lines[0]);
    // With a blank first line the `def` takes its place; otherwise it goes
    // on the line above (moving down a line only at the top of a file).
    let (first_line, header_end, body_from) = if first_blank {
        let first_line = start.line.max(header.len());
        (first_line, first_line, 1)
    } else {
        let first_line = start.line.max(header.len() + 1);
        (first_line, first_line - 1, 0)
    };
    let mut text = "\n".repeat(header_end - header.len());
    text.push_str(&header.join("\n"));
    text.push('\n');
    for line in &lines[body_from..] {
        text.push_str(line);
        text.push('\n');
    }
    Some(PySource {
        text,
        header_end,
        layout: Layout::Str(StrLayout {
            span: lit.span(),
            first_line,
            rs_line: start.line,
            aligned,
            indent_added,
            dedent: 0,
            first_rs_col,
            first_py_col,
            columns: Vec::new(),
        }),
    })
}

/// The Python source of a `py_module!` inline source: dedented to column
/// 0, with its lines at their `.rs` line numbers.
pub fn render_module_str(lit: &syn::LitStr, errors: &mut Errors) -> Option<PySource> {
    let text = StrText::read(lit, "source", errors)?;
    let (aligned, start, first_rs_col) = (text.aligned, text.start, text.first_rs_col);
    let mut lines = text.lines;
    // The first line (after the quote) has no indentation of its own.
    let first_trimmed = lines[0].len() - lines[0].trim_start().len();
    lines[0] = lines[0].trim_start().to_owned();
    let mut columns = vec![0; lines.len()];
    if !lines[0].is_empty() {
        // Assumes the `.rs` text before the quote is ASCII, as it is in
        // `source = r#"`.
        columns[0] = first_rs_col + first_trimmed;
    }
    let inside_token = rows_inside_tokens(&text.value, &lines);
    // Code right after the opening quote is at column 0: nothing is
    // common to every line then (as `textwrap.dedent` would see it).
    let first_holds_code = !lines[0].trim().is_empty();
    let dedent = lines
        .iter()
        .enumerate()
        .skip(1)
        .filter(|_| !first_holds_code)
        .filter(|(index, line)| !line.trim().is_empty() && !inside_token.contains(&(index + 1)))
        .map(|(_, line)| indent_of(line))
        .min()
        .unwrap_or(0);
    // Every line loses the block's indentation where it has it, the lines
    // inside a multi-line string too (as `textwrap.dedent` would).
    for (line, column) in lines.iter_mut().zip(&mut columns).skip(1) {
        let strip = line
            .chars()
            .take(dedent)
            .take_while(|c| c.is_whitespace())
            .count();
        let at = line
            .char_indices()
            .nth(strip)
            .map_or(line.len(), |(at, _)| at);
        line.replace_range(..at, "");
        if !line.trim().is_empty() {
            *column = at;
        }
    }
    if !aligned {
        // The lines are not the `.rs` file's: no column of theirs to keep.
        columns.clear();
    }
    while columns.last() == Some(&0) {
        columns.pop();
    }
    let mut text = "\n".repeat(start.line - 1);
    text.push_str(&lines.join("\n"));
    text.push('\n');
    Some(PySource {
        text,
        header_end: 0,
        layout: Layout::Str(StrLayout {
            span: lit.span(),
            first_line: start.line,
            rs_line: start.line,
            aligned,
            indent_added: 0,
            dedent,
            first_rs_col,
            first_py_col: 0,
            columns,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_body(body: &str) -> String {
        let tokens: TokenStream =
            syn::parse_str(&format!("fn f(a: i64) -> i64 {body}")).expect("tokens");
        let Some(TokenTree::Group(group)) = tokens.into_iter().last() else {
            panic!("a braced body");
        };
        let mut errors = Errors::default();
        let header = ["def f(a):".to_owned()];
        let source = match crate::parse::body_of(group) {
            crate::parse::Body::Tokens(group) => render_tokens(&group, &header, &mut errors),
            crate::parse::Body::Str(lit) => render_str(&lit, &header, &mut errors),
        };
        assert!(errors.is_empty(), "unexpected errors");
        source.expect("rendered").text
    }

    #[test]
    fn string_body_keeps_lines_and_block_structure() {
        let text = render_body("{r#\"\n    x = a\n    if x:\n        return x\n    return 0\n\"#}");
        assert_eq!(
            text,
            "def f(a):\n    x = a\n    if x:\n        return x\n    return 0\n\n"
        );
    }

    #[test]
    fn flush_left_string_body_is_indented() {
        let text = render_body("{\"\nx = a\n\nreturn x\n\"}");
        assert_eq!(text, "def f(a):\n    x = a\n\n    return x\n\n");
    }

    #[test]
    fn string_body_on_the_quote_line_keeps_its_column() {
        // On line 1 of its file: the body moves to line 2, under the `def`,
        // keeping its column.
        let text = render_body("{\"return a\"}");
        let column = "fn f(a: i64) -> i64 {\"".len();
        assert_eq!(text, format!("def f(a):\n{}return a\n", " ".repeat(column)));
    }

    #[test]
    fn text_on_the_quote_line_joins_the_block_below() {
        let text = render_body("{\"x = a + 1\n        return x\"}");
        assert_eq!(text, "def f(a):\n        x = a + 1\n        return x\n");
    }

    #[test]
    fn token_body_keeps_tabs() {
        let text = render_body("{\n\tx = a\n\tif x:\n\t\treturn x\n\treturn 0\n}");
        assert_eq!(
            text,
            "def f(a):\n\tx = a\n\tif x:\n\t\treturn x\n\treturn 0\n"
        );
    }

    #[test]
    fn flush_left_token_body_is_indented_but_strings_are_not() {
        let text = render_body("{\nx = \"\"\"a\nb\"\"\" + a\nif x:\n    return x\nreturn 0\n}");
        assert_eq!(
            text,
            "def f(a):\n    x = \"\"\"a\nb\"\"\" + a\n    if x:\n        return x\n    return 0\n"
        );
    }

    fn render_module(literal: &str) -> PySource {
        let lit: syn::LitStr = syn::parse_str(literal).expect("a string literal");
        let mut errors = Errors::default();
        let source = render_module_str(&lit, &mut errors);
        assert!(errors.is_empty(), "unexpected errors");
        source.expect("rendered")
    }

    #[test]
    fn module_source_keeps_the_columns_its_dedent_took() {
        // Per line: the dedent (4), less inside a multi-line string where
        // the line had less, nothing on blank lines; trailing zeros gone.
        let source = render_module(
            "r#\"\n    def f(x):\n        s = '''\n  in\n'''\n\n        return s\n    \"#",
        );
        assert_eq!(
            source.text,
            "\ndef f(x):\n    s = '''\nin\n'''\n\n    return s\n\n"
        );
        assert_eq!(source.lost_columns(), (1, &[0, 4, 4, 2, 0, 0, 4][..]));
        // Code right after the quote: everything before it on the line.
        let source = render_module("r\"  x = 1\"");
        assert_eq!(source.text, "x = 1\n");
        assert_eq!(source.lost_columns(), (1, &["r\"  ".len()][..]));
        // Escapes: the lines are not the `.rs` file's.
        let source = render_module("\"\\n    x = 1\\n\"");
        assert_eq!(source.text, "\nx = 1\n\n");
        assert_eq!(source.lost_columns(), (1, &[][..]));
    }

    #[test]
    fn advance_counts_lines_and_chars() {
        let pos = Pos { line: 3, col: 4 };
        assert_eq!(advance(pos, "ab"), Pos { line: 3, col: 6 });
        assert_eq!(advance(pos, "a\nbé"), Pos { line: 4, col: 2 });
    }

    #[test]
    fn rust_only_literals_are_reported() {
        let problem = |text: &str| {
            let literal: proc_macro2::Literal = syn::parse_str(text).expect("a literal");
            literal_problem(&literal)
        };
        assert!(problem("1u8").is_some());
        assert!(problem("2j").is_none());
        assert!(problem("1.5e3").is_none());
        assert!(problem("r#\"x\"#").is_some());
        assert!(problem("r\"x\"").is_none());
        assert!(problem("\"\\u{41}\"").is_some());
        assert!(problem("\"\\x41\"").is_none());
        assert!(problem("b\"ab\"").is_none());
        assert!(problem("c\"ab\"").is_some());
    }
}
