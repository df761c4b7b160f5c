GREETING = "hello"


def greet(name: str) -> str:
    return f"{GREETING}, {name}"
