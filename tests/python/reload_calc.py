def scale(x, factor=2):
    return x * factor


def version():
    return "v1"
