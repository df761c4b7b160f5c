SCALE = 1


def double(x):
    return 2 * x


def explode():
    raise ValueError("exploded in util")


def location():
    return __name__, __package__, __file__.rsplit("/", 1)[-1]
