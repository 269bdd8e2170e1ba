"""Plain dicts and lists that remember where each of their entries was written.

The loader builds these instead of ruamel's round-trip nodes: they cost little more
than plain containers, pydantic validates them as it would a dict or a list, and any
later stage can turn a document path into ``FILE:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class _Mark(Protocol):
    line: int
    column: int


# A place is kept as one int, line << 24 | column (both 0-based): a 10,000-user file has some
# 300,000 places, and parser Mark objects for them would weigh about 40 MB.
_COLUMN_BITS = 24
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1


def pack(mark: _Mark) -> int:
    """A parser mark as one int (see above)."""
    return mark.line << _COLUMN_BITS | min(mark.column, _COLUMN_MASK)


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a file; line and column are 1-based."""

    file: str
    line: int
    column: int


def place(file: str, mark: int | Loc) -> Loc:
    """The Loc of a packed place (a Loc stays as it is)."""
    if isinstance(mark, Loc):
        return mark
    return Loc(file, (mark >> _COLUMN_BITS) + 1, (mark & _COLUMN_MASK) + 1)


class SecretText(str):
    """A string that came from ``${env:VAR}``: it must never be printed, nor land outside a secret field."""

    __slots__ = ()


class WrittenInt(int):
    """An integer written otherwise than Python would print it (``+33142000000``, ``0x1F``).

    Where the model means a number it is that number; where it means text (a phone number,
    an identifier) ``str()`` gives back what the user wrote, not ``33142000000``.
    """

    text: str

    def __new__(cls, value: int, text: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text


class WrittenFloat(float):
    """A float written otherwise than Python would print it (``1.10``, ``1e5``, ``.inf``): see WrittenInt."""

    text: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text


class PosDict(dict[str, Any]):
    """A mapping with the place of each key and of each value."""

    __slots__ = ("file", "key_marks", "start", "value_marks")

    def __init__(self, file: str, start: int | Loc) -> None:
        super().__init__()
        self.file = file
        self.start = start
        self.key_marks: dict[str, int | Loc] = {}
        self.value_marks: dict[str, int | Loc] = {}

    def loc(self) -> Loc:
        return place(self.file, self.start)

    def key_loc(self, key: str) -> Loc:
        return place(self.file, self.key_marks[key]) if key in self.key_marks else self.loc()

    def value_loc(self, key: str) -> Loc:
        return place(self.file, self.value_marks[key]) if key in self.value_marks else self.key_loc(key)


class PosList(list[Any]):
    """A sequence with the place of each item."""

    __slots__ = ("file", "marks", "start")

    def __init__(self, file: str, start: int | Loc) -> None:
        super().__init__()
        self.file = file
        self.start = start
        self.marks: list[int | Loc] = []

    def loc(self) -> Loc:
        return place(self.file, self.start)

    def item_loc(self, index: int) -> Loc:
        return place(self.file, self.marks[index]) if 0 <= index < len(self.marks) else self.loc()


def locate(root: Any, path: tuple[str | int, ...], *, key: bool = False) -> Loc | None:
    """The place of ``path`` in a positioned document.

    With ``key=True`` the place of the last key itself (for "unknown key" messages);
    otherwise the place of its value. Where the path leaves the document (a missing
    field), the deepest existing container is given.
    """
    node = root
    best: Loc | None = node.loc() if isinstance(node, PosDict | PosList) else None
    for depth, step in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, PosDict) and isinstance(step, str) and step in node:
            best = node.key_loc(step) if (last and key) else node.value_loc(step)
            node = node[step]
        elif isinstance(node, PosList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_loc(step)
            node = node[step]
        else:
            break
    return best
