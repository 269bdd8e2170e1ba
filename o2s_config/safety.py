"""Safety: what a reviewer must be told about a plan, and what must stop it. Pure.

Fed by what the diff already resolved (the tenant's state under the file's keys, every
profile's effective rights): nothing is resolved again here.

- Share threshold: a collection losing more than ``safety.max_delete_share`` of its members
  (deleted, or users deactivated) is refused without ``--force``, but only from
  ``safety.min_collection_size`` members (10 by default). Below that, one deletion is
  already a large share (one structure of three is 33 %): those removals are announced in
  the warnings instead, so a small firm does not learn to pass ``--force`` on every apply.
- Lockout: never overridable; the identity applying the plan keeps the Administration
  module, and at least one active user keeps it.
- Still held: a structure or profile to delete that users the file does not move still hold.
- Warnings: activation e-mails, sensitive rights, billed options (counted by ``billing.py``,
  the one list ``validate`` uses too), what the tenant holds and the file does not manage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from o2s_config import billing
from o2s_config.catalog import Catalog, RightsMap, grants_admin
from o2s_config.changes import Change
from o2s_config.diff import DiffResult
from o2s_config.intents import Intents
from o2s_config.kinds import PROFILE, STRUCTURE, USER, Kind, guarded
from o2s_config.model import Organisation, Safety, User


@dataclass(frozen=True)
class Verdict:
    """What the safety checks found: notes for the reviewer, and the reasons to refuse."""

    warnings: list[str]
    threshold: list[str]
    lockout: list[str]


def check(
    changes: Sequence[Change],
    found: DiffResult,
    desired: Organisation,
    catalog: Catalog,
    identity: str | None,
    billed: billing.PlanCoverage,
) -> Verdict:
    """Every safety check of ``changes`` (ordered) against the state the diff resolved.

    What the file declares it means to grant and bill (``intents.py``) is not warned about again.
    """
    settings = desired.safety or Safety()
    intents = Intents.of(desired)
    notes = warnings(changes, found, catalog, intents) + billed.warnings(intents.billed)
    notes += small_removals(changes, found.seen, settings)
    notes += still_held(changes, found.seen)
    who = found.renames.users.get(identity, identity) if identity else None
    return Verdict(
        notes,
        threshold_violations(changes, found.seen, settings),
        lockout_violations(changes, found, who),
    )


def members(current: Organisation, kind: Kind) -> list[str]:
    """The members of a guarded collection the threshold counts (users: the active ones)."""
    if kind is USER:
        return [login for login, u in (current.users or {}).items() if u.active is not False]
    held = kind.members(current) or {}
    if isinstance(held, list):  # extranet codes: a list in the file
        return [kind.key_of(c.provider, c.code) for c in held]
    return [key for key in held if key not in kind.kept]


def _removals(changes: Sequence[Change], current: Organisation) -> list[tuple[Kind, list[Change], int]]:
    """(kind, its removals, members it has) for every guarded collection losing members."""
    found = []
    for kind in guarded():
        lost = [c for c in changes if c.resource == kind.name and c.removes]
        if lost:
            found.append((kind, lost, len(members(current, kind))))
    return found


def threshold_violations(changes: Sequence[Change], current: Organisation, settings: Safety) -> list[str]:
    """Collections of at least ``min_collection_size`` members losing more than ``max_delete_share`` of them."""
    share, minimum = settings.max_delete_share, settings.min_collection_size
    return [
        f"{len(lost)} of {held} {kind.prune} would be deleted or deactivated, more than the allowed "
        f"{share:.0%} (safety.max_delete_share); use --force if this is intended"
        for kind, lost, held in _removals(changes, current)
        if held >= minimum and len(lost) > share * held
    ]


def small_removals(changes: Sequence[Change], current: Organisation, settings: Safety) -> list[str]:
    """Removals from collections below ``min_collection_size``: announced, never refused."""
    notes = []
    for kind, lost, held in _removals(changes, current):
        if held < settings.min_collection_size:
            keys = ", ".join(c.key for c in lost)
            notes.append(
                f"{len(lost)} of {held} {kind.prune} will be deleted or deactivated: {keys} (the share "
                f"threshold applies from {settings.min_collection_size} members: safety.min_collection_size)"
            )
    return notes


def still_held(changes: Sequence[Change], seen: Organisation) -> list[str]:
    """Structures and profiles to delete that users will still hold: the tenant will refuse those deletions."""
    doomed = {
        (c.resource, c.key) for c in changes if c.action == "delete" and c.resource in (STRUCTURE.name, PROFILE.name)
    }
    if not doomed:
        return []
    users = {c.key: c for c in changes if c.resource == USER.name}
    holders: dict[tuple[str, str], list[str]] = {}
    for login, user in (seen.users or {}).items():
        state = _after(user, users.get(login))
        for resource in (STRUCTURE.name, PROFILE.name):
            held = (resource, state.get(resource))
            if held in doomed:
                holders.setdefault(held, []).append(login)
    notes = []
    for change in changes:
        logins = holders.get((change.resource, change.key)) if change.action == "delete" else None
        if logins:
            notes.append(
                f"{change.resource} {change.key} is still given to {', '.join(logins)} (users this file does not "
                f"move): the tenant will refuse to delete it"
            )
    return notes


def _after(user: User | None, change: Change | None) -> dict[str, Any]:
    """A user's active flag, structure, profile and one-off rights once ``change`` is made."""
    state: dict[str, Any] = {}
    if user is not None:
        state = {"active": user.active, "structure": user.structure, "profile": user.profile}
        if user.custom_profile is not None:
            state["custom"] = user.custom_profile.rights
    if change is not None:
        payload = change.payload
        if "custom_profile" in payload:
            state["profile"], state["custom"] = None, payload["custom_profile"].get("rights")
        elif "profile" in payload:
            state["profile"], state["custom"] = payload["profile"], None
        for name in ("active", "structure"):
            if name in payload:
                state[name] = payload[name]
    return state


def lockout_violations(changes: Sequence[Change], found: DiffResult, identity: str | None) -> list[str]:
    """No plan may take the Administration module from the identity applying it, or from the last active admin."""
    before = _admins(found.seen, {}, found.rights.held)
    users = {c.key: c for c in changes if c.resource == USER.name}
    after = before  # with no user nor profile changed, who holds the module stays as is (users walked once)
    if users or any(c.resource == PROFILE.name for c in changes):
        after = _admins(found.seen, users, _rights_after(changes, found.rights.held))
    notes = []
    if identity and identity in before and identity not in after:
        notes.append(
            f"this plan takes the Administration module away from {identity}, the identity applying it "
            "(lockout protection cannot be overridden)"
        )
    if before and not after:
        notes.append("this plan leaves no active user with the Administration module (lockout protection)")
    return notes


def _admins(seen: Organisation, users: Mapping[str, Change], rights: Mapping[str, RightsMap]) -> set[str]:
    """Active users holding the Administration module, once the ``users`` changes are made."""
    held = seen.users or {}
    admins = set()
    for login in dict.fromkeys([*held, *users]):
        state = _after(held.get(login), users.get(login))
        if not state or state.get("active") is False:
            continue
        custom = state.get("custom")
        if grants_admin(custom if custom is not None else rights.get(str(state.get("profile")))):
            admins.add(login)
    return admins


def _rights_after(changes: Sequence[Change], held: Mapping[str, RightsMap]) -> dict[str, RightsMap]:
    rights = dict(held)
    for change in changes:
        if change.resource == PROFILE.name:
            if change.action == "delete":
                rights.pop(change.key, None)
            else:
                rights[change.key] = change.payload["rights"]
    return rights


def warnings(changes: Sequence[Change], found: DiffResult, catalog: Catalog, intents: Intents) -> list[str]:
    """What a reviewer must know: e-mails sent, sensitive rights granted (billed options: ``billing.py``).

    Sensitive rights the file declares intended are not repeated.
    """
    notes: list[str] = []
    for change in changes:
        if _sends_activation(change):
            email = change.payload.get("email") or change.before.get("email")
            notes.append(f"user {change.key}: an activation e-mail will be sent to {email}")
        granted = _sensitive_granted(change, catalog, _declared(change, intents))
        if granted:
            listed = ", ".join(f"« {label} »" for label in granted)
            notes.append(f"{change.resource} {change.key}: sensitive rights granted: {listed}")
    for collection, keys in found.unmanaged.items():
        shown = ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
        notes.append(f"{len(keys)} {collection} in the tenant are not in the file (not managed, left as is): {shown}")
    return notes


def _sends_activation(change: Change) -> bool:
    """A user created with a login, or given one: O2S e-mails him to activate his account."""
    if change.resource != USER.name or change.payload.get("has_login") is False:
        return False
    return change.action == "create" or (
        change.payload.get("has_login") is True and change.before.get("has_login") is False
    )


def _declared(change: Change, intents: Intents) -> frozenset[str]:
    """The sensitive rights the file declares this profile (or this user's one-off profile) is meant to grant."""
    if change.resource == PROFILE.name:
        return intents.sensitive_of_profile(change.key)
    return intents.sensitive_of_user(change.key) if change.resource == USER.name else frozenset()


def _sensitive_granted(change: Change, catalog: Catalog, declared: frozenset[str]) -> list[str]:
    """Labels of the sensitive rights that take effect with this change and did not before."""
    if change.resource == PROFILE.name:
        after, before = change.payload.get("rights"), change.before.get("rights")
    elif change.resource == USER.name:
        after = (change.payload.get("custom_profile") or {}).get("rights")
        before = (change.before.get("custom_profile") or {}).get("rights")
    else:
        return []
    if not after:
        return []
    return [
        r.marked_label
        for r in catalog.all_rights()
        if r.sensitive and r.key not in declared and r.grants(after) and not r.grants(before or {})
    ]
