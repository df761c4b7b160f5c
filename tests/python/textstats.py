"""Small text helpers, as a Python programmer would keep them in a file."""

import re
from collections import Counter

WORD = re.compile(r"[a-z']+")
STOP_WORDS = frozenset({"the", "a", "an", "of", "and", "to", "in", "it", "was"})


def words(text):
    return [w.strip("'") for w in WORD.findall(text.lower()) if w.strip("'")]


def top_words(text, n=3, skip_stop_words=True):
    counts = Counter(w for w in words(text) if not (skip_stop_words and w in STOP_WORDS))
    return counts.most_common(n)


def title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def fail(message: str) -> int:
    raise ValueError(message)
