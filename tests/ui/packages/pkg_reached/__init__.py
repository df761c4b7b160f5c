def run():
    # Imported when `run` runs: judged.
    from .worker import go
    return go()
