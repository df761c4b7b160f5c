"""A file with a UTF-8 byte order mark."""


def marker():
    return "été"
