from .money import Money
from .tax import rate


def total(amount, country):
    return Money(amount * (1 + rate(country))).format()


def label(country):
    return rate(country).upper()
