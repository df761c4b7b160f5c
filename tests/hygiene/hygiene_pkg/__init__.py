from .helpers import twice
import hygiene_pkg.helpers as helpers


def locals(py, function, result, instance, args, cell):
    return [py, function, result, instance, args, cell]


def offset(py, args=None):
    return twice(py) + (100 if args is None else helpers.twice(args))
