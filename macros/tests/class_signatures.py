"""Every class and alias at the top level of every standard-library module,
as `py_module!` would expose it: the signature analyze.py reads from the
source (never running it) against `inspect.signature` of the imported
object. Run by `tests::class_signatures_agree_with_inspect_on_the_stdlib`
with the build interpreter, as a process of its own (imports run code).

argv: analyze.py's path. Prints one JSON object: counts, and each
disagreement."""

import ast
import contextlib
import importlib
import inspect
import io
import json
import os
import sys
import sysconfig
import warnings

analyzer = compile(open(sys.argv[1], encoding="utf-8").read(), "analyze.py", "exec")
stdlib = sysconfig.get_paths()["stdlib"]
warnings.simplefilter("ignore")
# Packages whose import opens windows or browsers, or that are tests.
SKIP = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "test",
        "lib2to3", "ensurepip", "pydoc_data"}
counts = dict(modules=0, exposed=0, opaque=0, compared=0, classes=0, aliases=0,
              not_importable=0, ambiguous=0)
disagreements = []


def described(sig, module):
    """(name, keyword-only, has a default) of each parameter, and whether
    there are `*args` / `**kwargs`, as analyze.py says."""
    params = []
    for p in sig["params"]:
        has_default = p["has_default"]
        if has_default:
            # A default that is inspect's own "no default" sentinel
            # (`inspect.Parameter(default=_empty)`) reads as none there.
            with contextlib.suppress(Exception):
                if eval(p["default"], vars(module)) is inspect.Parameter.empty:
                    has_default = False
        params.append((p["name"], p["kind"] == "keyword", has_default))
    return params, (sig["varargs"] is not None, sig["kwargs"] is not None)


def real(signature):
    ps = list(signature.parameters.values())
    params = [(p.name, p.kind == p.KEYWORD_ONLY, p.default is not p.empty)
              for p in ps if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return params, (any(p.kind == p.VAR_POSITIONAL for p in ps),
                    any(p.kind == p.VAR_KEYWORD for p in ps))


def both_new_and_init(cls):
    """`__new__` and `__init__` both written in Python in the class or its
    bases: which one `inspect.signature` reports differs between CPython
    versions."""
    def python(c, name):
        method = vars(c).get(name)
        method = getattr(method, "__func__", method)
        return inspect.isfunction(method)
    return (any(python(c, "__new__") for c in cls.__mro__)
            and any(python(c, "__init__") for c in cls.__mro__))


for root, dirs, files in os.walk(stdlib):
    dirs[:] = sorted(d for d in dirs if d not in SKIP and d not in ("tests", "site-packages")
                     and not d.startswith("config-"))
    for name in sorted(files):
        if not name.endswith(".py"):
            continue
        path = os.path.join(root, name)
        dotted = os.path.relpath(path, stdlib)[:-3].replace(os.sep, ".")
        dotted = dotted[:-len(".__init__")] if dotted.endswith(".__init__") else dotted
        if dotted.split(".")[0] in SKIP or "__main__" in dotted:
            continue
        try:
            source = open(path, encoding="utf-8").read()
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        names = [
            node.name if isinstance(node, ast.ClassDef) else node.targets[0].id
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            or (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Name))
        ]
        if not names:
            continue
        scope = dict(source=source, mode="module", allow_missing_imports=True,
                     exposed=[(n, "other") for n in names])
        exec(analyzer, scope)
        counts["modules"] += 1
        counts["exposed"] += len(names)
        counts["opaque"] += len(scope["opaque"])
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                module = importlib.import_module(dotted)
        except BaseException:
            counts["not_importable"] += 1
            continue
        if os.path.realpath(getattr(module, "__file__", "") or "") != os.path.realpath(path):
            # Replaced at import (setuptools' `distutils`): another source.
            counts["not_importable"] += 1
            continue
        for exposed, sig in scope["signatures"].items():
            target = getattr(module, exposed, None)
            if target is None:
                continue
            if isinstance(target, type) and both_new_and_init(target):
                counts["ambiguous"] += 1
                continue
            try:
                signature = inspect.signature(target)
            except (TypeError, ValueError):
                continue
            counts["compared"] += 1
            counts["classes" if sig["callable"] == "class" else "aliases"] += 1
            ours, theirs = described(sig, module), real(signature)
            if ours != theirs:
                disagreements.append(dict(module=dotted, name=exposed, analysed=ours, inspect=theirs))

print(json.dumps(dict(counts=counts, disagreements=disagreements)))
