"""Access changes: what a plan does to who sees whose agendas and clients, and to each user's rights. Pure.

The tenant's state and the state once the plan is applied are both handed to
``access.compute_access``; the two maps are then compared user by user. Only a plan that changes
users, profiles or the hierarchy can change access: any other plan is not computed at all (a
no-op plan of a large firm stays a few equality tests).

A user is listed when what he sees changes (agendas or clients) or when a sensitive right takes
or stops taking effect for him; for a listed user every right that changes is given, the
sensitive ones marked. Users becoming active (created or reactivated) and those deactivated are
listed too: they start or stop seeing. Users whose rights cannot be read on either side (a
published-only tenant does not publish profile rights) are not compared, and a note says so.

Comparing is linear in practice: two visibilities are first compared as they are laid out (the
same slice of the tree and the same team), and materialised as sets only when that is not
enough; rights maps shared by a profile's users are compared once per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from o2s_config.access import AccessMap, Reach, UserAccess, compute_access
from o2s_config.catalog import Catalog, RightsMap, RightValue
from o2s_config.changes import Change
from o2s_config.kinds import HIERARCHY, PROFILE, USER
from o2s_config.model import Organisation, User
from o2s_config.model.hierarchy import Hierarchy, manager_map

SHOWN = 5  # names (or rights) an output lists before "and N more"
ACCESS_KINDS = frozenset({PROFILE.name, HIERARCHY.name})  # any change of these may alter access
ACCESS_FIELDS = ("active", "profile", "custom_profile")  # the user fields compute_access reads
Status = Literal["activated", "deactivated", "changed"]


@dataclass(frozen=True)
class RightChange:
    """One right that changes for a user: its value before and after (None: he is not an active user then)."""

    key: str
    label: str
    sensitive: bool
    before: RightValue | None
    after: RightValue | None


@dataclass(frozen=True)
class Visibility:
    """The users one visibility (agendas or clients) gains and loses, each in tree order."""

    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost)


@dataclass(frozen=True)
class UserChange:
    """What the plan changes for one user's access."""

    login: str
    name: str
    status: Status
    agendas: Visibility
    clients: Visibility
    rights: tuple[RightChange, ...]


@dataclass(frozen=True)
class AccessChanges:
    """Every user whose access the plan changes, by login, and what the comparison could not cover."""

    users: tuple[UserChange, ...] = ()
    notes: tuple[str, ...] = ()


def touches_access(changes: Iterable[Change]) -> bool:
    """True when a change could alter who sees whom or who may do what (a new sender name cannot)."""
    return any(_touches(change) for change in changes)


def _touches(change: Change) -> bool:
    if change.resource in ACCESS_KINDS:
        return True
    if change.resource != USER.name:
        return False
    return change.action != "update" or any(f.path.split(".")[0] in ACCESS_FIELDS for f in change.fields)


def access_changes(
    desired: Organisation,
    seen: Organisation,
    wanted: Mapping[str, RightsMap],
    held: Mapping[str, RightsMap],
    changes: Iterable[Change],
    catalog: Catalog,
) -> AccessChanges:
    """The access changes of a plan: ``seen`` is the tenant under the file's keys, ``held``/``wanted``
    its profiles' rights and the file's (as the diff resolved them)."""
    if not touches_access(changes):
        return AccessChanges()
    before = compute_access(seen, held, catalog)
    after = compute_access(state_after(desired, seen), {**held, **wanted}, catalog)
    return compare(before, after, catalog)


def state_after(desired: Organisation, seen: Organisation) -> Organisation:
    """The users and hierarchy of ``seen`` once ``desired`` is applied, with the diff's rules.

    A field or section the file leaves out keeps the tenant's value; users the file does not list
    keep theirs, or are deactivated when the file prunes users; the file's tree is authoritative
    for the users it lists (all of them without a ``users`` section).
    """
    return seen.model_copy(update={"users": _users_after(desired, seen), "hierarchy": _tree_after(desired, seen)})


def _users_after(desired: Organisation, seen: Organisation) -> dict[str, User] | None:
    held = seen.users or {}
    if desired.users is None:
        return seen.users
    pruning = desired.prune is not None and desired.prune.users
    found = {
        login: user.model_copy(update={"active": False}) if pruning and login not in desired.users else user
        for login, user in held.items()
    }
    for login, user in desired.users.items():
        found[login] = _overlay(user, held.get(login))
    return found


def _overlay(user: User, held: User | None) -> User:
    """The tenant's user with the fields the file manages laid over it (as held when access would not change)."""
    if held is None:
        return user
    if all(getattr(user, name) in (None, getattr(held, name)) for name in ACCESS_FIELDS):
        return held
    update = {name: getattr(user, name) for name in type(user).model_fields if getattr(user, name) is not None}
    if "custom_profile" in update:
        update["profile"] = None
    elif "profile" in update:
        update["custom_profile"] = None
    return held.model_copy(update=update)


def _tree_after(desired: Organisation, seen: Organisation) -> Hierarchy | None:
    """The tree once applied, written flat (``{manager: [his users]}``), which ``build_tree`` reads as any tree."""
    if desired.hierarchy is None:
        return seen.hierarchy
    held, wanted = manager_map(seen.hierarchy or {}), manager_map(desired.hierarchy)
    managed = set(desired.users) if desired.users is not None else {*(seen.users or {}), *wanted}
    managers = {login: boss for login, boss in held.items() if login not in managed}
    managers.update((login, boss) for login, boss in wanted.items() if login in managed)
    flat: Hierarchy = {}
    for login, boss in managers.items():
        flat.setdefault(boss, []).append(login)
    return flat


def compare(before: AccessMap, after: AccessMap, catalog: Catalog) -> AccessChanges:
    """Every active user (then or now) whose visibility or sensitive rights differ between the two maps."""
    same_reach: dict[tuple[int, int], bool] = {}
    deltas: dict[tuple[int, int], tuple[RightChange, ...]] = {}
    found: list[UserChange] = []
    unknown: list[str] = []
    for login in sorted({*before.users, *after.users}):
        old, new = before.users.get(login), after.users.get(login)
        if (old is not None and old.rights is None) or (new is not None and new.rights is None):
            unknown.append(login)
            continue
        agendas = _visibility(_reach(old, "agendas"), _reach(new, "agendas"), same_reach)
        clients = _visibility(_reach(old, "clients"), _reach(new, "clients"), same_reach)
        rights = _rights(old, new, catalog, deltas)
        if agendas or clients or any(r.sensitive for r in rights):
            status: Status = "activated" if old is None else "deactivated" if new is None else "changed"
            user = (new or old).user  # type: ignore[union-attr]  # one of them is an active user
            name = " ".join(part for part in (user.first_name, user.last_name) if part)
            found.append(UserChange(login, name, status, agendas, clients, rights))
    notes: tuple[str, ...] = ()
    if unknown:
        shown = ", ".join(unknown[:SHOWN]) + (f" and {len(unknown) - SHOWN} more" if len(unknown) > SHOWN else "")
        notes = (f"access of {len(unknown)} user(s) not compared (their rights cannot be read): {shown}",)
    return AccessChanges(tuple(found), notes)


def _reach(access: UserAccess | None, which: Literal["agendas", "clients"]) -> Reach | None:
    return getattr(access, which) if access is not None else None


def _visibility(old: Reach | None, new: Reach | None, same: dict[tuple[int, int], bool]) -> Visibility:
    if old is not None and new is not None and _same(old, new, same):
        return Visibility()
    had = old.logins() if old is not None else frozenset()
    has = new.logins() if new is not None else frozenset()
    gained = tuple(login for login in new if login not in had) if new is not None else ()
    lost = tuple(login for login in old if login not in has) if old is not None else ()
    return Visibility(gained, lost)


def _same(old: Reach, new: Reach, memo: dict[tuple[int, int], bool]) -> bool:
    """Equal sets, cheaply when they are laid out alike: a team's set is shared by its members."""
    if len(old) != len(new):
        return False
    pair = (id(old.extra), id(new.extra))
    if pair not in memo:
        memo[pair] = old.extra == new.extra
    if memo[pair] and old.tree.order[old.start : old.end] == new.tree.order[new.start : new.end]:
        return True
    return old.logins() == new.logins()


def _rights(
    old: UserAccess | None,
    new: UserAccess | None,
    catalog: Catalog,
    memo: dict[tuple[int, int], tuple[RightChange, ...]],
) -> tuple[RightChange, ...]:
    """Every catalogue right whose effective value differs (users of one profile share its rights map)."""
    had = old.rights if old is not None else None
    has = new.rights if new is not None else None
    pair = (id(had), id(has))
    if pair not in memo:
        changed = []
        for right in catalog.all_rights():
            before, after = _value(had, right.tab, right.id), _value(has, right.tab, right.id)
            # a user who starts (or stops) being active gains (or loses) only what opens something
            shown = _grants(after) if had is None else _grants(before) if has is None else True
            if before != after and shown:
                changed.append(RightChange(right.key, right.label, right.sensitive, before, after))
        memo[pair] = tuple(changed)
    return memo[pair]


def _value(rights: RightsMap | None, tab: str, right_id: str) -> RightValue | None:
    return rights.get(tab, {}).get(right_id) if rights is not None else None


def _grants(value: RightValue | None) -> bool:
    """A value that opens something: a ticked box, or a scope other than « none »."""
    return value is not None and value is not False and value != "none"
