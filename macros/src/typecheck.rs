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

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::python::{self, Pos};
use crate::tyserver;

/// The name `typing` is bound to in a checked text (the import is appended
/// after the user's code, so that no line moves).
pub const TYPING: &str = "__pyfn_typing";

/// One error the checker found.
#[derive(Debug)]
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

/// The platform ty checks for: any (`all`). The code runs where the
/// program runs, which need not be where it is built; code for another
/// system (`msvcrt`, `winreg`) is checked against that system's stubs,
/// not refused for lacking them here.
pub const PLATFORM: &str = "all";

/// How long ty may take on one check before the build stops waiting, by
/// default (`PYFN_TYPECHECK_TIMEOUT`, in seconds, sets it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether the `typecheck` feature type-checks what has no
/// `#[py(typecheck)]` of its own: in the crates of the user's own source,
/// not in a dependency cargo fetched from a registry or a git repository.
/// Cargo unifies features across the build graph, so a user turning the
/// feature on would otherwise have ty judge other people's `py_fn!`s, code
/// they cannot change, and a verdict there would fail their build. Such a
/// dependency is one cargo compiles with `--cap-lints allow` (it hides its
/// warnings the same way; `-vv` does not), or whose manifest is under
/// cargo's home (`registry/`, `git/`: also where rust-analyzer expands it).
pub fn by_feature() -> bool {
    cfg!(feature = "typecheck")
        && !fetched_dependency(
            std::env::args(),
            std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
            cargo_home(),
        )
}

/// Cargo's home: `CARGO_HOME`, else `.cargo` in the user's home.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

/// Whether rustc's arguments `args` cap its lints at `allow`, or the
/// crate's `manifest_dir` is in the `registry` or `git` directory of
/// `cargo_home`.
fn fetched_dependency(
    mut args: impl Iterator<Item = String>,
    manifest_dir: Option<PathBuf>,
    cargo_home: Option<PathBuf>,
) -> bool {
    let mut capped = false;
    while let Some(arg) = args.next() {
        capped |= arg == "--cap-lints=allow"
            || (arg == "--cap-lints" && args.next().as_deref() == Some("allow"));
    }
    let fetched = |manifest_dir: &Path, home: &Path| {
        let manifest_dir = manifest_dir
            .canonicalize()
            .unwrap_or(manifest_dir.to_path_buf());
        let home = home.canonicalize().unwrap_or(home.to_path_buf());
        ["registry", "git"]
            .iter()
            .any(|part| manifest_dir.starts_with(home.join(part)))
    };
    capped
        || manifest_dir
            .zip(cargo_home)
            .is_some_and(|(manifest_dir, home)| fetched(&manifest_dir, &home))
}

/// Type-checks `text` (a whole Python module); the errors found, or why the
/// checker could not run (not installed: how to install it; no answer in
/// time).
pub fn check(text: &str) -> Result<Vec<Diagnostic>, String> {
    let interpreter = python::build_interpreter()
        .ok_or_else(|| "no build interpreter is known to run the type checker with".to_owned())?;
    Checker::find(&interpreter)?.check(text)
}

/// Type-checks a package's modules together: `files` are each module's
/// path under the package's parent (`invoicing/tax.py`) and text; for
/// each, the errors found in it, or why the checker could not run. One
/// `ty check` of a directory holding them, so that their imports of each
/// other resolve.
pub fn check_package(files: &[(String, &str)]) -> Result<Vec<Vec<Diagnostic>>, String> {
    let interpreter = python::build_interpreter()
        .ok_or_else(|| "no build interpreter is known to run the type checker with".to_owned())?;
    Checker::find(&interpreter)?.check_package(files)
}

/// ty, the interpreter whose environment it checks against, and how long
/// it may take.
struct Checker {
    ty: PathBuf,
    interpreter: PathBuf,
    timeout: Duration,
}

impl Checker {
    /// ty from `PYFN_TY` (a path), else from the environment of
    /// `interpreter`; the limit from `PYFN_TYPECHECK_TIMEOUT`.
    fn find(interpreter: &Path) -> Result<Checker, String> {
        let timeout = timeout(std::env::var("PYFN_TYPECHECK_TIMEOUT").ok().as_deref())?;
        let ty = match std::env::var_os("PYFN_TY").filter(|path| !path.is_empty()) {
            Some(path) => {
                let path = PathBuf::from(path);
                if !path.is_file() {
                    return Err(format!(
                        "`PYFN_TY` names `{}`, which is not a file: set it to the path of the type checker `ty`, or unset it to use the `ty` next to the build interpreter",
                        path.display()
                    ));
                }
                path
            }
            None => checker(interpreter).ok_or_else(|| {
                format!(
                    "type checking (`#[py(typecheck)]`, or pyfn's `typecheck` feature) needs the type checker `ty` installed in the build interpreter's environment; install it with `{} -m pip install ty`, or turn type checking off with `#[py(typecheck = false)]`",
                    interpreter.display()
                )
            })?,
        };
        Ok(Checker {
            ty,
            interpreter: interpreter.to_owned(),
            timeout,
        })
    }

    /// With the warm server ([`crate::tyserver`]); a `ty check` process
    /// when it cannot be used. `PYFN_TYPECHECK_SERVER=0`: a process always;
    /// `=1`: the server always (why it cannot be used is the error).
    fn check(&self, text: &str) -> Result<Vec<Diagnostic>, String> {
        let setting = std::env::var("PYFN_TYPECHECK_SERVER").unwrap_or_default();
        if setting.trim() == "0" {
            return self.check_once(text);
        }
        match tyserver::check(
            &self.ty,
            &self.interpreter,
            env!("PYFN_MACRO_PYTHON"),
            PLATFORM,
            &checked_text(text),
            self.timeout,
        ) {
            Ok(found) => Ok(found.iter().filter_map(server_diagnostic).collect()),
            Err(tyserver::Failure::TooSlow) => Err(self.too_slow()),
            Err(tyserver::Failure::Broken(why)) if setting.trim() == "1" => Err(format!(
                "the type checker's server cannot be used (`PYFN_TYPECHECK_SERVER=1`): {why}"
            )),
            Err(tyserver::Failure::Broken(_)) => self.check_once(text),
        }
    }

    /// The error when ty did not answer in time.
    fn too_slow(&self) -> String {
        format!(
            "the type checker ty did not answer within {} s, and was stopped; set `PYFN_TYPECHECK_TIMEOUT` (seconds) to wait longer, or turn type checking off with `#[py(typecheck = false)]`",
            self.timeout.as_secs_f64()
        )
    }

    /// One `ty check` process for `text`.
    fn check_once(&self, text: &str) -> Result<Vec<Diagnostic>, String> {
        let name = "snippet.py";
        let mut found = self.check_files(&[(name.to_owned(), text)])?;
        Ok(found.pop().unwrap_or_default())
    }

    /// One `ty check` process for a package's `files`: see
    /// [`check_package`].
    fn check_package(&self, files: &[(String, &str)]) -> Result<Vec<Vec<Diagnostic>>, String> {
        self.check_files(files)
    }

    /// Writes `files` (paths relative to a fresh directory, texts) and runs
    /// one `ty check` of them: each file's errors.
    fn check_files(&self, files: &[(String, &str)]) -> Result<Vec<Vec<Diagnostic>>, String> {
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
        let written = files.iter().try_for_each(|(path, text)| {
            let file = dir.join(path);
            file.parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&file, checked_text(text)))
                .map_err(|err| format!("cannot write `{}`: {err}", file.display()))
        });
        // Named relative to `dir`, ty's working directory: ty prints paths so.
        let result = written.and_then(|()| {
            let names: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
            self.run_once(&dir, &names)
        });
        let _ = std::fs::remove_dir_all(&dir);
        let stdout = result?;
        Ok(files
            .iter()
            .map(|(path, _)| {
                let prefix = format!("{path}:");
                stdout
                    .lines()
                    .filter_map(|line| parse_line(line.strip_prefix(&prefix)?))
                    .collect()
            })
            .collect())
    }

    /// Runs `ty check` of the files `names` in `dir`: its output, unless it
    /// failed or took longer than the limit (then it is killed).
    fn run_once(&self, dir: &Path, names: &[&str]) -> Result<String, String> {
        let mut child = Command::new(&self.ty)
            .arg("check")
            .arg("--python")
            .arg(&self.interpreter)
            .args(["--python-version", env!("PYFN_MACRO_PYTHON")])
            .args(["--python-platform", PLATFORM])
            .args(["--output-format", "concise", "--color", "never"])
            .args(["--no-progress", "--exit-zero"])
            .args(names)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot run `{}`: {err}", self.ty.display()))?;
        // Read on threads of their own, so that a full pipe never stalls ty.
        let read = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                String::from_utf8_lossy(&bytes).into_owned()
            })
        };
        let stdout = read(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = read(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let status = match child.wait_timeout(self.timeout) {
            Ok(Some(status)) => status,
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                // The readers end when the pipes close; not waited for (a
                // child of ty's could hold them).
                return Err(self.too_slow());
            }
            Err(err) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("cannot wait for `{}`: {err}", self.ty.display()));
            }
        };
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        if !status.success() {
            return Err(format!(
                "the type checker `{}` failed: {}",
                self.ty.display(),
                stderr.trim()
            ));
        }
        Ok(stdout)
    }
}

/// The text ty reads for `text`: `typing` imported after the user's code,
/// so that no line moves.
fn checked_text(text: &str) -> String {
    let mut checked = text.to_owned();
    if !checked.ends_with('\n') {
        checked.push('\n');
    }
    checked.push_str(&format!("import typing as {TYPING}\n"));
    checked
}

/// The limit `PYFN_TYPECHECK_TIMEOUT` sets (seconds, more than 0), or
/// [`DEFAULT_TIMEOUT`] when unset.
fn timeout(setting: Option<&str>) -> Result<Duration, String> {
    let Some(setting) = setting.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(DEFAULT_TIMEOUT);
    };
    setting
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs > 0.0 && *secs < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!(
                "`PYFN_TYPECHECK_TIMEOUT` is `{setting}`: it must be a number of seconds greater than 0 (the type checker's limit per check; unset, {} s)",
                DEFAULT_TIMEOUT.as_secs()
            )
        })
}

/// Whether pyfn's own checks decide what `diagnostic` is about, better than
/// the checker: modules (pyfn asks the build interpreter, where ty reads
/// typeshed's stubs, which lack `test`, `_testcapi` and other systems'
/// modules; `#[py(allow_missing_imports)]` applies); and whether a function
/// can end without returning a value (pyfn reports a function none of whose
/// paths returns one; ty's `invalid-implicit-return` also flags a chain of
/// `if`s it cannot see is exhaustive, as in CPython's own
/// `colorsys.hsv_to_rgb`, valid code).
pub fn superseded(diagnostic: &Diagnostic) -> bool {
    matches!(
        diagnostic.rule.as_str(),
        "unresolved-import" | "import-not-found" | "invalid-implicit-return"
    ) || rebinds_def_or_class(diagnostic)
        || gradually_assignable(diagnostic)
}

/// The expected and the found type of a claim that a value is not
/// assignable where it goes: an argument (`Argument to … is incorrect:
/// Expected `E`, found `F``), a result (`… expected `E`, found `F``) or an
/// assignment (`Object of type `F` is not assignable to `E``).
fn mismatch(diagnostic: &Diagnostic) -> Option<(&str, &str)> {
    let message = diagnostic.message.as_str();
    match diagnostic.rule.as_str() {
        "invalid-argument-type" => {
            let (_, rest) = message.split_once(" is incorrect: Expected `")?;
            let (expected, found) = rest.split_once("`, found `")?;
            Some((expected, found.strip_suffix('`')?))
        }
        "invalid-return-type" | "invalid-explicit-return" => {
            let (_, rest) = message.split_once("expected `")?;
            let (expected, found) = rest.split_once("`, found `")?;
            Some((expected, found.strip_suffix('`')?))
        }
        "invalid-assignment" => {
            let rest = message.strip_prefix("Object of type `")?;
            let (found, expected) = rest.split_once("` is not assignable to `")?;
            Some((expected.strip_suffix('`')?, found))
        }
        _ => None,
    }
}

/// Whether `diagnostic` claims a value is not assignable to a type that,
/// where the two differ, is gradual (`Unknown | str` for a found
/// `(Unknown & ~P) | str`, as ty 1.0 infers a list's items from the very
/// `append` it then rejects, in `tkinter.ttk._list_from_statespec`): by
/// the checker's own rules, `Unknown` (or `Any`) may be any type, so
/// anything is assignable to a union with it. Compared: the unions'
/// members, and the items of tuples (whose items are covariant); any other
/// difference keeps the claim.
fn gradually_assignable(diagnostic: &Diagnostic) -> bool {
    mismatch(diagnostic)
        .is_some_and(|(expected, found)| expected != found && type_accepts(expected, found, 0))
}

/// `found` assignable to `expected` (both as ty writes types), judged by
/// the gradual members of `expected` only: see [`gradually_assignable`].
fn type_accepts(expected: &str, found: &str, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let expected_members = union_members(expected);
    if expected_members
        .iter()
        .any(|member| matches!(*member, "Unknown" | "Any"))
    {
        return true;
    }
    union_members(found).iter().all(|found| {
        expected_members.iter().any(|expected| {
            if expected == found {
                return true;
            }
            let (Some(expected), Some(found)) = (tuple_items(expected), tuple_items(found)) else {
                return false;
            };
            expected.len() == found.len()
                && expected.iter().zip(&found).all(|(e, f)| {
                    match (e.strip_prefix('*'), f.strip_prefix('*')) {
                        (Some(e), Some(f)) => type_accepts(e, f, depth + 1),
                        (None, None) => type_accepts(e, f, depth + 1),
                        _ => false,
                    }
                })
        })
    })
}

/// The items of a tuple type `tuple[A, B]` (an unpacked `*tuple[C, ...]`
/// is one item), or None for another type.
fn tuple_items(ty: &str) -> Option<Vec<&str>> {
    let items = ty.strip_prefix("tuple[")?.strip_suffix(']')?;
    Some(split_top(items, ','))
}

/// The members of a union type as ty writes it (`A | B[C | D] | None`:
/// `A`, `B[C | D]`, `None`), one member for another type; a member in
/// parentheses (`(Unknown & P)`, `(() -> int)`) without them.
fn union_members(ty: &str) -> Vec<&str> {
    split_top(ty, '|')
        .into_iter()
        .map(|member| {
            member
                .strip_prefix('(')
                .and_then(|inner| inner.strip_suffix(')'))
                // `(x: int) -> (str | None)` is no member in parentheses.
                .filter(|inner| {
                    let mut depth = 0i32;
                    inner.chars().all(|c| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth >= 0
                    })
                })
                .unwrap_or(member)
        })
        .collect()
}

/// `text` split at each `separator` outside brackets, parentheses, angle
/// brackets and quotes, each part trimmed.
fn split_top(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(' | '<' | '{') => depth += 1,
            (None, ']' | ')' | '>' | '}') if !text[..at].ends_with('-') => depth -= 1,
            (None, c) if c == separator && depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The builtin type of a literal type as ty writes it: `str` for
/// `Literal["1.0"]` or `LiteralString`, `int` for `Literal[3]`, `bytes`,
/// `bool`; None for another type (or a literal of several values).
fn literal_base(ty: &str) -> Option<&'static str> {
    if ty == "LiteralString" {
        return Some("str");
    }
    let value = ty.strip_prefix("Literal[")?.strip_suffix(']')?;
    if split_top(value, ',').len() != 1 {
        return None;
    }
    if value.starts_with('"') || value.starts_with('\'') {
        Some("str")
    } else if value.starts_with("b\"") || value.starts_with("b'") {
        Some("bytes")
    } else if value == "True" || value == "False" {
        Some("bool")
    } else if value.parse::<i128>().is_ok() {
        Some("int")
    } else {
        None
    }
}

/// The checker's claim that a value may be None where None does not do,
/// as `(part, member)` for [`python::Owner::NoneValue`]: which part of the
/// node at the claim's position is the value (`attribute` and the member
/// read, `subscript`, `call`, `value`, `left`, `right`, `operand`). Only
/// where the message says None is what fails: the member or operation of
/// `None` itself (ty words each member of a union that fails apart:
/// `Attribute `x` is not defined on `None` in union …`, `Object of type
/// `None` is not callable`), or a union of one type and None whose other
/// member passes (`Object of type `list[int] | None` may not be
/// iterable`, an argument `str | None` where `str` is expected, an
/// operator between `str | None` and `str`, which `analyze.py` tries on
/// values of the types).
fn none_claim(diagnostic: &Diagnostic) -> Option<(&'static str, String)> {
    let message = diagnostic.message.as_str();
    // `A | None | B`: A and B, the members other than None.
    let besides_none = |ty: &str| -> Option<Vec<String>> {
        let members = union_members(ty);
        let rest: Vec<String> = members
            .iter()
            .filter(|member| **member != "None")
            .map(|member| (*member).to_owned())
            .collect();
        (members.contains(&"None") && !rest.is_empty()).then_some(rest)
    };
    // `T | None`: T alone besides None.
    let or_none = |ty: &str| besides_none(ty).filter(|rest| rest.len() == 1);
    let claim = |part: &'static str| Some((part, String::new()));
    match diagnostic.rule.as_str() {
        "missing-union-attribute" => {
            let rest = message.strip_prefix("Attribute `")?;
            let (member, rest) = rest.split_once("` is not defined on `None` in union `")?;
            rest.ends_with('`')
                .then(|| ("attribute", member.to_owned()))
        }
        "not-subscriptable" if message.starts_with("Cannot subscript object of type `None` ") => {
            claim("subscript")
        }
        "invalid-assignment"
            if message.starts_with("Cannot assign to a subscript on an object of type `None`") =>
        {
            claim("subscript")
        }
        // `self._interp.line = 1` on a `None | Unknown`: only None can
        // refuse it.
        "invalid-assignment" if message.contains("` is not assignable to attribute `") => {
            let (_, rest) = message.split_once("` is not assignable to attribute `")?;
            let (member, owner) = rest.split_once("` on type `")?;
            let owner = owner.strip_suffix('`')?;
            let members = union_members(owner);
            (members.contains(&"None")
                && members
                    .iter()
                    .all(|m| matches!(*m, "None" | "Unknown" | "Any")))
            .then(|| ("attribute", member.to_owned()))
        }
        "not-callable" if message == "Object of type `None` is not callable" => claim("call"),
        "missing-attribute" => {
            let member = message
                .strip_prefix("Object of type `None` has no attribute `")?
                .strip_suffix('`')?;
            Some(("attribute", member.to_owned()))
        }
        "not-iterable" => {
            let ty = message.strip_prefix("Object of type `")?;
            if ty == "None` is not iterable" {
                return claim("value");
            }
            or_none(ty.strip_suffix("` may not be iterable")?)?;
            claim("value")
        }
        "invalid-context-manager" => {
            let rest = message.strip_prefix("Object of type `")?;
            let (ty, why) = rest.split_once("` cannot be used with `with` because ")?;
            or_none(ty)?;
            why.ends_with("are possibly missing")
                .then_some(("value", String::new()))
        }
        "unsupported-operator" => {
            if let Some(rest) = message.strip_prefix("Unary operator `") {
                let (_, ty) = rest.split_once("` is not supported for object of type `")?;
                return (ty == "None`").then_some(("operand", String::new()));
            }
            let rest = message.strip_prefix("Operator `")?;
            let (operator, types) =
                rest.split_once("` is not supported between objects of type `")?;
            let (left, right) = types.strip_suffix('`')?.split_once("` and `")?;
            match (left, right) {
                ("None", "None") => None,
                ("None", _) => claim("left"),
                (_, "None") => claim("right"),
                // `str | None` and `str`: the member is the operation each
                // other member of the union must pass (`analyze.py` tries
                // it), and the other side.
                _ => match (besides_none(left), besides_none(right)) {
                    (Some(rest), None) => Some((
                        "left",
                        format!("{operator}\u{1f}{}\u{1f}{right}", rest.join("\u{1e}")),
                    )),
                    (None, Some(rest)) => Some((
                        "right",
                        format!("{operator}\u{1f}{left}\u{1f}{}", rest.join("\u{1e}")),
                    )),
                    _ => None,
                },
            }
        }
        _ => {
            let (expected, found) = mismatch(diagnostic)?;
            let rest = besides_none(found)?;
            let expected = union_members(expected);
            let passes = |member: &String| {
                expected.contains(&member.as_str())
                    || matches!(member.as_str(), "Unknown" | "Any")
                    || literal_base(member).is_some_and(|base| expected.contains(&base))
            };
            (!expected.contains(&"None") && rest.iter().all(passes))
                .then_some(("value", String::new()))
        }
    }
}

/// Whether `diagnostic` objects to a name bound by `def` or `class` being
/// bound again (`helper = functools.lru_cache(helper)`, `m =
/// classmethod(m)`, a module's pure-Python `def`s replaced by its C
/// accelerator's, `from _heapq import *`): ty takes a `def` or `class` for
/// a declaration of the name's type, and an assignment or import of
/// anything else to the name for an error. In Python they are bindings like
/// any other; only an annotation declares a type. The message names the
/// target's type as the checker writes a function's or class's own:
/// `Object of type `…` is not assignable to `def helper(x) -> …`` or
/// `` … to `<class 'C'>` ``; an annotated target's type reads otherwise
/// (`int`, `type[C]`, `(x) -> int`), and stays reported.
fn rebinds_def_or_class(diagnostic: &Diagnostic) -> bool {
    diagnostic.rule == "invalid-assignment"
        && diagnostic.message.starts_with("Object of type `")
        && diagnostic
            .message
            .rsplit_once(" is not assignable to `")
            .is_some_and(|(_, target)| target.starts_with("def ") || target.starts_with("<class '"))
}

/// The checker's claim that a module, class or function lacks a member,
/// from its message: `Module `json` has no member `dumsp``, `Class `float`
/// has no attribute `x``, `Object of type `CCompiler` has no attribute
/// `x``, `Function `f` has no attribute `x``, and, setting one,
/// `Unresolved attribute `x` on type `<class 'C'>`.` or `… on type `def
/// f() -> …``; or that a name is not defined (`Name `x` used when not
/// defined`: the member `x` of no owner).
pub fn member_claim(diagnostic: &Diagnostic) -> Option<(python::Owner, String, String)> {
    use python::Owner;
    let message = diagnostic.message.as_str();
    let plain = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    if diagnostic.rule == "invalid-argument-type" {
        // `Argument to function `C.f` is incorrect: Expected `C`, found …`,
        // or for a generic class, `… does not satisfy upper bound `C[T@C]`
        // of type variable `Self``.
        let rest = message.strip_prefix("Argument to function `")?;
        let (function, rest) = rest.split_once("` is incorrect: ")?;
        let (class, member) = function.rsplit_once('.')?;
        let expected = rest
            .strip_prefix("Expected `")
            .and_then(|rest| rest.split_once("`, found ").map(|(expected, _)| expected))
            .or_else(|| {
                rest.split_once("does not satisfy upper bound `")?
                    .1
                    .strip_suffix("` of type variable `Self`")
            })?;
        let expected = expected.split('[').next().unwrap_or_default();
        return (plain(class) && plain(member) && !member.contains('.') && expected == class)
            .then(|| (Owner::SelfArgument, class.to_owned(), member.to_owned()));
    }
    if diagnostic.rule == "unresolved-reference" {
        let name = message
            .strip_prefix("Name `")?
            .strip_suffix("` used when not defined")?;
        return (plain(name) && !name.contains('.'))
            .then(|| (Owner::Name, String::new(), name.to_owned()));
    }
    if !matches!(
        diagnostic.rule.as_str(),
        "missing-attribute" | "missing-module-member"
    ) {
        return None;
    }
    let (kind, name, member) = if let Some(rest) = message.strip_prefix("Unresolved attribute `") {
        let (member, owner) = rest.split_once("` on type `")?;
        let owner = owner.strip_suffix('.').unwrap_or(owner).strip_suffix('`')?;
        if let Some(class) = owner.strip_prefix("<class '") {
            (Owner::SetClass, class.strip_suffix("'>")?, member)
        } else {
            let function = owner.strip_prefix("def ")?;
            (Owner::SetFunction, function.split('(').next()?, member)
        }
    } else {
        let (kind, rest, between) = if let Some(rest) = message.strip_prefix("Module `") {
            (Owner::Module, rest, "` has no member `")
        } else if let Some(rest) = message.strip_prefix("Class `") {
            (Owner::Class, rest, "` has no attribute `")
        } else if let Some(rest) = message.strip_prefix("Object of type `") {
            (Owner::Instance, rest, "` has no attribute `")
        } else if let Some(rest) = message.strip_prefix("Function `") {
            (Owner::Function, rest, "` has no attribute `")
        } else {
            return None;
        };
        let (name, member) = rest.split_once(between)?;
        if kind == Owner::Instance && name == "None" {
            // `None` has no members to read: a claim of `none_claim`'s.
            return None;
        }
        // A generic class's arguments (`list[int]`) are not its name.
        let name = name.split('[').next().unwrap_or_default();
        (kind, name, member.strip_suffix('`')?)
    };
    (plain(name) && plain(member)).then(|| (kind, name.to_owned(), member.to_owned()))
}

/// `found` without the checker's claims that a module, class or function
/// lacks a member where that is no mistake ([`python::has_members`]): the
/// real module or class has it (typeshed's stubs lack some:
/// `float.__getformat__`, `distutils.archive_util.ARCHIVE_FORMATS`; read
/// from its source without running it, or from one of CPython's own C
/// modules), a class or function of Python source is given it
/// (`timedelta.min = …` after the class), or its import is optional (`try:
/// from m import x` / `except ImportError:`, as pyfn's own import check
/// reads it). Where that cannot be known (a module with no Python source,
/// or one that binds its globals at run time), a private module member
/// (`_name`, which stubs do not list) is not reported either; anything else
/// is. Likewise the claims that a name is not defined, where pyfn's own
/// undefined-name check leaves its read alone as not certain to fail (a
/// module binding globals at run time, `globals().update(…)`; a read
/// tested by `except NameError`; code this Python never runs): which
/// names exist is pyfn's check, as which modules do. A member the class
/// lacks and a subclass in its package has, on a value a library made. And
/// the claims that a value may be None where None does not do
/// ([`none_claim`]) where the None is no declaration of `text`'s (a
/// library's `Optional`, `x = None` before a loop that sets it): only a
/// `None` the source declares (`Option<T>`, `T | None`) is reported.
pub fn without_refuted(text: &str, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let claims: Vec<(usize, (python::Owner, String, String))> = found
        .iter()
        .enumerate()
        .filter_map(|(index, diagnostic)| {
            let claim = member_claim(diagnostic).or_else(|| {
                let (part, member) = none_claim(diagnostic)?;
                Some((python::Owner::NoneValue, part.to_owned(), member))
            })?;
            Some((index, claim))
        })
        .collect();
    let questions: Vec<_> = claims
        .iter()
        .map(|(index, (owner, name, member))| {
            (*owner, name.clone(), member.clone(), found[*index].start)
        })
        .collect();
    let answers = python::has_members(text, &questions);
    let refuted: Vec<usize> = claims
        .iter()
        .zip(&answers)
        .filter(|((_, (owner, _, member)), answer)| match answer {
            Some(has) => *has,
            None => *owner == python::Owner::Module && member.starts_with('_'),
        })
        .map(|((index, _), _)| *index)
        .collect();
    found
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !refuted.contains(index))
        .map(|(_, diagnostic)| diagnostic)
        .collect()
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

/// An error of the server's diagnostics (warnings and hints are not
/// reported, as with `ty check`), worded as `ty check` words it.
fn server_diagnostic(item: &serde_json::Value) -> Option<Diagnostic> {
    if item.get("severity")?.as_u64()? != 1 {
        return None;
    }
    let start = item.pointer("/range/start")?;
    Some(Diagnostic {
        start: Pos {
            line: usize::try_from(start.get("line")?.as_u64()?).ok()? + 1,
            col: usize::try_from(start.get("character")?.as_u64()?).ok()?,
        },
        rule: item.get("code")?.as_str()?.to_owned(),
        // Its first line, as `ty check --output-format concise` prints it
        // (the server adds the `info:` lines of the full output).
        message: item
            .get("message")?
            .as_str()?
            .lines()
            .next()?
            .trim()
            .to_owned(),
    })
}

/// Whether ty is installed next to the build interpreter (for the tests
/// that skip without it).
#[cfg(test)]
pub fn available() -> bool {
    python::build_interpreter().is_some_and(|interpreter| checker(&interpreter).is_some())
}

/// `ty`, in the environment of `interpreter` (its `bin` or `Scripts`).
fn checker(interpreter: &Path) -> Option<PathBuf> {
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
        if std::env::var_os("PYFN_TY").is_some() {
            eprintln!("skipped: PYFN_TY is set");
            return;
        }
        let problem = super::Checker::find(std::path::Path::new("/nonexistent/bin/python"))
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
    fn timeout_setting() {
        use std::time::Duration;
        assert_eq!(super::timeout(None), Ok(super::DEFAULT_TIMEOUT));
        assert_eq!(super::timeout(Some(" ")), Ok(super::DEFAULT_TIMEOUT));
        assert_eq!(super::timeout(Some("2.5")), Ok(Duration::from_millis(2500)));
        for bad in ["0", "-1", "soon", "inf", "NaN"] {
            let problem = super::timeout(Some(bad)).expect_err(bad);
            assert!(
                problem.contains("`PYFN_TYPECHECK_TIMEOUT` is") && problem.contains("60 s"),
                "{problem}"
            );
        }
    }

    /// A ty that never answers: the check ends after the limit, with an
    /// error that says so and how to change it.
    #[cfg(unix)]
    #[test]
    fn a_hung_checker_is_stopped_at_the_limit() {
        // The server is one per process: tests that use it take turns.
        let _serial = crate::tests::serial();
        use std::os::unix::fs::PermissionsExt;
        use std::time::{Duration, Instant};
        let dir = std::env::temp_dir().join(format!("pyfn-hung-ty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fake = dir.join("ty");
        std::fs::write(&fake, "#!/bin/sh\nexec sleep 30\n").expect("script");
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let checker = super::Checker {
            ty: fake.clone(),
            interpreter: "/usr/bin/python3".into(),
            timeout: Duration::from_millis(500),
        };
        // The warm server (it never answers `initialize`), and a `ty check`
        // process.
        for warm in [true, false] {
            let started = Instant::now();
            let problem = if warm {
                checker.check("x = 1\n")
            } else {
                checker.check_once("x = 1\n")
            }
            .expect_err("no answer");
            let took = started.elapsed();
            assert!(took < Duration::from_secs(10), "{took:?}");
            assert!(took >= Duration::from_millis(500), "{took:?}");
            assert!(
                problem.contains("did not answer within 0.5 s")
                    && problem.contains("PYFN_TYPECHECK_TIMEOUT"),
                "{problem}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A ty whose server does not start: the check falls back to a
    /// `ty check` process, and finds the same.
    #[cfg(unix)]
    #[test]
    fn without_the_server_a_process_checks() {
        // The server is one per process: tests that use it take turns.
        let _serial = crate::tests::serial();
        use std::os::unix::fs::PermissionsExt;
        let Some(interpreter) = crate::python::build_interpreter() else {
            return;
        };
        if std::env::var_os("PYFN_TYPECHECK_SERVER").is_some() {
            eprintln!("skipped: PYFN_TYPECHECK_SERVER is set");
            return;
        }
        let Some(ty) = super::checker(&interpreter) else {
            eprintln!("skipped: ty is not installed next to the build interpreter");
            return;
        };
        let dir = std::env::temp_dir().join(format!("pyfn-no-server-ty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fake = dir.join("ty");
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\nif [ \"$1\" = server ]; then exit 3; fi\nexec '{}' \"$@\"\n",
                ty.display()
            ),
        )
        .expect("script");
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let checker = super::Checker {
            ty: fake,
            interpreter,
            timeout: super::DEFAULT_TIMEOUT,
        };
        let found = checker.check("def f(s: \"str\") -> \"int\":\n    return s.uper()\n");
        let _ = std::fs::remove_dir_all(&dir);
        let found: Vec<_> = found
            .expect("ty check runs")
            .iter()
            .map(|found| (found.start.line, found.start.col, found.rule.clone()))
            .collect();
        assert_eq!(found, [(2, 11, "missing-attribute".to_owned())]);
    }

    /// The turn of a test that runs ty (the server is one per process:
    /// such tests take turns), or `None`, saying so, when ty is not
    /// installed next to the build interpreter.
    fn ty_turn() -> Option<std::sync::MutexGuard<'static, ()>> {
        let turn = crate::tests::serial();
        if super::available() {
            Some(turn)
        } else {
            eprintln!("skipped: ty is not installed next to the build interpreter");
            None
        }
    }

    #[test]
    fn finds_errors_at_their_positions() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        let found =
            super::check("def f(s: \"str\") -> \"int\":\n    return s.uper()\n").expect("ty runs");
        let found: Vec<_> = found
            .iter()
            .map(|found| (found.start.line, found.start.col, found.rule.as_str()))
            .collect();
        assert_eq!(found, [(2, 11, "missing-attribute")]);
    }

    #[test]
    fn rebinding_a_def_or_class_is_not_reported() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        // Bindings Python allows and ty calls invalid assignments (lines 4,
        // 8, 11, 14 and 16), and annotated names given another type, which
        // stay reported (lines 18 and 20).
        let text = "import functools\n\
                    def helper(x):\n    return x\n\
                    helper = functools.lru_cache(helper)\n\
                    class C:\n    def m(cls):\n        return 1\n\
                    \x20   m = classmethod(m)\n\
                    \x20   def p(self):\n        return 2\n\
                    \x20   p = property(p)\n\
                    def heappush(heap, item):\n    heap.append(item)\n\
                    from _heapq import heappush\n\
                    class _Null: pass\n\
                    _Null = _Null()\n\
                    count: int = 0\n\
                    count = 'many'\n\
                    kind: type[C] = C\n\
                    kind = 3\n";
        let found = super::check(text).expect("ty runs");
        let lines = |found: &[&super::Diagnostic]| {
            found
                .iter()
                .map(|found| (found.start.line, found.rule.clone()))
                .collect::<Vec<_>>()
        };
        let all: Vec<&super::Diagnostic> = found.iter().collect();
        let invalid = |line| (line, "invalid-assignment".to_owned());
        assert_eq!(
            lines(&all),
            [4, 8, 11, 14, 16, 18, 20].map(invalid),
            "what ty says of the text: {found:#?}"
        );
        let kept: Vec<&super::Diagnostic> =
            found.iter().filter(|f| !super::superseded(f)).collect();
        assert_eq!(lines(&kept), [18, 20].map(invalid));
    }

    /// `(line, rule)` of each of ty's findings.
    type Lines = Vec<(usize, String)>;

    /// ty on the text of `lines`: `(line, rule)` of what it finds, and of
    /// what is left to report.
    fn found_and_kept(lines: &[&str]) -> (Lines, Lines) {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        let text = text.as_str();
        let found = super::check(text).expect("ty runs");
        let lines = |found: &[super::Diagnostic]| {
            found
                .iter()
                .map(|found| (found.start.line, found.rule.clone()))
                .collect::<Vec<_>>()
        };
        let all = lines(&found);
        let kept: Vec<_> = found
            .into_iter()
            .filter(|found| !super::superseded(found))
            .collect();
        (all, lines(&super::without_refuted(text, kept)))
    }

    /// A value that may be None used where None does not do: reported
    /// where the None is declared in the checked source (an `Option<T>` of
    /// the Rust signature, an annotation), not where it comes from a
    /// library's type or a literal the code replaces.
    #[test]
    fn only_declared_nones_are_reported() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        let text = [
            "import os, subprocess, re",
            "from typing import Optional",
            "def undeclared(cmd: str, text: str, n: int):",
            "    proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE)",
            "    with proc.stdin as pipe:",
            "        pipe.write(text.encode())",
            "    def f():",
            "        return n",
            "    cell = f.__closure__[0]",
            "    header = None",
            "    for line in text.splitlines():",
            "        header = line",
            "    calls = [None] * n",
            "    calls[n - 1] = print",
            "    calls[n - 1]()",
            "    home = os.environ.get('HOME') + '/bin'",
            "    version = None",
            "    if n:",
            "        version = os.environ.get('V', '1')",
            "    open(file=version)",
            "    wrong = os.environ.get('HOME') + 1",
            "    tok = None",
            "    if n:",
            "        tok = __import__('json').loads(text)",
            "    if n > 1:",
            "        tok = 'x'",
            "    print(tok + '!')",
            "    return header.strip(), re.match('a', text).group(0), cell",
            "class Point:",
            "    label: str | None = None",
            "def find(xs: list[int], x: int) -> int | None:",
            "    return xs.index(x) if x in xs else None",
            "def declared(n: int | None, names: Optional[list[str]], p: Point, xs: list[int], d: dict[str, int | None], e: dict[str, int]) -> int:",
            "    for k, v in d.items():",
            "        v + 1",
            "    e.get('k') + 1",
            "    m = n",
            "    for name in names:",
            "        pass",
            "    p.label.upper()",
            "    names[0]",
            "    a = m + 1",
            "    b = -n",
            "    c = find(xs, 2) + 1",
            "    never = None",
            "    never += 1",
            "    return 0",
            "_cache = None",
            "def load() -> int:",
            "    global _cache",
            "    _cache = len('abc')",
            "    return 0",
            "def lazy(n: int) -> int:",
            "    later = None",
            "    def fill():",
            "        nonlocal later",
            "        later = n",
            "    fill()",
            "    return _cache.bit_length() + later.bit_length()",
            "hook = None",
            "def run() -> None:",
            "    hook()",
            "class Lexer:",
            "    def __init__(self) -> None:",
            "        self.interp = None",
            "    def seek(self, line: int) -> None:",
            "        self.interp.line = line",
            "def local() -> None:",
            "    nothing = None",
            "    nothing.strip()",
            "    hook.strip()",
        ];
        let (all, kept) = found_and_kept(&text);
        let at = |line: usize, rule: &str| (line, rule.to_owned());
        assert_eq!(
            all,
            [
                at(5, "invalid-context-manager"),
                at(9, "not-subscriptable"),
                at(15, "not-callable"),
                at(16, "unsupported-operator"),
                at(20, "invalid-argument-type"),
                at(21, "unsupported-operator"),
                at(27, "unsupported-operator"),
                at(28, "missing-union-attribute"),
                at(28, "missing-union-attribute"),
                at(35, "unsupported-operator"),
                at(36, "unsupported-operator"),
                at(38, "not-iterable"),
                at(40, "missing-union-attribute"),
                at(41, "not-subscriptable"),
                at(42, "unsupported-operator"),
                at(43, "unsupported-operator"),
                at(44, "unsupported-operator"),
                at(46, "unsupported-operator"),
                at(59, "missing-union-attribute"),
                at(59, "missing-union-attribute"),
                at(62, "not-callable"),
                at(67, "invalid-assignment"),
                at(70, "missing-attribute"),
                at(71, "missing-attribute"),
            ],
            "what ty says of the text"
        );
        assert_eq!(
            kept,
            [
                at(21, "unsupported-operator"),
                at(35, "unsupported-operator"),
                at(38, "not-iterable"),
                at(40, "missing-union-attribute"),
                at(41, "not-subscriptable"),
                at(42, "unsupported-operator"),
                at(43, "unsupported-operator"),
                at(44, "unsupported-operator"),
                at(46, "unsupported-operator"),
                at(70, "missing-attribute"),
            ]
        );
    }

    /// A member the declared class lacks and a subclass in its package has:
    /// not reported on an object a library's factory made (which may be of
    /// the subclass), reported on one whose class the source declares, and
    /// for a member no subclass has.
    #[test]
    fn subclass_members_of_what_a_library_makes_are_not_reported() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        if !crate::python::with_python(|py| py.import("distutils.ccompiler").is_ok()) {
            eprintln!("skipped: this CPython has no distutils");
            return;
        }
        let text = [
            "from distutils import ccompiler",
            "def made():",
            "    compiler = ccompiler.new_compiler()",
            "    compiler.initialize()",
            "    compiler.initialise()",
            "def declared(compiler: ccompiler.CCompiler):",
            "    compiler.initialize()",
        ];
        let (all, kept) = found_and_kept(&text);
        let missing = |line| (line, "missing-attribute".to_owned());
        assert_eq!(all, [4, 5, 7].map(missing), "what ty says of the text");
        assert_eq!(kept, [5, 7].map(missing));
    }

    /// Which messages say None is what fails.
    #[test]
    fn none_claims_read_from_messages() {
        let claim = |rule: &str, message: &str| super::none_claim(&error(rule, message));
        let part = |part: &'static str| Some((part, String::new()));
        assert_eq!(
            claim(
                "missing-union-attribute",
                "Attribute `upper` is not defined on `None` in union `str | None`"
            ),
            Some(("attribute", "upper".to_owned()))
        );
        // Not None's doing alone: `int` lacks it too.
        assert_eq!(
            claim(
                "missing-union-attribute",
                "Attribute `upper` is not defined on `int`, `None` in union `int | str | None`"
            ),
            None
        );
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to bound method `_ActionsContainer.add_argument` is incorrect: Expected `str`, found `None | Literal[\"1.14.0\"]`"
            ),
            part("value")
        );
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to function `f` is incorrect: Expected `int | None`, found `str | None`"
            ),
            None
        );
        // What is not None is not known: it may be anything.
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to function `len` is incorrect: Expected `Sized`, found `Unknown | None`"
            ),
            part("value")
        );
        assert_eq!(
            claim(
                "invalid-assignment",
                "Object of type `int` is not assignable to attribute `line` on type `None | Unknown`"
            ),
            Some(("attribute", "line".to_owned()))
        );
        assert_eq!(
            claim(
                "invalid-assignment",
                "Object of type `int` is not assignable to attribute `x` on type `None | ParserRuleContext | Unknown`"
            ),
            None
        );
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to function `len` is incorrect: Expected `Sized`, found `str | None`"
            ),
            None
        );
        assert_eq!(
            claim(
                "not-iterable",
                "Object of type `list[int] | None` may not be iterable"
            ),
            part("value")
        );
        assert_eq!(
            claim(
                "not-iterable",
                "Object of type `list[int] | int | None` may not be iterable"
            ),
            None
        );
        assert_eq!(
            claim(
                "invalid-context-manager",
                "Object of type `IO[Unknown] | None` cannot be used with `async with` because it does not implement `__aenter__` and `__aexit__`"
            ),
            None
        );
        assert_eq!(
            claim(
                "unsupported-operator",
                "Operator `+=` is not supported between objects of type `str` and `str | None`"
            ),
            Some(("right", "+=\u{1f}str\u{1f}str".to_owned()))
        );
        assert_eq!(
            claim(
                "unsupported-operator",
                "Operator `+` is not supported between objects of type `None | Unknown | str` and `str`"
            ),
            Some(("left", "+\u{1f}Unknown\u{1e}str\u{1f}str".to_owned()))
        );
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to function `f` is incorrect: Expected `str`, found `None | Unknown | Literal[\"a\"]`"
            ),
            part("value")
        );
        assert_eq!(
            claim(
                "invalid-argument-type",
                "Argument to function `f` is incorrect: Expected `str`, found `None | int | str`"
            ),
            None
        );
        assert_eq!(
            claim(
                "unsupported-operator",
                "Operator `+` is not supported between objects of type `int | None` and `str | None`"
            ),
            None
        );
        assert_eq!(
            claim(
                "not-callable",
                "Object of type `Iterator[int] | None` is not callable"
            ),
            None
        );
        assert_eq!(
            claim(
                "missing-attribute",
                "Object of type `None` has no attribute `intervals`"
            ),
            Some(("attribute", "intervals".to_owned()))
        );
    }

    /// A mismatch only where the expected type is gradual (`Unknown |
    /// str`) is none; other mismatches stay.
    #[test]
    fn gradual_types_accept_anything() {
        let dropped = |rule: &str, message: &str| super::superseded(&error(rule, message));
        // tkinter.ttk's `_list_from_statespec`, as ty 1.0 words it.
        assert!(dropped(
            "invalid-argument-type",
            "Argument to bound method `list.append` is incorrect: Expected `tuple[*tuple[Unknown | str, ...], Unknown | str]`, found `tuple[*tuple[Unknown | str, ...], (Unknown & ~<Protocol with members 'typename'>) | str]`"
        ));
        assert!(dropped(
            "invalid-assignment",
            "Object of type `int` is not assignable to `Unknown | str`"
        ));
        assert!(!dropped(
            "invalid-argument-type",
            "Argument to function `f` is incorrect: Expected `tuple[int, str]`, found `tuple[int, int]`"
        ));
        assert!(!dropped(
            "invalid-argument-type",
            "Argument to function `f` is incorrect: Expected `list[Unknown | str]`, found `list[int]`"
        ));
        assert!(!dropped(
            "invalid-explicit-return",
            "Return type does not match returned value: expected `str`, found `str | None`"
        ));
        assert_eq!(
            super::union_members(
                "(x: int) -> (str | None) | (Unknown & P) | list[int | str] | None"
            ),
            [
                "(x: int) -> (str | None)",
                "Unknown & P",
                "list[int | str]",
                "None"
            ]
        );
    }

    #[test]
    fn the_feature_leaves_fetched_dependencies_alone() {
        use std::path::PathBuf;
        let args = |text: &str| {
            text.split(' ')
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .into_iter()
        };
        let home = Some(PathBuf::from("/home/u/.cargo"));
        let own = Some(PathBuf::from("/home/u/work/app"));
        let registry = Some(PathBuf::from(
            "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/lib-0.1.0",
        ));
        let git = Some(PathBuf::from(
            "/home/u/.cargo/git/checkouts/lib-5f2a/0a1b2c3",
        ));
        let rustc = "rustc --crate-name app --edition=2021 src/main.rs";
        assert!(!super::fetched_dependency(
            args(rustc),
            own.clone(),
            home.clone()
        ));
        // How cargo compiles a registry or git dependency.
        let capped = format!("{rustc} --cap-lints allow");
        assert!(super::fetched_dependency(
            args(&capped),
            own.clone(),
            home.clone()
        ));
        let capped = format!("{rustc} --cap-lints=allow");
        assert!(super::fetched_dependency(
            args(&capped),
            own.clone(),
            home.clone()
        ));
        // Capped at `warn` is not `allow`.
        let warn = format!("{rustc} --cap-lints warn");
        assert!(!super::fetched_dependency(
            args(&warn),
            own.clone(),
            home.clone()
        ));
        // Uncapped (`cargo build -vv`; rust-analyzer), by where it is.
        assert!(super::fetched_dependency(
            args(rustc),
            registry,
            home.clone()
        ));
        assert!(super::fetched_dependency(args(rustc), git, home.clone()));
        assert!(!super::fetched_dependency(args(rustc), own, None));
    }

    #[test]
    fn errors_only_at_their_positions() {
        use serde_json::json;
        let item = |severity| {
            json!({"code": "missing-attribute", "message": "Object of type `str` has no attribute `uper`\n\ninfo: more",
                   "range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 17}},
                   "severity": severity})
        };
        let found = super::server_diagnostic(&item(1)).expect("an error");
        assert_eq!((found.start.line, found.start.col), (2, 11));
        assert_eq!(
            found.text(),
            "Object of type `str` has no attribute `uper` [ty: missing-attribute]"
        );
        assert!(super::server_diagnostic(&item(2)).is_none());
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
        let implicit = parse_line(
            "3:9: error[invalid-implicit-return] Function can implicitly return `None`, which is not assignable to return type `int`",
        )
        .expect("an error");
        assert!(super::superseded(&implicit));
        let public =
            parse_line("1:1: error[missing-module-member] Module `json` has no member `dumsp`")
                .expect("an error");
        assert!(!super::superseded(&public));
    }

    /// ty's error `rule` saying `message`, at 1:1.
    fn error(rule: &str, message: &str) -> super::Diagnostic {
        parse_line(&format!("1:1: error[{rule}] {message}")).expect("an error")
    }

    fn claim(message: &str) -> super::Diagnostic {
        error("missing-attribute", message)
    }

    #[test]
    fn member_claims_read_from_messages() {
        use crate::python::Owner;
        let claim_of = |message: &str| super::member_claim(&claim(message));
        assert_eq!(
            claim_of("Module `os.path` has no member `joinx`"),
            Some((Owner::Module, "os.path".to_owned(), "joinx".to_owned()))
        );
        assert_eq!(
            claim_of("Class `float` has no attribute `__getformat__`"),
            Some((Owner::Class, "float".to_owned(), "__getformat__".to_owned()))
        );
        assert_eq!(
            claim_of("Object of type `list[int]` has no attribute `push`"),
            Some((Owner::Instance, "list".to_owned(), "push".to_owned()))
        );
        assert_eq!(
            claim_of("Object of type `Literal[\"a\"]` has no attribute `uper`"),
            Some((Owner::Instance, "Literal".to_owned(), "uper".to_owned()))
        );
        assert_eq!(
            claim_of("Unresolved attribute `min` on type `<class 'timedelta'>`."),
            Some((Owner::SetClass, "timedelta".to_owned(), "min".to_owned()))
        );
        assert_eq!(
            claim_of(
                "Unresolved attribute `flag` on type `def rmtree(path, *, dir_fd=None) -> Unknown`"
            ),
            Some((Owner::SetFunction, "rmtree".to_owned(), "flag".to_owned()))
        );
        assert_eq!(
            claim_of("Object of type `int | str` has no attribute `x`"),
            None
        );
        assert_eq!(
            claim_of("Object of type `Self@f` has no attribute `x`"),
            None
        );
    }

    /// A member typeshed's stubs lack but the real module or class has is
    /// not reported; one the real one lacks is, whatever its stub says.
    #[test]
    fn names_pyfn_does_not_judge_are_not_reported() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        let reported = |text: &str| -> Vec<(usize, String)> {
            let found = super::check(text).expect("ty runs");
            super::without_refuted(text, found)
                .into_iter()
                .map(|found| (found.start.line, found.message))
                .collect()
        };
        let undefined = |line, name: &str| (line, format!("Name `{name}` used when not defined"));
        // Tested by `except NameError` (asyncore's `socket_map`), there and
        // in the rest of the scope (rich's `get_ipython`): not reported. A
        // local read before it is assigned, and a global read at the top
        // level before the line that binds it: reported.
        let tested = "try:\n    socket_map\nexcept NameError:\n    socket_map = {}\n\
                      def shell():\n    try:\n        get_ipython\n    except NameError:\n        return None\n    return get_ipython()\n\
                      def f():\n    print(total)\n    total = 1\n\
                      print(LATE)\nLATE = 1\n";
        assert_eq!(
            reported(tested),
            [undefined(12, "total"), undefined(14, "LATE")]
        );
        // Globals bound at run time (plistlib's `globals().update(…)`):
        // its globals are not reported; a local still is.
        let dynamic = "globals().update({'FMT_XML': 1})\n\
                       formats = {FMT_XML: 'xml'}\n\
                       def g():\n    return FMT_BINARY\n\
                       def f():\n    print(total)\n    total = 1\n";
        assert_eq!(reported(dynamic), [undefined(6, "total")]);
    }

    #[test]
    fn an_explicit_first_argument_is_not_held_to_self() {
        let Some(_serial) = ty_turn() else {
            return;
        };
        // Lines 8, 10 and 16 pass an unannotated first parameter
        // explicitly: ty's `Self` for it is no rule of Python's. Line 12
        // passes a wrong `other`, annotated `Fraction`: reported.
        let text = "from typing import Generic, TypeVar\nT = TypeVar('T')\n\
                    class Fraction:\n    def _fallbacks(op, fallback):\n        return op, fallback\n\
                    \x20   def _add(a, b):\n        return a\n\
                    \x20   __add__, __radd__ = _fallbacks(_add, None)\n\
                    \x20   def plus(self, other: 'Fraction'):\n        return Fraction._fallbacks(3, other)\n\
                    \x20   def sum(self, other: 'Fraction'):\n        return self.plus(3)\n\
                    class Box(Generic[T]):\n    def _make(op):\n        return op\n\
                    \x20   get = _make(len)\n";
        let found = super::check(text).expect("ty runs");
        let lines = |found: &[super::Diagnostic]| -> Vec<usize> {
            found.iter().map(|found| found.start.line).collect()
        };
        assert_eq!(lines(&found), [8, 10, 12, 16], "{found:#?}");
        let kept = super::without_refuted(text, found);
        assert_eq!(lines(&kept), [12], "{kept:#?}");
    }

    #[test]
    fn members_the_real_module_has_are_not_reported() {
        let _serial = crate::tests::serial();
        let text = "from distutils import ccompiler\nimport enum, json\n\
                    class Local:\n    pass\n\
                    Local.late = 1\n\
                    def helper():\n    def inner():\n        pass\n    inner.flag = 1\n\
                    helper.flag = True\n\
                    try:\n    from json import fast_dumps\nexcept ImportError:\n    fast_dumps = None\n\
                    async def _coro():\n    pass\n_coro = _coro()\n\
                    try:\n    from collections.abc import Sequence\n\
                    except ImportError:\n    from collections import Sequence\n\
                    import os as _os\nif _os.name == 'nt':\n    from _ctypes import _check_HRESULT\n";
        let messages = [
            ("Module `json` has no member `dumsp`", true),
            ("Module `json` has no member `_dumsp`", true),
            // `subprocess.py` defines it; the stub does not list it.
            (
                "Module `subprocess` has no member `_args_from_interpreter_flags`",
                false,
            ),
            ("Module `json` has no member `dumps`", false),
            ("Class `float` has no attribute `__getformat__`", false),
            ("Object of type `str` has no attribute `uper`", true),
            // Set in the class body, and on `self` in a method.
            (
                "Object of type `CCompiler` has no attribute `compiler_type`",
                false,
            ),
            (
                "Object of type `CCompiler` has no attribute `macros`",
                false,
            ),
            // Only its subclasses have them (`MSVCCompiler`).
            (
                "Object of type `CCompiler` has no attribute `initialize`",
                true,
            ),
            (
                "Object of type `CCompiler` has no attribute `executables`",
                true,
            ),
            // Set on the class, at the top level.
            ("Class `Local` has no attribute `late`", false),
            ("Class `Local` has no attribute `early`", true),
            // Setting an attribute on a class or function of Python
            // source works; on a builtin type it is a `TypeError`.
            (
                "Unresolved attribute `late` on type `<class 'Local'>`.",
                false,
            ),
            (
                "Unresolved attribute `flag` on type `def helper() -> Unknown`",
                false,
            ),
            ("Function `helper` has no attribute `flag`", false),
            ("Function `helper` has no attribute `flags`", true),
            // Bound to its coroutine (`_collections_abc`): ty reads the
            // name as the `def` still.
            ("Function `_coro` has no attribute `close`", false),
            // A nested function (`typing.NewType`'s `new_type`).
            (
                "Unresolved attribute `flag` on type `def inner() -> Unknown`",
                false,
            ),
            ("Unresolved attribute `y` on type `<class 'int'>`.", true),
            // On the class object, its metaclass's members count
            // (`EnumType._convert_`); on an object of it, not.
            ("Class `IntEnum` has no attribute `_convert_`", false),
            (
                "Object of type `IntEnum` has no attribute `_convert_`",
                true,
            ),
            ("Class `int` has no attribute `mro`", false),
            ("Object of type `int` has no attribute `mro`", true),
            // CPython's own C module `termios`, star-imported by `tty`.
            ("Module `tty` has no member `tcgetattr`", false),
            ("Module `termios` has no member `tcgetattrx`", true),
            // A C module of CPython's: what it has is all it has.
            ("Module `_socket` has no member `_nope`", true),
            ("Module `_socket` has no member `socket`", false),
            // A module whose members cannot be known (here: none is
            // found): a private member is not reported, a public one is.
            ("Module `pyfn_no_such_module` has no member `_nope`", false),
            ("Module `pyfn_no_such_module` has no member `nope`", true),
        ];
        let python_minor: u32 = env!("PYFN_MACRO_PYTHON")
            .split('.')
            .nth(1)
            .and_then(|minor| minor.parse().ok())
            .unwrap_or(0);
        for (message, reported) in messages {
            if message.contains("CCompiler") && python_minor >= 12 {
                // `distutils` left the standard library in 3.12.
                continue;
            }
            let kept = super::without_refuted(text, vec![claim(message)]);
            assert_eq!(kept.len() == 1, reported, "{message}");
        }
        // The same claim about an import on `line`: reported?
        let reported_at = |message: &str, line: usize| {
            let mut found = claim(message);
            found.start.line = line;
            super::without_refuted(text, vec![found]).len() == 1
        };
        // An optional import (`try:` on line 11, the import on line 12) is
        // no mistake; the same claim about line 1 is.
        let optional = "Module `json` has no member `fast_dumps`";
        assert!(!reported_at(optional, 12));
        assert!(reported_at(optional, 1));
        // A fallback (line 21, the handler's import, for where line 19's
        // fails: Python 2's `collections.Sequence`) is no mistake here.
        let fallback = "Module `collections` has no member `Sequence`";
        assert!(!reported_at(fallback, 21));
        assert!(reported_at(fallback, 1));
        // Another system's import (line 24, under `if _os.name == 'nt':`,
        // `ctypes`' own): the `_ctypes` read here is this system's.
        let windows = "Module `_ctypes` has no member `_check_HRESULT`";
        assert!(!reported_at(windows, 24));
        assert!(reported_at(windows, 1));
    }
}
