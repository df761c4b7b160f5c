# Static analysis of one `py_fn!` function, run by CPython inside the
# compiler after the source compiled. It never executes user code: it reads
# the AST and the symbol table, and looks modules up with import machinery
# that does not import them.
#
# Inputs (globals set by the caller):
#   source       the exact source the runtime compiles
#   name         the function's name
#   return_kind  "unit", "object" (Py/Bound: anything goes), "value" (a type
#                that cannot hold None), or "other" (unknown: no check)
#   allow_missing_imports  skip the import check
#   known_globals  optional: more names the function's globals will hold
#   closure      optional: free names are captures, not errors
# Output: `diagnostics`, a list of dicts with `kind`, `message`, `help`
# (or None), and `line`, `col`, `end_line`, `end_col` (1-based lines,
# 0-based columns in characters; `line` None for "the signature").

import ast
import builtins
import difflib
import importlib.machinery
import importlib.util
import symtable
import sys

diagnostics = []
captures = []
_closure = globals().get("closure", False)
_lines = source.split("\n")


def _char_col(lineno, byte_col):
    line = _lines[lineno - 1].encode("utf-8")
    return len(line[:byte_col].decode("utf-8", errors="replace"))


def _report(kind, message, node=None, help=None, where=None):
    if where is None:
        where = {"line": None, "col": 0, "end_line": None, "end_col": 0}
    else:
        where = dict(where)
    if where["line"] is None and node is not None and getattr(node, "lineno", None) is not None:
        where = {
            "line": node.lineno,
            "col": _char_col(node.lineno, node.col_offset),
            "end_line": node.end_lineno,
            "end_col": _char_col(node.end_lineno, node.end_col_offset),
        }
    diagnostics.append(dict(kind=kind, message=message, help=help, **where))


def _own_nodes(nodes):
    """Walks `nodes` without entering nested functions, lambdas or classes:
    what runs in the function's own frame."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(ast.iter_child_nodes(node))):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                # Decorators, defaults and bases run here; bodies do not.
                for part in getattr(child, "decorator_list", []):
                    stack.append(part)
                if isinstance(child, ast.ClassDef):
                    stack.extend(child.bases)
                    stack.extend(k.value for k in child.keywords)
                else:
                    stack.extend(child.args.defaults)
                    stack.extend(d for d in child.args.kw_defaults if d is not None)
                continue
            stack.append(child)


_tree = ast.parse(source)
_function = next(
    node
    for node in _tree.body
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
)

# 1. Names read but defined nowhere: not a parameter, local, enclosing
#    local, builtin, the function itself, or a global some scope assigns.
_table = symtable.symtable(source, "<py_fn>", "exec")
_tables = []
_pending = [t for t in _table.get_children() if t.get_name() == name]
while _pending:
    _t = _pending.pop()
    _tables.append(_t)
    _pending.extend(_t.get_children())

_defined = set(dir(builtins)) | {name, "__builtins__", "__name__", "__file__"}
_defined |= set(globals().get("known_globals") or ())
_builtin_names = set(dir(builtins))
_candidates = {name}
for _t in _tables:
    for _symbol in _t.get_symbols():
        if _symbol.is_assigned() or _symbol.is_imported() or _symbol.is_parameter():
            _candidates.add(_symbol.get_name())
            if _symbol.is_declared_global():
                _defined.add(_symbol.get_name())

_undefined = []
for _t in _tables:
    for _symbol in _t.get_symbols():
        _n = _symbol.get_name()
        if _symbol.is_referenced() and _symbol.is_global() and _n not in _defined:
            if _n not in _undefined:
                _undefined.append(_n)

if _undefined:
    _first_use = {}
    for _node in ast.walk(_function):
        if isinstance(_node, ast.Name) and _node.id in _undefined:
            _key = (_node.lineno, _node.col_offset)
            if _node.id not in _first_use or _key < _first_use[_node.id][0]:
                _first_use[_node.id] = (_key, _node)
    for _n in _undefined:
        if _n == "__class__":
            # Implicit in `super()`: outside a class there is no such cell.
            _calls = [
                node for node in ast.walk(_function)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "super" and not node.args
            ]
            _report(
                "super",
                "`super()` without arguments works only in a method defined in a class body",
                _calls[0] if _calls else _first_use.get(_n, (None, None))[1],
                "pass the class and instance explicitly: `super(Class, self)`",
            )
            continue
        # Prefer the function's own names; a builtin must be closer.
        if _closure:
            # A closure captures the Rust variable of that name.
            _use = _first_use.get(_n, (None, None))[1]
            _where = {"name": _n, "line": None, "col": 0, "end_line": None, "end_col": 0}
            if _use is not None:
                _where.update(
                    line=_use.lineno,
                    col=_char_col(_use.lineno, _use.col_offset),
                    end_line=_use.end_lineno,
                    end_col=_char_col(_use.end_lineno, _use.end_col_offset),
                )
            captures.append(_where)
            continue
        _close = difflib.get_close_matches(
            _n, sorted(_candidates - _builtin_names - {_n}), n=1, cutoff=0.7
        ) or difflib.get_close_matches(_n, sorted(_builtin_names - {_n}), n=1, cutoff=0.8)
        _report(
            "undefined",
            "name `%s` is not defined in this Python function" % _n,
            _first_use.get(_n, (None, None))[1],
            "did you mean `%s`?" % _close[0] if _close else None,
        )

# 2. Imports that cannot resolve, found without importing anything.
_interpreter = "CPython %s (%s)" % (sys.version.split()[0], sys.prefix)


def _missing_module(dotted):
    """The first part of `dotted` that the import system cannot find, or
    None. Only regular packages are searched below the top level: a module
    may make up submodules when it runs, which we do not do."""
    parts = dotted.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return parts[0]
    for index in range(1, len(parts)):
        locations = spec.submodule_search_locations
        full = ".".join(parts[: index + 1])
        if locations is None or full in sys.modules:
            return None
        try:
            spec = importlib.machinery.PathFinder.find_spec(full, list(locations))
        except (ImportError, ValueError):
            return None
        if spec is None:
            return full
    return None


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_error(handler):
    kinds = handler.type
    if kinds is None:
        return True
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(
        (isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS)
        or (isinstance(n, ast.Attribute) and n.attr in _IMPORT_ERRORS)
        for n in names
    )


def _is_platform_test(test):
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            (node.value.id, node.attr) in (("sys", "platform"), ("os", "name"), ("sys", "version_info"))
        ):
            return True
        if isinstance(node, ast.Name) and node.id == "platform":
            return True
    return False


def _checked_imports(statements):
    """Imports that run unconditionally enough to check: not those guarded
    by `try: ... except ImportError` (optional imports) or by a platform or
    version test (imports for another system)."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            if any(_catches_import_error(h) for h in node.handlers):
                stack.extend(node.orelse + node.finalbody)
                for h in node.handlers:
                    stack.extend(h.body)
                continue
        if isinstance(node, (ast.If, ast.IfExp)) and _is_platform_test(node.test):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _name_range(statement, dotted):
    """Where the module name `dotted` is written in `statement` (found in
    the source text: `ast.alias` has no position before Python 3.10)."""
    for lineno in range(statement.lineno, statement.end_lineno + 1):
        text = _lines[lineno - 1]
        start = 0
        if lineno == statement.lineno:
            start = _char_col(lineno, statement.col_offset)
        found = text.find(dotted, start)
        while found >= 0:
            before = text[found - 1] if found else " "
            after = text[found + len(dotted)] if found + len(dotted) < len(text) else " "
            if not (before.isidentifier() or before.isdigit() or before == ".") and not (
                after.isidentifier() or after.isdigit()
            ):
                return {"line": lineno, "col": found, "end_line": lineno,
                        "end_col": found + len(dotted)}
            found = text.find(dotted, found + 1)
    return None


if not allow_missing_imports:
    for _node in _checked_imports(_function.body):
        if isinstance(_node, ast.ImportFrom) and _node.level:
            _report(
                "import",
                "relative import `%s%s` has no package to be relative to"
                % ("." * _node.level, _node.module or ""),
                _node,
                "a `py_fn!` function is not part of a Python package; import by absolute name",
            )
            continue
        if isinstance(_node, ast.Import):
            _modules = [alias.name for alias in _node.names]
        else:
            _modules = [_node.module]
        for _module in _modules:
            _missing = _missing_module(_module)
            if _missing is not None:
                _report(
                    "import",
                    "module `%s` not found by the build interpreter, %s" % (_missing, _interpreter),
                    _node,
                    "if it is installed only where the program runs, put "
                    "`#[py(allow_missing_imports)]` on the function",
                    _name_range(_node, _module),
                )

# 3. A generator function's body does not run when it is called.
_yields = [
    node for node in _own_nodes(_function.body) if isinstance(node, (ast.Yield, ast.YieldFrom))
]
if _yields and return_kind != "object":
    _report(
        "generator",
        "this body uses `yield`, so calling it only creates a generator object: "
        "the body does not run and the Rust return type cannot hold the generator",
        _yields[0],
        "declare the return type `pyfn::Iter<T>` to iterate over what it yields, "
        "or return a list instead (`return [ ... ]`)",
    )

# 4. No path returns a value, and the Rust type cannot hold `None`.


def _is_value_return(node):
    return (
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    )


def _never_completes_call(node):
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    func = node.value.func
    if isinstance(func, ast.Name):
        return func.id in ("exit", "quit")
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return (func.value.id, func.attr) in (("sys", "exit"), ("os", "_exit"), ("os", "abort"))
    return False


def _has_break(statements):
    for node in _own_nodes(statements):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and node not in statements:
            continue
        if isinstance(node, ast.Break):
            return True
    return False


def _loop_breaks(loop):
    """Whether a `break` belongs to `loop` (not to a loop nested in it)."""
    stack = list(loop.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef,
                             ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _completes(statements):
    """Whether running `statements` may reach their end (conservatively
    yes, unless it certainly cannot)."""
    for statement in statements:
        if isinstance(statement, (ast.Raise, ast.Return)):
            return False
        if isinstance(statement, ast.Assert) and isinstance(statement.test, ast.Constant) \
                and not statement.test.value:
            return False
        if _never_completes_call(statement):
            return False
        if isinstance(statement, ast.If) and not (
            _completes(statement.body) or _completes(statement.orelse)
        ):
            return False
        if isinstance(statement, ast.While) and isinstance(statement.test, ast.Constant) \
                and statement.test.value and not _loop_breaks(statement):
            return False
        if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            if statement.finalbody and not _completes(statement.finalbody):
                return False
            if not (
                (_completes(statement.body) and _completes(statement.orelse))
                or any(_completes(h.body) for h in statement.handlers)
            ):
                return False
    return True


if return_kind == "value" and not _yields:
    _own = list(_own_nodes(_function.body))
    _returns_value = any(_is_value_return(node) for node in _own)
    _bare = [node for node in _own if isinstance(node, ast.Return) and not _is_value_return(node)]
    if not _returns_value and (_bare or _completes(_function.body)):
        _report(
            "no_return",
            "this Python function never returns a value: every path "
            + ("ends with a bare `return` or " if _bare else "")
            + "falls off the end, so it returns `None`, which the Rust return type cannot hold",
            None,
            "add `return <value>`, or declare no return type (or `Option<T>`) if `None` is meant",
        )
