//! Type checking: a real type checker, [ty](https://docs.astral.sh/ty/),
//! checks each function's Python against the Python annotations of its
//! Rust types (`#[py(typecheck)]`, or pyfn's `typecheck` feature).
//!
//! The checked text is the function's own source, line for line, with its
//! `def` line annotated in place (quoted annotations, read the same on
//! every Python version): the checker's positions are then positions in
//! the source pyfn already maps back to Rust tokens. ty runs as a process
//! of its own, found next to the build interpreter (in its environment's
//! `bin`); the build never downloads anything. See `BENCHMARKS.md` for why
//! ty and what it costs.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::python::{self, Pos};

/// The name `typing` is bound to in a checked text (the import is appended
/// after the user's code, so that no line moves).
pub const TYPING: &str = "__pyfn_typing";

/// One error the checker found.
pub struct Diagnostic {
    pub start: Pos,
    /// The checker's rule (`missing-attribute`).
    pub rule: String,
    pub message: String,
}

impl Diagnostic {
    /// The message of the rustc error: the checker's message and rule.
    pub fn text(&self) -> String {
        format!("{} [ty: {}]", self.message, self.rule)
    }
}

/// Type-checks `text` (a whole Python module); the errors found, or why the
/// checker could not run (not installed: how to install it).
pub fn check(text: &str) -> Result<Vec<Diagnostic>, String> {
    let interpreter = python::build_interpreter()
        .ok_or_else(|| "no build interpreter is known to run the type checker with".to_owned())?;
    check_with(&interpreter, text)
}

/// [`check`], with ty from the environment of `interpreter`.
fn check_with(interpreter: &std::path::Path, text: &str) -> Result<Vec<Diagnostic>, String> {
    let checker = checker(interpreter).ok_or_else(|| {
        format!(
            "type checking (`#[py(typecheck)]`, or pyfn's `typecheck` feature) needs the type checker `ty` installed in the build interpreter's environment; install it with `{} -m pip install ty`, or turn type checking off with `#[py(typecheck = false)]`",
            interpreter.display()
        )
    })?;
    // A directory of its own per check (checks may run at once in one
    // process: the tests), removed after.
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "pyfn-typecheck-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create `{}`: {err}", dir.display()))?;
    // Named relative to `dir`, ty's working directory: ty prints paths so.
    let name = "snippet.py";
    let file = dir.join(name);
    let mut checked = text.to_owned();
    if !checked.ends_with('\n') {
        checked.push('\n');
    }
    checked.push_str(&format!("import typing as {TYPING}\n"));
    std::fs::write(&file, &checked)
        .map_err(|err| format!("cannot write `{}`: {err}", file.display()))?;
    let output = Command::new(&checker)
        .arg("check")
        .arg("--python")
        .arg(interpreter)
        .args(["--python-version", env!("PYFN_MACRO_PYTHON")])
        .args(["--output-format", "concise", "--color", "never"])
        .args(["--no-progress", "--exit-zero"])
        .arg(name)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output();
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir(&dir);
    let output = output.map_err(|err| format!("cannot run `{}`: {err}", checker.display()))?;
    if !output.status.success() {
        return Err(format!(
            "the type checker `{}` failed: {}",
            checker.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let prefix = format!("{name}:");
    Ok(stdout
        .lines()
        .filter_map(|line| parse_line(line.strip_prefix(&prefix)?))
        .collect())
}

/// Whether pyfn's own checks decide what `diagnostic` is about, better than
/// the checker: modules (pyfn asks the build interpreter, where ty reads
/// typeshed's stubs, which lack `test`, `_testcapi` and other systems'
/// modules; `#[py(allow_missing_imports)]` applies), and private module
/// members (`subprocess._args_from_interpreter_flags`), which stubs do not
/// list.
pub fn superseded(diagnostic: &Diagnostic) -> bool {
    match diagnostic.rule.as_str() {
        "unresolved-import" | "import-not-found" => true,
        "missing-attribute" | "missing-module-member" => {
            diagnostic.message.starts_with("Module `")
                && diagnostic.message.contains("has no member `_")
        }
        _ => false,
    }
}

/// `12:5: error[missing-attribute] Object of type …`: errors only.
fn parse_line(line: &str) -> Option<Diagnostic> {
    let (line_no, rest) = line.split_once(':')?;
    let (col, rest) = rest.split_once(':')?;
    let rest = rest.trim_start().strip_prefix("error[")?;
    let (rule, message) = rest.split_once("] ")?;
    Some(Diagnostic {
        start: Pos {
            line: line_no.parse().ok().filter(|&line: &usize| line > 0)?,
            col: col.parse::<usize>().ok()?.checked_sub(1)?,
        },
        rule: rule.to_owned(),
        message: message.trim().to_owned(),
    })
}

/// Whether ty is installed next to the build interpreter (for the tests
/// that skip without it).
#[cfg(test)]
pub fn available() -> bool {
    python::build_interpreter().is_some_and(|interpreter| checker(&interpreter).is_some())
}

/// `ty`, in the environment of `interpreter` (its `bin` or `Scripts`).
fn checker(interpreter: &std::path::Path) -> Option<PathBuf> {
    let dir = interpreter.parent()?;
    ["ty", "ty.exe"]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn without_ty_the_error_says_how_to_install_it() {
        let problem = super::check_with(std::path::Path::new("/nonexistent/bin/python"), "x = 1\n")
            .err()
            .expect("no checker there");
        assert!(
            problem.contains("needs the type checker `ty`")
                && problem.contains("/nonexistent/bin/python -m pip install ty")
                && problem.contains("#[py(typecheck = false)]"),
            "{problem}"
        );
    }

    #[test]
    fn finds_errors_at_their_positions() {
        if !super::available() {
            eprintln!("skipped: ty is not installed next to the build interpreter");
            return;
        }
        let found =
            super::check("def f(s: \"str\") -> \"int\":\n    return s.uper()\n").expect("ty runs");
        let found: Vec<_> = found
            .iter()
            .map(|found| (found.start.line, found.start.col, found.rule.as_str()))
            .collect();
        assert_eq!(found, [(2, 11, "missing-attribute")]);
    }

    #[test]
    fn concise_lines() {
        let found = parse_line(
            "6:5: error[missing-attribute] Object of type `str` has no attribute `uper`",
        )
        .expect("an error");
        assert_eq!((found.start.line, found.start.col), (6, 4));
        assert_eq!(found.rule, "missing-attribute");
        assert_eq!(
            found.text(),
            "Object of type `str` has no attribute `uper` [ty: missing-attribute]"
        );
        assert!(parse_line("3:1: warning[possibly-unresolved-reference] x").is_none());
        assert!(parse_line("0:1: error[invalid-syntax] x").is_none());
        assert!(parse_line("1:0: error[invalid-syntax] x").is_none());
        let private =
            parse_line("1:1: error[missing-attribute] Module `subprocess` has no member `_args`")
                .expect("an error");
        assert!(super::superseded(&private));
        let public =
            parse_line("1:1: error[missing-module-member] Module `json` has no member `dumsp`")
                .expect("an error");
        assert!(!super::superseded(&public));
    }
}
