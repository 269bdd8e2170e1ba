"""Diagnostics: one problem found in an organisation file, with where it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A message tied to a place in a file; printed as ``FILE:LINE:COL: message``.

    Lines and columns are 1-based, as editors show them. ``path`` is the location in
    the document (keys and list indexes) so that a later stage can find the place.
    """

    file: str
    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def format(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Errors in file order, then warnings in file order, without repeats."""
    unique = list(dict.fromkeys(diagnostics))
    return sorted(unique, key=lambda d: (d.severity is Severity.WARNING, d.file, d.line, d.column, d.message))
