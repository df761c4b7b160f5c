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

/// The checksum of a code object's marshalled bytes: the macro computes it
/// when it embeds them, and the runtime unmarshals only bytes that still
/// have it. FNV-1a's step over 8-byte little-endian words (then the last
/// bytes one by one): cheap (under 0.1 ns a byte), and enough to catch
/// damaged bytes; it is no defence against bytes made to match, which
/// would have to be written into the program itself.
pub const fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut index = 0;
    while index + 8 <= bytes.len() {
        let word = u64::from_le_bytes([
            bytes[index],
            bytes[index + 1],
            bytes[index + 2],
            bytes[index + 3],
            bytes[index + 4],
            bytes[index + 5],
            bytes[index + 6],
            bytes[index + 7],
        ]);
        hash = (hash ^ word).wrapping_mul(PRIME);
        // Mix the high bits down, so that every byte reaches every bit.
        hash ^= hash >> 29;
        index += 8;
    }
    while index < bytes.len() {
        hash = (hash ^ bytes[index] as u64).wrapping_mul(PRIME);
        index += 1;
    }
    hash
}

/// The optimisation level (`compile(..., optimize=)`) of the code objects
/// the macro embeds. The runtime uses them only when its interpreter
/// compiles at this level (`sys.flags.optimize`); under `-O` or
/// `PYTHONOPTIMIZE` it compiles the source, as it always did.
pub const BYTECODE_OPTIMIZE: i32 = 0;

/// Python defining `compile_at_columns(source, file, first, columns,
/// optimize=-1)`: `source` compiled (`exec` mode, as `file`, no inherited
/// flags) with the columns of line `first + i` moved right by `columns[i]`
/// bytes (`ast.parse`, every node's `col_offset` / `end_col_offset`
/// shifted by its line's amount, then `compile` of the tree). A
/// `py_module!` inline source is dedented; its code gets the `.rs` file's
/// columns back this way, at build time (the embedded code) and at run time
/// (when that code cannot be used).
pub const COMPILE_AT_COLUMNS: &CStr = cr#"
import ast

def compile_at_columns(source, file, first, columns, optimize=-1):
    tree = ast.parse(source, file)
    last = first + len(columns)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is not None and first <= line < last and getattr(node, "col_offset", None) is not None:
            node.col_offset += columns[line - first]
        line = getattr(node, "end_lineno", None)
        if line is not None and first <= line < last and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset += columns[line - first]
    return compile(tree, file, "exec", dont_inherit=True, optimize=optimize)
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn checksum_sees_every_byte() {
        // Short inputs are FNV-1a (its published test vectors).
        assert_eq!(super::checksum(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::checksum(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::checksum(b"foobar"), 0x8594_4171_f739_67e8);
        // Any one bit changed, anywhere, changes the checksum.
        let bytes: Vec<u8> = (0..61_u8).map(|i| i.wrapping_mul(37)).collect();
        let reference = super::checksum(&bytes);
        for index in 0..bytes.len() {
            for bit in 0..8 {
                let mut changed = bytes.clone();
                changed[index] ^= 1 << bit;
                assert_ne!(
                    super::checksum(&changed),
                    reference,
                    "byte {index} bit {bit}"
                );
            }
        }
    }
}
