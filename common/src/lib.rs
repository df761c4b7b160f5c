//! What pyfn's macro crate (`pyfn-macros`) and its runtime (`pyfn`) must
//! agree on, defined once: the names the generated Python source uses, and
//! the Python both run to set up `sys.path` as the build interpreter (or the
//! active virtual environment's own `python`) would.
//!
//! Not meant to be used directly: it changes with pyfn, in lockstep.

use std::ffi::CStr;

/// The Python name of the function a closure's source defines around the
/// closure's own function ([`CLOSURE_NAME`]).
///
/// Its parameters are the closure's captured names, so that the inner
/// function's free variables are cells over them. The macro writes this
/// function; the runtime looks its code object up by this name in the
/// compiled module's `co_consts`, then the inner function's code object in
/// its constants, and builds the closure with cells of its own.
pub const CLOSURE_OUTER: &str = "_pyfn_outer";

/// The Python name of a closure's own function, the one the call runs,
/// defined inside [`CLOSURE_OUTER`].
pub const CLOSURE_NAME: &str = "_pyfn_closure";

/// Python that adds the `site-packages` of a virtual environment with
/// `site.addsitedir`, as that environment's own `python` would have them,
/// unless the running interpreter already is that environment's (its
/// `sys.prefix` is the environment).
///
/// Run it with [`exec`](https://docs.python.org/3/library/functions.html#exec)
/// (pyo3's `Python::run`) in a fresh dict whose global `venv` is the
/// environment's directory (the value of `VIRTUAL_ENV`, a `str`): it reads
/// no other global, and its own names (`os`, `site`, `sys`, `candidates`,
/// `path`, `venv` made real) land in that dict. Both the POSIX
/// (`lib/pythonX.Y/site-packages`) and the Windows (`Lib/site-packages`)
/// layouts are tried.
pub const VENV_ACTIVATE: &CStr = cr#"
import os, site, sys
venv = os.path.realpath(venv)
if os.path.realpath(sys.prefix) != venv:
    candidates = [
        os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"),
        os.path.join(venv, "Lib", "site-packages"),
    ]
    for path in candidates:
        if os.path.isdir(path) and path not in sys.path:
            site.addsitedir(path)
"#;

/// Python that does what CPython's `site` module does at startup, for an
/// interpreter started without it (`PyConfig.site_import = 0`): adds the
/// user's and the system's `site-packages` and what their `.pth` files
/// name, and, if a virtual environment is given, makes `sys.path` the one
/// that environment's own `python` has. It runs `site.main()` itself, with
/// `sys.executable` pointing into the environment (which is how `site`
/// finds its `pyvenv.cfg`), so `include-system-site-packages` and the user
/// site are honoured exactly as there.
///
/// Run it with `exec` in a fresh dict with these globals:
/// - `venv`: the environment's directory (`VIRTUAL_ENV`), a `str`, or
///   `None`;
/// - `run_code`: `True` to run what `site` runs (the `import` lines of
///   `.pth` files, `sitecustomize`, `usercustomize`), as a Python program
///   does; `False` to add the same directories without running any of it
///   (inside the compiler: builds stay hermetic and free of side effects).
///
/// After it, the dict's `skipped` is the number of `.pth` code lines not
/// run (0 when `run_code`).
pub const SITE: &CStr = cr##"
import os, site, sys
skipped = 0
if venv:
    venv = os.path.abspath(venv)
    if os.name == "nt":
        sys.executable = os.path.join(venv, "Scripts", "python.exe")
    else:
        sys.executable = os.path.join(venv, "bin", "python")

def _paths_only(sitedir, name, known_paths):
    """`site.addpackage`, except that lines of code are counted, not run."""
    global skipped
    fullname = os.path.join(sitedir, name)
    try:
        with open(fullname, "rb") as f:
            data = f.read()
    except OSError:
        return known_paths
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        import locale
        text = data.decode(locale.getpreferredencoding(False), "replace")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith(("import ", "import	")):
            skipped += 1
            continue
        path, case = site.makepath(sitedir, line.rstrip())
        if case not in known_paths and os.path.exists(path):
            sys.path.append(path)
            known_paths.add(case)
    return known_paths

_saved = site.addpackage, site.execsitecustomize, site.execusercustomize
if not run_code:
    site.addpackage = _paths_only
    site.execsitecustomize = site.execusercustomize = lambda: None
try:
    site.main()
finally:
    site.addpackage, site.execsitecustomize, site.execusercustomize = _saved
"##;

/// The running executable's path, as a program name for CPython.
pub fn current_program() -> Option<std::ffi::CString> {
    let exe = std::env::current_exe().ok()?;
    std::ffi::CString::new(exe.into_os_string().into_encoded_bytes()).ok()
}
