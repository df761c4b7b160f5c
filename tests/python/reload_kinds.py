def join(first, *rest, sep=", ", **named):
    return sep.join([first, *rest, *named.values()]) + " v1"
