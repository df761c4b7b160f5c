# Static analysis of `py_fn!` functions and `py_module!` sources, run by
# CPython inside the compiler after the source compiled. It never executes
# user code: it reads the AST and the symbol table, and looks modules up
# with import machinery that does not import them.
#
# Inputs (globals set by the caller):
#   source       the exact source the runtime compiles
#   mode         optional: "function" (default) or "module"
#   allow_missing_imports  skip the import check
#   known_globals  optional: more names the globals will hold
# Function mode:
#   name         the function's name
#   return_kind  "unit", "object" (Py/Bound/Iter: anything goes), "value" (a
#                type that cannot hold None), or "other" (unknown: no check)
#   closure      optional: free names are captures, not errors
# Members mode (`mode` "members", for the type checker's claims):
#   claims       [(owner_kind, owner, member, line)]: see `has_member`
#                (`source` is the checked source, where `line` is: the
#                modules it imports are where a class is looked for)
#   members      output: for each claim, True (not a mistake: the real
#                module or class has the member), False, or None (not
#                known without running code)
# Module mode:
#   exposed      [(name, return_kind)] of the functions Rust calls
#   package      optional, for a file of a `package`: {"name": the module's
#                dotted name, "is_package": whether it is an `__init__`,
#                "modules": {dotted name: source} of every module of the
#                package, "packages": the dotted names that are packages}
# Outputs:
#   diagnostics  dicts with `kind`, `message`, `help` (or None), `line`,
#                `col`, `end_line`, `end_col` (1-based lines, 0-based
#                columns in characters; `line` None for "the signature"),
#                and `function` (module mode: the exposed function concerned)
#   captures     (closures) dicts with `name` and the position of first use
#   signatures   (module mode) {name: {"params": [...], "returns": ...,
#                "callable": "function" or "class"}}: an exposed function,
#                class (its `__init__`, `__new__` or dataclass fields) or
#                alias (`make = Greeter`) of one
#   opaque       (module mode) exposed names the module binds at its top
#                level whose signature cannot be read without running it
#   defined      (module mode) the names of all top-level functions,
#                classes and aliases
#   defs         (module mode) every `def`, at any depth: its name, first
#                and last line, whether it is at the top level, and whether
#                it has an annotation (a parameter's or the return's)

import ast
import builtins
import difflib
import importlib.machinery
import importlib.util
import os
import symtable
import sys
import sysconfig
import tokenize

diagnostics = []
captures = []
signatures = {}
opaque = []
defined = []
defs = []
# Package mode: the package's modules this file imports where nothing
# decides whether it does (see `_package_imports`).
package_imports = []
_lines = source.split("\n")
# The builtins, with those only some platforms have (`WindowsError`), and
# `_`, which `gettext.install()` adds to the builtins of a running program.
_builtin_names = set(dir(builtins)) | {"WindowsError", "_"}
_interpreter = "CPython %d.%d" % sys.version_info[:2]


def _char_col(lineno, byte_col):
    line = _lines[lineno - 1].encode("utf-8")
    return len(line[:byte_col].decode("utf-8", errors="replace"))


def _position(node):
    return {
        "line": node.lineno,
        "col": _char_col(node.lineno, node.col_offset),
        "end_line": node.end_lineno,
        "end_col": _char_col(node.end_lineno, node.end_col_offset),
    }


def _report(kind, message, node=None, help=None, where=None, function=None, module=None):
    if where is None:
        where = {"line": None, "col": 0, "end_line": None, "end_col": 0}
    else:
        where = dict(where)
    if where["line"] is None and node is not None and getattr(node, "lineno", None) is not None:
        where = _position(node)
    diagnostics.append(dict(kind=kind, message=message, help=help, function=function,
                            module=module, **where))


def _own_nodes(nodes):
    """Walks `nodes` without entering nested functions, lambdas or classes:
    what runs in the function's own frame."""
    def own(node):
        # What of `node` runs in this frame: a nested function's, lambda's
        # or class's decorators, defaults and bases do; its body does not.
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            parts = list(getattr(node, "decorator_list", []))
            if isinstance(node, ast.ClassDef):
                parts.extend(node.bases)
                parts.extend(k.value for k in node.keywords)
            else:
                parts.extend(node.args.defaults)
                parts.extend(d for d in node.args.kw_defaults if d is not None)
            return parts, False
        return [node], True

    stack = []
    for node in reversed(nodes):
        stack.extend(reversed(own(node)[0]))
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(ast.iter_child_nodes(node))):
            stack.extend(reversed(own(child)[0]))


def _all_tables(tables):
    found = []
    pending = list(tables)
    while pending:
        table = pending.pop()
        found.append(table)
        pending.extend(table.get_children())
    return found


# 1. Names read but defined nowhere.


def _is_global(table, symbol):
    """Whether `symbol` of `table` is a global name. Not `Symbol.is_global`
    alone: before 3.13 it takes any function named `top` for the module
    (`symtable` compares the table's name with "top"), so that function's
    parameters and locals would all read as globals."""
    if table.get_type() == "module":
        return symbol.is_global()
    if symbol.is_declared_global():
        return True
    return not (symbol.is_local() or symbol.is_free() or symbol.is_parameter())


_COMPREHENSIONS = {
    ast.ListComp: "listcomp", ast.SetComp: "setcomp",
    ast.DictComp: "dictcomp", ast.GeneratorExp: "genexpr",
}


def _scoped_names(table, nodes):
    """(Name node, symbol table of the scope it is evaluated in) for every
    Name in `nodes`, which are evaluated in `table`'s scope. A function's
    decorators, defaults and annotations, a class's bases and a
    comprehension's first iterable belong to the enclosing scope; their
    bodies to the child table of the same name and line (none for a
    comprehension CPython 3.12+ inlines: its names are the enclosing
    scope's)."""
    used = set()

    def child(name, lineno):
        for candidate in table_of[0].get_children():
            if id(candidate) not in used and candidate.get_name() == name \
                    and candidate.get_lineno() == lineno:
                used.add(id(candidate))
                return candidate
        return None

    table_of = [table]
    stack = [(table, node) for node in reversed(nodes)]
    while stack:
        scope, node = stack.pop()
        table_of[0] = scope
        if isinstance(node, ast.Name):
            yield node, scope
            continue
        inner = None
        outer_parts, inner_parts = [], []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            outer_parts = list(getattr(node, "decorator_list", [])) + list(args.defaults) \
                + [d for d in args.kw_defaults if d is not None]
            every = list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs) \
                + [a for a in (args.vararg, args.kwarg) if a is not None]
            outer_parts += [a.annotation for a in every if a.annotation is not None]
            if getattr(node, "returns", None) is not None:
                outer_parts.append(node.returns)
            inner = child("lambda" if isinstance(node, ast.Lambda) else node.name, node.lineno)
            inner_parts = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
        elif isinstance(node, ast.ClassDef):
            outer_parts = list(node.decorator_list) + list(node.bases) + [k.value for k in node.keywords]
            inner = child(node.name, node.lineno)
            inner_parts = list(node.body)
        elif type(node) in _COMPREHENSIONS:
            outer_parts = [node.generators[0].iter]
            inner = child(_COMPREHENSIONS[type(node)], node.lineno)
            inner_parts = [node.generators[0].target] + list(node.generators[0].ifs)
            for generator in node.generators[1:]:
                inner_parts += [generator.target, generator.iter] + list(generator.ifs)
            inner_parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        else:
            stack.extend((scope, c) for c in reversed(list(ast.iter_child_nodes(node))))
            continue
        inner = inner or scope
        stack.extend((inner, part) for part in reversed(inner_parts))
        stack.extend((scope, part) for part in reversed(outer_parts))


def _version_operand(node):
    """The value of `node` if it reads the running Python's version
    (`sys.version_info`, an item, slice or field of it, `sys.version`, or a
    constant or tuple of constants), else a marker that it is not."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        items = [_version_operand(e) for e in node.elts]
        return _UNKNOWN if any(i is _UNKNOWN for i in items) else tuple(items)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == "sys" and node.attr in ("version_info", "version", "hexversion"):
        return getattr(sys, node.attr)
    if isinstance(node, ast.Attribute) and node.attr in ("major", "minor", "micro"):
        value = _version_operand(node.value)
        return getattr(value, node.attr) if value is sys.version_info else _UNKNOWN
    if isinstance(node, ast.Subscript):
        value = _version_operand(node.value)
        if value is _UNKNOWN or not isinstance(value, (tuple, str)):
            return _UNKNOWN
        index = node.slice.value if type(node.slice).__name__ == "Index" else node.slice
        try:
            if isinstance(index, ast.Slice):
                parts = [None if p is None else _version_operand(p)
                         for p in (index.lower, index.upper, index.step)]
                if any(p is _UNKNOWN or not (p is None or isinstance(p, int)) for p in parts):
                    return _UNKNOWN
                return tuple(value)[slice(*parts)] if isinstance(value, tuple) else value[slice(*parts)]
            key = _version_operand(index)
            return value[key] if isinstance(key, int) else _UNKNOWN
        except (IndexError, TypeError):
            return _UNKNOWN
    return _UNKNOWN


_UNKNOWN = object()
_COMPARE = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}


def _static_truth(test, flags):
    """True or False when `test` depends only on the running Python's
    version (which a pyfn program shares with its build: it refuses
    another minor version), through comparisons of `sys.version_info`, on
    constants, and on module-level flags made of them (`PY3 =
    sys.version_info[0] == 3`, `DEBUG = False`); None otherwise. The
    platform is not decided: the program runs where it runs, not where it
    is built."""
    if isinstance(test, ast.Name):
        return flags.get(test.id)
    if isinstance(test, ast.Constant) and (test.value is None or isinstance(test.value, int)):
        # `if False:`, `if 0:`, and a flag set to one (`DEBUG = False`).
        return bool(test.value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _static_truth(test.operand, flags)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_static_truth(v, flags) for v in test.values]
        if isinstance(test.op, ast.And):
            return False if False in values else (True if all(v is True for v in values) else None)
        return True if True in values else (False if all(v is False for v in values) else None)
    if isinstance(test, ast.Compare):
        left = _version_operand(test.left)
        reads_version = any(
            isinstance(n, ast.Attribute) and n.attr in ("version_info", "version", "hexversion")
            for n in ast.walk(test))
        if left is _UNKNOWN or not reads_version:
            return None
        for op, right in zip(test.ops, test.comparators):
            right = _version_operand(right)
            if right is _UNKNOWN or type(op) not in _COMPARE:
                return None
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return None
            left = right
        return True
    return None


def _not_run_here(roots):
    """The ids of the nodes of `roots` that never run on this Python: the
    branch of an `if`, a conditional expression or an `and`/`or` that a
    test of the version or a constant flag rules out (Python 2's `unicode`
    under `if sys.version_info[0] < 3:`, `PY2 and long`, `if DEBUG:` with
    `DEBUG = False`; a flag another module sets at run time is not seen),
    and the handlers of a `try`
    whose `except ImportError` is a fallback for an import in its body
    (they run only where that import fails). Names read there are not
    reported: they are not certain to fail."""
    flags = {}
    assigned = {}
    for node in _tree.body:
        for target in getattr(node, "targets", None) or ([node.target] if isinstance(
                node, (ast.AnnAssign, ast.AugAssign)) else []):
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    assigned[name.id] = assigned.get(name.id, 0) + 1
    # A flag is bound once, at the top level, and never by a function
    # (`global`).
    rebound = {name for node in ast.walk(_tree) if isinstance(node, ast.Global)
               for name in node.names}
    for node in _tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and assigned.get(node.targets[0].id) == 1
                and node.targets[0].id not in rebound):
            truth = _static_truth(node.value, flags)
            if truth is not None:
                flags[node.targets[0].id] = truth
    dead = set()

    def bury(nodes):
        for node in nodes:
            dead.update(id(n) for n in ast.walk(node))

    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, (ast.If, ast.IfExp, ast.While)):
                truth = _static_truth(node.test, flags)
                if truth is True and not isinstance(node, ast.While):
                    bury(node.orelse if isinstance(node, ast.If) else [node.orelse])
                elif truth is False:
                    bury(node.body if isinstance(node, (ast.If, ast.While)) else [node.body])
            elif isinstance(node, ast.BoolOp):
                for index, value in enumerate(node.values[:-1]):
                    truth = _static_truth(value, flags)
                    if truth is (isinstance(node.op, ast.Or)):
                        bury(node.values[index + 1:])
                        break
            elif (isinstance(node, ast.Try) or type(node).__name__ == "TryStar") and any(
                    isinstance(n, (ast.Import, ast.ImportFrom))
                    for statement in node.body for n in ast.walk(statement)):
                for handler in node.handlers:
                    if handler.type is not None and _catches(
                            handler, {"ImportError", "ModuleNotFoundError"}):
                        bury(handler.body)
    return dead


def check_names(tables, defined, search_nodes, closure=False):
    """Reports (or, for a closure, captures) every name the `tables` read
    as a global that `defined` lacks, at its first use in `search_nodes`."""
    defined = set(defined)
    candidates = set()
    for table in tables:
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_parameter():
                candidates.add(symbol.get_name())
                if symbol.is_declared_global():
                    defined.add(symbol.get_name())
    undefined = []
    class_lines = set()
    # The scopes (tables) in which each undefined name is read as a global.
    global_in = {}
    for table in tables:
        for symbol in table.get_symbols():
            n = symbol.get_name()
            if symbol.is_referenced() and _is_global(table, symbol) and n not in defined:
                if n not in undefined:
                    undefined.append(n)
                global_in.setdefault(n, set()).add(id(table))
                if n == "__class__":
                    class_lines.add(table.get_lineno())
    if not undefined:
        return
    # Uses inside `try: ... except NameError` test whether the name exists:
    # a name used only there is not an error, nor anywhere else in the scope
    # that tests it (`try: get_ipython / except NameError: return` first).
    guarded = _name_tests(search_nodes)
    # Code this Python never runs (a version test rules it out, an import
    # fallback).
    not_run = _not_run_here(search_nodes)
    # Annotations CPython never evaluates: under `from __future__ import
    # annotations`, all; otherwise those of assignments in a function
    # (`x: T = …`, `self.x: T = …`).
    unevaluated = set()
    future = any(
        isinstance(node, ast.ImportFrom) and node.module == "__future__"
        and any(a.name == "annotations" for a in node.names)
        for node in _tree.body
    )
    pending = [(node, False) for node in search_nodes]
    while pending:
        node, in_function = pending.pop()
        annotations = []
        if isinstance(node, ast.AnnAssign) and (future or in_function):
            annotations.append(node.annotation)
        if future and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            every = list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs) \
                + [a for a in (args.vararg, args.kwarg) if a is not None]
            annotations += [a.annotation for a in every if a.annotation is not None]
            annotations += [node.returns] if node.returns is not None else []
        for annotation in annotations:
            unevaluated.update(id(n) for n in ast.walk(annotation))
        inside = in_function
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside = True
        elif isinstance(node, ast.ClassDef):
            inside = False
        pending.extend((child, inside) for child in ast.iter_child_nodes(node))
    # Only the uses in a scope that reads the name as a global: a local or
    # parameter of the same name elsewhere is another variable.
    first_use = {}
    unguarded = set()
    uses = [(node, scope) for node, scope in _scoped_names(_table, [_tree])
            if node.id in undefined and id(scope) in global_in[node.id]
            and not isinstance(node.ctx, ast.Store)]
    tested = {(node.id, id(scope)) for node, scope in uses if id(node) in guarded}
    excused = guarded | unevaluated | not_run
    for node, scope in uses:
        counts = id(node) not in excused and (node.id, id(scope)) not in tested
        if counts:
            unguarded.add(node.id)
        # The position reported: the first use that counts, if any.
        key = (not counts, node.lineno, node.col_offset)
        if node.id not in first_use or key < first_use[node.id][0]:
            first_use[node.id] = (key, node)
    undefined = [n for n in undefined if n in unguarded or n not in first_use]
    # What `gettext.install(…, names=[…])` adds to the builtins, and a
    # module's `__annotations__` (there when it annotates at its top level).
    for node in ast.walk(_tree):
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "install")
            or (isinstance(node.func, ast.Name) and node.func.id == "install")
        ):
            for keyword in node.keywords:
                if keyword.arg == "names" and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
                    defined.update(e.value for e in keyword.value.elts
                                   if isinstance(e, ast.Constant) and isinstance(e.value, str))
            for arg in node.args[2:]:
                if isinstance(arg, (ast.List, ast.Tuple, ast.Set)):
                    defined.update(e.value for e in arg.elts
                                   if isinstance(e, ast.Constant) and isinstance(e.value, str))
        if isinstance(node, ast.AnnAssign):
            defined.add("__annotations__")
    undefined = [n for n in undefined if n not in defined]
    candidates |= defined - _builtin_names
    for n in undefined:
        use = first_use.get(n, (None, None))[1]
        if n == "__class__":
            # Implicit in `super()`: outside a class there is no such cell.
            # The zero-argument `super()` calls of the functions that read
            # `__class__` as a global.
            calls = [
                node
                for root in search_nodes for function in ast.walk(root)
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                and function.lineno in class_lines
                for node in _own_nodes(function.body)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "super" and not node.args
            ] + [
                # At a module's top level (its table's line is 0).
                node
                for root in search_nodes
                if isinstance(root, ast.Module) and 0 in class_lines
                for node in _own_nodes(root.body)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "super" and not node.args
            ]
            if not calls:
                # CPython adds `__class__` for any read of a name `super`
                # (a parameter called `super`, say): no call, no error.
                continue
            _report(
                "super",
                "`super()` without arguments works only in a method defined in a class body",
                calls[0] if calls else use,
                "pass the class and instance explicitly: `super(Class, self)`",
            )
            continue
        if closure:
            # A closure captures the Rust variable of that name.
            where = {"name": n, "line": None, "col": 0, "end_line": None, "end_col": 0}
            if use is not None:
                where.update(_position(use))
            captures.append(where)
            continue
        # Prefer the code's own names; a builtin must be closer.
        close = difflib.get_close_matches(
            n, sorted(candidates - _builtin_names - {n}), n=1, cutoff=0.7
        ) or difflib.get_close_matches(n, sorted(_builtin_names - {n}), n=1, cutoff=0.8)
        _report(
            "undefined",
            "name `%s` is not defined in this Python %s" % (n, "module" if mode == "module" else "function"),
            use,
            "did you mean `%s`?" % close[0] if close else None,
        )


# 2. Imports that cannot resolve, found without importing anything.


# Modules every running program has, whatever the build interpreter says.
_ALWAYS_PRESENT = {"__main__", "builtins", "sys"}


def _missing_module(dotted):
    """The first part of `dotted` that the import system cannot find, or
    None. Only regular packages are searched below the top level: a module
    may make up submodules when it runs, which we do not do."""
    parts = dotted.split(".")
    if parts[0] in _ALWAYS_PRESENT or parts[0] in sys.builtin_module_names:
        return None
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        # `find_spec` raises for a module already imported without a spec:
        # it exists.
        return None if parts[0] in sys.modules else parts[0]
    except Exception:
        # A finder that breaks on this name: not known to be missing.
        return None
    if spec is None:
        return parts[0]
    for index in range(1, len(parts)):
        locations = spec.submodule_search_locations
        full = ".".join(parts[: index + 1])
        if locations is None or full in sys.modules:
            return None
        try:
            spec = importlib.machinery.PathFinder.find_spec(full, list(locations))
        except Exception:
            # Raised for a namespace package whose parent is not imported
            # (`KeyError`), among others: not known to be missing.
            return None
        if spec is None:
            return full
    return None


def _find_source(dotted):
    """The path of the `.py` source of module `dotted`, found without
    importing anything (as `_missing_module` searches), or None."""
    parts = dotted.split(".")
    try:
        # The path finder, not `find_spec`: it finds the source of a module
        # CPython has frozen (`posixpath`), and consults no `sys.modules`.
        spec = importlib.machinery.PathFinder.find_spec(parts[0])
        for index in range(1, len(parts)):
            if spec is None or spec.submodule_search_locations is None:
                return None
            spec = importlib.machinery.PathFinder.find_spec(
                ".".join(parts[: index + 1]), list(spec.submodule_search_locations))
    except Exception:
        return None
    origin = getattr(spec, "origin", None) if spec is not None else None
    if not origin or not origin.endswith(".py") or not getattr(spec, "has_location", False):
        return None
    return origin


def _binds_dynamically(tree):
    """Whether a module binds globals the analysis cannot see: a star import
    it cannot resolve, or globals made at run time."""
    return any(
        (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("globals", "vars", "exec"))
        # `__name__` handed to a call (`_convert_(…, __name__, …)`, or
        # `sys.modules[__name__]`): the module lets others bind its globals.
        or (isinstance(node, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == "__name__"
            for a in list(node.args) + [k.value for k in node.keywords]))
        or (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name)
            and node.slice.id == "__name__")
        for node in ast.walk(tree)
    )


def _star_names(node, seen=()):
    """The names `from M import *` (the ImportFrom `node`) binds, read from
    M's source without running it: its `__all__` when that is one literal
    list or tuple of strings, else its public top-level names. None when
    that cannot be known without running code (M is not Python source, binds
    globals dynamically, computes `__all__`, or star-imports what cannot be
    resolved in turn)."""
    if node.level or not node.module or node.module in seen or len(seen) > 8:
        return None
    path = _find_source(node.module)
    if path is None:
        return None
    try:
        with tokenize.open(path) as f:
            text = f.read()
        tree = ast.parse(text)
        table = symtable.symtable(text, path, "exec")
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if _binds_dynamically(tree):
        return None
    declared = None
    for statement in ast.walk(tree):
        targets = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            targets = [statement.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = statement.value
            if (declared is None and statement in tree.body and isinstance(statement, ast.Assign)
                    and isinstance(value, (ast.List, ast.Tuple))
                    and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                            for e in value.elts)):
                declared = {e.value for e in value.elts}
            else:
                return None
        elif (isinstance(statement, ast.Attribute) and isinstance(statement.value, ast.Name)
                and statement.value.id == "__all__"):
            # `__all__.append(…)`, `__all__.extend(…)`.
            return None
    if declared is not None:
        return declared
    names = {
        symbol.get_name() for symbol in table.get_symbols()
        if (symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace())
        and not symbol.get_name().startswith("_")
    }
    # Globals a function of M binds (`global x; x = …`) when it runs.
    names |= {
        name for statement in ast.walk(tree) if isinstance(statement, ast.Global)
        for name in statement.names if not name.startswith("_")
    }
    for statement in ast.walk(tree):
        if isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
            more = _star_names(statement, seen + (node.module,))
            if more is None:
                return None
            names |= {name for name in more if not name.startswith("_")}
    return names


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches(handler, kinds_caught):
    """Whether the `except` clause `handler` catches one of `kinds_caught`
    (a bare `except` catches all)."""
    kinds = handler.type
    if kinds is None:
        return True
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(
        (isinstance(n, ast.Name) and n.id in kinds_caught)
        or (isinstance(n, ast.Attribute) and n.attr in kinds_caught)
        for n in names
    )


def _catches_import_error(handler):
    return _catches(handler, _IMPORT_ERRORS)


def _is_platform_test(test):
    """A test of the platform, the version, or `TYPE_CHECKING` (imports for
    type checkers, which never run)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and node.id == "TYPE_CHECKING":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING":
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            (node.value.id, node.attr) in (("sys", "platform"), ("os", "name"), ("sys", "version_info"))
        ):
            return True
        if isinstance(node, ast.Name) and node.id == "platform":
            return True
    return False


def _suppresses_import_error(expression):
    """Whether `expression` is `suppress(…)` or `contextlib.suppress(…)` of
    an exception type that catches ImportError."""
    if not isinstance(expression, ast.Call):
        return False
    func = expression.func
    name = func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)
    if name != "suppress":
        return False
    kinds = set()
    for arg in expression.args:
        for element in (arg.elts if isinstance(arg, ast.Tuple) else [arg]):
            dotted = _dotted(element)
            if dotted is not None:
                kinds.add(dotted.rsplit(".", 1)[-1])
    return bool(kinds & _IMPORT_ERRORS)


def _checked_imports(statements):
    """Imports that run unconditionally here, and so must resolve: not
    those under an `if`, a loop or a `match` (another platform's, another
    version's, `TYPE_CHECKING`'s), not those guarded by
    `try: ... except ImportError` (optional imports), not those in a nested
    function's body (it runs only if called)."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor)) or type(node).__name__ == "Match":
            continue
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            if any(_catches_import_error(h) for h in node.handlers):
                # The handlers (fallbacks) and the `else` (what the guarded
                # imports allow) run or not depending on what is installed.
                stack.extend(node.finalbody)
                continue
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                _suppresses_import_error(item.context_expr) for item in node.items):
            # `with suppress(ImportError):` around optional imports.
            stack.extend(item.context_expr for item in node.items)
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


_package = globals().get("package")
_package_names = {}
_MODULE_ATTRIBUTES = {
    "__name__", "__doc__", "__file__", "__package__", "__spec__", "__loader__",
    "__builtins__", "__cached__",
}


def _top_names(dotted):
    """The names module `dotted` of the package binds at its top level
    (and its submodules, for a package), or None when they cannot be known
    without running it."""
    if dotted not in _package_names:
        text = _package["modules"][dotted]
        try:
            tree = ast.parse(text)
            table = symtable.symtable(text, dotted, "exec")
        except (SyntaxError, ValueError, RecursionError):
            names = None
        else:
            if _binds_dynamically(tree) or any(
                isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
                for node in ast.walk(tree)
            ):
                names = None
            else:
                names = {
                    symbol.get_name() for symbol in table.get_symbols()
                    if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()
                }
                names |= {
                    name for node in ast.walk(tree) if isinstance(node, ast.Global)
                    for name in node.names
                }
                # What the import system sets on every module.
                names |= _MODULE_ATTRIBUTES
                if dotted in _package["packages"]:
                    names.add("__path__")
        _package_names[dotted] = names
    return _package_names[dotted]


def _in_package(dotted):
    root = _package["name"].split(".")[0]
    return dotted == root or dotted.startswith(root + ".")


_finder_installed = []


def _package_installs_finder():
    """Whether a file of the package uses `sys.meta_path` (to install a
    finder of its own: setuptools' `extern` vendoring, `six.moves`; any
    use is taken for one): then what modules the package has is not only
    its files, and a missing one is not judged."""
    if not _finder_installed:
        found = False
        for text in _package["modules"].values():
            if "meta_path" not in text:
                continue
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr == "meta_path":
                    found = True
                    break
            if found:
                break
        _finder_installed.append(found)
    return _finder_installed[0]


def _check_package_module(node, dotted, where=None):
    """Reports `dotted`, a module of the package, if no file of the package
    is it (or any of its parents); True when it exists (or may: the
    package installs an import hook of its own)."""
    parts = dotted.split(".")
    if any(".".join(parts[:index]) not in _package["modules"]
           or (index < len(parts) and ".".join(parts[:index]) not in _package["packages"])
           for index in range(1, len(parts) + 1)) and _package_installs_finder():
        return True
    for index in range(1, len(parts) + 1):
        prefix = ".".join(parts[:index])
        extension = _package.get("extensions", {}).get(prefix)
        if prefix not in _package["modules"] and extension is not None:
            _report(
                "import",
                "module `%s` is a compiled extension module (`%s`): pyfn embeds a "
                "package's Python files, not its extension modules, so the embedded "
                "package cannot import it" % (prefix, extension),
                node,
                "embed a package of Python files; install one with extension modules in "
                "the environment the program runs in, and import it from there",
                where,
            )
            return False
        if prefix not in _package["modules"]:
            _report(
                "import",
                "module `%s` not found in the package: its directory has no `%s.py` and no "
                "`%s/`" % (prefix, "/".join(parts[1:index]), "/".join(parts[1:index])),
                node,
                "the package's files are the `.py` files under the `package` directory",
                where,
            )
            return False
        if index < len(parts) and prefix not in _package["packages"]:
            _report(
                "import",
                "`%s` is a module, not a package: it has no submodule `%s`"
                % (prefix, parts[index]),
                node,
                None,
                where,
            )
            return False
    return True


def _check_package_from(node, target):
    """`from <target> import names`, with `target` in the package."""
    written = "." * node.level + (node.module or "")
    if not _check_package_module(node, target, _name_range(node, written)
                                 if node.module else None):
        return
    if target not in _package["modules"]:
        # The package's own import hook provides it: its names are unknown.
        return
    names = None
    for alias in node.names:
        if alias.name == "*":
            continue
        if target + "." + alias.name in _package["modules"]:
            continue
        if target + "." + alias.name in _package.get("extensions", {}):
            # `from . import _speedups`: the extension module's error.
            _check_package_module(node, target + "." + alias.name,
                                  _name_range(node, alias.name))
            continue
        if names is None:
            names = _top_names(target)
            if names is None:
                return
        if alias.name not in names:
            close = difflib.get_close_matches(alias.name, sorted(names), n=1)
            _report(
                "import",
                "cannot import name `%s` from `%s`: the module defines no `%s`, and the "
                "package has no module `%s.%s`" % (alias.name, target, alias.name, target,
                                                   alias.name),
                node,
                "did you mean `%s`?" % close[0] if close else None,
                _name_range(node, alias.name),
            )


def _relative_base(level):
    """The package a relative import of `level` dots starts from, or None
    when it goes above the top-level package."""
    parts = _package["name"].split(".")
    if not _package["is_package"]:
        parts = parts[:-1]
    if level - 1 >= len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


def _package_imports(statements):
    """The package's modules (dotted) that running `statements` certainly
    imports: those of the imports `_checked_imports` yields (not under an
    `if`, a loop or a `match`: another platform's, another version's, as
    `asyncio`'s `windows_events`; not optional ones; not in a function's
    body, which runs only if called: an optional dependency's usual
    place); `from M import x` imports `M`, and `M.x` when that is a module
    of the package."""
    found = []
    for node in _checked_imports(statements):
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if _in_package(a.name))
            continue
        if node.level:
            base = _relative_base(node.level)
            if base is None:
                continue
            target = base + "." + node.module if node.module else base
        elif node.module and _in_package(node.module):
            target = node.module
        else:
            continue
        found.append(target)
        found.extend(target + "." + a.name for a in node.names
                     if target + "." + a.name in _package["modules"])
    return found


def check_imports(statements, in_package=False):
    for node in _checked_imports(statements):
        if _package is not None and isinstance(node, ast.ImportFrom) and node.level:
            base = _relative_base(node.level)
            if base is None:
                _report(
                    "import",
                    "relative import `%s%s` goes above the top-level package `%s`"
                    % ("." * node.level, node.module or "", _package["name"].split(".")[0]),
                    node,
                )
                continue
            _check_package_from(node, base + "." + node.module if node.module else base)
            continue
        if _package is not None and isinstance(node, ast.ImportFrom) and _in_package(node.module):
            _check_package_from(node, node.module)
            continue
        if _package is not None and isinstance(node, ast.Import):
            outside = [alias for alias in node.names if not _in_package(alias.name)]
            for alias in node.names:
                if _in_package(alias.name):
                    _check_package_module(node, alias.name, _name_range(node, alias.name))
            if not outside:
                continue
        if isinstance(node, ast.ImportFrom) and node.level:
            _report(
                "import",
                "relative import `%s%s` has no package to be relative to"
                % ("." * node.level, node.module or ""),
                node,
                "pyfn's Python code is not part of a Python package; import by absolute name",
            )
            continue
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names
                       if _package is None or not _in_package(alias.name)]
        else:
            modules = [node.module]
        for module in modules:
            missing = _missing_module(module)
            if missing is not None:
                _report(
                    "import",
                    "module `%s` not found by the build interpreter, %s" % (missing, _interpreter),
                    node,
                    "if it is installed only where the program runs, put "
                    "`#[py(allow_missing_imports)]` on the %s" % (
                        "module" if mode == "module" else "function"),
                    _name_range(node, module),
                    module=missing,
                )


# 3. A generator function's body does not run when it is called; 4. no path
# returns a value while the Rust type cannot hold `None`.


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


def check_returns(function, return_kind, exposed_as=None):
    yields = [node for node in _own_nodes(function.body) if isinstance(node, (ast.Yield, ast.YieldFrom))]
    if yields and return_kind != "object":
        _report(
            "generator",
            "this body uses `yield`, so calling it only creates a generator object: "
            "the body does not run and the Rust return type cannot hold the generator",
            yields[0],
            "declare the return type `pyfn::Iter<T>` to iterate over what it yields, "
            "or return a list instead (`return [ ... ]`)",
            function=exposed_as,
        )
    if return_kind == "value" and not yields:
        own = list(_own_nodes(function.body))
        returns_value = any(_is_value_return(node) for node in own)
        bare = [node for node in own if isinstance(node, ast.Return) and not _is_value_return(node)]
        if not returns_value and (bare or _completes(function.body)):
            _report(
                "no_return",
                "this Python function never returns a value: every path "
                + ("ends with a bare `return` or " if bare else "")
                + "falls off the end, so it returns `None`, which the Rust return type cannot hold",
                None,
                "add `return <value>`, or declare no return type (or `Option<T>`) if `None` is meant",
                function=exposed_as,
            )


def _header_colon(function):
    """Where the `:` that ends `function`'s `def` header is (after its
    parameters' `)` and any `-> annotation`), in characters; None if the
    tokens do not say."""
    lines = iter([line + "\n" for line in _lines[function.lineno - 1:]])
    depth = 0
    opened = False
    try:
        for token in tokenize.generate_tokens(lambda: next(lines, "")):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
                opened = True
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and opened and depth == 0:
                return {"line": function.lineno + token.start[0] - 1, "col": token.start[1]}
    except (tokenize.TokenError, SyntaxError):
        pass
    return None


def _signature(function):
    """The parameters and annotations of `function`, for Rust to check its
    declared signature against."""
    args = function.args
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    defaults_from = len(positional) - len(args.defaults)
    params = []
    def describe(arg, kind, default):
        return {
            "name": arg.arg,
            "kind": kind,
            "has_default": default is not None,
            "default": ast.get_source_segment(source, default) if default is not None else None,
            "annotation": ast.unparse(arg.annotation) if arg.annotation else None,
            "at": _position(arg),
            "annotation_at": _position(arg.annotation) if arg.annotation else None,
        }

    for index, arg in enumerate(positional):
        default = args.defaults[index - defaults_from] if index >= defaults_from else None
        kind = "posonly" if index < len(getattr(args, "posonlyargs", [])) else "positional"
        params.append(describe(arg, kind, default))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(describe(arg, "keyword", default))
    return {
        "callable": "function",
        "params": params,
        "varargs": describe(args.vararg, "varargs", None) if args.vararg is not None else None,
        "kwargs": describe(args.kwarg, "kwargs", None) if args.kwarg is not None else None,
        "returns": ast.unparse(function.returns) if function.returns else None,
        "returns_at": _position(function.returns) if function.returns else None,
        "colon_at": _header_colon(function),
        "at": {"line": function.lineno, "col": _char_col(function.lineno, function.col_offset),
               "end_line": function.lineno, "end_col": _char_col(function.lineno, function.col_offset) + 3},
    }


def _dotted(node):
    """`a.b.c` of a name or attribute chain, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return inner + "." + node.attr if inner else None
    return None


# Return annotations whose `def` Rust iterates over (`pyfn::Iter<T>`).
_ITERATED = {
    prefix + name
    for name in ("Iterator", "Iterable", "Generator")
    for prefix in ("", "typing.", "collections.abc.")
}


def _dataclass_options(decorator):
    """The keyword options of `@dataclass`/`@dataclass(...)`, or None when
    `decorator` is not `dataclasses.dataclass`."""
    call = decorator if isinstance(decorator, ast.Call) else None
    name = _dotted(call.func if call else decorator)
    if name not in ("dataclass", "dataclasses.dataclass"):
        return None
    options = {}
    for keyword in (call.keywords if call else []):
        if keyword.arg is None or not isinstance(keyword.value, ast.Constant):
            return False
        options[keyword.arg] = keyword.value.value
    if call and call.args:
        return False
    return options


def _dataclass_signature(node, options):
    """The `__init__` a dataclass gets from its fields, or None."""
    if options is False or options.get("init", True) is not True:
        return None
    keyword_only = options.get("kw_only", False) is True
    params = []
    def fake_arg(target, annotation):
        arg = ast.arg(arg=target.id, annotation=annotation)
        ast.copy_location(arg, target)
        arg.end_lineno, arg.end_col_offset = target.end_lineno, target.end_col_offset
        return arg
    for statement in node.body:
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        annotation = ast.unparse(statement.annotation)
        base = annotation.split("[")[0].strip("'\" ")
        if base.split(".")[-1] == "ClassVar":
            continue
        if base.split(".")[-1] == "KW_ONLY":
            keyword_only = True
            continue
        default = statement.value
        kw_only = keyword_only
        if isinstance(default, ast.Call) and _dotted(default.func) in ("field", "dataclasses.field"):
            if default.args:
                return None
            given = {k.arg: k.value for k in default.keywords}
            if None in given:
                return None
            init = given.get("init")
            if init is not None:
                if not isinstance(init, ast.Constant):
                    return None
                if init.value is False:
                    continue
            if "kw_only" in given:
                if not isinstance(given["kw_only"], ast.Constant):
                    return None
                kw_only = given["kw_only"].value is True
            default = given.get("default", given.get("default_factory"))
        arg = fake_arg(statement.target, statement.annotation)
        params.append((arg, "keyword" if kw_only else "positional", default))
    positional = [p for p in params if p[1] == "positional"]
    keywords = [p for p in params if p[1] == "keyword"]
    function = ast.FunctionDef(
        name=node.name,
        args=ast.arguments(
            posonlyargs=[],
            args=[p[0] for p in positional],
            vararg=None,
            kwonlyargs=[p[0] for p in keywords],
            kw_defaults=[p[2] for p in keywords],
            kwarg=None,
            defaults=[],
        ),
        body=[], decorator_list=[], returns=None,
    )
    ast.copy_location(function, node)
    # Python refuses a field without a default after one with a default.
    seen_default = False
    for _, _, default in positional:
        if default is not None:
            seen_default = True
        elif seen_default:
            return None
    function.args.defaults = [p[2] for p in positional if p[2] is not None]
    return function


def _safe_base(base, classes, depth=0):
    """Whether base class `base` leaves calling a subclass to the
    subclass's own `__init__`/`__new__`: `object`, a builtin class of
    `type` itself, or a class of this module that is so too (no
    metaclass, no decorator, safe bases)."""
    name = _dotted(base)
    if name is None or depth > 20:
        return False
    if name in classes:
        node = classes[name]
        return (
            not node.keywords and not node.decorator_list
            and all(_safe_base(b, classes, depth + 1) for b in node.bases)
        )
    if name in _module_names:
        # Bound by the module (an import, an assignment): unknown.
        return False
    found = getattr(builtins, name.replace("builtins.", "", 1), None)
    return isinstance(found, type) and type(found) is type


def _passes_everything(method):
    """`def __init__(self, *args, **kwargs)`: takes what `__new__` does."""
    args = method.args
    return (
        len(getattr(args, "posonlyargs", [])) + len(args.args) == 1
        and not args.kwonlyargs and args.vararg is not None and args.kwarg is not None
    )


def _class_signature(node, classes, depth=0):
    """The signature calling class `node` has, when the module's own text
    says it without running anything: its `__init__` (else `__new__`),
    less `self`, or its dataclass fields, or its base's (a class of this
    module), or none for a plain class. None when a base, a metaclass or a
    decorator may change it."""
    if node.keywords or depth > 20:
        return None
    if not all(_safe_base(b, classes) for b in node.bases):
        return None
    own = {
        n.name: n for n in node.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    bases = [b for b in node.bases if _dotted(b) not in ("object", "builtins.object")]
    dataclass = None
    for decorator in node.decorator_list:
        options = _dataclass_options(decorator)
        if options is None or dataclass is not None:
            return None
        dataclass = options
    method = own.get("__init__")
    if method is None or (_passes_everything(method) and "__new__" in own):
        method = own.get("__new__", method)
    if method is not None:
        if method.decorator_list or isinstance(method, ast.AsyncFunctionDef):
            return None
        args = method.args
        positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
        if not positional:
            return None
        signature = _signature(method)
        signature["params"] = signature["params"][1:]
    elif dataclass is not None:
        if bases:
            return None
        function = _dataclass_signature(node, dataclass)
        if function is None:
            return None
        signature = _signature(function)
    elif len(bases) == 1 and _dotted(bases[0]) in classes:
        # Inherited from a class of this module.
        signature = _class_signature(classes[_dotted(bases[0])], classes, depth + 1)
        if signature is None:
            return None
    elif bases:
        return None
    else:
        signature = _signature(ast.FunctionDef(
            name=node.name,
            args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                               kw_defaults=[], kwarg=None, defaults=[]),
            body=[], decorator_list=[], returns=None, lineno=node.lineno,
            col_offset=node.col_offset,
        ))
    signature["callable"] = "class"
    signature["returns"] = None
    signature["returns_at"] = None
    return signature


# 5. Members a type checker says a module or class lacks: does the real
# one have them? Read from its source, without running it; typeshed's stubs
# lack some members the running module has.

_parsed = {}


_texts = {}


def _module_text(dotted):
    """Module `dotted`'s `.py` source, found and read without importing
    it, or None."""
    if dotted not in _texts:
        path = _find_source(dotted)
        text = None
        if path is not None:
            try:
                with tokenize.open(path) as f:
                    text = f.read()
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                text = None
        _texts[dotted] = text
    return _texts[dotted]


def _module_tree(dotted):
    """The AST of module `dotted`'s `.py` source, found and read without
    importing it, or None."""
    if dotted not in _parsed:
        text = _module_text(dotted)
        tree = None
        if text is not None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError):
                tree = None
        _parsed[dotted] = tree
    return _parsed[dotted]


def _top_statements(statements):
    """The statements run at the level of `statements` (a module's or a
    class body): through `if`, `try`, `with`, `for` and `while`, not into
    functions or classes."""
    pending = list(statements)
    while pending:
        node = pending.pop()
        yield node
        for field in ("body", "orelse", "finalbody"):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                pending.extend(getattr(node, field, None) or [])
        for handler in getattr(node, "handlers", None) or []:
            pending.extend(handler.body)


def _bound_names(node):
    """The names the statement `node` binds in its own scope."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    # `(x := …)` at this level.
    names |= {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)
              and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return names


# C modules whose import starts a terminal or GUI library (readline's
# terminal set-up, Tcl): not imported inside the compiler.
_NOT_IMPORTED = {"readline", "_tkinter", "_curses", "_curses_panel"}


def _stdlib_extension(dotted):
    """Module `dotted` if it is one of CPython's own C modules (built in, or
    an extension module of the standard library's directory, as `termios`),
    imported: their code is the interpreter's, and defines names only. None
    for anything else, which is not imported."""
    if dotted in sys.modules:
        return sys.modules[dotted]
    if "." in dotted or dotted in _NOT_IMPORTED:
        return None
    if dotted not in sys.builtin_module_names:
        try:
            spec = importlib.machinery.PathFinder.find_spec(dotted)
        except Exception:
            return None
        origin = getattr(spec, "origin", None) or ""
        stdlib = sysconfig.get_paths().get("platstdlib") or ""
        if not (stdlib and origin.startswith(stdlib + os.sep)
                and origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
                and "site-packages" not in origin and "dist-packages" not in origin):
            return None
    try:
        return importlib.import_module(dotted)
    except Exception:
        return None


def _module_has(dotted, member, seen=()):
    """Whether module `dotted` has `member`: True when the build
    interpreter's module has it (one already imported, or one of CPython's
    own C modules) or its source binds it at the top level; False when its
    source, or the C module, does not; None when that cannot be known
    without running code (a module `__getattr__`, globals bound at run
    time)."""
    module = sys.modules.get(dotted)
    if module is not None and member in getattr(module, "__dict__", {}):
        return True
    tree = _module_tree(dotted)
    if tree is None:
        # A C module: what it has is all it has.
        module = _stdlib_extension(dotted)
        source = getattr(module, "__file__", None) or ""
        if module is not None and not source.endswith(".py"):
            return member in getattr(module, "__dict__", {})
    if tree is None or dotted in seen or len(seen) > 8:
        return None
    names = set()
    for node in _top_statements(tree.body):
        names |= _bound_names(node)
    # Globals a function binds when it runs (`global x; x = …`).
    names |= {name for node in ast.walk(tree) if isinstance(node, ast.Global)
              for name in node.names}
    if member in names:
        return True
    # A module `__getattr__` (deprecated names, mostly) makes what it makes
    # when it runs.
    unknown = _binds_dynamically(tree) or "__getattr__" in names
    for node in _top_statements(tree.body):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            if node.level or not node.module:
                unknown = True
                continue
            found = _module_has(node.module, member, seen + (dotted,))
            if found:
                return True
            unknown = unknown or found is None
    return None if unknown else False


def _class_has(tree, classdef, member, on_class=False, depth=0):
    """Whether the class `classdef` (of the module whose AST is `tree`) has
    `member`: bound in its body, set on `self` in a method or on the class
    at the module's top level (`C.member = …`), or in a base class found the
    same way; `on_class` (the class object itself, not an instance): also
    in its metaclass. None when not known."""
    unknown = False
    for node in _top_statements(classdef.body):
        names = _bound_names(node)
        if member in names or names & {"__getattr__", "__getattribute__"}:
            return True
        if (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets)):
            if any(isinstance(e, ast.Constant) and e.value == member
                   for e in ast.walk(node.value)):
                return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.args:
            this = node.args.args[0].arg
            for target in ast.walk(node):
                if (isinstance(target, ast.Attribute) and target.attr == member
                        and isinstance(target.ctx, ast.Store)
                        and isinstance(target.value, ast.Name) and target.value.id == this):
                    return True
    for node in _top_statements(tree.body):
        for target in ast.walk(node):
            if (isinstance(target, ast.Attribute) and target.attr == member
                    and isinstance(target.ctx, ast.Store)
                    and isinstance(target.value, ast.Name) and target.value.id == classdef.name):
                return True
    # A base's members are the class's; on the class object, so are its
    # metaclass's (as on an object of the metaclass).
    above = [(base, on_class) for base in classdef.bases]
    if on_class:
        above += [(k.value, False) for k in classdef.keywords if k.arg == "metaclass"]
    for base, base_on_class in above:
        if depth > 8:
            return None
        found = None
        if isinstance(base, ast.Name):
            found = _named_class_has(tree, base.id, member, base_on_class, depth + 1)
        elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
            target = _imported_module(tree, base.value.id)
            found = None if target is None else _class_in_module_has(
                target, base.attr, member, base_on_class, depth + 1)
        if found:
            return True
        unknown = unknown or found is None
    return None if unknown else False


def _imported_module(tree, name):
    """The module the top-level `import` of `tree` binds to `name`."""
    for node in _top_statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    return alias.name
                if alias.asname is None and alias.name.split(".")[0] == name:
                    return name
    return None


def _builtin_type(name):
    value = getattr(builtins, name, None) if name in _builtin_names else None
    return value if isinstance(value, type) else None


def _named_class_has(tree, name, member, on_class, depth):
    """`member` on the class `name` as the module whose AST is `tree` binds
    it: its own `class`, or one it imports."""
    for node in _top_statements(tree.body):
        if isinstance(node, ast.ClassDef) and node.name == name:
            return _class_has(tree, node, member, on_class, depth)
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _class_in_module_has(node.module, alias.name, member, on_class, depth)
    builtin = _builtin_type(name)
    if builtin is not None:
        return any(member in vars(k) for k in builtin.__mro__) or (
            on_class and any(member in vars(k) for k in type(builtin).__mro__))
    return None


def _class_in_module_has(module, name, member, on_class, depth):
    tree = _module_tree(module)
    if tree is None:
        return None
    return _named_class_has(tree, name, member, on_class, depth)


def _snippet_modules(tree):
    """The absolute modules `tree` imports, and the modules its
    `from M import name`s may name (`from distutils import ccompiler`)."""
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                modules += [".".join(parts[: i + 1]) for i in range(len(parts))]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
            modules += [node.module + "." + a.name for a in node.names if a.name != "*"]
    return list(dict.fromkeys(modules))


def _classes_named(name):
    """Every `(tree, class)` named `name` at the top level of the checked
    source or of a module it imports."""
    trees = [_tree] + [t for t in map(_module_tree, _snippet_modules(_tree)) if t is not None]
    return [(tree, node) for tree in trees for node in _top_statements(tree.body)
            if isinstance(node, ast.ClassDef) and node.name == name]


_aliases = {}


def _module_aliases(module):
    """The names the checked source binds the module `module` to (`os`,
    `_os` after `import os as _os`)."""
    if module not in _aliases:
        names = {module}
        for node in ast.walk(_tree):
            if isinstance(node, ast.Import):
                names.update(a.asname for a in node.names if a.name == module and a.asname)
        _aliases[module] = names
    return _aliases[module]


def _tests_platform(test):
    """Whether the `if` test `test` reads the platform (`sys.platform`,
    `os.name`, under any name the source gives those modules): its
    branches are code for some systems, not others."""
    systems = _module_aliases("sys")
    oses = _module_aliases("os")
    return any(
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            (node.attr == "platform" and node.value.id in systems)
            or (node.attr == "name" and node.value.id in oses))
        for node in ast.walk(test))


def _guarded_import_at(line):
    """Whether a `from … import` on `line` of the checked source is in a
    `try` whose `except` catches ImportError: in its body (an optional
    import), a handler (a fallback, for where the body's import fails:
    `from collections import Sequence` after `collections.abc`'s) or its
    `else`; or in a `with suppress(ImportError):`; as pyfn's own import
    check reads them. Or in a branch of an `if` that tests the platform
    (`ctypes`' `from _ctypes import _check_HRESULT` under `if _os.name ==
    "nt":`): the module read here is this system's, not the one that
    branch is for."""
    pending = [(_tree, False)]
    while pending:
        node, guarded = pending.pop()
        if (isinstance(node, ast.ImportFrom) and guarded
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) \
                and guarded:
            # A definition's body runs when it is called, not where it is.
            pending.extend((child, False) for child in ast.iter_child_nodes(node))
            continue
        if ((isinstance(node, ast.Try) or type(node).__name__ == "TryStar")
                and any(_catches_import_error(h) for h in node.handlers)):
            inner = list(node.body) + list(node.handlers) + list(node.orelse)
            pending.extend((child, True) for child in inner)
            pending.extend((child, guarded) for child in node.finalbody)
            continue
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                _suppresses_import_error(item.context_expr) for item in node.items):
            pending.extend((child, True) for child in node.body)
            continue
        if isinstance(node, ast.If) and _tests_platform(node.test):
            pending.extend((child, True) for child in node.body + node.orelse)
            continue
        pending.extend((child, guarded) for child in ast.iter_child_nodes(node))
    return False


def _module_bindings():
    """What binds the checked module's globals besides its own statements:
    (whether some are bound where the analysis cannot see them, the names
    its star imports bind, the names a decorated class publishes). Names
    bound by star imports are read from the modules they import; a star
    import that cannot be resolved without running code, or globals made at
    run time (`globals()[...] = `), leave names the analysis cannot see:
    such a module gets no undefined-name check. A decorated class may
    publish its members as module globals (`enum.global_enum`): names its
    body binds count as defined."""
    starred = set()
    dynamic = _binds_dynamically(_tree)
    for node in ast.walk(_tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            names = _star_names(node)
            if names is None:
                dynamic = True
            else:
                starred |= names
    published = {
        target.id
        for node in ast.walk(_tree)
        if isinstance(node, ast.ClassDef) and node.decorator_list
        for statement in node.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign))
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
        if isinstance(target, ast.Name)
    }
    return dynamic, starred, published


def _rebound_names():
    """The names the checked source binds other than by `def` or `class`
    (an assignment, augmented or annotated, a `for` or `with` target, an
    import)."""
    names = set()
    for node in ast.walk(_tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _self_unannotated(owner, member):
    """Whether `member` of the class `owner` (a `def` in its body) takes
    its first parameter without an annotation, as a method's `self`, and
    no other parameter is annotated with the class: the checker's claim
    that an argument passed for it must be an `owner` is then only its
    reading of that first parameter as `self` (`Self`), not a rule of
    Python's; a call that passes it explicitly (the function called in its
    class's body, as `fractions`' `_operator_fallbacks` is, or through the
    class, `C.f(x)`) may pass anything. None when no such class or `def`
    is found."""
    answer = None
    for _, node in _classes_named(owner):
        for statement in node.body:
            if not (isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and statement.name == member):
                continue
            args = statement.args
            positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
            decorated = any(
                (isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod"))
                for d in statement.decorator_list)
            others = positional[1:] + list(args.kwonlyargs) + [
                a for a in (args.vararg, args.kwarg) if a is not None]
            names_owner = any(
                isinstance(n, ast.Name) and n.id == owner
                or isinstance(n, ast.Constant) and isinstance(n.value, str) and owner in n.value
                for a in others if a.annotation is not None for n in ast.walk(a.annotation))
            answer = bool(positional) and positional[0].annotation is None \
                and not decorated and not names_owner
            if answer:
                return True
    return answer


def _name_tests(roots):
    """The ids of the nodes of `roots` in the body of a `try` whose `except`
    catches NameError: reads there test whether a name exists."""
    guarded = set()
    for root in roots:
        for node in ast.walk(root):
            if (isinstance(node, ast.Try) or type(node).__name__ == "TryStar") and any(
                _catches(h, {"NameError", "Exception", "BaseException"}) for h in node.handlers
            ):
                for statement in node.body:
                    guarded.update(id(n) for n in ast.walk(statement))
    return guarded


_unjudged = []


def _name_unjudged(name, line):
    """For the checker's claim that `name`, read on `line`, is not defined:
    True where pyfn's own undefined-name check leaves that read alone, as
    not certain to fail (a global of a module that binds globals where the
    analysis cannot see them, or that a star import or a decorated class
    binds; a read in a `try` that catches NameError, or in the scope that
    tests the name so; code this Python never runs); None otherwise (the
    checker's word stands: a local read before it is assigned, a global
    read before the statement that binds it)."""
    reads = [
        (node, scope) for node, scope in _scoped_names(_table, [_tree])
        if node.id == name and not isinstance(node.ctx, ast.Store)
    ]

    def is_global(scope):
        try:
            return _is_global(scope, scope.lookup(name))
        except KeyError:
            return False

    flagged = [(node, scope) for node, scope in reads
               if node.lineno <= line <= (node.end_lineno or node.lineno) and is_global(scope)]
    if not flagged:
        return None
    if not _unjudged:
        # Once per source, for all its claims.
        _unjudged.append(_module_bindings())
        _unjudged.append(_name_tests([_tree]) | _not_run_here([_tree]))
    (dynamic, starred, published), excused = _unjudged
    if dynamic or name in starred or name in published:
        return True
    scopes = {id(scope) for _, scope in flagged}
    if any(id(node) in excused for node, scope in reads if id(scope) in scopes):
        return True
    return None


_parents = {}


def _parent_of(node):
    """The node of the checked source that `node` is a child of."""
    if not _parents:
        for parent in ast.walk(_tree):
            for child in ast.iter_child_nodes(parent):
                _parents[id(child)] = parent
    return _parents.get(id(node))


def _nodes_at(line, col, kinds):
    """The nodes of one of `kinds` that start at `line`, character column
    `col` (0-based), of the checked source, outermost first."""
    return [node for node in ast.walk(_tree)
            if isinstance(node, kinds) and getattr(node, "lineno", None) == line
            and _char_col(node.lineno, node.col_offset) == col]


def _node_at(line, col, kinds):
    """The outermost of `_nodes_at(line, col, kinds)`, or None."""
    return next(iter(_nodes_at(line, col, kinds)), None)


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _scope_chain(node):
    """The functions around `node`, innermost first, then the module."""
    chain = []
    parent = _parent_of(node)
    while parent is not None:
        if isinstance(parent, _FUNCTIONS):
            chain.append(parent)
        parent = _parent_of(parent)
    return chain + [_tree]


def _frame_nodes(nodes):
    """The nodes of `nodes`, not entering a nested function's, lambda's or
    class's (the `def` or `class` itself is one: it binds its name)."""
    pending = list(nodes)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _FUNCTIONS + (ast.ClassDef,)):
            pending.extend(ast.iter_child_nodes(node))


def _binds(target, name):
    """Whether the assignment target `target` binds `name` (`name`, `name,
    x = …`; not `name[i] = …`, which reads it)."""
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in ast.walk(target))


def _bindings(scope, name, through=False):
    """How `scope` (a function or the module) binds `name`: `("annotation",
    node)` for a parameter or variable annotated so (`None` for an
    unannotated parameter), `("value", node)` for one assigned the value of
    the expression `node` (or its items: an unpacking, a `for` or `with`
    target), `("other", None)` for an import, a `def`, a `class` or an
    `except` name; `("global", None)` or `("nonlocal", None)` where the
    scope declares it so (`through`: its bindings there instead, which
    are another scope's); `("augmented", node)` for `name += node`. Empty
    when `scope` does not bind it."""
    found = []
    if isinstance(scope, _FUNCTIONS):
        args = scope.args
        for arg in (list(getattr(args, "posonlyargs", [])) + list(args.args)
                    + list(args.kwonlyargs) + [a for a in (args.vararg, args.kwarg) if a]):
            if arg.arg == name:
                found.append(("annotation", arg.annotation))
        body = scope.body if isinstance(scope.body, list) else [scope.body]
    else:
        body = scope.body
    for node in _frame_nodes(body):
        if isinstance(node, ast.Global) and name in node.names and not through:
            return [("global", None)]
        if isinstance(node, ast.Nonlocal) and name in node.names and not through:
            return [("nonlocal", None)]
        if isinstance(node, ast.Assign) and any(_binds(t, name) for t in node.targets):
            found.append(("value", node.value))
        elif isinstance(node, ast.AnnAssign) and _binds(node.target, name):
            found.append(("annotation", node.annotation))
        elif isinstance(node, ast.AugAssign) and _binds(node.target, name):
            found.append(("augmented", node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and _binds(node.target, name):
            found.append(("value", node.iter))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None and _binds(
                node.optional_vars, name):
            found.append(("value", node.context_expr))
        elif isinstance(node, ast.NamedExpr) and node.target.id == name:
            found.append(("value", node.value))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found.append(("other", None))
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name).split(".")[0] == name for a in node.names):
            found.append(("other", None))
        elif isinstance(node, ast.ExceptHandler) and node.name == name:
            found.append(("other", None))
    return found


_scoped = {}


def _scope_bindings(scope, name):
    """`_bindings(scope, name)`, with those of the functions that bind the
    name in `scope` from inside (`global name` in a function, for the
    module; `nonlocal name` in a nested one, for a function). Once per
    scope and name."""
    key = (id(scope), name)
    if key in _scoped:
        return _scoped[key]
    found = _bindings(scope, name)
    if found not in ([("global", None)], [("nonlocal", None)]):
        marker = ("global", None) if scope is _tree else ("nonlocal", None)
        for node in ast.walk(scope):
            if (node is not scope and isinstance(node, _FUNCTIONS)
                    and _bindings(node, name) == [marker]):
                found += _bindings(node, name, through=True)
    _scoped[key] = found
    return found


def _admits_none(annotation, depth=0):
    """Whether the annotation `annotation` lets the value be None (`T |
    None`, `Optional[T]`, `None`, a string of one, or an alias of the
    checked source's top level for one)."""
    if annotation is None or depth > 8:
        return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and node.value is None:
            return True
        if isinstance(node, ast.Name) and node.id in ("None", "Optional"):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Optional":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                if _admits_none(ast.parse(node.value, mode="eval").body, depth + 1):
                    return True
            except (SyntaxError, ValueError):
                pass
        if isinstance(node, ast.Name):
            for kind, value in _scope_bindings(_tree, node.id):
                if kind == "value" and _admits_none(value, depth + 1):
                    return True
    return False


def _annotated_here(annotation, none):
    """`annotation`, written in the checked source, declares the type in
    question: any annotation, or (`none`) one that admits None."""
    return annotation is not None and (not none or _admits_none(annotation))


def _declared(expression, none, seen=None):
    """Whether the type of `expression` (a node of the checked source) that
    the checker judges comes from a declaration in the checked source: an
    annotation of a parameter (the Rust signature's types among them), a
    variable, a class attribute (`x: int | None` in a class body, `self.x:
    … = …`), or a function's result, followed through assignments, `for`
    and `with` targets, subscripts and conditional expressions. With
    `none`: that declaration is what lets the value be None. Not declared:
    what a library's function or attribute gives (`subprocess.Popen(…).stdin`,
    `re.match(…)`, `f.__closure__`), a literal (`x = None` before a loop
    that assigns it), an import."""
    seen = set() if seen is None else seen
    if id(expression) in seen:
        return False
    seen.add(id(expression))
    if isinstance(expression, ast.Name):
        for scope in _scope_chain(expression):
            found = _scope_bindings(scope, expression.id)
            if found == [("nonlocal", None)]:
                continue
            if found == [("global", None)]:
                scope = _tree
                found = _scope_bindings(_tree, expression.id)
            assigned = [(kind, node) for kind, node in found if kind != "augmented"]
            if scope is not _tree and assigned and all(
                    kind == "value" and isinstance(node, ast.Constant) and node.value is None
                    for kind, node in assigned):
                # A local never anything but None: no library's doing. (A
                # module's global may be set from outside, `mod.hook = f`.)
                return none
            if found:
                return any(
                    _annotated_here(node, none) if kind == "annotation"
                    else kind == "value" and _declared(node, none, seen)
                    for kind, node in found)
        return False
    if isinstance(expression, ast.Attribute):
        for node in ast.walk(_tree):
            if isinstance(node, ast.AnnAssign) and _annotated_here(node.annotation, none) and (
                    isinstance(node.target, ast.Attribute) and node.target.attr == expression.attr
                    or isinstance(node.target, ast.Name) and node.target.id == expression.attr
                    and isinstance(_parent_of(node), ast.ClassDef)):
                return True
        return False
    if isinstance(expression, ast.Call):
        called = expression.func
        if none and isinstance(called, ast.Attribute) and _declared(called.value, True, seen):
            # A method of a value whose declared type admits None in it
            # (`d.items()` of a `dict[str, int | None]`).
            return True
        name = called.id if isinstance(called, ast.Name) else (
            called.attr if isinstance(called, ast.Attribute) else None)
        for node in ast.walk(_tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name \
                    and _annotated_here(node.returns, none):
                return True
            if not none and isinstance(node, ast.ClassDef) and node.name == name:
                return True
        return False
    if isinstance(expression, (ast.Subscript, ast.Starred, ast.Await, ast.NamedExpr)):
        return _declared(expression.value, none, seen)
    # A value made of others: declared where one of them is (`[p]`, `(a,
    # b)` unpacked, `a or b`, `[x] * n`).
    parts = []
    if isinstance(expression, ast.IfExp):
        parts = [expression.body, expression.orelse]
    elif isinstance(expression, ast.BoolOp):
        parts = expression.values
    elif isinstance(expression, (ast.List, ast.Tuple, ast.Set)):
        parts = expression.elts
    elif isinstance(expression, ast.Dict):
        parts = expression.values
    elif isinstance(expression, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        parts = [expression.elt]
    elif isinstance(expression, ast.DictComp):
        parts = [expression.value]
    elif isinstance(expression, ast.BinOp):
        parts = [expression.left, expression.right]
    return any(_declared(part, none, seen) for part in parts)


# The node a None claim is about, for each kind (`typecheck.rs`'s
# `none_claim`): the kinds of node found at the claim's position, and
# which part of it is the value the checker says may be None.
_NONE_OPERANDS = {
    "attribute": ((ast.Attribute,), lambda node: node.value),
    "subscript": ((ast.Subscript,), lambda node: node.value),
    "call": ((ast.Call,), lambda node: node.func),
    # An argument by keyword: ty places it at the keyword (`version=x`).
    "value": ((ast.expr, ast.keyword),
              lambda node: node.value if isinstance(node, ast.keyword) else node),
    "left": ((ast.BinOp, ast.Compare, ast.AugAssign),
             lambda node: node.target if isinstance(node, ast.AugAssign) else node.left),
    "right": ((ast.BinOp, ast.Compare, ast.AugAssign), lambda node: (
        node.value if isinstance(node, ast.AugAssign)
        else node.comparators[0] if isinstance(node, ast.Compare) else node.right)),
    "operand": ((ast.UnaryOp,), lambda node: node.operand),
}


def _none_undeclared(kind, member, line, col):
    """For the checker's claim that a value may be None where None does not
    do (a member, a subscript, a call, an iteration, an operator, an
    argument or result that None fails and the rest of its type passes):
    True where the None is no declaration of the checked source (see
    `_declared`): the checker cannot tell whether the library gives None
    here (`Popen(…, stdin=PIPE).stdin` is not; `f.__closure__` of a closure
    is not), nor whether a loop assigned a variable it set to None first.
    False where the source declares it (a Rust `Option<T>`, an annotation
    `T | None`): using that value unchecked is the mistake. None when the
    claim's node is not found."""
    kinds, operand = _NONE_OPERANDS.get(kind, ((), None))
    # Where several start there (`s.replace(…).replace(…)`), any one the
    # claim may be about.
    nodes = [node for node in (_nodes_at(line, col, kinds) if operand else [])
             if kind != "attribute" or node.attr == member]
    if kind == "value":
        nodes = nodes[:1]
    if not nodes:
        return None
    if kind in ("left", "right") and member:
        operator_text, left, right = member.split("\x1f")
        if not all(_operation_passes(operator_text, a, b)
                   for a in left.split("\x1e") for b in right.split("\x1e")):
            # Another member of the union fails too: not the None's doing.
            return None
    return not any(_declared(operand(node), True) for node in nodes)


def _sample(type_text):
    """A value of the builtin scalar type `type_text` as the checker writes
    it (`int`, `str`, `Literal["a"]`, `LiteralString`), or raises
    ValueError."""
    simple = {"int": 1, "float": 1.0, "complex": 1j, "bool": True, "str": "a",
              "bytes": b"a", "LiteralString": "a"}
    if type_text in simple:
        return simple[type_text]
    if type_text.startswith("Literal[") and type_text.endswith("]"):
        value = ast.literal_eval(type_text[len("Literal["):-1])
        if isinstance(value, (int, float, complex, str, bytes)):
            return value
    raise ValueError(type_text)


def _operation_passes(operator_text, left, right):
    """Whether Python's `operator_text` (`+`, `+=`, `<`, `in`) takes
    values of the scalar types `left` and `right` (tried on samples);
    False when it does not or the types are not such."""
    import operator as op
    binary = {"+": op.add, "-": op.sub, "*": op.mul, "/": op.truediv, "//": op.floordiv,
              "%": op.mod, "**": op.pow, "<<": op.lshift, ">>": op.rshift, "&": op.and_,
              "|": op.or_, "^": op.xor, "<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge,
              "==": op.eq, "!=": op.ne, "in": lambda a, b: a in b,
              "not in": lambda a, b: a not in b}
    # `+=` is `+`; `<=` is itself.
    augmented = operator_text.endswith("=") and operator_text not in ("<=", ">=", "==", "!=")
    function = binary.get(operator_text[:-1] if augmented else operator_text)
    if function is None:
        return False
    if "Unknown" in (left, right) or "Any" in (left, right):
        # Not known: may be any type, one the operator takes.
        return True
    try:
        a, b = _sample(left), _sample(right)
    except (ValueError, SyntaxError):
        return False
    try:
        function(a, b)
    except TypeError:
        return False
    except Exception:
        pass
    return True


def _package_files(dotted):
    """The dotted names of the `.py` modules of the package module `dotted`
    is in (its siblings, itself among them), found without importing."""
    package = dotted.rpartition(".")[0]
    init = _find_source(package) if package else None
    if init is None or os.path.basename(init) != "__init__.py":
        return [dotted]
    directory = os.path.dirname(init)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return [dotted]
    return [package + "." + n[:-3] for n in names
            if n.endswith(".py") and n != "__init__.py" and n[:-3].isidentifier()]


def _subclass_has(owner, member):
    """Whether a subclass of the class `owner` (of the checked source or a
    module it imports), defined in the checked source or in a module of the
    package that defines `owner`, has `member`: a library's factory declared
    to return `owner` may return any of them (`distutils.ccompiler`'s
    `new_compiler()`, a `CCompiler`, gives an `MSVCCompiler` on Windows)."""
    modules = [m for m in _snippet_modules(_tree) if _module_tree(m) is not None]
    defining = [m for m in modules if any(
        isinstance(n, ast.ClassDef) and n.name == owner
        for n in _top_statements(_module_tree(m).body))]
    siblings = list(dict.fromkeys(m for d in defining for m in _package_files(d)))
    names, pending = {owner}, [owner]
    while pending and len(names) < 64:
        base_name = pending.pop()
        # Read, and parsed only when it names the base (a package of
        # hundreds of modules, `test`, is read quickly).
        trees = [_tree] + [_module_tree(m) for m in siblings
                           if base_name in (_module_text(m) or "")]
        for tree in (t for t in trees if t is not None):
            for node in _top_statements(tree.body):
                if not isinstance(node, ast.ClassDef) or node.name in names:
                    continue
                if any(isinstance(b, ast.Name) and b.id == base_name
                       or isinstance(b, ast.Attribute) and b.attr == base_name
                       for b in node.bases):
                    if _class_has(tree, node, member):
                        return True
                    names.add(node.name)
                    pending.append(node.name)
    return False


def has_member(owner_kind, owner, member, line=None, col=None):
    """The answer for one claim of the type checker about `owner`'s
    `member`: True (not a mistake: the real one has it, may be given it, or
    the import of it on `line` is optional), False, or None (not known).
    `owner_kind`: "module" (`owner` its dotted name),
    "class" (the class object `owner`), "instance" (an object of class
    `owner`), "function" (the function `owner`), "set_class" or
    "set_function" (`owner.member = …` on a class or a function the checker
    says lacks it: Python lets a class or a function of Python source be
    given any attribute), "name" (`member` read on `line`, which the
    checker says is not defined: see `_name_unjudged`), "self_argument"
    (an argument the checker says must be an `owner`, passed to its
    `member`: see `_self_unannotated`), or "none_value" (a value at `line`,
    `col` the checker says may be None, `owner` the part of the node there
    it is: see `_none_undeclared`). An "instance" lacking `member` at
    `line`, `col` may be of a subclass that has it (`_subclass_has`)."""
    if owner_kind == "name":
        return _name_unjudged(member, line)
    if owner_kind == "none_value":
        return _none_undeclared(owner, member, line, col)
    if owner_kind == "self_argument":
        return _self_unannotated(owner, member)
    if owner_kind == "module":
        if line is not None and _guarded_import_at(line):
            return True
        return _module_has(owner, member)
    if owner_kind in ("set_function", "function"):
        # A `def` of the checked source, at any depth (`typing.NewType`'s
        # `new_type.__supertype__ = tp`).
        defined = any(
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == owner
            for node in ast.walk(_tree))
        if owner_kind == "set_function" or not defined:
            return True if defined else None
        # Bound again by an assignment or import (`_c = _c()`, `f =
        # cache(f)`): the checker keeps the `def`'s type for the name (see
        # typecheck.rs's `rebinds_def_or_class`), so its claim is about an
        # object the name may no longer hold.
        if owner in _rebound_names():
            return True
        # Read: given it somewhere (`f.member = …`)?
        return any(
            isinstance(target, ast.Attribute) and target.attr == member
            and isinstance(target.ctx, ast.Store)
            and isinstance(target.value, ast.Name) and target.value.id == owner
            for target in ast.walk(_tree))
    found = _classes_named(owner)
    if owner_kind == "set_class":
        # A class of Python source takes any attribute; a builtin type does
        # not (`int.x = 1`: a TypeError).
        return True if found else (False if _builtin_type(owner) is not None else None)
    if not found and _builtin_type(owner) is not None:
        return _named_class_has(_tree, owner, member, owner_kind == "class", 0)
    unknown = False
    for tree, node in found:
        answer = _class_has(tree, node, member, owner_kind == "class")
        if answer:
            return True
        unknown = unknown or answer is None
    if unknown:
        return None
    if owner_kind == "instance" and line is not None and col is not None:
        # An object a library made, which may be of a subclass: see
        # `_subclass_has`. One whose class the source declares must have it.
        node = _node_at(line, col, (ast.Attribute,))
        if node is not None and node.attr == member and not _declared(node.value, False):
            return _subclass_has(owner, member)
    return False


mode = globals().get("mode", "function")
_tree = ast.parse(source)
_table = symtable.symtable(source, "<pyfn>", "exec")
_known = set(globals().get("known_globals") or ())

if mode == "members":
    # Input `claims`: [(owner_kind, owner, member)]; output `members`:
    # has_member's answer for each.
    members = [has_member(*claim) for claim in claims]
elif mode == "function":
    # At the top, or (a `def`-form item) under the `if True:` around it.
    _function = next(
        node for node in ast.walk(_tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
    )
    # At the top, or (a closure) inside the outer function around it.
    _own = [t for t in _table.get_children() if t.get_name() == name] or [
        t for outer in _table.get_children() for t in outer.get_children()
        if t.get_name() == name
    ]
    check_names(
        _all_tables(_own[:1]),
        _builtin_names | _known | {name, "__builtins__", "__name__", "__file__"},
        [_function],
        closure=globals().get("closure", False),
    )
    if name in _builtin_names and not globals().get("closure", False):
        # The function's name is bound to the function in its globals: a
        # body calling the builtin of that name calls itself.
        for _t in _all_tables(_own[:1]):
            _sym = next((s for s in _t.get_symbols() if s.get_name() == name), None)
            if _sym is not None and _sym.is_referenced() and _is_global(_t, _sym):
                _use = next(
                    (n for n in ast.walk(_function) if isinstance(n, ast.Name) and n.id == name),
                    None,
                )
                _report(
                    "shadowed_builtin",
                    "`%s` here is this function itself, not the builtin `%s`: the function's "
                    "name is bound to it in its globals, so the call recurses" % (name, name),
                    _use,
                    "rename the Rust function, or reach the builtin as `builtins.%s` "
                    "after `import builtins`" % name,
                )
                break
    if globals().get("closure", False):
        # A closure's own name is bound by the outer function around it: a
        # body reading it means a Rust variable of that name, which the
        # macro refuses (reported as a capture).
        for _t in _all_tables(_own[:1]):
            _sym = next((s for s in _t.get_symbols() if s.get_name() == name), None)
            if _sym is not None and _sym.is_referenced() and _sym.is_free():
                _use = next(
                    (n for n in ast.walk(_function) if isinstance(n, ast.Name) and n.id == name),
                    None,
                )
                _where = {"name": name, "line": None, "col": 0, "end_line": None, "end_col": 0}
                if _use is not None:
                    _where.update(_position(_use))
                captures.append(_where)
                break
    if not allow_missing_imports:
        check_imports(_function.body)
    check_returns(_function, return_kind)
else:
    # The module's own top-level names, whatever binds them.
    _module_names = {
        s.get_name() for s in _table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    }
    _dynamic, _starred, _published = _module_bindings()
    if not _dynamic:
        check_names(
            _all_tables([_table]),
            _builtin_names | _known | _module_names | _published | _starred
            | {"__builtins__", "__name__", "__file__", "__doc__"}
            # A package's module is imported: the import system sets these.
            | (_MODULE_ATTRIBUTES if _package is not None else set())
            | ({"__path__"} if _package is not None and _package["is_package"] else set()),
            [_tree],
        )
    if not allow_missing_imports:
        check_imports(_tree.body)
    if _package is not None:
        package_imports = _package_imports(_tree.body)
    # Top-level functions (and a `def`-form item's, under `if True:`).
    _tops = list(_tree.body)
    for _node in _tree.body:
        if isinstance(_node, ast.If):
            _tops.extend(_node.body)
    _defs = {
        node.name: node for node in _tops
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    # Classes and aliases (`make = Greeter`), when their name is bound
    # once at the top level, by that statement.
    _bindings = {}
    for _node in _tops:
        _names = []
        if isinstance(_node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _names = [_node.name]
        elif isinstance(_node, ast.Assign):
            _names = [n.id for t in _node.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(_node, (ast.AnnAssign, ast.AugAssign)):
            _names = [n.id for n in ast.walk(_node.target) if isinstance(n, ast.Name)]
        elif isinstance(_node, (ast.Import, ast.ImportFrom)):
            _names = [(a.asname or a.name).split(".")[0] for a in _node.names]
        for _bound in _names:
            _bindings.setdefault(_bound, []).append(_node)
    _classes = {
        node.name: node for node in _tops
        if isinstance(node, ast.ClassDef) and len(_bindings.get(node.name, ())) == 1
    }
    _aliases = {
        node.targets[0].id: node.value.id for node in _tops
        if isinstance(node, ast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Name)
        and len(_bindings.get(node.targets[0].id, ())) == 1
    }
    defined = sorted(set(_defs) | set(_classes) | set(_aliases))

    def _resolve(name, depth=0):
        """What `name` is bound to, through aliases: a def, a class, or
        None."""
        if name in _defs:
            return _defs[name]
        if name in _classes:
            return _classes[name]
        if name in _aliases and depth < 20:
            return _resolve(_aliases[name], depth + 1)
        return None

    for _name, _kind in exposed:
        _def = _resolve(_name)
        if _def is None:
            # Bound some other way (an import, an assignment, a star
            # import), or perhaps at run time: checked when called.
            if _name in _module_names or _name in _starred or _dynamic:
                opaque.append(_name)
            continue
        if isinstance(_def, ast.ClassDef):
            _signature_found = _class_signature(_def, _classes)
            if _signature_found is None:
                opaque.append(_name)
            else:
                signatures[_name] = _signature_found
            continue
        signatures[_name] = _signature(_def)
        if _kind == "other" and _def.returns is not None and _dotted(
            _def.returns.value if isinstance(_def.returns, ast.Subscript) else _def.returns
        ) in _ITERATED:
            # Declared by name (`def name;`) and annotated as a generator:
            # Rust iterates over it (`pyfn::Iter`).
            _kind = "object"
        check_returns(_def, _kind, exposed_as=_name)
        if not allow_missing_imports:
            # Rust calls it: its own imports run.
            check_imports(_def.body)

    def _annotated(function):
        args = function.args
        every = (list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs)
                 + [a for a in (args.vararg, args.kwarg) if a is not None])
        return function.returns is not None or any(a.annotation is not None for a in every)

    _top = {id(node) for node in _tree.body}
    for _node in ast.walk(_tree):
        if isinstance(_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defs.append({
                "name": _node.name,
                "start": _node.lineno,
                "end": getattr(_node, "end_lineno", None) or _node.lineno,
                "top": id(_node) in _top,
                "annotated": _annotated(_node),
            })
