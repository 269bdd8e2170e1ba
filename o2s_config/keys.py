"""Natural keys (logins, structure codes, profile labels...): how two are compared, what they may hold.

Two keys that look the same are the same key. They are compared after Unicode NFC
normalisation and case folding, so ``hélène`` written with a combining accent (NFD) and
``hélène`` written precomposed (NFC), or ``ADubois`` and ``adubois``, name one user.
A character that draws nothing (a zero-width space, a bidi mark, a control character)
would let two keys look the same and differ, so no key may hold one.
"""

from __future__ import annotations

import re
import unicodedata

# Format characters (Unicode category Cf: soft hyphen, zero-width spaces and joiners, bidi
# marks and isolates, word joiner, BOM, tag characters...), line and paragraph separators,
# and the other default-ignorable code points that draw nothing (combining grapheme joiner,
# Hangul fillers, variation selectors). A test checks every Cf character is listed.
_DRAWS_NOTHING = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
# ... plus the control characters (C0, DEL, C1): in a key, even a tab or a line break
INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_DRAWS_NOTHING}]")
# In a file's text, what may put an invisible character into a key: one written as is, or a
# backslash escape of a double-quoted key ("admin\u200b1"). Control characters written as
# is are refused for the whole file before (see yaml_compose).
MAY_HIDE_INVISIBLE = re.compile(f"[{_DRAWS_NOTHING}\\\\]")


def natural_key(text: str) -> str:
    """The form in which two keys are compared: NFC, case-folded (and NFC again, as folding may decompose)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def same_letters(first: str, second: str) -> bool:
    """True when the two differ only in how their letters are encoded (NFC vs NFD), not in case."""
    return first != second and unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second)


def character_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``; control characters have no name, so they read ``U+0007``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def visible(text: str) -> str:
    """``text`` with each invisible character shown as ``<U+200B>``, so a message can quote it."""
    return INVISIBLE.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def hidden_character(key: str) -> str | None:
    """The first invisible character of ``key``, as ``U+XXXX``; None when there is none."""
    found = INVISIBLE.search(key)
    return None if found is None else f"U+{ord(found.group()):04X}"
