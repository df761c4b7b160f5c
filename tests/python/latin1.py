# -*- coding: latin-1 -*-
"""A module in Latin-1, as CPython reads it."""

CAFE = "café"


def cafe() -> str:
    return CAFE
