"""The `file =` module of tests/hygiene.rs: parameters named like the locals
of the code `py_module!` generates, defaults, a generator, and annotated
functions declared by name (`def name;`)."""


def locals(py, function, result, instance, args, cell):
    return [py, function, result, instance, args, cell]


def offset(py, args=100):
    return py + args


def evens(n, start=0):
    for i in range(start, n):
        if i % 2 == 0:
            yield i


def tally(words: list[str], function: int = 1) -> dict[str, int]:
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + function
    return counts


def unique(result: list[int]) -> set[int]:
    return set(result)


def encode(instance: str) -> bytes:
    return instance.encode()
