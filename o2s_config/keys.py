"""Natural keys (a login, a structure code, a profile label) compared as a person reads them.

``ADMIN`` and ``admin``, or an ``é`` typed as one character or as ``e`` plus an accent, are
one key to an administrator: ``folded`` gives the form they are compared in. A key holding
a control or invisible character could display as another key: ``hidden_character`` finds it.
"""

from __future__ import annotations

import unicodedata


def folded(key: str) -> str:
    """The form keys are compared in: Unicode NFC, case-folded (then NFC again: folding can decompose)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", key).casefold())


def hidden_character(key: str) -> str | None:
    """The first control or invisible (format) character of ``key``, as ``U+XXXX``; None when there is none."""
    for character in key:
        if unicodedata.category(character) in ("Cc", "Cf"):
            return f"U+{ord(character):04X}"
    return None
