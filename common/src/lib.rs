//! What pyfn's macro crate (`pyfn-macros`) and its runtime (`pyfn`) must
//! agree on, defined once: the names the generated Python source uses, and
//! the Python both run to make an active virtual environment's packages
//! importable.
//!
//! Not meant to be used directly: it changes with pyfn, in lockstep.

#![no_std]

use core::ffi::CStr;

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
