"""The diff: desired organisation (the file) against current (the tenant) -> typed changes. Pure.

Key-set arithmetic per collection (created = desired - current, deleted = current - desired,
updated = both with field changes), field-level detail only where canonical forms differ.
A section or field the file leaves out is not managed and never produces a change.
Profiles are compared on their *effective* rights, so ``from:`` chains and the tenant's
full rights maps compare equal when they grant the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, SecretStr

from o2s_config.canonical import field_differences, managed_pair, plain
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.changes import Action, Change, FieldChange
from o2s_config.model import ADMIN_PROFILE, Organisation, Prune, User
from o2s_config.model.hierarchy import manager_map
from o2s_config.renames import Renames, find_renames, rename_current
from o2s_config.resolve import resolve_custom, resolve_profiles

Unmanaged = dict[str, list[str]]  # collection -> keys the tenant holds and the file does not


@dataclass
class DiffResult:
    """The changes, and what the tenant holds that the file does not manage."""

    changes: list[Change]
    unmanaged: Unmanaged = field(default_factory=dict)  # collection -> keys
    renames: Renames = field(default_factory=Renames)


@dataclass(frozen=True)
class _Context:
    catalog: Catalog
    secrets: frozenset[str]
    renames: Renames
    prune: Prune


def diff(desired: Organisation, current: Organisation, catalog: Catalog, secrets: Iterable[str] = ()) -> DiffResult:
    """Every change that makes ``current`` match what ``desired`` manages."""
    renames = find_renames(desired, current)
    seen = rename_current(current, renames)
    ctx = _Context(
        catalog, frozenset(secrets) | secret_values(desired) | secret_values(current), renames, desired.prune or Prune()
    )
    result = DiffResult(changes=[], renames=renames)
    result.changes += _singleton("establishment", "establishment", desired.establishment, seen.establishment, ctx)
    result.changes += _structures(desired, seen, ctx, result.unmanaged)
    result.changes += _profiles(desired, seen, ctx, result.unmanaged)
    result.changes += _users(desired, seen, ctx, result.unmanaged)
    result.changes += _hierarchy(desired, seen)
    result.changes += _extranet_codes(desired, seen, ctx, result.unmanaged)
    result.changes += _custodian_contacts(desired, seen, ctx)
    result.changes += _services(desired, seen, ctx)
    return result


def secret_values(model: BaseModel | None) -> frozenset[str]:
    """Every SecretStr value held anywhere in ``model``."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, SecretStr):
            found.add(value.get_secret_value())
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, Mapping):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                walk(inner)

    walk(model)
    return frozenset(s for s in found if s)


def _is_secret(value: Any, secrets: frozenset[str]) -> bool:
    text = value if isinstance(value, str) else repr(value) if value is not None else ""
    return any(secret in text for secret in secrets)


def _fields(before: Any, after: Any, ctx: _Context, labels: Mapping[str, str] | None = None) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(
            path=path,
            before=old,
            after=new,
            label=(labels or {}).get(path),
            sensitive=_is_secret(old, ctx.secrets) or _is_secret(new, ctx.secrets),
        )
        for path, old, new in field_differences(before, after)
    )


def _change(
    resource: str,
    key: str,
    want: Any,
    have: Any,
    ctx: _Context,
    renamed_from: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Change | None:
    """The change of one resource from its (already projected) plain forms, or None when equal."""
    if have == want and renamed_from is None:
        return None
    action: Action = "create" if have is None else "update"
    fields = _fields(have, want, ctx, labels)
    if renamed_from is not None:
        fields = (FieldChange("key", renamed_from, key), *fields)
    return Change(action, resource, key, fields, renamed_from, payload=want or {}, before=have or {})


def _singleton(resource: str, key: str, wanted: Any, held: Any, ctx: _Context, wrap: bool = False) -> list[Change]:
    """A resource the tenant always has (establishment, a Services section): updated, never created."""
    if wanted is None:
        return []
    want, have = managed_pair(wanted, held)
    if wrap:  # a section may be a list: keep paths named after it
        want, have = {key: want}, ({key: have} if have is not None else None)
    found = _change(resource, key, want, have if have is not None else {}, ctx)
    if found:
        found.desired = wanted
    return [found] if found else []


def _removed(
    resource: str,
    collection: str,
    wanted: Mapping[str, Any],
    held: Mapping[str, Any],
    ctx: _Context,
    unmanaged: Unmanaged,
) -> list[Change]:
    """Deletions of what the tenant holds and the file does not, when the file prunes this collection."""
    extra = [key for key in held if key not in wanted and key != ADMIN_PROFILE]
    if not getattr(ctx.prune, collection):
        if extra:
            unmanaged[collection] = extra
        return []
    return [
        Change("delete", resource, key, _fields(plain(held[key]), None, ctx), before=_before(held[key]))
        for key in extra
    ]


def _before(value: Any) -> dict[str, Any]:
    found = plain(value)
    return found if isinstance(found, dict) else {}


def _structures(desired: Organisation, seen: Organisation, ctx: _Context, unmanaged: Unmanaged) -> list[Change]:
    if desired.structures is None:
        return []
    held = seen.structures or {}
    old_key = ctx.renames.old_from_new("structures")
    changes = []
    for code, structure in desired.structures.items():
        want, have = managed_pair(structure, held.get(code))
        found = _change("structure", code, want, have, ctx, old_key.get(code))
        if found:
            changes.append(found)
    return changes + _removed("structure", "structures", desired.structures, held, ctx, unmanaged)


def _profile_labels(catalog: Catalog) -> dict[str, str]:
    return {f"rights.{r.key}": r.label for r in catalog.all_rights()}


def _project(rights: RightsMap, onto: RightsMap) -> RightsMap:
    """``rights`` reduced to the rights ``onto`` names: rights the file does not know are not managed."""
    return {tab: {r: rights[tab][r] for r in values if r in rights.get(tab, {})} for tab, values in onto.items()}


def _profiles(desired: Organisation, seen: Organisation, ctx: _Context, unmanaged: Unmanaged) -> list[Change]:
    if desired.profiles is None:
        return []
    held = seen.profiles or {}
    wanted_rights = resolve_profiles(desired.profiles, ctx.catalog)
    held_rights = resolve_profiles(held, ctx.catalog)
    labels = _profile_labels(ctx.catalog)
    old_key = ctx.renames.old_from_new("profiles")
    changes = []
    for label, profile in desired.profiles.items():
        if label == ADMIN_PROFILE:
            continue  # built in: every right, cannot be changed
        want: dict[str, Any] = {"rights": wanted_rights[label]}
        if profile.valid is not None:
            want["valid"] = profile.valid
        have: dict[str, Any] | None = None
        if label in held:
            have = {"rights": _project(held_rights[label], wanted_rights[label])}
            if profile.valid is not None and held[label].valid is not None:
                have["valid"] = held[label].valid
        found = _change("profile", label, want, have, ctx, old_key.get(label), labels)
        if found:
            changes.append(found)
    return changes + _removed("profile", "profiles", desired.profiles, held, ctx, unmanaged)


def _user_forms(
    user: User, held: User | None, wanted_rights: Mapping[str, RightsMap], ctx: _Context
) -> tuple[Any, Any]:
    """(desired, current) plain forms of a user; a one-off profile is compared on effective rights."""
    want, have = managed_pair(user.model_copy(update={"custom_profile": None}), held)
    if user.custom_profile is not None:
        rights = resolve_custom(user.custom_profile, wanted_rights, ctx.catalog)
        want["custom_profile"] = {"rights": rights}
        if held is not None and held.custom_profile is not None:
            have["custom_profile"] = {"rights": _project(held.custom_profile.rights, rights)}
    return want, have


def _users(desired: Organisation, seen: Organisation, ctx: _Context, unmanaged: Unmanaged) -> list[Change]:
    if desired.users is None:
        return []
    held = seen.users or {}
    wanted_rights = resolve_profiles(desired.profiles or seen.profiles or {}, ctx.catalog)
    labels = _profile_labels(ctx.catalog)
    custom_labels = {f"custom_profile.{k}": v for k, v in labels.items()}
    old_key = ctx.renames.old_from_new("users")
    changes = []
    for login, user in desired.users.items():
        want, have = _user_forms(user, held.get(login), wanted_rights, ctx)
        found = _change("user", login, want, have, ctx, old_key.get(login), custom_labels)
        if found:
            if login in held:
                found.before = _before(held[login])
            changes.append(found)
    return changes + _deactivations(desired.users, held, ctx, unmanaged)


def _deactivations(
    wanted: Mapping[str, User], held: Mapping[str, User], ctx: _Context, unmanaged: Unmanaged
) -> list[Change]:
    """Users the file no longer lists: unmanaged, or deactivated (never deleted) when pruning users."""
    extra = [login for login, user in held.items() if login not in wanted and user.active is not False]
    if not ctx.prune.users:
        if extra:
            unmanaged["users"] = extra
        return []
    return [
        Change(
            "update",
            "user",
            login,
            (FieldChange("active", True, False),),
            payload={"active": False},
            before=_before(held[login]),
        )
        for login in extra
    ]


def _hierarchy(desired: Organisation, seen: Organisation) -> list[Change]:
    """One change per attached user whose manager differs: attach (create), move (update), detach (delete)."""
    if desired.hierarchy is None:
        return []
    wanted = manager_map(desired.hierarchy)
    held = manager_map(seen.hierarchy or {})
    # the tree is authoritative for the users the file manages (all of them when it has no users section)
    managed = list(desired.users) if desired.users is not None else list(dict.fromkeys([*(seen.users or {}), *wanted]))
    changes = []
    for login in managed:
        want, have = wanted.get(login), held.get(login)
        if want == have:
            continue
        action: Action = "create" if have is None else "delete" if want is None else "update"
        changes.append(
            Change(
                action,
                "hierarchy",
                login,
                (FieldChange("manager", have, want),),
                payload={"manager": want},
                before={"manager": have},
                facts={"above": _chain(want, wanted)},
            )
        )
    return changes


def _chain(manager: str | None, managers: Mapping[str, str]) -> list[str]:
    """``manager`` and every manager above him in the desired tree, nearest first."""
    chain: list[str] = []
    while manager is not None and manager not in chain:
        chain.append(manager)
        manager = managers.get(manager)
    return chain


def _code_key(provider: str, code: str) -> str:
    return f"{provider}/{code}"


def _extranet_codes(desired: Organisation, seen: Organisation, ctx: _Context, unmanaged: Unmanaged) -> list[Change]:
    if desired.aggregation is None or desired.aggregation.extranet_codes is None:
        return []
    wanted = {_code_key(c.provider, c.code): c for c in desired.aggregation.extranet_codes}
    held_list = seen.aggregation.extranet_codes if seen.aggregation else None
    held = {_code_key(c.provider, c.code): c for c in held_list or []}
    changes = []
    for key, code in wanted.items():
        # the status is O2S's verdict on the request: read, never compared nor written
        want, have = managed_pair(code.model_copy(update={"status": None}), held.get(key))
        found = _change("extranet_code", key, want, have, ctx)
        if found:
            changes.append(found)
    return changes + _removed("extranet_code", "extranet_codes", wanted, held, ctx, unmanaged)


def _custodian_contacts(desired: Organisation, seen: Organisation, ctx: _Context) -> list[Change]:
    if desired.aggregation is None or desired.aggregation.custodian_contacts is None:
        return []
    held = (seen.aggregation.custodian_contacts if seen.aggregation else None) or {}
    changes = []
    for name, contact in desired.aggregation.custodian_contacts.items():
        want, have = managed_pair(contact, held.get(name))
        found = _change("custodian_contact", name, want, have, ctx)
        if found:
            changes.append(found)
    return changes


def _services(desired: Organisation, seen: Organisation, ctx: _Context) -> list[Change]:
    """One change per Services section (alerts, editions, email_server...)."""
    if desired.services is None:
        return []
    changes = []
    for section in type(desired.services).model_fields:
        wanted = getattr(desired.services, section)
        held = getattr(seen.services, section) if seen.services is not None else None
        changes += _singleton("service", section, wanted, held, ctx, wrap=True)
    return changes
