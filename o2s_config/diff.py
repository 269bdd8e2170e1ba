"""The diff: desired organisation (the file) against current (the tenant) -> typed changes. Pure.

Key-set arithmetic per collection (created = desired - current, deleted = current - desired,
updated = both with field changes), field-level detail only where canonical forms differ.
A section or field the file leaves out is not managed and never produces a change.
Profiles are compared on their *effective* rights, so ``from:`` chains and the tenant's
full rights maps compare equal when they grant the same.

One comparator per kind, indexed in ``COMPARATORS``. The result carries what the diff
resolved (the tenant's state under the file's keys, every profile's effective rights), so
later stages (safety) never resolve them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from pydantic import BaseModel, SecretStr

from o2s_config.canonical import managed_pair, plain, unchanged
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.changes import Action, Change, FieldChange
from o2s_config.details import Difference, differences, leaves
from o2s_config.kinds import (
    CUSTODIAN_CONTACT,
    ESTABLISHMENT,
    EXTRANET_CODE,
    HIERARCHY,
    PROFILE,
    REGISTER,
    SERVICE,
    STRUCTURE,
    USER,
    Kind,
)
from o2s_config.model import Organisation, Prune, User
from o2s_config.model.hierarchy import manager_map
from o2s_config.renames import Renames, find_renames, rename_current
from o2s_config.resolve import resolve_custom, resolve_profiles

Unmanaged = dict[str, list[str]]  # collection -> keys the tenant holds and the file does not


@dataclass(frozen=True)
class Rights:
    """Effective rights of every profile, resolved once per plan."""

    wanted: Mapping[str, RightsMap]  # the file's profiles (the tenant's when the file leaves them out)
    held: Mapping[str, RightsMap]  # the tenant's profiles, under the file's labels


@dataclass(frozen=True)
class DiffResult:
    """The changes, what the tenant holds that the file does not manage, and what the diff resolved."""

    changes: list[Change]
    unmanaged: Unmanaged = field(default_factory=dict)  # collection -> keys
    renames: Renames = field(default_factory=Renames)
    seen: Organisation = field(default_factory=lambda: Organisation(version=1))  # the tenant, renames applied
    rights: Rights = field(default_factory=lambda: Rights({}, {}))


@dataclass(frozen=True)
class _Context:
    catalog: Catalog
    secrets: frozenset[str]
    renames: Renames
    prune: Prune
    rights: Rights


class Compared(NamedTuple):
    """What one comparator found: changes, and the keys it leaves unmanaged (not pruned)."""

    changes: list[Change]
    unmanaged: tuple[str, ...] = ()


Comparator = Callable[[Organisation, Organisation, _Context], Compared]


def diff(desired: Organisation, current: Organisation, catalog: Catalog, secrets: Iterable[str] = ()) -> DiffResult:
    """Every change that makes ``current`` match what ``desired`` manages."""
    renames = find_renames(desired, current)
    seen = rename_current(current, renames)
    held = resolve_profiles(seen.profiles or {}, catalog)
    wanted = resolve_profiles(desired.profiles, catalog) if desired.profiles else held
    rights = Rights(wanted, held)
    hidden = frozenset(secrets) | secret_values(desired) | secret_values(current)
    ctx = _Context(catalog, hidden, renames, desired.prune or Prune(), rights)
    changes: list[Change] = []
    unmanaged: Unmanaged = {}
    for kind in REGISTER:
        found = COMPARATORS[kind.name](desired, seen, ctx)
        changes += found.changes
        if found.unmanaged and kind.prune:
            unmanaged[kind.prune] = list(found.unmanaged)
    return DiffResult(changes, unmanaged, renames, seen, rights)


def secret_values(organisation: Organisation | None) -> frozenset[str]:
    """The values held in every field the register declares sensitive (the mail-server passwords)."""
    found: set[str] = set()
    for kind in REGISTER:
        section = kind.members(organisation) if organisation is not None and kind.sensitive else None
        members = [] if section is None else [section] if kind.singleton else list(section.values())
        paths = [path.split(".") for path in kind.sensitive]
        for member, steps in ((m, p) for m in members for p in paths):
            value: Any = member
            for step in steps:
                value = getattr(value, step, None) if value is not None else None
            if isinstance(value, SecretStr) and value.get_secret_value():
                found.add(value.get_secret_value())
    return frozenset(found)


def _is_secret(value: Any, secrets: frozenset[str]) -> bool:
    text = value if isinstance(value, str) else repr(value) if value is not None else ""
    return any(secret in text for secret in secrets)


def _fields(
    kind: Kind, found: list[Difference], ctx: _Context, labels: Mapping[str, str] | None = None
) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(
            path=d.path,
            before=d.before,
            after=d.after,
            label=(labels or {}).get(d.path),
            sensitive=d.path in kind.sensitive or _is_secret(d.before, ctx.secrets) or _is_secret(d.after, ctx.secrets),
            op=d.op,
        )
        for d in found
    )


def _change(
    kind: Kind,
    key: str,
    want: Any,
    have: Any,
    ctx: _Context,
    renamed_from: str | None = None,
    labels: Mapping[str, str] | None = None,
    **extra: Any,
) -> Change | None:
    """The change of one resource from its (already projected) plain forms, or None when equal.

    Only here, once the forms differ, is the field detail worked out (deepdiff for updates).
    """
    if have == want and renamed_from is None:
        return None
    action: Action = "create" if have is None else "update"
    detail = leaves(None, want) if have is None else differences(have, want)
    fields = _fields(kind, detail, ctx, labels)
    if renamed_from is not None:
        fields = (FieldChange("key", renamed_from, key), *fields)
    extra.setdefault("before", have or {})
    return Change(action, kind.name, key, fields, renamed_from, payload=want or {}, **extra)


def _collection(
    kind: Kind, wanted: Mapping[str, BaseModel] | None, held: Mapping[str, BaseModel], ctx: _Context
) -> Compared:
    """A keyed collection compared member by member, plus its removals."""
    if wanted is None:
        return Compared([])
    old_key = ctx.renames.old_from_new(kind.section) if kind.section in ("structures", "profiles", "users") else {}
    changes = []
    for key, member in wanted.items():
        want, have = managed_pair(member, held.get(key))
        found = _change(kind, key, want, have, ctx, old_key.get(key))
        if found:
            changes.append(found)
    removed = _removed(kind, wanted, held, ctx)
    return Compared(changes + removed.changes, removed.unmanaged)


def _removed(kind: Kind, wanted: Mapping[str, Any], held: Mapping[str, Any], ctx: _Context) -> Compared:
    """Deletions of what the tenant holds and the file does not, when the file prunes this collection."""
    extra = [key for key in held if key not in wanted and key not in kind.kept]
    if not (kind.prune and getattr(ctx.prune, kind.prune)):
        return Compared([], tuple(extra))
    return Compared(
        [
            Change(
                "delete",
                kind.name,
                key,
                _fields(kind, leaves(plain(held[key]), None), ctx),
                before=_before(held[key]),
            )
            for key in extra
        ]
    )


def _before(value: Any) -> dict[str, Any]:
    found = plain(value)
    return found if isinstance(found, dict) else {}


def _establishment(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    return Compared(_singleton(ESTABLISHMENT, "establishment", desired.establishment, seen.establishment, ctx))


def _singleton(kind: Kind, key: str, wanted: Any, held: Any, ctx: _Context, wrap: bool = False) -> list[Change]:
    """A resource the tenant always has (establishment, a Services section): updated, never created."""
    if wanted is None:
        return []
    want, have = managed_pair(wanted, held)
    if wrap:  # a section may be a list: keep paths named after it
        want, have = {key: want}, ({key: have} if have is not None else None)
    found = _change(kind, key, want, have if have is not None else {}, ctx, desired=wanted)
    return [found] if found else []


def _structures(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    return _collection(STRUCTURE, desired.structures, seen.structures or {}, ctx)


def _profile_labels(catalog: Catalog) -> dict[str, str]:
    return {f"rights.{r.key}": r.label for r in catalog.all_rights()}


def _project(rights: RightsMap, onto: RightsMap) -> RightsMap:
    """``rights`` reduced to the rights ``onto`` names: rights the file does not know are not managed."""
    return {tab: {r: rights[tab][r] for r in values if r in rights.get(tab, {})} for tab, values in onto.items()}


def _profiles(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    if desired.profiles is None:
        return Compared([])
    held = seen.profiles or {}
    wanted_rights, held_rights = ctx.rights.wanted, ctx.rights.held
    labels = _profile_labels(ctx.catalog)
    old_key = ctx.renames.old_from_new("profiles")
    changes = []
    for label, profile in desired.profiles.items():
        if label in PROFILE.kept:
            continue  # built in: every right, cannot be changed
        want: dict[str, Any] = {"rights": wanted_rights[label]}
        if profile.valid is not None:
            want["valid"] = profile.valid
        have: dict[str, Any] | None = None
        if label in held:
            have = {"rights": _project(held_rights[label], wanted_rights[label])}
            if profile.valid is not None and held[label].valid is not None:
                have["valid"] = held[label].valid
        found = _change(PROFILE, label, want, have, ctx, old_key.get(label), labels)
        if found:
            changes.append(found)
    removed = _removed(PROFILE, desired.profiles, held, ctx)
    return Compared(changes + removed.changes, removed.unmanaged)


def _user_forms(user: User, held: User | None, ctx: _Context) -> tuple[Any, Any]:
    """(desired, current) plain forms of a user; a one-off profile is compared on effective rights."""
    if user.custom_profile is None:  # most users: nothing to set aside, no copy
        return managed_pair(user, held)
    want, have = managed_pair(user.model_copy(update={"custom_profile": None}), held)
    rights = resolve_custom(user.custom_profile, ctx.rights.wanted, ctx.catalog)
    want["custom_profile"] = {"rights": rights}
    if held is not None and held.custom_profile is not None:
        have["custom_profile"] = {"rights": _project(held.custom_profile.rights, rights)}
    return want, have


def _users(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    if desired.users is None:
        return Compared([])
    held = seen.users or {}
    labels = {f"custom_profile.{k}": v for k, v in _profile_labels(ctx.catalog).items()}
    old_key = ctx.renames.old_from_new("users")
    changes = []
    for login, user in desired.users.items():
        if user.custom_profile is None and login not in old_key and unchanged(user, held.get(login)):
            continue  # most users of most plans: no plain forms to build
        want, have = _user_forms(user, held.get(login), ctx)
        found = _change(USER, login, want, have, ctx, old_key.get(login), labels, before={})
        if found:  # the whole record as held, for changed users only (most of a plan's users are not)
            changes.append(replace(found, before=_before(held[login])) if login in held else found)
    removed = _deactivations(desired.users, held, ctx)
    return Compared(changes + removed.changes, removed.unmanaged)


def _deactivations(wanted: Mapping[str, User], held: Mapping[str, User], ctx: _Context) -> Compared:
    """Users the file no longer lists: unmanaged, or deactivated (never deleted) when pruning users."""
    extra = [login for login, user in held.items() if login not in wanted and user.active is not False]
    if not ctx.prune.users:
        return Compared([], tuple(extra))
    return Compared(
        [
            Change(
                "update",
                USER.name,
                login,
                (FieldChange("active", True, False),),
                payload={"active": False},
                before=_before(held[login]),
            )
            for login in extra
        ]
    )


def _hierarchy(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    """One change per attached user whose manager differs: attach (create), move (update), detach (delete)."""
    if desired.hierarchy is None:
        return Compared([])
    wanted = manager_map(desired.hierarchy)
    held = manager_map(seen.hierarchy or {})
    # the tree is authoritative for the users the file manages (all of them when it has no users section)
    managed = list(desired.users) if desired.users is not None else list(dict.fromkeys([*(seen.users or {}), *wanted]))
    return Compared(list(_moves(managed, wanted, held)))


def _moves(managed: list[str], wanted: Mapping[str, str], held: Mapping[str, str]) -> Iterator[Change]:
    for login in managed:
        want, have = wanted.get(login), held.get(login)
        if want == have:
            continue
        action: Action = "create" if have is None else "delete" if want is None else "update"
        yield Change(
            action,
            HIERARCHY.name,
            login,
            (FieldChange("manager", have, want),),
            payload={"manager": want},
            before={"manager": have},
            facts={"above": _chain(want, wanted)},
        )


def _chain(manager: str | None, managers: Mapping[str, str]) -> list[str]:
    """``manager`` and every manager above him in the desired tree, nearest first."""
    chain: list[str] = []
    while manager is not None and manager not in chain:
        chain.append(manager)
        manager = managers.get(manager)
    return chain


def _extranet_codes(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    codes = EXTRANET_CODE.members(desired)
    if codes is None:
        return Compared([])
    # the status is O2S's verdict on the request: read, never compared nor written
    wanted = {EXTRANET_CODE.key_of(c.provider, c.code): c.model_copy(update={"status": None}) for c in codes}
    held = {EXTRANET_CODE.key_of(c.provider, c.code): c for c in EXTRANET_CODE.members(seen) or []}
    return _collection(EXTRANET_CODE, wanted, held, ctx)


def _custodian_contacts(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    # never pruned (the register gives it no prune switch): what the file omits stays as customised
    return _collection(
        CUSTODIAN_CONTACT, CUSTODIAN_CONTACT.members(desired), CUSTODIAN_CONTACT.members(seen) or {}, ctx
    )


def _services(desired: Organisation, seen: Organisation, ctx: _Context) -> Compared:
    """One change per Services section (alerts, editions, email_server...)."""
    if desired.services is None:
        return Compared([])
    changes = []
    for section in type(desired.services).model_fields:
        wanted = getattr(desired.services, section)
        held = getattr(seen.services, section) if seen.services is not None else None
        changes += _singleton(SERVICE, section, wanted, held, ctx, wrap=True)
    return Compared(changes)


COMPARATORS: Mapping[str, Comparator] = {
    ESTABLISHMENT.name: _establishment,
    STRUCTURE.name: _structures,
    PROFILE.name: _profiles,
    USER.name: _users,
    HIERARCHY.name: _hierarchy,
    EXTRANET_CODE.name: _extranet_codes,
    CUSTODIAN_CONTACT.name: _custodian_contacts,
    SERVICE.name: _services,
}
