"""Text bound for a terminal or a log: control characters shown as escapes, never obeyed.

A login like ``"\\x1b[2K\\radmin"`` must not display as ``admin``, nor a right-to-left override
reorder a line. Every value a renderer or the command line prints goes through ``printable``
(``printable_lines`` for a message whose line breaks are its own). ``json_printable`` does the
same for JSON, with JSON's escapes, so the document stays equal to what it was.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; then the invisible characters that hide, move or break text: soft
# hyphen, Arabic letter mark, Mongolian vowel separator, zero-width characters and direction marks,
# line and paragraph separators, bidi embeddings and overrides, word joiner and bidi isolates,
# byte order mark, interlinear annotation marks (Unicode categories Cc, Cf, Zl, Zp of the BMP)
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE_CHARACTER = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    return _NAMED.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control or invisible character written as an escape (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE_CHARACTER.sub(_escaped, text)


def printable_lines(text: str) -> str:
    """As ``printable``, keeping line breaks: for a message of several lines."""
    return _UNSAFE_BUT_NEWLINE.sub(_escaped, text)


def json_printable(document: str) -> str:
    """A JSON text with the characters JSON leaves raw (C1 controls, bidi, separators) as ``\\uXXXX``.

    They can only stand inside strings, where ``\\uXXXX`` means the same character: the data is unchanged.
    """
    return _UNSAFE_BUT_NEWLINE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
