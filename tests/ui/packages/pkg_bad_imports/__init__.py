from ...outside import thing
import pkg_bad_imports.util.deeper


def limit(x):
    return x
