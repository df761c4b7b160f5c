"""A package of three files and a subpackage, importing each other."""
from .util import double, SCALE
from . import util
import shapes.sub.deep as deep_mod


def area(w, h):
    return double(w * h) // 2 * SCALE


def deep(x):
    return deep_mod.triple(x) + util.double(0)


def where():
    return __name__, __package__, __file__.rsplit("/", 1)[-1], __spec__.name


def fail():
    return util.explode()
