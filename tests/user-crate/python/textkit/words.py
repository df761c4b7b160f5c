MARK = "!"


def emphasise(text):
    return text + MARK
