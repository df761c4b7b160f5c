//! A Python exception as owned data, captured while the interpreter is
//! held: the chain of causes and contexts, and the text CPython's
//! `traceback` module prints for it.
//!
//! `pyfn::Error` is `Send + Sync` and may be formatted on any thread, with
//! or without the interpreter (or after it is gone), so everything Display
//! and Debug show is captured here, when the error is made.
//!
//! The text is `traceback.TracebackException`'s, exactly as
//! `traceback.format_exception` makes it, cut into one segment per link of
//! the chain (each link formatted with its `__cause__` / `__context__`
//! detached), so that the report of a link is a prefix of the whole report:
//! the chain's text is held once, however long the chain, and each link
//! points into it.

use std::sync::Arc;

use pyo3::types::{PyAnyMethods, PyModule, PyTracebackMethods, PyTypeMethods};
use pyo3::{Bound, Py, PyAny, PyErr, PyResult, Python};

/// How a link of an exception chain follows the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// `__cause__` (`raise … from …`).
    Cause,
    /// `__context__` (raised while handling it), not suppressed.
    Context,
}

/// One exception of a chain, as owned data.
pub(crate) struct Link {
    /// How it follows the link before it (`None` for the first).
    pub relation: Option<Relation>,
    /// The exception, for links after the first (the caller keeps the
    /// first's own `PyErr`).
    pub err: Option<PyErr>,
    /// `type(exc).__name__`.
    pub name: String,
    /// The type as CPython prints it: `__qualname__`, after `__module__.`
    /// unless that is `builtins` or `__main__`.
    pub shown_type: String,
    /// `str(exc)`, or CPython's placeholder when that raises.
    pub message: String,
    /// This exception's own part of the report (its traceback, exception
    /// line, notes, group members), where it has a traceback.
    pub traceback: Option<String>,
    /// `__notes__` (CPython 3.11 and later; empty before).
    pub notes: Vec<String>,
    /// Where the report of this link ends in [`Captured::report`].
    pub report_end: usize,
}

/// An exception and its chain: the first link is the exception itself.
pub(crate) struct Captured {
    pub links: Vec<Link>,
    /// `traceback.format_exception(exc)` of the first link, joined.
    pub report: Arc<str>,
}

/// The helper, run by CPython: plain strings, booleans and the chained
/// exception objects come back, never objects of its own.
const HELPER: &std::ffi::CStr = cr#"
import sys
import traceback

CAUSE = getattr(traceback, "_cause_message", "\nThe above exception was the direct cause of the following exception:\n\n")
CONTEXT = getattr(traceback, "_context_message", "\nDuring handling of the above exception, another exception occurred:\n\n")
NOTES = sys.version_info >= (3, 11)


def text(value):
    # What a Rust String can hold: lone surrogates escaped.
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def message(exc):
    some_str = getattr(traceback, "_some_str", None)
    if some_str is not None:
        return some_str(exc)
    try:
        return str(exc)
    except BaseException:
        return "<exception str() failed>"


def type_name(etype):
    # As traceback.TracebackException prints it (3.9 to 3.13 alike).
    name = etype.__qualname__
    module = etype.__module__
    if module not in ("__main__", "builtins"):
        if not isinstance(module, str):
            module = "<unknown>"
        name = module + "." + name
    return name


def notes(exc):
    if not NOTES:
        return []
    try:
        notes = exc.__notes__
    except BaseException:
        return []
    if not isinstance(notes, (list, tuple)):
        return []
    out = []
    for note in notes:
        try:
            out.append(text(note if isinstance(note, str) else repr(note)))
        except BaseException:
            out.append("<note str() failed>")
    return out


def link(relation, exc, segment, tb):
    return (
        relation,
        exc,
        text(type(exc).__name__),
        text(type_name(type(exc))),
        text(message(exc)),
        text(segment),
        tb is not None,
        notes(exc),
    )


def chain(exc, tb):
    # traceback.format_exception's own walk (cause, else an unsuppressed
    # context, never an exception twice), one link at a time.
    options = {"compact": True} if sys.version_info >= (3, 10) else {}
    te = traceback.TracebackException(type(exc), exc, tb, **options)
    out = []
    seen = set()
    relation = 0
    while True:
        seen.add(id(exc))
        if te.__cause__ is not None:
            after, following, how = te.__cause__, exc.__cause__, 1
        elif te.__context__ is not None and not te.__suppress_context__:
            after, following, how = te.__context__, exc.__context__, 2
        else:
            after = None
        te.__cause__ = None
        te.__context__ = None
        out.append(link(relation, exc, "".join(te.format()), tb))
        if after is None:
            if sys.version_info < (3, 10):
                # 3.9's TracebackException recurses along the chain and
                # silently stops near the recursion limit: the rest of it,
                # plainly.
                out += plain(exc, tb, seen)[1:]
            return out
        te, exc, relation = after, following, how
        tb = exc.__traceback__


def plain(exc, tb, seen=None):
    # Without TracebackException: frames, then the exception line and
    # notes, iteratively.
    out = []
    seen = set() if seen is None else seen
    seen.discard(id(exc))
    relation = 0
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        segment = ""
        if tb is not None:
            try:
                frames = "".join(traceback.format_tb(tb))
            except BaseException:
                frames = bare_frames(tb)
            segment = "Traceback (most recent call last):\n" + frames
        shown = type_name(type(exc))
        said = message(exc)
        segment += (shown + ": " + said if said else shown) + "\n"
        segment += "".join(note + "\n" for note in notes(exc))
        out.append(link(relation, exc, segment, tb))
        if exc.__cause__ is not None:
            exc, relation = exc.__cause__, 1
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc, relation = exc.__context__, 2
        else:
            exc = None
        tb = None if exc is None else exc.__traceback__
    return out


def bare_frames(tb):
    # The frames without their lines (reading a line is what can fail).
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append('  File "%s", line %s, in %s\n' % (code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return "".join(frames)


def describe(exc, tb):
    # The first exception's traceback comes apart from it: before 3.12,
    # one fetched from C has no __traceback__ until Python code catches it.
    try:
        links = chain(exc, tb)
    except BaseException:
        links = plain(exc, tb)
    return CAUSE, CONTEXT, links
"#;

/// One link as the helper returns it.
type RawLink<'py> = (
    u8,
    Bound<'py, PyAny>,
    String,
    String,
    String,
    String,
    bool,
    Vec<String>,
);

/// `err` and its chain, as CPython's `traceback` module formats them.
/// Never fails: when Python cannot format the exception (out of memory,
/// at the recursion limit, …) the result holds what can be read without
/// Python code.
pub(crate) fn capture(py: Python<'_>, err: &PyErr) -> Captured {
    describe(py, err).unwrap_or_else(|_| fallback(py, err))
}

fn describe(py: Python<'_>, err: &PyErr) -> PyResult<Captured> {
    static DESCRIBE: crate::once::Once<Py<PyAny>> = crate::once::Once::new();
    let describe = DESCRIBE.get_or_py_init(py, || -> PyResult<Py<PyAny>> {
        let module = PyModule::from_code(py, HELPER, c"pyfn_report.py", c"pyfn_report")?;
        Ok(module.getattr("describe")?.unbind())
    })?;
    // The helper imported `traceback`, so `linecache`: the sources waiting
    // for it are in its cache (added now, should the finder that adds them
    // have been taken off `sys.meta_path`).
    let _ = crate::lines::flush(py);
    let (cause, context, raw): (String, String, Vec<RawLink<'_>>) = describe
        .bind(py)
        .call1((err.value(py), err.traceback(py)))?
        .extract()?;
    let mut links: Vec<Link> = Vec::with_capacity(raw.len());
    let mut segments = Vec::with_capacity(raw.len());
    for (index, (relation, exc, name, shown_type, message, segment, has_tb, notes)) in
        raw.into_iter().enumerate()
    {
        let relation = match relation {
            1 => Some(Relation::Cause),
            2 => Some(Relation::Context),
            _ => None,
        };
        links.push(Link {
            relation,
            err: (index > 0).then(|| PyErr::from_value(exc)),
            name,
            shown_type,
            message,
            traceback: has_tb.then(|| segment.clone()),
            notes,
            report_end: 0,
        });
        segments.push(segment);
    }
    if links.is_empty() {
        return Ok(fallback(py, err));
    }
    // CPython prints the innermost first: each link after what it follows
    // from, with the message saying how.
    let mut report = String::new();
    for index in (0..links.len()).rev() {
        if let Some(next) = links.get(index + 1) {
            report.push_str(match next.relation {
                Some(Relation::Cause) => &cause,
                _ => &context,
            });
        }
        report.push_str(&segments[index]);
        links[index].report_end = report.len();
    }
    Ok(Captured {
        links,
        report: report.into(),
    })
}

/// What can be read without running Python code of ours: the type's name,
/// `str()`, and the C traceback printer's frames.
fn fallback(py: Python<'_>, err: &PyErr) -> Captured {
    let name = type_name(py, err);
    let message = exception_message(py, err);
    let line = exception_line(&name, &message);
    let traceback = err
        .traceback(py)
        .and_then(|traceback| traceback.format().ok())
        .map(|frames| format!("{frames}{line}\n"));
    let report: Arc<str> = traceback.clone().unwrap_or(format!("{line}\n")).into();
    Captured {
        links: vec![Link {
            relation: None,
            err: None,
            shown_type: name.clone(),
            name,
            message,
            traceback,
            notes: Vec::new(),
            report_end: report.len(),
        }],
        report,
    }
}

/// `Type: message`, or `Type` alone for an empty message, as CPython
/// writes an exception's line.
pub(crate) fn exception_line(shown_type: &str, message: &str) -> String {
    if message.is_empty() {
        shown_type.to_owned()
    } else {
        format!("{shown_type}: {message}")
    }
}

fn type_name(py: Python<'_>, err: &PyErr) -> String {
    err.get_type(py)
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "<unknown exception>".to_owned())
}

fn exception_message(py: Python<'_>, err: &PyErr) -> String {
    match err.value(py).str() {
        Ok(text) => text.to_string(),
        Err(_) => "<exception str() failed>".to_owned(),
    }
}
