from .util import greet


def hello(name):
    return greet(name) + "!"
