class Money:
    def __init__(self, cents: float):
        self.cents = cents

    def format(self) -> str:
        return "%.2f" % (self.cents / 100)


def parse(text: str) -> Money:
    return Money(text * 100)
