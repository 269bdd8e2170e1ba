"""Secrets in output: the one word that stands for them, and the one way to hide them in a text."""

from __future__ import annotations

from collections.abc import Iterable

SENSITIVE = "(sensitive)"


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``(sensitive)``, the longest first.

    Longest first, so a secret that contains another is hidden whole, not half.
    """
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, SENSITIVE)
    return text
