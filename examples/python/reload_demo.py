"""Edited by `cargo run --example hot_reload` while it runs (then restored)."""


def greet(name, punctuation="."):
    return "Hello, " + name + punctuation
