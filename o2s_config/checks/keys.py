"""Natural keys: two that look the same are one key (NFC and case folding), and none is too long.

Logins are checked with the other user fields in ``users``; this module covers every other
collection keyed by a name, and the length of every key, logins included.
"""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config.checks.context import CheckContext, DocPath
from o2s_config.diagnostics import Diagnostic
from o2s_config.keys import natural_key, same_letters
from o2s_config.model.limits import KEY_MAX

# (where the collection is, what one key is called, what one entry is called)
KEYED: tuple[tuple[DocPath, str, str], ...] = (
    (("structures",), "structure code", "structure"),
    (("profiles",), "profile label", "profile"),
    (("services", "agenda", "event_types"), "event type", "event type"),
    (("services", "email_templates"), "template name", "template"),
    (("services", "compliance", "vigilance_levels"), "vigilance level", "level"),
    (("services", "advisor_statuses"), "status", "status"),
    (("services", "products"), "product code", "product"),
    (("aggregation", "custodian_contacts"), "custodian", "custodian"),
)


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for path, noun, entry in (*KEYED, (("users",), "login", "user")):
        entries = ctx.raw(path)
        if not isinstance(entries, dict):
            continue
        for key in entries:
            if len(key) > KEY_MAX:
                yield ctx.at((*path, key), f"{noun} is {len(key)} characters long, more than {KEY_MAX}", key=True)
        if path != ("users",):  # logins: see checks/users.py
            yield from _duplicates(ctx, path, list(entries), noun, entry)


def _duplicates(ctx: CheckContext, path: DocPath, keys: list[str], noun: str, entry: str) -> Iterator[Diagnostic]:
    first_of: dict[str, str] = {}
    for key in keys:
        first = first_of.setdefault(natural_key(key), key)
        if first != key:
            line = ctx.at((*path, first), "", key=True).line
            yield ctx.at(
                (*path, key),
                f"{noun} '{key}' is already used by {entry} '{first}' (line {line}){why_same(key, first)}",
                key=True,
            )


def why_same(key: str, other: str) -> str:
    """What makes two different keys the same one, when it does not show."""
    if same_letters(key, other):
        return ": the same letters, encoded differently (Unicode NFC and NFD)"
    return ""
