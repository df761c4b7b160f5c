#!/usr/bin/env python3
"""The stdlib sweep of `#[py(typecheck)]`, checked by ty, mypy, pyright
and pyrefly side by side: which functions each one flags.

The functions are those of `macros/src/sweep.rs`, collected by its own
FUNCTIONS script: every top-level `def` of the build interpreter's standard
library whose free names are builtins its module does not rebind, `async`
ones and those with a name Rust cannot write (`self`, `_`) left out, each
written to a file of its own as pyfn checks it: its own parameters (`*args`,
keyword-only, `**kwargs`), every one and the result annotated `Any`, no
defaults, its body as written. Errors about names and imports are left out for
every checker (pyfn's own checks decide those), and ty's about members the
real module or class has (pyfn asks the real one; see
`macros/src/analyze.py`, members mode, which this script runs the same way).

    python3 benches/typecheck_peers.py [--python PYTHON] [--work DIR] [--members]

`--members` measures pyfn's members check instead, both ways (see
`members`).

PYTHON (default: this one) is the CPython whose standard library is read
and whose version the checkers check for. The peers are installed with pip
into DIR/venv (versions below) the first time; ty is the one next to
PYTHON (`scripts/ensure-typecheck`).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

PEERS = ["mypy==2.4.1", "pyright==1.1.414", "pyrefly==1.5.0"]
HERE = os.path.dirname(os.path.abspath(__file__))

# The sweep's own collection: the `FUNCTIONS` script of
# macros/src/sweep.rs, run as it is, then each function written out as pyfn
# checks it.
DUMP = r'''
import json, os, re, sys, textwrap
sweep, out = sys.argv[1], sys.argv[2]
text = open(sweep, encoding="utf-8").read()
script = re.search(r'const FUNCTIONS: &std::ffi::CStr = cr#"(.*?)"#;', text, re.S).group(1)
scope = {}
exec(compile(script, "FUNCTIONS", "exec"), scope)
unnameable = {"self", "Self", "super", "crate", "_"}
index = []
for where, name, params, body, is_async in scope["functions"]:
    if is_async or name in unnameable or any(p in unnameable for p, _ in params):
        continue
    parts = [p + ": Any" for p, kind in params if kind == "positional"]
    starred = [p for p, kind in params if kind == "args"]
    keyword = [p + ": Any" for p, kind in params if kind == "keyword"]
    parts += ["*" + starred[0] + ": Any"] if starred else (["*"] if keyword else [])
    parts += keyword + ["**" + p + ": Any" for p, kind in params if kind == "kwargs"]
    file = "f%04d.py" % len(index)
    with open(os.path.join(out, file), "w", encoding="utf-8") as f:
        f.write("from typing import Any\ndef %s(%s) -> Any:\n%s\n" % (
            name, ", ".join(parts), textwrap.indent(textwrap.dedent(body), "    ")))
    index.append((file, where, name))
json.dump(index, open(os.path.join(out, "index.json"), "w"))
'''

# Errors pyfn's own checks decide, for every checker: names and imports.
SKIP = {
    "ty": r"unresolved-reference|unresolved-import|import-not-found|invalid-implicit-return",
    "mypy": r"\[(name-defined|import|import-not-found|import-untyped|attr-defined\]"
            r" .*Module .* has no attribute)",
    "pyright": r"reportUndefinedVariable|reportMissingImports|reportMissingModuleSource"
               r"|reportAttributeAccessIssue\) .*is not a known attribute of module",
    "pyrefly": r"\[(unknown-name|missing-import|missing-module-attribute)\]",
}


def run(command, cwd):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True).stdout


def flagged(lines, pattern, skip):
    found = collections.defaultdict(list)
    for line in lines:
        match = re.search(pattern, line)
        if match and not re.search(skip, line):
            found[match.group(1)].append(line.strip())
    return found


def members_refuted(python, text, messages):
    """pyfn's members check (`analyze.py`) for ty's member claims of one
    file: the messages it finds no mistake in."""
    claims, kept = [], []
    for line_no, message in messages:
        for kind, pattern in (
            ("module", r"Module `([\w.]+)` has no member `(\w+)`"),
            ("class", r"Class `(\w+)(?:\[.*\])?` has no attribute `(\w+)`"),
            ("instance", r"Object of type `(\w+)(?:\[.*\])?` has no attribute `(\w+)`"),
            ("function", r"Function `(\w+)` has no attribute `(\w+)`"),
            ("set_class", r"Unresolved attribute `(\w+)` on type `<class '(\w+)'>`"),
            ("set_function", r"Unresolved attribute `(\w+)` on type `def (\w+)\("),
        ):
            match = re.search(pattern, message)
            if match:
                owner, member = match.group(1), match.group(2)
                if kind.startswith("set_"):
                    owner, member = member, owner
                claims.append((kind, owner, member, line_no))
                kept.append(message)
                break
    if not claims:
        return set()
    script = (
        "import json, sys\n"
        "g = {'source': sys.stdin.read(), 'allow_missing_imports': True, 'mode': 'members',"
        " 'claims': %r}\n"
        "exec(compile(open(%r).read(), 'analyze.py', 'exec'), g)\n"
        "print(json.dumps(g['members']))\n"
    ) % (claims, os.path.join(HERE, "..", "macros", "src", "analyze.py"))
    answers = json.loads(subprocess.run([python, "-c", script], input=text, capture_output=True,
                                        text=True, check=True).stdout)
    return {message for message, answer, claim in zip(kept, answers, claims)
            if answer or (answer is None and claim[0] == "module" and claim[2].startswith("_"))}


# Modules whose public names `--members` asks about (importing them has no
# effect beyond defining names).
MEMBER_MODULES = """
shutil tarfile zipfile socket ssl os subprocess json re logging http.client email.utils
urllib.parse tty pty inspect dis ast tokenize locale string textwrap collections functools
typing threading asyncio unittest pathlib enum datetime time math random statistics decimal
fractions csv sqlite3 xml.etree.ElementTree html argparse pickle copy io codecs platform
sysconfig glob fnmatch tempfile gzip bz2 lzma hashlib hmac base64 binascii struct array select
signal errno stat calendar heapq bisect itertools operator contextlib abc types weakref gc
traceback warnings pprint difflib uuid secrets queue sched mimetypes smtplib ftplib imaplib
poplib socketserver http.server urllib.request xml.dom.minidom sre_compile sre_parse opcode
pydoc pdb cmd shlex getpass curses readline webbrowser wave colorsys zlib termios fcntl
resource grp pwd posixpath
""".split()

LIST_NAMES = r"""
import importlib, sys, warnings
warnings.simplefilter("ignore")
for m in sys.argv[1:]:
    try:
        mod = importlib.import_module(m)
    except Exception:
        continue
    for n in sorted(vars(mod)):
        if not n.startswith("_"):
            print(m, n)
"""


def members(python, version, work, ty):
    """Both ways, for pyfn's members check: every public name the running
    modules have that ty says they lack (each `from m import name` a claim
    of ty's) must be refuted, and a misspelling of every public name
    (`name_pyfn_typo`) must not."""
    pairs = [line.split() for line in run([python, "-c", LIST_NAMES, *MEMBER_MODULES], ".")
             .splitlines()]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "names-%s.py" % version)
    with open(path, "w") as f:
        f.write("".join("from %s import %s\n" % (m, n) for m, n in pairs))
    out = run([ty, "check", "--python", python, "--python-version", version, "--python-platform",
               "all", "--output-format", "concise", "--exit-zero", "--no-progress", "--color",
               "never", path], work)
    claims = [("module", m.group(1), m.group(2), None) for m in
              re.finditer(r"error\[missing-module-member\] Module `([\w.]+)` has no member `(\w+)`",
                          out)]
    typos = [("module", m, n + "_pyfn_typo", None) for m, n in pairs]
    analyze = os.path.join(HERE, "..", "macros", "src", "analyze.py")
    script = (
        "import json, sys\n"
        "claims = json.load(sys.stdin)\n"
        "g = {'source': '\\n', 'allow_missing_imports': True, 'mode': 'members',"
        " 'claims': [tuple(c) for c in claims]}\n"
        "exec(compile(open(%r).read(), 'analyze.py', 'exec'), g)\n"
        "print(json.dumps(g['members']))\n"
    ) % analyze
    for label, asked in (("lacking in ty's stubs", claims), ("misspelt", typos)):
        answers = json.loads(subprocess.run([python, "-c", script], input=json.dumps(asked),
                                            capture_output=True, text=True, check=True).stdout)
        print("CPython %s, %d modules, %d public names %s: %d refuted (not reported), "
              "%d confirmed missing, %d not known (ty's word stands)" % (
                  version, len(MEMBER_MODULES), len(asked), label,
                  answers.count(True), answers.count(False), answers.count(None)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--work", default=os.path.join(HERE, "..", "target", "typecheck-peers"))
    parser.add_argument("--members", action="store_true",
                        help="measure pyfn's members check instead (see `members`)")
    args = parser.parse_args()
    python = args.python
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], ".").strip()
    work = os.path.abspath(args.work)
    bindir = os.path.dirname(python)
    ty = os.environ.get("PYFN_TY") or os.path.join(bindir, "ty")
    if args.members:
        members(python, version, work, ty)
        return
    venv = os.path.join(work, "venv")
    if not os.path.exists(os.path.join(venv, "bin", "pyrefly")):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", *PEERS], check=True)
    dump = os.path.join(work, "functions-%s" % version)
    if not os.path.exists(os.path.join(dump, "index.json")):
        os.makedirs(dump, exist_ok=True)
        subprocess.run([python, "-c", DUMP, os.path.join(HERE, "..", "macros", "src", "sweep.rs"),
                        dump], check=True)
    with open(os.path.join(dump, "index.json")) as f:
        index = {file: (where, name) for file, where, name in json.load(f)}
    with open(os.path.join(dump, "pyrightconfig.json"), "w") as f:
        json.dump({"pythonVersion": version, "typeCheckingMode": "standard"}, f)
    results = {}
    ty_lines = run([ty, "check", "--python", python, "--python-version", version,
                    "--python-platform", "all", "--output-format", "concise", "--exit-zero",
                    "--no-progress", "--color", "never", "."], dump).splitlines()
    ty_found = flagged(ty_lines, r"^(f\d+\.py):\d+:\d+: error\[", SKIP["ty"])
    for file in list(ty_found):
        text = open(os.path.join(dump, file), encoding="utf-8").read()
        messages = []
        for line in ty_found[file]:
            match = re.match(r"f\d+\.py:(\d+):\d+: error\[[\w-]+\] (.*)", line)
            messages.append((int(match.group(1)), match.group(2)))
        refuted = members_refuted(python, text, messages)
        ty_found[file] = [line for line, (_, message) in zip(ty_found[file], messages)
                          if message not in refuted]
        if not ty_found[file]:
            del ty_found[file]
    results["ty"] = ty_found
    tool = lambda name: os.path.join(venv, "bin", name)
    results["mypy"] = flagged(
        run([tool("mypy"), "--python-version", version, "--python-executable", python,
             "--no-error-summary", "--no-incremental", "--explicit-package-bases",
             "--check-untyped-defs", "--show-error-codes", "."], dump).splitlines(),
        r"^(f\d+\.py):\d+: error", SKIP["mypy"])
    results["pyright"] = flagged(
        run([tool("pyright"), "--pythonpath", python, "."], dump).splitlines(),
        r"/(f\d+\.py):\d+:\d+ - error", SKIP["pyright"])
    results["pyrefly"] = flagged(
        run([tool("pyrefly"), "check", "--preset", "default", "--python-version", version,
             "--python-interpreter-path", python, "--output-format", "min-text",
             "--progress-bar", "no", *sorted(index)], dump).splitlines(),
        r"^ERROR (f\d+\.py):", SKIP["pyrefly"])
    print("CPython %s: %d functions" % (version, len(index)))
    print("| checker | functions flagged | of ty's |")
    print("|---|---:|---:|")
    for name, found in results.items():
        print("| %s | %d | %d |" % (name, len(found), len(set(found) & set(results["ty"]))))
    print("\nty's, and who else flags them:")
    for file in sorted(results["ty"]):
        others = [name for name in ("mypy", "pyright", "pyrefly") if file in results[name]]
        where, name = index[file]
        print("  %s %s: %s | also: %s" % (where, name, results["ty"][file][0].split("] ", 1)[-1],
                                        ", ".join(others) or "none"))


if __name__ == "__main__":
    main()
