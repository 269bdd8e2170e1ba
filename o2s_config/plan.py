"""The plan: ordered changes, summary, warnings, safety checks and the tenant fingerprint. Pure.

Safety checks never stop a plan from being computed and shown: they are recorded, and the
commands refuse to apply (threshold: unless forced; lockout: never).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from o2s_config import billing
from o2s_config.billing import BilledCount
from o2s_config.canonical import plain
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.changes import Change
from o2s_config.diff import DiffResult, diff
from o2s_config.model import ADMIN_PROFILE, Organisation
from o2s_config.model.services import SERVICE_PATHS
from o2s_config.ordering import order
from o2s_config.renames import rename_current
from o2s_config.resolve import resolve_profiles

FORMAT_VERSION = "1"

# Where an administrator makes a change by hand when the target cannot write it.
MANUAL_PATHS: dict[str, str] = {
    "establishment": "Administration > Nom et coordonnées de l'établissement",
    "structure": "the O2S support (assistance O2S): O2S proposes the structures and its support changes them",
    "profile": "Administration > Gestion des droits",
    "user": "Administration > Utilisateurs",
    "hierarchy": "Administration > Utilisateurs > Hiérarchie",
    "extranet_code": "Administration > Gestion de l’agrégation > Source d’agrégation > Nouvelle demande",
    "custodian_contact": "Agrégation > Dépositaires > Personnaliser les coordonnées",
    "service": "Services > Modules",
}


def manual_path(change: Change) -> str:
    """Where an administrator makes ``change`` by hand: a Services section's own page, else its resource's."""
    if change.resource == "service" and change.key in SERVICE_PATHS:
        return SERVICE_PATHS[change.key]
    return MANUAL_PATHS.get(change.resource, "")


# Collections the share threshold protects: file section -> resource type.
GUARDED = {"structures": "structure", "profiles": "profile", "users": "user", "extranet_codes": "extranet_code"}


@dataclass
class Plan:
    """What apply would do to ``target``, in order, and whether it is safe to do it."""

    target: str
    fingerprint: str
    changes: list[Change]
    warnings: list[str] = field(default_factory=list)
    threshold_violations: list[str] = field(default_factory=list)
    lockout_violations: list[str] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)  # file name and hash, for saved plans
    billed: tuple[BilledCount, ...] = ()  # each billed option's active users, now and once applied

    @property
    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0, "manual": 0}
        for change in self.changes:
            counts["manual" if change.manual else change.action] += 1
        return counts

    @property
    def empty(self) -> bool:
        return not self.changes

    def refusals(self, force: bool = False) -> list[str]:
        """Why apply must not run: the lockout always, the threshold unless forced."""
        return self.lockout_violations + ([] if force else self.threshold_violations)


def fingerprint(current: Organisation) -> str:
    """A hash of the tenant's state: a saved plan is applied only to the state it was computed from."""
    text = json.dumps(plain(current), sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_plan(
    desired: Organisation,
    current: Organisation,
    catalog: Catalog,
    target: str,
    identity: str | None = None,
    secrets: Iterable[str] = (),
    writable: Iterable[str] | None = None,
) -> Plan:
    """Diff, order and check: the plan of ``desired`` against ``current`` as applied by ``identity``."""
    secret_set = frozenset(secrets)
    found = diff(desired, current, catalog, secret_set)
    changes = order(found.changes)
    if writable is not None:
        can_write = set(writable)
        for change in changes:
            change.manual = change.resource not in can_write
    plan = Plan(target=target, fingerprint=fingerprint(current), changes=changes)
    plan.warnings = [_mask(w, secret_set) for w in warnings(changes, found, catalog)]
    plan.threshold_violations = threshold_violations(
        changes, current, desired.safety.max_delete_share if desired.safety else 0.2
    )
    seen = rename_current(current, found.renames)
    plan.warnings += still_held(changes, seen)
    plan.billed, billed_notes = billing.plan_counts(desired, seen), billing.plan_warnings(desired, seen)
    plan.warnings += billed_notes
    who = found.renames.users.get(identity, identity) if identity else None
    plan.lockout_violations = lockout_violations(changes, seen, catalog, who)
    return plan


def still_held(changes: list[Change], seen: Organisation) -> list[str]:
    """Structures and profiles to delete that users will still hold: the tenant will refuse those deletions."""
    by_id = {c.id: c for c in changes}
    notes = []
    for change in changes:
        if change.action != "delete" or change.resource not in ("structure", "profile"):
            continue
        holders = [
            login
            for login in seen.users or {}
            if (_user_state(seen, by_id.get(f"user:{login}"), login) or {}).get(change.resource) == change.key
        ]
        if holders:
            notes.append(
                f"{change.resource} {change.key} is still given to {', '.join(holders)} (users this file does not "
                f"move): the tenant will refuse to delete it"
            )
    return notes


def _mask(text: str, secrets: frozenset[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "(sensitive)")
    return text


def warnings(changes: list[Change], found: DiffResult, catalog: Catalog) -> list[str]:
    """What a reviewer must know: e-mails sent, sensitive rights granted (billed options: ``billing.py``)."""
    notes: list[str] = []
    for change in changes:
        if _sends_activation(change):
            email = change.payload.get("email") or change.before.get("email")
            notes.append(f"user {change.key}: an activation e-mail will be sent to {email}")
        granted = _sensitive_granted(change, catalog)
        if granted:
            listed = ", ".join(f"« {label} »" for label in granted)
            notes.append(f"{change.resource} {change.key}: sensitive rights granted: {listed}")
    for collection, keys in found.unmanaged.items():
        shown = ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
        notes.append(f"{len(keys)} {collection} in the tenant are not in the file (not managed, left as is): {shown}")
    return notes


def _sends_activation(change: Change) -> bool:
    """A user created with a login, or given one: O2S e-mails him to activate his account."""
    if change.resource != "user" or change.payload.get("has_login") is False:
        return False
    return change.action == "create" or (
        change.payload.get("has_login") is True and change.before.get("has_login") is False
    )


def _sensitive_granted(change: Change, catalog: Catalog) -> list[str]:
    """Labels of the sensitive rights that take effect with this change and did not before."""
    if change.resource == "profile":
        after, before = change.payload.get("rights"), change.before.get("rights")
    elif change.resource == "user":
        after = (change.payload.get("custom_profile") or {}).get("rights")
        before = (change.before.get("custom_profile") or {}).get("rights")
    else:
        return []
    if not after:
        return []
    return [
        r.marked_label for r in catalog.all_rights() if r.sensitive and r.grants(after) and not r.grants(before or {})
    ]


def threshold_violations(changes: list[Change], current: Organisation, share: float) -> list[str]:
    """Collections losing more than ``share`` of their members (deleted, or users deactivated)."""
    found = []
    for collection, resource in GUARDED.items():
        members = _members(current, collection)
        if not members:
            continue
        lost = [c for c in changes if c.resource == resource and (c.action == "delete" or c.deactivates)]
        if len(lost) > share * len(members):
            found.append(
                f"{len(lost)} of {len(members)} {collection} would be deleted or deactivated, more than the "
                f"allowed {share:.0%} (safety.max_delete_share); use --force if this is intended"
            )
    return found


def _members(current: Organisation, collection: str) -> list[str]:
    if collection == "users":
        return [login for login, u in (current.users or {}).items() if u.active is not False]
    if collection == "extranet_codes":
        return [c.code for c in (current.aggregation.extranet_codes or [])] if current.aggregation else []
    held: Mapping[str, Any] = getattr(current, collection) or {}
    return [key for key in held if key != ADMIN_PROFILE]


def lockout_violations(changes: list[Change], seen: Organisation, catalog: Catalog, identity: str | None) -> list[str]:
    """No plan may take the Administration module from the identity applying it, or from the last active admin."""
    before = _admins(seen, {}, catalog)
    after = _admins(seen, {c.id: c for c in changes}, catalog)
    found = []
    if identity and identity in before and identity not in after:
        found.append(
            f"this plan takes the Administration module away from {identity}, the identity applying it "
            "(lockout protection cannot be overridden)"
        )
    if before and not after:
        found.append("this plan leaves no active user with the Administration module (lockout protection)")
    return found


def _admins(seen: Organisation, changes: Mapping[str, Change], catalog: Catalog) -> set[str]:
    """Active users holding the Administration module, once ``changes`` are made."""
    rights = _profile_rights(seen, changes, catalog)
    admins = set()
    logins = list(dict.fromkeys([*(seen.users or {}), *(c.key for c in changes.values() if c.resource == "user")]))
    for login in logins:
        state = _user_state(seen, changes.get(f"user:{login}"), login)
        if state is None or state.get("active") is False:
            continue
        custom = state.get("custom_profile")
        held = custom.get("rights") if isinstance(custom, dict) else rights.get(str(state.get("profile")))
        if held and held.get("administration", {}).get("module_access") is True:
            admins.add(login)
    return admins


def _user_state(seen: Organisation, change: Change | None, login: str) -> dict[str, Any] | None:
    held = (seen.users or {}).get(login)
    state: dict[str, Any] = plain(held) if held is not None else {}
    if held is not None and held.custom_profile is not None:
        state["custom_profile"] = {"rights": held.custom_profile.rights}
    if change is not None:
        if "profile" in change.payload:
            state.pop("custom_profile", None)
        if "custom_profile" in change.payload:
            state.pop("profile", None)
        state.update(change.payload)
    return state or None


def _profile_rights(seen: Organisation, changes: Mapping[str, Change], catalog: Catalog) -> dict[str, RightsMap]:
    rights = resolve_profiles(seen.profiles or {}, catalog)
    for change in changes.values():
        if change.resource == "profile":
            if change.action == "delete":
                rights.pop(change.key, None)
            else:
                rights[change.key] = change.payload["rights"]
    return rights
