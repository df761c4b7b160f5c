"""A package some of whose modules this program never imports: one for
another platform, Python 2 test data, a file CPython cannot decode. pyfn
judges only what importing the declared functions' modules imports."""
import sys

if sys.platform == "win32":
    from . import console

from . import shared
from .extern.tool import VALUE as VENDORED


def answer():
    return shared.BASE * 2


def load(name):
    import importlib
    return importlib.import_module(__name__ + "." + name)


def lazy():
    # Imported when this runs: judged (and clean).
    from .helpers import twice
    return twice(21)


def vendored():
    return VENDORED
