# -*- coding: latin-1 -*-
from ..util import double
from .. import util

LABEL = "café"


def triple(x):
    return double(x) + util.double(x) // 2


def label():
    return LABEL
