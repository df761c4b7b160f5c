"""A small module of the kinds of callables real code has: a class, a
dataclass, an alias, a function with keyword-only parameters and
`**kwargs`, and a generator."""

from dataclasses import dataclass, field
from typing import Iterator


class Canvas:
    def __init__(self, width, height, *, background=" "):
        self.width = width
        self.height = height
        self.rows = [[background] * width for _ in range(height)]

    def plot(self, x, y, mark="#"):
        if 0 <= x < self.width and 0 <= y < self.height:
            self.rows[y][x] = mark

    def render(self):
        return "\n".join("".join(row) for row in self.rows)


@dataclass
class Rect:
    x: int
    y: int
    width: int
    height: int
    tags: list = field(default_factory=list)

    def area(self):
        return self.width * self.height


new_canvas = Canvas


def draw(canvas, *rects, mark="#", **marks):
    """Draws each rectangle's outline; `marks` maps a tag to its mark."""
    for rect in rects:
        used = next((marks[t] for t in rect.tags if t in marks), mark)
        for x in range(rect.x, rect.x + rect.width):
            canvas.plot(x, rect.y, used)
            canvas.plot(x, rect.y + rect.height - 1, used)
        for y in range(rect.y, rect.y + rect.height):
            canvas.plot(rect.x, y, used)
            canvas.plot(rect.x + rect.width - 1, y, used)
    return canvas.render()


def grid(width: int, height: int, *, step: int = 2) -> Iterator[tuple[int, int]]:
    for y in range(0, height, step):
        for x in range(0, width, step):
            yield (x, y)
