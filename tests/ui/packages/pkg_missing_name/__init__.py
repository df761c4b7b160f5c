from .util import clamp, clammp_all


def limit(x):
    return clamp(x, 0, 10)
