"""The manager tree: reads in the model's shape, writes that refuse self-managers and cycles."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from o2s_config.model.hierarchy import MAX_LEVELS, Hierarchy, manager_map, tree_of
from o2s_config.sandbox import documents
from o2s_config.sandbox.etags import check_if_match
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.rules import find_cycle
from o2s_config.sandbox.store import Tx, now

DOC = "hierarchy"

# how a refusal names the users of a cycle: by login (the default), or by id where logins are not shown
Describe = Callable[[Tx, list[int]], str]


def read(tx: Tx) -> dict[str, Any]:
    """``{"tree": <model Hierarchy>, "managers": {login: manager login}}``."""
    pairs = tx.all("SELECT u.login, m.login FROM users u JOIN users m ON m.id = u.manager_id ORDER BY u.id")
    managers = {login: manager for login, manager in pairs}
    return {"tree": tree_of(managers), "managers": managers}


def set_manager(
    tx: Tx, user_id: int, manager_id: int | None, field: str = "manager", describe: Describe | None = None
) -> None:
    """Attach one user to ``manager_id`` (None detaches him)."""
    if manager_id == user_id:
        raise ProblemError("hierarchy", "a user cannot be his own manager", field)
    if manager_id is not None:
        current: int | None = manager_id
        chain = [user_id]
        while current is not None:
            chain.append(current)
            if current == user_id:
                raise ProblemError("hierarchy", f"this would make a cycle: {(describe or _logins)(tx, chain)}", field)
            current = tx.scalar("SELECT manager_id FROM users WHERE id = ?", current)
    tx.run(
        "UPDATE users SET manager_id = ?, updated = ?, version = ? WHERE id = ?",
        manager_id,
        now(),
        tx.revision,
        user_id,
    )
    if manager_id is not None:
        check_depth(tx, [user_id], field)
    documents.write(tx, DOC, {})


def attach_to(tx: Tx, user_id: int, manager_id: int | None, describe: Describe | None = None) -> None:
    """Attach a user to the user ``manager_id`` (None detaches him), as the published API names them."""
    if manager_id is not None and tx.scalar("SELECT id FROM users WHERE id = ?", manager_id) is None:
        raise ProblemError("validation", f"unknown user id {manager_id}", "responsableId")
    set_manager(tx, user_id, manager_id, "responsableId", describe)


# beyond this many logins a PATCH reads the whole table once instead of looking each one up
_LOOKUP_LIMIT = 500


def replace(tx: Tx, wanted: Mapping[str, str | None], whole: bool, if_match: str | None) -> None:
    """Set the managers of the logins in ``wanted``; with ``whole``, everyone else is detached.

    A partial change reads only the users it names and the chains above them, so attaching
    one advisor costs the same in a firm of ten users as in one of fifty thousand.
    """
    check_if_match(if_match, documents.version(tx, DOC))
    names = {*wanted, *(m for m in wanted.values() if m is not None)}
    if whole or len(names) > _LOOKUP_LIMIT:
        rows = tx.all("SELECT id, login, manager_id FROM users")
    else:
        marks = ",".join("?" * len(names))
        rows = tx.all(f"SELECT id, login, manager_id FROM users WHERE login IN ({marks})", *sorted(names))
    ids = {login: user_id for user_id, login, _ in rows}
    current = {user_id: manager for user_id, _, manager in rows}
    final = dict.fromkeys(current) if whole else dict(current)
    for login, manager in wanted.items():
        for name in (login, manager):
            if name is not None and name not in ids:
                raise ProblemError("validation", f"unknown user '{name}'", f"managers.{login}")
        if login == manager:
            raise ProblemError("hierarchy", f"'{login}' cannot be his own manager", f"managers.{login}")
        final[ids[login]] = None if manager is None else ids[manager]
    changed = [user_id for user_id in final if final[user_id] != current[user_id]]
    managers = final if whole else _Managers(tx, final)
    for user_id in changed:
        cycle = find_cycle(managers, user_id)
        if cycle:
            raise ProblemError("hierarchy", f"this would make a cycle: {_logins(tx, cycle)}", "managers")
    stamp = now()
    for user_id in changed:
        tx.run(
            "UPDATE users SET manager_id = ?, updated = ?, version = ? WHERE id = ?",
            final[user_id],
            stamp,
            tx.revision,
            user_id,
        )
    check_depth(tx, [user_id for user_id in changed if final[user_id] is not None], "managers")
    documents.write(tx, DOC, {})


class _Managers(Mapping[int, int | None]):
    """user id -> manager id: the pending changes first, then the stored tree (read on demand)."""

    def __init__(self, tx: Tx, pending: dict[int, int | None]) -> None:
        self._tx = tx
        self._known = dict(pending)

    def __getitem__(self, user_id: int) -> int | None:
        if user_id not in self._known:
            self._known[user_id] = self._tx.scalar("SELECT manager_id FROM users WHERE id = ?", user_id)
        return self._known[user_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def managers_of_tree(tree: Hierarchy) -> dict[str, str | None]:
    """The model's nested tree as a flat ``{login: manager}`` map."""
    return dict(manager_map(tree))


def user_ids(tx: Tx, ids: list[int]) -> str:
    """A chain of users named by id (``3 -> 2 -> 3``), for APIs that do not show logins."""
    return " -> ".join(str(user_id) for user_id in ids)


def _logins(tx: Tx, ids: list[int]) -> str:
    names: dict[int, str] = {row["id"]: row["login"] for row in tx.all("SELECT id, login FROM users")}
    return " -> ".join(str(names.get(user_id, user_id)) for user_id in ids)


_ABOVE = (
    "WITH RECURSIVE up(id, n) AS (SELECT manager_id, 0 FROM users WHERE id = ? "
    "UNION ALL SELECT u.manager_id, n + 1 FROM users u JOIN up ON u.id = up.id WHERE up.id IS NOT NULL AND n < ?) "
    "SELECT count(*) FROM up WHERE id IS NOT NULL"
)
_BELOW = (
    "WITH RECURSIVE below(id, n) AS (SELECT ?, 1 "
    "UNION ALL SELECT u.id, n + 1 FROM users u JOIN below ON u.manager_id = below.id WHERE n < ?) "
    "SELECT max(n) FROM below"
)
_WHOLE = (
    "WITH RECURSIVE level(id, n) AS (SELECT id, 1 FROM users WHERE manager_id IS NULL "
    "UNION ALL SELECT u.id, n + 1 FROM users u JOIN level ON u.manager_id = level.id WHERE n < ?) "
    "SELECT max(n) FROM level"
)


def check_depth(tx: Tx, attached: list[int], field: str) -> None:
    """Refuse a tree deeper than a file can hold (``MAX_LEVELS``), after attaching the users in ``attached``.

    Only a path through a user just attached can have grown: his levels above plus his own subtree's.
    Run after the change is written and before commit (the queries stop one level past the limit).
    """
    bound = MAX_LEVELS + 1
    if len(attached) > _LOOKUP_LIMIT:
        deepest = int(tx.scalar(_WHOLE, bound) or 0)
    else:
        deepest = max(
            (int(tx.scalar(_ABOVE, user_id, bound)) + int(tx.scalar(_BELOW, user_id, bound)) for user_id in attached),
            default=0,
        )
    if deepest > MAX_LEVELS:
        raise ProblemError(
            "hierarchy",
            f"this would make the manager tree more than {MAX_LEVELS} levels deep, deeper than an organisation "
            "file can hold",
            field,
        )
