"""The manager/advisor tree: known users, each at most once, no one his own manager."""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config.checks.context import CheckContext, DocPath
from o2s_config.diagnostics import Diagnostic
from o2s_config.model.hierarchy import edges


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    tree = ctx.org.hierarchy
    if not tree:
        return
    places: dict[str, DocPath] = {}
    # paths from the document root, so that messages point into the 'hierarchy' section; in file
    # order (each manager, then those below him), so that "first at line N" is the earlier place
    below: dict[object, list[tuple[str, DocPath, bool]]] = {}
    for _, login, path in edges(tree):
        below.setdefault(path[0], []).append((login, ("hierarchy", *path), False))
    entries: list[tuple[str, DocPath, bool]] = []
    for root in tree:
        entries.append((root, ("hierarchy", root), True))
        entries += below.get(root, [])
    users = ctx.known.get("users")
    for login, path, is_root in entries:
        if users is not None and login not in users:
            yield ctx.at(
                path, f"'{login}' in the hierarchy is not a user of this file", key=is_root or isinstance(path[-1], str)
            )
        first = places.get(login)
        if first is None:
            places[login] = path
            continue
        if _is_below(first, path):
            message = f"'{login}' cannot be attached below himself"
        else:
            line = ctx.at(first, "", key=True).line
            message = f"'{login}' appears more than once in the hierarchy (first at line {line})"
        yield ctx.at(path, message, key=isinstance(path[-1], str))


def _is_below(ancestor: DocPath, path: DocPath) -> bool:
    return len(path) > len(ancestor) and path[: len(ancestor)] == ancestor
