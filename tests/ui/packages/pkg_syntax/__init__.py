from .util import clamp


def limit(x):
    return clamp(x, 0, 10)
