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


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a file; line and column are 1-based."""

    file: str
    line: int
    column: int


def _loc(file: str, mark: _Mark | Loc) -> Loc:
    if isinstance(mark, Loc):
        return mark
    return Loc(file, mark.line + 1, mark.column + 1)


class SecretText(str):
    """A string that came from ``${env:VAR}``: it must never be printed."""

    __slots__ = ()


class PosDict(dict[str, Any]):
    """A mapping with the place of each key and of each value."""

    __slots__ = ("file", "key_marks", "start", "value_marks")

    def __init__(self, file: str, start: _Mark | Loc) -> None:
        super().__init__()
        self.file = file
        self.start = start
        self.key_marks: dict[str, _Mark | Loc] = {}
        self.value_marks: dict[str, _Mark | Loc] = {}

    def loc(self) -> Loc:
        return _loc(self.file, self.start)

    def key_loc(self, key: str) -> Loc:
        return _loc(self.file, self.key_marks[key]) if key in self.key_marks else self.loc()

    def value_loc(self, key: str) -> Loc:
        return _loc(self.file, self.value_marks[key]) if key in self.value_marks else self.key_loc(key)


class PosList(list[Any]):
    """A sequence with the place of each item."""

    __slots__ = ("file", "marks", "start")

    def __init__(self, file: str, start: _Mark | Loc) -> None:
        super().__init__()
        self.file = file
        self.start = start
        self.marks: list[_Mark | Loc] = []

    def loc(self) -> Loc:
        return _loc(self.file, self.start)

    def item_loc(self, index: int) -> Loc:
        return _loc(self.file, self.marks[index]) if 0 <= index < len(self.marks) else self.loc()


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
