""" "Did you mean": the nearest known name to a misspelt one, and the words that offer it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``name`` (in the candidates' order on a tie), or None when none is close."""
    hits = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return hits[0] if hits else None


def did_you_mean(hint: str | None) -> str:
    """`` (did you mean 'x'?)`` for a hint, nothing without one: appended to an error message."""
    return f" (did you mean '{hint}'?)" if hint else ""
