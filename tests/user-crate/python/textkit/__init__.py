from .words import MARK, emphasise


def shout(text):
    return emphasise(text.upper())
