"""The manager/advisor tree, written as O2S shows it.

    hierarchy:
      adubois: [jdurand, mmartin, {pbernard: [lpetit]}]

A key is a manager; its list holds the users attached to him, each either a login or a
one-key mapping ``{login: [...]}`` opening a lower level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import TypeAliasType

Subtree = TypeAliasType("Subtree", "list[str | dict[str, Subtree]]")
Hierarchy = dict[str, Subtree]

Path = tuple[str | int, ...]

# The deepest tree a file can hold (levels, the top manager being level 1): each level nests two
# YAML collections and a file nests at most 64 (yaml_compose.Limits). The sandbox refuses deeper
# trees, so every tenant it holds exports to a file validate accepts.
MAX_LEVELS = 32


def edges(hierarchy: Hierarchy) -> list[tuple[str, str, Path]]:
    """Every (manager, attached user, path of the attached entry) in file order."""
    found: list[tuple[str, str, Path]] = []
    for root, children in hierarchy.items():
        _walk(root, children or [], (root,), found)
    return found


def _walk(manager: str, children: Sequence[object], path: Path, found: list[tuple[str, str, Path]]) -> None:
    # a module function, not a closure calling itself: that closure would be a reference cycle
    # keeping ``found`` (10,000 edges) alive until the cyclic collector runs
    for index, child in enumerate(children):
        here = (*path, index)
        if isinstance(child, str):
            found.append((manager, child, here))
        elif isinstance(child, dict):
            for login, below in child.items():
                found.append((manager, login, (*here, login)))
                _walk(login, below or [], (*here, login), found)


def roots(hierarchy: Hierarchy) -> list[str]:
    return list(hierarchy)


def manager_map(hierarchy: Hierarchy) -> dict[str, str]:
    """login -> manager login (the last entry wins; validation reports repeats)."""
    return {child: manager for manager, child, _ in edges(hierarchy)}


def tree_of(managers: Mapping[str, str]) -> Hierarchy:
    """The tree for a ``login -> manager`` map: roots and advisors in the order the map gives them."""
    below: dict[str, list[str]] = {}
    for login, manager in managers.items():
        below.setdefault(manager, []).append(login)
    return {root: _subtree(root, below) for root in below if root not in managers}


def _subtree(manager: str, below: Mapping[str, list[str]]) -> list[Any]:
    return [{login: _subtree(login, below)} if login in below else login for login in below.get(manager, [])]
