# Saved with a byte order mark, as some editors do.

def twice(x: int) -> int:
    return 2 * x
