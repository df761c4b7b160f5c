from . import helpers
from .nothere import thing


def limit(x):
    return helpers.clamp(x)
