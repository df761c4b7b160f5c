"""Amounts of money in whole cents."""


class Money:
    def __init__(self, cents):
        self.cents = int(cents)

    def __add__(self, other):
        return Money(self.cents + other.cents)

    def __mul__(self, factor):
        return Money(round(self.cents * factor))

    def __str__(self):
        return f"{self.cents // 100}.{self.cents % 100:02d} EUR"
