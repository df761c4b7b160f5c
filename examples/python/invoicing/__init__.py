"""A small invoicing package: three files importing each other."""
from .money import Money
from . import tax


def total(lines, country="DE"):
    """The gross total of `lines`, (description, quantity, unit price in
    cents) tuples, as a formatted amount."""
    net = sum((Money(cents) * quantity for _, quantity, cents in lines), Money(0))
    return str(net + tax.vat(net, country))
