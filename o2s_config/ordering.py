"""Ordering: an explicit dependency graph over the changes and a stable topological sort.

Each rule below says, for one reason the tenant would refuse a change, which change must
come first. The sort is the one scheduler (``schedule.py``) taking, among the ready changes,
the one listed first in the natural order (creates and updates parent-first, then deletes
child-first), so the same diff always gives the same plan. A cycle is reported with the
changes that form it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from o2s_config.catalog import ADMIN_RIGHT
from o2s_config.changes import Change
from o2s_config.kinds import KINDS
from o2s_config.schedule import OrderingCycleError, walk

__all__ = ["RULES", "OrderingCycleError", "dependencies", "natural_rank", "order"]

Edge = tuple[str, str]  # (change id, id of the change it must follow)


class _Index:
    """The changes by id and by what they touch, for the rules to look up."""

    def __init__(self, changes: Sequence[Change]) -> None:
        self.by_id = {c.id: c for c in changes}
        self.users = [c for c in changes if c.resource == "user"]
        self.hierarchy = [c for c in changes if c.resource == "hierarchy"]

    def get(self, resource: str, key: object) -> Change | None:
        return self.by_id.get(f"{resource}:{key}") if isinstance(key, str) else None

    def introduced(self, resource: str, key: object) -> Change | None:
        """The change that makes ``key`` exist under that name (a create or a rename)."""
        found = self.get(resource, key)
        return found if found and (found.action == "create" or found.renamed_from) else None


def _user_needs_its_structure_and_profile(ix: _Index) -> Iterator[Edge]:
    """A user's structure and profile exist (and carry their new rights and validity) before he gets them."""
    for user in ix.users:
        for resource in ("structure", "profile"):
            needed = ix.get(resource, user.payload.get(resource))
            if needed and needed.action != "delete":
                yield user.id, needed.id


def _target(user: Change, resource: str) -> object:
    """The structure or profile a user change gives him (a one-off profile takes his profile away)."""
    if resource == "profile" and "custom_profile" in user.payload:
        return None
    return user.payload.get(resource, user.before.get(resource))


def _users_leave_before_deletion(ix: _Index) -> Iterator[Edge]:
    """A structure or profile is deleted only once its users have moved off it."""
    for user in ix.users:
        for resource in ("structure", "profile"):
            old = user.before.get(resource)
            gone = ix.get(resource, old)
            if gone and gone.action == "delete" and _target(user, resource) != old:
                yield gone.id, user.id


def _users_leave_before_admin_loss(ix: _Index) -> Iterator[Edge]:
    """A profile losing the Administration module waits for the users moving off it (lockout)."""
    for user in ix.users:
        old = user.before.get("profile")
        profile = ix.get("profile", old)
        moves_off = _target(user, "profile") != old
        if profile and profile.action == "update" and moves_off and _removes_admin(profile):
            yield profile.id, user.id


def _removes_admin(profile: Change) -> bool:
    return any(f.path == f"rights.{ADMIN_RIGHT}" and f.after is False for f in profile.fields)


def _attach_to_existing_people(ix: _Index) -> Iterator[Edge]:
    """A user is attached once he and his new manager exist under their new logins."""
    for edge in ix.hierarchy:
        for login in (edge.key, edge.payload.get("manager")):
            needed = ix.introduced("user", login)
            if needed:
                yield edge.id, needed.id


def _tree_parent_first(ix: _Index) -> Iterator[Edge]:
    """A user is attached under his manager only once the chain above that manager is final.

    Each attachment waits for the nearest moving user on the desired chain above it (who
    waits for the next one up), so when someone is attached the whole chain above him is the
    desired one and no step makes a loop: swapping a manager and his advisor detaches the
    manager first, and nobody goes under a manager whose own boss is still below him.
    """
    for edge in ix.hierarchy:
        for login in edge.facts.get("above", ()):
            moving = ix.get("hierarchy", login)
            if moving:
                yield edge.id, moving.id
                break


def _reattach_before_deactivation(ix: _Index) -> Iterator[Edge]:
    """A manager is deactivated once the advisors attached to him have moved."""
    leaving = {c.key: c for c in ix.users if c.deactivates}
    for edge in ix.hierarchy:
        manager = edge.before.get("manager")
        if isinstance(manager, str) and manager in leaving:
            yield leaving[manager].id, edge.id


def _record_before_place(ix: _Index) -> Iterator[Edge]:
    """A user's record changes before his place in the tree, never at the same time.

    Both move his ETag: run together, the record's update would carry the ETag read by the
    plan after the tree change had made it stale, and be refused as a conflict with ourselves.
    """
    for edge in ix.hierarchy:
        record = ix.get("user", edge.key)
        if record and record.action == "update":
            yield edge.id, record.id


def _references_exist(ix: _Index) -> Iterator[Edge]:
    """Extranet codes and Services defaults that name a user come after that user exists."""
    for change in ix.by_id.values():
        if change.resource not in ("extranet_code", "service"):
            continue
        for login in _strings(change.payload):
            needed = ix.introduced("user", login)
            if needed:
                yield change.id, needed.id


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _adopted_before_changed(ix: _Index) -> Iterator[Edge]:
    """A person is linked to the file (adopted) before his record or his place changes.

    Both writes send back his whole published representation: the later one must carry the link.
    """
    for adopt in (c for c in ix.users if c.action == "adopt"):
        for resource in ("user", "hierarchy"):
            changed = ix.get(resource, adopt.key)
            if changed is not None:
                yield changed.id, adopt.id


RULES: tuple[Callable[[_Index], Iterator[Edge]], ...] = (
    _adopted_before_changed,
    _user_needs_its_structure_and_profile,
    _users_leave_before_deletion,
    _users_leave_before_admin_loss,
    _attach_to_existing_people,
    _tree_parent_first,
    _reattach_before_deactivation,
    _record_before_place,
    _references_exist,
)


def dependencies(changes: Sequence[Change]) -> dict[str, list[str]]:
    """change id -> ids of the changes it must follow (each rule applied once, no self loops)."""
    ix = _Index(changes)
    found: dict[str, list[str]] = {c.id: [] for c in changes}
    for rule in RULES:
        for after, before in rule(ix):
            if after != before and before not in found[after]:
                found[after].append(before)
    return found


def natural_rank(change: Change) -> tuple[int, int]:
    """Creates and updates parent-first, then deletes child-first."""
    kind = KINDS.get(change.resource)
    rank = kind.rank if kind is not None else len(KINDS)
    return (1, -rank) if change.action == "delete" else (0, rank)


def order(changes: Sequence[Change]) -> list[Change]:
    """The changes in an order the tenant accepts, each a new change carrying its ``depends_on``."""
    ranked = sorted(enumerate(changes), key=lambda pair: (natural_rank(pair[1]), pair[0]))
    listed = [c for _, c in ranked]
    deps = dependencies(listed)
    position = {c.id: i for i, c in enumerate(listed)}
    by_id = {c.id: c for c in listed}
    return [
        replace(by_id[i], depends_on=tuple(sorted(deps[i], key=position.__getitem__)))
        for i in walk([c.id for c in listed], deps)
    ]
